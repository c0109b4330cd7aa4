"""The refresh log beside the warehouse (written by `python -m etl refresh`) and the age of every source.

The log is a file of its own, not a table, so that a refresh whose build failed (and left the old warehouse in
place) can still be read: one JSON object per line, appended whole, oldest first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.inventory import PERIOD_COLUMNS

LOG_NAME = "refresh-log.jsonl"
OUTCOMES = ("ok", "partial", "failed")


def log_path(db_path: Path | str) -> Path:
    """The refresh log that belongs to a warehouse file: beside it, in the same folder."""
    return Path(db_path).parent / LOG_NAME


def read_log(db_path: Path | str) -> list[dict]:
    """Every complete record of the refresh log, oldest first; [] when there is none.

    A line cut off by a crash mid-append (no newline, or no valid JSON object) is skipped, not fatal.
    """
    path = log_path(db_path)
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True):
        if not line.endswith("\n"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("outcome") in OUTCOMES:
            records.append(record)
    return records


def last_refresh(db_path: Path | str) -> dict | None:
    """The newest complete refresh record, or None when no refresh has run beside this warehouse."""
    records = read_log(db_path)
    return records[-1] if records else None


def _period_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(table, period column) of every table of a source's own rows that carry a source_id and a period."""
    columns: dict[str, set[str]] = {}
    for table, column in con.execute("select table_name, column_name from information_schema.columns "
                                     "where table_schema = 'main'").fetchall():
        columns.setdefault(table, set()).add(column)
    found = []
    for table, names in sorted(columns.items()):
        period = next((c for c in PERIOD_COLUMNS if c in names), None)
        # The sources' own rows only: the mismatch tables derived from them (by calendar year) would list their
        # periods twice, and "2019" would sort after "2018-2019" as a source's latest period.
        if "source_id" in names and period and table not in ("source", "raw_file") and not table.startswith(
                "mismatch_"):
            found.append((table, period))
    return found


def periods_by_source(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every period each source has rows for, by source id."""
    periods: dict[str, set[str]] = {}
    for table, column in _period_tables(con):
        # Table and column names come from the schema (information_schema), never from user input.
        rows = con.execute(f"select distinct source_id, {column} from {table} "  # noqa: S608
                           f"where source_id is not null and {column} is not null").fetchall()
        for source_id, period in rows:
            periods.setdefault(source_id, set()).add(str(period))
    return periods


@dataclass(frozen=True)
class SourceAge:
    """How fresh one source of the warehouse is: when its newest raw file was retrieved, and its latest period."""

    source_id: str
    publisher: str
    title: str
    is_demo: bool
    retrieved_at: str | None  # ISO 8601 UTC of the newest manifest; None for demo or hand-added files only
    latest_period: str | None
    files: int


def source_ages(con: duckdb.DuckDBPyConnection) -> list[SourceAge]:
    """Every source of the warehouse with the newest retrieval time of its raw files and its latest period."""
    latest = {source_id: max(periods) for source_id, periods in periods_by_source(con).items() if periods}
    rows = con.execute(
        "select s.source_id, s.publisher, s.title, s.is_demo, max(r.retrieved_at), count(r.path) "
        "from source s left join raw_file r using (source_id) "
        "group by all order by s.publisher, s.title, s.source_id"
    ).fetchall()
    return [SourceAge(source_id, publisher, title, bool(demo), retrieved, latest.get(source_id), files)
            for source_id, publisher, title, demo, retrieved, files in rows]
