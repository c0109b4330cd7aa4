"""Demo "CSV voor statistische software" export of 50140NED, in StatLine's coded TypedDataSet layout.

UTF-8 with BOM, `;`, CRLF, unquoted, '.' decimal, region keys padded to 6 characters, one row per region with
ID, Persoonskenmerken, Marges, RegioS and three topics (percentages around the real national values 28.3, 22.5,
10.6); a few cells empty, as CBS leaves cells with too few respondents empty. Rows: NL01, GGD regions are
left out, then every municipality of the demo world.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.world import Municipality
from etl.sources.cbs_coded_csv import DATASET

FILE_NAME = "50140NED_TypedDataSet_01102025_120000.csv"
TOPICS = {"MoeiteMetRondkomen_1": 28.3, "WeinigControleOverGeldzaken_2": 22.5, "HeeftSchulden_3": 10.6}


def _cell(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> Path:
    """One row for Nederland and one per demo municipality; about 5 % of municipal cells empty."""
    lines = [";".join(["ID", "Persoonskenmerken", "Marges", "RegioS", *TOPICS])]
    keys = ["NL01  ", *(m.code for m in world)]
    for i, key in enumerate(keys):
        cells = []
        for national in TOPICS.values():
            value = national if i == 0 else max(0.5, national * rng.normal(1.0, 0.15))
            cells.append("" if i and rng.random() < 0.05 else _cell(value))
        lines.append(";".join([str(i), "T009002", "MW00000", key, *cells]))
    path = Path(raw_dir) / DATASET.raw_subdir / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path
