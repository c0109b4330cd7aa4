"""Benchmark `python -m etl build` on the flevoland and national demo: wall time and peak RSS.

Run with `make bench`. Each build runs in a fresh subprocess (as a user would run it); peak RSS is the child's
ru_maxrss. Prints a Markdown table to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
# As on a user's machine: Python caches the project's compiled modules (some sandboxes switch that off).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _run(*args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `python -m etl ...` in a fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "etl", *args, "--quiet"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"etl {' '.join(args)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    """Generate each demo scale once, then time REPEATS builds of it."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    print(f"Date: {date.today().isoformat()}; machine: {machine()}\n")
    print("| build | raw rows | median wall (s) | max wall (s) | peak RSS (MiB) |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in ("flevoland", "national"):
            raw, db = Path(tmp) / scale, Path(tmp) / f"{scale}.duckdb"
            _run("demo", "--raw", str(raw), "--scale", scale)
            rows = sum(sum(1 for _ in p.open("rb")) - 1 for p in raw.rglob("*.csv"))
            # the public sources only: an empty uploads folder, whatever data/uploads holds (see bench_workbooks.py)
            runs = [_run("build", "--raw", str(raw), "--db", str(db), "--uploads", str(Path(tmp) / "no_uploads"))
                    for _ in range(REPEATS)]
            walls = [w for w, _ in runs]
            print(f"| {scale} demo | {rows:,} | {statistics.median(walls):.2f} | {max(walls):.2f} | "
                  f"{max(r for _, r in runs):.0f} |")


if __name__ == "__main__":
    main()
