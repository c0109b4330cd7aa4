"""Techniekmonitor Flevoland: the Streamlit frame (page config, navigation, shared sidebar)."""

import streamlit as st

st.set_page_config(page_title="Techniekmonitor Flevoland", page_icon="🛠️", layout="wide")

pages = [
    st.Page("pages/inhoud.py", title="Inhoud van het datawarehouse", icon="🗄️", default=True),
]
navigation = st.navigation(pages)
st.sidebar.caption("Toptechniek in bedrijf Flevoland — meet- en evaluatiesysteem")
navigation.run()
