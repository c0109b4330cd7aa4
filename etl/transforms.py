"""The build's transforms as SQL files: a staging SELECT per source, a mart SELECT per fact table.

A reader (etl/sources/) reads a raw file into text relations and resolves what needs the reference data (place
names, programmes), raising located Dutch errors; the transform itself is SQL in etl/sql/:

- lookups/<source>.sql: the distinct names and programmes the reader resolves in Python (`lookup`), each with the
  first line it is on, found the way the staging SQL meets them.
- staging/<source>.sql: one SELECT over the reader's relations that types, renames and turns suppression into
  bounds, with the fact table's columns; `stage` makes it temp view `staged` on the reader's connection.
- marts/<table>.sql: one SELECT per table: for a fact table over `staged`, keeping the periods the build takes
  from the file, in the table's grain order (the build appends it at the file's turn); for a derived table (the
  mismatch tables, the calendar-year periods) over the loaded facts.

Values from Python (the file's path, the dataset id, the periods) reach the SQL as DuckDB variables, read with
getvariable('name'): a view cannot hold bound parameters, and values are never formatted into SQL text.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"
STAGED = "staged"  # the staging view's name on a reader's connection; the marts read it
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ORDER_BY = re.compile(r"\border by\s+([\w\s,]+?)\s*$", re.IGNORECASE)


@functools.cache
def sql(layer: str, name: str) -> str:
    """The text of etl/sql/<layer>/<name>.sql (read once per process)."""
    return (SQL_DIR / layer / f"{name}.sql").read_text(encoding="utf-8")


def set_variables(con: duckdb.DuckDBPyConnection, **values: object) -> None:
    """Set DuckDB variables on `con` (per connection) for the SQL files to read with getvariable()."""
    for name, value in values.items():
        if not _NAME.match(name):  # the name is SQL text; only code passes names
            raise ValueError(name)
        con.execute(f"set variable {name} = ?", [value])


def stage(con: duckdb.DuckDBPyConnection, source: str, **values: object) -> None:
    """Temp view `staged` on `con`: etl/sql/staging/<source>.sql over the reader's relations, with `values` set as
    variables first."""
    set_variables(con, **values)
    con.execute(f"create or replace temp view {STAGED} as {sql('staging', source)}")


def lookup(con: duckdb.DuckDBPyConnection, source: str, **values: object) -> duckdb.DuckDBPyConnection:
    """Run etl/sql/lookups/<source>.sql on `con` (with `values` set as variables first) and return it to fetch
    from: the distinct names, codes or programmes a reader resolves in Python, each with the first line it is on."""
    set_variables(con, **values)
    return con.execute(sql("lookups", source))


def mart(name: str) -> str:
    """The SELECT of etl/sql/marts/<name>.sql: a file's rows of fact table `name` from `staged` (the periods in
    variable `periods`, null: all) in grain order, or a derived table's rows from the loaded facts."""
    return sql("marts", name)


def grain(fact_table: str) -> tuple[str, ...]:
    """The columns a fact table's mart orders by: its grain."""
    text = "\n".join(line.split("--")[0] for line in mart(fact_table).splitlines()).strip()
    match = _ORDER_BY.search(text)
    if match is None:
        raise ValueError(f"marts/{fact_table}.sql has no final 'order by'")
    return tuple(column.strip() for column in match.group(1).split(","))
