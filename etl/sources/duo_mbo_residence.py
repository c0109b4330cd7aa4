"""DUO "Mbo-studenten per instelling", resource 11: students per institution and town of the institution × leerweg ×
home municipality (woongemeente) × home province × age group (onderwijsdata.duo.nl).

DUO's catalogue lists the columns of this dataset's first resource only (JAAR, …, PLAATSNAAM INSTELLING,
GEMEENTENUMMER INSTELLING, GEMEENTE INSTELLING, BBL, BOLDT, BOLVT, EX: one row per year with a count column per
leerweg). Resource 11 is read in the same pattern: the year in JAAR (students on 1 October of that year), the
dimensions by DUO's names (WOONGEMEENTE, WOONPROVINCIE, LEEFTIJDSCATEGORIE) and one count column per leerweg. The
reader requires the columns it uses and accepts the optional ones DUO's sibling resources carry, so that a
different column order does not break it; counts 1 to 4 are -1. A home municipality outside the Netherlands or
unknown (BUITENLAND, ONBEKEND) is kept with an empty home municipality code.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import transforms
from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.dataset import Dataset, FetchTarget
from etl.education import Education
from etl.reading import delimited
from etl.reading import duo_mbo_current as current
from etl.reference import MunicipalityResolver, normalise_name

REQUIRED = ["JAAR", "INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", "WOONGEMEENTE", "WOONPROVINCIE"]
OPTIONAL = ["PROVINCIE INSTELLING", "BEVOEGD GEZAG NUMMER", "GEMEENTENUMMER INSTELLING", "GEMEENTE INSTELLING",
            "WOONGEMEENTENUMMER", "LEEFTIJDSCATEGORIE"]
COUNT_COLUMNS = ["BBL", "BOLDT", "BOLVT", "EX"]
NOT_A_MUNICIPALITY = {"BUITENLAND", "ONBEKEND", "ONBEKEND/BUITENLAND", ""}

FILE_NAME = ("2021-2025-11-studenten-per-instelling-plaats-instelling-leerweg-woongemeente-woonprovincie-"
             "leeft.csv")
DATASET = Dataset(
    dataset_id="duo_mbo_woongemeente",
    publisher="DUO",
    title="Mbo-studenten per instelling, plaats instelling, leerweg en woongemeente",
    url=("https://onderwijsdata.duo.nl/dataset/63c2b502-5675-4110-83a0-a111c3f46332/resource/"
         f"4ca1ec61-61aa-46f2-b01f-b657633fadf0/download/{FILE_NAME}"),
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/mbo_woongemeente",
    fact_table="fact_mbo_residence",
    period_column="school_year",
)

FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, FILE_NAME, 2025)]

_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "school_year", "brin", "place_name", "institution_municipality_code", "home_name", "age_group",
              "type_mbo", "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "type_mbo", COUNT_COLUMNS),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "institution_municipality_code", "region", "code"),
    relationship(_T, "home_municipality_code", "region", "code"),
    relationship(_T, "school_year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    *count_columns(_T, "students"),
    rule(_T, "woongemeente zonder code alleen voor buitenland of onbekend",
         "home_municipality_code is null and upper(home_name) not in ('BUITENLAND', 'ONBEKEND', "
         "'ONBEKEND/BUITENLAND', '')", "home_name"),
]


def recognises(header: list[str]) -> bool:
    """The required columns, only known optional ones, and at least one leerweg count column."""
    names = {c.strip().lstrip("\ufeff") for c in header}
    return (set(REQUIRED) <= names and bool(names & set(COUNT_COLUMNS))
            and names <= set(REQUIRED) | set(OPTIONAL) | set(COUNT_COLUMNS))


periods = current.jaar_periods  # the school years in the JAAR column (the year is a column, so the file is scanned)


_code = current.gemeente_code


def _home_code(name: str, number: str, year: int, resolver: MunicipalityResolver, path: Path,
               line: int) -> str | None:
    """WOONGEMEENTENUMMER, else the name resolved; None for abroad or unknown (values stripped)."""
    if (code := _code(number)) is None and normalise_name(name) not in NOT_A_MUNICIPALITY:
        code = resolver.code(name, year, path, line, "WOONGEMEENTE", "woongemeente")
    return code


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """The file as rows of fact_mbo_residence: temp view `staged` (etl/sql/staging/duo_mbo_residence.sql); returns
    (data rows, no education rows).

    Any problem (see etl/reading/delimited.py, an unknown town or home municipality) raises a RawFileError naming the
    line and column. Each distinct town and home municipality is resolved once.
    """
    sep, header = current.header(path, recognises, "DUO mbo-studenten per instelling en woongemeente")
    counts = [c for c in COUNT_COLUMNS if c in header]
    rules = current.filled(["INSTELLINGSCODE", "PLAATSNAAM INSTELLING"])
    patterns = {"JAAR": ("[0-9]{4}", "een jaartal"), **dict.fromkeys(counts, current.COUNT),
                **{c: current.NUMBER for c in ("GEMEENTENUMMER INSTELLING", "WOONGEMEENTENUMMER") if c in header}}
    records = delimited.read_text(con, path, sep, header, "raw_records", rules, patterns)
    institutions, homes = transforms.lookup(con, "duo_mbo_residence").fetchone()
    columns = {"name": "varchar", "number": "varchar", "year": "integer", "code": "varchar"}
    delimited.temp_table(con, "raw_places", columns, [
        (p["name"], p["number"], p["year"],
         current.institution_code(p["name"], p["number"], p["year"], resolver, path, p["line"]))
        for p in institutions])
    delimited.temp_table(con, "raw_homes", columns, [
        (h["name"], h["number"], h["year"], _home_code(h["name"], h["number"], h["year"], resolver, path, h["line"]))
        for h in homes])
    transforms.stage(con, "duo_mbo_residence", source_id=DATASET.dataset_id, source_file=relative_path)
    return records, []
