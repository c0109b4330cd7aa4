"""hbo and wo programmes as DUO names them (CROHO onderdeel, subonderdeel, opleidingscode) and their technical rule.

The rule follows DUO's own classification: a programme is technical when its CROHO onderdeel is 'techniek'.
Programmes in other onderdelen are not counted, even where they are close to technology: 'natuur' (e.g. wo
physics, mathematics, computer science at some universities) and ICT programmes that CROHO files under
'economie' (e.g. hbo Bedrijfskundige Informatica). The indicators state this as a caveat.
"""

from __future__ import annotations

from pathlib import Path

from etl.education import Education
from etl.errors import RawFileError

# DUO's CROHO onderdelen (hbo and wo); the old layout writes them in lower case, the portal in upper case.
ONDERDELEN = {
    "economie",
    "gedrag en maatschappij",
    "gezondheidszorg",
    "landbouw en natuurlijke omgeving",
    "natuur",
    "onderwijs",
    "recht",
    "sectoroverstijgend",
    "taal en cultuur",
    "techniek",
}
TECHNICAL_ONDERDEEL = "techniek"
RULE_HO = "hbo/wo: CROHO-onderdeel techniek (DUO); natuur en ICT in andere onderdelen tellen niet mee"


def normalise_onderdeel(value: str) -> str:
    """CROHO onderdeel in DUO's lower-case spelling ('TECHNIEK' → 'techniek')."""
    return " ".join(value.strip().lower().split())


def ho_education(level: str, onderdeel: str, subonderdeel: str, code: str | None, name: str | None,
                 path: Path, line: int, column: str) -> Education:
    """Classify an hbo/wo programme; `code`/`name` are None when a file only gives (sub)onderdeel."""
    track = normalise_onderdeel(onderdeel)
    if track not in ONDERDELEN:
        raise RawFileError(
            path,
            f"onbekend CROHO-onderdeel '{onderdeel.strip()}'; verwacht een van {', '.join(sorted(ONDERDELEN))} "
            "(nieuw onderdeel: leg de techniekregel vast in etl/education/ho.py)",
            line,
            column,
        )
    sub = " ".join(subonderdeel.strip().lower().split())
    if code is None:
        education_id = f"{level}:{track}/{sub}"
        label = f"{track} / {sub}"
    else:
        education_id = f"{level}:{track}/{sub}:{code.strip()}"
        label = (name or "").strip()
    return Education(education_id, level, None, track, label, track == TECHNICAL_ONDERDEEL, RULE_HO)
