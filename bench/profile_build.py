"""Where a national demo build spends its time, next to what the pandas baseline spends on the same files.

Tables for bench/RESULTS.md:
- the build's phases in one in-process build (discovery, schema, staging on the two workers, checks, close), and
  the three slowest files' staging on their worker;
- every file staged alone on one connection: its time and the DuckDB statements its reader runs;
- the three largest files one at a time on one connection: the build's read path (stage, then the sorted insert
  into the fact table) against `pandas.read_csv` → DataFrame → table, with the rows each writes;
- every file staged one after another on one thread, its seconds by kind of work (reading, validation, lookups,
  marts and their sort, Python);
- a lower bound: start-up, the phases before and after staging, and staging's one-thread seconds shared perfectly
  by two cores, against the DuckDB read floor of bench_sources.py.

Run with `.venv/bin/python bench/profile_build.py` after `make` has installed the venv. Profiling, not a benchmark:
one run each, so the figures move by ±10 % from run to run on a shared machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_sources import FLOOR, run_timed  # noqa: E402 (bench/ is on the path as the script's folder)

from etl import build as build_module  # noqa: E402 (after the path is set)
from etl import transforms  # noqa: E402
from etl.demo import generate  # noqa: E402
from etl.rawfiles import discover  # noqa: E402
from etl.reference import MunicipalityResolver, read_regions  # noqa: E402
from warehouse.schema import schema_sql  # noqa: E402

LARGEST = 3


def _timed(function, spans: list, label: str):
    """Wrap a function of etl.build so that each call adds (label, start, end, thread) to spans."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            name = args[1].relative if label == "stage" else label
            spans.append((name, start, time.perf_counter(), threading.current_thread().name))
    return wrapper


def phases(raw: Path, tmp: Path) -> tuple[float, float]:
    """One build in this process, its phases and its slowest stages as offsets from the build's start; returns the
    seconds before the first stage starts and after the last one ends."""
    spans: list[tuple[str, float, float, str]] = []
    build_module.discover = _timed(build_module.discover, spans, "discovery")
    build_module.run_checks = _timed(build_module.run_checks, spans, "checks")
    build_module._stage = _timed(build_module._stage, spans, "stage")
    start = time.perf_counter()
    build_module.build(raw, tmp / "phases.duckdb", progress=False, uploads_dir=tmp / "no_uploads")
    end = time.perf_counter()
    stages = [s for s in spans if s[3] != "MainThread"]
    print("| phase | from (s) | to (s) |\n| --- | --- | --- |")
    for name, begin, finish, _ in [s for s in spans if s[3] == "MainThread"] + [
            ("staging (two workers)", min(s[1] for s in stages), max(s[2] for s in stages), "")]:
        print(f"| {name} | {begin - start:.2f} | {finish - start:.2f} |")
    print(f"| whole build (import time not included) | 0.00 | {end - start:.2f} |\n")
    print("| slowest stages | seconds on its worker |\n| --- | --- |")
    for name, begin, finish, _ in sorted(stages, key=lambda s: s[1] - s[2])[:LARGEST]:
        print(f"| {name} | {finish - begin:.2f} |")
    print()
    return min(s[1] for s in stages) - start, end - max(s[2] for s in stages)


