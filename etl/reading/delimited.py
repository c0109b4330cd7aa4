"""Reading a delimited raw file inside DuckDB: the one read path of the CSV readers (issue 15).

`read_text` loads every record as text with DuckDB's CSV reader and its rejects table, then checks the readers'
rules and value patterns in SQL. Anything wrong stops the build with a Dutch RawFileError naming the file, the
line as a text editor counts it, the column and what to do: a record DuckDB cannot parse (too few or too many
fields, a byte that is not UTF-8, a stray quote), a line break inside a value, a blank line between records, a
value equal to the null string, a record that breaks a rule or a value that does not match its pattern. Values are
stripped of spaces only (pystrip); other whitespace is part of the value, so a number with a tab in it breaks its
pattern and is named. Only an error path reads the file again in Python (the csv module), to turn DuckDB's record
count into the editor's line where a value with a line break or a blank line came before.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb

from etl import rawtext
from etl.errors import RawFileError

# read_csv's null string, which no real field is: empty fields then read as '' without a coalesce on every scan.
NEVER = "\x01\x02\x03"

# DuckDB's reject types in Dutch, with what to do ({seen}: the record's fields; a record that is not UTF-8 is named
# by rawtext.not_utf8, which shows the byte).
_REJECTS = {
    "MISSING COLUMNS": "de regel heeft {seen} velden, de kopregel {n} (gescheiden door '{sep}'); is de regel of het "
                       "bestand afgebroken? Herstel de regel of download het bestand opnieuw",
    "TOO MANY COLUMNS": "de regel heeft {seen} velden, de kopregel {n}; staat er een '{sep}' in een waarde zonder "
                        "aanhalingstekens? Zet die waarde tussen aanhalingstekens of download het bestand opnieuw",
    "UNQUOTED VALUE": "een aanhalingsteken staat midden in een waarde of wordt niet gesloten; herstel de waarde "
                      "(een aanhalingsteken in een waarde wordt verdubbeld: \"\")",
    "LINE SIZE OVER MAXIMUM": "deze regel is te lang om te lezen; download het bestand opnieuw",
}
_NOT_UTF8 = ("INVALID ENCODING", "INVALID UNICODE")
# Python's str.strip(' '), for the rules, lookups and staging SQL. The guard skips trim() for the values with
# no space at either end (nearly all): trim with an explicit character set is about ten times slower than
# the two LIKE tests.
PYSTRIP = "create or replace temp macro pystrip(x) as case when x like ' %' or x like '% ' then trim(x, ' ') else x end"


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
    # DuckDB appends to an existing rejects table: a second read on this connection must not see the first's.
    con.execute(f"drop table if exists {rejects}; drop table if exists {rejects}_scan")
    try:
        con.execute(
            f"create or replace temp table {table}_raw as select * from read_csv(?, delim = ?, header = false, "  # noqa: S608
            "skip = 1, columns = ?, quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"auto_detect = false, nullstr = ?, store_rejects = true, rejects_table = '{rejects}', "
            f"rejects_scan = '{rejects}_scan')", [str(path), sep, columns, NEVER])
    except duckdb.InvalidInputException as exc:  # line ends DuckDB refuses without saying where
        raise _odd_line_end(path, sep, header) or exc from exc
    reject = con.execute(f"select line, column_name, error_type, csv_line from {rejects} "  # noqa: S608
                         "order by line, byte_position limit 1").fetchall()
    if reject:
        line, name, error_type, text = reject[0]  # name: c<i>, or none when the record has too many fields
        if error_type in _NOT_UTF8:
            raise rawtext.not_utf8(path, sep)
        column = header[int(name[1:])] if name else header[-1]
        record = (text or "").strip("\r\n")  # DuckDB's text of the record, after any blank line before it
        seen = len(next(csv.reader(io.StringIO(record, newline=""), delimiter=sep), []))
        message = _REJECTS.get(error_type, "deze regel kan niet worden gelezen; herstel hem of download het "
                                           "bestand opnieuw").format(n=len(header), sep=sep, seen=seen)
        line = _physical_line(path, sep, int(line))
        _check_lines(path, sep, header, before=line)  # a problem on an earlier line comes first
        raise RawFileError(path, message, line, column)
    con.execute(PYSTRIP)
    # rowid follows the file's order (insertion order is preserved); a record is one line (checked below).
    select = ", ".join(f"c{i} as {quoted(name)}" for i, name in enumerate(header))
    con.execute(f"create or replace temp view {table} as select rowid + 2 as source_line, {select} "  # noqa: S608
                f"from {table}_raw")
    # A field equal to the null string reads as null: no real file has one, but it must not pass unnoticed.
    nulls = " or ".join(f"c{i} is null" for i in range(len(header)))
    count, null_row = con.execute(f"select count(*), min(rowid) filter (where {nulls}) from {table}_raw").fetchall()[0]  # noqa: S608
    if count == 0:
        raise RawFileError(path, "het bestand heeft geen gegevensregels onder de kopregel; download het opnieuw", 2)
    if _line_count(path) != count + 1:
        _check_lines(path, sep, header)
    if null_row is not None:  # every record is one line (checked above): rowid + 2 is its line
        values = con.execute(f"select [{', '.join(f'c{i}' for i in range(len(header)))}] from {table}_raw "  # noqa: S608
                             "where rowid = ?", [null_row]).fetchall()[0][0]
        raise RawFileError(path, "een waarde bestaat uit stuurtekens (\\x01\\x02\\x03); herstel de waarde",
                           int(null_row) + 2, header[values.index(None)])
    check_rules(con, path, table, rules, patterns or {})
    return count


def _odd_line_end(path: Path, sep: str, header: list[str]) -> RawFileError | None:
    """The located message for a CR inside an unquoted value or LF and CR LF mixed, which DuckDB's CSV reader
    refuses without a position; None when the file has neither."""
    data = path.read_bytes()
    first = data.find(b"\n")
    odd = re.search(rb"\r(?!\n)|(?<!\r)\n" if first > 0 and data[first - 1] == ord("\r") else rb"\r", data)
    if odd is None:
        return None
    start = data.rfind(b"\n", 0, odd.start()) + 1
    field = sum(part.count(sep.encode()) for part in data[start:odd.start()].split(b'"')[::2])  # outside quotes
    return RawFileError(path, "hier staat een regeleinde (CR of LF) dat niet past bij dat van de kopregel: een CR "
                              "midden in een waarde of gemengde regeleinden; haal de CR weg of sla het bestand op met "
                              "één soort regeleinde", data.count(b"\n", 0, odd.start()) + 1,
                        header[min(field, len(header) - 1)])


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


def _records(path: Path, sep: str) -> Iterator[tuple[int, list[str]]]:
    """(line it starts on, fields) of every record after the header, a blank line as no fields (the csv module
    splits as read_csv does; undecodable bytes are replaced, so only an error path reads with it)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=sep, quotechar='"', doublequote=True, strict=False)
        next(reader, None)
        end = reader.line_num
        for fields in reader:
            yield end + 1, fields
            end = reader.line_num


