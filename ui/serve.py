"""Start the app: `python -m ui.serve [streamlit options]` (what `make run` and the browser tests use).

Streamlit still supports its first multipage style, where every file in a `pages/` folder next to the main script
is a page of its own. While no script has called `st.navigation` yet, a server process with such a folder runs in
that mode: the first visitor who opens a deep link (a shared URL such as /aanbod?regio=GM0184) gets the page
without app.py's frame, and so does everyone after until someone opens the home page. This app defines its pages
with `st.navigation` in app.py (the design keeps them in pages/), so the old mode is switched off before the
server starts.

Before the server starts, `python -m etl sync` finishes or undoes whatever a killed upload left half done, so that
the first page shows the warehouse as the kept uploads say it is. Once the server answers, ui.warmup opens every
page in the background.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from ui import warmup
from warehouse.paths import PROJECT_ROOT


def recover() -> None:
    """Run the upload store's recovery (through the ETL's command line: ui does not import etl); report problems."""
    from ui.etl_runner import run_etl  # imported here: it reads the app's settings from the environment

    result = run_etl("sync")
    if result.err.strip():
        print(result.err.strip(), file=sys.stderr)


def main(argv: list[str]) -> int:
    """Recover the upload store, then run `streamlit run app.py` with the given extra options."""
    recover()
    warmup.start()  # opens every page once the server answers, so the first visitor finds warm caches
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "app.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
