"""Techniekmonitor Flevoland: the Streamlit frame (page config, navigation, shared sidebar)."""

import streamlit as st

from ui import live

st.set_page_config(page_title="Techniekmonitor Flevoland", page_icon=":material/precision_manufacturing:",
                   layout="wide")

navigation = st.navigation(
    {
        "Stuurgroep": [st.Page("pages/overzicht.py", title="Overzicht", icon=":material/dashboard:", default=True)],
        "Thema's": [
            st.Page("pages/aanbod.py", title="Aanbod technici", icon=":material/school:"),
            st.Page("pages/behoud.py", title="Behoud in de regio", icon=":material/home_pin:"),
            st.Page("pages/arbeidsmarkt.py", title="Arbeidsmarkt", icon=":material/work:"),
            st.Page("pages/deelprojecten.py", title="Deelprojecten", icon=":material/flag:"),
            st.Page("pages/effecten.py", title="Effecten", icon=":material/insights:"),
        ],
        "Analyse": [
            st.Page("pages/verkenner.py", title="Verkenner", icon=":material/query_stats:"),
            st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
            st.Page("pages/bronnen.py", title="Bronnen & definities", icon=":material/menu_book:"),
            st.Page("pages/inhoud.py", title="Inhoud van het datawarehouse", icon=":material/database:"),
        ],
    }
)
st.sidebar.caption("Toptechniek in bedrijf Flevoland — meet- en evaluatiesysteem")
live.drawn()
with st.sidebar:
    live.watch()  # draws nothing; reruns this session when someone else changed the data
# Printed for the steering group: no sidebar, toolbar, widgets' chrome or help icons (paper has no tooltips), the
# page at full paper width. Streamlit's own print CSS turns every row of columns holding a chart into a stack
# (display: block, each column 100% wide), because a chart keeps the pixel width it was drawn at on screen; that
# made the overview four A4 pages. Here rows stay rows (flex, no wrapping, columns allowed to shrink) and a chart's
# SVG scales down to its column instead (Vega gives the SVG a viewBox, so it keeps its proportions). A heading
# stays with what follows it. The overview adds A4 landscape and its own scale (ui.layout.OVERVIEW_CSS).
st.html("""<style>
@page { size: A4; margin: 1cm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stDownloadButton"],
  [data-testid="stTooltipIcon"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  [data-testid="stVegaLiteChart"] { break-inside: avoid; }
  [data-testid="stHorizontalBlock"] { display: flex !important; flex-wrap: nowrap !important; break-inside: avoid; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { width: auto !important; min-width: 0 !important;
    margin-bottom: 0 !important; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] > [data-testid="stVerticalBlock"] {
    display: flex !important; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] > [data-testid="stVerticalBlock"] > * {
    margin-bottom: 0 !important; }
  [data-testid="stVegaLiteChart"] svg { max-width: 100% !important; height: auto !important; }
  [data-testid="stElementContainer"]:has(h1, h2, h3, h4) { break-after: avoid; }
}
</style>""")
navigation.run()
