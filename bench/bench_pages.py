"""Benchmark every page: script run cold (empty caches) and warm (cache hit), share of time in DuckDB queries,
and in a real headless Chromium the time from navigation until every chart is drawn.

Usage: .venv/bin/python bench/bench_pages.py [--scale flevoland|national]
Builds the demo warehouse of that scale in a temporary folder; prints Markdown rows for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from _app_server import (  # ROOT on sys.path
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN_JS,
    PAGES,
    POLL_MS,
    ROOT,
    SEED,
    AppServer,
    drawn_arg,
    make_demo_data,
)
from playwright.sync_api import sync_playwright
from streamlit.testing.v1 import AppTest

from ui import data as ui_data

REPEATS = 5


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
    """Median seconds from navigation until the page is drawn: its script finished, no placeholder is left and every
    chart's SVG is there (_app_server.DRAWN_JS)."""
    results = {}
    with AppServer({"TECHNIEKMONITOR_DB": str(db)}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for name, path, title in PAGES:
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                page.goto(f"{server.base}/{path}")
                drawn = page.wait_for_function(DRAWN_JS, arg=drawn_arg(title), polling=POLL_MS, timeout=60_000)
                end = time.perf_counter()
                runs.append(end - start - drawn.json_value()["held"] / 1000)
            results[name] = statistics.median(runs)
        browser.close()
    return results


def main() -> None:
    """Build the demo warehouse, then measure every page."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=("flevoland", "national"), default="flevoland")
    scale = parser.parse_args().scale
    with tempfile.TemporaryDirectory() as tmp:
        db = make_demo_data(Path(tmp), scale, SEED)
        uploads = Path(tmp) / "uploads"
        os.environ["TECHNIEKMONITOR_DB"] = str(db)
        os.environ["TECHNIEKMONITOR_UPLOADS"] = str(uploads)
        browser = browser_times(db)
        original = ui_data.cursor
        ui_data.cursor = lambda: _TimedConnection(original())  # every cached query in ui/data.py uses cursor()
        print(f"Scale: {scale}\n")
        print("| page | script cold (s) | script warm (ms) | DuckDB share of cold | browser to charts drawn (s) |")
        print("| --- | --- | --- | --- | --- |")
        for name, _path, _title in PAGES:
            cold, warm, share = script_times(name)
            print(f"| {name} | {cold:.2f} | {warm * 1000:.0f} | {share:.0%} | {browser[name]:.2f} |")


if __name__ == "__main__":
    main()
