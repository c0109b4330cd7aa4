"""Demo DUO mbo students, current layout (resource 03): the graduates demo's institutions and programmes with about
1 / 0.3 students per diploma, written in the layout etl/sources/duo_mbo_students.py assumes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo import duo_mbo_graduates as graduates
from etl.demo.duo_mbo_current import write_csv
from etl.demo.world import Municipality
from etl.sources.duo_mbo_students import ASSUMED_HEADER, COUNT_COLUMNS, DATASET, FILE_NAME

YEARS = [2021, 2022, 2023, 2024, 2025]
# The graduates demo is calibrated at about 0.3 diplomas a year per student.
DIPLOMAS_PER_STUDENT = 0.3
# A programme's students per count column, by its route: BOL almost all full-time; EX (extraneus, exams only) a
# small part of either. A column the route does not offer stays empty (no figure).
ROUTE_SHARES = {"BBL": {"BBL": 0.98, "EX": 0.02}, "BOL": {"BOLDT": 0.04, "BOLVT": 0.94, "EX": 0.02}}


def rows(world: list[Municipality], rng: np.random.Generator) -> list[list[str]]:
    """One row per year × host's institution × programme × sex, counts per leerweg column (1 to 4 as -1)."""
    hosts = graduates.hosts(world)
    result = []
    for year in YEARS:
        for number, host in enumerate(hosts):
            size = graduates.diplomas_per_share(world, host) / DIPLOMAS_PER_STUDENT
            for crebo, name, route, level, sectorkamer, _group, share, male in graduates.PROGRAMMES:
                expected = size * share * rng.uniform(0.7, 1.3)
                for sex, part in (("MAN", male), ("VROUW", 1 - male)):
                    counts = {column: graduates.cell(int(rng.poisson(expected * part * column_share)))
                              for column, column_share in ROUTE_SHARES[route].items()}
                    result.append([str(year), graduates.brin(number), f"Demo ROC {host.name}", host.name.upper(),
                                   sectorkamer, crebo, name, str(level), sex,
                                   *(counts.get(column, "") for column in COUNT_COLUMNS)])
    return result


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write the demo file where `fetch` would put the real one: ',' with minimal quoting, UTF-8, CRLF."""
    return write_csv(raw_dir / DATASET.raw_subdir / FILE_NAME, ASSUMED_HEADER, rows(world, rng))
