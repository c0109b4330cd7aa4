"""DUO "Gediplomeerden hbo en wo" on onderwijsdata.duo.nl (current layout, "inclusief geslacht" files).

One file per level, same header (DUO's catalogue columns). Layout details in etl/sources/duo_ho_portal.py.
Shares its dataset id with the old layout, so that per academic year the newest edition wins.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.checks import Check
from etl.education import Education
from etl.reference import MunicipalityResolver
from etl.sources import duo_ho_oldlayout as old
from etl.sources import duo_ho_portal as portal
from etl.sources.base import Dataset, FetchTarget

COLUMNS = portal.GRADUATE_COLUMNS
BASE_URL = "https://onderwijsdata.duo.nl/dataset/169aef42-1588-4602-b1ac-d06616db788b/resource/"
FILES = {"hbo": "e7b2aabd-1c10-4990-a33c-bf558f02ed12/download/gediplomeerdengeslhbo.csv",
         "wo": "4938e55f-45f5-4f74-a512-baa2db99f5a9/download/gediplomeerdengeslwo.csv"}

DATASET = Dataset(
    dataset_id="duo_ho_gediplomeerden",
    publisher="DUO",
    title="Gediplomeerden hbo en wo",
    url=BASE_URL + FILES["hbo"],
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/ho_gediplomeerden",
    fact_table="fact_ho_graduate",
    period_column="academic_year",
    grain=("brin", "municipality_code", "education_id", "form", "diploma_type", "sex", "academic_year"),
)

FETCH_TARGETS = [FetchTarget("duo", BASE_URL + path, DATASET.raw_subdir, path.rsplit("/", 1)[-1])
                 for path in FILES.values()]

# fact_ho_graduate's checks are declared once, in duo_ho_graduates_old.py.
CHECKS: list[Check] = []


def recognises(header: list[str]) -> bool:
    """True for the portal's graduates header (hbo and wo share it)."""
    return header == COLUMNS


def periods(header: list[str], path: Path) -> list[str]:
    """The academic years in the file's DIPLOMAJAAR column: 2023 is 2023-2024."""
    del header
    return portal.periods(path)


def edition_key(header: list[str], path: Path) -> str:
    """'hbo' or 'wo' (both files share one header)."""
    del header
    return portal.edition_key(path)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]]:
    """Temp view `table` with the facts (etl/sources/duo_ho_portal.py `stage`); a bad file is a named error."""
    return portal.stage(con, path, relative_path, resolver, table, COLUMNS,
                        "DUO gediplomeerden hbo/wo (onderwijsdata.duo.nl)", "graduates",
                        {"diploma_type": "SOORT_DIPLOMA"}, {"source_id": DATASET.dataset_id}, old.graduates_peildatum)
