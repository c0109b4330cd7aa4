"""Crashes at any instant: leftovers are removed and the warehouse follows the upload store (store.position)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb

from etl.manifest import sha256_of
from etl.tempfiles import stale_warehouse_temps, temp_path
from etl.workbooks.commit import commit_upload
from etl.workbooks.recovery import sync, warehouse_position
from etl.workbooks.store import append, event_line, events, kept, place, position, statuses
from tests.conftest import ROOT
from tests.crash_harness import correction, etl, inconsistencies, kill_builds, kill_commits, leftovers

KILLS_IN_CI = 8  # a fixed-seed sample; `make soak` runs the full campaign (bench/soak_crash.py)


def _dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _logged_but_not_swapped(uploads, tmp_path, number):
    """The state a kill between the commit point (the event appended) and the swap leaves: store ahead of warehouse.

    Returns the corrected report that was committed that far."""
    path = correction(uploads, tmp_path, number)
    month = max(u.month for u in kept(uploads) if u.subproject == "ALM")
    upload = place(uploads, path, "monthly", "Demo Leider", "ALM", month, {"kpi_value": 1})
    append(uploads, event_line("commit", upload.upload_id, "Demo Leider"))
    return path


def test_a_commit_logged_but_not_swapped_in_is_replayed_by_the_next_command(programme, tmp_path):
    db, uploads = programme
    before = sha256_of(db)
    path = _logged_but_not_swapped(uploads, tmp_path, 1)
    assert sha256_of(db) == before and inconsistencies(db, uploads)
    done = etl("uploads", "--json", "--db", str(db), "--uploads", str(uploads))
    assert done.returncode == 0 and "bijgewerkt" in done.stderr
    assert inconsistencies(db, uploads) == [] and warehouse_position(db) == position(uploads)
    assert etl("upload", str(path), "--db", str(db), "--uploads", str(uploads)).stdout.count("al vastgelegd") == 1


def test_a_placed_upload_without_its_event_never_happened_and_is_removed(programme, tmp_path):
    db, uploads = programme
    before_db, before_log = sha256_of(db), (uploads / "events.jsonl").read_bytes()
    upload = place(uploads, correction(uploads, tmp_path, 2), "monthly", "x", "ALM", "2026-01", {})
    staging = uploads / ".20261201T100000000000-0123abcd"
    staging.mkdir()
    assert upload.upload_id not in {u.upload_id for u in kept(uploads)}  # not committed: not kept
    result = sync(db, uploads)
    assert not (uploads / upload.upload_id).exists() and not staging.exists() and len(result.removed) == 2
    assert not result.replayed and sha256_of(db) == before_db and (uploads / "events.jsonl").read_bytes() == before_log


def test_a_line_cut_off_by_a_crash_is_ignored_and_the_next_event_stands_alone(programme, tmp_path):
    db, uploads = programme
    count = len(events(uploads))
    with (uploads / "events.jsonl").open("a") as handle:
        handle.write('{"event": "withdraw", "upload_id": "2026')  # killed mid-append
    assert len(events(uploads)) == count and sync(db, uploads).replayed is False
    result = commit_upload(correction(uploads, tmp_path, 3), "Demo Leider", uploads, db)
    assert result.outcome == "committed" and len(events(uploads)) == count + 1
    assert inconsistencies(db, uploads) == []


def test_stale_temporaries_of_dead_processes_go_and_those_of_living_ones_stay(programme, tmp_path):
    db, uploads = programme
    dead = _dead_pid()
    dead_ones = [db.with_name(f"{db.name}.tmp-{dead}"), db.with_name(f"{db.name}.tmp-{dead}.wal"),
                 db.with_name(f"{db.name}.upload-{dead}"), uploads / ".cache" / f"abc.pickle.{dead}"]
    living = [db.with_name(f"{db.name}.tmp-{os.getppid()}"), temp_path(db, "upload")]
    for path in (*dead_ones, *living):
        path.write_bytes(b"x" * 1000)
    spill = db.with_name(f"{db.name}.spill-{dead}")  # a killed build's DuckDB spill folder, with a spilled block
    (spill / "duckdb_temp_block-1.block").parent.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"x" * 1000)
    dead_ones.append(spill)
    unrelated = db.with_name("notities.tmp-1")
    unrelated.write_text("van een gebruiker")
    removed = sync(db, uploads).removed
    assert sorted(removed) == sorted(dead_ones) and all(p.exists() for p in (*living, unrelated))
    assert not spill.exists()
    assert stale_warehouse_temps(db) == []


def test_a_build_swaps_under_the_lock_and_records_the_store_position(programme, demo_raw):
    db, uploads = programme
    from etl.build import build

    build(demo_raw, db, progress=False, uploads_dir=uploads)
    assert warehouse_position(db) == position(uploads) and inconsistencies(db, uploads) == []


def test_kill_9_during_commits_leaves_each_upload_wholly_in_or_out(programme, tmp_path):
    db, uploads = programme
    results = kill_commits(db, uploads, tmp_path, KILLS_IN_CI, seed=16)
    assert [r for r in results if r["exit"] or not r["listed"] or r["state"] == "half" or r["leftovers"]
            or r["problems"]] == []
    killed = [r for r in results if not r["kill"].finished_before_kill]
    assert len(killed) >= KILLS_IN_CI // 2  # the sample really interrupted commits


def test_kill_9_during_builds_keeps_the_old_warehouse_and_leaves_nothing(programme, demo_raw):
    db, uploads = programme
    results = kill_builds(demo_raw, db, uploads, KILLS_IN_CI // 2, seed=16)
    assert [r for r in results if r["exit"] or r["leftovers"] or r["problems"]] == []
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select value from build_info where key = 'is_demo'").fetchone() == ("true",)
    finally:
        con.close()


def test_sync_command_reports_that_all_is_well(programme):
    db, uploads = programme
    done = etl("sync", "--db", str(db), "--uploads", str(uploads))
    assert done.returncode == 0 and "Alles in orde" in done.stdout


def test_a_build_killed_while_holding_the_uploads_lock_does_not_block_a_commit(programme, demo_raw, tmp_path):
    db, uploads = programme
    lock_holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from etl.workbooks.store import locked\n"
         "with locked(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)", str(uploads)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert lock_holder.stdout.readline().strip() == "held"
    os.kill(lock_holder.pid, signal.SIGKILL)
    lock_holder.wait()
    result = commit_upload(correction(uploads, tmp_path, 4), "Demo Leider", uploads, db)
    assert result.outcome == "committed"
    assert statuses(kept(uploads), events(uploads))[result.upload.upload_id] == "active"
    assert leftovers(db, uploads) == []


def test_the_app_start_recovers_the_store_before_serving(programme, tmp_path, monkeypatch):
    db, uploads = programme
    _logged_but_not_swapped(uploads, tmp_path, 5)
    monkeypatch.setenv("TECHNIEKMONITOR_DB", str(db))
    monkeypatch.setenv("TECHNIEKMONITOR_UPLOADS", str(uploads))
    from ui.serve import recover

    recover()
    assert inconsistencies(db, uploads) == []
