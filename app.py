"""Techniekmonitor Flevoland: the Streamlit frame (page config, navigation, shared sidebar)."""

import streamlit as st

from ui import access, live, unknown_page

st.set_page_config(page_title="Techniekmonitor Flevoland", page_icon=":material/precision_manufacturing:",
                   layout="wide")

# Login, 'geen toegang' or the refused demo mode end the run here; a page the role may not open is a hidden refusal
# under its own URL (ui/access.py), and each page checks again at its top.
grant = access.gate()
page = access.page_for(grant)
unknown_page.use_dutch_notice()
navigation = st.navigation(
    {
        "Stuurgroep": [page("overzicht", "Overzicht", ":material/dashboard:", default=True)],
        "Thema's": [
            page("aanbod", "Aanbod technici", ":material/school:"),
            page("behoud", "Behoud in de regio", ":material/home_pin:"),
            page("arbeidsmarkt", "Arbeidsmarkt", ":material/work:"),
            page("aansluiting", "Aansluiting onderwijs–arbeidsmarkt", ":material/compare_arrows:"),
            page("deelprojecten", "Deelprojecten", ":material/flag:"),
            page("effecten", "Effecten", ":material/insights:"),
        ],
        "Analyse": [
            page("verkenner", "Verkenner", ":material/query_stats:"),
            page("upload", "Upload", ":material/upload_file:"),
            page("bronnen", "Bronnen & definities", ":material/menu_book:"),
            page("inhoud", "Inhoud van het datawarehouse", ":material/database:"),
            page("logboek", "Logboek", ":material/history:"),
        ],
    }
)
st.sidebar.caption("Toptechniek in bedrijf Flevoland — meet- en evaluatiesysteem")
access.sidebar(grant)
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
  [data-testid="stTooltipIcon"], .st-key-toegang_demo { display: none !important; }
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
access.demo_bar(grant)  # demo mode only: "Demomodus: geen inlog" and the role switch, above the page
navigation.run()
