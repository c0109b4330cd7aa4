"""Reading a delimited raw file inside DuckDB: the one read path of the CSV readers (issue 15).

`read_text` loads every record as text with DuckDB's CSV reader and its rejects table, then checks the readers'
rules and value patterns in SQL. Anything wrong stops the build with a Dutch RawFileError naming the file, the
line as a text editor counts it, the column and what to do: a record DuckDB cannot parse (too few or too many
fields, a byte that is not UTF-8, a stray quote), a line break inside a value, a record that breaks a rule or a
value that does not match its pattern. Values are stripped of spaces only (pystrip); other whitespace is part of the
value, so a number with a tab in it breaks its pattern and is named.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from etl.errors import RawFileError

# read_csv's null string, which no real field is: empty fields then read as '' without a coalesce on every scan.
NEVER = "\x01\x02\x03"

# DuckDB's reject types in Dutch, with what to do.
_REJECTS = {
    "MISSING COLUMNS": "te weinig velden op deze regel (verwacht {n}, gescheiden door '{sep}'); herstel de regel of "
                       "download het bestand opnieuw",
    "TOO MANY COLUMNS": "te veel velden op deze regel (verwacht {n}, gescheiden door '{sep}'); staat er een '{sep}' "
                        "in een waarde zonder aanhalingstekens? Herstel de regel of download het bestand opnieuw",
    "INVALID ENCODING": "het bestand is geen UTF-8: sla het op als UTF-8 (CSV UTF-8) of download het opnieuw",
    "INVALID UNICODE": "het bestand is geen UTF-8: sla het op als UTF-8 (CSV UTF-8) of download het opnieuw",
    "UNQUOTED VALUE": "een aanhalingsteken staat midden in een waarde of wordt niet gesloten; herstel de waarde "
                      "(een aanhalingsteken in een waarde wordt verdubbeld: \"\")",
    "LINE SIZE OVER MAXIMUM": "deze regel is te lang om te lezen; download het bestand opnieuw",
}


def quoted(name: str) -> str:
    """A column name as a SQL identifier (names come from a recognised header, quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


Rule = tuple[str, str, str]  # (SQL condition every record meets, the column it is about, Dutch message if not)


def read_text(con: duckdb.DuckDBPyConnection, path: Path, sep: str, header: list[str], table: str,
              rules: list[Rule] = (), patterns: dict[str, tuple[str, str]] | None = None) -> int:
    """Load the file's records as text: view `table` with `source_line` (header = line 1) and the header's names.

    Empty fields read as ''. `rules` are (condition, column, Dutch message): SQL conditions on the header's names
    (with pystrip() to strip spaces) that every record must meet. `patterns` maps a column to (regular expression
    in RE2 syntax that its value, spaces stripped, must match in full and that never matches the control character
    \\x01; what is expected, in Dutch). Returns the number of records; raises RawFileError at the first problem.
    """
    _check_header(path, header)
    columns = {f"c{i}": "varchar" for i in range(len(header))}
    rejects = f"{table}_rejects"
    con.execute(
        f"create or replace temp table {table}_raw as select * from read_csv(?, delim = ?, header = false, "  # noqa: S608
        "skip = 1, columns = ?, quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
        f"auto_detect = false, nullstr = ?, store_rejects = true, rejects_table = '{rejects}', "
        f"rejects_scan = '{rejects}_scan')", [str(path), sep, columns, NEVER])
    reject = con.execute(f"select line, column_name, error_type from {rejects} order by line, byte_position "  # noqa: S608
                         "limit 1").fetchall()
    if reject:
        line, name, error_type = reject[0]  # name: c<i>, or none when the record has too many fields
        column = header[int(name[1:])] if name else header[-1]
        message = _REJECTS.get(error_type, "deze regel kan niet worden gelezen; herstel hem of download het "
                                           "bestand opnieuw").format(n=len(header), sep=sep)
        raise RawFileError(path, message, int(line), column)
    con.execute("create or replace temp macro pystrip(x) as trim(x, ' ')")
    # rowid follows the file's order (insertion order is preserved); a record is one line (checked below).
    select = ", ".join(f"c{i} as {quoted(name)}" for i, name in enumerate(header))
    con.execute(f"create or replace temp view {table} as select rowid + 2 as source_line, {select} "  # noqa: S608
                f"from {table}_raw")
    count = con.execute(f"select count(*) from {table}").fetchall()[0][0]  # noqa: S608
    if count == 0:
        raise RawFileError(path, "het bestand heeft geen gegevensregels onder de kopregel; download het opnieuw", 2)
    if _line_count(path) != count + 1:
        _raise_line_break(con, path, header, table)
    _check_rules(con, path, table, list(rules), patterns or {})
    return count


def _check_header(path: Path, header: list[str]) -> None:
    """Every column has a name, and no name twice."""
    for index, name in enumerate(header):
        if name == "" or name == "source_line":
            raise RawFileError(path, f"kolom {index + 1} van de kopregel heeft geen (bruikbare) naam", 1)
        if name in header[:index]:
            raise RawFileError(path, "deze kolomnaam staat twee keer in de kopregel", 1, name)


def _line_count(path: Path) -> int:
    """Lines of the file as a text editor counts them (a last line without a line break counts)."""
    data = path.read_bytes()
    return data.count(b"\n") + (not data.endswith(b"\n"))


def _raise_line_break(con: duckdb.DuckDBPyConnection, path: Path, header: list[str], table: str) -> None:
    """Name the first value with a line break in it: its record starts on that line, as every earlier one is one."""
    condition = " or ".join(f"regexp_matches({quoted(name)}, '[\\r\\n]')" for name in header)
    found = con.execute(f"select source_line, [{', '.join(quoted(n) for n in header)}] from {table} "  # noqa: S608
                        f"where {condition} order by source_line limit 1").fetchall()
    if not found:  # blank lines between the records: DuckDB skips them, a user should remove them
        raise RawFileError(path, "het bestand heeft lege regels tussen de gegevens; verwijder die regels")
    line, values = found[0]
    column = next(name for name, value in zip(header, values, strict=True) if "\n" in value or "\r" in value)
    raise RawFileError(path, "een waarde bevat een regeleinde; haal het regeleinde uit de waarde", int(line), column)


def _check_rules(con: duckdb.DuckDBPyConnection, path: Path, table: str, rules: list[Rule],
                 patterns: dict[str, tuple[str, str]]) -> None:
    """Raise at the first record that breaks a rule or a pattern, naming the first such column on it."""
    checks = [(condition, column, message) for condition, column, message in rules]
    for column, (pattern, expected) in patterns.items():
        regex = f" *(?:{pattern}) *".replace("'", "''")
        checks.append((f"regexp_full_match({quoted(column)}, '{regex}')", column, f"verwacht {expected}"))
    if not checks:
        return
    # All patterns in one expression per record first (several times faster than one per value); exact because no
    # pattern matches \x01, so a value holding one adds a segment and fails.
    quick = [condition for condition, _, _ in rules]
    if patterns:
        joined = f"concat_ws(chr(1), {', '.join(quoted(column) for column in patterns)})"
        regex = r"\x01".join(f" *(?:{pattern}) *" for pattern, _ in patterns.values()).replace("'", "''")
        quick.append(f"regexp_full_match({joined}, '{regex}')")
    first = con.execute(f"select min(source_line) from {table} where not ({' and '.join(quick)})").fetchall()[0][0]  # noqa: S608
    if first is None:
        return
    conditions = ", ".join(f"coalesce({condition}, false)" for condition, _, _ in checks)
    results = con.execute(f"select [{conditions}] from {table} where source_line = ?", [first]).fetchall()[0][0]  # noqa: S608
    column, message = next(check[1:] for check, ok in zip(checks, results, strict=True) if not ok)
    described = con.execute(f"select {quoted(column)} from {table} where source_line = ?", [first]).fetchall()[0][0]  # noqa: S608
    raise RawFileError(path, f"{message} (gevonden: '{described}')", int(first), column)


def header_of(path: Path, sep: str, strip: bool = True) -> list[str] | None:
    """The header line split at `sep` (quotes as in CSV; names stripped when `strip`), or None when it is not UTF-8."""
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    names = next(csv.reader([line], delimiter=sep), [])
    return [name.strip() for name in names] if strip else names
