"""Chart specifications: what a reader of the printed or projected page relies on."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import FIXTURES
from ui import charts

GEO_FIXTURE = FIXTURES / "geo" / "gemeente_2024_small.geojson"


def _frame(values: list[float], unit: str = "share") -> pd.DataFrame:
    return pd.DataFrame({"reeks": "Flevoland", "value": values, "lower": values, "upper": values, "unit": unit,
                         "period": [f"{2020 + i}-{2021 + i}" for i in range(len(values))], "status": "definitief"})


@pytest.mark.parametrize(("values", "unit", "expected_format", "step"), [
    ([0.851, 0.855, 0.858], "share", ".1%", 0.001),  # 85,1–85,8 %: whole percents would read '86%, 86%'
    ([0.12, 0.18, 0.25], "share", ".0%", 0.01),
    ([1.0, 2.0, 3.0], "count", ",.0f", 1),  # never a tick at 0,5 student
])
def test_axis_ticks_stay_distinct_in_their_format(values, unit, expected_format, step):
    spec = charts.trend(_frame(values, unit), unit, "Titel").to_dict()
    axis = spec["layer"][0]["encoding"]["y"]["axis"]
    assert (axis["format"], axis["tickMinStep"]) == (expected_format, step)


def test_map_names_stand_on_a_halo_and_the_legend_title_wraps():
    frame = pd.DataFrame({"code": ["GM0034"], "value": [0.153], "lower": [0.139], "upper": [0.168],
                          "unit": ["share"], "period": ["2023-2024"]})
    collection = json.loads(GEO_FIXTURE.read_text(encoding="utf-8"))
    title = "Aandeel vmbo-examenkandidaten in sector techniek"
    spec = charts.choropleth(collection, frame, "share", title).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert [t["mark"]["color"] for t in texts] == ["#FFFFFF", "#000000"]  # the halo under the name
    assert texts[0]["mark"]["stroke"] == "#FFFFFF" and texts[0]["mark"]["strokeWidth"] >= 2
    legend_title = next(layer for layer in spec["layer"] if "color" in layer.get("encoding", {}))["encoding"][
        "color"]["title"]
    assert isinstance(legend_title, list) and len(legend_title) > 1 and " ".join(legend_title) == title


def test_effect_charts_name_their_series_whole_and_read_horizontally():
    series = [{"period": 2019 + i, "observed": 0.19, "synthetic": 0.19} for i in range(5)]
    spec = charts.counterfactual(series, 2022, "Almere").to_dict()
    lines, _, start = spec["layer"]
    assert lines["encoding"]["color"]["legend"]["labelLimit"] >= 300  # 'Synthetische controle (zonder project)'
    assert start["mark"]["type"] == "text" and "value" in start["encoding"]["y"]  # the start label on the plot
    rows = [{"e": e, "att": 0.01 * e, "se_cluster": 0.01} for e in (-3, -2, 0, 1)]
    assert charts.event_time(rows).to_dict()["layer"][1]["encoding"]["x"]["axis"]["labelAngle"] == 0


def test_counts_of_regions_of_different_size_become_an_index_on_their_first_shared_period():
    from ui.sections import as_index

    frame = pd.DataFrame({"reeks": ["Urk"] * 3 + ["Nederland"] * 3, "period": ["2020", "2021", "2022"] * 2,
                          "value": [20.0, 25.0, 30.0, 2000.0, 2100.0, 1900.0],
                          "lower": [18.0, 25.0, 30.0, 2000.0, 2100.0, 1900.0],
                          "upper": [22.0, 25.0, 30.0, 2000.0, 2100.0, 1900.0], "unit": "count"})
    indexed, base = as_index(frame)
    assert base == "2020" and set(indexed["unit"]) == {"index"}
    assert indexed["value"].tolist() == pytest.approx([100, 125, 150, 100, 105, 95])
    assert indexed[["lower", "upper"]].iloc[0].tolist() == pytest.approx([90, 110])  # the margin scales along
    assert as_index(frame[frame["reeks"] == "Urk"]) is None  # one series: its own counts
    assert as_index(frame.assign(value=frame["value"].where(frame["period"] != "2020", 0.0))) is None  # base 0
    later = frame[~((frame["reeks"] == "Urk") & (frame["period"] == "2020"))]
    assert as_index(later)[1] == "2021"  # the first period both series have


def test_effect_share_axis_never_repeats_a_tick_label():
    # 15,2–16,9%: whole percents would print '17%, 17%, 16%, 16%, 15%' on ticks half a point apart.
    series = [{"period": 2019 + i, "observed": 0.152 + 0.004 * i, "synthetic": 0.169 - 0.003 * i} for i in range(5)]
    axis = charts.counterfactual(series, 2022, "Almere").to_dict()["layer"][0]["encoding"]["y"]["axis"]
    assert (axis["format"], axis["tickMinStep"]) == (".1%", 0.001)


def test_a_kpi_counted_per_period_is_drawn_per_period_with_what_is_due_now():
    totals = pd.DataFrame({"period": ["2026-Q4", "2026-Q3"], "target": [10.0, 10.0], "actual": [6.0, 13.0],
                           "months": [2, 3]})
    spec = charts.kpi_periods(totals, "bezoeken", "Bedrijfsbezoeken", 6.6, "2026-Q4").to_dict()
    bars, points = spec["layer"]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x"]["sort"] == ["3e kw. 2026", "4e kw. 2026"]
    shown = {d["reeks"]: d["value"] for d in spec["datasets"][points["data"]["name"]] if d["periode"] == "4e kw. 2026"}
    assert shown == {"Doel": 10.0, "Verwacht nu": 6.6}
    assert [d["actual"] for d in spec["datasets"][bars["data"]["name"]]] == [13.0, 6.0]
    assert "per kwartaal" in spec["title"]["text"]


def test_a_percentage_kpi_has_a_percent_sign_on_its_axis():
    values = pd.DataFrame({"month": ["2026-01", "2026-02"], "value": [25.0, 26.0]})
    targets = pd.DataFrame({"period": ["2026"], "value": [27.0], "datum": ["2026-12-31"]})
    axis = charts.kpi_path(values, targets, "procent", "Aandeel").to_dict()["layer"][0]["encoding"]["y"]["axis"]
    assert "'%'" in axis["labelExpr"] and axis["title"] is None
