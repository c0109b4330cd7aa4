"""Benchmark how committing a monthly report, withdrawing one and building the programme scale with the number of
kept reports (issue 12).

Two upload stores, both from etl.workbooks.demo.generate_programme (seed 7), on the flevoland demo raw data:
- the demo programme: a plan and 24 months × 6 subprojects (145 uploads, as `make run` writes them);
- a synthetic store with 96 months × 6 subprojects (about four times as many monthly reports).
For each store, each step in the same process (imports paid once), median of --repeats:
- `build` with the uploads, validation cache empty (what `make run` pays after `etl demo`), and again warm; the
  programme's share is the build minus the same build without uploads;
- commit of a corrected report (the latest ALM report with another narrative), then its withdrawal, cache warm;
- the same two with the cache emptied first (the first commit after the validation code changed, or a lost cache).
Wall and CPU seconds (CPU: all threads of this process) are printed; CPU time is the steadier of the two on a
shared machine. The load average before and after is printed too.

`--project DIR` times another checkout (e.g. `git archive <commit> etl warehouse | tar -x -C DIR`) for a
before/after comparison; `--work DIR` keeps the generated raw data and stores there for the next run (the same bytes
for both checkouts). Prints Markdown.

Usage: .venv/bin/python bench/bench_commit_scaling.py [--project DIR] [--work DIR] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 7
STORES = {"demo programme": 24, "synthetic, 4× the months": 96}  # report months per subproject


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout whose etl/ and warehouse/ are timed")
    parser.add_argument("--work", type=Path, help="folder to keep generated raw data and stores in between runs")
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


ARGS = _args()
sys.path.insert(0, str(ARGS.project.resolve()))


import etl.workbooks.demo as demo  # noqa: E402
from etl.build import build  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.workbooks.commit import commit_upload, withdraw_upload  # noqa: E402
from etl.workbooks.store import CACHE_DIR, kept  # noqa: E402
from tests.crash_harness import correction  # noqa: E402


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def _pristine(work: Path) -> tuple[Path, dict[str, Path]]:
    """The raw folder and one pristine uploads folder per store (generated when missing)."""
    raw = work / "raw"
    if not raw.is_dir():
        generate(raw, "flevoland", SEED)
    stores = {}
    for label, months in STORES.items():
        folder = work / f"uploads-{months}"
        if not (folder / "events.jsonl").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            demo.MONTHS = months
            demo.generate_programme(folder, SEED, date.today())
        stores[label] = folder
    return raw, stores


def _measure(raw: Path, pristine: Path, scratch: Path, repeats: int) -> dict[str, list[Clock]]:
    uploads, db = scratch / "uploads", scratch / "warehouse.duckdb"
    shutil.rmtree(uploads, ignore_errors=True)
    shutil.copytree(pristine, uploads)
    times: dict[str, list[Clock]] = {k: [] for k in (
        "build without uploads", "build, cache empty", "build, cache warm", "commit, cache warm",
        "withdraw, cache warm", "commit, cache empty", "withdraw, cache empty")}
    for _ in range(repeats):
        with Clock() as clock:
            build(raw, scratch / "plain.duckdb", progress=False)
        times["build without uploads"].append(clock)
        shutil.rmtree(uploads / CACHE_DIR, ignore_errors=True)
        with Clock() as clock:
            build(raw, db, progress=False, uploads_dir=uploads)
        times["build, cache empty"].append(clock)
        with Clock() as clock:
            build(raw, db, progress=False, uploads_dir=uploads)
        times["build, cache warm"].append(clock)
    number = 0
    for cold in (False, True):
        label = "cache empty" if cold else "cache warm"
        for _ in range(repeats):
            number += 1
            path = correction(uploads, scratch, number)
            if cold:
                shutil.rmtree(uploads / CACHE_DIR, ignore_errors=True)
            with Clock() as clock:
                result = commit_upload(path, "bench", uploads, db)
            assert result.outcome == "committed", result.report
            times[f"commit, {label}"].append(clock)
            if cold:
                shutil.rmtree(uploads / CACHE_DIR, ignore_errors=True)
            with Clock() as clock:
                withdraw_upload(result.upload.upload_id, "bench", uploads, db)
            times[f"withdraw, {label}"].append(clock)
    return times


def _median(clocks: list[Clock]) -> tuple[float, float]:
    return statistics.median(c.wall for c in clocks), statistics.median(c.cpu for c in clocks)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = ARGS.work or Path(folder) / "work"
        work.mkdir(parents=True, exist_ok=True)
        raw, stores = _pristine(work)
        load_before = os.getloadavg()
        results = {}
        for label, pristine in stores.items():
            scratch = Path(folder) / "scratch"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            count = sum(1 for u in kept(pristine) if u.kind == "monthly")
            results[f"{label} ({count} monthly reports)"] = _measure(raw, pristine, scratch, ARGS.repeats)
        load_after = os.getloadavg()
    print(f"Project: {ARGS.project.resolve()}; median of {ARGS.repeats}; load average before "
          f"{load_before[0]:.1f}, after {load_after[0]:.1f} ({os.cpu_count()} cores)\n")
    print("| store | step | wall (s) | CPU (s) |")
    print("| --- | --- | --- | --- |")
    for store, times in results.items():
        for step, clocks in times.items():
            wall, cpu = _median(clocks)
            print(f"| {store} | {step} | {wall:.2f} | {cpu:.2f} |")
        empty, plain = _median(times["build, cache empty"]), _median(times["build without uploads"])
        print(f"| {store} | programme share of a build, cache empty | {empty[0] - plain[0]:.2f} | "
              f"{empty[1] - plain[1]:.2f} |")


if __name__ == "__main__":
    main()
