"""Start the app: `python -m ui.serve [streamlit options]` (what `make run` and the browser tests use).

Streamlit still supports its first multipage style, where every file in a `pages/` folder next to the main script
is a page of its own. While no script has called `st.navigation` yet, a server process with such a folder runs in
that mode: the first visitor who opens a deep link (a shared URL such as /aanbod?regio=GM0184) gets the page
without app.py's frame, and so does everyone after until someone opens the home page. This app defines its pages
with `st.navigation` in app.py (the design keeps them in pages/), so the old mode is switched off before the
server starts.

Before the server starts, the access file (config/access.toml or TECHNIEKMONITOR_ACCESS, docs/access.md) is read
when there is one: a mistake in it stops the start with a Dutch message naming the line, as does a project lead's
subproject that the plan of action in the warehouse does not know. Then `python -m etl sync` finishes or undoes
whatever a killed upload left half done, so that the first page shows the warehouse as the kept uploads say it is.
Once the server answers, ui.warmup opens every page in the background.
"""

from __future__ import annotations

import logging
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from warehouse import access, programme
from warehouse.connection import connect
from warehouse.paths import PROJECT_ROOT


def recover() -> None:
    """Run the upload store's recovery (through the ETL's command line: ui does not import etl); report problems."""
    from ui.etl_runner import run_etl  # imported here: it reads the app's settings from the environment

    result = run_etl("sync")
    if result.err.strip():
        print(result.err.strip(), file=sys.stderr)


def access_problem() -> str | None:
    """What is wrong with the access file in use (None: nothing, or there is none; login mode then refuses)."""
    from ui.data import db_path

    path = access.access_path()
    if not path.exists():
        return None
    try:
        rules = access.load(path)
    except access.AccessFileError as exc:
        return str(exc)
    if db_path().exists():
        con = connect(db_path())
        try:
            known = set(programme.subprojects(con)["subproject_code"]) if programme.has_plan(con) else None
        finally:
            con.close()
        problem = rules.unknown_subprojects(known) if known else None
        return str(problem) if problem else None
    return None


def main(argv: list[str]) -> int:
    """Check the access file, recover the upload store, then run `streamlit run app.py` with the given options."""
    # The app's modules decorate functions with st.cache_data. Decorated before Streamlit's runtime exists (that is,
    # here, before `streamlit run` starts it), each logs "No runtime found, using MemoryCacheStorageManager":
    # harmless, as a cached function looks its storage up again on every call, but two dozen such lines at every
    # start hide the warnings that matter.
    cache_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = cache_log.level
    cache_log.setLevel(logging.ERROR)
    try:
        from ui import warmup

        problem = access_problem()
        if problem:
            print(f"FOUT in het toegangsbestand: {problem}\nDe Techniekmonitor start niet; verbeter het bestand "
                  "(uitleg in docs/access.md) en start opnieuw.", file=sys.stderr)
            return 2
        recover()
        warmup.start()  # opens every page once the server answers, so the first visitor finds warm caches
    finally:
        cache_log.setLevel(level)
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "app.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
