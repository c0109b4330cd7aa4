"""The plan's effect estimates as the warehouse keeps them (table effect_estimate), so the progress report reads
them instead of estimating (importing scipy and statsmodels and estimating take two seconds).

A task is (outcome indicator, treated municipality, first school year). Its answer is what `answer` gives: the
estimate of warehouse.effects.subproject.estimate (`result`, `error`) or the panel's Dutch error (`panel_error`).
The build and every commit store the answers of the plan's tasks (etl/effects.py); a stored answer counts only
when made by this same code and these same libraries (`version`), and the public figures it rests on are those of
the same warehouse file (a commit changes the programme tables only).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path

import duckdb

from warehouse.effects.subproject import DEFAULT_K

Task = tuple[str, str, int]  # indicator id, treated municipality code, first school year (start year)

WAREHOUSE = Path(__file__).resolve().parent.parent
# The code an estimate depends on: the estimators, and how the panel's indicator is defined and measured.
SOURCES = ("effects/*.py", "measures/*.py", "indicator.py", "catalog.py")
LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "duckdb")


@cache
def version() -> str:
    """A hash of the estimators' code and of the numerical libraries' versions: what a stored answer must match."""
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(WAREHOUSE.glob(pattern)):
            digest.update(path.relative_to(WAREHOUSE).as_posix().encode())
            digest.update(path.read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def planned(con: duckdb.DuckDBPyConnection, projects: list) -> list[tuple[object, str, int]]:
    """(subproject, outcome indicator, first school year) of every effect estimated for these subprojects (rows of
    warehouse.programme.subprojects), in order: those with a start date in a municipality, per linked outcome."""
    import pandas as pd

    from warehouse import programme
    from warehouse.catalog import CATALOGUE
    from warehouse.effects.subproject import first_school_year, outcomes

    found = []
    for project in projects:
        if pd.isna(project.start_date) or not str(project.municipality_code or "").startswith("GM"):
            continue
        start = first_school_year(pd.Timestamp(project.start_date).date())
        for indicator_id in outcomes(programme.outcome_indicators(con, project.subproject_code)):
            if indicator_id in CATALOGUE:
                found.append((project, indicator_id, start))
    return found


def tasks_of(found: list[tuple[object, str, int]]) -> list[Task]:
    """The tasks of `planned`'s rows."""
    return [(indicator_id, project.municipality_code, start) for project, indicator_id, start in found]


def answer(con: duckdb.DuckDBPyConnection, tasks: list[Task]) -> list[dict]:
    """Per task, estimated now: {"result": …, "error": …} (subproject.estimate) or {"panel_error": …}; each
    indicator's panel is loaded once."""
    from warehouse.effects import subproject
    from warehouse.effects.panel import PanelError, load_indicator_panel

    panels: dict[str, object] = {}
    answers = []
    for indicator_id, unit, start in tasks:
        if indicator_id not in panels:
            try:
                panels[indicator_id] = load_indicator_panel(con, indicator_id)
            except PanelError as exc:
                panels[indicator_id] = exc
        panel = panels[indicator_id]
        if isinstance(panel, Exception):
            answers.append({"panel_error": str(panel)})
            continue
        result, _, error = subproject.estimate(con, indicator_id, unit, int(start), DEFAULT_K, panel=panel)
        answers.append({"result": result, "error": error})
    return answers


def stored(con: duckdb.DuckDBPyConnection, tasks: list[Task]) -> list[dict | None]:
    """Per task its stored answer, or None when the warehouse holds none made by this code (estimate it then)."""
    try:
        rows = con.execute("select indicator_id, municipality_code, start_year, answer from effect_estimate "
                           "where k = ? and estimator_version = ?", [DEFAULT_K, version()]).fetchall()
    except duckdb.CatalogException:  # a warehouse built before the table existed
        rows = []
    kept = {(indicator_id, unit, start): text for indicator_id, unit, start, text in rows}
    return [json.loads(kept[task]) if task in kept else None for task in ((i, u, int(s)) for i, u, s in tasks)]
