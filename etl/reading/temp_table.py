"""Temp tables that the readers build from Python values (names, codes, programmes, blocks)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb


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
