"""Altair charts in Dutch (1.234,5 — 12,3% — mrt 2026), with a colour-blind safe palette and bounds drawn."""

from __future__ import annotations

import json
import textwrap

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
AXIS_FORMAT = {"share": ".0%", "count": ",.0f", "ratio": ",.2f", "index": ",.0f"}
# The smallest step between ticks that the format still tells apart (no '86%, 86%' on a narrow axis).
TICK_STEP = {"share": 0.01, "count": 1, "ratio": 0.01, "index": 1}


# Streamlit fits a full-width chart's *total* height (legend and axis labels included) into `height`, which squeezed
# short charts with a legend below to nothing; with fit-x the height is the plot's own and the legend adds to it.
PLOT_HEIGHT = alt.AutoSizeParams(type="fit-x", contains="padding")


def dutch(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the Dutch locale, the palette and print-friendly fonts to a finished chart."""
    # SVG rather than canvas: sharp when printed and on a projector, and its text is in the page for tests.
    chart = chart.properties(usermeta={"embedOptions": {"renderer": "svg"}})
    return chart.configure(locale=NL_LOCALE, font="Source Sans Pro, Arial, sans-serif").configure_range(
        category=PALETTE).configure_axis(labelFontSize=12, titleFontSize=13).configure_legend(
        labelFontSize=12, titleFontSize=13, orient="bottom")


# On a phone a legend's entries in one row run off the chart's right edge: there they stand one under the other.
NARROW_LEGEND = alt.ExprRef("width < 420 ? 1 : 0")


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["periode"] = frame["period"].map(fmt.period_label)
    frame["waarde"] = [fmt.indicator_value(u, v, lo, hi) for u, v, lo, hi in
                       zip(frame["unit"], frame["value"], frame["lower"], frame["upper"], strict=True)]
    return frame


def _axis(unit: str, values: pd.Series, title: str | None) -> alt.Axis:
    """An axis in the unit's format; a share that spans under 5 percentage points gets one decimal (85,5%)."""
    fine = unit == "share" and values.notna().any() and values.max() - values.min() < 0.05
    return alt.Axis(format=".1%" if fine else AXIS_FORMAT[unit], tickMinStep=0.001 if fine else TICK_STEP[unit],
                    title=title)


def _in_period_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in period order (raw periods sort chronologically; series keep theirs), with Dutch labels."""
    return _with_labels(frame.sort_values("period", kind="stable").reset_index(drop=True))


def period_order(periods: pd.Series) -> list[str]:
    """The Dutch labels of these raw periods, each once, in chronological order: the sort of a period axis."""
    return [fmt.period_label(p) for p in sorted(set(periods))]


def trend(frame: pd.DataFrame, unit: str, title: str, series: str = "reeks", periods: tuple[str, ...] = (),
          height: int = 320, legend: bool = True, legend_columns: int | None = None) -> alt.TopLevelMixin:
    """Lines per series over periods, with the range suppressed cells allow as a band around each line.

    `periods` (raw, e.g. '2019-2020') fixes the axis to those periods, so that charts side by side line up;
    `legend=False` for one series that the title or heading names already; `legend_columns`: lay the legend out in
    that many columns with whole labels (long series names on a phone).
    """
    data = _in_period_order(frame)
    order = period_order(pd.Series([*periods, *data["period"]]))
    x = alt.X("periode:O", title=None, sort=order, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))
    # Full-colour legend symbols drawn as lines (the legend otherwise takes the band's faint colour). One legend:
    # across the two layers Vega-Lite does not merge colour and dash, and printed a second, black one for the dash.
    columns = {"columns": NARROW_LEGEND} if legend_columns is None else {"columns": legend_columns, "labelLimit": 0}
    color = alt.Color(f"{series}:N", title=None, legend=alt.Legend(
        symbolOpacity=1, symbolType="stroke", symbolStrokeWidth=2.5, **columns) if legend else None)
    y_axis = _axis(unit, pd.concat([data["lower"], data["value"], data["upper"]]), None)
    band = alt.Chart(data).mark_area(opacity=0.2).encode(x=x, y=alt.Y("lower:Q", axis=y_axis), y2="upper:Q",
                                                         color=color)
    line = alt.Chart(data).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("value:Q", axis=y_axis, scale=alt.Scale(zero=unit not in ("share", "index"))),
        color=color, strokeDash=alt.StrokeDash(f"{series}:N", title=None, legend=None),
        tooltip=[alt.Tooltip(f"{series}:N", title="Reeks"), alt.Tooltip("periode:N", title="Periode"),
                 alt.Tooltip("waarde:N", title="Waarde"), alt.Tooltip("status:N", title="Status")],
    )
    # A legend in columns grows downwards: the plot keeps its height and the legend adds to it (see PLOT_HEIGHT).
    sized = {} if legend_columns is None else {"autosize": PLOT_HEIGHT}
    # Wrapped, not cut off with '…' in a half-width column.
    return dutch((band + line).properties(height=height, title=alt.Title(textwrap.wrap(title, 40), anchor="start",
                                                                          fontSize=14), **sized))


def bars(frame: pd.DataFrame, unit: str, title: str, category: str = "regio",
         references: tuple[str, ...] = ()) -> alt.TopLevelMixin:
    """Horizontal bars per category with error bars for suppressed ranges and the value as text.

    Categories named in `references` (e.g. Flevoland, Nederland) are drawn grey: a reference, not a peer.
    """
    data = _with_labels(frame)
    wrapped = _wrapped(list(data[category]), 28)  # long names (domains) on two lines, with room for them
    y = alt.Y(f"{category}:N", title=None, sort=list(data[category]),
              axis=alt.Axis(labelOverlap=False, labelLimit=220, labelFontSize=13, **wrapped))
    x_axis = _axis(unit, pd.concat([pd.Series([0.0]), data["value"], data["upper"]]), title)  # bars start at 0
    bar = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", axis=x_axis), y=y,
        color=alt.condition(alt.FieldOneOfPredicate(field=category, oneOf=list(references)),
                            alt.value("#8C8C8C"), alt.value(PALETTE[0])),
        tooltip=[alt.Tooltip(f"{category}:N", title=category.capitalize()), alt.Tooltip("waarde:N", title="Waarde"),
                 alt.Tooltip("periode:N", title="Periode")])
    ranges = alt.Chart(data).mark_rule(color="#000000", strokeWidth=1.5).encode(x="lower:Q", x2="upper:Q", y=y)
    text = alt.Chart(data).mark_text(align="left", dx=4, color="#000000").encode(
        x="upper:Q", y=y, text="waarde:N")
    return dutch((bar + ranges + text).properties(height=max(160, (48 if wrapped else 34) * len(data))))


def _wrapped(names: list[str], width: int) -> dict[str, str]:
    """A labelExpr that shows each name longer than `width` on several lines (Vega draws a list as lines)."""
    lines = {name: textwrap.wrap(name, width) for name in names if len(name) > width}
    return {"labelExpr": f"{json.dumps(lines)}[datum.label] || datum.label"} if lines else {}


def grouped_bars(frame: pd.DataFrame, unit: str, title: str, category: str, series: str,
                 colours: tuple[str, ...] = (PALETTE[0], PALETTE[1])) -> alt.TopLevelMixin:
    """Horizontal bars per category, one bar per series side by side (e.g. supply and demand per domain).

    Columns: category, series, period, value, lower, upper, unit. Categories and series keep the frame's order;
    a black line marks the range suppressed cells allow (the tooltip names it), and each bar carries its value.
    Long category names wrap onto two lines and the axis keeps few ticks, so that the chart also fits a phone.
    """
    data = _with_labels(frame)
    data["label"] = [fmt.number(v, 2 if u == "ratio" else 0) for v, u in zip(data["value"], data["unit"], strict=True)]
    order = list(dict.fromkeys(data[series]))
    names = list(dict.fromkeys(data[category]))
    y = alt.Y(f"{category}:N", title=None, sort=names, scale=alt.Scale(paddingInner=0.35, paddingOuter=0.2),
              axis=alt.Axis(labelOverlap=False, labelLimit=200, labelFontSize=12, **_wrapped(names, 22)))
    offset = alt.YOffset(f"{series}:N", sort=order)
    top = float(pd.concat([pd.Series([0.0]), data["value"], data["upper"]]).max())
    x = alt.X("value:Q", scale=alt.Scale(domain=[0, top * 1.2 or 1], nice=False),  # room for the value text
              axis=alt.Axis(format=AXIS_FORMAT[unit], title=title, tickCount=4, labelOverlap="greedy",
                            labelFlush=True))
    color = alt.Color(f"{series}:N", title=None, sort=order, scale=alt.Scale(domain=order, range=list(colours)),
                      legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0, **_wrapped(order, 26)))
    bar = alt.Chart(data).mark_bar().encode(
        x=x, y=y, yOffset=offset, color=color,
        tooltip=[alt.Tooltip(f"{category}:N", title=category.capitalize()), alt.Tooltip(f"{series}:N", title="Reeks"),
                 alt.Tooltip("waarde:N", title="Waarde (marge)"), alt.Tooltip("periode:N", title="Periode")])
    ranges = alt.Chart(data).mark_rule(color="#000000", strokeWidth=1.5).encode(
        x="lower:Q", x2="upper:Q", y=y, yOffset=offset)
    text = alt.Chart(data).mark_text(align="left", dx=4, color="#000000", fontSize=11).encode(
        x="upper:Q", y=y, yOffset=offset, text="label:N")
    return dutch((bar + ranges + text).properties(height=len(names) * (20 * len(order) + 24)))


def sparkline(frame: pd.DataFrame, unit: str, height: int = 50) -> alt.TopLevelMixin:
    """A small line without axes for a metric card; dots on the periods unless there are too many to see."""
    data = _in_period_order(frame)
    return dutch(alt.Chart(data).mark_line(point=len(data) <= 16, color=PALETTE[0]).encode(
        x=alt.X("periode:O", axis=None, sort=period_order(data["period"])),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("periode:N", title="Periode"), alt.Tooltip("waarde:N", title="Waarde")],
    ).properties(height=height))


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
        color=alt.Color("value:Q", title=textwrap.wrap(title, 32), scale=alt.Scale(scheme="viridis", reverse=True),
                        legend=alt.Legend(format=AXIS_FORMAT[unit], orient="bottom", gradientLength=220,
                                          titleLimit=300)),
        tooltip=[alt.Tooltip("properties.statnaam:N", title="Gemeente"), alt.Tooltip("waarde:N", title="Waarde"),
                 alt.Tooltip("periode:N", title="Periode")],
    )
    placed = base.encode(longitude="lon:Q", latitude="lat:Q", text="properties.statnaam:N").transform_calculate(
        lon="geoCentroid(null, datum)[0]", lat="geoCentroid(null, datum)[1]")
    # Black names on a white halo: readable on the darkest and the lightest colour of the scale alike.
    halo = placed.mark_text(fontSize=11, fontWeight="bold", color="#FFFFFF", stroke="#FFFFFF", strokeWidth=3,
                            strokeJoin="round")
    labels = placed.mark_text(fontSize=11, fontWeight="bold", color="#000000")
    return dutch((outline + filled + halo + labels).properties(height=360))


STATUS_COLOURS = {"behaald": "#009E73", "open": "#56B4E9", "te laat": "#D55E00", "vervallen": "#999999",
                  "ingediend": "#56B4E9", "gecorrigeerd": "#E69F00", "ingetrokken": "#999999",
                  "ontbreekt": "#D55E00", "goedgekeurd": "#009E73", "teruggestuurd": "#CC79A7"}
# The report strip's shapes: the state is told by shape and word (legend, tooltip, the page's caption), never by
# colour alone.
REPORT_SHAPES = {"goedgekeurd": "circle", "ingediend": "square", "gecorrigeerd": "diamond",
                 "teruggestuurd": "triangle-down", "ingetrokken": "stroke", "ontbreekt": "cross"}


def _status_scale(statuses: list[str]) -> alt.Scale:
    return alt.Scale(domain=statuses, range=[STATUS_COLOURS[s] for s in statuses])


def milestone_timeline(frame: pd.DataFrame, today: str) -> alt.TopLevelMixin:
    """Milestones on a time axis (due date), coloured by status, with a line for today.

    Each label is the milestone wrapped over lines with its status in words as the last one: on a phone a long
    label on one line left no room for the plot, and a status written beside the point fell off the right edge.
    """
    lines = [[*textwrap.wrap(f"{code} {text}", 34), f"· {status}"] for code, text, status in
             zip(frame["milestone_code"], frame["description"], frame["status"], strict=True)]
    data = frame.assign(label=["\n".join(parts) for parts in lines],
                        due=pd.to_datetime(frame["due_date"]).dt.strftime("%Y-%m-%d")).sort_values("due", kind="stable")
    statuses = [s for s in ("behaald", "open", "te laat", "vervallen") if s in set(data["status"])]
    y = alt.Y("label:N", title=None, sort=list(data["label"]),
              axis=alt.Axis(labelLimit=240, labelFontSize=12, labelExpr="split(datum.label, '\\n')"))
    # One axis definition for both layers: with two, Vega-Lite drew two overlapping axes ('jan 2025' over '2025').
    x_axis = alt.Axis(format="%b %Y", labelOverlap=True)
    points = alt.Chart(data).mark_point(filled=True, size=160).encode(
        x=alt.X("due:T", title="Deadline", axis=x_axis), y=y,
        color=alt.Color("status:N", title="Status", scale=_status_scale(statuses)),
        shape=alt.Shape("status:N", title="Status", scale=alt.Scale(domain=statuses)),  # one legend with colour
        tooltip=[alt.Tooltip("milestone_code:N", title="Mijlpaal"), alt.Tooltip("description:N", title="Omschrijving"),
                 alt.Tooltip("due:T", title="Deadline", format="%d-%m-%Y"), alt.Tooltip("status:N", title="Status")])
    now = alt.Chart(pd.DataFrame({"today": [today]})).mark_rule(color="#000000", strokeDash=[4, 3]).encode(
        x=alt.X("today:T", title="Deadline", axis=x_axis))
    rows = sum(len(parts) for parts in lines)
    return dutch((points + now).properties(height=max(140, 16 * rows + 14 * len(lines)), autosize=PLOT_HEIGHT))


def _kpi_axis(unit: str) -> alt.Axis:
    """A KPI's value axis: a percentage KPI with a % sign on every tick, a count titled with its unit."""
    if fmt.is_percent_unit(unit):
        return alt.Axis(title=None, format=",.0f", labelExpr="datum.label + '%'", tickMinStep=1)
    return alt.Axis(title=unit, format=",.0f", tickMinStep=1)


def kpi_path(values: pd.DataFrame, targets: pd.DataFrame, unit: str, title: str) -> alt.TopLevelMixin:
    """A running total's reported values per month (line) against the target points (dashed), in the KPI's unit."""
    actual = values.sort_values("month").assign(datum=lambda f: f["month"] + "-01", reeks="Gerealiseerd")
    goal = targets.sort_values("datum").assign(reeks="Doel")
    x = alt.X("datum:T", title=None, axis=alt.Axis(format="%b %Y"))
    y_axis = _kpi_axis(unit)
    line = alt.Chart(actual).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("value:Q", axis=y_axis), color=alt.Color("reeks:N", title=None),
        tooltip=[alt.Tooltip("month:N", title="Maand"), alt.Tooltip("value:Q", title="Waarde", format=",.1~f")])
    target = alt.Chart(goal).mark_line(point=alt.OverlayMarkDef(shape="diamond", size=90), strokeDash=[6, 4]).encode(
        x=x, y=alt.Y("value:Q", axis=y_axis), color=alt.Color("reeks:N", title=None),
        tooltip=[alt.Tooltip("period:N", title="Doelperiode"), alt.Tooltip("value:Q", title="Doel", format=",.1~f")])
    return dutch((line + target).properties(height=240, title=alt.Title(title, anchor="start", fontSize=13)))


