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

# BRC 2014 beroepsgroepen (codes and names as CBS/ROA publish them, so that etl/reference/crosswalk_brc.csv places
# them in technical domains) and their share of all records; the selection and the shares are illustrative.
# The real files are not available here: magnitudes follow UWV's order of magnitude (~0.6 open werk.nl
# vacancies and ~1.2 registered job-seekers per 100 inhabitants) and a technical + ICT share of about a
# quarter of vacancies and ~8% of job-seekers (technical tension above 1, as UWV reports for technical
# occupations); documented as assumptions in docs/sources/uwv_open_match.md.
OCCUPATIONS = [
    ("0111", "Docenten hoger onderwijs en hoogleraren", 0.05, 0.04),
    ("0321", "Vertegenwoordigers en inkopers", 0.07, 0.06),
    ("0431", "Administratief medewerkers", 0.08, 0.14),
    ("0435", "Transportplanners en logistiek medewerkers", 0.04, 0.05),
    ("0511", "Algemeen directeuren", 0.03, 0.05),
    ("0712", "Ingenieurs (geen elektrotechniek)", 0.025, 0.008),
    ("0723", "Procesoperators", 0.01, 0.002),
    ("0731", "Bouwarbeiders ruwbouw", 0.05, 0.015),
    ("0734", "Loodgieters en pijpfitters", 0.02, 0.005),
    ("0741", "Metaalbewerkers en constructiewerkers", 0.03, 0.01),
    ("0743", "Automonteurs", 0.015, 0.004),
    ("0744", "Machinemonteurs", 0.02, 0.005),
    ("0761", "Elektriciens en elektronicamonteurs", 0.04, 0.01),
    ("0811", "Software- en applicatieontwikkelaars", 0.03, 0.01),
    ("0821", "Gebruikersondersteuning ICT", 0.02, 0.01),
    ("0911", "Land- en bosbouwers", 0.03, 0.03),
    ("1033", "Verpleegkundigen (mbo)", 0.14, 0.08),
    ("1121", "Schoonmakers", 0.14, 0.22),
    ("1212", "Chauffeurs auto's, taxi's en bestelwagens", 0.08, 0.11),
    ("1311", "Overig", 0.08, 0.141),
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
