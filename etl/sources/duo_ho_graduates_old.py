"""DUO "Gediplomeerden" hbo and wo, old layout (editions up to 2019): reader and facts.

One file per level (05-gediplomeerden-hbo-2019.csv, 05-gediplomeerden-wo-2019.csv), same header: 13 fixed
columns (with SOORT DIPLOMA, without TYPE HOGER ONDERWIJS) then one count column per diploma year.
Layout details in etl/sources/duo_ho_oldlayout.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.education import Education
from etl.reference import MunicipalityResolver
from etl.sources import duo_ho_oldlayout as layout
from etl.sources.base import Dataset, FetchTarget

FIXED_COLUMNS = layout.GRADUATE_COLUMNS
BASE_URL = "https://duo.nl/open_onderwijsdata/images/"
FILES = {"hbo": "05-gediplomeerden-hbo-2019.csv", "wo": "05-gediplomeerden-wo-2019.csv"}

DATASET = Dataset(
    dataset_id="duo_ho_gediplomeerden",
    publisher="DUO",
    title="Gediplomeerden hbo en wo",
    url=BASE_URL + FILES["hbo"],
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/ho_gediplomeerden-oude-indeling",
    fact_table="fact_ho_graduate",
    period_column="academic_year",
    grain=("brin", "municipality_code", "education_id", "form", "diploma_type", "sex", "academic_year"),
)

FETCH_TARGETS = [FetchTarget("duo", BASE_URL + name, DATASET.raw_subdir, name, 2018) for name in FILES.values()]

_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "academic_year", "brin", "municipality_code", "education_id", "form", "diploma_type", "sex",
              "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "sex", ["man", "vrouw", "totaal"]),
    accepted_values(_T, "form", ["voltijd", "deeltijd", "duaal", "alle"]),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "municipality_code", "region", "code"),
    relationship(_T, "education_id", "education", "education_id"),
    relationship(_T, "academic_year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    *count_columns(_T, "graduates"),
    rule(_T, "alleen hbo- en wo-opleidingen",
         "education_id not in (select education_id from education where level in ('hbo', 'wo'))", "education_id"),
    # Row-count sanity per file: a year with far fewer rows than the file's other years means a truncated file.
    rule(_T, "elk diplomajaar heeft per bestand minstens half zoveel rijen als het gemiddelde",
         "exists (select 1 from (select source_file, academic_year, count(*) as n, "
         "avg(count(*)) over (partition by source_file) as mean from fact_ho_graduate "
         "group by source_file, academic_year) as s "
         "where s.source_file = fact_ho_graduate.source_file and s.academic_year = fact_ho_graduate.academic_year "
         "and s.n < 0.5 * s.mean)", "academic_year"),
]


def recognises(header: list[str]) -> bool:
    """True for the old-layout graduates header (hbo and wo share it)."""
    return layout.recognises(header, FIXED_COLUMNS)


def periods(header: list[str], path: Path) -> list[str]:
    """The academic years the file covers: diploma year '2018' is 2018-2019."""
    return [layout.academic_year(y) for y in layout.years_in(header, FIXED_COLUMNS, path)]


def edition_key(header: list[str], path: Path) -> str:
    """'hbo' or 'wo' (both files share one header)."""
    return layout.edition_key(header, path)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]]:
    """Temp view `table` with the facts (etl/sources/duo_ho_oldlayout.py `stage`); a bad file is a named error."""
    del resolver  # the layout gives the CBS number itself
    return layout.stage(con, path, relative_path, table, FIXED_COLUMNS, "DUO gediplomeerden hbo/wo (oude indeling)",
                        "graduates", {"diploma_type": "SOORT DIPLOMA"}, {"source_id": DATASET.dataset_id},
                        layout.graduates_peildatum)
