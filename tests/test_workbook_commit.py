"""Committing uploads: kept byte for byte, all or nothing, supersede, withdraw, no-op twice, serialised, rebuilt."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import duckdb
import pytest

from etl.build import build
from etl.cli import main
from etl.manifest import sha256_of
from etl.workbooks.commit import commit_upload, withdraw_upload
from etl.workbooks.store import events, kept
from tests.conftest import FIXTURES, ROOT, raw_with
from tests.test_workbook_support import MONTHLY_SHEETS, copy_sheets, monthly_file, plan_file, write_workbook

PROGRAMME = ("subproject", "action", "milestone", "kpi", "kpi_target", "kpi_value", "report_narrative",
             "milestone_update", "action_update", "field_signal")


@pytest.fixture
def live(tmp_path):
    """A built warehouse (small DUO fixture) and an empty uploads folder."""
    raw = raw_with(tmp_path, "small.csv", (FIXTURES / "duo_vo_small.csv").read_bytes().decode("utf-8"))
    db = tmp_path / "warehouse.duckdb"
    build(raw, db, progress=False)
    return raw, db, tmp_path / "uploads"


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _programme(db):
    return {t: _rows(db, f"select * exclude (upload_id) from {t} order by all") for t in PROGRAMME}  # noqa: S608


def _march(tmp_path, name, learners):
    sheets = copy_sheets(MONTHLY_SHEETS)
    sheets["KPI-waarden"] = [["KPI", "Waarde", "Opmerking"], ["LLN", learners, None], ["BZK", 4, None]]
    return write_workbook(tmp_path / name, sheets)


def test_plan_then_monthly_report_reach_the_warehouse_and_the_file_is_kept(live, tmp_path):
    _, db, uploads = live
    plan = commit_upload(plan_file(tmp_path), "Demo Analist", uploads, db)
    assert plan.outcome == "committed" and plan.report["ok"]
    assert _rows(db, "select subproject_code from subproject order by 1") == [("ALM",), ("LEL",)]
    report = commit_upload(monthly_file(tmp_path), "Demo Leider", uploads, db)
    assert report.outcome == "committed"
    assert _rows(db, "select value from kpi_value where kpi_code = 'LLN'") == [(350.0,)]
    kept_file = uploads / report.upload.upload_id / "maand.xlsx"
    assert sha256_of(kept_file) == sha256_of(tmp_path / "maand.xlsx") == report.upload.sha256
    assert _rows(db, "select kind, status, uploaded_by from upload order by uploaded_at") == [
        ("plan", "active", "Demo Analist"), ("monthly", "active", "Demo Leider")]


def test_a_rejected_upload_writes_nothing(live, tmp_path):
    _, db, uploads = live
    commit_upload(plan_file(tmp_path), "a", uploads, db)
    before = sha256_of(db)
    bad = monthly_file(tmp_path, "fout.xlsx", **{"KPI-waarden": [["KPI", "Waarde", "Opmerking"], ["XXX", 1, None]]})
    result = commit_upload(bad, "a", uploads, db)
    assert result.outcome == "rejected" and not result.report["ok"]
    assert result.report["errors"][0]["sheet"] == "KPI-waarden" and result.report["errors"][0]["row"] == 2
    assert sha256_of(db) == before and len(kept(uploads)) == 1


def test_the_same_file_twice_is_a_no_op(live, tmp_path):
    _, db, uploads = live
    first = commit_upload(plan_file(tmp_path), "a", uploads, db)
    before = sha256_of(db)
    again = commit_upload(tmp_path / "plan.xlsx", "b", uploads, db)
    assert again.outcome == "duplicate" and again.upload.upload_id == first.upload.upload_id
    assert sha256_of(db) == before and len(kept(uploads)) == 1


def test_a_correction_supersedes_and_withdrawing_it_restores_the_previous_state(live, tmp_path):
    _, db, uploads = live
    commit_upload(plan_file(tmp_path), "a", uploads, db)
    commit_upload(_march(tmp_path, "maart.xlsx", 350), "a", uploads, db)
    before = _programme(db)
    correction = commit_upload(_march(tmp_path, "maart-gecorrigeerd.xlsx", 380), "a", uploads, db)
    assert _rows(db, "select value from kpi_value where kpi_code = 'LLN'") == [(380.0,)]
    assert [s for (s,) in _rows(db, "select status from upload where kind = 'monthly' order by uploaded_at")] == [
        "superseded", "active"]
    withdraw_upload(correction.upload.upload_id, "a", uploads, db)
    assert _programme(db) == before
    assert len(kept(uploads)) == 3  # nothing is ever deleted


def test_rebuild_from_raw_files_and_kept_uploads_equals_the_live_warehouse(live, tmp_path):
    raw, db, uploads = live
    commit_upload(plan_file(tmp_path), "a", uploads, db)
    commit_upload(_march(tmp_path, "maart.xlsx", 350), "a", uploads, db)
    commit_upload(_march(tmp_path, "maart-2.xlsx", 360), "a", uploads, db)
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt, progress=False, uploads_dir=uploads)
    assert _programme(rebuilt) == _programme(db)
    assert _rows(rebuilt, "select * from upload order by all") == _rows(db, "select * from upload order by all")


def test_two_commits_at_once_in_threads_are_both_kept(live, tmp_path):
    _, db, uploads = live
    commit_upload(plan_file(tmp_path), "a", uploads, db)
    files = []
    for month, name in (("2026-02", "feb.xlsx"), ("2026-03", "mrt.xlsx")):
        sheets = copy_sheets(MONTHLY_SHEETS)
        sheets["Toelichting"][1][1] = month
        files.append(write_workbook(tmp_path / name, sheets))
    threads = [threading.Thread(target=commit_upload, args=(f, "t", uploads, db)) for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m for (m,) in _rows(db, "select distinct month from kpi_value")) == ["2026-02", "2026-03"]


def test_two_commits_at_once_in_processes_are_both_kept(live, tmp_path):
    _, db, uploads = live
    commit_upload(plan_file(tmp_path), "a", uploads, db)
    commands = []
    for month, name in (("2026-01", "jan.xlsx"), ("2026-02", "feb.xlsx")):
        sheets = copy_sheets(MONTHLY_SHEETS)
        sheets["Toelichting"][1][1] = month
        path = write_workbook(tmp_path / name, sheets)
        commands.append([sys.executable, "-m", "etl", "upload", str(path), "--db", str(db), "--uploads",
                         str(uploads), "--uploader", "proces"])
    processes = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    assert sorted(m for (m,) in _rows(db, "select distinct month from kpi_value")) == ["2026-01", "2026-02"]


def test_cli_upload_history_and_withdraw(live, tmp_path, capsys):
    _, db, uploads = live
    common = ["--db", str(db), "--uploads", str(uploads)]
    assert main(["upload", str(plan_file(tmp_path)), "--json", "--uploader", "Analist", *common]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"ok", "kind", "errors", "warnings", "changes", "subproject", "month", "upload_id"}
    assert report["ok"]
    assert main(["uploads", "--json", *common]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["upload_id"] == report["upload_id"] and listed["status"] == "active"
    assert main(["withdraw", report["upload_id"], "--by", "Analist", *common]) == 0
    assert "ingetrokken" in capsys.readouterr().out
    assert _rows(db, "select count(*) from subproject") == [(0,)]
    assert main(["withdraw", report["upload_id"], *common]) == 1
    assert "al ingetrokken" in capsys.readouterr().err


def test_without_a_warehouse_nothing_is_kept(tmp_path):
    uploads = tmp_path / "uploads"
    with pytest.raises(Exception, match="bouw het eerst"):
        commit_upload(plan_file(tmp_path), "a", uploads, tmp_path / "geen.duckdb")
    assert kept(uploads) == [] and events(uploads) == [] and list(uploads.iterdir()) == [uploads / ".lock"]
    shutil.rmtree(uploads)