def kpi_periods(totals: pd.DataFrame, unit: str, title: str, expected: float | None = None,
                running: str | None = None) -> alt.TopLevelMixin:
    """A KPI counted per period (e.g. visits per quarter): the sum reported in each period (bars) against that
    period's target (diamond), and for the running period what should have been reached by now (triangle).

    The same numbers as the status: the bar of the running period is what the table calls 'gerealiseerd'.
    """
    data = totals.sort_values("period").assign(periode=lambda f: f["period"].map(fmt.period_label))
    order = list(data["periode"])
    x = alt.X("periode:O", title=None, sort=order, scale=alt.Scale(domain=order), axis=alt.Axis(labelAngle=-45))
    y_axis = _kpi_axis(unit)
    done = data[data["actual"].notna()].assign(reeks="Gerealiseerd")
    marks = [data.assign(reeks="Doel", value=data["target"])[["periode", "period", "reeks", "value"]]]
    if expected is not None and running is not None:
        marks.append(pd.DataFrame({"periode": [fmt.period_label(running)], "period": [running],
                                   "reeks": ["Verwacht nu"], "value": [expected]}))
    points = pd.concat(marks, ignore_index=True)
    kinds = ["Gerealiseerd", *points["reeks"].unique()]
    # The colours of kpi_path: realised orange, target blue; what is due by now black.
    colour = alt.Color("reeks:N", title=None, legend=alt.Legend(columns=NARROW_LEGEND),
                       scale=alt.Scale(domain=kinds, range=[PALETTE[1], PALETTE[0], "#000000"][:len(kinds)]))
    bars = alt.Chart(done).mark_bar(opacity=0.85).encode(
        x=x, y=alt.Y("actual:Q", axis=y_axis), color=colour,
        tooltip=[alt.Tooltip("periode:N", title="Periode"), alt.Tooltip("actual:Q", title="Gerealiseerd",
                                                                        format=",.1~f"),
                 alt.Tooltip("months:Q", title="Maanden gemeld")])
    goal = alt.Chart(points).mark_point(filled=True, size=110).encode(
        x=x, y=alt.Y("value:Q", axis=y_axis), color=colour,
        shape=alt.Shape("reeks:N", scale=alt.Scale(domain=["Doel", "Verwacht nu"],
                                                   range=["diamond", "triangle-up"]), legend=None),
        tooltip=[alt.Tooltip("periode:N", title="Periode"), alt.Tooltip("reeks:N", title="Reeks"),
                 alt.Tooltip("value:Q", title="Waarde", format=",.1~f")])
    first = str(data["period"].iloc[0])
    per = "per kwartaal" if "-Q" in first else "per maand" if len(first) == 7 else "per jaar"
    return dutch((bars + goal).properties(height=200, autosize=PLOT_HEIGHT, title=alt.Title(
        f"{title} ({per})", anchor="start", fontSize=13)))


