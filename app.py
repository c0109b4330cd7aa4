"""Techniekmonitor Flevoland: the Streamlit frame (page config, navigation, shared sidebar)."""

import streamlit as st

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
# Printed for the steering group: no sidebar, toolbar or widgets' chrome, the page at full paper width.
st.html("""<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stDownloadButton"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.4cm 0.6cm !important; }
  [data-testid="stVerticalBlockBorderWrapper"], [data-testid="stVegaLiteChart"] { break-inside: avoid; }
}
</style>""")
navigation.run()
