"""Benchmark the programme workbooks (issue 4): a typical monthly report's validation + dry run and its commit
on the national demo warehouse, and a plan just under the 10,000-row limit against a plain openpyxl load (fresh
processes, peak RSS).

Usage: .venv/bin/python bench/bench_workbooks.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.build import build  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.workbooks.commit import commit_upload  # noqa: E402
from etl.workbooks.demo import generate_programme  # noqa: E402
from etl.workbooks.dryrun import upload_report  # noqa: E402
from etl.workbooks.recovery import sync  # noqa: E402
from etl.workbooks.replay import CACHE_DIR  # noqa: E402
from etl.workbooks.store import file_of, kept  # noqa: E402
from tests.test_workbook_support import PLAN_SHEETS, copy_sheets, write_workbook  # noqa: E402

REPEATS = 5


def plan_with(actions: int, kpis: int, milestones: int) -> dict[str, list[list]]:
    """The test plan with extra actions, KPIs (with targets) and milestones for subproject ALM."""
    sheets = copy_sheets(PLAN_SHEETS)
    sheets["Acties"] += [["ALM", f"B{i}", f"Actie {i}", None, None, None, "loopt"] for i in range(actions)]
    sheets["KPI's"] += [[f"K{i}", f"KPI {i}", "aantal", "output", "incrementeel", "hoger is beter", None, None, None]
                        for i in range(kpis)]
    sheets["Doelen"] += [["ALM", f"K{i}", "2026", 100] for i in range(kpis)]
    sheets["Mijlpalen"] += [["ALM", f"N{i}", f"Mijlpaal {i}", date(2026, 12, 31), None, "open"]
                            for i in range(milestones)]
    return sheets


def monthly_with(kpis: int, milestones: int, actions: int, month: str) -> dict[str, list[list]]:
    """A monthly report for ALM with about kpis + milestones + actions rows."""
    return {
        "Toelichting": [["Deelproject", "Maand", "Hoogtepunten", "Risico's"], ["ALM", month, "Goed.", "Geen."]],
        "KPI-waarden": [["KPI", "Waarde", "Opmerking"], *([f"K{i}", 10 + i, None] for i in range(kpis))],
        "Mijlpalen": [["Mijlpaal", "Status", "Behaald op", "Opmerking"],
                      *([f"N{i}", "open", None, None] for i in range(milestones))],
        "Acties": [["Actie", "Status", "Afgerond op", "Opmerking"], *([f"B{i}", "loopt", None, None]
                                                                    for i in range(actions))],
    }


def _child(code: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of code run in a fresh interpreter.

    Peak RSS is read from the child's own VmHWM: rusage's maxrss would include this (large) parent's RSS at fork.
    """
    probe = code + "; print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024


def _commit_in_demo_programme(tmp: Path, db: Path) -> dict[str, list[float]]:
    """Commit a corrected report into the demo programme (plan + 24 months × 6 subprojects kept): the realistic case.

    Each commit replays every kept upload; 'warm' reuses the validation cache, 'cold' empties it first (the first
    commit after the validation code changed).
    """
    uploads = tmp / "demo_uploads"
    generate_programme(uploads, 20260301, date.today())
    latest = max((u for u in kept(uploads) if u.subproject == "ALM"), key=lambda u: u.month)
    times: dict[str, list[float]] = {"demo programme (145 kept uploads): commit a correction, cache warm": [],
                                     "same, validation cache empty": []}
    sync(db, uploads)  # the warehouse as `etl build` leaves it (another store: replayed), and a warm cache
    for attempt in range(REPEATS * 2):
        book = openpyxl.load_workbook(file_of(uploads, latest))
        book["Toelichting"]["C2"] = f"Gecorrigeerde versie {attempt}"
        path = tmp / f"correctie-{attempt}.xlsx"
        book.save(path)
        cold = attempt % 2 == 1
        if cold:
            shutil.rmtree(uploads / CACHE_DIR, ignore_errors=True)
        start = time.perf_counter()
        assert commit_upload(path, "bench", uploads, db).outcome == "committed"
        times[list(times)[cold]].append(time.perf_counter() - start)
    return times


def main() -> None:
    """Build the national demo, commit a plan, then time the monthly report and the large plan."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        generate(tmp / "raw", "national", 20260301)
        db, uploads = tmp / "warehouse.duckdb", tmp / "uploads"
        build(tmp / "raw", db, progress=False)
        plan = write_workbook(tmp / "plan.xlsx", plan_with(15, 20, 15))
        assert commit_upload(plan, "bench", uploads, db).report["ok"]
        report = write_workbook(tmp / "maand.xlsx", monthly_with(20, 15, 15, "2026-03"))
        dry = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            assert upload_report(report, db)["ok"]
            dry.append(time.perf_counter() - start)
        commits = []
        for attempt in range(REPEATS):
            path = write_workbook(tmp / f"maand-{attempt}.xlsx", monthly_with(20, 15, 15, f"2025-{attempt + 1:02d}"))
            start = time.perf_counter()
            assert commit_upload(path, "bench", uploads, db).outcome == "committed"
            commits.append(time.perf_counter() - start)
        demo_commits = _commit_in_demo_programme(tmp, db)
        large = write_workbook(tmp / "groot.xlsx", plan_with(9_990, 0, 0))  # just under the row limit (10.000)
        validate = _child(f"from etl.workbooks.validate import validate_workbook; "
                          f"assert validate_workbook({str(large)!r}).ok")
        baseline = _child(f"import openpyxl; openpyxl.load_workbook({str(large)!r})")
        print(f"National demo warehouse: {db.stat().st_size / 2**20:.0f} MiB\n")
        print("| measurement | median (s) | max (s) | peak RSS (MiB) |")
        print("| --- | --- | --- | --- |")
        print(f"| monthly report (50 rows): validate + dry run | {statistics.median(dry):.2f} | {max(dry):.2f} | – |")
        print(f"| monthly report: commit incl. warehouse update | {statistics.median(commits):.2f} | "
              f"{max(commits):.2f} | – |")
        for label, times in demo_commits.items():
            print(f"| {label} | {statistics.median(times):.2f} | {max(times):.2f} | – |")
        print(f"| plan with 9.990 action rows (row limit 10.000): validate | {validate[0]:.2f} | – | "
              f"{validate[1]:.0f} |")
        print(f"| same file: plain openpyxl.load_workbook (baseline) | {baseline[0]:.2f} | – | {baseline[1]:.0f} |")


if __name__ == "__main__":
    main()
