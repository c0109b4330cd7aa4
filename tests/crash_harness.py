"""Kill -9 injection into `etl upload` and `etl build`, and the invariants checked after each kill (no tests here).

Used by tests/test_crash_recovery.py (a fixed-seed sample in CI) and bench/soak_crash.py (the full campaign).
After a kill, the next command (`etl uploads`, which every upload command and the app's start precede with the
store's recovery) must leave: no temporary or half-placed file behind, the warehouse at the store's position, and
the upload that was being committed wholly in or wholly out.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl

from etl.manifest import sha256_of
from etl.workbooks.store import CACHE_DIR, events, file_of, kept, position, recorded_position, statuses

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Kill:
    """One injection: which command, how long after its start it was killed, and whether it had ended already."""

    command: str
    delay_s: float
    finished_before_kill: bool


def etl(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m etl …` to its end."""
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)


def start_and_kill(args: list[str], delay_s: float) -> Kill:
    """Start `python -m etl <args>` and SIGKILL it after `delay_s` seconds (if it still runs)."""
    process = subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay_s)
        finished = True
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        finished = False
    return Kill(args[0], delay_s, finished)


def correction(uploads: Path, folder: Path, number: int) -> Path:
    """A new version of the latest ALM monthly report kept in `uploads`: its narrative changed, so a new file."""
    latest = max((u for u in kept(uploads) if u.subproject == "ALM"), key=lambda u: u.month)
    book = openpyxl.load_workbook(file_of(uploads, latest))
    book["Toelichting"]["C2"] = f"Gecorrigeerde versie {number}"
    path = folder / f"correctie-{number}.xlsx"
    book.save(path)
    return path


def timed(args: list[str]) -> float:
    """Seconds one uninterrupted run of `python -m etl <args>` takes (to spread the kills over it)."""
    start = time.perf_counter()
    done = etl(*args)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def leftovers(db: Path, uploads: Path) -> list[str]:
    """Files that a finished command must not leave: temporary warehouses, half-placed uploads, partial cache."""
    names = [p.name for p in db.parent.iterdir() if p.name.startswith(f"{db.name}.")]
    names += [p.name for p in uploads.iterdir() if p.is_dir() and p.name.startswith(".") and p.name != CACHE_DIR]
    committed = {e["upload_id"] for e in events(uploads) if e["event"] == "commit"}
    names += [p.name for p in uploads.iterdir() if p.is_dir() and not p.name.startswith(".")
              and p.name not in committed]
    names += [p.name for p in (uploads / CACHE_DIR).glob("*.pickle.*")]
    return sorted(names)


def inconsistencies(db: Path, uploads: Path) -> list[str]:
    """What differs between the upload store and the warehouse derived from it (empty when they agree)."""
    log = events(uploads)
    store = {u.upload_id: u for u in kept(uploads, log)}
    status = statuses(list(store.values()), log)
    con = duckdb.connect(str(db), read_only=True)
    try:
        recorded = recorded_position(con)
        table = dict(con.execute("select upload_id, status from upload").fetchall())
        with_rows = {u for (u,) in con.execute("select distinct upload_id from kpi_value union "
                                               "select distinct upload_id from report_narrative").fetchall()}
    finally:
        con.close()
    problems = []
    if recorded != position(uploads):
        problems.append(f"warehouse at position {recorded}, store at {position(uploads)}")
    if set(table) != set(store):
        problems.append(f"uploads only in the warehouse: {sorted(set(table) - set(store))}; "
                        f"only in the store: {sorted(set(store) - set(table))}")
    wrong = {u: (s, table[u]) for u, s in status.items() if u in table and table[u] != s}
    if wrong:
        problems.append(f"statuses differ (store, warehouse): {wrong}")
    active_monthly = {u for u, s in status.items() if s == "active" and store[u].kind == "monthly"}
    if active_monthly - with_rows:
        problems.append(f"active reports without rows in the warehouse: {sorted(active_monthly - with_rows)}")
    if with_rows - active_monthly:
        problems.append(f"rows of reports that are not active: {sorted(with_rows - active_monthly)}")
    return problems


def wholly_in_or_out(path: Path, uploads: Path, db: Path) -> str:
    """'in' when the file is an active upload whose rows are in the warehouse, 'out' when it is nowhere."""
    digest = sha256_of(path)
    log = events(uploads)
    store = kept(uploads, log)
    status = statuses(store, log)
    ids = [u.upload_id for u in store if u.sha256 == digest and status[u.upload_id] == "active"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute("select count(*) from report_narrative where upload_id in (select unnest(?))",
                            [ids]).fetchone()[0] if ids else 0
    finally:
        con.close()
    if ids and found:
        return "in"
    return "out" if not ids else "half"


def kill_commits(db: Path, uploads: Path, work: Path, count: int, seed: int) -> list[dict]:
    """Kill `count` commits at random instants; after each, run the next command and check the invariants."""
    rng = random.Random(seed)
    common = ["--db", str(db), "--uploads", str(uploads)]
    timed(["upload", str(correction(uploads, work, -2)), *common])  # fills the validation cache, as in daily use
    duration = timed(["upload", str(correction(uploads, work, -1)), *common])
    results = []
    for number in range(count):
        path = correction(uploads, work, number)
        # Every other kill falls in the last part, where the event is appended and the warehouse swapped.
        share = rng.uniform(0.6, 1.1) if number % 2 else rng.uniform(0.0, 1.1)
        kill = start_and_kill(["upload", str(path), *common], share * duration)
        after = etl("uploads", "--json", *common)
        listed = json.loads(after.stdout) if after.returncode == 0 else None
        results.append({"kill": kill, "exit": after.returncode, "listed": listed is not None,
                        "state": wholly_in_or_out(path, uploads, db), "leftovers": leftovers(db, uploads),
                        "problems": inconsistencies(db, uploads)})
    return results


def kill_builds(raw: Path, db: Path, uploads: Path, count: int, seed: int) -> list[dict]:
    """Kill `count` builds at random instants; after each, the next command must find a whole warehouse."""
    rng = random.Random(seed)
    common = ["--db", str(db), "--uploads", str(uploads)]
    timed(["build", "--raw", str(raw), "--quiet", *common])  # warm: bytecode and validation caches written
    duration = timed(["build", "--raw", str(raw), "--quiet", *common])
    results = []
    for _ in range(count):
        kill = start_and_kill(["build", "--raw", str(raw), "--quiet", *common], rng.uniform(0.0, duration * 1.1))
        after = etl("uploads", "--json", *common)
        results.append({"kill": kill, "exit": after.returncode, "leftovers": leftovers(db, uploads),
                        "problems": inconsistencies(db, uploads)})
    return results
