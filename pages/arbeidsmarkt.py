"""Page 'Arbeidsmarkt': unemployment, technical vacancies and tension, next to the supply of technical graduates."""

import streamlit as st

from report import buttons
from ui.access import counted_reports, guard
from ui.data import db_path
from ui.filters import sidebar_filters
from ui.layout import demo_banner, warehouse_ready
from ui.sections import caveats, indicator_by_municipality, indicator_trend

grant = guard("arbeidsmarkt")  # the role may open this page, else a Dutch refusal

st.title("Arbeidsmarkt")
st.caption("Is er werk voor technici, en hoeveel technici komen er van school? Werkloosheid, technische vacatures "
           "en spanning naast het aantal technisch gediplomeerden.")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()
pdf = buttons.factsheet(db_path(), filters.region, filters.region_label, counted_reports(grant))
st.sidebar.download_button(pdf.label, pdf.data, file_name=pdf.file_name, mime=buttons.PDF, help=pdf.help,
                           disabled=pdf.disabled, on_click="ignore", icon=":material/picture_as_pdf:",
                           key="arbeidsmarkt_factsheet_pdf")

left, right = st.columns(2)
with left:
    st.subheader("Werkloosheid")
    indicator_trend("unemployment_rate", filters)
with right:
    st.subheader("Technisch gediplomeerden (mbo, hbo, wo)")
    indicator_trend("tech_graduates_all_levels", filters)

st.subheader("Openstaande vacatures in technische beroepen")
indicator_trend("tech_vacancies", filters)
indicator_by_municipality("tech_vacancies", filters, key="arbeidsmarkt_vacancies_download")

st.subheader("Spanning: vacatures per werkzoekende in technische beroepen")
st.caption("Boven 1: meer vacatures dan werkzoekenden met een technisch beroep (krap); onder 1: ruim.")
indicator_trend("tech_tension", filters)

with st.expander("Kanttekeningen"):
    for indicator_id in ("unemployment_rate", "tech_vacancies", "tech_tension", "tech_graduates_all_levels"):
        caveats(indicator_id)
