"""What the warehouse holds: tables with their grain and row counts, sources, raw files, build facts."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.schema import table_grains

# Every period column of the schema, in order of preference when a table has several (docs/data-model.md).
PERIOD_COLUMNS = ("school_year", "academic_year", "calendar_year", "quarter", "month", "period", "year", "period_id")


@dataclass(frozen=True)
class TableSummary:
    """One warehouse table as the inventory page shows it."""

    name: str
    grain: str
    rows: int
    sources: str
    period_from: str | None
    period_to: str | None
    is_demo: bool | None  # None for reference tables that no source feeds


def build_facts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The build_info key/value pairs."""
    return dict(con.execute("select key, value from build_info order by key").fetchall())


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when any raw file of this build was demo data."""
    return build_facts(con).get("is_demo") == "true"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
        [table],
    ).fetchall()]


def table_inventory(con: duckdb.DuckDBPyConnection) -> list[TableSummary]:
    """Every documented table with row count; for fact tables also sources, period range and demo flag."""
    grains = table_grains(dutch=True)
    present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    summaries = []
    for name, grain in grains.items():
        if name not in present:
            continue
        # Table and column names come from the schema file and the catalog, never from user input.
        rows = con.execute(f"select count(*) from {name}").fetchone()[0]  # noqa: S608
        columns = _columns(con, name)
        period = next((c for c in PERIOD_COLUMNS if c in columns), None)
        sources, period_from, period_to, demo = "", None, None, None
        if "source_id" in columns and period and name.startswith("fact_"):
            sources, period_from, period_to, demo = con.execute(
                f"select string_agg(distinct s.publisher || ', ' || s.title, '; '), min(t.{period}), "  # noqa: S608
                f"max(t.{period}), bool_or(s.is_demo) from {name} t join source s using (source_id)"
            ).fetchone()
        summaries.append(TableSummary(name, grain, rows, sources or "", period_from, period_to, demo))
    return summaries


def sources(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Each source with its raw files: url, licence, retrieved at, demo flag, rows, note (e.g. periods replaced)."""
    rows = con.execute(
        "select s.source_id, s.publisher, s.title, s.url, s.licence, s.is_demo, r.path, r.retrieved_at, "
        "r.data_rows, r.sha256, r.note from source s join raw_file r using (source_id) order by s.source_id, r.path"
    ).fetchall()
    keys = ("source_id", "publisher", "title", "url", "licence", "is_demo", "path", "retrieved_at", "data_rows",
            "sha256", "note")
    return [dict(zip(keys, row, strict=True)) for row in rows]
