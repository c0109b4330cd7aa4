"""Run a source module's one read path (`stage`) on a file, as the build does, and hand back its rows for a test."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd

from etl.education import Education
from etl.reference import MunicipalityResolver


def staged_facts(module: ModuleType, path: Path, relative_path: str | None = None,
                 resolver: MunicipalityResolver | None = None) -> tuple[pd.DataFrame, list[Education], int]:
    """(facts in grain order, education rows, data rows) that `module.stage` leaves for `path`.

    Raises what stage raises (a RawFileError with the Dutch message) for a file it refuses.
    """
    con = duckdb.connect()
    try:
        data_rows, education = module.stage(con, Path(path), relative_path or Path(path).name,
                                            resolver or MunicipalityResolver(), "staged")
        grain = ", ".join(module.DATASET.grain)
        facts = con.execute(f"select * from staged order by {grain}").df()  # noqa: S608 (the dataset's constants)
    finally:
        con.close()
    return facts, education, data_rows
