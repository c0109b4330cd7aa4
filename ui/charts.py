"""Altair charts in Dutch (1.234,5 — 12,3% — mrt 2026), with a colour-blind safe palette and bounds drawn."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import format as fmt

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency, and in greyscale print.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NL_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "time": {
        "dateTime": "%a %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                   "oktober", "november", "december"],
        "shortMonths": list(fmt.MONTHS),
    },
}
AXIS_FORMAT = {"share": ".0%", "count": ",.0f", "ratio": ",.2f"}


def dutch(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the Dutch locale, the palette and print-friendly fonts to a finished chart."""
    # SVG rather than canvas: sharp when printed and on a projector, and its text is in the page for tests.
    chart = chart.properties(usermeta={"embedOptions": {"renderer": "svg"}})
    return chart.configure(locale=NL_LOCALE, font="Source Sans Pro, Arial, sans-serif").configure_range(
        category=PALETTE).configure_axis(labelFontSize=12, titleFontSize=13).configure_legend(
        labelFontSize=12, titleFontSize=13, orient="bottom")


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["periode"] = frame["period"].map(fmt.period_label)
    frame["waarde"] = [fmt.indicator_value(u, v, lo, hi) for u, v, lo, hi in
                       zip(frame["unit"], frame["value"], frame["lower"], frame["upper"], strict=True)]
    return frame


def trend(frame: pd.DataFrame, unit: str, title: str, series: str = "reeks") -> alt.TopLevelMixin:
    """Lines per series over periods, with the range suppressed cells allow as a band around each line."""
    data = _with_labels(frame)
    x = alt.X("periode:O", title=None, sort=list(dict.fromkeys(data["periode"])), axis=alt.Axis(labelAngle=0))
    color = alt.Color(f"{series}:N", title=None)
    y_axis = alt.Axis(format=AXIS_FORMAT[unit], title=None)
    band = alt.Chart(data).mark_area(opacity=0.2).encode(x=x, y=alt.Y("lower:Q", axis=y_axis), y2="upper:Q",
                                                         color=color)
    line = alt.Chart(data).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("value:Q", axis=y_axis, scale=alt.Scale(zero=unit != "share")),
        color=color, strokeDash=alt.StrokeDash(f"{series}:N", title=None),
        tooltip=[alt.Tooltip(f"{series}:N", title="Reeks"), alt.Tooltip("periode:N", title="Periode"),
                 alt.Tooltip("waarde:N", title="Waarde"), alt.Tooltip("status:N", title="Status")],
    )
    return dutch((band + line).properties(height=320, title=alt.Title(title, anchor="start", fontSize=14)))


def bars(frame: pd.DataFrame, unit: str, title: str, category: str = "regio",
         references: tuple[str, ...] = ()) -> alt.TopLevelMixin:
    """Horizontal bars per category with error bars for suppressed ranges and the value as text.

    Categories named in `references` (e.g. Flevoland, Nederland) are drawn grey: a reference, not a peer.
    """
    data = _with_labels(frame)
    y = alt.Y(f"{category}:N", title=None, sort=list(data[category]),
              axis=alt.Axis(labelOverlap=False, labelLimit=220, labelFontSize=13))
    x_axis = alt.Axis(format=AXIS_FORMAT[unit], title=title)
    bar = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", axis=x_axis), y=y,
        color=alt.condition(alt.FieldOneOfPredicate(field=category, oneOf=list(references)),
                            alt.value("#8C8C8C"), alt.value(PALETTE[0])),
        tooltip=[alt.Tooltip(f"{category}:N", title="Regio"), alt.Tooltip("waarde:N", title="Waarde"),
                 alt.Tooltip("periode:N", title="Periode")])
    ranges = alt.Chart(data).mark_rule(color="#000000", strokeWidth=1.5).encode(x="lower:Q", x2="upper:Q", y=y)
    text = alt.Chart(data).mark_text(align="left", dx=4, color="#000000").encode(
        x="upper:Q", y=y, text="waarde:N")
    return dutch((bar + ranges + text).properties(height=max(160, 34 * len(data))))


def sparkline(frame: pd.DataFrame, unit: str) -> alt.TopLevelMixin:
    """A small line without axes for a metric card."""
    data = _with_labels(frame)
    return dutch(alt.Chart(data).mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X("periode:O", axis=None, sort=list(data["periode"])),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("periode:N", title="Periode"), alt.Tooltip("waarde:N", title="Waarde")],
    ).properties(height=50))


def flows(frame: pd.DataFrame, title: str) -> alt.TopLevelMixin:
    """Horizontal bars of students per destination (columns regio, low, mid, high, in_region), with margins."""
    data = frame.assign(waarde=[fmt.count_with_bounds(m, lo, hi) for m, lo, hi in
                                zip(frame["mid"], frame["low"], frame["high"], strict=True)])
    y = alt.Y("regio:N", title=None, sort=list(data["regio"]),
              axis=alt.Axis(labelOverlap=False, labelLimit=260, labelFontSize=13))
    bar = alt.Chart(data).mark_bar().encode(
        x=alt.X("mid:Q", axis=alt.Axis(format=",.0f", title=title)), y=y,
        color=alt.condition("datum.in_region", alt.value(PALETTE[0]), alt.value("#8C8C8C")),
        tooltip=[alt.Tooltip("regio:N", title="Gemeente"), alt.Tooltip("waarde:N", title="Studenten")])
    ranges = alt.Chart(data).mark_rule(color="#000000").encode(x="low:Q", x2="high:Q", y=y)
    text = alt.Chart(data).mark_text(align="left", dx=4).encode(x="high:Q", y=y, text="waarde:N")
    return dutch((bar + ranges + text).properties(height=max(200, 36 * len(data))))


def choropleth(collection: dict, frame: pd.DataFrame, unit: str, title: str) -> alt.TopLevelMixin:
    """Municipalities coloured by value (frame: code, value, lower, upper, unit, period); grey where unknown."""
    values = _with_labels(frame)[["code", "value", "waarde", "periode"]]
    base = alt.Chart(alt.Data(values=collection["features"])).project(type="mercator")
    outline = base.mark_geoshape(fill="#DDDDDD", stroke="#FFFFFF", strokeWidth=1.5)
    filled = base.mark_geoshape(stroke="#FFFFFF", strokeWidth=1.5).transform_lookup(
        lookup="properties.statcode", from_=alt.LookupData(values, "code", ["value", "waarde", "periode"]),
    ).transform_filter("isValid(datum.value)").encode(
        color=alt.Color("value:Q", title=title, scale=alt.Scale(scheme="viridis", reverse=True),
                        legend=alt.Legend(format=AXIS_FORMAT[unit], orient="bottom", gradientLength=220)),
        tooltip=[alt.Tooltip("properties.statnaam:N", title="Gemeente"), alt.Tooltip("waarde:N", title="Waarde"),
                 alt.Tooltip("periode:N", title="Periode")],
    )
    labels = base.mark_text(fontSize=11, fontWeight="bold", color="#000000").encode(
        longitude="lon:Q", latitude="lat:Q", text="properties.statnaam:N",
    ).transform_calculate(lon="geoCentroid(null, datum)[0]", lat="geoCentroid(null, datum)[1]")
    return dutch((outline + filled + labels).properties(height=360))
