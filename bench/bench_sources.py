"""Benchmark the national demo build with all sources against two baselines on the same raw files.

- floor: plain DuckDB `read_csv` (or `read_json`) of every raw file into a table, nothing else;
- pandas: `pandas.read_csv` (or `read_json`) → DataFrame → DuckDB table, what many dashboards do;
- build: `python -m etl build` (read, validate, transform, check, swap).

Each runs in a fresh process (like a user would run it), after one untimed warm-up run; wall time and peak RSS
per variant, median of REPEATS.
Run with `.venv/bin/python bench/bench_sources.py` after `make` has installed the venv.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
FLOOR_NAME, BUILD_NAME = "DuckDB read_csv (floor)", "etl build (all checks)"

FLOOR = textwrap.dedent("""
    import sys, duckdb, pathlib
    con = duckdb.connect(sys.argv[2])
    for i, path in enumerate(sorted(p for p in pathlib.Path(sys.argv[1]).rglob('*')
                                    if p.is_file() and not p.name.endswith('.manifest.json'))):
        reader = 'read_json_auto' if path.suffix in ('.json', '.geojson') else 'read_csv'
        con.execute(f"create table t{i} as select * from {reader}(?)", [str(path)])
""")
PANDAS = textwrap.dedent("""
    import sys, duckdb, pandas, pathlib
    con = duckdb.connect(sys.argv[2])
    for i, path in enumerate(sorted(p for p in pathlib.Path(sys.argv[1]).rglob('*')
                                    if p.is_file() and not p.name.endswith('.manifest.json'))):
        if path.suffix in ('.json', '.geojson'):
            frame = pandas.read_json(path, typ='series').to_frame()
        else:
            with open(path, encoding='utf-8-sig', errors='replace') as handle:
                first = handle.readline()
            frame = pandas.read_csv(path, sep=';' if first.count(';') > first.count(',') else ',', dtype=str,
                                    encoding='utf-8-sig', on_bad_lines='skip', encoding_errors='replace')
        con.register('frame', frame)
        con.execute(f"create table t{i} as select * from frame")
""")


# As on a user's machine: Python caches the project's compiled modules (some sandboxes switch that off).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_timed(args: list[str]) -> tuple[float, float]:
    """Run a command (its output discarded) in a fresh process; (wall seconds, peak RSS in MiB); exits on failure."""
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed with status {status}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    """Generate the national demo once, then time each variant REPEATS times, interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        run_timed([sys.executable, "-m", "etl", "demo", "--raw", str(raw), "--scale", "national", "--quiet"])
        files = [p for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".manifest.json")]
        size = sum(p.stat().st_size for p in files) / 2**20
        print(f"National demo: {len(files)} raw files, {size:.1f} MiB\n")
        print("| variant | median wall (s) | max wall (s) | peak RSS (MiB) |")
        print("| --- | --- | --- | --- |")
        variants = {
            FLOOR_NAME: lambda db: [sys.executable, "-c", FLOOR, str(raw), db],
            "pandas read_csv → DuckDB": lambda db: [sys.executable, "-c", PANDAS, str(raw), db],
            # the public sources only: an empty uploads folder, whatever data/uploads holds
            BUILD_NAME: lambda db: [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", db,
                                                  "--uploads", str(raw.parent / "no_uploads"), "--quiet"],
        }
        for index, command in enumerate(variants.values()):
            run_timed(command(str(Path(tmp) / f"warm-up-{index}.duckdb")))  # compiles and caches modules; untimed
        # Round by round, every variant once per round: a shared machine's slow spell then hits all of them alike.
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for attempt in range(REPEATS):
            for index, (name, command) in enumerate(variants.items()):
                runs[name].append(run_timed(command(str(Path(tmp) / f"{index}-{attempt}.duckdb"))))
        for name, measured in runs.items():
            walls = [w for w, _ in measured]
            print(f"| {name} | {statistics.median(walls):.2f} | {max(walls):.2f} | {max(r for _, r in measured):.0f} |")
        floor, pandas, build = (statistics.median(w for w, _ in measured) for measured in runs.values())
        print(f"\nBuild: {build / floor:.2f}× the floor, {build / pandas:.2f}× the pandas path.")
        # The same ratio round by round (each round's build over that round's floor), which a slow spell that
        # spans a round affects less than the ratio of the medians.
        rounds = [b / f for (f, _), (b, _) in zip(runs[FLOOR_NAME], runs[BUILD_NAME], strict=True)]
        print(f"Build ÷ floor per round: {', '.join(f'{r:.2f}' for r in rounds)} "
              f"(median {statistics.median(rounds):.2f}).")


if __name__ == "__main__":
    main()
