"""Page 'Aanbod technici': technical choices and graduates over time, by municipality, against NL."""

import pandas as pd
import streamlit as st

from ui import charts
from ui.data import db_version, indicator_series
from ui.filters import sidebar_filters
from ui.layout import demo_banner, series_caption, warehouse_ready
from warehouse.catalog import CATALOGUE

SUPPLY = ["vmbo_tech_share", "havo_vwo_nt_share", "vmbo_tech_candidates", "havo_vwo_nt_candidates",
          "mbo_tech_students", "mbo_tech_graduates", "ho_tech_share", "ho_tech_first_years", "ho_tech_graduates"]
FLEVOLAND = {"GM0034": "Almere", "GM0995": "Lelystad", "GM0303": "Dronten", "GM0171": "Noordoostpolder",
             "GM0184": "Urk", "GM0050": "Zeewolde"}
COMPARISON = {"PV24": "Flevoland", "NL": "Nederland"}

st.title("Aanbod technici")
st.caption("Hoeveel jongeren kiezen een technische richting, van vmbo tot hbo/wo, en hoe verhoudt Flevoland zich "
           "tot Nederland?")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()
version = db_version()

available = [i for i in SUPPLY if i in CATALOGUE]
indicator_id = st.radio("Indicator", available, format_func=lambda i: CATALOGUE[i].name, key="aanbod_indicator",
                        horizontal=True)
indicator = CATALOGUE[indicator_id]
st.caption(f"{indicator.definition} Formule: {indicator.formula}.")

regions = {filters.region: filters.region_label, **COMPARISON}
trend = pd.concat(
    [indicator_series(version, indicator_id, code, filters.from_year, filters.to_year).assign(reeks=label)
     for code, label in regions.items()],
    ignore_index=True,
)
st.subheader("Ontwikkeling")
if trend.empty:
    st.info("Geen gegevens voor deze indicator in de gekozen periode.")
else:
    st.altair_chart(charts.trend(trend, indicator.unit, indicator.name, series="reeks"), width="stretch")
    st.caption(series_caption(trend) + " De band rond een lijn is de marge door onderdrukte kleine aantallen.")

st.subheader("Per gemeente, laatste periode")
rows = []
for code, label in {**FLEVOLAND, **COMPARISON}.items():
    series = indicator_series(version, indicator_id, code, filters.from_year, filters.to_year)
    if not series.empty:
        rows.append(series.iloc[[-1]].assign(regio=label))
if rows:
    latest = pd.concat(rows, ignore_index=True)
    st.altair_chart(charts.bars(latest, indicator.unit, indicator.name, references=tuple(COMPARISON.values())),
                    width="stretch")
    st.caption(series_caption(latest) + " Zwarte lijn: marge door onderdrukte aantallen ('<5').")
    st.download_button("Download als CSV", latest.drop(columns=["regio"]).to_csv(index=False).encode("utf-8"),
                       file_name=f"{indicator_id}_gemeenten.csv", mime="text/csv", key="aanbod_download")
else:
    st.info("Geen gegevens per gemeente voor deze indicator.")
for caveat in indicator.caveats:
    st.caption(f"Let op: {caveat}")
