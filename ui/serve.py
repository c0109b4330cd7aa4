"""Start the app: `python -m ui.serve [streamlit options]` (what `make run` and the browser tests use).

Streamlit still supports its first multipage style, where every file in a `pages/` folder next to the main script
is a page of its own. While no script has called `st.navigation` yet, a server process with such a folder runs in
that mode: the first visitor who opens a deep link (a shared URL such as /aanbod?regio=GM0184) gets the page
without app.py's frame, and so does everyone after until someone opens the home page. This app defines its pages
with `st.navigation` in app.py (the design keeps them in pages/), so the old mode is switched off before the
server starts.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from warehouse.paths import PROJECT_ROOT


def main(argv: list[str]) -> int:
    """Run `streamlit run app.py` with the given extra options."""
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "app.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
