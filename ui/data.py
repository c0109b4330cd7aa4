"""Cached access to the warehouse for pages: one read-only connection per warehouse file version.

A build, commit or withdrawal replaces the warehouse file. The next call after that opens the new file for every
session (ui.live makes open sessions rerun within seconds), clears the cached results of the old one, and closes
the old connection once the queries that may still run on it have had time to end.
"""

from __future__ import annotations

import atexit
import os
import threading
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from ui import format as fmt
from warehouse import breakdowns, explore, flows, geometry, inventory, programme, refreshes
from warehouse.catalog import CATALOGUE
from warehouse.connection import connect
from warehouse.connection import cursor as warehouse_cursor
from warehouse.effects import panel as effects_panel
from warehouse.effects import subproject as effects_subproject
from warehouse.effects.comparison import select_comparison
from warehouse.indicators import RECORD_FIELDS, compute
from warehouse.paths import DEFAULT_DB
from warehouse.periods import start_years
from warehouse.regions import list_regions
from warehouse.sources import source_citation

DB_ENV = "TECHNIEKMONITOR_DB"  # lets tests and analysts point the app at another warehouse file


def db_path() -> Path:
    """The warehouse file the app reads."""
    return Path(os.environ.get(DB_ENV, DEFAULT_DB))


def db_version() -> tuple[str, float]:
    """(path, modification time): a rebuilt warehouse has a new version, so caches refresh."""
    path = db_path()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


RETIRE_AFTER_S = 60.0  # a replaced file's connection stays open this long for queries already running on it
_LOCK = threading.Lock()
_CURRENT: dict[str, tuple[tuple[str, float], duckdb.DuckDBPyConnection]] = {}  # path → (version, connection)
_RETIRING: set[threading.Timer] = set()


def _connection(version: tuple[str, float]) -> duckdb.DuckDBPyConnection:
    """The connection to this version of the warehouse file; opening a newer one retires the older."""
    with _LOCK:
        current = _CURRENT.get(version[0])
        if current and current[0] == version:
            return current[1]
        con = connect(version[0])
        _CURRENT[version[0]] = (version, con)
    if current:
        retire(current[1], RETIRE_AFTER_S)
        st.cache_data.clear()  # every cached result is keyed by a version that no session will ask for again
    return con


def retire(con: duckdb.DuckDBPyConnection, after_s: float) -> threading.Timer:
    """Close a replaced file's connection after `after_s` seconds (cursors still using it may finish first)."""
    def close() -> None:
        con.close()
        _RETIRING.discard(timer)

    timer = threading.Timer(after_s, close)
    timer.daemon = True
    _RETIRING.add(timer)
    timer.start()
    return timer


