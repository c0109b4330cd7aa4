"""Live updates: every open session reruns within seconds when the warehouse or the upload history changes.

A commit, withdrawal or build made by anyone replaces the warehouse file or appends to the upload event log. A
small fragment in the app frame looks at both every POLL_S seconds (two stat calls, no query) and reruns the whole
app when either differs from what this session last drew, so a steering group member looking at Deelprojecten
sees a lead's report arrive without touching anything.
"""

from __future__ import annotations

import streamlit as st

from ui.data import db_version
from ui.etl_runner import uploads_stamp

POLL_S = 2.0
_SEEN = "_live_seen"  # session state: the versions this session's last full run drew


def stamp() -> tuple[tuple[str, float], tuple[str, float]]:
    """(warehouse version, upload history version) as they are now."""
    return db_version(), uploads_stamp()


def drawn() -> None:
    """Note that this run draws the current state (call it once per full run, before the page)."""
    st.session_state[_SEEN] = stamp()


@st.fragment(run_every=POLL_S)
def watch() -> None:
    """Rerun the app when the warehouse or the upload history has changed since this session last drew them."""
    now = stamp()
    if st.session_state.get(_SEEN, now) != now:
        st.session_state[_SEEN] = now
        st.rerun(scope="app")
