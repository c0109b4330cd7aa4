"""Benchmark the SQL box's promises: every hostile query of the corpus and a set of heavy queries, each timed until
it answered or was stopped, with the peak memory of its worker process and of this (the app's) process.

Usage: .venv/bin/python bench/bench_sql_box.py [--scale flevoland|national] [--timeout 10]
Builds the demo warehouse in a temporary folder; prints a Markdown table and the totals for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.build import build  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.workbooks.demo import generate_programme  # noqa: E402
from tests.sql_box_attacks import ATTACKS, CATALOG_QUERIES, fill, secrets  # noqa: E402
from warehouse import sql_box  # noqa: E402

# String-heavy and runaway queries: before the worker process, queries like these ran 37-41 s and took 2.8-4 GB of
# the app's process, because the rows fetched into Python were counted by no limit.
HEAVY = (
    "select repeat('x', 10_000_000) as s from range(1000)",
    "select repeat('x', 100_000) as s from range(100000)",
    "select repeat('x', 50_000_000) as s from range(10)",
    "select string_agg(repeat('x', 1000), ',') as s from range(2000000)",
    "select repeat(name, 20000) as s from region",
    "select a.name || b.name || repeat('x', 2000) as s from region a, region b",
    "select list(repeat('x', 100)) as l from range(20000000)",
    "select list(range) as l from range(300000000)",
    "select md5(a.range::varchar || b.range::varchar) as h from range(100000) a, range(100000) b order by h",
    "select a.code, b.code, c.code from region a, region b, region c",
    "select sum(range) as s from range(1000000000000)",
    "select count(*) as n from range(100000) a, range(100000) b, range(100000) c where a.range + b.range = c.range",
    "select max(regexp_replace(repeat('ab', 1000), '(a|b)*c', 'x')) as m from range(100000000)",
)
MiB = 1024 ** 2
POLL_S = 0.005


@dataclass
class Run:
    """One query's figures (parent_growth: how much this process grew while it ran)."""

    kind: str
    sql: str
    seconds: float
    worker_peak: int
    parent_growth: int
    outcome: str
    leak: bool
    file_read: bool


class _Peaks(threading.Thread):
    """Polls the peak resident memory of the workers (VmHWM, so short peaks are not missed) and of this process."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.worker = 0
        self.parent = 0
        self.running = True
        self.me = psutil.Process()

    def run(self) -> None:
        while self.running:
            self.parent = max(self.parent, self.me.memory_info().rss)
            server = sql_box._SERVER.pid()
            for child in self.me.children(recursive=True):
                if child.pid != server:
                    self.worker = max(self.worker, _hwm(child.pid))
            time.sleep(POLL_S)


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(db: Path, kind: str, template: str, timeout_s: float) -> Run:
    """Run one query (placeholders filled in for db) and watch it."""
    sql = fill(template, db)
    before = psutil.Process().memory_info().rss
    peaks = _Peaks()
    peaks.start()
    start = time.perf_counter()
    try:
        result = sql_box.run_query(db, sql, timeout_s=timeout_s)
        answer, outcome = result.frame.to_csv(index=False), f"{len(result.frame)} rijen"
    except sql_box.QueryRefusedError as exc:
        answer, outcome = str(exc), _short(str(exc))
    seconds = time.perf_counter() - start
    time.sleep(POLL_S * 2)
    peaks.running = False
    peaks.join()
    answered = not outcome.startswith(("geweigerd", "gestopt", "te "))
    leak = any(secret in answer for secret in secrets(db))
    file_read = kind == "aanval" and answered and any(
        s in template for s in ("{db}", "{wal}", "{dir}", "{tmp}", "/etc", ".tmp"))
    return Run(kind, template, seconds, peaks.worker, max(0, peaks.parent - before), outcome, leak, file_read)


def _short(message: str) -> str:
    if "langer dan" in message:
        return "gestopt: tijd"
    if "werkgeheugen" in message or "afgebroken" in message:
        return "gestopt: geheugen"
    if "groter dan" in message:
        return "te groot: bytes"
    return "geweigerd"


def main() -> None:
    """Build the demo warehouse, run the corpus and the heavy queries, print the table and the totals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="flevoland", choices=["flevoland", "national"])
    parser.add_argument("--timeout", type=float, default=sql_box.DEFAULT_TIMEOUT_S)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "warehouse.duckdb"
        generate(Path(tmp) / "raw", args.scale, 20260301)
        uploads = Path(tmp) / "uploads"
        generate_programme(uploads, 20260301, date.today())
        build(Path(tmp) / "raw", db, progress=False, uploads_dir=uploads)
        db.with_name("warehouse.duckdb.wal").write_bytes(b"")

        start = time.perf_counter()
        sql_box.run_query(db, "select 1")
        first = time.perf_counter() - start
        trivial = []
        for _ in range(20):
            start = time.perf_counter()
            sql_box.run_query(db, "select 1")
            trivial.append(time.perf_counter() - start)
        example = min(_timed(db, sql_box.EXAMPLE_QUERY) for _ in range(5))

        runs = [measure(db, "aanval", sql, args.timeout) for sql in ATTACKS]
        runs += [measure(db, "catalogus", sql, args.timeout) for sql in CATALOG_QUERIES]
        runs += [measure(db, "zwaar", sql, args.timeout) for sql in HEAVY]

    print(f"SQL box, {date.today().isoformat()}, time limit {args.timeout:g} s, demo scale {args.scale}\n")
    print("| soort | query | s tot antwoord/stop | worker piek MB | app groei MB | uitkomst |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for run in runs:
        shown = run.sql if len(run.sql) <= 70 else run.sql[:67] + "..."
        print(f"| {run.kind} | `{shown.replace('|', '¦')}` | {run.seconds:.2f} | {run.worker_peak / MiB:.0f} | "
              f"{run.parent_growth / MiB:.0f} | {run.outcome} |")
    attacks = [r for r in runs if r.kind == "aanval"]
    print()
    print(f"- start of the worker server (first query): {first:.2f} s; a trivial query after that: median "
          f"{statistics.median(trivial) * 1000:.0f} ms, max {max(trivial) * 1000:.0f} ms; EXAMPLE_QUERY "
          f"{example * 1000:.0f} ms")
    print(f"- corpus: {len(attacks)} hostile queries, {sum(r.outcome == 'geweigerd' for r in attacks)} refused; "
          f"file reads: {sum(r.file_read for r in runs)}; path leaks: {sum(r.leak for r in runs)}")
    print(f"- max time until answered or stopped: {max(r.seconds for r in runs):.2f} s "
          f"(limit {args.timeout:g} s)")
    print(f"- max worker peak memory: {max(r.worker_peak for r in runs) / MiB:.0f} MB (limit "
          f"{sql_box.ADDRESS_SPACE / MiB:.0f} MB address space); max growth of the app process "
          f"during a query: {max(r.parent_growth for r in runs) / MiB:.0f} MB (its ru_maxrss "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, including the warehouse build)")


def _timed(db: Path, sql: str) -> float:
    start = time.perf_counter()
    sql_box.run_query(db, sql)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
