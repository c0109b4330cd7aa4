"""Benchmark the mismatch work (issue 14): what the domains step adds to `etl build`, and the page
'Aansluiting onderwijs–arbeidsmarkt' warm and cold at national scale.

Usage: .venv/bin/python bench/bench_mismatch.py [--repeats N]
Build: the national (and flevoland) demo is built in a fresh process alternately without and with the domains step
(etl.domains.load and its checks switched off in the child for 'without'), so that both see the same load on a
shared machine; the fastest run of each counts (the least disturbed). Then the step itself in-process: domains.load
and its checks on a copy of the built warehouse (fastest of 5), against the fastest full build.
Page: AppTest script run cold (empty caches) and warm (median of 5), and in headless Chromium the time from
navigation until every chart is drawn (median of 3). Prints Markdown rows for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _app_server import CHROMIUM, CHROMIUM_ARGS, DRAWN_JS, POLL_MS, ROOT, SEED, AppServer, drawn_arg, make_demo_data
from bench_pages import script_times
from playwright.sync_api import sync_playwright

PAGE = ("aansluiting", "aansluiting", "Aansluiting onderwijs–arbeidsmarkt")
WITHOUT = "import etl.domains as d; d.load = lambda con, *a: None; d.CHECKS.clear(); "
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def build_seconds(raw: Path, db: Path, with_domains: bool) -> float:
    """Wall seconds of one `etl build` in a fresh process, with or without the domains step."""
    code = ("" if with_domains else WITHOUT) + (
        f"from etl.cli import main; main(['build', '--raw', {str(raw)!r}, '--db', {str(db)!r}, '--uploads', "
        f"{str(db.parent / 'no_uploads')!r}, '--quiet'])")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def step_seconds(db: Path, scratch: Path) -> float:
    """Fastest of 5: domains.load and its checks on a copy of a built warehouse whose domain tables are emptied
    (its calendar-year periods stay: the step then finds them and adds none, a negligible difference)."""
    import duckdb

    from etl import domains
    from etl.checks import run_checks

    runs = []
    for _ in range(5):
        shutil.copyfile(db, scratch)
        con = duckdb.connect(str(scratch))
        for table in ("technical_domain", "education_domain", "occupation_domain", "mismatch_supply",
                      "mismatch_demand"):
            con.execute(f"delete from {table}")  # noqa: S608 (constants)
        start = time.perf_counter()
        domains.load(con)
        failures = run_checks(con, domains.CHECKS)
        runs.append(time.perf_counter() - start)
        con.close()
        if failures:
            raise SystemExit("\n".join(failures))
    return min(runs)


def browser_seconds(db: Path) -> float:
    """Median seconds from navigation until the page's charts are drawn, warm server (3 of 4 loads)."""
    _, path, title = PAGE
    runs = []
    with AppServer({"TECHNIEKMONITOR_DB": str(db)}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for _ in range(4):
            start = time.perf_counter()
            page.goto(f"{server.base}/{path}")
            drawn = page.wait_for_function(DRAWN_JS, arg=drawn_arg(title), polling=POLL_MS, timeout=60_000)
            runs.append(time.perf_counter() - start - drawn.json_value()["held"] / 1000)
        browser.close()
    return statistics.median(runs[1:])


def main() -> None:
    """Build timings for both scales, then the page at national scale."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    print(f"Date: {date.today().isoformat()}; nproc {os.cpu_count()} (machine shared with other sessions)\n")
    print("| build | without domains: fastest (s) | with domains: fastest (s) | growth | domains step alone (s) | "
          "step / build |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        national = None
        for scale in ("flevoland", "national"):
            folder = Path(tmp) / scale
            db = make_demo_data(folder, scale, SEED)
            if scale == "national":
                national = db
            runs: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(repeats):
                for with_domains in (False, True):
                    runs[with_domains].append(build_seconds(folder / "raw", folder / "bench.duckdb", with_domains))
            before, after = min(runs[False]), min(runs[True])
            alone = step_seconds(db, folder / "step.duckdb")
            print(f"| {scale} demo | {before:.2f} | {after:.2f} | {after / before - 1:+.1%} | {alone:.3f} | "
                  f"{alone / before:.1%} |")
        os.environ["TECHNIEKMONITOR_DB"] = str(national)
        # Count the page's DuckDB time: its cached queries go through ui.mismatch's and ui.data's cursor().
        from bench_pages import _TimedConnection

        from ui import data as ui_data
        from ui import mismatch as ui_mismatch

        for module in (ui_data, ui_mismatch):
            module.cursor = lambda original=module.cursor: _TimedConnection(original())
        cold, warm, share = script_times(PAGE[0])
        drawn = browser_seconds(national)
        print("\n| page (national demo) | script cold (s) | script warm (ms) | DuckDB share of cold | "
              "browser to charts drawn (s) |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| {PAGE[0]} | {cold:.2f} | {warm * 1000:.0f} | {share:.0%} | {drawn:.2f} |")


if __name__ == "__main__":
    main()
