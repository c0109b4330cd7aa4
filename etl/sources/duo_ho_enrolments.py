"""DUO "Ingeschrevenen hbo en wo" (onderwijsdata.duo.nl): reader and facts.

The current layout, "inclusief geslacht" files.

One file per level, same header (DUO's catalogue columns). Layout details in etl/sources/duo_ho_portal.py.
Shares its dataset id with the old layout where one exists, so that per academic year the newest edition wins.
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

COLUMNS = portal.enrolment_columns("AANTAL_INGESCHREVENEN")
MEASURE = "ingeschrevenen"
BASE_URL = "https://onderwijsdata.duo.nl/dataset/978f900e-088e-4d27-804f-2d897c161c70/resource/"
FILES = {"hbo": "c454d7e1-b9b1-4460-b9ff-55938c85788e/download/ingeschrevenengeslhbo.csv",
         "wo": "b88721ef-9787-4299-afc7-5d74380d29ba/download/ingeschrevenengeslwo.csv"}

DATASET = Dataset(
    dataset_id="duo_ho_ingeschrevenen",
    publisher="DUO",
    title="Ingeschrevenen hbo en wo",
    url=BASE_URL + FILES["hbo"],
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/ho_ingeschrevenen",
    fact_table="fact_ho_enrolment",
    period_column="academic_year",
    grain=("brin", "municipality_code", "education_id", "ho_type", "form", "sex", "measure", "academic_year"),
)

FETCH_TARGETS = [FetchTarget("duo", BASE_URL + path, DATASET.raw_subdir, path.rsplit("/", 1)[-1])
                 for path in FILES.values()]

# fact_ho_enrolment's checks are declared once, in duo_ho_first_years_old.py.
CHECKS: list[Check] = []


def recognises(header: list[str]) -> bool:
    """True for the portal's enrolments header (hbo and wo share it)."""
    return header == COLUMNS


def periods(header: list[str], path: Path) -> list[str]:
    """The academic years in the file's STUDIEJAAR column: 2023 is 2023-2024."""
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
                        f"DUO {DATASET.title.lower()} (onderwijsdata.duo.nl)", "students",
                        {"ho_type": "TYPE_HOGER_ONDERWIJS"}, {"measure": MEASURE, "source_id": DATASET.dataset_id},
                        old.first_years_peildatum)
