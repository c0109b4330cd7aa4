"""Page 'Aanbod technici': technical choices and graduates over time, by municipality, against NL."""

import streamlit as st

from ui import charts
from ui.data import db_version, technical_share_by_sex
from ui.filters import sidebar_filters
from ui.layout import demo_banner, series_caption, warehouse_ready
from ui.sections import caveats, indicator_by_municipality, indicator_trend
from warehouse.catalog import CATALOGUE

SUPPLY = ["vmbo_tech_share", "havo_vwo_nt_share", "vmbo_tech_candidates", "havo_vwo_nt_candidates",
          "mbo_tech_students", "mbo_tech_graduates", "ho_tech_share", "ho_tech_first_years", "ho_tech_graduates",
          "tech_graduates_all_levels"]

st.title("Aanbod technici")
st.caption("Hoeveel jongeren kiezen een technische richting, van vmbo tot hbo/wo, en hoe verhoudt Flevoland zich "
           "tot Nederland?")
if not warehouse_ready():
    st.stop()
demo_banner()
filters = sidebar_filters()

available = [i for i in SUPPLY if i in CATALOGUE]
indicator_id = st.radio("Indicator", available, format_func=lambda i: CATALOGUE[i].name, key="aanbod_indicator",
                        horizontal=True)
indicator = CATALOGUE[indicator_id]
st.caption(f"{indicator.definition} Formule: {indicator.formula}.")
st.subheader("Ontwikkeling")
indicator_trend(indicator_id, filters)
st.subheader("Per gemeente, laatste periode")
indicator_by_municipality(indicator_id, filters, key="aanbod_download")
caveats(indicator_id)

st.subheader(f"Jongens en meisjes — {filters.region_label}")
st.caption("Aandeel examenkandidaten dat een technische richting kiest, apart voor jongens en meisjes.")
for levels, title in ((("vmbo",), "vmbo: sector techniek"), (("havo", "vwo"), "havo/vwo: profiel met N&T")):
    by_sex = technical_share_by_sex(db_version(), filters.region, levels, filters.from_year, filters.to_year)
    if by_sex.empty:
        st.info(f"Geen examengegevens ({title}) voor deze regio en periode.")
        continue
    st.altair_chart(charts.trend(by_sex, "share", f"Aandeel techniek, {title}", series="reeks"), width="stretch")
    st.caption(series_caption(by_sex))
