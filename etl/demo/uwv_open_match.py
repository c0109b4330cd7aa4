"""Demo UWV Open Match Data: the documented layout (`;`, decimal comma, CRLF, UTF-8) with synthetic counts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.reference import load_regions
from etl.sources.uwv_open_match import COLUMNS, DATASET

FILE_NAME = "uwv_open_match_data_2022-06_2023-05.csv"
FIRST_MONTH, MONTHS = date(2022, 6, 1), 12

# Illustrative occupation groups (code = BRC 2014 beroepsklasse + two digits) and their share of all records.
# The real files are not available here: magnitudes follow UWV's order of magnitude (~0.6 open werk.nl
# vacancies and ~1.2 registered job-seekers per 100 inhabitants) and a technical + ICT share of about a
# quarter of vacancies and ~8% of job-seekers (technical tension above 1, as UWV reports for technical
# occupations); documented as assumptions in docs/sources/uwv_open_match.md.
OCCUPATIONS = [
    ("0111", "Docenten", 0.05, 0.04),
    ("0311", "Vertegenwoordigers en inkopers", 0.07, 0.06),
    ("0411", "Administratief medewerkers", 0.08, 0.14),
    ("0511", "Managers", 0.03, 0.05),
    ("0711", "Bouwarbeiders", 0.07, 0.02),
    ("0721", "Metaalbewerkers en constructiewerkers", 0.05, 0.015),
    ("0731", "Elektriciens en elektronicamonteurs", 0.05, 0.012),
    ("0741", "Technici en ingenieurs", 0.04, 0.012),
    ("0821", "Software- en applicatieontwikkelaars", 0.03, 0.01),
    ("0831", "ICT-beheerders", 0.02, 0.01),
    ("0911", "Land- en tuinbouwers", 0.03, 0.03),
    ("1011", "Verpleegkundigen en verzorgenden", 0.14, 0.08),
    ("1111", "Schoonmakers en horecapersoneel", 0.14, 0.22),
    ("1211", "Chauffeurs en magazijnmedewerkers", 0.12, 0.16),
    ("1311", "Overige beroepen", 0.08, 0.141),
]
VACANCIES_PER_CAPITA = 0.006
SEEKERS_PER_CAPITA = 0.012
LEVEL_SHARES = [0.12, 0.18, 0.33, 0.15, 0.16, 0.06]  # job-seekers by education level 1 (lowest) to 6
SEASONAL = 0.05  # vacancies swing ±5% over the year


def _snapshots() -> list[date]:
    """One snapshot per month: the first Tuesday (UWV published on Tuesdays)."""
    days = []
    for n in range(MONTHS):
        first = date(FIRST_MONTH.year + (FIRST_MONTH.month - 1 + n) // 12, (FIRST_MONTH.month - 1 + n) % 12 + 1, 1)
        days.append(first + timedelta(days=(1 - first.weekday()) % 7))
    return days


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Write one file with every snapshot; deterministic from rng."""
    province = load_regions().set_index("code")
    names = province["name"]
    vacancy_share = np.array([o[2] for o in OCCUPATIONS])
    seeker_share = np.array([o[3] for o in OCCUPATIONS])
    technical = np.array([o[0][:2] in ("07", "08") for o in OCCUPATIONS])
    lines = [";".join(COLUMNS)]
    for number, snapshot in enumerate(_snapshots()):
        season = 1 + SEASONAL * np.sin(2 * np.pi * number / 12)
        for index, m in enumerate(world):
            lean = np.where(technical, m.tech_lean, 1.0)
            vacancies = rng.poisson(m.population * VACANCIES_PER_CAPITA * season * vacancy_share * lean)
            seekers = rng.poisson(m.population * SEEKERS_PER_CAPITA * seeker_share)
            prefix = (snapshot.isoformat(), names[province.loc[m.code, "parent_code"]], m.name,
                      f"{1000 + index * 25 % 9000:04d}")
            for (code, name, _, _), v, s in zip(OCCUPATIONS, vacancies, seekers, strict=True):
                if v:
                    lines.append(";".join([prefix[0], "VACATURE", *prefix[1:], code, name, str(v),
                                           *["0"] * 6]))
                if s:
                    levels = rng.multinomial(s, LEVEL_SHARES)
                    lines.append(";".join([prefix[0], "WERKZOEKENDE", *prefix[1:], code, name, str(s),
                                           *map(str, levels)]))
    path = raw_dir / DATASET.raw_subdir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path
