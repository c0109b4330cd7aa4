"""The workbook fuzzer's full campaign: every hostile or malformed workbook of tests/hostile_workbooks.py (bombs at
4 GB) through `python -m etl upload FILE --json` in a fresh subprocess each, committing against a copy of a small
warehouse with a plan and a copy of its uploads folder. Per file: wall time and the child's peak RSS (sampled with
psutil every 10 ms); totals: refused with a located Dutch message, accepted, crashed, nothing written.

Targets: every hostile file refused (only valid ones accepted), 0 crashes, nothing written, none over 10 s or 500 MB.

Usage: .venv/bin/python bench/bench_hostile_workbooks.py [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.build import build  # noqa: E402
from tests.conftest import FIXTURES, raw_with  # noqa: E402
from tests.hostile_workbooks import cases  # noqa: E402
from tests.test_workbook_hostile import assert_located_dutch, strict_json  # noqa: E402
from tests.test_workbook_support import plan_file  # noqa: E402

TIME_LIMIT_S, MEMORY_LIMIT_MB, HANG_S = 10.0, 500.0, 120


def _digest(folder: Path) -> str:
    """One hash over every file's name and bytes under `folder` (the warehouse and the uploads)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def _run(path: Path, db: Path, uploads: Path) -> tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, seconds, peak RSS MB) of one committing upload in a fresh interpreter."""
    start = time.perf_counter()
    child = psutil.Popen([sys.executable, "-m", "etl", "upload", str(path), "--json", "--db", str(db), "--uploads",
                          str(uploads), "--uploader", "fuzzer"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, child.memory_info().rss)
        except psutil.Error:
            break
        if time.perf_counter() - start > HANG_S:
            child.kill()
        time.sleep(0.01)
    out, err = child.communicate()
    return child.returncode, out, err, time.perf_counter() - start, peak / 2 ** 20


def main() -> None:
    """Run the campaign and print one line per file and the totals."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, help="only the first N cases (a quick check)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        raw = raw_with(tmp, "small.csv", (FIXTURES / "duo_vo_small.csv").read_bytes().decode("utf-8"))
        state = tmp / "state"
        state.mkdir()
        db, uploads = state / "warehouse.duckdb", state / "uploads"
        build(raw, db, progress=False)
        # a committed plan, so that a monthly report has codes to be checked against
        done = subprocess.run([sys.executable, "-m", "etl", "upload", str(plan_file(tmp)), "--json", "--db", str(db),
                               "--uploads", str(uploads), "--uploader", "bench"], cwd=ROOT, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
        campaign = [c for c in cases("full") if c.expect != "accepted"]  # the valid ones would change the state
        campaign = campaign[: args.limit] if args.limit else campaign
        totals = {"refused": 0, "accepted": 0, "crashed": 0, "unlocated": 0, "written": 0}
        worst_s, worst_mb, rows = 0.0, 0.0, []
        print(f"{len(campaign)} hostile or malformed workbooks, each `python -m etl upload FILE --json` (committing)")
        for number, case in enumerate(campaign, start=1):
            work = tmp / f"case-{number}"
            work.mkdir()
            path = case.make(work)
            before = _digest(state)
            code, out, err, seconds, mb = _run(path, db, uploads)
            outcome = "crashed"
            try:
                report = strict_json(out)
                if code in (0, 1) and code == (0 if report["ok"] else 1):
                    outcome = "accepted" if report["ok"] else "refused"
                    if not report["ok"]:
                        try:
                            assert_located_dutch(report, path.name)
                        except AssertionError:
                            totals["unlocated"] += 1
                            outcome = "refused, not located"
            except ValueError:
                pass
            totals[outcome.split(",")[0]] += 1
            if outcome != "accepted" and _digest(state) != before:
                totals["written"] += 1
                outcome += ", WROTE"
            worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, mb)
            flag = " OVER" if seconds > TIME_LIMIT_S or mb > MEMORY_LIMIT_MB else ""
            rows.append((case.kind, case.name, path.stat().st_size, outcome, seconds, mb))
            print(f"{number:4} {case.kind:16} {case.name:34} {path.stat().st_size / 1024:9.0f} kB {outcome:10} "
                  f"{seconds:6.2f} s {mb:6.0f} MB{flag}" + (f"  {err.strip()[-300:]}" if outcome == "crashed" else ""),
                  flush=True)
            shutil.rmtree(work)
        by_kind: dict[str, list] = {}
        for row in rows:
            by_kind.setdefault(row[0], []).append(row)
        print("\n| class | files | refused | accepted | crashed | max s | max MB |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for kind, group in by_kind.items():
            print(f"| {kind} | {len(group)} | {sum(r[3].startswith('refused') for r in group)} | "
                  f"{sum(r[3] == 'accepted' for r in group)} | {sum(r[3].startswith('crashed') for r in group)} | "
                  f"{max(r[4] for r in group):.2f} | {max(r[5] for r in group):.0f} |")
        print(f"\nTotal {len(rows)}: {totals['refused']} refused ({totals['unlocated']} without a located Dutch "
              f"message), {totals['accepted']} accepted, {totals['crashed']} crashed, {totals['written']} wrote "
              f"something; max {worst_s:.2f} s, max {worst_mb:.0f} MB peak RSS")
        print(json.dumps({**totals, "files": len(rows), "max_s": round(worst_s, 2), "max_mb": round(worst_mb)}))


if __name__ == "__main__":
    main()
