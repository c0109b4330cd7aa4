"""vo programmes as DUO names them (VMBO <leerweg> - <sector>, HAVO/VWO - <profiel>) and their technical rule."""

from __future__ import annotations

import re
from pathlib import Path

from etl.education import Education
from etl.errors import RawFileError

VMBO_SECTORS = {"techniek", "economie", "zorg en welzijn", "landbouw"}
VMBO_LEERWEGEN = {"B", "K", "G", "T", "LWT"}
HAVO_VWO_PROFILES = {"N&T", "N&G", "E&M", "C&M"}

RULE_VMBO = "vmbo: sector techniek"
RULE_HAVO_VWO = "havo/vwo: profiel N&T, ook in een combinatieprofiel (N&T / N&G enz.)"

_VMBO = re.compile(r"^VMBO (B|K|G|T|LWT)(?: - (.+))?$")
_HAVO_VWO = re.compile(r"^(HAVO|VWO) - (.+)$")


def vo_education(onderwijstype: str, label: str, path: Path, line: int) -> Education:
    """Classify a DUO vo programme name (e.g. 'VMBO K - techniek', 'HAVO - N&T / N&G')."""
    label = label.strip()
    level = onderwijstype.strip().lower()
    education_id = f"vo:{label}"
    if level == "vmbo":
        match = _VMBO.match(label)
        sector = match.group(2).replace("&", "en").strip() if match and match.group(2) else None
        if not match or (sector is not None and sector not in VMBO_SECTORS):
            raise RawFileError(
                path,
                f"onbekende vmbo-opleiding '{label}'; verwacht 'VMBO <leerweg> - <sector>' met sector "
                f"{', '.join(sorted(VMBO_SECTORS))} (nieuwe sector: leg de techniekregel vast in etl/education.py)",
                line,
                "OPLEIDINGSNAAM",
            )
        return Education(education_id, "vmbo", match.group(1), sector, label, sector == "techniek", RULE_VMBO)
    if level in ("havo", "vwo"):
        match = _HAVO_VWO.match(label)
        profiles = [p.strip() for p in match.group(2).split("/")] if match else []
        if not match or match.group(1).lower() != level or not set(profiles) <= HAVO_VWO_PROFILES:
            raise RawFileError(
                path,
                f"onbekend {level}-profiel '{label}'; verwacht '{level.upper()} - <profiel>[ / <profiel>]' "
                f"met profielen {', '.join(sorted(HAVO_VWO_PROFILES))}",
                line,
                "OPLEIDINGSNAAM",
            )
        track = " / ".join(profiles)
        return Education(education_id, level, None, track, label, "N&T" in profiles, RULE_HAVO_VWO)
    raise RawFileError(path, f"onbekend onderwijstype '{onderwijstype}'; verwacht VMBO, HAVO of VWO", line,
                       "ONDERWIJSTYPE VO")