def largest_files(raw: Path, tmp: Path) -> None:
    """The largest files one at a time: the build's read path and the pandas baseline, each on its own database."""
    import pandas

    resolver = MunicipalityResolver(read_regions())
    files = sorted(discover(raw), key=lambda r: -r.path.stat().st_size)[:LARGEST]
    print("| file | MiB | build: rows written | build (s) | pandas: rows written | pandas (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for index, raw_file in enumerate(files):
        dataset = raw_file.source.DATASET
        con = duckdb.connect(str(tmp / f"fast-{index}.duckdb"))
        con.execute(schema_sql())
        start = time.perf_counter()
        raw_file.source.stage(con, raw_file.path, raw_file.relative, resolver)
        con.execute(f"insert into {dataset.fact_table} by name select * from staged "  # noqa: S608 (constants)
                    f"order by {', '.join(dataset.grain)}")
        fast = time.perf_counter() - start
        facts = con.execute(f"select count(*) from {dataset.fact_table}").fetchone()[0]  # noqa: S608
        columns = len(con.execute(f"describe {dataset.fact_table}").fetchall())
        con.close()
        con = duckdb.connect(str(tmp / f"pandas-{index}.duckdb"))
        start = time.perf_counter()
        with raw_file.path.open(encoding="utf-8-sig") as handle:  # as bench_sources.py's pandas variant
            first = handle.readline()
        frame = pandas.read_csv(raw_file.path, sep=";" if first.count(";") > first.count(",") else ",", dtype=str,
                                encoding="utf-8-sig")
        con.register("frame", frame)
        con.execute("create table t as select * from frame")
        slow = time.perf_counter() - start
        con.close()
        size = raw_file.path.stat().st_size / 2**20
        print(f"| {raw_file.relative} | {size:.1f} | {facts:,} × {columns} typed columns | {fast:.2f} | "
              f"{len(frame):,} × {len(frame.columns)} text columns | {slow:.2f} |")


class _Counting:
    """A connection that counts the statements run on it."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.statements = con, 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self.con.execute(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def per_file(raw: Path) -> None:
    """Every file staged alone on one connection as the build stages it (reader, then its mart into a temp
    table): wall time (best of three) and the DuckDB statements the reader runs."""
    resolver = MunicipalityResolver(read_regions())
    print("| file | KiB | statements | staged alone (s) |\n| --- | --- | --- | --- |")
    total_time, total_statements = 0.0, 0
    for raw_file in discover(raw):
        best = None
        for _ in range(3):
            con = _Counting(duckdb.connect())
            start = time.perf_counter()
            raw_file.source.stage(con, raw_file.path, raw_file.relative, resolver)
            transforms.set_variables(con.con, periods=None)
            con.con.execute(f"create temp table facts as {transforms.mart(raw_file.source.DATASET.fact_table)}")
            seconds = time.perf_counter() - start
            best = seconds if best is None else min(best, seconds)
            statements = con.statements
            con.close()
        total_time, total_statements = total_time + best, total_statements + statements
        print(f"| {raw_file.relative} | {raw_file.path.stat().st_size / 1024:,.0f} | {statements} | {best:.3f} |")
    print(f"| all {len(discover(raw))} files | | {total_statements} | {total_time:.2f} |\n")


def _kind(sql: str) -> str:
    """The kind of work a reader's statement does, from its text."""
    text = " ".join(sql.split()).lower()
    if "read_csv(" in text or "read_json" in text or "string_split(?, chr(10))" in text:
        return "read the file as text"
    if text.startswith("-- lookup"):
        return "lookups (names, programmes)"
    if "rejects" in text or "min(rowid) filter" in text or text.startswith("select min(source_line)"):
        return "validation (rules, patterns, fields)"
    if "unnest(?" in text:
        return "tables from Python (resolved names)"
    return "other statements (views, variables, macros)"


class _Timing(_Counting):
    """A connection that adds each statement's time to `seconds[kind]`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seconds: dict[str, float]) -> None:
        super().__init__(con)
        self.seconds = seconds

    def execute(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.con.execute(*args, **kwargs)
        finally:
            kind = _kind(str(args[0]))
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - start


def by_kind(raw: Path) -> float:
    """Every file staged as the build stages it, one after another on one thread (DuckDB threads = 1): the
    seconds by kind of work, the mart's sort apart. Returns the total, i.e. the CPU seconds staging needs."""
    resolver = MunicipalityResolver(read_regions())
    seconds: dict[str, float] = {}
    total = 0.0
    for raw_file in discover(raw):
        con = _Timing(duckdb.connect(config={"threads": 1}), seconds)
        start = time.perf_counter()
        raw_file.source.stage(con, raw_file.path, raw_file.relative, resolver)
        staged = time.perf_counter()
        transforms.set_variables(con.con, periods=None)
        mart = transforms.mart(raw_file.source.DATASET.fact_table)
        con.con.execute(f"create temp table facts as {mart}")
        done = time.perf_counter()
        con.con.execute(f"create temp table unsorted as {mart[:mart.rindex('order by')]}")
        unsorted = time.perf_counter() - done
        seconds["marts, without their sort"] = seconds.get("marts, without their sort", 0.0) + unsorted
        seconds["the marts' sort (grain order)"] = (seconds.get("the marts' sort (grain order)", 0.0)
                                                     + max(0.0, done - staged - unsorted))
        total += done - start
        con.close()
    seconds["Python in the readers"] = total - sum(seconds.values())
    print("| staging, one thread, by kind of work | seconds |\n| --- | --- |")
    for kind, value in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"| {kind} | {value:.2f} |")
    print(f"| all {len(discover(raw))} files | {total:.2f} |\n")
    return total


def _median_wall(args: list[str], output: Path | None = None) -> float:
    """Median wall time of three runs of a command (its output discarded; the file `output` removed before each)."""
    times = []
    for _ in range(3):
        if output is not None:
            output.unlink(missing_ok=True)
        times.append(run_timed(args)[0])
    return statistics.median(times)


def lower_bound(raw: Path, tmp: Path, head: float, tail: float, staging: float) -> None:
    """The fastest this build could be on two cores if staging kept both busy every instant, against the floor."""
    floor = _median_wall([sys.executable, "-c", FLOOR, str(raw), str(tmp / "floor.duckdb")], tmp / "floor.duckdb")
    start_up = _median_wall([sys.executable, "-c", "import etl.cli"])
    bound = start_up + head + tail + staging / 2
    print(f"Floor (bench_sources.py's): {floor:.2f} s. Start and imports of `python -m etl build` {start_up:.2f} s, "
          f"before staging {head:.2f} s, after it {tail:.2f} s, staging {staging:.2f} CPU seconds on two cores "
          f"{staging / 2:.2f} s: at best {bound:.2f} s = {bound / floor:.2f}× the floor "
          f"(the target 1.5× is {1.5 * floor:.2f} s).")


def main() -> None:
    """Generate the national demo, then print the tables and the lower bound."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        generate(tmp / "raw", scale="national")
        head, tail = phases(tmp / "raw", tmp)
        per_file(tmp / "raw")
        staging = by_kind(tmp / "raw")
        largest_files(tmp / "raw", tmp)
        lower_bound(tmp / "raw", tmp, head, tail, staging)


if __name__ == "__main__":
    main()
