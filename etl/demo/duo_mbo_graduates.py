"""Demo DUO "Gediplomeerde mbo-studenten": the catalogue's layout, synthetic institutions and counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.duo_mbo_current import write_csv
from etl.demo.world import Municipality
from etl.sources.duo_mbo_graduates import DATASET, FILE_NAME, header_for

YEARS = [2021, 2022, 2023, 2024, 2025]
# Calibrated on the real old-layout file (~500k students, ~26% technical) and DUO's ~150k mbo diplomas a
# year: about 0.3 diplomas per student.
PER_CAPITA = 0.0275 * 0.3
INSTITUTION_MIN_POPULATION = 80_000
# (crebo, name, leerweg, level, sectorkamer, hoofdgroep, share of diplomas, male share)
PROGRAMMES = [
    ("25303", "Monteur elektrotechnische installaties", "BBL", 2, "Sectorkamer techniek en gebouwde omgeving",
     "Elektrotechnische en installatietechnische systemen", 0.05, 0.97),
    ("25316", "Technicus engineering", "BOL", 4, "Sectorkamer techniek en gebouwde omgeving", "Engineering", 0.06,
     0.9),
    ("25195", "Timmerman", "BBL", 2, "Sectorkamer techniek en gebouwde omgeving", "Bouw", 0.03, 0.98),
    ("25481", "Allround operator", "BOL", 3, "Sectorkamer techniek en gebouwde omgeving", "Procestechniek", 0.015,
     0.85),
    ("25225", "Autotechnicus", "BOL", 3, "Sectorkamer mobiliteit, transport, logistiek en maritiem",
     "Mobiliteit en voertuigen", 0.05, 0.96),
    ("25171", "Logistiek medewerker", "BBL", 2, "Sectorkamer mobiliteit, transport, logistiek en maritiem",
     "Logistiek", 0.03, 0.85),
    ("25604", "Software developer", "BOL", 4, "Sectorkamer ICT en creatieve industrie", "ICT en mediabeheer", 0.04,
     0.88),
    ("25592", "Mediavormgever", "BOL", 4, "Sectorkamer ICT en creatieve industrie", "Mediavormgeving", 0.03, 0.5),
    ("25138", "Commercieel medewerker", "BOL", 3, "Sectorkamer handel", "Handel", 0.07, 0.55),
    ("25140", "Junior accountmanager", "BOL", 4, "Sectorkamer zakelijke dienstverlening en veiligheid",
     "Zakelijke dienstverlening", 0.09, 0.55),
    ("25166", "Kok", "BOL", 2, "Sectorkamer voedsel, groen en gastvrijheid", "Horeca", 0.07, 0.6),
    ("25480", "Mbo-Verpleegkundige", "BOL", 4, "Sectorkamer zorg, welzijn en sport", "Zorg", 0.15, 0.1),
    ("25491", "Verzorgende-IG", "BBL", 3, "Sectorkamer zorg, welzijn en sport", "Zorg", 0.13, 0.08),
    ("25498", "Pedagogisch medewerker", "BOL", 4, "Sectorkamer zorg, welzijn en sport", "Welzijn", 0.2, 0.1),
]


def cell(count: int) -> str:
    """A count as the portal publishes it: 1 to 4 suppressed as -1."""
    return "-1" if 0 < count < 5 else str(count)


def hosts(world: list[Municipality]) -> list[Municipality]:
    """One institution per municipality of at least 80k inhabitants (the largest at the smallest scale)."""
    return [m for m in world if m.population >= INSTITUTION_MIN_POPULATION] or [max(world, key=lambda m: m.population)]


def brin(number: int) -> str:
    """The demo BRIN code of the number-th host's institution (shared with the students demo)."""
    return f"{30 + number // 26:02d}{chr(65 + number % 26)}X"


def diplomas_per_share(world: list[Municipality], host: Municipality) -> float:
    """A host's expected diplomas a year per unit of a programme's share (PROGRAMMES' shares sum to one unit)."""
    total = PER_CAPITA * sum(m.population for m in world)
    return total * host.population / sum(h.population for h in hosts(world)) / sum(p[6] for p in PROGRAMMES)


def rows(world: list[Municipality], rng: np.random.Generator) -> list[list[str]]:
    """One row per host's institution × programme, with the diploma years' counts per sex."""
    result = []
    for number, host in enumerate(hosts(world)):
        size = diplomas_per_share(world, host)
        for crebo, name, route, level, sectorkamer, group, share, male in PROGRAMMES:
            row = [brin(number), f"Demo ROC {host.name}", host.name.upper(), route, str(level), crebo, name,
                   sectorkamer, group]
            for _ in YEARS:
                expected = size * share * rng.uniform(0.7, 1.3)
                row += [cell(int(rng.poisson(expected * male))), cell(int(rng.poisson(expected * (1 - male))))]
            result.append(row)
    return result


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the demo file where `fetch` would put the real one: ',' with minimal quoting, UTF-8, CRLF."""
    return write_csv(raw_dir / DATASET.raw_subdir / FILE_NAME, header_for(YEARS), rows(world, rng))
