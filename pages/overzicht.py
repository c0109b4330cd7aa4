"""Page 'Overzicht': the programme's headline indicators for the chosen region, against NL, at a glance."""

from datetime import date

import pandas as pd
import streamlit as st

from ui import charts
from ui import format as fmt
from ui.data import (
    db_version,
    has_plan,
    indicator_series,
    report_months,
    sources,
    subproject_detail,
    subprojects,
)
from ui.filters import sidebar_filters
from ui.layout import demo_banner, series_caption, warehouse_ready
from warehouse.catalog import CATALOGUE

# Different icon shapes as well as colours, and the status in words: never colour alone.
LIGHTS = {"op koers": ":green[:material/check_circle:]", "let op": ":orange[:material/error:]",
          "achter": ":red[:material/cancel:]", "onbekend": ":gray[:material/help:]"}
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

st.subheader("Deelprojecten")
if not has_plan(version):
    st.info("Nog geen plan van aanpak geüpload: de voortgang van de deelprojecten verschijnt hier na de eerste upload "
            "(pagina Upload).")
else:
    today = date.today()
    last_month = (pd.Timestamp(today) - pd.DateOffset(months=1)).strftime("%Y-%m")
    cards = st.columns(3)
    for number, project in enumerate(subprojects(version).itertuples(index=False)):
        detail = subproject_detail(version, project.subproject_code, today)
        with cards[number % 3].container(border=True):
            st.markdown(f"**{project.name}**  \n{project.municipality}")
            for kpi in detail["progress"].itertuples(index=False):
                st.markdown(f"{LIGHTS[kpi.status]} {kpi.name}: **{kpi.status}** ({fmt.percent(kpi.ratio, 0)})")
            summary = detail["milestone_summary"]
            st.caption(f"Mijlpalen: {summary['behaald']} behaald, {summary['te laat']} te laat, "
                       f"{summary['binnenkort']} binnen drie maanden.")
            months = report_months(version, project.subproject_code, last_month, last_month)
            if months.iloc[0]["status"] == "ontbreekt":
                st.markdown(f":red[:material/warning:] Maandrapportage {fmt.period_label(last_month)} **ontbreekt**")
            else:
                st.caption(f"Maandrapportage {fmt.period_label(last_month)}: {months.iloc[0]['status']}.")
    st.caption("Verkeerslicht per KPI: op koers vanaf 90% van het doelpad tot nu, let op vanaf 70%, anders achter; "
               "de status staat er altijd in woorden bij.")

missing = [i for i in HEADLINE if i not in CATALOGUE]
if missing:
    st.caption("Nog niet in de monitor (bron volgt): " + ", ".join(missing) + ".")

st.subheader("Actualiteit van de bronnen")
files = sources(version)
for _, row in files.drop_duplicates("source_id").iterrows():
    when = "demodata (gegenereerd)" if row["is_demo"] else (
        f"opgehaald {row['retrieved_at'][:10]}" if row["retrieved_at"] else "handmatig toegevoegd")
    st.markdown(f"- **{row['publisher']}, {row['title']}** — {when}")
