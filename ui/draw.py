"""Drawing a chart: its Vega-Lite specification is made once per chart builder and data, then reused.

Building an Altair chart and converting it to Vega-Lite (layering, schema validation, serialising the data) took
about two thirds of a warm page's server time, on every rerun of every session, although the data had not changed.
Here the finished specification, with its data already in Arrow form, is cached by the builder's name and its
arguments; a rerun only hashes the arguments and sends the stored specification. The cache is cleared with every
other cached result when the warehouse changes (ui.data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st

# Streamlit's own conversion for st.altair_chart: the same Vega-Lite and Arrow datasets, so a cached chart is drawn
# exactly as an uncached one (tests/test_draw.py compares both).
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from ui import charts


@st.cache_data(show_spinner=False, max_entries=2000)
def _spec(builder: str, args: tuple, kwargs: dict) -> dict[str, Any]:
    """The Vega-Lite specification of charts.<builder>(*args, **kwargs)."""
    return _convert_altair_to_vega_lite_spec(getattr(charts, builder)(*args, **kwargs))


def chart(builder: Callable[..., alt.TopLevelMixin], *args: Any, **kwargs: Any) -> None:
    """Draw the chart that `builder` (a function of ui.charts) makes of these arguments, at full width."""
    if getattr(charts, builder.__name__, None) is not builder:
        raise ValueError(f"{builder.__name__} is not a chart builder of ui.charts")
    st.vega_lite_chart(_spec(builder.__name__, args, kwargs), width="stretch")
