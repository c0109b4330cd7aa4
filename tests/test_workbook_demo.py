"""The demo plan of action and monthly reports: deterministic, replayable, labelled as demo, never over real data."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.workbooks.demo import MONTHS, SUBPROJECTS, DemoUploadsError, generate_programme
from etl.workbooks.replay import CACHE_DIR, replay
from etl.workbooks.store import events, keep, kept, statuses
from tests.conftest import ROOT
from tests.test_workbook_support import plan_file
from warehouse import programme

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("programme") / "uploads"
    generate_programme(folder, 5, TODAY)
    return folder


def test_one_plan_and_a_report_per_subproject_and_month_with_gaps_corrections_and_a_withdrawal(uploads):
    everything = kept(uploads)
    status = statuses(everything, events(uploads))
    plans = [u for u in everything if u.kind == "plan"]
    reports = [u for u in everything if u.kind == "monthly"]
    assert len(plans) == 1 and all(u.demo for u in everything)
    # 6 subprojects × 24 months, 3 months missing, 3 months sent twice (a correction)
    assert len(reports) == 6 * MONTHS - 3 + 3
    assert sorted(status.values()).count("superseded") == 3 and list(status.values()).count("withdrawn") == 1
    months = sorted({u.month for u in reports})
    assert (months[0], months[-1], len(months)) == ("2024-11", "2026-10", MONTHS)
    assert {u.subproject for u in reports} == {s[0] for s in SUBPROJECTS}
    # every upload was made after the month it reports on, and before today
    assert all(u.uploaded_at[:7] > u.month for u in reports)
    assert max(u.uploaded_at for u in everything) < TODAY.isoformat()


def test_the_same_seed_and_day_give_the_same_bytes(uploads, tmp_path):
    again = generate_programme(tmp_path / "again", 5, TODAY)
    assert [u.sha256 for u in again] == [u.sha256 for u in kept(uploads)]
    assert [u.upload_id for u in again] == [u.upload_id for u in kept(uploads)]


def test_every_kept_report_replays_without_a_note_and_fills_the_programme_tables(uploads):
    result = replay(uploads)
    assert result.notes == []
    active = result.uploads[result.uploads["status"] == "active"]
    assert len(result.tables["report_narrative"]) == len(active) - 1  # one row per active report, not the plan
    assert set(result.tables["subproject"]["subproject_code"]) == {s[0] for s in SUBPROJECTS}
    # a corrected report's values win: the superseded upload contributes no rows
    superseded = set(result.uploads.loc[result.uploads["status"] == "superseded", "upload_id"])
    assert not superseded & set(result.tables["kpi_value"]["upload_id"])


def test_the_cache_gives_the_same_tables_and_a_broken_entry_is_validated_again(uploads):
    first = replay(uploads)
    entries = sorted((uploads / CACHE_DIR).glob("*.pickle"))
    assert len(entries) == len(first.uploads) - 4  # the superseded and withdrawn uploads are not validated
    entries[0].write_bytes(b"not a pickle")
    second = replay(uploads)
    for name, frame in first.tables.items():
        assert frame.equals(second.tables[name]), name


def test_a_demo_build_shows_progress_delays_and_gaps(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        source = programme.provenance(con)
        assert source["is_demo"] and source["reports"] == 6 * MONTHS - 3 - 1
        today = date.today()
        progress = {code: programme.kpi_progress(con, code, today).set_index("kpi_code")
                    for code, *_rest in SUBPROJECTS}
        # Urk is set to reach 60% of the planned pace, Almere 105%: whatever the day, Urk is further behind.
        assert progress["URK"].loc["LLN", "ratio"] < 0.85 * progress["ALM"].loc["LLN", "ratio"]
        statuses_seen = {s for frame in progress.values() for s in frame["status"]}
        assert "op koers" in statuses_seen and statuses_seen & {"let op", "achter"}
        months = programme.report_months(con, "URK", "2024-01", "2030-01")["status"]
        assert {"ingediend", "ontbreekt"} <= set(months)
    finally:
        con.close()


def test_real_uploads_are_never_touched(tmp_path):
    folder = tmp_path / "uploads"
    real = keep(folder, plan_file(tmp_path), "plan", "Anna Analist", None, None, {})
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    with pytest.raises(DemoUploadsError, match="echte uploads"):
        generate_programme(folder, 5, TODAY)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    assert kept(folder) == [real]


def test_cli_demo_writes_raw_files_and_uploads_and_warns_instead_of_overwriting(tmp_path):
    command = [sys.executable, "-m", "etl", "demo", "--raw", str(tmp_path / "raw"), "--uploads",
               str(tmp_path / "uploads"), "--quiet"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "Demo-uploads geschreven: 145 werkboeken" in done.stdout
    ids = [u.upload_id for u in kept(tmp_path / "uploads")]
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # demo replaces demo
    assert "145 werkboeken" in again.stdout and [u.upload_id for u in kept(tmp_path / "uploads")] == ids
    keep(tmp_path / "uploads", plan_file(tmp_path), "plan", "Anna Analist", None, None, {})
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "LET OP" in refused.stderr and "echte uploads" in refused.stderr
    assert len(kept(tmp_path / "uploads")) == 146
