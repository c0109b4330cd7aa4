"""Demo transposed unemployment export (Werkloosheidpercentage.csv): quarters as rows, provinces as columns.

UTF-8 with BOM, `;`, CRLF, unquoted, decimal comma with one decimal ('3,6'), as the real file. Levels follow
the published path (about 7.5 % in 2015 falling to about 3.6 % in 2024) plus a province offset and noise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.sources.cbs_label_quarterly import DATASET

PROVINCES = ["Nederland", "Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
             "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"]
QUARTER_WORDS = ("eerste", "tweede", "derde", "vierde")
NATIONAL_BY_YEAR = {2015: 7.4, 2016: 6.9, 2017: 5.9, 2018: 4.9, 2019: 4.4, 2020: 4.9, 2021: 4.2, 2022: 3.5,
                    2023: 3.6, 2024: 3.7, 2025: 3.9}
FILE_NAME = "Werkloosheidpercentage.csv"


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """Quarters 2015 Q1 .. 2025 Q1, the same layout as the real export."""
    offsets = rng.normal(0.0, 0.5, size=len(PROVINCES))
    offsets[0], offsets[PROVINCES.index("Flevoland")] = 0.0, 0.6
    lines = [";" + ";".join(PROVINCES)]
    for year, level in NATIONAL_BY_YEAR.items():
        for q, word in enumerate(QUARTER_WORDS):
            if year == 2025 and q > 0:
                break
            noise = rng.normal(0.0, 0.15, size=len(PROVINCES))
            values = [max(1.0, level + offsets[i] + (noise[i] if i else 0)) for i in range(len(PROVINCES))]
            cells = [f"{v:.1f}".replace(".", ",") for v in values]
            lines.append(f"het {word} kwartaal van {year};" + ";".join(cells))
    path = Path(raw_dir) / DATASET.raw_subdir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path
