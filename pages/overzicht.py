"""Page 'Overzicht': the programme's headline indicators for the chosen region, against NL, at a glance."""

import streamlit as st

from ui import charts
from ui import format as fmt
from ui.data import db_version, indicator_series, sources
from ui.filters import sidebar_filters
from ui.layout import demo_banner, series_caption, warehouse_ready
from warehouse.catalog import CATALOGUE

HEADLINE = ["vmbo_tech_share", "havo_vwo_nt_share", "ho_tech_first_years", "mbo_tech_students",
            "youth_retention_5y", "unemployment_rate"]

st.title("Overzicht")
st.caption("Toptechniek in bedrijf Flevoland: kiezen jongeren voor techniek, en blijven ze in de regio?")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()
version = db_version()

st.subheader(f"Kernindicatoren — {filters.region_label}")
shown = [i for i in HEADLINE if i in CATALOGUE]
columns = st.columns(3)
for number, indicator_id in enumerate(shown):
    indicator = CATALOGUE[indicator_id]
    series = indicator_series(version, indicator_id, filters.region, filters.from_year, filters.to_year)
    with columns[number % 3].container(border=True):
        if series.empty:
            st.metric(indicator.name, "geen gegevens", help=indicator.definition)
            st.caption("Deze bron zit nog niet in het datawarehouse of heeft geen cijfers voor deze regio.")
            continue
        latest = series.iloc[-1]
        delta = None
        if len(series) > 1:
            change = latest["value"] - series.iloc[-2]["value"]
            delta = (f"{fmt.number(change * 100, 1)} %-punt" if indicator.unit == "share"
                     else fmt.number(change, 1 if indicator.unit == "ratio" else 0))
            delta = f"+{delta}" if change > 0 else delta
        st.markdown(f"**{indicator.name}**", help=f"{indicator.definition} Formule: {indicator.formula}.")
        point = (fmt.percent(latest["value"]) if indicator.unit == "share"
                 else fmt.indicator_value(indicator.unit, latest["value"], latest["value"], latest["value"]))
        st.metric(indicator.name, point, delta=delta, delta_color="off", label_visibility="collapsed")
        if latest["lower"] != latest["upper"]:
            bounds = fmt.indicator_value(indicator.unit, latest["value"], latest["lower"], latest["upper"])
            st.caption(f"Met marge door onderdrukte aantallen: {bounds}")
        national = indicator_series(version, indicator_id, "NL", filters.from_year, filters.to_year)
        national = national[national["period"] == latest["period"]]
        nl_text = (fmt.indicator_value(indicator.unit, *national.iloc[0][["value", "lower", "upper"]])
                   if len(national) else "–")
        st.markdown(f"{fmt.period_label(latest['period'])} · Nederland: **{nl_text}**")
        if len(series) > 1:
            st.altair_chart(charts.sparkline(series, indicator.unit), width="stretch")
        st.caption(series_caption(series))

missing = [i for i in HEADLINE if i not in CATALOGUE]
if missing:
    st.caption("Nog niet in de monitor (bron volgt): " + ", ".join(missing) + ".")

st.subheader("Actualiteit van de bronnen")
files = sources(version)
for _, row in files.drop_duplicates("source_id").iterrows():
    when = "demodata (gegenereerd)" if row["is_demo"] else (
        f"opgehaald {row['retrieved_at'][:10]}" if row["retrieved_at"] else "handmatig toegevoegd")
    st.markdown(f"- **{row['publisher']}, {row['title']}** — {when}")
