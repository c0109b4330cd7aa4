"""Page 'Aanbod technici': technical choices and graduates over time, by municipality, against NL."""

import pandas as pd
import streamlit as st

from report import buttons
from ui import charts, draw
from ui.access import counted_reports, guard
from ui.data import comparable, db_path, db_version, indicator_series, region_options, technical_share_by_sex
from ui.filters import sidebar_filters
from ui.layout import demo_banner, series_caption, warehouse_ready
from ui.sections import caveats, indicator_by_municipality, indicator_trend
from warehouse.catalog import CATALOGUE

grant = guard("aanbod")  # the role may open this page, else a Dutch refusal

PIPELINE = {"vmbo_tech_candidates": "vmbo techniek (examen)", "havo_vwo_nt_candidates": "havo/vwo N&T (examen)",
            "mbo_tech_students": "mbo techniek (studenten)", "ho_tech_first_years": "hbo/wo techniek (eerstejaars)"}
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
pdf = buttons.factsheet(db_path(), filters.region, filters.region_label, counted_reports(grant))
st.sidebar.download_button(pdf.label, pdf.data, file_name=pdf.file_name, mime=buttons.PDF, help=pdf.help,
                           disabled=pdf.disabled, on_click="ignore", icon=":material/picture_as_pdf:",
                           key="aanbod_factsheet_pdf")
options = region_options(db_version())

available = [i for i in SUPPLY if i in CATALOGUE]
indicator_id = st.radio("Indicator", available, format_func=lambda i: CATALOGUE[i].name, key="aanbod_indicator",
                        horizontal=True)
indicator = CATALOGUE[indicator_id]
st.caption(f"{indicator.definition} Formule: {indicator.formula}.")
st.subheader(f"De keten in techniek — {filters.region_label}")
chain = {label: indicator_series(db_version(), i, filters.region, filters.from_year, filters.to_year)
         .assign(reeks=filters.region_label) for i, label in PIPELINE.items() if i in CATALOGUE}
shown = pd.concat(chain.values(), ignore_index=True)
if shown.empty:
    st.info("Nog geen aantallen per onderwijsniveau voor deze regio.")
else:
    # One small chart per level, each on its own count axis: the levels differ up to tenfold, and on one shared
    # axis three of the four lay flat at the bottom. The period axis is the same in all four, so they line up.
    periods = tuple(sorted(shown["period"].unique()))
    for row in range(0, len(chain), 2):
        for column, (label, frame) in zip(st.columns(2), list(chain.items())[row:row + 2], strict=False):
            with column:
                if frame.empty:
                    st.info(f"Geen aantallen voor {label} in deze regio en periode.")
                else:
                    draw.chart(charts.trend, frame, "count", label, series="reeks", periods=periods, height=230,
                               legend=False)
    st.caption(series_caption(shown) + " Aantallen per onderwijsniveau naar vestigingsplaats van school of "
               "instelling; de niveaus tellen verschillende momenten (examen, inschrijving, eerste jaar), elk op "
               "een eigen schaal.")

st.subheader("Ontwikkeling")
indicator_trend(indicator_id, filters)
st.subheader("Per gemeente, laatste periode")
indicator_by_municipality(indicator_id, filters, key="aanbod_download")

if filters.region.startswith("GM") and indicator.unit == "share":
    st.subheader(f"{filters.region_label} tegen vergelijkbare gemeenten")
    peers = comparable(db_version(), indicator_id, filters.region)
    rows = [indicator_series(db_version(), indicator_id, code, filters.from_year, filters.to_year).tail(1)
            .assign(regio=options[code]) for code in [filters.region, *peers]]
    peers_frame = pd.concat([r for r in rows if not r.empty], ignore_index=True) if rows else pd.DataFrame()
    if len(peers_frame) > 1:
        draw.chart(charts.bars, peers_frame, indicator.unit, indicator.name)
        st.caption(series_caption(peers_frame) + " Vergelijkbaar: de acht gemeenten buiten Flevoland die het meest "
                   "lijken in niveau, trend en omvang (dezelfde selectie als op de pagina Effecten).")
    else:
        st.info("Geen vergelijkbare gemeenten te vinden voor deze indicator.")
caveats(indicator_id)

st.subheader(f"Jongens en meisjes — {filters.region_label}")
st.caption("Aandeel examenkandidaten dat een technische richting kiest, apart voor jongens en meisjes.")
for levels, title in ((("vmbo",), "vmbo: sector techniek"), (("havo", "vwo"), "havo/vwo: profiel met N&T")):
    by_sex = technical_share_by_sex(db_version(), filters.region, levels, filters.from_year, filters.to_year)
    if by_sex.empty:
        st.info(f"Geen examengegevens ({title}) voor deze regio en periode.")
        continue
    draw.chart(charts.trend, by_sex, "share", f"Aandeel techniek, {title}", series="reeks")
    st.caption(series_caption(by_sex))
