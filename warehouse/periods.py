"""Which periods the warehouse holds."""

from __future__ import annotations

from datetime import date

import duckdb


def start_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every start year of any period in the warehouse, ascending (a school year 2023-2024 starts in 2023)."""
    return [row[0] for row in con.execute("select distinct start_year from period order by 1").fetchall()]


def ended_by(con: duckdb.DuckDBPyConnection, day: date) -> set[str]:
    """Every period in the warehouse that has ended on or before `day` (a school year 2025-2026 on 31 July 2026)."""
    return {row[0] for row in con.execute("select period_id from period where end_date <= ?", [day]).fetchall()}