@atexit.register
def _close_all() -> None:
    """Close every connection when the server stops (DuckDB warns about connections alive at exit)."""
    for timer in list(_RETIRING):
        timer.cancel()
        timer.function()
    for _, con in list(_CURRENT.values()):
        con.close()


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse (a DuckDB connection is not safe to share across threads)."""
    return warehouse_cursor(_connection(db_version()))


@st.cache_data(show_spinner=False)
def build_facts(version: tuple[str, float]) -> dict[str, str]:
    """Build properties (demo flag, scale, seed, fingerprint)."""
    return inventory.build_facts(cursor())


@st.cache_data(show_spinner=False)
def table_inventory(version: tuple[str, float]) -> pd.DataFrame:
    """The inventory of tables as a DataFrame."""
    return pd.DataFrame([vars(t) for t in inventory.table_inventory(cursor())])


@st.cache_data(show_spinner=False)
def sources(version: tuple[str, float]) -> pd.DataFrame:
    """Sources with their raw files."""
    return pd.DataFrame(inventory.sources(cursor()))


@st.cache_data(show_spinner=False)
def indicator_overview(version: tuple[str, float]) -> pd.DataFrame:
    """Every catalogue indicator with data: latest period, Flevoland and NL values, source and status."""
    con = cursor()
    rows = []
    for indicator in CATALOGUE.values():
        flevoland = compute(con, indicator.id, "PV24")
        if not flevoland:
            continue
        latest = flevoland[-1]
        national = {v.period: v for v in compute(con, indicator.id, "NL")}.get(latest.period)
        rows.append({
            "Indicator": indicator.name,
            "Periode": fmt.period_label(latest.period),
            "Flevoland": fmt.indicator_value(latest.unit, latest.value, latest.lower, latest.upper),
            "Nederland": (fmt.indicator_value(national.unit, national.value, national.lower, national.upper)
                          if national else "–"),
            "Bron en status": f"{latest.source}; {latest.status}",
        })
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False)
def indicator_series(version: tuple[str, float], indicator_id: str, region: str, from_year: int | None = None,
                     to_year: int | None = None) -> pd.DataFrame:
    """One row per period (the CLI's record fields), empty with those columns when there is no data."""
    values = compute(cursor(), indicator_id, region, from_year, to_year)
    return pd.DataFrame([v.as_record() for v in values], columns=list(RECORD_FIELDS))


@st.cache_data(show_spinner=False)
def region_options(version: tuple[str, float]) -> dict[str, str]:
    """Code → label for the region filter: Flevoland and its municipalities first, then NL, then the rest."""
    labels = {}
    for region in list_regions(cursor()):
        suffix = {"provincie": " (provincie)", "land": ""}.get(region.level, "")
        labels[region.code] = f"{region.name}{suffix}"
    return labels


@st.cache_data(show_spinner=False)
def years(version: tuple[str, float]) -> list[int]:
    """Start years of the periods in the warehouse."""
    return start_years(cursor())


@st.cache_data(show_spinner=False)
def table_shapes(version: tuple[str, float]) -> dict[str, explore.TableShape]:
    """Documented tables with their dimensions and measures, for the explorer."""
    return explore.table_shapes(cursor())


@st.cache_data(show_spinner=False, max_entries=64)
def table_rows(version: tuple[str, float], table: str, group_by: tuple[str, ...], measures: tuple[str, ...],
               region: str | None, from_year: int | None, to_year: int | None, levels: tuple[str, ...],
               sex: str | None) -> pd.DataFrame:
    """The explorer's query result (see warehouse.explore.query_table)."""
    return explore.query_table(cursor(), table, list(group_by), list(measures), region, from_year, to_year,
                               list(levels), sex)


@st.cache_data(show_spinner=False)
def residence_years(version: tuple[str, float]) -> list[str]:
    """School years with mbo students by home municipality."""
    return flows.residence_years(cursor())


@st.cache_data(show_spinner=False)
def mbo_destinations(version: tuple[str, float], home_region: str, school_year: str) -> pd.DataFrame:
    """Where mbo students living in home_region study, by institution municipality."""
    return flows.mbo_destinations(cursor(), home_region, school_year)


@st.cache_data(show_spinner=False)
def boundaries(version: tuple[str, float], codes: tuple[str, ...], year: int) -> geometry.Shapes:
    """Region boundaries for a map, or the Dutch reason there are none."""
    return geometry.boundaries(cursor(), list(codes), year)


@st.cache_data(show_spinner=False)
def technical_share_by_sex(version: tuple[str, float], region: str, levels: tuple[str, ...],
                           from_year: int | None, to_year: int | None) -> pd.DataFrame:
    """Technical share of vo exam candidates by sex (see warehouse.breakdowns)."""
    return breakdowns.technical_share_by_sex(cursor(), region, list(levels), from_year, to_year)


@st.cache_data(show_spinner=False)
def programme_provenance(version: tuple[str, float]) -> dict[str, object]:
    """Plan upload day, last report month, number of active reports and the demo flag of the programme data."""
    return programme.provenance(cursor())


@st.cache_data(show_spinner=False)
def has_plan(version: tuple[str, float]) -> bool:
    """True when a plan of action is in the warehouse."""
    return programme.has_plan(cursor())


@st.cache_data(show_spinner=False)
def real_uploads(version: tuple[str, float]) -> int:
    """How many kept uploads are real (not demo) ones: demo mode is refused once there is one (ui/access.py)."""
    return programme.real_uploads(cursor()) if Path(version[0]).exists() else 0


@st.cache_data(show_spinner=False)
def subprojects(version: tuple[str, float]) -> pd.DataFrame:
    """The programme's subprojects."""
    return programme.subprojects(cursor())


@st.cache_data(show_spinner=False)
def subproject_detail(version: tuple[str, float], code: str, today: date,
                      reports: programme.Reports = None) -> dict[str, pd.DataFrame | dict]:
    """Everything the Deelprojecten page and the overview card show for one subproject (warehouse.programme), from
    the reports that count for this visitor (`reports`, Grant.reports)."""
    return programme.detail(cursor(), code, today, reports=reports)


@st.cache_data(show_spinner=False)
def period_locks(version: tuple[str, float]) -> pd.DataFrame:
    """The quarters locked now, with who locked them, when and why (warehouse.programme.period_locks)."""
    return programme.period_locks(cursor())


@st.cache_data(show_spinner=False)
def report_months(version: tuple[str, float], code: str, first: str, last: str) -> pd.DataFrame:
    """Report status per month for one subproject."""
    return programme.report_months(cursor(), code, first, last)


@st.cache_data(show_spinner="Effect schatten…", max_entries=32)
def effect_analysis(version: tuple[str, float], indicator_id: str, unit: str, start: int,
                    k: int) -> tuple[dict | None, dict[str, str], str | None]:
    """(analysis as JSON-ready dict, municipality names, Dutch error) for one treated municipality."""
    return effects_subproject.estimate(cursor(), indicator_id, unit, start, k)


@st.cache_data(show_spinner=False, max_entries=32)
def comparable(version: tuple[str, float], indicator_id: str, unit: str, k: int = 8) -> list[str]:
    """The k municipalities outside Flevoland most like `unit` in level, trend and size of the indicator."""
    try:
        panel = effects_panel.load_indicator_panel(cursor(), indicator_id)
        return [c.unit for c in select_comparison(panel, {unit: panel.periods[-1]}, k)]
    except effects_panel.PanelError:
        return []


@st.cache_data(show_spinner=False)
def citation(version: tuple[str, float], source_id: str) -> str:
    """The Dutch source line for a dataset (with '(demodata)' when it is demo data)."""
    return source_citation(cursor(), source_id)


@st.cache_data(show_spinner=False)
def source_ages(version: tuple[str, float]) -> pd.DataFrame:
    """Every source with the retrieval time of its newest raw file and its latest period (warehouse.refreshes)."""
    return pd.DataFrame([vars(age) for age in refreshes.source_ages(cursor())],
                        columns=list(refreshes.SourceAge.__dataclass_fields__))


def last_refresh() -> dict | None:
    """The newest record of the refresh log beside the warehouse, or None.

    Not cached by warehouse version: a refresh whose build failed writes its record but leaves the file alone.
    """
    return refreshes.last_refresh(db_path())
