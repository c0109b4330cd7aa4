"""A monthly report's commit, withdrawal or review changes only its own rows (replay.apply_events), and the
warehouse it leaves equals a full replay of the upload store: after corrections, a filled gap, withdrawals, reviews,
period locks, a plan change that rejects reports and the plan's withdrawal."""

from __future__ import annotations

import ast
import itertools
import shutil
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

import etl.workbooks.replay as replay_module
from etl.build import build
from etl.workbooks.commit import (
    CommitError,
    commit_upload,
    lock_period,
    review_upload,
    unlock_period,
    withdraw_upload,
)
from etl.workbooks.recovery import sync
from etl.workbooks.replay import MONTHLY_TABLES, PLAN_TABLES, apply_events, load_programme
from etl.workbooks.store import (
    CODE_KEY,
    DERIVATION_MODULES,
    VALIDATION_MODULES,
    append,
    event_line,
    events,
    file_of,
    kept,
    position,
    statuses,
)
from etl.workbooks.validate import validate_workbook
from tests.conftest import ROOT

TABLES = (*PLAN_TABLES, *MONTHLY_TABLES, "upload", "period_lock")
FULL_REPLAY = replay_module.replay  # the reference, whatever the `replays` fixture counts


@pytest.fixture
def replays(monkeypatch):
    """The number of full replays the code under test made (the reference replays below are not counted)."""
    calls = []
    original = replay_module.replay

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(replay_module, "replay", counted)
    return calls


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}  # noqa: S608
        tables["build_info"] = con.execute(  # the store position and the code they reflect
            "select * from build_info where key like 'uploads_%' order by all").fetchall()
        return tables
    finally:
        con.close()


def _full_replay(db: Path, uploads: Path, folder: Path) -> dict[str, list[tuple]]:
    """The programme tables a full replay of the store gives, in a copy of the warehouse."""
    reference = folder / "reference.duckdb"
    shutil.copyfile(db, reference)
    con = duckdb.connect(str(reference))
    try:
        load_programme(con, FULL_REPLAY(uploads))
    finally:
        con.close()
    return _tables(reference)


def _assert_equals_full_replay(db: Path, uploads: Path, folder: Path) -> None:
    live, reference = _tables(db), _full_replay(db, uploads, folder)
    for table in live:
        assert live[table] == reference[table], table


def _active(uploads: Path, subproject: str, month: str):
    log = events(uploads)
    store = kept(uploads, log)
    status = statuses(store, log)
    return next(u for u in store if (u.subproject, u.month) == (subproject, month) and status[u.upload_id] == "active")


def _variant(uploads: Path, upload, folder: Path, name: str, month: str | None = None) -> Path:
    """A copy of a kept report with another narrative (and another month, when given): a new file."""
    book = openpyxl.load_workbook(file_of(uploads, upload))
    book["Toelichting"]["C2"] = f"Versie {name}"
    if month:
        book["Toelichting"]["B2"] = month
    path = folder / f"{name}.xlsx"
    book.save(path)
    return path


def _months(uploads: Path, subproject: str) -> list[str]:
    return sorted({u.month for u in kept(uploads) if u.subproject == subproject})


def _gap(uploads: Path) -> tuple[str, str, str]:
    """A subproject, a month the demo left out between two reported months, and the month before it."""
    for subproject in ("ALM", "LEL", "DRO", "NOP", "URK", "ZEE"):
        months = _months(uploads, subproject)
        for earlier, later in itertools.pairwise(months):
            following = f"{int(earlier[:4]) + int(earlier[5:]) // 12:04d}-{int(earlier[5:]) % 12 + 1:02d}"
            if following != later:
                return subproject, following, earlier
    raise AssertionError("the demo leaves three months out")


def _plan_ending(uploads: Path, folder: Path, subproject: str, end: date) -> Path:
    """The active plan with one subproject's end date moved forward: its later reports no longer fit."""
    log = events(uploads)
    store = kept(uploads, log)
    status = statuses(store, log)
    plan = next(u for u in reversed(store) if u.kind == "plan" and status[u.upload_id] == "active")
    book = openpyxl.load_workbook(file_of(uploads, plan))
    sheet = book["Deelprojecten"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == subproject)
    sheet.cell(row, 7).value = end
    path = folder / "plan-korter.xlsx"
    book.save(path)
    return path