def _physical_line(path: Path, sep: str, line: int) -> int:
    """The line a record starts on, from DuckDB's count of its records and blank lines (header = 1): the two differ
    after a value with a line break in it."""
    for number, (start, _) in enumerate(_records(path, sep), start=2):
        if number == line:
            return start
    return line


def _check_lines(path: Path, sep: str, header: list[str], before: int | None = None) -> None:
    """A file with more lines than records: name its first value with a line break, or its first blank line that
    records follow (DuckDB skips it, so the lines after it would be named wrong); blank lines at the end are read.
    With `before` (the line of a record DuckDB refused), only what comes before that record is looked at."""
    blank = None
    for start, fields in _records(path, sep):
        if before is not None and start >= before:
            break
        if not fields:
            blank = blank or start
            continue
        if blank is not None:
            break
        for index, value in enumerate(fields):
            if "\n" in value or "\r" in value:
                column = header[index] if index < len(header) else header[-1]
                raise RawFileError(path, "een waarde bevat een regeleinde; haal het regeleinde uit de waarde", start,
                                   column)
    else:
        return  # no record after the blank lines, if any
    if blank is not None:
        raise RawFileError(path, "een lege regel tussen de gegevens; verwijder die regel", blank)


def check_rules(con: duckdb.DuckDBPyConnection, path: Path, table: str, rules: list[Rule],
                 patterns: dict[str, tuple[str, str]]) -> None:
    """Raise at the first record that breaks a rule or a pattern, naming the first such column on it."""
    checks = list(rules)
    for column, (pattern, expected) in patterns.items():
        regex = f" *(?:{pattern}) *".replace("'", "''")
        checks.append((f"regexp_full_match({quoted(column)}, '{regex}')", column, f"verwacht {expected}"))
    if not checks:
        return
    # All patterns in one expression per record first (several times faster than one per value); exact because no
    # pattern matches \x01, so a value holding one adds a segment and fails.
    quick = [f"coalesce(({condition}), false)" for condition, _, _ in rules]
    if patterns:
        joined = f"concat_ws(chr(1), {', '.join(quoted(column) for column in patterns)})"
        regex = r"\x01".join(f" *(?:{pattern}) *" for pattern, _ in patterns.values()).replace("'", "''")
        quick.append(f"regexp_full_match({joined}, '{regex}')")
    first = con.execute(f"select min(source_line) from {table} where not ({' and '.join(quick)})").fetchall()[0][0]  # noqa: S608
    if first is None:
        return
    conditions = ", ".join(f"coalesce(({condition}), false)" for condition, _, _ in checks)
    results = con.execute(f"select [{conditions}] from {table} where source_line = ?", [first]).fetchall()[0][0]  # noqa: S608
    column, message = next(check[1:] for check, ok in zip(checks, results, strict=True) if not ok)
    described = con.execute(f"select {quoted(column)} from {table} where source_line = ?", [first]).fetchall()[0][0]  # noqa: S608
    raise RawFileError(path, f"{message} (gevonden: '{described}')", int(first), column)


