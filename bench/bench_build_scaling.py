"""Benchmark how the build grows with the raw set: the national demo, and the same made N times larger (issue 15).

The larger set is the national demo with, per CSV dataset, N times the data:
- UWV Open Match: N yearly files of weekly snapshots instead of one (the real history has 181 snapshots against the
  demo's 12), each a copy of the demo file with its dates moved back by whole years;
- each DUO file: its records N times, copy k with the institution (and for vo the location) code suffixed `-k`, so
  every copy is a school of its own and the grain stays unique;
- the CBS JSON bundles, the CBS CSV files and the boundaries stay as they are (about 14 % of the demo's bytes).
Each build runs in a fresh `python -m etl build` process (no uploads). Reported per set: raw bytes and rows, wall
time, CPU time, peak RSS (the child's ru_maxrss), and how busy the two cores were: the share of the build's wall
time during which the process used more than 1.5 cores, and its CPU use in the last tenth of the build (sampled
from /proc every 0.2 s).

Usage: .venv/bin/python bench/bench_build_scaling.py [--times 10] [--repeats 1]
Prints Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import machine  # noqa: E402

ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
TICK = os.sysconf("SC_CLK_TCK")
# DUO datasets: the code column(s) made unique per copy.
CODES = {
    "vo_examenkandidaten": ("INSTELLINGSCODE", "VESTIGINGSCODE"),
    "mbo_studenten": ("INSTELLINGSCODE",),
    "mbo_woongemeente": ("INSTELLINGSCODE",),
    "mbo_gediplomeerden": ("INSTELLINGSCODE",),
    "mbo_deelnemers_oud": ("BRIN NUMMER",),
    "ho_eerstejaars": ("INSTELLINGSCODE_ACTUEEL",),
    "ho_ingeschrevenen": ("INSTELLINGSCODE_ACTUEEL",),
    "ho_gediplomeerden": ("INSTELLINGSCODE_ACTUEEL",),
    "ho_eerstejaars-oude-indeling": ("BRIN NUMMER ACTUEEL",),
    "ho_gediplomeerden-oude-indeling": ("BRIN NUMMER ACTUEEL",),
}


def _etl(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "etl", *args, "--quiet"], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)


def _dialect(path: Path) -> tuple[str, bool]:
    """Separator and whether every field is quoted, from the header line."""
    first = path.open("rb").readline().decode("utf-8-sig")
    return (";" if ";" in first else ","), first.startswith('"')


def _multiply_duo(path: Path, columns: tuple[str, ...], times: int) -> None:
    """Write the file's records `times` times, copy k (k > 0) with the code columns suffixed '-k'."""
    sep, quote_all = _dialect(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=sep))
    header, records = rows[0], rows[1:]
    where = [header.index(c) for c in columns]
    terminator = "\r\n" if b"\r\n" in path.open("rb").readline() else "\n"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator=terminator,
                            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for k in range(times):
            for record in records:
                if k and len(record) < len(header):
                    continue  # a stray line of DUO's old layout (a footnote): once is enough
                if k:
                    record = list(record)
                    for i in where:
                        record[i] = f"{record[i]}-{k}"
                writer.writerow(record)


def _multiply_uwv(path: Path, times: int) -> None:
    """Beside the demo file, times - 1 copies with every date moved back k years (other periods, no overlap)."""
    text = path.read_text(encoding="utf-8")
    first = int(text.split("\n", 2)[1][:4])  # PEILDATUM is the first column: 2022-06-07
    for k in range(1, times):
        moved = text
        for year in (first, first + 1):  # June to May: two calendar years, the earlier moved first
            moved = moved.replace(f"\n{year}-", f"\n{year - k}-")
        name = path.name.replace(str(first), str(first - k)).replace(str(first + 1), str(first + 1 - k))
        (path.parent / name).write_text(moved, encoding="utf-8")


def _scaled(national: Path, target: Path, times: int) -> None:
    shutil.copytree(national, target)
    for manifest in target.rglob("*.manifest.json"):
        manifest.unlink()  # the checksums no longer hold; the build computes them
    for path in sorted(target.rglob("*.csv")):
        if path.parent.name in CODES:
            _multiply_duo(path, CODES[path.parent.name], times)
        elif path.parent.name == "open_match":
            _multiply_uwv(path, times)


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def _build(raw: Path, db: Path, empty: Path) -> dict[str, float]:
    """One build in a fresh process: wall, CPU, peak RSS, and its CPU use sampled every 0.2 s."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db),
                              "--uploads", str(empty), "--quiet"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL)
    samples: list[tuple[float, float]] = []
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)  # reaps it with its own resource usage
        if pid:
            break
        cpu = _cpu_seconds(child.pid)
        if cpu is not None:
            samples.append((time.perf_counter() - start, cpu))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"build of {raw} failed with status {status}")
    busy = sum(t1 - t0 for (t0, c0), (t1, c1) in pairwise(samples)
               if (c1 - c0) / (t1 - t0) > 1.5)
    tail = [(t, c) for t, c in samples if t >= 0.9 * wall]
    tail_cores = (tail[-1][1] - tail[0][1]) / (tail[-1][0] - tail[0][0]) if len(tail) > 1 else float("nan")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
            "busy": busy / wall, "tail": tail_cores}


def main() -> None:
    """Generate the national demo and its N-fold copy, build each `--repeats` times, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    print(f"Date: {date.today().isoformat()}; machine: {machine()}; load average before: "
          f"{os.getloadavg()[0]:.2f}\n")
    print("| raw set | raw MiB | raw rows | wall (s) | CPU (s) | peak RSS (MiB) | time > 1.5 cores | "
          "cores in the last tenth |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        national, scaled, empty = Path(tmp) / "national", Path(tmp) / f"x{args.times}", Path(tmp) / "no_uploads"
        _etl("demo", "--raw", str(national), "--scale", "national")
        _scaled(national, scaled, args.times)
        for name, raw in (("national demo", national), (f"{args.times}× national", scaled)):
            files = [p for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".manifest.json")]
            size = sum(p.stat().st_size for p in files) / 2**20
            rows = sum(sum(1 for _ in p.open("rb")) - 1 for p in files if p.suffix == ".csv")
            for _ in range(args.repeats):
                run = _build(raw, Path(tmp) / "w.duckdb", empty)
                print(f"| {name} | {size:.1f} | {rows:,} | {run['wall']:.2f} | {run['cpu']:.2f} | {run['rss']:.0f} | "
                      f"{run['busy']:.0%} | {run['tail']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
