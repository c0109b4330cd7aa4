"""Page sections shared by the theme pages: an indicator's trend against references, and by municipality."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, draw, export
from ui import format as fmt
from ui.data import boundaries, db_version, indicator_series
from ui.filters import Filters
from ui.layout import series_caption
from warehouse.catalog import CATALOGUE

FLEVOLAND_MUNICIPALITIES = {"GM0034": "Almere", "GM0995": "Lelystad", "GM0303": "Dronten",
                            "GM0171": "Noordoostpolder", "GM0184": "Urk", "GM0050": "Zeewolde"}
REFERENCES = {"PV24": "Flevoland", "NL": "Nederland"}


def _known(indicator_id: str) -> bool:
    """False (with a Dutch note) for an indicator this version of the monitor does not define."""
    if indicator_id in CATALOGUE:
        return True
    st.info(f"De indicator '{indicator_id}' zit nog niet in deze versie van de monitor.")
    return False


def indicator_trend(indicator_id: str, filters: Filters, references: dict[str, str] | None = None) -> None:
    """The chosen region against references (default Flevoland and NL) over time, margins as a band."""
    if not _known(indicator_id):
        return
    indicator = CATALOGUE[indicator_id]
    version = db_version()
    regions = {filters.region: filters.region_label, **(REFERENCES if references is None else references)}
    data = pd.concat(
        [indicator_series(version, indicator_id, code, filters.from_year, filters.to_year).assign(reeks=label)
         for code, label in regions.items()], ignore_index=True)
    if data.empty:
        st.info(f"Nog geen gegevens voor '{indicator.name}' in de gekozen periode. "
                f"Bron: {', '.join(indicator.sources)}; haal die op met `python -m etl fetch` of kies een andere "
                "periode.")
        return
    margin = (data["lower"] != data["upper"]).any()
    note = " De band rond een lijn is de marge door onderdrukte kleine aantallen." if margin else ""
    indexed = as_index(data) if indicator.unit == "count" else None
    if indexed is None:
        draw.chart(charts.trend, data, indicator.unit, indicator.name, series="reeks")
    else:
        # Counts of a municipality, the province and the country differ 10- to 1000-fold: on one count axis the
        # smaller lines lie flat at the bottom. As an index each line shows its own development.
        frame, base = indexed
        draw.chart(charts.trend, frame, "index", f"{indicator.name} (index, {base} = 100)", series="reeks")
        latest = data.sort_values("period").groupby("reeks", sort=False).tail(1)
        one_period = latest["period"].nunique() == 1
        counts = ", ".join(f"{row.reeks} {fmt.count_with_bounds(row.value, row.lower, row.upper)}"
                           + ("" if one_period else f" ({fmt.period_label(row.period)})")
                           for row in latest.itertuples())
        when = f" ({fmt.period_label(latest['period'].iloc[0])})" if one_period else ""
        note += (f" Index: elke reeks gedeeld door haar eigen aantal in {base} (= 100), zodat regio's van "
                 f"verschillende grootte te vergelijken zijn. Laatste aantallen{when}: {counts}.")
    st.caption(series_caption(data) + note)


def as_index(data: pd.DataFrame) -> tuple[pd.DataFrame, str] | None:
    """Each series as an index (its value in the first period all series share = 100) and that period's label.

    None for a single series, or when a series has no positive value in that period to divide by.
    """
    if data["reeks"].nunique() < 2:
        return None
    shared = set.intersection(*(set(part["period"]) for _, part in data.groupby("reeks")))
    if not shared:
        return None
    first = min(shared)
    base = data[data["period"] == first].set_index("reeks")["value"]
    if (base.isna() | (base <= 0)).any():
        return None
    scale = 100 / data["reeks"].map(base)
    return data.assign(value=data["value"] * scale, lower=data["lower"] * scale, upper=data["upper"] * scale,
                       unit="index"), fmt.period_label(first)


def indicator_by_municipality(indicator_id: str, filters: Filters, key: str) -> None:
    """A map and bars of the six Flevoland municipalities (with Flevoland and NL) in their latest period."""
    if indicator_id not in CATALOGUE:
        return  # indicator_trend has said so already
    indicator = CATALOGUE[indicator_id]
    version = db_version()
    rows = []
    for code, label in {**FLEVOLAND_MUNICIPALITIES, **REFERENCES}.items():
        series = indicator_series(version, indicator_id, code, filters.from_year, filters.to_year)
        if not series.empty:
            rows.append(series.iloc[[-1]].assign(regio=label, code=code))
    if not rows:
        st.info(f"Geen gegevens per gemeente voor '{indicator.name}'.")
        return
    latest = pd.concat(rows, ignore_index=True)
    on_map, on_bars = st.columns([2, 3])
    with on_map:
        year = int(latest["period"].max()[:4])
        shapes = boundaries(version, tuple(FLEVOLAND_MUNICIPALITIES), year)
        if shapes.collection is None:
            st.info(f"Geen kaart: {shapes.reason}")
        else:
            municipalities = latest[latest["code"].isin(list(FLEVOLAND_MUNICIPALITIES))]
            draw.chart(charts.choropleth, shapes.collection, municipalities, indicator.unit, indicator.name)
            st.caption(f"Gemeentegrenzen {shapes.year} (CBS/PDOK gebiedsindelingen). Grijs: geen gegevens.")
    # A share or ratio of Flevoland and NL compares with a municipality's; a count is their sum, whose bar would
    # squeeze the six municipalities' bars to slivers: those totals go in the caption instead.
    totals = latest[latest["code"].isin(list(REFERENCES))] if indicator.unit == "count" else latest.iloc[0:0]
    with on_bars:
        draw.chart(charts.bars, latest.drop(totals.index), indicator.unit, indicator.name,
                   references=tuple(REFERENCES.values()))
    margin = (latest["lower"] != latest["upper"]).any()
    summed = (" Totalen: " + ", ".join(f"{row.regio} {fmt.count_with_bounds(row.value, row.lower, row.upper)}"
                                       for row in totals.itertuples()) + ".") if len(totals) else ""
    st.caption(series_caption(latest) + summed +
               (" Zwarte lijn: marge door onderdrukte aantallen ('<5')." if margin else ""))
    st.download_button("Download als CSV", export.csv_bytes(latest.drop(columns=["regio"])),
                       file_name=f"{indicator_id}_gemeenten.csv", mime="text/csv", key=key)


def caveats(indicator_id: str) -> None:
    """The indicator's caveats, always shown under its charts."""
    for caveat in CATALOGUE[indicator_id].caveats if indicator_id in CATALOGUE else ():
        st.caption(f"Let op: {caveat}")
