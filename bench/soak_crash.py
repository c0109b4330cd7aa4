"""The full kill -9 campaign (`make soak`): kills at random instants of `etl upload` and `etl build`.

After each kill the next command runs (`etl uploads`, which recovers first) and the invariants of
tests/crash_harness.py are checked: no leftovers, warehouse at the store's position, the upload wholly in or out.
Prints a Markdown table for bench/RESULTS.md. Usage: python bench/soak_crash.py [--commits 100] [--builds 100]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.build import build  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.workbooks.demo import generate_programme  # noqa: E402
from tests.crash_harness import kill_builds, kill_commits  # noqa: E402


def _summary(name: str, results: list[dict], seconds: float) -> str:
    killed = [r for r in results if not r["kill"].finished_before_kill]
    bad = [r for r in results if r["exit"] or r["problems"] or r.get("state") == "half"]
    stale = [r for r in results if r["leftovers"]]
    states = ""
    if "state" in results[0]:
        states = f"{sum(r['state'] == 'in' for r in results)} in / {sum(r['state'] == 'out' for r in results)} out"
    delays = [r["kill"].delay_s for r in killed] or [0.0]
    return (f"| {name} | {len(results)} | {len(killed)} | {min(delays):.2f}–{max(delays):.2f} | {len(bad)} | "
            f"{len(stale)} | {states} | {seconds / len(results):.1f} |")


def main() -> None:
    """Run the campaign on the flevoland demo and its 145 kept uploads; print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        generate(tmp / "raw", "flevoland", 7)
        uploads = tmp / "uploads"
        generate_programme(uploads, 7, date.today())
        db = tmp / "warehouse.duckdb"
        build(tmp / "raw", db, progress=False, uploads_dir=uploads)
        shutil.copyfile(db, tmp / "original.duckdb")
        rows = []
        start = time.perf_counter()
        commits = kill_commits(db, uploads, tmp, args.commits, args.seed)
        rows.append(_summary("`etl upload` (commit of a correction)", commits, time.perf_counter() - start))
        start = time.perf_counter()
        builds = kill_builds(tmp / "raw", db, uploads, args.builds, args.seed)
        rows.append(_summary("`etl build` (flevoland demo + 145 uploads)", builds, time.perf_counter() - start))
    print(f"Kill -9 campaign, {date.today()}, {platform.machine()} {platform.processor() or ''}, "
          f"Python {platform.python_version()}, seed {args.seed}")
    print()
    print("| command | kills | killed while running | kill instants (s) | inconsistent after next command | "
          "runs with leftovers after next command | upload wholly in / out | s per injection |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    failures = [r for r in commits + builds if r["exit"] or r["problems"] or r["leftovers"] or r.get("state") == "half"]
    for failure in failures[:10]:
        print(failure, file=sys.stderr)
    print(f"\nmedian commit kill instant {statistics.median(r['kill'].delay_s for r in commits):.2f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
