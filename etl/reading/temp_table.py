"""Temp tables that the readers build from Python values (names, codes, programmes, records)."""

from __future__ import annotations

import duckdb


def temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, tuple[str, list]]) -> None:
    """Temp table `name` from Python lists in one statement: column name → (DuckDB type, values).

    One list per column, not one row per value: DuckDB takes a list parameter in one go. Names and types come
    from the caller's code, the values are bound.
    """
    select = ", ".join(f"unnest(?::{kind}[]) as {column}" for column, (kind, _) in columns.items())
    con.execute(f"create or replace temp table {name} as select {select}",
                [list(values) for _, values in columns.values()])