def test_commits_corrections_withdrawals_and_a_plan_change_equal_a_full_replay(programme, replays, tmp_path):
    db, uploads = programme
    zee = _months(uploads, "ZEE")
    middle = zee[len(zee) // 2]

    # a correction: the new report replaces the rows of the one it supersedes
    correction = commit_upload(_variant(uploads, _active(uploads, "ZEE", middle), tmp_path, "zee-2"), "t", uploads, db)
    assert correction.outcome == "committed" and replays == []
    _assert_equals_full_replay(db, uploads, tmp_path)

    # a month the demo left out, then its correction
    subproject, month, before = _gap(uploads)
    filled = commit_upload(_variant(uploads, _active(uploads, subproject, before), tmp_path, "gat", month), "t",
                           uploads, db)
    assert filled.outcome == "committed", filled.report["errors"]
    again = commit_upload(_variant(uploads, filled.upload, tmp_path, "gat-2"), "t", uploads, db)
    assert again.outcome == "committed" and replays == []
    _assert_equals_full_replay(db, uploads, tmp_path)

    # withdrawing a report that superseded nothing leaves its month empty
    latest = _active(uploads, "ALM", _months(uploads, "ALM")[-1])
    assert withdraw_upload(latest.upload_id, "t", uploads, db) == [] and replays == []
    _assert_equals_full_replay(db, uploads, tmp_path)

    # a plan under which ZEE ends before `middle`: every report is checked again (a full replay) and ZEE's later
    # reports are rejected
    shorter = commit_upload(_plan_ending(uploads, tmp_path, "ZEE", date.fromisoformat(f"{zee[len(zee) // 2 - 2]}-28")),
                            "t", uploads, db)
    assert shorter.outcome == "committed" and len(replays) == 1
    assert any(correction.upload.file_name in note for note in shorter.notes)
    _assert_equals_full_replay(db, uploads, tmp_path)

    # withdrawing the (rejected) correction brings back the original, which does not fit either
    notes = withdraw_upload(correction.upload.upload_id, "t", uploads, db)
    assert len(replays) == 1 and len(notes) == 1 and "past niet meer" in notes[0]
    _assert_equals_full_replay(db, uploads, tmp_path)
    original = _active(uploads, "ZEE", middle)
    withdraw_upload(original.upload_id, "t", uploads, db)
    assert len(replays) == 1
    _assert_equals_full_replay(db, uploads, tmp_path)

    # withdrawing the plan brings back the old one: a full replay, ZEE's reports fit again
    assert withdraw_upload(shorter.upload.upload_id, "t", uploads, db) == [] and len(replays) == 2
    _assert_equals_full_replay(db, uploads, tmp_path)

    # and a report after that is incremental again
    last = commit_upload(_variant(uploads, _active(uploads, "LEL", _months(uploads, "LEL")[-3]), tmp_path, "lel-2"),
                         "t", uploads, db)
    assert last.outcome == "committed" and len(replays) == 2
    _assert_equals_full_replay(db, uploads, tmp_path)


def test_reviews_and_period_locks_are_incremental_and_equal_a_full_replay(programme, replays, tmp_path):
    db, uploads = programme
    months = _months(uploads, "NOP")
    report = _active(uploads, "NOP", months[-2])
    review_upload(report.upload_id, "teruggestuurd", "KPI K1 mist de toelichting", "analist", uploads, db)
    assert replays == []
    _assert_equals_full_replay(db, uploads, tmp_path)
    held = {row[0]: row for row in _tables(db)["upload"]}
    assert held[report.upload_id][11:14] == ("teruggestuurd", "analist", held[report.upload_id][13])
    assert held[report.upload_id][14] == "KPI K1 mist de toelichting"

    # the lead's correction starts as ingediend; the returned one is superseded and keeps its review
    correction = commit_upload(_variant(uploads, report, tmp_path, "nop-2"), "lead", uploads, db)
    assert correction.outcome == "committed" and replays == []
    review_upload(correction.upload.upload_id, "goedgekeurd", "", "analist", uploads, db)
    held = {row[0]: row for row in _tables(db)["upload"]}
    assert (held[correction.upload.upload_id][8], held[correction.upload.upload_id][11]) == ("active", "goedgekeurd")
    assert (held[report.upload_id][8], held[report.upload_id][11]) == ("superseded", "teruggestuurd")
    _assert_equals_full_replay(db, uploads, tmp_path)

    # a lock holds the warehouse's period_lock row until the unlock, and both are incremental
    year, month = int(months[-2][:4]), int(months[-2][5:])
    period = f"{year}-Q{(month - 1) // 3 + 1}"
    lock_period(period, "stuurgroep 3 oktober", "beheerder", uploads, db)
    assert [row[:3] for row in _tables(db)["period_lock"]] == [(period, *_quarter(year, month))]
    _assert_equals_full_replay(db, uploads, tmp_path)
    with pytest.raises(CommitError, match=f"kwartaal {period} is vergrendeld door beheerder"):
        withdraw_upload(correction.upload.upload_id, "lead", uploads, db)
    unlock_period(period, "correctie na de vergadering", "beheerder", uploads, db)
    assert _tables(db)["period_lock"] == [] and replays == []
    _assert_equals_full_replay(db, uploads, tmp_path)


def _quarter(year: int, month: int) -> tuple[str, str]:
    first = 3 * ((month - 1) // 3) + 1
    return f"{year}-{first:02d}", f"{year}-{first + 2:02d}"


def test_the_live_warehouse_after_incremental_commits_equals_a_rebuild(programme, demo_raw, tmp_path):
    db, uploads = programme
    for number, subproject in enumerate(("ALM", "NOP", "ALM")):
        report = _active(uploads, subproject, _months(uploads, subproject)[-2])
        assert commit_upload(_variant(uploads, report, tmp_path, f"v{number}"), "t", uploads, db).outcome == "committed"
    withdraw_upload(_active(uploads, "URK", _months(uploads, "URK")[0]).upload_id, "t", uploads, db)
    review_upload(_active(uploads, "ALM", _months(uploads, "ALM")[-1]).upload_id, "goedgekeurd", "", "t", uploads, db)
    lock_period("2020-Q1", "een oud kwartaal", "t", uploads, db)
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(demo_raw, rebuilt, progress=False, uploads_dir=uploads)
    assert _tables(rebuilt) == _tables(db)


def test_a_warehouse_derived_by_other_code_or_behind_the_store_is_replayed_in_full(programme, replays, tmp_path):
    db, uploads = programme
    con = duckdb.connect(str(db))
    con.execute("update build_info set value = 'andere code' where key = ?", [CODE_KEY])
    con.close()
    report = _active(uploads, "DRO", _months(uploads, "DRO")[-1])
    assert commit_upload(_variant(uploads, report, tmp_path, "dro-2"), "t", uploads, db).outcome == "committed"
    assert len(replays) == 1  # and the code is recorded, so the next commit is incremental again
    _assert_equals_full_replay(db, uploads, tmp_path)

    # a warehouse behind the store (a commit killed after its commit point): apply_events declines, sync replays
    other = _active(uploads, "NOP", _months(uploads, "NOP")[-1])
    append(uploads, event_line("withdraw", report.upload_id, "t"))
    con = duckdb.connect(str(db))
    try:
        assert apply_events(con, uploads, (event_line("withdraw", other.upload_id, "t"),)) is None
        assert apply_events(con, uploads, ()) is None
    finally:
        con.close()
    assert sync(db, uploads).replayed and len(replays) == 2
    _assert_equals_full_replay(db, uploads, tmp_path)


def test_the_validation_cache_key_covers_every_module_validation_runs():
    """validation_version hashes VALIDATION_MODULES: they must be all of etl.workbooks that validate imports (and
    code_version those and the DERIVATION_MODULES, which replay the validated rows)."""
    folder = ROOT / "etl" / "workbooks"
    seen, todo = set(), ["validate"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("etl."):
                assert node.module.startswith("etl.workbooks."), node.module  # nothing else of etl
                todo.append(node.module.removeprefix("etl.workbooks."))
    assert {f"{name}.py" for name in seen} == set(VALIDATION_MODULES)
    replay_imports = {node.module for node in ast.walk(ast.parse((folder / "replay.py").read_text(encoding="utf-8")))
                      if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("etl.")}
    assert {f"{m.removeprefix('etl.workbooks.')}.py" for m in replay_imports} <= {*VALIDATION_MODULES,
                                                                                 *DERIVATION_MODULES}


def test_a_build_uses_its_early_replay_only_if_no_commit_came_in_between(programme, demo_raw, monkeypatch):
    import etl.build as build_module

    db, uploads = programme
    calls = []
    original = build_module._replay_programme
    withdrawn = _active(uploads, "DRO", _months(uploads, "DRO")[-1])

    def replay_then_commit(uploads_dir):
        result = original(uploads_dir)
        if not calls:  # a withdrawal logged after the replay beside the raw files, before the lock
            append(uploads, event_line("withdraw", withdrawn.upload_id, "t"))
        calls.append(result[0])
        return result

    monkeypatch.setattr(build_module, "_replay_programme", replay_then_commit)
    build(demo_raw, db, progress=False, uploads_dir=uploads)
    assert len(calls) == 2 and calls[1] == position(uploads) != calls[0]
    assert _tables(db)["build_info"][1][1] == position(uploads)  # uploads_code, uploads_position
    held = {row[0]: row[8] for row in _tables(db)["upload"]}
    assert held[withdrawn.upload_id] == "withdrawn"

    calls.clear()
    monkeypatch.setattr(build_module, "_replay_programme", lambda d: calls.append(d) or original(d))
    build(demo_raw, db, progress=False, uploads_dir=uploads)
    assert len(calls) == 1  # nothing came in between: the early replay is used


def test_a_dry_run_reads_only_the_rows_that_share_a_key_and_counts_the_same(programme, monkeypatch):
    import etl.workbooks.dryrun as dryrun

    db, uploads = programme
    report = _active(uploads, "ALM", _months(uploads, "ALM")[-4])
    plan = next(u for u in kept(uploads) if u.kind == "plan")
    original = dryrun._existing
    con = duckdb.connect(str(db), read_only=True)
    try:
        for upload in (report, plan):
            rows = validate_workbook(file_of(uploads, upload), con, today=date.today()).rows
            if "kpi_value" in rows:  # some values changed, the other rows as they are
                rows["kpi_value"].loc[::2, "value"] += 1
            filtered = dryrun.dry_run(rows, con)
            monkeypatch.setattr(dryrun, "_existing", lambda c, t, cols, inc, keys: original(c, t, cols, inc, []))
            everything = dryrun.dry_run(rows, con)
            monkeypatch.setattr(dryrun, "_existing", original)
            assert filtered == everything
            assert sum(c.unchanged for c in filtered.values()) > 0
            assert upload is plan or filtered["kpi_value"].changed
    finally:
        con.close()
