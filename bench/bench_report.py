"""Benchmark the PDF reports on the national demo: the quarterly progress report (target < 5 s) and a municipal
factsheet (target < 2 s).

Two cases each:
- warm: in one process, as the app's buttons run them (the server has imported pandas, Altair, statsmodels and has
  started vl-convert's JavaScript engine already); the median of REPEATS runs after one untimed run;
- cold: `python -m report …` in a fresh process, interpreter start-up and every import included (median); its CPU
  includes the print worker's (report/print_worker.py, a child the command waits for), not the chart worker's.
Also the split of a warm run: reading and formatting the figures with the charts rendered alongside (html), and
WeasyPrint's layout and printing (pdf). On a shared machine wall times follow the other load; the CPU seconds of the
report's own process (the charts are drawn in a worker process beside it, report/svg_worker.py) say what an idle
2-core machine would take, give or take the wait for the last chart. The load average is printed with the figures.

Usage: .venv/bin/python bench/bench_report.py [--db WAREHOUSE] [--repeats N]
Without --db it generates and builds the national demo (with the demo programme uploads) in a temporary folder.
Prints Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import make, render  # noqa: E402
from report.periods import last_complete  # noqa: E402


def _national_demo(folder: Path) -> Path:
    from etl.build import build
    from etl.demo import generate
    from etl.workbooks.demo import generate_programme

    generate(folder / "raw", "national", 20260301)
    generate_programme(folder / "uploads", 20260301, date.today())
    build(folder / "raw", folder / "w.duckdb", progress=False, uploads_dir=folder / "uploads")
    return folder / "w.duckdb"


def _median(function, repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds (this process) of `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        begin, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - begin)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cold(arguments: list[str], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of a fresh `python -m report` (its CPU from the child's resource usage)."""
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-m", "report", *arguments], cwd=ROOT, check=True, capture_output=True)
        walls.append(time.perf_counter() - begin)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a built warehouse (default: build the national demo)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or _national_demo(Path(tmp))
        quarter = last_complete(date.today())
        out = Path(tmp) / "out.pdf"
        rows = []
        for name, target, html, cold_args in (
            (f"voortgang {quarter.code} PV24", 5.0, lambda: make.voortgang_html(db, quarter),
             ["voortgang", "--period", quarter.code, "--db", str(db), "-o", str(out)]),
            ("factsheet GM0034", 2.0, lambda: make.factsheet_html(db, "GM0034"),
             ["factsheet", "--region", "GM0034", "--db", str(db), "-o", str(out)]),
        ):
            document = html()  # untimed: imports, vl-convert's engine, the estimators' first call
            pages = render.pdf(document).pages
            warm = _median(lambda html=html: render.pdf(html()), args.repeats)
            html_s = _median(html, args.repeats)
            pdf_s = _median(lambda document=document: render.pdf(document), args.repeats)
            cold = _cold(cold_args, args.repeats)
            rows.append(f"| {name} | {pages} | {warm[0]:.2f} / {warm[1]:.2f} | {html_s[0]:.2f} / {html_s[1]:.2f} | "
                        f"{pdf_s[0]:.2f} / {pdf_s[1]:.2f} | {cold[0]:.2f} / {cold[1]:.2f} | < {target:.0f} |")
        print(f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print("| report | pages | warm, in process: wall / CPU (s) | of which figures + charts | of which WeasyPrint | "
              "cold, fresh `python -m report`: wall / CPU (s) | target (s) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