def report_strip(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """One mark per month: report approved, submitted, corrected, returned, withdrawn or missing, each with its own
    shape and colour, named in the legend and the tooltip."""
    statuses = [s for s in REPORT_SHAPES if s in set(frame["status"])]
    data = frame.assign(maand=[fmt.month(pd.Timestamp(f"{m}-01").date()) for m in frame["month"]])
    x = alt.X("maand:O", title=None, sort=list(data["maand"]), axis=alt.Axis(labelAngle=-45))
    marks = alt.Chart(data).mark_point(filled=True, size=170, strokeWidth=3).encode(
        x=x, color=alt.Color("status:N", title="Maandrapportage", scale=_status_scale(statuses)),
        shape=alt.Shape("status:N", title="Maandrapportage",  # one legend with colour
                        scale=alt.Scale(domain=statuses, range=[REPORT_SHAPES[s] for s in statuses])),
        tooltip=[alt.Tooltip("maand:N", title="Maand"), alt.Tooltip("status:N", title="Status")])
    return dutch(marks.properties(height=50, autosize=PLOT_HEIGHT))


def counterfactual(series: list[dict], start: int, label: str) -> alt.TopLevelMixin:
    """Observed outcome against the synthetic control (what would have happened), with the start marked."""
    data = pd.DataFrame(series).melt(id_vars="period", value_vars=["observed", "synthetic"], var_name="reeks")
    data["reeks"] = data["reeks"].map({"observed": label, "synthetic": "Synthetische controle (zonder project)"})
    data = data.sort_values("period", kind="stable")
    data["jaar"] = data["period"].astype(int).map(lambda y: f"{y}/{(y + 1) % 100:02d}")
    x = alt.X("jaar:O", title=None, sort=list(dict.fromkeys(data["jaar"])), axis=alt.Axis(labelAngle=0))
    lines = alt.Chart(data).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("value:Q", axis=_axis("share", data["value"], None), scale=alt.Scale(zero=False)),
        color=alt.Color("reeks:N", title=None,  # the whole series name, on a phone one under the other
                        legend=alt.Legend(labelLimit=360, columns=NARROW_LEGEND)),
        strokeDash=alt.StrokeDash("reeks:N", title=None),
        tooltip=[alt.Tooltip("reeks:N", title="Reeks"), alt.Tooltip("jaar:N", title="Schooljaar"),
                 alt.Tooltip("value:Q", title="Waarde", format=".1%")])
    begin = alt.Chart(pd.DataFrame({"jaar": [f"{start}/{(start + 1) % 100:02d}"], "tekst": ["start"]}))
    rule = begin.mark_rule(color="#000000", strokeDash=[4, 3]).encode(x=x)
    text = begin.mark_text(align="left", baseline="top", dx=4, fontSize=11).encode(
        x=x, y=alt.value(2), text="tekst:N")  # at the top of the plot, right of the line
    return dutch((lines + rule + text).properties(height=300))


def event_time(rows: list[dict]) -> alt.TopLevelMixin:
    """DiD effect per year relative to the start (pre-trend left of 0), with ±1,96 cluster SE bars."""
    data = pd.DataFrame(rows).sort_values("e")
    data = data.assign(low=data["att"] - 1.96 * data["se_cluster"], high=data["att"] + 1.96 * data["se_cluster"])
    x = alt.X("e:O", title=["Jaren ten opzichte van de start", "(negatief = vóór de start: pre-trend)"],
              axis=alt.Axis(labelAngle=0))
    points = alt.Chart(data).mark_point(filled=True, size=80, color=PALETTE[0]).encode(
        x=x, y=alt.Y("att:Q", axis=alt.Axis(format="+.0%", title="Verschil")),
        tooltip=[alt.Tooltip("e:O", title="Jaar t.o.v. start"), alt.Tooltip("att:Q", title="Verschil", format="+.1%")])
    bars = alt.Chart(data).mark_rule(color=PALETTE[0]).encode(x=x, y="low:Q", y2="high:Q")
    zero = alt.Chart(pd.DataFrame({"nul": [0]})).mark_rule(color="#000000").encode(y="nul:Q")
    return dutch((zero + bars + points).properties(height=240))
