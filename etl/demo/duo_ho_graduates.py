"""Demo DUO hbo and wo gediplomeerden in the current onderwijsdata.duo.nl layout ("inclusief geslacht" files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo.duo_ho_portal import rows, write_file
from etl.demo.world import Municipality
from etl.sources.duo_ho_portal import GRADUATES as SOURCE

YEARS = [2019, 2020, 2021, 2022, 2023]


def write(raw_dir: Path, world: list[Municipality], rng: np.random.Generator) -> list[Path]:
    """Write the hbo and the wo file where `fetch` would put them."""
    return [write_file(raw_dir / SOURCE.DATASET.raw_subdir / SOURCE.FILES[level].rsplit("/", 1)[-1], SOURCE.COLUMNS,
                       rows(level, "graduates", world, YEARS, rng)) for level in ("hbo", "wo")]
