"""Benchmark the effect estimators: a full placebo run for all six Flevoland municipalities on the national demo.

Generates and builds the national demo in a temporary folder (not timed), then times, in a fresh process, loading
the panel of each indicator and running DiD + synthetic control with every in-space placebo for each Flevoland
municipality as a subproject (start = the middle school year of the panel). Prints a Markdown row with wall time
and the child's peak RSS, to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INDICATORS = ("vmbo_tech_share", "havo_vwo_nt_share")
FLEVOLAND = ("GM0034", "GM0995", "GM0303", "GM0171", "GM0184", "GM0050")


def run_effects(db: Path) -> None:
    """The timed part: panels + analyses for every Flevoland municipality (runs in the child process)."""
    from warehouse.connection import connect
    from warehouse.effects import analyse, load_indicator_panel

    start = time.perf_counter()
    con = connect(db)
    placebos = analyses = 0
    for indicator_id in INDICATORS:
        panel = load_indicator_panel(con, indicator_id)
        periods = panel.periods
        for code in (c for c in FLEVOLAND if c in panel.units):  # Urk has no havo/vwo school
            result = analyse(panel, {code: periods[len(periods) // 2]})
            placebos += result.did.n_placebos + result.synth.n_placebos
            analyses += 1
    con.close()
    # The child's own high-water mark: rusage's maxrss would include the parent's RSS at fork (it built the demo).
    status = Path("/proc/self/status").read_text().splitlines()
    peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(f"{analyses} {placebos} {time.perf_counter() - start:.2f} {peak_kib / 1024:.0f}")


def main() -> None:
    """Build the national demo, then time the effect run in a fresh process."""
    from etl.build import build
    from etl.demo import generate

    with tempfile.TemporaryDirectory() as tmp:
        raw, db = Path(tmp) / "raw", Path(tmp) / "national.duckdb"
        generate(raw, "national")
        build(raw, db, progress=False)
        begin = time.perf_counter()
        child = subprocess.Popen([sys.executable, __file__, "--effects", str(db)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        output = child.stdout.read() if child.stdout else ""
        _, status, _ = os.wait4(child.pid, 0)
        wall = time.perf_counter() - begin
        if status != 0:
            raise SystemExit(f"effect run failed with status {status}")
        analyses, placebos, inner, peak = output.split()
        print("| run | analyses (indicator × municipality) | placebo fits | wall incl. start-up (s) | "
              "analysis only (s) | peak RSS (MiB) |")
        print("| --- | --- | --- | --- | --- | --- |")
        print(f"| effects, national demo, DiD + synth, all six Flevoland municipalities | {analyses} | {placebos} | "
              f"{wall:.2f} | {inner} | {peak} |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--effects":
        run_effects(Path(sys.argv[2]))
    else:
        main()
