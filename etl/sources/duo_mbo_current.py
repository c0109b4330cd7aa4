"""Shared reading of DUO's current mbo files (onderwijsdata.duo.nl, CKAN), 2021 onwards.

Not a dataset module itself (no DATASET): duo_mbo_graduates.py and duo_mbo_residence.py use it. The catalogue
(catalogs/duo_resources.json) gives the column names; the portal writes comma-separated CSV with a header line, and
counts from 1 to 4 as -1. A `;`-separated copy (as DUO's older site wrote) is read as well: the separator is taken
from the header line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import RawFileError

if TYPE_CHECKING:  # a build of well-formed files never imports pandas
    import duckdb
    import pandas as pd

SUPPRESSED = "-1"
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4
_COUNT = re.compile(r"^(\d+|-1)$")


def separator(path: Path) -> str:
    """',' unless the header line holds a ';'."""
    with path.open("rb") as handle:
        first = handle.readline()
    return ";" if b";" in first else ","


def read_wide(path: Path, title: str, recognises) -> pd.DataFrame:
    """The file as text with `source_line` (header = line 1); raises RawFileError naming line and column."""
    import pandas as pd

    sep = separator(path)
    try:
        wide = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, "het bestand is geen UTF-8; sla het op als CSV UTF-8") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc)):
            expected, line, seen = map(int, match.groups())
            raise RawFileError(path, f"de regel heeft {seen} velden, de kopregel {expected}; staat er een "
                                     f"'{sep}' in een waarde zonder aanhalingstekens?", line) from exc
        raise RawFileError(path, f"het bestand is geen geldige CSV met '{sep}' als scheidingsteken ({exc})") from exc
    wide.columns = [c.strip() for c in wide.columns]
    if not recognises(list(wide.columns)):
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    if wide.empty:
        raise RawFileError(path, "het bestand bevat geen gegevensregels; download het opnieuw", 2)
    wide["source_line"] = wide.index + 2
    _require_field_counts(path, sep, len(wide.columns) - 1)
    return wide


def _require_field_counts(path: Path, sep: str, expected: int) -> None:
    """Every record has the header's number of fields (pandas pads a short, e.g. truncated, line silently)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=sep)
        header = next(reader)
        for fields in reader:
            if len(fields) < expected and fields:
                raise RawFileError(path, f"de regel heeft {len(fields)} velden, de kopregel {expected}; is de regel "
                                         "afgebroken? Download het bestand opnieuw.", reader.line_num,
                                   header[len(fields)].strip())


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


# --- fast path (see etl/sources/fast_csv.py): plain Python on the file's lines, one insert per table -----------------

def _quoted_line(sep: str) -> re.Pattern[str]:
    """A line whose every field is unquoted without quotes, or wholly quoted with quotes doubled inside: pandas'
    C parser and Python's csv module split such a line the same way (anything else goes the pandas way)."""
    field = f'(?:"(?:[^"]|"")*"|[^"{sep}]*)'
    return re.compile(f"{field}(?:{sep}{field})*")


def split_lines(path: Path) -> tuple[str, list[str], list[list[str]]] | None:
    """(separator, header names stripped, records as text) of a well-formed portal CSV, or None when pandas could
    read it differently or refuse it: not UTF-8, a blank line or lone CR, a line break or stray quote inside a
    value, duplicate names, a record with another number of fields than the header, or no records.

    Records are numbered like read_wide's `source_line`: record k (from 0) is line k + 2.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or "\x00" in text:
        return None
    sep = ";" if ";" in lines[0] else ","  # as separator(): the header line decides
    pattern = None
    rows = []
    for line in lines:
        if line.endswith("\r"):
            line = line[:-1]
        if "\r" in line or not line.strip():
            return None  # a lone CR ends a line for pandas; a blank line is skipped by it (shifting line numbers)
        if '"' in line:
            pattern = pattern or _quoted_line(sep)
            if not pattern.fullmatch(line):
                return None
            rows.append(next(csv.reader([line], delimiter=sep)))
        else:
            rows.append(line.split(sep))
    header = [name.strip() for name in rows[0]]
    width = len(header)
    if len(rows) < 2 or len(set(header)) != width or any(len(fields) != width for fields in rows):
        return None
    return sep, header, rows[1:]


def whole_number(value: str) -> int | None:
    """A stripped count as pandas' to_numeric reads it: ASCII digits (at most 18, so int64), else None (decline)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


