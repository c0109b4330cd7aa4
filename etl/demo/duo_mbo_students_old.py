"""Demo DUO mbo students, old layout (2015-2019): the real layout byte for byte, synthetic institutions and counts."""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.sources.duo_mbo_students_old import DATASET, FILE_NAME, header_for

YEARS = [2015, 2016, 2017, 2018, 2019]
# Calibrated on the real 2015-2019 file: ~472k students in 2015 rising to ~502k in 2019 (28 per 1,000
# inhabitants), ~26% in technical sectorunits, 26% BBL, levels 1/2/3/4 = 3/16/24/57%.
PER_CAPITA = 0.0275
YEARLY_GROWTH = 0.015
BBL_SHARE = 0.26
INSTITUTION_MIN_POPULATION = 80_000
NO_KENNISCENTRUM = ("    ", " " * 24)  # blank-padded, as DUO writes qualifications without a kenniscentrum
# (crebo, name, MBO SECTOR, DOMEIN, SECTORUNIT SBB, level, share of students, male share)
QUALIFICATIONS = [
    ("25250", "Assistent bouwen, wonen en onderhoud", "combinatie van sectoren",
     "niet toebedeeld aan Opleidingsdomeinen", "Bovensectoraal", 1, 0.015, 0.8),
    ("25251", "Assistent dienstverlening en zorg", "combinatie van sectoren",
     "niet toebedeeld aan Opleidingsdomeinen", "Bovensectoraal", 1, 0.015, 0.4),
    ("25303", "Monteur elektrotechnische installaties", "techniek", "Techniek en procesindustrie",
     "Sectorunit techniek en gebouwde omgeving", 2, 0.03, 0.97),
    ("25280", "Eerste monteur elektrotechnische installaties", "techniek", "Techniek en procesindustrie",
     "Sectorunit techniek en gebouwde omgeving", 3, 0.03, 0.97),
    ("25316", "Technicus engineering", "techniek", "Techniek en procesindustrie",
     "Sectorunit techniek en gebouwde omgeving", 4, 0.08, 0.9),
    ("25195", "Timmerman", "techniek", "Bouw en infra", "Sectorunit techniek en gebouwde omgeving", 2, 0.02, 0.98),
    ("25197", "Middenkaderfunctionaris bouw", "techniek", "Bouw en infra",
     "Sectorunit techniek en gebouwde omgeving", 4, 0.02, 0.85),
    ("25184", "Schilder", "techniek", "Afbouw, hout en onderhoud", "Sectorunit techniek en gebouwde omgeving", 2,
     0.01, 0.85),
    ("25225", "Autotechnicus", "techniek", "Mobiliteit en voertuigen",
     "Sectorunit mobiliteit, transport, logistiek, maritiem", 3, 0.05, 0.96),
    ("25171", "Logistiek medewerker", "techniek", "Transport, scheepvaart en logistiek",
     "Sectorunit mobiliteit, transport, logistiek, maritiem", 2, 0.02, 0.85),
    ("25187", "Medewerker ICT support", "economie", "Informatie en communicatietechnologie",
     "Sectorunit creatieve industrie en ICT", 4, 0.04, 0.9),
    ("25200", "Mediavormgever", "techniek", "Media en vormgeving", "Sectorunit creatieve industrie en ICT", 4,
     0.03, 0.5),
    ("25138", "Commercieel medewerker", "economie", "Handel en ondernemerschap", "Sectorunit handel", 3, 0.06, 0.55),
    ("25140", "Junior accountmanager", "economie", "Economie en administratie",
     "Sectorunit zakelijke dienstverlening en veiligheid", 4, 0.08, 0.55),
    ("25166", "Kok", "economie", "Horeca en bakkerij", "Sectorunit voedsel, groen en gastvrijheid", 2, 0.06, 0.6),
    ("25434", "Medewerker dierverzorging", "groen", "Voedsel, natuur en leefomgeving (EZ)",
     "Sectorunit voedsel, groen en gastvrijheid", 3, 0.04, 0.25),
    ("25480", "Mbo-Verpleegkundige", "zorg en welzijn", "Zorg en welzijn", "Sectorunit zorg, welzijn en sport", 4,
     0.14, 0.1),
    ("25491", "Verzorgende-IG", "zorg en welzijn", "Zorg en welzijn", "Sectorunit zorg, welzijn en sport", 3,
     0.12, 0.08),
    ("25498", "Pedagogisch medewerker", "zorg en welzijn", "Zorg en welzijn", "Sectorunit zorg, welzijn en sport", 4,
     0.2, 0.1),
    ("25409", "Sport- en bewegingscoordinator", "zorg en welzijn", "Veiligheid en sport",
     "Sectorunit zorg, welzijn en sport", 4, 0.08, 0.7),
    ("25410", "Kapper", "zorg en welzijn", "Uiterlijke verzorging", "Sectorunit zorg, welzijn en sport", 2, 0.04, 0.1),
]


def _brin(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        code = f"{rng.integers(20, 30):02d}" + "".join(rng.choice(list(string.ascii_uppercase), 2))
        if code not in used:
            used.add(code)
            return code


def _cell(count: int | None) -> str:
    return "" if count is None else str(count)


def rows(world: list[Municipality], rng: np.random.Generator) -> list[list[str]]:
    """Data rows: one ROC per municipality of at least 80k inhabitants (the largest one at the smallest scale)."""
    hosts = [m for m in world if m.population >= INSTITUTION_MIN_POPULATION] or [max(world, key=lambda m: m.population)]
    total = PER_CAPITA * sum(m.population for m in world)
    host_population = sum(m.population for m in hosts)
    used: set[str] = set()
    result = []
    for host in hosts:
        brin = _brin(rng, used)
        size = total * host.population / host_population / sum(q[6] for q in QUALIFICATIONS)
        for crebo, name, sector, domain, unit, level, share, male in QUALIFICATIONS:
            for type_mbo, type_share in (("BBL", BBL_SHARE), ("BOLVT", 1 - BBL_SHARE)):
                first = 0 if rng.random() < 0.95 else int(rng.integers(1, len(YEARS)))  # some start later
                row = [brin, "ROC", f"Demo ROC {host.name}", host.name.upper(), type_mbo, str(level), crebo, name,
                       sector, domain, unit, *NO_KENNISCENTRUM]
                for index, _ in enumerate(YEARS):
                    if index < first:
                        row += ["", "", ""]
                        continue
                    expected = size * share * type_share * (1 + YEARLY_GROWTH) ** index * rng.uniform(0.7, 1.3)
                    men, women = int(rng.poisson(expected * male)), int(rng.poisson(expected * (1 - male)))
                    row += [_cell(men), _cell(women), _cell(men + women)]
                result.append(row)
    return sorted(result, key=lambda r: (r[0], r[4], r[5], r[6]))


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the demo file where `fetch` would put the real one: `;`, unquoted, CRLF, stray `""` lines."""
    target = raw_dir / DATASET.raw_subdir / FILE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    records = [";".join(row) for row in rows(world, rng)]
    # DUO's export left a stray line holding only "" here and there (29 in 19,230 records in 2019).
    strays = set(rng.choice(len(records), size=max(1, len(records) // 650), replace=False).tolist())
    lines = [";".join(header_for(YEARS))]
    for index, record in enumerate(records):
        lines.append(record)
        if index in strays:
            lines.append('""')
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return target
