"""Warming the caches: after the server starts and after the warehouse changes, every page is opened once.

The first visitor of a page after a start or a rebuild used to pay for everything its cached functions compute
(queries, effect estimates, chart specifications) and for importing what the page needs (statsmodels, scipy):
two to three times a warm page's time. Here a headless session opens every page with the default filters, over
the same websocket a browser uses, so the work is done before anyone asks for it and by the same code that a
browser would run: nothing here repeats what the pages call.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from streamlit.logger import get_logger
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime
from streamlit.runtime.runtime import RuntimeState
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from ui.access import WARMUP_HEADER, WARMUP_TOKEN
from ui.data import db_version
from warehouse.paths import PROJECT_ROOT

PAGE_TIMEOUT_S = 120.0
_LOG = get_logger(__name__)  # Streamlit's handler and level: the lines appear in the server's log


def pages(root: Path = PROJECT_ROOT) -> list[str]:
    """The URL path of every page (app.py gives each st.Page the name of its file in pages/)."""
    return sorted(path.stem for path in (root / "pages").glob("*.py"))


def visit(base_url: str, page: str, timeout_s: float = PAGE_TIMEOUT_S) -> bool:
    """Open one page as a new session and wait until its script has run; True when it finished."""
    url = base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    message = BackMsg()
    message.rerun_script.page_name = page
    message.rerun_script.query_string = ""
    deadline = time.monotonic() + timeout_s
    # The header lets the session through the login (ui/access.py): the token exists only inside this process.
    with connect(url, subprotocols=["streamlit"], origin=base_url, open_timeout=timeout_s, max_size=None,
                 additional_headers={WARMUP_HEADER: WARMUP_TOKEN}) as socket:
        socket.send(message.SerializeToString())
        while (left := deadline - time.monotonic()) > 0:
            reply = ForwardMsg.FromString(socket.recv(timeout=left))
            if reply.WhichOneof("type") == "script_finished":
                return True
    return False


def _stopping() -> bool:
    return Runtime.exists() and Runtime.instance().state in (RuntimeState.STOPPING, RuntimeState.STOPPED)


def healthy(base_url: str, wait_s: float) -> bool:
    """Wait until the server answers its health check."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url.rstrip("/") + "/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def warm(base_url: str, names: Iterable[str] | None = None) -> dict[str, bool]:
    """Open every page once (or the given ones); which ones finished. Failures are logged, never raised."""
    done = {}
    for page in list(names or pages()):
        try:
            done[page] = visit(base_url, page)
        except (OSError, TimeoutError, WebSocketException) as error:
            if _stopping():
                break  # the server is shutting down: nothing to warm, nothing to report
            _LOG.warning("Opwarmen van pagina '%s' mislukt: %s", page, error)
            done[page] = False
    return done


def local_url() -> str:
    """The address this server process listens on, as seen from the machine itself."""
    from streamlit import config

    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::"):  # listening everywhere: connect to ourselves
        address = "127.0.0.1"
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{address}:{config.get_option('server.port')}/{base}".rstrip("/")


def _watch(poll_s: float, wait_s: float) -> None:
    """Warm every page once the server answers, then again whenever the warehouse file is replaced."""
    deadline = time.monotonic() + wait_s
    # The address is read only once the runtime exists: Streamlit applies the command line's options when its
    # server starts, and an earlier read would parse the configuration without them.
    while not (Runtime.exists() and healthy(local_url(), 1.0)):
        if time.monotonic() > deadline:
            _LOG.warning("Opwarmen overgeslagen: de server antwoordde niet binnen %.0f s.", wait_s)
            return
        time.sleep(0.2)
    drawn = None
    while True:
        version = db_version()  # a build, commit or withdrawal replaces the file: a new modification time
        if version != drawn:
            started = time.monotonic()
            done = warm(local_url())
            drawn = version
            _LOG.info("Pagina's opgewarmd: %d van %d in %.1f s.", sum(done.values()), len(done),
                      time.monotonic() - started)
        time.sleep(poll_s)


def start(poll_s: float = 2.0, wait_s: float = 120.0) -> None:
    """Warm the caches in a background thread of this server process, after start and after every change."""
    threading.Thread(target=_watch, args=(poll_s, wait_s), name="warm-caches", daemon=True).start()
