"""Cached access to the warehouse for pages: one read-only connection per warehouse file version."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from ui import format as fmt
from warehouse import inventory
from warehouse.catalog import CATALOGUE
from warehouse.connection import connect
from warehouse.indicators import IndicatorValue, compute
from warehouse.paths import DEFAULT_DB

DB_ENV = "TECHNIEKMONITOR_DB"  # lets tests and analysts point the app at another warehouse file


def db_path() -> Path:
    """The warehouse file the app reads."""
    return Path(os.environ.get(DB_ENV, DEFAULT_DB))


def db_version() -> tuple[str, float]:
    """(path, modification time): a rebuilt warehouse has a new version, so caches refresh."""
    path = db_path()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(max_entries=1)
def _connection(path: str, mtime: float) -> duckdb.DuckDBPyConnection:
    return connect(path)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse (a DuckDB connection is not safe to share across threads)."""
    return _connection(*db_version()).cursor()


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


HEADLINE_REGIONS = (("PV24", "Flevoland"), ("NL", "Nederland"))


def _shown(value: IndicatorValue) -> str:
    if value.unit == "share":
        if value.lower == value.upper:
            return fmt.percent(value.value)
        return f"{fmt.percent(value.value)} ({fmt.percent(value.lower)}–{fmt.percent(value.upper)})"
    return fmt.count_with_bounds(value.value, value.lower, value.upper)


@st.cache_data(show_spinner=False)
def indicator_overview(version: tuple[str, float]) -> pd.DataFrame:
    """Every catalogue indicator for Flevoland and NL in the latest period, formatted in Dutch."""
    con = cursor()
    rows, periods, statuses, citations = [], set(), set(), set()
    for indicator in CATALOGUE.values():
        row = {"Indicator": indicator.name}
        for code, label in HEADLINE_REGIONS:
            values = compute(con, indicator.id, code)
            latest = values[-1] if values else None
            row[label] = _shown(latest) if latest else "geen gegevens"
            if latest:
                periods.add(latest.period)
                statuses.add(latest.status)
                citations.add(latest.source)
        rows.append(row)
    if not periods:
        return pd.DataFrame()
    table = pd.DataFrame(rows)
    table.attrs = {"period": ", ".join(sorted(periods)), "status": ", ".join(sorted(statuses)),
                   "source": "; ".join(sorted(citations))}
    return table
