"""Reading a delimited raw file inside DuckDB, for the readers' fast path (Python only on the error path).

A reader's fast path stages its facts with SQL and declines (returns None) whenever the file is not plainly
well-formed, so that the reader's pandas path reads it instead and raises its usual Dutch message naming file,
line and column. The fast path therefore only has to be right for files the pandas path accepts; anything
unusual (a parse error, a stray quote or a line break inside a value, a value the stricter ASCII patterns below do not
match) falls back.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

# Python's str.strip() removes every Unicode whitespace character, DuckDB's trim(x, ' ') only spaces. A file
# with a value that starts or ends with other whitespace goes the pandas way, so in the fast path both agree.
# The class lists what str.isspace() accepts, except the plain space.
_OTHER_SPACE = r"[\t-\r\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
# Checked on all of a record's values at once, joined by \x00: every value's edges touch a separator or an end,
# so nothing is missed (a NUL inside a value can only cause a needless fallback).
_ODD = f'[\\r\\n]|(^|\\x{{0}}) *{_OTHER_SPACE}|{_OTHER_SPACE} *(\\x{{0}}|$)'


def quoted(name: str) -> str:
    """A column name as a SQL identifier (names come from a recognised header, quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def read_text(con: duckdb.DuckDBPyConnection, path: Path, sep: str, header: list[str], table: str,
              rules: list[str]) -> int | None:
    """Load the file's records as text: view `table` with `source_line` (header = line 1) and the header's names.

    Empty fields read as '' (as pandas' keep_default_na=False). `rules` are SQL conditions (on the header's
    names, with pystrip() for str.strip()) that every record must meet. Returns the number of records, or None
    when the file should go the pandas way: duplicate or missing header names, no records, anything DuckDB
    refuses (wrong field count, bad UTF-8), a stray quote or a line break inside a value (where parsers may
    differ), other whitespace than spaces around a value, or a record that breaks a rule.
    """
    if len(set(header)) != len(header) or "" in header or "source_line" in header:
        return None
    columns = {f"c{i}": "varchar" for i in range(len(header))}
    try:
        con.execute(
            f"create or replace temp table {table}_raw as select * from read_csv(?, delim = ?, header = false, "  # noqa: S608
            "skip = 1, columns = ?, quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            "auto_detect = false)", [str(path), sep, columns])
    except duckdb.Error:
        return None
    con.execute("create or replace temp macro pystrip(x) as trim(x, ' ')")  # str.strip() here, see above
    # rowid follows the file's order (insertion order is preserved), so it gives the same line as pandas' index.
    select = ", ".join(f"coalesce(c{i}, '') as {quoted(name)}" for i, name in enumerate(header))
    con.execute(f"create or replace temp view {table} as select rowid + 2 as source_line, {select} "  # noqa: S608
                f"from {table}_raw")
    joined = f"concat_ws(chr(0), {', '.join(quoted(name) for name in header)})"
    odd, quotes = f"regexp_matches({joined}, '{_ODD}')", f"contains({joined}, '\"')"
    count, has_odd, has_quote, breaks_rule = con.execute(
        f"select count(*), coalesce(bool_or({odd}), false), coalesce(bool_or({quotes}), false), "  # noqa: S608
        f"coalesce(bool_or(not ({' and '.join(rules) or 'true'})), false) from {table}"
    ).fetchall()[0]
    if count == 0 or has_odd or breaks_rule or (has_quote and _stray_quote(path, sep)):
        return None
    return count


def _stray_quote(path: Path, sep: str) -> bool:
    """A quote that neither opens nor closes a field nor is doubled (`ab"cd`): parsers may read that differently.

    Quotes in values written the standard way (`"VMBO ""De Jutter"" Vlieland"`) read the same in pandas and DuckDB.
    """
    other = re.escape(sep.encode())
    return re.search(rb'[^' + other + rb'\r\n"]"[^' + other + rb'\r\n"]', path.read_bytes()) is not None


def header_of(path: Path, sep: str, strip: bool = True) -> list[str] | None:
    """The header line split as pandas splits it (names stripped when `strip`), or None when it is unusual:
    not UTF-8, or a quote inside a name."""
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    names = next(csv.reader([line], delimiter=sep), [])
    if any('"' in name or "\r" in name for name in names):
        return None
    return [name.strip() for name in names] if strip else names

