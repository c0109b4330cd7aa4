"""Benchmark every page: script run cold (empty caches) and warm (cache hit), share of time in DuckDB queries,
and in a real headless Chromium the time from navigation until every chart is drawn.

Usage: .venv/bin/python bench/bench_pages.py [--scale flevoland|national]
Builds the demo warehouse of that scale in a temporary folder; prints Markdown rows for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from etl.build import build  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.workbooks.demo import generate_programme  # noqa: E402
from ui import data as ui_data  # noqa: E402

PAGES = {"overzicht": "", "aanbod": "aanbod", "behoud": "behoud", "arbeidsmarkt": "arbeidsmarkt",
         "deelprojecten": "deelprojecten", "effecten": "effecten", "verkenner": "verkenner", "upload": "upload",
         "bronnen": "bronnen", "inhoud": "inhoud"}
REPEATS = 5
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _TimedConnection:
    """Wraps the pages' DuckDB cursor and adds up the seconds spent in execute and fetch calls."""

    seconds = 0.0

    def __init__(self, con):
        self._con = con

    def __getattr__(self, name):
        attribute = getattr(self._con, name)
        if name not in ("execute", "fetchall", "fetchone", "fetchmany", "df"):
            return attribute

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                result = attribute(*args, **kwargs)
            finally:
                _TimedConnection.seconds += time.perf_counter() - start
            return self if result is self._con else result
        return timed


def script_times(page: str) -> tuple[float, float, float]:
    """Cold run (fresh caches), median warm run, and the DuckDB share of the cold run."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=120)
    _TimedConnection.seconds = 0.0
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].message}")
    share = _TimedConnection.seconds / cold
    warm = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm), share


def browser_times(db: Path) -> dict[str, float]:
    """Median seconds from navigation until the page's script finished and every chart's SVG is drawn."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.headless", "true",
                               "--server.port", str(port), "--browser.gatherUsageStats", "false"], cwd=ROOT,
                              env={**os.environ, "TECHNIEKMONITOR_DB": str(db)}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        import requests
        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).text == "ok":
                    break
            except requests.RequestException:
                time.sleep(0.2)
        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for name, path in PAGES.items():
                runs = []
                for _ in range(3):
                    start = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{port}/{path}")
                    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                           timeout=60_000)
                    for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
                        chart.locator("svg.marks").wait_for(timeout=30_000)
                    runs.append(time.perf_counter() - start)
                results[name] = statistics.median(runs)
            browser.close()
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    """Build the demo warehouse, then measure every page."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("flevoland", "national"), default="flevoland")
    scale = parser.parse_args().scale
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "raw", scale, 20260301)
        uploads = Path(tmp) / "uploads"
        generate_programme(uploads, 20260301, date.today())  # the Deelprojecten and Upload pages have data
        db = Path(tmp) / "warehouse.duckdb"
        build(Path(tmp) / "raw", db, progress=False, uploads_dir=uploads)
        os.environ["TECHNIEKMONITOR_DB"] = str(db)
        os.environ["TECHNIEKMONITOR_UPLOADS"] = str(uploads)
        browser = browser_times(db)
        original = ui_data.cursor
        ui_data.cursor = lambda: _TimedConnection(original())  # every cached query in ui/data.py uses cursor()
        print(f"Scale: {scale}\n")
        print("| page | script cold (s) | script warm (ms) | DuckDB share of cold | browser to charts drawn (s) |")
        print("| --- | --- | --- | --- | --- |")
        for name in PAGES:
            cold, warm, share = script_times(name)
            print(f"| {name} | {cold:.2f} | {warm * 1000:.0f} | {share:.0%} | {browser[name]:.2f} |")


if __name__ == "__main__":
    main()
