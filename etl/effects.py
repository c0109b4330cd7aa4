"""Storing the plan's effect estimates in the warehouse being written (table effect_estimate), so the progress report
reads them instead of estimating: at the build and at every commit (etl/workbooks/recovery.py)."""

from __future__ import annotations

import json

import duckdb


def store_estimates(con: duckdb.DuckDBPyConnection) -> int:
    """Keep the stored answers of the plan's tasks made by this code, estimate the missing ones, drop the rest;
    the number estimated now (a warehouse built before the table existed gets it at its next build: none).

    Without a plan nothing is imported (a build without uploads loads no pandas)."""
    if not con.execute("select count(*) from information_schema.tables where table_name = 'effect_estimate'"
                       ).fetchone()[0]:
        return 0
    if not con.execute("select count(*) from subproject").fetchone()[0]:
        con.execute("delete from effect_estimate")
        return 0
    from warehouse import programme  # pandas, and the estimators when something is missing: only with a plan
    from warehouse.effects import stored
    from warehouse.effects.subproject import DEFAULT_K

    subprojects = list(programme.subprojects(con).itertuples(index=False))
    tasks = list(dict.fromkeys(stored.tasks_of(stored.planned(con, subprojects))))
    have = stored.stored(con, tasks)
    missing = [task for task, answer in zip(tasks, have, strict=True) if answer is None]
    answers = stored.answer(con, missing) if missing else []
    version = stored.version()
    keep = [(task, answer) for task, answer in zip(tasks, have, strict=True) if answer is not None]
    con.execute("delete from effect_estimate")
    rows = [(*task, DEFAULT_K, version, json.dumps(answer)) for task, answer in
            [*keep, *zip(missing, answers, strict=True)]]
    if rows:
        con.executemany("insert into effect_estimate (indicator_id, municipality_code, start_year, k, "
                        "estimator_version, answer) values (?, ?, ?, ?, ?, ?)", rows)
    return len(missing)
