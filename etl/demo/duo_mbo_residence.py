"""Demo DUO mbo students by home municipality (resource 11): synthetic flows from every home municipality to the
demo institutions, in the layout etl/sources/duo_mbo_residence.py reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.duo_mbo_current import write_csv
from etl.demo.world import Municipality
from etl.reference import load_regions
from etl.sources.duo_mbo_residence import DATASET, FILE_NAME

YEARS = [2021, 2022, 2023, 2024, 2025]
HEADER = ["JAAR", "INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", "GEMEENTENUMMER INSTELLING",
          "WOONGEMEENTE", "WOONPROVINCIE", "LEEFTIJDSCATEGORIE", "BBL", "BOLDT", "BOLVT", "EX"]
# ~500k mbo students (28 per 1,000 inhabitants, as in the real 2015-2019 file), 26% BBL; about three in four
# study in their own province (a municipality with an institution keeps most of its own students).
PER_CAPITA = 0.028
BBL_SHARE = 0.26
IN_PROVINCE = 0.75
INSTITUTION_MIN_POPULATION = 80_000
OUTSIDE_HOSTS = 5
AGE_GROUPS = {"jonger dan 18 jaar": 0.3, "18 tot 20 jaar": 0.35, "20 tot 23 jaar": 0.2, "23 jaar en ouder": 0.15}


def _cell(count: int) -> str:
    return "-1" if 0 < count < 5 else str(count)


def rows(world: list[Municipality], rng: np.random.Generator) -> list[list[str]]:
    """One row per year × institution × home municipality × age group with students."""
    regions = load_regions().set_index("code")
    province = {m.code: regions.at[m.code, "parent_code"] for m in world}
    province_name = regions["name"].to_dict()
    hosts = [m for m in world if m.population >= INSTITUTION_MIN_POPULATION] or [max(world, key=lambda m: m.population)]
    brins = {h.code: f"{30 + i // 26:02d}{chr(65 + i % 26)}X" for i, h in enumerate(hosts)}
    # Students leaving their province go to the largest institutions (the big cities).
    largest = {h.code for h in sorted(hosts, key=lambda h: -h.population)[:OUTSIDE_HOSTS]}
    all_weights = np.array([h.population if h.code in largest else 0 for h in hosts], dtype=float)
    result = []
    for home in world:
        near = [h for h in hosts if province[h.code] == province[home.code]]
        weights = all_weights / all_weights.sum() * (1 - IN_PROVINCE if near else 1.0)
        if near:
            local = np.array([h.population * (3.0 if h.code == home.code else 1.0) for h in near], dtype=float)
            for h, w in zip(near, local / local.sum() * IN_PROVINCE, strict=True):
                weights[hosts.index(h)] += w
        for year_index, year in enumerate(YEARS):
            students = home.population * PER_CAPITA * (1 + 0.01 * year_index)
            for host, weight in zip(hosts, weights, strict=True):
                for age, age_share in AGE_GROUPS.items():
                    expected = students * weight * age_share
                    if expected < 0.2:
                        continue
                    bbl, bol = (int(rng.poisson(expected * BBL_SHARE)), int(rng.poisson(expected * (1 - BBL_SHARE))))
                    if bbl + bol == 0:
                        continue
                    result.append([str(year), brins[host.code], f"Demo ROC {host.name}", host.name.upper(),
                                   host.code[2:], home.name.upper(), province_name[province[home.code]].upper(), age,
                                   _cell(bbl), "0", _cell(bol), "0"])
    return sorted(result, key=lambda r: (r[0], r[1], r[5], r[7]))


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the demo file where `fetch` would put the real one: ',' with minimal quoting, UTF-8, CRLF."""
    return write_csv(raw_dir / DATASET.raw_subdir / FILE_NAME, HEADER, rows(world, rng))