def read_lines(con: duckdb.DuckDBPyConnection, path: Path, header: list[str], table: str) -> int:
    """View `table` of an unquoted `;`-separated file (the DUO old layouts): `source_line` and the header's names.

    Lines are split on LF (a CR before it dropped) and fields on ';'; stray lines (empty or `""`) are skipped while
    every other line keeps its number. Returns the number of records; RawFileError for a byte that is not UTF-8, a
    record with another number of fields than the header, or no records at all.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise rawtext.not_utf8(path, ";") from None
    # Line i of the text is element i of the split.
    con.execute(f"""
        create or replace temp table {table}_lines as
        select i::integer as source_line, string_split(line, ';') as fields
        from (select generate_subscripts(l, 1) as i, rtrim(unnest(l), chr(13)) as line
              from (select string_split(?, chr(10)) as l))
        where i > 1 and line not in ('', '""')
    """, [text])  # noqa: S608 (the table name comes from the build)
    odd = f"filter (len(fields) <> {len(header)})"
    records, line, count = con.execute(f"select count(*), min(source_line) {odd}, "  # noqa: S608
                                       f"arg_min(len(fields), source_line) {odd} from {table}_lines").fetchall()[0]
    if line is not None:
        raise RawFileError(path, f"de regel heeft {count} velden, de kopregel {len(header)}; is de regel afgebroken "
                                 "of staat er een ';' in een waarde? Download het bestand opnieuw.",
                           line, header[min(count, len(header) - 1)])
    if records == 0:
        raise RawFileError(path, "het bestand bevat geen gegevensregels; download het opnieuw", 2)
    con.execute(PYSTRIP)
    columns = ", ".join(f"fields[{i}] as {quoted(name)}" for i, name in enumerate(header, start=1))
    con.execute(f"create or replace temp view {table} as select source_line, {columns} from {table}_lines")  # noqa: S608
    return records


def header_of(path: Path, sep: str, strip: bool = True) -> list[str]:
    """The header line split at `sep` (quotes as in CSV; names stripped when `strip`); rawtext.not_utf8's error
    when it is not UTF-8."""
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        line = first.decode("utf-8-sig").split("\r", 1)[0].rstrip("\n")  # also a file with old Mac line ends
    except UnicodeDecodeError:
        raise rawtext.not_utf8(path, sep) from None
    names = next(csv.reader([line], delimiter=sep), [])
    return [name.strip() for name in names] if strip else names


def temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: Iterable[tuple]) -> None:
    """Temp table `name` from Python rows in one statement: `columns` maps column name → DuckDB type, in the rows'
    order.

    The rows go in as one list per column: DuckDB takes a list parameter in one go. Names and types come from the
    caller's code, the values are bound.
    """
    rows = list(rows)
    values = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in columns]
    select = ", ".join(f"unnest(?::{kind}[]) as {column}" for column, kind in columns.items())
    con.execute(f"create or replace temp table {name} as select {select}", values)
