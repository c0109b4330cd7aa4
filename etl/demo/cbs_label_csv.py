"""Demo "CSV met labels" export of 85525NED (education level, 15-75 years), one file per year, as StatLine writes it.

UTF-8 with BOM, `;`, CRLF, unquoted, decimal comma, the last year provisional ('2023*'); rows for Nederland,
the four landsdelen and twelve provinces, as in the real files. Percentages are drawn around the 2022 national
figures (11 Basisonderwijs 8.6, 12 Vmbo.. 17.6, 21 Havo.. 41.7, 31 Hbo/wo-bachelor 20.1, 32 master 11.9) with a
rising hbo/wo share; Flevoland sits below the national hbo/wo share, as in the published figures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.sources.cbs_label_csv import DATASET

YEARS = range(2019, 2024)
HEADER = ("Geslacht;Leeftijd;Perioden;Regio's;Bevolking (aantal);Onderwijsniveau 5 categorien/11 Basisonderwijs (%);"
          "Onderwijsniveau 5 categorien/12 Vmbo, havo-, vwo-onderbouw, mbo1 (%);Onderwijsniveau 5 categorien/21 "
          "Havo, vwo, mbo2-4 (%);Onderwijsniveau 5 categorien/31 Hbo-, wo-bachelor (%);Onderwijsniveau 5 "
          "categorien/32 Hbo-, wo-master, doctor (%)")
REGIONS = ["Nederland", "Noord-Nederland (LD)", "Oost-Nederland (LD)", "West-Nederland (LD)", "Zuid-Nederland (LD)",
           "Groningen (PV)", "Fryslan (PV)", "Drenthe (PV)", "Overijssel (PV)", "Flevoland (PV)", "Gelderland (PV)",
           "Utrecht (PV)", "Noord-Holland (PV)", "Zuid-Holland (PV)", "Zeeland (PV)", "Noord-Brabant (PV)",
           "Limburg (PV)"]
NATIONAL_2022 = (8.6, 17.6, 41.7, 20.1, 11.9)
POPULATION_15_75 = 13_419_100  # Nederland 2022


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> list[Path]:
    """One file per year, named like the real copies ('2022_onderwijsniveau.csv')."""
    folder = Path(raw_dir) / DATASET.raw_subdir
    folder.mkdir(parents=True, exist_ok=True)
    weights = rng.uniform(0.04, 0.2, size=len(REGIONS))
    leans = rng.normal(0.0, 2.0, size=len(REGIONS))
    leans[REGIONS.index("Flevoland (PV)")] = -4.0
    paths = []
    for year in YEARS:
        lines = [HEADER]
        trend = (year - 2022) * 0.4
        for i, region in enumerate(REGIONS):
            population = POPULATION_15_75 if i == 0 else round(POPULATION_15_75 * weights[i] / 100) * 100
            high = (NATIONAL_2022[3] + trend / 2 + leans[i] / 2, NATIONAL_2022[4] + trend / 2 + leans[i] / 2)
            low = (NATIONAL_2022[0] - trend / 3, NATIONAL_2022[1] - trend / 3)
            middle = 100 - sum(high) - sum(low)
            shares = [round(v, 1) for v in (*low, middle, *high)]
            period = f"{year}*" if year == YEARS[-1] else str(year)
            lines.append(";".join(["Totaal mannen en vrouwen", "15 tot 75 jaar", period, region, str(population),
                                   *map(_number, shares)]))
        path = folder / f"{year}_onderwijsniveau.csv"
        path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
        paths.append(path)
    return paths
