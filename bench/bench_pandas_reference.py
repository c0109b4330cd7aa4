"""Benchmark the one read path against an honest pandas implementation of the same work (issue 15).

The pandas implementation is the readers' own former pandas path (`read` + `to_facts`), taken from a commit that
still had it (default f079f55): it validates every value, types the columns, makes long facts with municipality
codes and education ids, and here the facts are then sorted by the grain and inserted into the fact table (the
build appends them the same way). The one path is today's `stage` and the same sorted insert. Both run on the three
largest sources of the national demo, each measurement in a fresh process (imports not timed), the two variants
interleaved, median of --repeats.

Usage: .venv/bin/python bench/bench_pandas_reference.py [--reference f079f55] [--repeats 5]
Prints Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
SOURCES = {  # module → raw folder of its demo file
    "uwv_open_match": "uwv/open_match",
    "duo_mbo_residence": "duo/mbo_woongemeente",
    "duo_vo_exams": "duo/vo_examenkandidaten",
}

_COMMON = """
import json, sys, time, duckdb, importlib
from pathlib import Path
from etl.reference import MunicipalityResolver
from warehouse.schema import schema_sql
module = importlib.import_module("etl.sources." + sys.argv[1])
path, relative = Path(sys.argv[2]), sys.argv[3]
resolver = MunicipalityResolver()
con = duckdb.connect()
con.execute(schema_sql())
dataset = module.DATASET
order = ", ".join(dataset.grain)
"""
PANDAS = _COMMON + """
import pandas, pyarrow
begin = time.perf_counter()
long = module.read(path)
facts, education = module.to_facts(long, path, relative, resolver)
con.register("incoming", pyarrow.Table.from_pandas(facts, preserve_index=False))
con.execute(f"insert into {dataset.fact_table} by name select * from incoming order by {order}")
print(json.dumps({"seconds": time.perf_counter() - begin, "rows": len(facts)}))
"""  # noqa: S608 (names are the dataset's constants)
ONE_PATH = _COMMON + """
begin = time.perf_counter()
module.stage(con, path, relative, resolver)
con.execute(f"insert into {dataset.fact_table} by name select * from staged order by {order}")
rows = con.execute(f"select count(*) from {dataset.fact_table}").fetchall()[0][0]
print(json.dumps({"seconds": time.perf_counter() - begin, "rows": rows}))
"""  # noqa: S608 (as above)


def _time(tree: Path, script: str, module: str, path: Path, relative: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", script, module, str(path), relative], cwd=tree, env=ENV,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Check out the reference commit, generate the national demo, time both variants per source."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reference", default="f079f55", help="a commit whose readers still have read/to_facts")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reference, raw = Path(tmp) / "reference", Path(tmp) / "raw"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(reference), args.reference], cwd=ROOT,
                       check=True)
        try:
            subprocess.run([sys.executable, "-m", "etl", "demo", "--raw", str(raw), "--scale", "national",
                            "--quiet"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
            print(f"Date: {date.today().isoformat()}; load average before: {os.getloadavg()[0]:.2f}; reference "
                  f"commit {args.reference}; median of {args.repeats}, interleaved\n")
            print("| source | file (MiB) | fact rows | pandas read + to_facts + sorted insert (s) | "
                  "one path: stage + sorted insert (s) | one path ÷ pandas |")
            print("| --- | --- | --- | --- | --- | --- |")
            for module, folder in SOURCES.items():
                path = next(p for p in sorted((raw / folder).iterdir()) if p.suffix == ".csv")
                relative = path.relative_to(raw).as_posix()
                pandas, one = [], []
                for _ in range(args.repeats):
                    pandas.append(_time(reference, PANDAS, module, path, relative))
                    one.append(_time(ROOT, ONE_PATH, module, path, relative))
                if {r["rows"] for r in pandas} != {r["rows"] for r in one}:
                    raise SystemExit(f"{module}: the two variants give different row counts")
                p, o = (statistics.median(r["seconds"] for r in runs) for runs in (pandas, one))
                print(f"| {module} | {path.stat().st_size / 2**20:.1f} | {one[0]['rows']:,} | {p:.2f} | {o:.2f} | "
                      f"{o / p:.2f} |", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(reference)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
