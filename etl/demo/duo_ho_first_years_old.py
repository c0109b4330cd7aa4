"""Demo DUO hbo and wo first-years in the old layout (03b-eerstejaars-ingeschrevenen-*-2019.csv)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.duo_ho_oldlayout import rows, write_file
from etl.demo.world import Municipality
from etl.sources.duo_ho_oldlayout import FIRST_YEARS_OLD as SOURCE

YEARS = [2015, 2016, 2017, 2018, 2019]


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> list[Path]:
    """Write the hbo and the wo file where `fetch` would put them."""
    header = [*SOURCE.FIXED_COLUMNS, *map(str, YEARS)]
    return [write_file(raw_dir / SOURCE.DATASET.raw_subdir / SOURCE.FILES[level], header,
                       rows(level, "first_years", world, YEARS, rng), rng) for level in ("hbo", "wo")]
