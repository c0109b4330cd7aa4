"""Cached chart specifications (ui.draw): drawn exactly as st.altair_chart draws them, built once per data."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import charts


def _script() -> None:
    import pandas as pd
    import streamlit as st

    from ui import charts, draw

    frame = pd.DataFrame({"reeks": ["Almere", "Almere", "Urk"], "value": [0.2, 0.25, 0.3],
                          "lower": [0.2, 0.25, 0.28], "upper": [0.2, 0.25, 0.32], "unit": "share",
                          "period": ["2021-2022", "2022-2023", "2022-2023"], "status": "definitief"})
    st.altair_chart(charts.trend(frame, "share", "Aandeel techniek"), width="stretch")
    draw.chart(charts.trend, frame, "share", "Aandeel techniek")


@pytest.fixture(autouse=True)
def _empty_cache():
    import streamlit as st

    st.cache_data.clear()


def test_a_cached_chart_is_the_chart_streamlit_draws_itself():
    at = AppTest.from_function(_script).run()
    assert not at.exception
    plain, cached = (element.proto for element in at.get("vega_lite_chart"))
    assert cached.spec == plain.spec
    assert [(d.name, d.data.data) for d in cached.datasets] == [(d.name, d.data.data) for d in plain.datasets]
    assert cached == plain and cached.datasets  # the data travel as Arrow, not inside the spec


def test_a_rerun_with_the_same_data_does_not_build_the_chart_again(monkeypatch):
    built = []
    original = charts.trend

    def counting(*args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    counting.__name__ = "trend"
    monkeypatch.setattr(charts, "trend", counting)
    at = AppTest.from_function(_script).run()
    at.run()
    at.run()
    assert not at.exception
    # st.altair_chart builds on every run (3); draw.chart only on the first.
    assert len(built) == 3 + 1


def test_only_chart_builders_are_drawn():
    from ui import draw

    with pytest.raises(ValueError, match="not a chart builder"):
        draw.chart(pd.DataFrame)
