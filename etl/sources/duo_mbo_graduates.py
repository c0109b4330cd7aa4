"""DUO "Gediplomeerde mbo-studenten" (onderwijsdata.duo.nl): graduates per institution, place, sectorkamer,
leerweg, programme, level and sex.

Columns as in DUO's catalogue: INSTELLINGSCODE, INSTELLINGSNAAM, PLAATSNAAM INSTELLING, LEERWEG, NIVEAU, ERKENDE
OPLEIDING CODE, ERKENDE OPLEIDING NAAM, SECTORKAMER NAAM, HOOFDGROEP NAAM, then DIPMAN<Y>, DIPVROUW<Y> per diploma
year. Diploma year Y is school year Y-1/Y (the edition "2020-2024" has DIP…2021 to DIP…2025). Counts 1 to 4 are
-1; an empty cell means no figure for that year (the programme did not exist). PLAATSNAAM INSTELLING is a town
name, mapped to a municipality like the old layout's PLAATSNAAM (etl/reference/mbo_places.csv).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from etl import transforms
from etl.checks import Check, accepted_values, count_columns, not_null, relationship, rule, unique
from etl.dataset import Dataset, FetchTarget
from etl.education import Education, first_per_id
from etl.education.mbo import mbo_education_current
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reading import duo_mbo_current as current
from etl.reference import MunicipalityResolver

FIXED_COLUMNS = [
    "INSTELLINGSCODE",
    "INSTELLINGSNAAM",
    "PLAATSNAAM INSTELLING",
    "LEERWEG",
    "NIVEAU",
    "ERKENDE OPLEIDING CODE",
    "ERKENDE OPLEIDING NAAM",
    "SECTORKAMER NAAM",
    "HOOFDGROEP NAAM",
]
SEXES = ("MAN", "VROUW")
_YEAR_COLUMN = re.compile(r"^DIP(MAN|VROUW)(\d{4})$")

FILE_NAME = "2020-2024-gediplomeerden.csv"
DATASET = Dataset(
    dataset_id="duo_mbo_gediplomeerden",
    publisher="DUO",
    title="Gediplomeerde mbo-studenten",
    url=("https://onderwijsdata.duo.nl/dataset/725a741e-77e4-46f5-87be-671a68d27f24/resource/"
         f"aa057440-a653-41c4-8d73-d63cb0556135/download/{FILE_NAME}"),
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/mbo_gediplomeerden",
    fact_table="fact_mbo_graduate",
    period_column="school_year",
)

FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, FILE_NAME, 2025)]

_T = DATASET.fact_table
CHECKS: list[Check] = [
    *not_null(_T, "school_year", "brin", "place_name", "municipality_code", "education_id", "leerweg", "niveau",
              "sex", "source_id", "peildatum", "status"),
    unique(_T, *DATASET.grain),
    accepted_values(_T, "sex", ["man", "vrouw"]),
    accepted_values(_T, "leerweg", ["BBL", "BOL"]),
    accepted_values(_T, "niveau", [1, 2, 3, 4]),
    accepted_values(_T, "status", ["definitief", "voorlopig"]),
    relationship(_T, "municipality_code", "region", "code"),
    relationship(_T, "education_id", "education", "education_id"),
    relationship(_T, "school_year", "period", "period_id"),
    relationship(_T, "source_id", "source", "source_id"),
    *count_columns(_T, "graduates"),
    rule(_T, "elk schooljaar heeft minstens half zoveel rijen als het gemiddelde",
         "school_year in (select school_year from fact_mbo_graduate group by school_year "
         "having count(*) < 0.5 * (select count(*) / count(distinct school_year) from fact_mbo_graduate))",
         "school_year"),
]


def header_for(years: list[int]) -> list[str]:
    """The header DUO writes for the given diploma years."""
    return [*FIXED_COLUMNS, *(f"DIP{sex}{year}" for year in years for sex in SEXES)]


def recognises(header: list[str]) -> bool:
    """The catalogue's fixed columns followed by DIPMAN<Y>/DIPVROUW<Y> columns."""
    header = [c.strip().lstrip("\ufeff") for c in header]
    rest = header[len(FIXED_COLUMNS):]
    return header[: len(FIXED_COLUMNS)] == FIXED_COLUMNS and bool(rest) and all(_YEAR_COLUMN.match(c) for c in rest)


def school_year(year: int) -> str:
    """Diploma year Y is school year Y-1/Y."""
    return f"{year - 1}-{year}"


def years_in(header: list[str]) -> list[int]:
    """The diploma years of a header, in order."""
    return sorted({int(m.group(2)) for c in header if (m := _YEAR_COLUMN.match(c.strip()))})


def periods(header: list[str], path: Path) -> list[str]:
    """The school years the file covers, from its header."""
    del path
    return [school_year(y) for y in years_in(header)]


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """The file as rows of fact_mbo_graduate: temp view `staged` (etl/sql/staging/duo_mbo_graduates.sql); returns
    (data rows, education rows).

    Any problem (see etl/reading/delimited.py, an unknown sectorkamer, leerweg or town, a file without any figure)
    raises a RawFileError naming the line and column. Only programmes and towns with a figure are classified and
    mapped, each once.
    """
    sep, header = current.header(path, recognises, "DUO gediplomeerde mbo-studenten")
    years = years_in(header)
    counts = [f"DIP{sex}{year}" for year in years for sex in SEXES]
    if missing := [c for c in counts if c not in header]:  # DUO writes both sexes for every diploma year
        raise RawFileError(path, f"kolom {missing[0]} ontbreekt terwijl het jaar {missing[0][-4:]} wel in de "
                                 "kopregel staat; download het bestand opnieuw", 1, missing[0])
    rules = current.filled(["INSTELLINGSCODE", "PLAATSNAAM INSTELLING", "ERKENDE OPLEIDING CODE",
                            "SECTORKAMER NAAM"])
    patterns = {"NIVEAU": ("[1-4]", "niveau 1 tot en met 4"), **dict.fromkeys(counts, current.COUNT_OR_EMPTY)}
    delimited.read_text(con, path, sep, header, "raw_records", rules, patterns)
    programmes, places, data_rows = transforms.lookup(con, "duo_mbo_graduates").fetchone()
    if not programmes:
        raise RawFileError(path, "het bestand bevat geen enkel aantal; download het opnieuw", 2)
    keys = ("crebo", "name", "route", "sectorkamer", "hoofdgroep")
    education = [mbo_education_current(*(p[k] for k in keys), path, p["line"]) for p in programmes]
    codes = [(p["place"], p["year"], current.place_code(p["place"], p["year"], resolver, path, p["line"],
                                                        "PLAATSNAAM INSTELLING")) for p in places]
    delimited.temp_table(con, "raw_education", dict.fromkeys((*keys, "education_id", "leerweg"), "varchar"),
                         [(*(p[k] for k in keys), e.education_id, e.leerweg)
                          for p, e in zip(programmes, education, strict=True)])
    delimited.temp_table(con, "raw_places", {"place": "varchar", "year": "integer", "code": "varchar"}, codes)
    transforms.stage(con, "duo_mbo_graduates", source_id=DATASET.dataset_id, source_file=relative_path)
    return data_rows, first_per_id(education)
