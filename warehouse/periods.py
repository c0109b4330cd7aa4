"""Which periods the warehouse holds."""

from __future__ import annotations

import duckdb


def start_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every start year of any period in the warehouse, ascending (a school year 2023-2024 starts in 2023)."""
    return [row[0] for row in con.execute("select distinct start_year from period order by 1").fetchall()]
