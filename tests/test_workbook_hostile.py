"""The workbook fuzzer, CI sample: every hostile or malformed workbook is accepted or refused with a located Dutch
message, never a traceback; `--json` always prints one valid JSON object; a refused upload writes nothing.

The cases come from tests/hostile_workbooks.py (bombs at 256 MB here; bench/bench_hostile_workbooks.py runs the
full campaign at 4 GB with time and memory per file). The worst classes also run through the real CLI in a
subprocess, so that an abort (SIGABRT) or a hang would fail the test instead of the test run.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.cli import main
from etl.workbooks.layout import MONTHLY, MORE_ISSUES
from etl.workbooks.reader import workbook_sheets
from etl.workbooks.templates import filled_workbook
from etl.workbooks.validate import MAX_ISSUES
from tests.conftest import ROOT
from tests.hostile_workbooks import base_workbook, cases
from tests.test_workbook_support import plan_file, warehouse_with_plan

CASES = {case.name: case for case in cases("ci")}
# English library text that must never reach a user outside the 'technische details' part of a message
ENGLISH = ("error", "Error", "There is no item", "Bad CRC", "File is not a zip", "zlib", "Traceback", "invalid",
           "Invalid", "not found", "encrypted", "Parse float", "password required")
# the classes that aborted the process or exhausted memory before, and the valid base (each run costs ~2 s)
IN_SUBPROCESS = ("far-xfd1048576", "wide-16384", "bomb-mimetype", "bomb-sharedstrings", "password-sheet", "basis")
NOTHING_WRITTEN = ("far-lying-dimension", "bomb-[content_types].xml", "deflate-flip-sheet3.xml",
                   "very-hidden-duplicate", "value-text-1e309")


def strict_json(text: str) -> dict:
    """The CLI's stdout as exactly one JSON object; Infinity and NaN are not JSON."""
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")
    report = json.loads(text, parse_constant=refuse)
    assert isinstance(report, dict)
    return report


def assert_located_dutch(report: dict, file_name: str) -> None:
    """Every error says where (the file, or its sheet) in Dutch; library text only after 'technische details:'."""
    assert list(report)[:5] == ["ok", "kind", "errors", "warnings", "changes"]
    assert report["errors"] and len(report["errors"]) <= MAX_ISSUES + 1
    for issue in report["errors"]:
        message = issue["message"]
        assert issue["sheet"] or file_name in message or message.startswith(MORE_ISSUES), issue
        shown = message.split("technische details:", 1)[0]
        assert not [w for w in ENGLISH if w in shown], message


def check_outcome(report: dict, expect: str, file_name: str) -> None:
    """Accepted (when the case is valid) or refused with located Dutch messages, as the case expects."""
    if expect == "accepted" or (expect == "either" and report["ok"]):
        assert report["ok"], report["errors"][:3]
    else:
        assert not report["ok"]
        assert_located_dutch(report, file_name)


@pytest.fixture(scope="module")
def plan_db(tmp_path_factory) -> Path:
    """A warehouse holding the test plan (ALM, LEL; KPIs LLN, BZK, VMBO) that the base monthly report fits."""
    return warehouse_with_plan(tmp_path_factory.mktemp("plan_db"))


def _dry_run(path: Path, db: Path) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["upload", str(path), "--dry-run", "--json", "--db", str(db)])
    return code, strict_json(out.getvalue())


