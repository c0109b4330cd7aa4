"""Benchmark `python -m warehouse indicator` as a script calls it: one fresh process per call, on the national demo.

Times (wall, measured by the parent, interpreter start-up included):
- the median of N runs of `indicator <id> --region GM0034` (and of `indicators`, the catalogue listing);
- a loop over every current municipality (342 in the national demo), one fresh process per municipality, run
  in full, as a shell script would do it;
- for reference, the same loop inside one Python process through `warehouse.cli.main` (what a Python script that
  imports the CLI gets: start-up and imports are paid once).
It also lists the heavy libraries (pandas, pyarrow, numpy, statsmodels, scipy) that one call imports, from
`-X importtime`.

`--project DIR` runs the command from another checkout (e.g. `git archive <commit> warehouse | tar -x -C DIR`)
for a before/after comparison; `--db` reuses a built warehouse instead of generating and building the demo.
Prints Markdown to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pyarrow", "numpy", "statsmodels", "scipy")


def _wall(command: list[str], cwd: Path) -> float:
    """Wall seconds of one fresh process; fails loudly when the command fails."""
    begin = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - begin


def _heavy_imports(command: list[str], cwd: Path) -> list[str]:
    """The heavy top-level packages one run imports, read from `-X importtime` (stderr)."""
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()
             if line.startswith("import time:")}
    return sorted(names & set(HEAVY))


def _municipalities(db: Path) -> list[str]:
    """Codes of the current municipalities in the warehouse."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select code from region where level = 'gemeente' and valid_to is null order by code")
        return [code for (code,) in rows.fetchall()]
    finally:
        con.close()


def _in_process_loop(project: Path, db: Path, indicator: str, codes: list[str]) -> float:
    """Seconds for the loop through warehouse.cli.main in a fresh child process (imports included)."""
    probe = (
        "import contextlib, io, sys, time\n"
        "begin = time.perf_counter()\n"
        "from warehouse.cli import main\n"
        f"for code in {codes!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        f"        assert main(['indicator', {indicator!r}, '--region', code, '--db', {str(db)!r}]) == 0\n"
        "print(time.perf_counter() - begin)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def bench(project: Path, db: Path, indicator: str, region: str, runs: int, loop: bool) -> None:
    """Run the measurements and print them as Markdown."""
    one = [sys.executable, "-m", "warehouse", "indicator", indicator, "--region", region, "--db", str(db)]
    listing = [sys.executable, "-m", "warehouse", "indicators"]
    _wall(one, project)  # warm the OS file cache and the bytecode cache before timing
    singles = [_wall(one, project) for _ in range(runs)]
    listings = [_wall(listing, project) for _ in range(runs)]
    print(f"project: {project}; warehouse: {db}; Python {sys.version.split()[0]}, duckdb {duckdb.__version__}")
    print(f"heavy imports of one `indicator` call: {_heavy_imports(one, project) or 'none'}; "
          f"of `indicators`: {_heavy_imports(listing, project) or 'none'}")
    print()
    print("| command (fresh process each) | runs | median (s) | min (s) | max (s) |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| `indicator {indicator} --region {region}` | {runs} | {statistics.median(singles):.3f} | "
          f"{min(singles):.3f} | {max(singles):.3f} |")
    print(f"| `indicators` | {runs} | {statistics.median(listings):.3f} | {min(listings):.3f} | "
          f"{max(listings):.3f} |")
    if not loop:
        return
    codes = _municipalities(db)
    begin = time.perf_counter()
    for code in codes:
        _wall([*one[:5], "--region", code, "--db", str(db)], project)
    shell_loop = time.perf_counter() - begin
    in_process = _in_process_loop(project, db, indicator, codes)
    print()
    print("| loop over all current municipalities | municipalities | total (s) | per call (s) |")
    print("| --- | --- | --- | --- |")
    print(f"| one fresh `python -m warehouse indicator` per municipality (measured) | {len(codes)} | "
          f"{shell_loop:.1f} | {shell_loop / len(codes):.3f} |")
    print(f"| one Python process calling `warehouse.cli.main` per municipality (measured) | {len(codes)} | "
          f"{in_process:.1f} | {in_process / len(codes):.3f} |")


def main() -> None:
    """Parse the options, build the national demo when no warehouse is given, and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout to run `python -m warehouse` from")
    parser.add_argument("--db", type=Path, help="a built national demo warehouse (default: build one)")
    parser.add_argument("--indicator", default="vmbo_tech_share")
    parser.add_argument("--region", default="GM0034")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-loop", dest="loop", action="store_false", help="skip the loop over municipalities")
    args = parser.parse_args()
    if args.db:
        bench(args.project.resolve(), args.db.resolve(), args.indicator, args.region, args.runs, args.loop)
        return
    with tempfile.TemporaryDirectory() as tmp:
        raw, uploads, db = Path(tmp) / "raw", Path(tmp) / "uploads", Path(tmp) / "w.duckdb"
        quiet = {"cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([sys.executable, "-m", "etl", "demo", "--scale", "national", "--raw", str(raw),
                        "--uploads", str(uploads)], **quiet)
        subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db), "--uploads",
                        str(uploads), "--quiet"], **quiet)
        bench(args.project.resolve(), db, args.indicator, args.region, args.runs, args.loop)


if __name__ == "__main__":
    main()
