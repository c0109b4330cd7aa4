"""An address that names no page (mistyped, or an old link): a Dutch notice instead of Streamlit's English dialog."""

from __future__ import annotations

import streamlit as st
from streamlit.commands import navigation as streamlit_navigation

NOTICE = "Dit adres hoort bij geen pagina (meer); u ziet het overzicht. Kies een pagina in het menu."


def _notice(_ctx: object) -> None:
    """Show the Dutch notice; st.navigation then runs the default page (Overzicht), as it would have."""
    st.toast(NOTICE, icon=":material/link_off:", duration="long")


def use_dutch_notice() -> None:
    """Replace Streamlit's 'Page not found' dialog (English, sent by st.navigation) with the Dutch notice.

    Streamlit has no setting for the dialog's text: st.navigation calls the module's send_page_not_found, which
    makes the browser show it, so that function is swapped here. Call before st.navigation.
    """
    streamlit_navigation.send_page_not_found = _notice
