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
# What _plain() looks for: the ASCII characters of _OTHER_SPACE, and the UTF-8 lead bytes of its others (NEL and
# NBSP start with C2, the rest with E1, E2 or E3). Single bytes, so each test is one fast memchr over the file.
_SCREENED_BYTES = (b"\t", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f", b"\xc2", b"\xe1", b"\xe2", b"\xe3")


# read_csv's null string, which no real field is: empty fields then read as '' without a coalesce on every scan.
# A field that is exactly this reads as null, and a file with a null goes the pandas way.
NEVER = "\x01\x02\x03"


def quoted(name: str) -> str:
    """A column name as a SQL identifier (names come from a recognised header, quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def read_text(con: duckdb.DuckDBPyConnection, path: Path, sep: str, header: list[str], table: str,
              rules: list[str], patterns: dict[str, str] | None = None) -> int | None:
    """Load the file's records as text: view `table` with `source_line` (header = line 1) and the header's names.

    Empty fields read as '' (as pandas' keep_default_na=False). `rules` are SQL conditions (on the header's
    names, with pystrip() for str.strip()) that every record must meet; `patterns` maps a column to a regular
    expression (RE2, ASCII) its stripped value must match in full, and must never match the control character
    \x01. Returns the number of records, or None
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
            "auto_detect = false, nullstr = ?)", [str(path), sep, columns, NEVER])
    except duckdb.Error:
        return None
    con.execute("create or replace temp macro pystrip(x) as trim(x, ' ')")  # str.strip() here, see above
    # rowid follows the file's order (insertion order is preserved), so it gives the same line as pandas' index.
    select = ", ".join(f"c{i} as {quoted(name)}" for i, name in enumerate(header))
    con.execute(f"create or replace temp view {table} as select rowid + 2 as source_line, {select} "  # noqa: S608
                f"from {table}_raw")
    data = path.read_bytes()
    breaks = " and ".join([*rules, *_pattern_rule(patterns or {})]) or "true"
    # Values are searched for quotes only when the file has one at all (a quoted field, a quote in a value).
    quotes = " or ".join(f"contains({quoted(name)}, '\"')" for name in header) if b'"' in data else "false"
    nulls = " or ".join(f"{quoted(name)} is null" for name in header)
    count, breaks_rule, has_quote, has_null = con.execute(
        f"select count(*), coalesce(bool_or(not ({breaks})), false), coalesce(bool_or({quotes}), false), "  # noqa: S608
        f"coalesce(bool_or({nulls}), false) from {table}").fetchall()[0]
    if count == 0 or breaks_rule or has_null:
        return None
    if not _plain(data, count):  # something unusual somewhere: look at every value's edges
        joined = f"concat_ws(chr(0), {', '.join(quoted(name) for name in header)})"
        if con.execute(f"select coalesce(bool_or(regexp_matches({joined}, '{_ODD}')), false) "  # noqa: S608
                       f"from {table}").fetchall()[0][0]:
            return None
    if has_quote and _stray_quote(data, sep):  # a quote inside a value: was it written the standard way?
        return None
    return count


def _pattern_rule(patterns: dict[str, str]) -> list[str]:
    """One SQL condition for all patterns: the values joined by \x01 against the patterns joined the same way.

    One regular expression per record instead of one per value is several times faster. It is exact because
    no pattern matches \x01: a value containing one adds a segment, so the record fails and the file goes the
    pandas way.
    """
    if not patterns:
        return []
    joined = f"concat_ws(chr(1), {', '.join(quoted(column) for column in patterns)})"
    regex = r"\x01".join(f" *(?:{pattern}) *" for pattern in patterns.values()).replace("'", "''")
    return [f"regexp_full_match({joined}, '{regex}')"]


def _plain(data: bytes, records: int) -> bool:
    """A cheap screen of the whole file: no value can hold a line break or other whitespace than spaces.

    True when the file has none of the single-byte whitespace characters, none of the UTF-8 lead bytes of the
    multi-byte ones, no carriage return outside CRLF, and one line per record (so no quoted line break).
    Conservative: False only means the values must be looked at one by one.
    """
    if any(byte in data for byte in _SCREENED_BYTES):
        return False
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    return data.count(b"\r") == data.count(b"\r\n") and lines == records + 1


def _stray_quote(data: bytes, sep: str) -> bool:
    """A quote that neither opens nor closes a field nor is doubled (`ab"cd`): parsers may read that differently.

    Quotes in values written the standard way (`"VMBO ""De Jutter"" Vlieland"`) read the same in pandas and DuckDB.
    """
    other = re.escape(sep.encode())
    text = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark is not a value
    return re.search(rb'[^' + other + rb'\r\n"]"[^' + other + rb'\r\n"]', text) is not None


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

