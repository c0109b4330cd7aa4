"""mbo qualifications as DUO names them and their documented technical rule (SBB sectorkamers).

Technical = the SBB sectorkamers 'techniek en gebouwde omgeving' and 'mobiliteit, transport, logistiek en
maritiem', and the ICT part of 'ICT en creatieve industrie' (not media, design or other creative dossiers).
Source: SBB, the eight sectorkamers (s-bb.nl, "Sectorkamers"), which replaced the 2015-2019 sectorunits of the
same names. The full mapping is in docs/sources/duo_mbo_students_old.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.education import Education
from etl.errors import RawFileError

# BOLVT and BOLDT (full-time and part-time BOL) are BOL. EX, the extraneus of DUO's current students files, takes
# only the exams and follows neither BOL nor BBL: it stays EX, so that it is never counted as either.
LEERWEGEN = {"BOLVT": "BOL", "BOLDT": "BOL", "BOL": "BOL", "BBL": "BBL", "EX": "EX"}

RULE_OLD = ("mbo (2015-2019): SBB-sectorunit techniek en gebouwde omgeving of mobiliteit, transport, logistiek, "
            "maritiem, of domein Informatie en communicatietechnologie; bij bovensectoraal/crossover beslist het "
            "domein")
RULE_CURRENT = ("mbo: SBB-sectorkamer techniek en gebouwde omgeving of mobiliteit, transport, logistiek en "
                "maritiem, of het ICT-deel van ICT en creatieve industrie")

# Old layout (SECTORUNIT SBB, DOMEIN): the sectorunits that are technical as a whole.
OLD_TECH_UNITS = {"sectorunit techniek en gebouwde omgeving", "sectorunit mobiliteit, transport, logistiek, maritiem"}
OLD_ICT_UNIT = "sectorunit creatieve industrie en ict"
OLD_OTHER_UNITS = {
    "sectorunit zorg, welzijn en sport", "sectorunit handel", "sectorunit voedsel, groen en gastvrijheid",
    "sectorunit zakelijke dienstverlening en veiligheid", "sectorunit specialistisch vakmanschap",
}
# Units without one sector: the opleidingsdomein decides.
OLD_DOMAIN_UNITS = re.compile(r"^(bovensectoraal|combinatie door crossover|inschr op domein .+)$")
TECH_DOMAINS = {
    "techniek en procesindustrie", "bouw en infra", "afbouw, hout en onderhoud", "mobiliteit en voertuigen",
    "transport, scheepvaart en logistiek", "informatie en communicatietechnologie",
}
ICT_DOMAIN = "informatie en communicatietechnologie"

# Current layout (SECTORKAMER NAAM), compared without the word 'sectorkamer' and in lower case.
CURRENT_TECH = {"techniek en gebouwde omgeving", "mobiliteit, transport, logistiek en maritiem"}
CURRENT_ICT = "ict en creatieve industrie"
CURRENT_OTHER = {
    "zorg, welzijn en sport", "handel", "voedsel, groen en gastvrijheid", "zakelijke dienstverlening en veiligheid",
    "specialistisch vakmanschap", "entree", "overig", "onbekend",
}
# Within ICT en creatieve industrie, the ICT part: programme or group names about ICT, IT or software.
ICT_NAME = re.compile(r"\b(ict|it|software|netwerk\w*|applicatie\w*|informatica|cyber\w*|data\w*)\b", re.I)


def leerweg(type_mbo: str, path: Path, line: int, column: str) -> str:
    """BOL, BBL or EX from DUO's leerweg (BOLVT and BOLDT, full-time and part-time BOL, are BOL)."""
    value = type_mbo.strip().upper()
    if value not in LEERWEGEN:
        raise RawFileError(path, f"onbekende leerweg '{type_mbo}'; verwacht BOLVT, BOLDT, BOL, BBL of EX", line,
                           column)
    return LEERWEGEN[value]


def mbo_education_old(crebo: str, name: str, type_mbo: str, domain: str, unit: str, path: Path,
                      line: int) -> Education:
    """Classify a qualification from the old layout (SECTORUNIT SBB and DOMEIN)."""
    key_unit, key_domain = unit.strip().lower(), domain.strip().lower()
    if key_unit in OLD_TECH_UNITS:
        technical = True
    elif key_unit == OLD_ICT_UNIT:
        technical = key_domain == ICT_DOMAIN
    elif key_unit in OLD_OTHER_UNITS:
        technical = False
    elif OLD_DOMAIN_UNITS.match(key_unit):
        technical = key_domain in TECH_DOMAINS
    else:
        raise RawFileError(path, f"onbekende SBB-sectorunit '{unit}'; leg de techniekregel vast in "
                                 "etl/education/mbo.py", line, "SECTORUNIT SBB")
    track = unit.strip().removeprefix("Sectorunit ").strip()
    route = leerweg(type_mbo, path, line, "TYPE MBO")
    education_id = f"mbo:{crebo.strip()} {route} | {track} | {domain.strip()}"
    return Education(education_id, "mbo", route, track, f"{name.strip()} ({crebo.strip()})", technical, RULE_OLD)


def sectorkamer_is_technical(sectorkamer: str, group: str, name: str, path: Path, line: int) -> bool:
    """The current rule on a SECTORKAMER NAAM; the ICT part is told by the group or programme name."""
    key = re.sub(r"^sectorkamer\s+", "", sectorkamer.strip().lower())
    if key in CURRENT_TECH:
        return True
    if key == CURRENT_ICT:
        return bool(ICT_NAME.search(group) or ICT_NAME.search(name))
    if key in CURRENT_OTHER:
        return False
    raise RawFileError(path, f"onbekende sectorkamer '{sectorkamer}'; leg de techniekregel vast in "
                             "etl/education/mbo.py", line, "SECTORKAMER NAAM")


def mbo_education_current(crebo: str, name: str, route: str, sectorkamer: str, group: str, path: Path,
                          line: int) -> Education:
    """Classify a programme from the current layout (SECTORKAMER NAAM, HOOFDGROEP NAAM)."""
    technical = sectorkamer_is_technical(sectorkamer, group, name, path, line)
    route = leerweg(route, path, line, "LEERWEG")
    track = re.sub(r"^Sectorkamer\s+", "", sectorkamer.strip(), flags=re.I)
    education_id = f"mbo:{crebo.strip()} {route} | {track} | {group.strip()}"
    return Education(education_id, "mbo", route, track, f"{name.strip()} ({crebo.strip()})", technical,
                     RULE_CURRENT)
