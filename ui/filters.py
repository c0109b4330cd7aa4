"""Sidebar filters for region and period, bound to the URL so that a copied link reproduces the view.

A page change through the sidebar clears the URL's parameters, and each page draws its own filter widgets (Streamlit
keys a widget's state by page), so the choice is also kept in the session: the next page starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.data import db_version, region_options, years
from ui.layout import CHOOSE_ONE

REGION_KEY, YEARS_KEY = "filter_region", "filter_years"
KEPT_KEY = "filters_kept"  # the last choice in this session, across pages: {param: value}
REGION_PARAM, FROM_PARAM, TO_PARAM = "regio", "van", "tot"
DEFAULT_REGION = "PV24"


@dataclass(frozen=True)
class Filters:
    """The region and the range of period start years a page shows."""

    region: str
    region_label: str
    from_year: int | None
    to_year: int | None


def _wanted(name: str, default: str | None = None) -> str | None:
    """A filter's value from the URL, else the one chosen earlier in this session (on another page)."""
    return st.query_params.get(name) or st.session_state.get(KEPT_KEY, {}).get(name, default)


def _year_param(name: str, allowed: list[int]) -> int | None:
    try:
        value = int(_wanted(name, ""))
    except ValueError:
        return None
    return value if value in allowed else None


def sidebar_filters() -> Filters:
    """Render the filters, starting from the URL's values, and write the current choice back to the URL."""
    version = db_version()
    options = region_options(version)
    wanted = _wanted(REGION_PARAM, DEFAULT_REGION)
    codes = list(options)
    region = st.sidebar.selectbox(
        "Regio", codes, index=codes.index(wanted if wanted in options else DEFAULT_REGION),
        format_func=options.get, key=REGION_KEY, help="Flevoland, een gemeente of Nederland; typ om te zoeken.",
        **CHOOSE_ONE)
    available = years(version)
    from_year = to_year = None
    if len(available) > 1:
        start = _year_param(FROM_PARAM, available) or available[0]
        end = _year_param(TO_PARAM, available) or available[-1]
        from_year, to_year = st.sidebar.select_slider(
            "Periode (beginjaar)", options=available, value=(min(start, end), max(start, end)), key=YEARS_KEY,
            help="Schooljaar 2023/24 begint in 2023; kalenderjaren en kwartalen tellen met hun eigen jaar.")
    elif available:
        from_year = to_year = available[0]
        st.sidebar.caption(f"Periode: alleen {available[0]} beschikbaar.")
    params = {REGION_PARAM: region}
    if from_year is not None:
        params |= {FROM_PARAM: str(from_year), TO_PARAM: str(to_year)}
    st.query_params.update(params)
    st.session_state[KEPT_KEY] = params
    return Filters(region, options[region], from_year, to_year)
