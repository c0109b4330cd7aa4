"""A new plan of action may not change what a locked quarter was judged against.

A lock (docs/access.md) freezes the figures the steering group met on. A monthly report is tied to one month, so a
lock refuses it by its month. A plan of action is not tied to a month, but its targets and milestone deadlines are:
a new plan that moved a target of a locked quarter, or the deadline of a milestone due in one, would change that
quarter's statuses afterwards. Such a plan is refused, naming what it changes and the lock; everything else in a
plan (later targets, descriptions, new subprojects) may still change.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.workbooks.store import day_of, quarter_of

SHOWN = 5  # changes named in the message; the count says how many there are


def _touches(period: str, locked: dict[str, dict]) -> list[str]:
    """The locked quarters a target period ('YYYY', 'YYYY-Qn', 'YYYY-MM') lies in or contains."""
    if len(period) == 4:
        return [q for q in locked if q.startswith(f"{period}-")]
    quarter = period if "-Q" in period else quarter_of(period)
    return [quarter] if quarter in locked else []


def _targets(frame: pd.DataFrame) -> dict[tuple[str, str, str], float | None]:
    return {(r.subproject_code, r.kpi_code, r.target_period): None if pd.isna(r.target_value)
            else round(float(r.target_value), 6) for r in frame.itertuples(index=False)}


def _deadlines(frame: pd.DataFrame) -> dict[tuple[str, str], str | None]:
    return {(r.subproject_code, r.milestone_code):
            None if pd.isna(r.due_date) else f"{pd.Timestamp(r.due_date):%Y-%m-%d}"
            for r in frame.itertuples(index=False)}


def _shown(value: object) -> str:
    return "geen" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def locked_plan_changes(con: duckdb.DuckDBPyConnection | None, rows: dict[str, pd.DataFrame],
                        locked: dict[str, dict]) -> str | None:
    """Why the plan in `rows` may not replace the warehouse's plan under these locks (Dutch), or None if it may."""
    if not locked or con is None or not con.execute(
            "select count(*) from information_schema.tables where table_name = 'kpi_target'").fetchone()[0]:
        return None
    changes: list[tuple[str, str]] = []  # (quarter, what changes)
    old = _targets(con.execute("select subproject_code, kpi_code, target_period, target_value from kpi_target").df())
    new = _targets(rows["kpi_target"])
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            subproject, kpi, period = key
            for quarter in _touches(period, locked):
                changes.append((quarter, f"doel {kpi} van {subproject} voor {period}: {_shown(old.get(key))} → "
                                         f"{_shown(new.get(key))}"))
    old_due = _deadlines(con.execute("select subproject_code, milestone_code, due_date from milestone").df())
    new_due = _deadlines(rows["milestone"])
    for key in sorted(set(old_due) | set(new_due)):
        before, after = old_due.get(key), new_due.get(key)
        if before != after:
            quarters = {quarter_of(d[:7]) for d in (before, after) if d} & set(locked)
            for quarter in sorted(quarters):
                changes.append((quarter, f"deadline van mijlpaal {key[1]} van {key[0]}: {_shown(before)} → "
                                         f"{_shown(after)}"))
    if not changes:
        return None
    quarters = sorted({q for q, _ in changes})
    held = "; ".join(f"{q} door {locked[q]['by']} op {day_of(locked[q]['at'])} (\"{locked[q]['reason']}\")"
                     for q in quarters)
    listed = "; ".join(what for _, what in changes[:SHOWN]) + (
        f"; en nog {len(changes) - SHOWN} wijziging(en)" if len(changes) > SHOWN else "")
    return (f"Dit plan van aanpak verandert waar een vergrendeld kwartaal aan werd getoetst: {listed}. Vergrendeld: "
            f"{held}. Laat die doelen en deadlines in het plan zoals ze waren, of vraag een beheerder het kwartaal te "
            f"ontgrendelen (pagina Upload, of 'python -m etl unlock {quarters[0]} --reason …').")
