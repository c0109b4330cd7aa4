"""Page 'Behoud in de regio': do young people stay, and where do Flevoland's mbo students study?"""

import streamlit as st

from report import buttons
from ui import charts, draw
from ui import format as fmt
from ui.access import counted_reports, guard
from ui.data import db_path, db_version, mbo_destinations, residence_years
from ui.filters import sidebar_filters
from ui.layout import demo_banner, warehouse_ready
from ui.sections import caveats, indicator_by_municipality, indicator_trend

grant = guard("behoud")  # the role may open this page, else a Dutch refusal

st.title("Behoud in de regio")
st.caption("Blijven jongeren in de regio wonen en studeren? Vijfjaarsbehoud van jongeren en de studieplaats van "
           "mbo-studenten.")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()
pdf = buttons.factsheet(db_path(), filters.region, filters.region_label, counted_reports(grant))
st.sidebar.download_button(pdf.label, pdf.data, file_name=pdf.file_name, mime=buttons.PDF, help=pdf.help,
                           disabled=pdf.disabled, on_click="ignore", icon=":material/picture_as_pdf:",
                           key="behoud_factsheet_pdf")
version = db_version()

st.subheader("Vijfjaarsbehoud van jongeren")
st.caption("Inwoners van 20–24 jaar in jaar t+5 gedeeld door inwoners van 15–19 jaar in jaar t (CBS). Boven 1: de "
           "regio trekt jongvolwassenen aan; onder 1: ze vertrekken per saldo.")
indicator_trend("youth_retention_5y", filters)
indicator_by_municipality("youth_retention_5y", filters, key="behoud_retention_download")

st.subheader("Mbo-studenten die in de eigen regio studeren")
# Nederland is by definition 100% here, so Flevoland is the only meaningful reference.
indicator_trend("mbo_study_in_region", filters, references={"PV24": "Flevoland"})
caveats("mbo_study_in_region")

st.subheader(f"Waar studeren mbo-studenten uit {filters.region_label}?")
years = residence_years(version)
if not years:
    st.info("Het datawarehouse bevat nog geen mbo-studenten per woongemeente (DUO). Haal ze op met "
            "`python -m etl fetch --source duo`.")
else:
    school_year = st.select_slider("Schooljaar", options=years, value=years[-1], format_func=fmt.period_label,
                                   key="behoud_school_year")
    flows = mbo_destinations(version, filters.region, school_year)
    if flows.empty:
        st.info("Geen mbo-studenten uit deze regio in dit schooljaar.")
    else:
        top = flows.head(12).assign(
            regio=lambda f: f["municipality"] + f["in_region"].map({True: " (in regio)", False: ""}))
        draw.chart(charts.flows, top, "Mbo-studenten")
        inside = flows.loc[flows["in_region"], "mid"].sum() / flows["mid"].sum()
        st.caption(f"Bron: DUO, mbo-studenten per woongemeente. Schooljaar {fmt.period_label(school_year)} "
                   f"(peildatum 1 oktober). {fmt.percent(inside)} studeert bij een instelling in de regio zelf. "
                   "Gemeente = vestigingsplaats van de instelling; onderdrukte aantallen als marge.")

with st.expander("Methode en kanttekeningen"):
    st.markdown(
        "- **Leeftijdsbanden.** Vijfjaarsbehoud volgt een cohort: wie in jaar t 15–19 is, is in t+5 20–24. "
        "Verhuizing, sterfte en migratie tellen samen; het is geen meting van individuen.\n"
        "- **Woonplaats en studieplaats.** DUO koppelt studenten aan hun woongemeente en aan de gemeente van de "
        "instellingsvestiging; een vestiging buiten de regio van een regionale instelling telt als 'buiten'.\n"
        "- **Studenten in het buitenland of met onbekende woonplaats** tellen niet mee.")
