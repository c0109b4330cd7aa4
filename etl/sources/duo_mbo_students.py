"""DUO "Mbo-studenten per instelling", resource 03: students per institution × town of the institution × sectorkamer
× leerweg × programme (crebo) × level × sex (onderwijsdata.duo.nl), from school year 2021/22.

**The layout is an assumption that could not be checked offline.** DUO's catalogue lists the columns of this
dataset's first resource only (JAAR, PROVINCIE INSTELLING, BEVOEGD GEZAG NUMMER, INSTELLINGSCODE, INSTELLINGSNAAM,
PLAATSNAAM INSTELLING, GEMEENTENUMMER INSTELLING, GEMEENTE INSTELLING, BBL, BOLDT, BOLVT, EX: one row per year
with a count column per leerweg). Resource 03 is read in the same pattern, as duo_mbo_residence.py reads resource
11: the year in JAAR (students on 1 October of JAAR, school year JAAR/JAAR+1), the dimensions by DUO's usual names
(SECTORKAMER NAAM, ERKENDE OPLEIDING CODE, ERKENDE OPLEIDING NAAM, NIVEAU, GESLACHT with MAN/VROUW) and one count
column per leerweg (BBL, BOLDT, BOLVT, EX; at least one). The reader requires the columns it uses, accepts the
optional ones DUO's sibling resources carry, in any order, and refuses any other column. If the real file differs,
the build stops with a Dutch message naming the file, the line and the column and what to do (see explain() and
docs/sources/duo_mbo_students.md) instead of loading it wrongly.

Counts 1 to 4 are -1 (suppressed: no value, bounds 1..4); an empty count cell means no figure (no row); 0 is a
real zero. Each count column is a type_mbo; its leerweg is BOL (BOLVT, BOLDT), BBL, or EX (extraneus: exams only).
The municipality is GEMEENTENUMMER INSTELLING when the file has it, else PLAATSNAAM INSTELLING mapped as in the
other mbo layouts (etl/reference/mbo_places.csv, then municipality names).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import transforms
from etl.checks import Check
from etl.dataset import Dataset, FetchTarget
from etl.education import Education, first_per_id
from etl.education.mbo import mbo_education_current
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reading import duo_mbo_current as current
from etl.reference import MunicipalityResolver

REQUIRED = ["JAAR", "INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", "SECTORKAMER NAAM",
            "ERKENDE OPLEIDING CODE", "ERKENDE OPLEIDING NAAM", "NIVEAU", "GESLACHT"]
OPTIONAL = ["PROVINCIE INSTELLING", "BEVOEGD GEZAG NUMMER", "GEMEENTENUMMER INSTELLING", "GEMEENTE INSTELLING",
            "HOOFDGROEP NAAM"]
COUNT_COLUMNS = ["BBL", "BOLDT", "BOLVT", "EX"]
# The assumed layout in the order the resource's name gives (the demo writes it; the reader takes any order).
ASSUMED_HEADER = [*REQUIRED, *COUNT_COLUMNS]

FILE_NAME = "2021-2025-03-studenten-per-instelling-plaats-van-de-instelling-sectorkamer-leerweg-opleiding-niv.csv"
DATASET = Dataset(
    dataset_id="duo_mbo_studenten",
    publisher="DUO",
    title="Mbo-studenten per instelling, plaats, sectorkamer, leerweg, opleiding, niveau en geslacht",
    url=("https://onderwijsdata.duo.nl/dataset/63c2b502-5675-4110-83a0-a111c3f46332/resource/"
         f"0cf33778-666c-4a6d-bd58-0b4d1ddefb61/download/{FILE_NAME}"),
    licence="CC0",
    period_type="school_year",
    raw_subdir="duo/mbo_studenten",
    fact_table="fact_mbo_student",
    period_column="school_year",
)

FETCH_TARGETS = [FetchTarget("duo", DATASET.url, DATASET.raw_subdir, FILE_NAME, 2025)]

# fact_mbo_student's checks live with the old layout (duo_mbo_students_old.py), which fills the same table.
CHECKS: list[Check] = []


def _names(header: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in header]


def recognises(header: list[str]) -> bool:
    """The required columns, only known optional ones, and at least one leerweg count column."""
    names = set(_names(header))
    return (set(REQUIRED) <= names and bool(names & set(COUNT_COLUMNS))
            and names <= set(REQUIRED) | set(OPTIONAL) | set(COUNT_COLUMNS))


def _problem(names: list[str]) -> tuple[str, str]:
    """The first column that keeps a header from the assumed layout, and what is wrong with it (Dutch)."""
    known = set(REQUIRED) | set(OPTIONAL) | set(COUNT_COLUMNS)
    if unknown := [c for c in names if c not in known]:
        return unknown[0], "deze kolom komt niet voor in de aangenomen indeling"
    if missing := [c for c in REQUIRED if c not in names]:
        return missing[0], "deze verplichte kolom ontbreekt in de kopregel"
    return COUNT_COLUMNS[0], "geen van de aantalkolommen BBL, BOLDT, BOLVT en EX staat in de kopregel"


def explain(header: list[str]) -> tuple[str, str] | None:
    """For a header that looks like this resource's but does not fit the assumed layout: (column, Dutch message).

    The layout could not be checked against a real file (see the module docstring): when DUO's differs, the user
    learns which column, that the layout was assumed, and where to adapt it, instead of only 'not recognised'.
    """
    names = _names(header)
    looks_like = "JAAR" in names and bool({"SECTORKAMER NAAM", "ERKENDE OPLEIDING CODE"} & set(names))
    if recognises(names) or not looks_like:
        return None
    column, what = _problem(names)
    return column, (f"{what}. De kolommen van DUO {DATASET.title} (resource 03) zijn niet gepubliceerd en daarom "
                    "aangenomen; dit bestand wijkt daarvan af. Vergelijk de kopregel met "
                    "docs/sources/duo_mbo_students.md en pas REQUIRED en OPTIONAL in "
                    "etl/sources/duo_mbo_students.py aan, of verwijder het bestand uit de map met ruwe bestanden.")


periods = current.jaar_periods  # the school years in the JAAR column (the year is a column, so the file is scanned)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """The file as rows of fact_mbo_student: temp view `staged` (etl/sql/staging/duo_mbo_students.sql); returns
    (data rows, education rows).

    Any problem (see etl/reading/delimited.py, a header off the assumed layout, an unknown sectorkamer or town, a
    file without any figure) raises a RawFileError naming the line and column. Only programmes and towns with a
    figure are classified and mapped, each once.
    """
    sep = current.separator(path)
    header = delimited.header_of(path, sep)
    if not recognises(header):
        column, message = _problem(_names(header))
        raise RawFileError(path, f"{message}; verwacht de (aangenomen) indeling van DUO {DATASET.title}", 1, column)
    counts = [c for c in COUNT_COLUMNS if c in header]
    rules = current.filled(["INSTELLINGSCODE", "PLAATSNAAM INSTELLING", "ERKENDE OPLEIDING CODE", "SECTORKAMER NAAM"])
    patterns = {"JAAR": ("[0-9]{4}", "een jaartal"), "NIVEAU": ("[1-4]", "niveau 1 tot en met 4"),
                "GESLACHT": ("MAN|VROUW", "MAN of VROUW"), **dict.fromkeys(counts, current.COUNT_OR_EMPTY),
                **({"GEMEENTENUMMER INSTELLING": current.NUMBER} if "GEMEENTENUMMER INSTELLING" in header else {})}
    delimited.read_text(con, path, sep, header, "raw_records", rules, patterns)
    programmes, places, data_rows = transforms.lookup(con, "duo_mbo_students").fetchone()
    if not programmes:
        raise RawFileError(path, f"het bestand bevat geen enkel aantal in {', '.join(counts)}; download het "
                                 "opnieuw", 2, counts[0])
    keys = ("crebo", "name", "type_mbo", "sectorkamer", "hoofdgroep")
    education = [mbo_education_current(*(p[k] for k in keys), path, p["line"]) for p in programmes]
    codes = [(p["place"], p["number"], p["year"],
              current.institution_code(p["place"], p["number"], p["year"], resolver, path, p["line"]))
             for p in places]
    delimited.temp_table(con, "raw_education", dict.fromkeys((*keys, "education_id", "leerweg"), "varchar"),
                         [(*(p[k] for k in keys), e.education_id, e.leerweg)
                          for p, e in zip(programmes, education, strict=True)])
    delimited.temp_table(con, "raw_places", {"place": "varchar", "number": "varchar", "year": "integer",
                                             "code": "varchar"}, codes)
    transforms.stage(con, "duo_mbo_students", source_id=DATASET.dataset_id, source_file=relative_path)
    return data_rows, first_per_id(education)