def test_the_kpi_sheet_is_where_the_generators_put_it(tmp_path):
    base = base_workbook(tmp_path)
    with zipfile.ZipFile(base) as archive:
        parts = {s.name: s.parts for s in workbook_sheets(archive, base.name)}
    assert "xl/worksheets/sheet3.xml" in parts["KPI-waarden"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_workbook_in_process(name, tmp_path, plan_db):
    case = CASES[name]
    path = case.make(tmp_path)
    code, report = _dry_run(path, plan_db)
    assert code == (0 if report["ok"] else 1)
    check_outcome(report, case.expect, path.name)


@pytest.mark.parametrize("name", IN_SUBPROCESS)
def test_worst_classes_through_the_cli_in_a_subprocess(name, tmp_path, plan_db):
    case = CASES[name]
    path = case.make(tmp_path)
    done = subprocess.run([sys.executable, "-m", "etl", "upload", str(path), "--dry-run", "--json", "--db",
                           str(plan_db)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # an abort (SIGABRT) would be -6
    report = strict_json(done.stdout)
    assert done.returncode == (0 if report["ok"] else 1)
    check_outcome(report, case.expect, path.name)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_refused_uploads_write_nothing(tmp_path, demo_db, demo_uploads):
    """The committing CLI on hostile files, against a copy of the demo warehouse and its uploads."""
    db, uploads = tmp_path / "warehouse.duckdb", tmp_path / "uploads"
    shutil.copyfile(demo_db, db)
    shutil.copytree(demo_uploads, uploads)
    before_db, before_uploads = db.read_bytes(), _tree(uploads)
    for name in NOTHING_WRITTEN:
        folder = tmp_path / name
        folder.mkdir()
        path = CASES[name].make(folder)
        done = subprocess.run([sys.executable, "-m", "etl", "upload", str(path), "--json", "--uploads", str(uploads),
                               "--db", str(db), "--uploader", "fuzzer"], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 1, (name, done.stderr[-2000:])
        report = strict_json(done.stdout)
        assert not report["ok"]
        assert_located_dutch(report, path.name)
    assert db.read_bytes() == before_db
    after = _tree(uploads)
    # the audit trail is the one thing a refusal adds: one line per refused file, by whom and from the CLI
    added = after.pop("audit.jsonl", b"")[len(before_uploads.get("audit.jsonl", b"")):]
    assert after == {k: v for k, v in before_uploads.items() if k != "audit.jsonl"}
    events = [json.loads(line) for line in added.decode().splitlines()]
    assert [(e["event"], e["by"], e["source"]) for e in events] == [("upload_refused", "fuzzer", "cli")] * len(
        NOTHING_WRITTEN)


def test_errors_are_capped_with_a_count(tmp_path, plan_db, capsys):
    path = CASES["rows-9999-bad-values"].make(tmp_path)
    code, report = _dry_run(path, plan_db)
    errors = report["errors"]
    assert code == 1 and len(errors) == MAX_ISSUES + 1
    # every row: a value that is no number and a KPI the plan does not know (K2, K3 …)
    assert errors[-1]["message"].startswith(MORE_ISSUES) and errors[-1]["value"] == 2 * 9_999 - MAX_ISSUES
    assert "in totaal 19.998" in errors[-1]["message"] and "(9.999 keer, blad 'KPI-waarden'" in errors[-1]["message"]
    assert main(["upload", str(path), "--dry-run", "--db", str(plan_db)]) == 1
    assert "afgekeurd (19.998 fouten)" in capsys.readouterr().out


def test_a_very_hidden_duplicate_does_not_override_the_visible_sheet(tmp_path, plan_db):
    code, report = _dry_run(CASES["very-hidden-duplicate"].make(tmp_path), plan_db)
    [error] = report["errors"]
    assert code == 1 and error["sheet"] == "KPI-waarden" and "zeer verborgen" in error["message"]


@pytest.mark.parametrize("name", ["value-text-inf", "value-text-infinity", "value-text-1e309", "value-text-400-digits",
                                  "value-number-1e309", "value-number-nan", "value-number-400-digits"])
def test_infinite_and_huge_kpi_values_are_refused_at_their_cell(name, tmp_path, plan_db):
    code, report = _dry_run(CASES[name].make(tmp_path), plan_db)
    [error] = report["errors"]
    assert code == 1 and (error["sheet"], error["row"], error["column"]) == ("KPI-waarden", 2, "Waarde")


def test_far_apart_cells_are_refused_at_the_far_cell(tmp_path, plan_db):
    code, report = _dry_run(CASES["far-lying-dimension"].make(tmp_path), plan_db)
    [error] = report["errors"]
    assert code == 1 and (error["sheet"], error["row"], error["column"]) == ("KPI-waarden", 1_048_576, "XFD")
    assert "10.000 rijen" in error["message"]


def test_a_missing_file_and_a_commit_error_print_json(tmp_path, capsys):
    # its own uploads folder: the refusal's audit line would otherwise create data/uploads, which later dry runs
    # (without --uploads) then sync into their warehouse, emptying its plan
    assert main(["upload", str(tmp_path / "weg.xlsx"), "--json", "--uploads", str(tmp_path / "uploads"), "--db",
                 str(tmp_path / "geen.duckdb")]) == 1
    report = strict_json(capsys.readouterr().out)
    assert not report["ok"] and "bestaat niet" in report["errors"][0]["message"]
    # a valid plan, but no warehouse to commit to: the commit fails after validation
    plan = plan_file(tmp_path)
    code = main(["upload", str(plan), "--json", "--uploads", str(tmp_path / "uploads"), "--db",
                 str(tmp_path / "geen.duckdb")])
    out = capsys.readouterr()
    report = strict_json(out.out)
    assert code == 1 and not report["ok"] and report["errors"][0]["message"] in out.err


def test_an_unexpected_exception_prints_json(tmp_path, capsys, monkeypatch):
    import etl.workbooks.dryrun as dryrun

    def boom(*args, **kwargs):
        raise RuntimeError("something broke")
    monkeypatch.setattr(dryrun, "upload_report", boom)
    assert main(["upload", str(base_workbook(tmp_path)), "--dry-run", "--json"]) == 1
    report = strict_json(capsys.readouterr().out)
    assert "onverwachte fout" in report["errors"][0]["message"]
    assert "technische details: RuntimeError: something broke" in report["errors"][0]["message"]


def test_the_upload_page_runner_turns_a_timeout_into_a_dutch_message(monkeypatch):
    from ui import etl_runner

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], etl_runner.TIMEOUT_S)
    monkeypatch.setattr(etl_runner.subprocess, "run", slow)
    result = etl_runner.run_etl("upload", "x.xlsx", "--dry-run", "--json")
    assert result.code != 0 and result.out == "" and "afgebroken" in result.err
    with pytest.raises(ValueError):
        result.json()  # what the page catches to show result.err


# --- Hypothesis: generated cell values in a real monthly template ---

ODD_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40) | st.sampled_from([
    "\u202e1234", "1\u200b000", "１２３", "½", "-0", "1.234,5", "1.5", "1,5e3", "inf", "-Infinity", "NaN", "1e309",
    "9" * 400, "=1/0", "=SUM(XFD1048576)", "=A1+", "#DIV/0!", "TRUE", "2026-02-30", "maart 2026", " ", "LLN", "ALM"])
CELL = st.one_of(
    ODD_TEXT,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10 ** 300), max_value=10 ** 300),  # openpyxl cannot write larger ones (XML cases do)
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.booleans(),
    st.none(),
)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kpi=st.lists(st.tuples(CELL, CELL, CELL), max_size=4), toelichting=st.tuples(CELL, CELL, CELL, CELL),
       acties=st.lists(st.tuples(CELL, CELL, CELL, CELL), max_size=3))
def test_generated_values_in_a_monthly_template(kpi, toelichting, acties, tmp_path_factory, plan_db):
    folder = tmp_path_factory.mktemp("hypothesis")
    rows = {"Toelichting": [list(toelichting)], "KPI-waarden": [list(r) for r in kpi],
            "Mijlpalen": [], "Acties": [list(r) for r in acties]}
    path = filled_workbook(folder / "maand.xlsx", MONTHLY, rows, {"kpis": ["LLN", "BZK"]})
    code, report = _dry_run(path, plan_db)
    assert code == (0 if report["ok"] else 1)
    if not report["ok"]:
        assert_located_dutch(report, path.name)
