"""Shared reading of DUO's current mbo files (onderwijsdata.duo.nl, CKAN), 2021 onwards.

Not a dataset module itself (no DATASET): duo_mbo_graduates.py, duo_mbo_residence.py and duo_mbo_students.py use
it, duo_mbo_students_old.py its stage_wide, all four place_code (a town mapped to its municipality). The catalogue
(catalogs/duo_resources.json) gives the column names; the portal writes comma-separated CSV with a header line, and
counts from 1 to 4 as -1. A `;`-separated copy (as DUO's older site wrote) is read as well: the separator is taken
from the header line. The files are read inside DuckDB by etl/reading/delimited.py, which stops the build at the
first problem with a Dutch message naming file, line and column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb

from etl import rawtext
from etl.education import Education, first_per_id
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


@dataclass(frozen=True)
class Block:
    """The fact rows of one count column of a wide record: one school year × sex."""

    count: str  # SQL on the wide table: the count as text, null for no row, '-1' when suppressed (1 to 4)
    school_year: str
    sex: str
    peildatum: date
    place_year: int  # the year in which the institution's town is resolved to a municipality


def stage_wide(con: duckdb.DuckDBPyConnection, path: Path, table: str, wide: str, blocks: list[Block],
               programme: list[str], classify: Callable[..., Education], place: str,
               resolver: MunicipalityResolver, columns: dict[str, str], education_columns: tuple[str, ...],
               prefix: str, source_id: str, source_file: str) -> tuple[int, list[Education]]:
    """Temp view `table`: one row per record of `wide` × block with a count; returns (data rows, education rows).

    `wide` holds the checked records as text with `source_line`. Only programmes (the `programme` columns) and
    towns (`place`) with a figure are classified and resolved, each with its values stripped and the first line it
    is on: `classify(*values, path, line)` and place_code raise a located RawFileError for one they do not know.
    Programmes go in the order of their first row, block by block and then by line, which decides the education
    row kept per education_id. `columns` maps output columns to SQL on `wide`; `education_columns` adds attributes
    of the programme's Education. The count becomes `prefix` with its bounds and suppression flag (-1:
    null, 1..4). A file without any figure raises too.
    """
    q = delimited.quoted
    keys = [f"k{i}" for i in range(len(programme))]
    first = " ".join(f"when counts[{i}] is not null then {i}" for i in range(1, len(blocks) + 1))
    con.execute(f"""
        create or replace temp table {table}_typed as
        select *, case {first} end as first_block from (
            select source_line, {', '.join(f'pystrip({q(c)}) as {k}' for c, k in zip(programme, keys, strict=True))},
                   pystrip({q(place)}) as place_key, {', '.join(f'{sql} as {name}' for name, sql in columns.items())},
                   [{', '.join(f'cast({b.count} as bigint)' for b in blocks)}] as counts
            from {wide})
    """)  # noqa: S608 (identifiers from the recognised header and code constants)
    delimited.temp_table(con, f"{table}_blocks", {"i": "integer", "school_year": "varchar", "sex": "varchar",
                                                  "peildatum": "date", "place_year": "integer"},
                         [(i, b.school_year, b.sex, b.peildatum, b.place_year) for i, b in enumerate(blocks, start=1)])
    # Long order is block by block, records in file order: a programme's first row has the least (block, line).
    found = con.execute(f"select {', '.join(keys)}, min(source_line) from {table}_typed "  # noqa: S608
                        "where first_block is not null group by all "
                        "order by min(first_block * 4294967296 + source_line)").fetchall()
    if not found:
        raise RawFileError(path, "het bestand bevat geen enkel aantal; download het opnieuw", 2)
    pairs = con.execute(f"select place_key, b.place_year, min(t.source_line) as line "  # noqa: S608
                        f"from {table}_typed t, {table}_blocks b where t.counts[b.i] is not null "
                        "group by all order by line, place_key, place_year").fetchall()
    education = [classify(*row[:-1], path, row[-1]) for row in found]
    codes = [(name, year, place_code(name, year, resolver, path, line, place)) for name, year, line in pairs]
    delimited.temp_table(con, f"{table}_edu", dict.fromkeys([*keys, *education_columns], "varchar"),
                         [(*row[:-1], *(getattr(e, name) for name in education_columns))
                          for row, e in zip(found, education, strict=True)])
    delimited.temp_table(con, f"{table}_codes", {"place_key": "varchar", "place_year": "integer", "code": "varchar"},
                         codes)
    con.execute(f"create or replace temp table {table}_constants as select ?::varchar as source_id, "
                "?::varchar as source_file", [source_id, source_file])
    con.execute(f"""
        create or replace temp view {table} as
        with long as (
            select t.*, b.school_year, b.sex, b.peildatum, b.place_year, t.counts[b.i] as v
            from {table}_typed t, {table}_blocks b where t.counts[b.i] is not null
        )
        select long.school_year, {', '.join(f'long.{name}' for name in columns)},
               {', '.join(f'e.{name}' for name in education_columns)}, k.code as municipality_code, long.sex,
               nullif(v, -1) as {prefix}, case when v = -1 then 1 else v end as {prefix}_low,
               case when v = -1 then 4 else v end as {prefix}_high, v = -1 as {prefix}_suppressed,
               long.peildatum, 'definitief' as status, c.*, cast(long.source_line as integer) as source_line
        from long
        left join {table}_edu e on {' and '.join(f'e.{k} = long.{k}' for k in keys)}
        left join {table}_codes k on k.place_key = long.place_key and k.place_year = long.place_year,
             {table}_constants c
    """)  # noqa: S608 (identifiers from code constants)
    data_rows = con.execute(f"select count(*) from {table}_typed where first_block is not null").fetchall()[0][0]  # noqa: S608
    return data_rows, first_per_id(education)
