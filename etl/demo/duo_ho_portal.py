"""Demo files in DUO's current hbo/wo layout (onderwijsdata.duo.nl, "inclusief geslacht"): shared writer.

Same synthetic hosts and programmes as the old-layout demo (etl/demo/duo_ho_oldlayout.py), aggregated to
onderdeel × subonderdeel × type × sex as the portal publishes them: `,`, every field double-quoted, UTF-8 without
BOM, counts 1 to 4 as -1. Enrolled students are ~4.2 times the first-years in hbo and ~3 times in wo (DUO's
national totals), graduates as in the old layout.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from etl.demo.duo_ho_oldlayout import (
    CATCHMENT,
    FLEVOLAND,
    MALE_SHARE,
    PER_CAPITA,
    PROGRAMMES,
    hosts_of,
    new_brin,
    province_names,
)
from etl.demo.world import Municipality
from etl.sources.duo_ho_portal import WO_INSTITUTIONS

ENROLLED_PER_FIRST_YEAR = {"hbo": 4.2, "wo": 3.0}


def _cell(count: int) -> str:
    """A count as the portal publishes it: 1 to 4 suppressed as -1."""
    return "-1" if 0 < count < 5 else str(count)


def rows(level: str, kind: str, world: list[Municipality], years: list[int],
         rng: np.random.Generator) -> list[list[str]]:
    """Data rows for one level and kind (first_years | enrolments | graduates), in the portal's column order."""
    provinces = province_names()
    used: set[str] = set(WO_INSTITUTIONS)  # hbo demo codes never look like a university
    rate = PER_CAPITA[(level, "graduates" if kind == "graduates" else "first_years")]
    if kind == "enrolments":
        rate *= ENROLLED_PER_FIRST_YEAR[level]
    hosts = hosts_of(level, world)
    fixed = {m.code: rate * m.population * CATCHMENT * f for m, f in hosts if m.code in FLEVOLAND}
    rest = rate * sum(m.population for m in world) - sum(fixed.values())
    others = sum(m.population for m, _ in hosts if m.code not in FLEVOLAND)
    noun = "Hogeschool" if level == "hbo" else "Universiteit"
    result = []
    universities = iter(sorted(WO_INSTITUTIONS))
    for municipality, _ in hosts:
        # Universities keep their real BRIN codes: in this layout the BRIN is what tells wo from hbo.
        brin = next(universities) if level == "wo" else new_brin(rng, used)
        size = fixed.get(municipality.code, rest * municipality.population / others) * rng.uniform(0.8, 1.2)
        offered = [p for p in PROGRAMMES[level] if rng.random() < 0.8] or PROGRAMMES[level][:1]
        weight = sum(p[-1] for p in offered)
        cells: dict[tuple[str, str, str, str], float] = defaultdict(float)
        for _, _, onderdeel, sub, ho_type, diploma, share in offered:
            lean = municipality.tech_lean if onderdeel == "techniek" else 1.0
            cells[(onderdeel, sub, diploma if kind == "graduates" else ho_type, onderdeel)] += (
                size * share / weight * lean)
        place = [provinces.get(municipality.code, ""), municipality.code[2:], municipality.name, "reguliere inst."]
        institution = [brin, f"Demo {noun} {municipality.name}"]
        for year in years:
            for (onderdeel, sub, kind_value, _), expected in sorted(cells.items()):
                male = MALE_SHARE.get(onderdeel, 0.4)
                for sex, sex_share in (("man", male), ("vrouw", 1 - male)):
                    count = _cell(int(rng.poisson(expected * sex_share)))
                    programme = [onderdeel.upper(), sub.upper()]
                    if kind == "graduates":
                        result.append([str(year), *place, *institution, *programme, kind_value, sex, count])
                    else:
                        result.append([str(year), *place, kind_value, *institution, *programme, sex, count])
    return sorted(result, key=lambda r: (r[0], r[1], r[2]))  # DUO orders by year, province, municipality


def write_file(target: Path, header: list[str], data: list[list[str]]) -> Path:
    """Write the rows as the portal does: every field quoted, `,`, UTF-8 without BOM."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=",", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(data)
    return target
