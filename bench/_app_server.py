"""Shared by the browser benchmarks (bench_pages.py, load_sessions.py): a demo data folder, the app server on a
free port, and Debian's Chromium with the flags every browser run uses (never a downloaded browser)."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SEED = 20260301
# Every page of app.py's navigation: name, URL path, title (the page's st.title and its sidebar link text).
PAGES = [("overzicht", "", "Overzicht"), ("aanbod", "aanbod", "Aanbod technici"),
         ("behoud", "behoud", "Behoud in de regio"), ("arbeidsmarkt", "arbeidsmarkt", "Arbeidsmarkt"),
         ("aansluiting", "aansluiting", "Aansluiting onderwijs–arbeidsmarkt"),
         ("deelprojecten", "deelprojecten", "Deelprojecten"), ("effecten", "effecten", "Effecten"),
         ("verkenner", "verkenner", "Verkenner"), ("upload", "upload", "Upload"),
         ("bronnen", "bronnen", "Bronnen & definities"), ("inhoud", "inhoud", "Inhoud van het datawarehouse")]

# "Drawn", checked in the page every POLL_MS: the stApp element's data-test-script-state is "notRunning", an <h1>
# holds the page's title, no [data-testid="stSkeleton"] is left (Streamlit shows one for a chart or download button
# whose code is still loading, often well after the script ended) and every [data-testid="stVegaLiteChart"] holds
# its svg.marks; all of it without a break for HOLD_MS (Streamlit flips the script state for a moment right after a
# click and for the live-update fragment). Resolves to {held: ms}: the view ended `held` ms before it resolved.
HOLD_MS = 100
POLL_MS = 50
DRAWN_JS = """([title, holdMs, token]) => {
  let state = window.__benchDrawn;
  if (!state || state.token !== token) state = window.__benchDrawn = {token, since: null};
  const app = document.querySelector('[data-testid="stApp"]');
  const drawn = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && [...document.querySelectorAll('h1')].some(h => h.textContent.trim() === title)
    && !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('svg.marks'));
  const now = performance.now();
  if (!drawn) { state.since = null; return false; }
  if (state.since === null) state.since = now;
  return now - state.since >= holdMs ? {held: now - state.since} : false;
}"""
_TOKENS = itertools.count()


def drawn_arg(title: str) -> list:
    """The argument of DRAWN_JS for one wait (a new token each time)."""
    return [title, HOLD_MS, next(_TOKENS)]


def make_demo_data(folder: Path, scale: str, seed: int = SEED) -> Path:
    """A data folder (TECHNIEKMONITOR_DATA layout: raw/, uploads/, warehouse.duckdb) with the demo of `scale`,
    the demo programme's plan and monthly reports, and the warehouse built from both; returns the warehouse file."""
    from etl.build import build
    from etl.demo import generate
    from etl.workbooks.demo import generate_programme

    generate(folder / "raw", scale, seed)
    generate_programme(folder / "uploads", seed, date.today())  # the Deelprojecten and Upload pages have data
    db = folder / "warehouse.duckdb"
    build(folder / "raw", db, progress=False, uploads_dir=folder / "uploads")
    return db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppServer:
    """`python -m ui.serve` on a free port with `env` added to (or, for None values, removed from) this process's
    environment; a context manager: entering waits until /_stcore/health answers 'ok', leaving stops the server.
    Its output goes to `log` (a file, both streams) or nowhere."""

    def __init__(self, env: dict[str, str | None], log: Path | None = None, startup_s: float = 120.0) -> None:
        self.env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        self.log = log
        self.startup_s = startup_s
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppServer:
        output = self.log.open("wb") if self.log else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ui.serve", "--server.headless", "true", "--server.port", str(self.port),
                 "--browser.gatherUsageStats", "false"], cwd=ROOT, env=self.env, stdout=output,
                stderr=subprocess.STDOUT)
        finally:
            if self.log:
                output.close()
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server stopped with exit code {self.process.returncode}"
                                   f"{self._log_tail()}")
            try:
                if requests.get(f"{self.base}/_stcore/health", timeout=2).text.strip() == "ok":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the app server was not healthy within {self.startup_s:.0f} s{self._log_tail()}")

    def _log_tail(self) -> str:
        if self.log and self.log.exists():
            return ":\n" + self.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
