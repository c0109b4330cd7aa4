"""Cached access to supply against demand per technical domain (warehouse.mismatch) and to the signals from the
field (warehouse.signals) for the page 'Aansluiting'."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.data import cursor
from warehouse import mismatch
from warehouse import signals as warehouse_signals


@st.cache_data(show_spinner=False)
def sources(version: tuple[str, float]) -> dict[str, bool]:
    """Whether the supply (DUO graduates) and demand (UWV vacancies) sources are in the warehouse."""
    return mismatch.sources(cursor())


@st.cache_data(show_spinner=False)
def citation(version: tuple[str, float]) -> str:
    """Source line for supply and demand."""
    return mismatch.citation(cursor())


@st.cache_data(show_spinner=False)
def overview(version: tuple[str, float], region: str, from_year: int | None, to_year: int | None) -> pd.DataFrame:
    """Per domain × year: graduates, vacancies, ratio with bounds, tension (see warehouse.mismatch.overview)."""
    return mismatch.overview(cursor(), region, from_year, to_year)


@st.cache_data(show_spinner=False)
def by_level(version: tuple[str, float], region: str, domain: str, year: int) -> pd.DataFrame:
    """Graduates of one domain per level."""
    return mismatch.by_level(cursor(), region, domain, year)


@st.cache_data(show_spinner=False)
def by_municipality(version: tuple[str, float], codes: tuple[str, ...], domain: str, year: int) -> pd.DataFrame:
    """Graduates and vacancies of one domain per municipality."""
    return mismatch.by_municipality(cursor(), list(codes), domain, year)


@st.cache_data(show_spinner=False)
def unplaced(version: tuple[str, float], region: str, year: int) -> tuple[float, float]:
    """(technical graduates in no domain, all technical graduates) in the year."""
    return mismatch.unplaced(cursor(), region, year)


def latest_common_year(frame: pd.DataFrame) -> int | None:
    """The latest year of an overview with both graduates and vacancies in some domain, or None."""
    return mismatch.latest_common_year(frame)


@st.cache_data(show_spinner=False)
def signals(version: tuple[str, float], region: str, reports: tuple[str, ...] | None, search: str) -> pd.DataFrame:
    """The counted signals from the field about the region, latest first, filtered by `search`."""
    return warehouse_signals.signals(cursor(), region, reports, search)


@st.cache_data(show_spinner=False)
def signals_per_domain(version: tuple[str, float], region: str, reports: tuple[str, ...] | None) -> pd.DataFrame:
    """Every technical domain with its number of counted signals about the region."""
    return warehouse_signals.per_domain(cursor(), region, reports)


@st.cache_data(show_spinner=False)
def signal_counts(version: tuple[str, float], region: str, reports: tuple[str, ...] | None) -> pd.DataFrame:
    """Counted signals per domain × municipality × kind."""
    return warehouse_signals.counts(cursor(), region, reports)


@st.cache_data(show_spinner=False)
def domain_actions(version: tuple[str, float], region: str, reports: tuple[str, ...] | None) -> pd.DataFrame:
    """Per domain the plan's actions that signals link to it, with their status."""
    return warehouse_signals.domain_actions(cursor(), region, reports)
