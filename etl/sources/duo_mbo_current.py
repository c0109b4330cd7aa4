"""Shared reading of DUO's current mbo files (onderwijsdata.duo.nl, CKAN), 2021 onwards.

Not a dataset module itself (no DATASET): duo_mbo_graduates.py, duo_mbo_residence.py and duo_mbo_students.py use
it. The catalogue
(catalogs/duo_resources.json) gives the column names; the portal writes comma-separated CSV with a header line, and
counts from 1 to 4 as -1. A `;`-separated copy (as DUO's older site wrote) is read as well: the separator is taken
from the header line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl import rawtext
from etl.education import Education, first_per_id
from etl.education.mbo import mbo_education_current
from etl.errors import RawFileError
from etl.sources import fast_csv
from etl.sources.temp_table import temp_table

if TYPE_CHECKING:  # a build of well-formed files never imports pandas
    import pandas as pd

SUPPRESSED = "-1"
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4
_COUNT = re.compile(r"^(\d+|-1)$")
_YEAR = re.compile(r"^\d{4}$")


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
    names = fast_csv.header_of(path, sep) or header
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


def gemeente_code(number: str) -> str | None:
    """The CBS code of a GEMEENTENUMMER value (GM + 4 digits); None when the cell is empty."""
    return f"GM{int(number):04d}" if number else None


def read_wide(path: Path, title: str, recognises) -> pd.DataFrame:
    """The file as text with `source_line` (header = line 1); raises RawFileError naming line and column."""
    sep = separator(path)
    wide = rawtext.read_csv(path, sep)
    wide.columns = [c.strip() for c in wide.columns]
    if not recognises(list(wide.columns)):
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    if wide.empty:
        raise RawFileError(path, "het bestand bevat geen gegevensregels; download het opnieuw", 2)
    wide["source_line"] = wide.index + 2
    rawtext.require_full_records(path, sep)
    return wide


def require(frame: pd.DataFrame, column: str, ok: pd.Series, message: str, path: Path) -> None:
    """Raise for the first row where `ok` is false, with its line, column and value."""
    bad = frame[~ok]
    if len(bad):
        first = bad.iloc[0]
        value = str(first[column])
        found = f"waarde '{value}'; " if value.strip() else "lege waarde; "
        raise RawFileError(path, f"{found}{message} ({len(bad)} regel(s))", int(first["source_line"]), column)


def require_counts(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """Every count cell a whole number or -1 (suppressed)."""
    for column in columns:
        require(frame, column, frame[column].str.strip().str.match(_COUNT), "verwacht een geheel getal of -1", path)


def programmes(long: pd.DataFrame, keys: list[str], path: Path) -> tuple[pd.DataFrame, list[Education]]:
    """Classify each distinct programme of a pandas path (keys: crebo, name, leerweg, sectorkamer and hoofdgroep
    columns) by the sectorkamer rule: per row of `long` its education_id and leerweg, and the education rows."""
    distinct = long.drop_duplicates(keys)[[*keys, "source_line"]]
    education = [mbo_education_current(*values, path, int(line)) for *values, line in
                 distinct.itertuples(index=False)]
    distinct = distinct.assign(education_id=[e.education_id for e in education],
                               leerweg=[e.leerweg for e in education]).drop(columns="source_line")
    return long[keys].merge(distinct, on=keys, how="left"), education


def count_columns(values: pd.Series, prefix: str) -> dict[str, pd.Series]:
    """Value, bounds and suppression flag: -1 becomes null with bounds 1..4."""
    import pandas as pd

    values = values.str.strip()
    suppressed = values == SUPPRESSED
    exact = pd.to_numeric(values.where(~suppressed)).astype("Int64")
    return {
        prefix: exact,
        f"{prefix}_low": exact.where(~suppressed, SUPPRESSED_LOW).astype("Int64"),
        f"{prefix}_high": exact.where(~suppressed, SUPPRESSED_HIGH).astype("Int64"),
        f"{prefix}_suppressed": suppressed.to_numpy(),
    }


# --- fast path (see etl/sources/fast_csv.py), shared with duo_mbo_students_old.py -----------------------------------

@dataclass(frozen=True)
class Block:
    """The rows the pandas path melts out of one count column: one school year × sex."""

    count: str  # SQL on the wide table: the count as text, null for no row, '-1' when suppressed (1 to 4)
    school_year: str
    sex: str
    peildatum: date
    place_year: int  # the year in which the institution's town is resolved to a municipality


def stage_wide(con: duckdb.DuckDBPyConnection, table: str, wide: str, blocks: list[Block], programme: list[str],
               classify: Callable[[tuple[str, ...]], Education], place: str, resolve: Callable[[str, int], str],
               columns: dict[str, str], from_education: dict[str, Callable[[Education], str | None]], prefix: str,
               constants: dict[str, str], rules: list[str] | None = None) -> tuple[int, list[Education]] | None:
    """Temp view `table`: one row per record of `wide` × block with a count, as read() melts the file and
    to_facts adds codes; returns (data rows, education rows), or None when classify or resolve refuses.

    `wide` holds the checked records as text with `source_line`. As in to_facts, only programmes (the `programme`
    columns) and towns (`place`) with rows are classified and resolved: programmes in the order of their first
    row, which decides the education row kept per education_id. `columns` maps output columns to SQL on `wide`;
    `from_education` adds columns from the programme's Education. The count becomes `prefix` with its bounds and
    suppression flag (-1: null, 1..4). `rules` (SQL on `wide`) are checked in the same scan: any record that breaks
    one returns None.
    """
    q = fast_csv.quoted
    keys = [f"k{i}" for i in range(len(programme))]
    first = " ".join(f"when counts[{i}] is not null then {i}" for i in range(1, len(blocks) + 1))
    con.execute(f"""
        create or replace temp table {table}_typed as
        select *, case {first} end as first_block from (
            select source_line, {', '.join(f'{q(c)} as {k}' for c, k in zip(programme, keys, strict=True))},
                   {q(place)} as place_key, {', '.join(f'{sql} as {name}' for name, sql in columns.items())},
                   [{', '.join(f'try_cast({b.count} as bigint)' for b in blocks)}] as counts,
                   coalesce({' and '.join(rules or ['true'])}, false) as ok
            from {wide})
    """)  # noqa: S608 (identifiers from the recognised header and code constants)
    if not con.execute(f"select coalesce(bool_and(ok), false) from {table}_typed").fetchall()[0][0]:  # noqa: S608
        return None
    con.execute(f"create or replace temp table {table}_blocks as select unnest(range(1, ?)) as i, "
                "unnest(?::varchar[]) as school_year, unnest(?::varchar[]) as sex, unnest(?::date[]) as peildatum, "
                "unnest(?::integer[]) as place_year",
                [len(blocks) + 1, [b.school_year for b in blocks], [b.sex for b in blocks],
                 [b.peildatum for b in blocks], [b.place_year for b in blocks]])
    # Long order is block by block, records in file order: a programme's first row has the least (block, line).
    found = con.execute(f"select {', '.join(keys)} from {table}_typed where first_block is not null "  # noqa: S608
                        "group by all order by min(first_block * 4294967296 + source_line)").fetchall()
    pairs = con.execute(f"select distinct place_key, b.place_year from {table}_typed t, {table}_blocks b "  # noqa: S608
                        "where t.counts[b.i] is not null").fetchall()
    if not found:
        return None  # no figures at all: leave that case to the pandas path
    try:
        education = [classify(key) for key in found]
        codes = [(name, year, resolve(name, year)) for name, year in pairs]
    except RawFileError:
        return None
    extra = {name: [attribute(e) for e in education] for name, attribute in from_education.items()}
    temp_table(con, f"{table}_edu", {**{k: ("varchar", [row[i] for row in found]) for i, k in enumerate(keys)},
                                     **{name: ("varchar", values) for name, values in extra.items()}})
    temp_table(con, f"{table}_codes", {"place_key": ("varchar", [c[0] for c in codes]),
                                       "place_year": ("integer", [c[1] for c in codes]),
                                       "code": ("varchar", [c[2] for c in codes])})
    fixed = ", ".join(f"?::varchar as {name}" for name in constants)
    con.execute(f"create or replace temp table {table}_constants as select {fixed}", list(constants.values()))
    con.execute(f"""
        create or replace temp view {table} as
        with long as (
            select t.*, b.school_year, b.sex, b.peildatum, b.place_year, t.counts[b.i] as v
            from {table}_typed t, {table}_blocks b where t.counts[b.i] is not null
        )
        select long.school_year, {', '.join(f'long.{name}' for name in columns)},
               {', '.join(f'e.{name}' for name in extra)}, k.code as municipality_code, long.sex,
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