@dataclass(frozen=True)
class Block:
    """The rows the pandas path melts out of one count column: one school year × sex."""

    school_year: str
    sex: str
    peildatum: date
    place_year: int  # the year in which the institution's town is resolved to a municipality
    counts: list[int | None]  # per record: None = no row, -1 = suppressed (1 to 4), else the count


def long_order(blocks: list[Block]) -> Iterator[int]:
    """The record of every row in the pandas path's long order (block by block, records in file order)."""
    for block in blocks:
        yield from compress(range(len(block.counts)), [c is not None for c in block.counts])


def places_in_long(blocks: list[Block], places: list[int]) -> set[tuple[int, int]]:
    """(place key, year) pairs that have rows: only those are resolved, as in the pandas path."""
    pairs = set()
    for block in blocks:
        pairs.update((key, block.place_year) for key, count in zip(places, block.counts, strict=True)
                     if count is not None)
    return pairs


def stage_long(con: duckdb.DuckDBPyConnection, table: str, records: dict[str, tuple[str, list]],
               places: list[int], codes: dict[tuple[int, int], str], blocks: list[Block], prefix: str,
               constants: dict[str, str]) -> None:
    """Temp view `table`: one row per record × block with a count, as the pandas path melts a wide file.

    `records` maps output column to (DuckDB type, value per record); `places` gives each record's place key and
    `codes` the municipality per (place key, block's place year). The count becomes `prefix` with its bounds and
    suppression flag (-1: null, 1..4). Each record crosses DuckDB once, so the wide file costs one insert.
    """
    names = list(records)
    select = ", ".join([f"unnest(?::{kind}[]) as {name}" for name, (kind, _) in records.items()]
                       + ["unnest(?::integer[]) as place_key"]
                       + [f"unnest(?::bigint[]) as c{i}" for i in range(1, len(blocks) + 1)])
    con.execute(f"create or replace temp table {table}_records as select {select}",  # names from code constants
                [values for _, values in records.values()] + [places] + [b.counts for b in blocks])
    con.execute(f"create or replace temp table {table}_blocks as select unnest(range(1, ?)) as i, "
                "unnest(?::varchar[]) as school_year, unnest(?::varchar[]) as sex, unnest(?::date[]) as peildatum, "
                "unnest(?::integer[]) as place_year",
                [len(blocks) + 1, [b.school_year for b in blocks], [b.sex for b in blocks],
                 [b.peildatum for b in blocks], [b.place_year for b in blocks]])
    con.execute(f"create or replace temp table {table}_codes as select unnest(?::integer[]) as place_key, "
                "unnest(?::integer[]) as place_year, unnest(?::varchar[]) as code",
                [[k for k, _ in codes], [y for _, y in codes], list(codes.values())])
    fixed = ", ".join(f"?::varchar as {name}" for name in constants)
    con.execute(f"create or replace temp table {table}_constants as select {fixed}", list(constants.values()))
    counts = ", ".join(f"r.c{i}" for i in range(1, len(blocks) + 1))
    con.execute(f"""
        create or replace temp view {table} as
        with long as (
            select r.*, b.school_year, b.sex, b.peildatum, b.place_year, [{counts}][b.i] as v
            from {table}_records r, {table}_blocks b
        )
        select long.school_year, {', '.join(f'long.{n}' for n in names)}, k.code as municipality_code, long.sex,
               nullif(v, -1) as {prefix}, case when v = -1 then 1 else v end as {prefix}_low,
               case when v = -1 then 4 else v end as {prefix}_high, v = -1 as {prefix}_suppressed,
               long.peildatum, 'definitief' as status, c.*
        from long
        left join {table}_codes k on k.place_key = long.place_key and k.place_year = long.place_year,
             {table}_constants c
        where v is not null
    """)  # noqa: S608 (identifiers from code constants)
