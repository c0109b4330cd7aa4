"""Shared reading of DUO's current mbo files (onderwijsdata.duo.nl, CKAN), 2021 onwards.

Not a dataset module itself (no DATASET): duo_mbo_graduates.py, duo_mbo_residence.py and duo_mbo_students.py use
it, duo_mbo_students_old.py its rules and place_code (a town mapped to its municipality). The transform itself is SQL
(etl/sql/staging/duo_mbo_*.sql), over the records as text and the lookups the readers make. The catalogue
(catalogs/duo_resources.json) gives the column names; the portal writes comma-separated CSV with a header line, and
counts from 1 to 4 as -1. A `;`-separated copy (as DUO's older site wrote) is read as well: the separator is taken
from the header line. The files are read inside DuckDB by etl/reading/delimited.py, which stops the build at the
first problem with a Dutch message naming file, line and column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import duckdb

from etl import rawtext
from etl.errors import RawFileError
from etl.reading import delimited
from etl.reference import REFERENCE_DIR, MunicipalityResolver, normalise_name

_YEAR = re.compile(r"^\d{4}$")
# A count as DUO writes it, -1 for 1 to 4 (a pattern for delimited.read_text; 18 digits always fit a bigint).
COUNT = ("[0-9]{1,18}|-1", "een geheel getal of -1")
COUNT_OR_EMPTY = ("[0-9]{1,18}|-1|", "een geheel getal, -1 of niets")
NUMBER = ("[0-9]{0,4}", "een CBS-gemeentenummer (tot 4 cijfers)")


def separator(path: Path) -> str:
    """',' unless the header line holds a ';'."""
    with path.open("rb") as handle:
        first = handle.readline()
    return ";" if b";" in first else ","


def school_year(year: int) -> str:
    """Students counted on 1 October Y (JAAR Y) belong to school year Y/Y+1."""
    return f"{year}-{year + 1}"


def jaar_periods(header: list[str], path: Path) -> list[str]:
    """The school years in a file's JAAR column (the year is a column, so the file is scanned)."""
    sep = separator(path)
    try:
        names = delimited.header_of(path, sep) or header
    except RawFileError:  # not UTF-8: stage names the byte
        names = header
    if "JAAR" not in names:
        raise RawFileError(path, "kolom ontbreekt", 1, "JAAR")
    columns = {f"c{i}": "varchar" for i in range(len(names))}
    try:  # DuckDB reads the one column without holding the GIL, while other files are discovered
        years = duckdb.connect().execute(
            f"select distinct c{names.index('JAAR')} from read_csv(?, delim = ?, header = false, skip = 1, "  # noqa: S608
            "columns = ?, quote = '\"', escape = '\"', auto_detect = false, null_padding = true)",
            [str(path), sep, columns]).fetchall()  # (a column position, no value)
    except duckdb.Error as exc:
        raise rawtext.csv_error(path, sep, exc) from exc
    return sorted({school_year(int(y.strip())) for (y,) in years if y and _YEAR.match(y.strip())})


@lru_cache(maxsize=1)
def place_aliases(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Town names (PLAATSNAAM) that are not a municipality's name, mapped to CBS codes (mbo_places.csv)."""
    with (reference_dir / "mbo_places.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = [row for row in csv.DictReader(handle) if any(row.values())]  # blank lines skipped
    return {normalise_name(row["place"]): row["code"] for row in table}


def place_code(name: str, year: int, resolver: MunicipalityResolver, path: Path, line: int, column: str) -> str:
    """The municipality of a town name: mbo_places.csv first, then the municipality names and aliases."""
    code = place_aliases().get(normalise_name(name)) or resolver.resolve(name, year)
    if code is None:
        raise RawFileError(path, f"plaats '{name}' is onbekend; voeg de plaats met haar gemeentecode toe aan "
                                 "etl/reference/mbo_places.csv", line, column)
    return code


def gemeente_code(number: str) -> str | None:
    """The CBS code of a GEMEENTENUMMER value (GM + 4 digits); None when the cell is empty."""
    return f"GM{int(number):04d}" if number else None


def institution_code(name: str, number: str, year: int, resolver: MunicipalityResolver, path: Path, line: int) -> str:
    """GEMEENTENUMMER INSTELLING when given, else the town (PLAATSNAAM INSTELLING) mapped to its municipality."""
    return gemeente_code(number) or place_code(name, year, resolver, path, line, "PLAATSNAAM INSTELLING")


def header(path: Path, recognises: Callable[[list[str]], bool], title: str) -> tuple[str, list[str]]:
    """(separator, the header's names stripped); RawFileError when the header is not UTF-8 or not `title`'s."""
    sep = separator(path)
    names = delimited.header_of(path, sep)
    if not recognises(names):
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    return sep, names


def filled(columns: list[str]) -> list[delimited.Rule]:
    """delimited rules: each column holds more than spaces."""
    return [(f"pystrip({delimited.quoted(c)}) <> ''", c, "lege waarde in een verplichte kolom") for c in columns]
