"""`python -m etl template` and `python -m etl upload --dry-run`: stable JSON, exit codes, nothing written."""

from __future__ import annotations

import json

import duckdb
from openpyxl import load_workbook

from etl.cli import main
from etl.workbooks.dryrun import dry_run
from etl.workbooks.validate import validate_workbook
from tests.test_workbook_support import TODAY, monthly_file, plan_file, warehouse_with_plan

KEYS = {"sheet", "row", "column", "value", "message"}


def _upload(capsys, *args):
    code = main(["upload", *map(str, args)])
    out = capsys.readouterr()
    return code, out


def test_dry_run_of_a_plan_against_an_empty_warehouse(tmp_path, capsys):
    code, out = _upload(capsys, plan_file(tmp_path), "--dry-run", "--json", "--db", tmp_path / "geen.duckdb")
    report = json.loads(out.out)
    assert code == 0 and list(report) == ["ok", "kind", "errors", "warnings", "changes", "subproject", "month"]
    assert report["subproject"] is None and report["month"] is None  # a plan of action has neither
    assert report["ok"] is True and report["kind"] == "plan" and report["errors"] == report["warnings"] == []
    assert report["changes"] == {
        "subproject": {"new": 2, "changed": 0, "unchanged": 0}, "action": {"new": 3, "changed": 0, "unchanged": 0},
        "milestone": {"new": 2, "changed": 0, "unchanged": 0}, "kpi": {"new": 3, "changed": 0, "unchanged": 0},
        "kpi_target": {"new": 3, "changed": 0, "unchanged": 0}}


def test_dry_run_of_a_monthly_report_counts_new_changed_and_unchanged(tmp_path, capsys):
    db = warehouse_with_plan(tmp_path, [("ALM", "LLN", "2026-03", 300), ("ALM", "BZK", "2026-03", 4)])
    code, out = _upload(capsys, monthly_file(tmp_path), "--dry-run", "--json", "--db", db)
    report = json.loads(out.out)
    assert code == 0 and report["kind"] == "monthly"
    assert (report["subproject"], report["month"]) == ("ALM", "2026-03")  # the app checks a lead's scope by it
    assert report["changes"]["kpi_value"] == {"new": 0, "changed": 2, "unchanged": 0}  # LLN value, BZK comment
    assert report["changes"]["action_update"] == {"new": 2, "changed": 0, "unchanged": 0}


def test_dry_run_shows_old_and_new(tmp_path):
    db = warehouse_with_plan(tmp_path, [("ALM", "LLN", "2026-03", 300)])
    con = duckdb.connect(str(db), read_only=True)
    result = validate_workbook(monthly_file(tmp_path), con, today=TODAY)
    changes = dry_run(result.rows, con)
    plan_changes = dry_run(validate_workbook(plan_file(tmp_path), today=TODAY).rows, con)
    con.close()
    [(old, new)] = changes["kpi_value"].changed
    assert (old["kpi_code"], old["value"], new["value"]) == ("LLN", "300.0", "350.0")
    assert [r["kpi_code"] for r in changes["kpi_value"].new] == ["BZK"]
    assert {t: c.counts()["unchanged"] for t, c in plan_changes.items()} == {
        "subproject": 2, "action": 3, "milestone": 2, "kpi": 3, "kpi_target": 3}


def test_rejected_upload_exits_1_with_every_error(tmp_path, capsys):
    db = warehouse_with_plan(tmp_path)
    bad = monthly_file(tmp_path, **{"KPI-waarden": [["KPI", "Waarde"], ["LLN", "veel"], ["XYZ", -1]]})
    code, out = _upload(capsys, bad, "--dry-run", "--json", "--db", db, "--uploader", "Test")
    report = json.loads(out.out)
    assert code == 1 and report["ok"] is False and report["kind"] == "monthly"
    assert all(set(e) == KEYS for e in report["errors"])
    assert sorted((e["sheet"], e["row"], e["column"], e["value"]) for e in report["errors"]) == [
        ("KPI-waarden", 2, "Waarde", "veel"), ("KPI-waarden", 3, "KPI", "XYZ"), ("KPI-waarden", 3, "Waarde", -1)]


def test_refused_file_gives_the_same_json_shape(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    code, out = _upload(capsys, path, "--dry-run", "--json", "--db", tmp_path / "geen.duckdb")
    report = json.loads(out.out)
    assert code == 1 and report["kind"] is None and report["changes"] == {}
    assert set(report["errors"][0]) == KEYS and "CSV" in report["errors"][0]["message"]


def test_size_limit_is_configurable_on_the_command_line(tmp_path, capsys):
    code, out = _upload(capsys, plan_file(tmp_path), "--dry-run", "--json", "--max-bytes", "100",
                        "--db", tmp_path / "geen.duckdb")
    assert code == 1 and "te groot" in json.loads(out.out)["errors"][0]["message"]


def test_human_readable_output(tmp_path, capsys):
    code, out = _upload(capsys, plan_file(tmp_path, Doelen=[["Deelproject", "KPI", "Periode", "Doelwaarde"],
                                                            ["ALM", "LLN", "2025", "x"]]),
                        "--dry-run", "--db", tmp_path / "geen.duckdb")
    assert code == 1
    assert "FOUT: blad 'Doelen', rij 2, kolom 'Doelwaarde', waarde 'x':" in out.out
    assert "deelprojecten: 2 nieuw, 0 gewijzigd, 0 ongewijzigd" in out.out and "niets geschreven" in out.out


def test_template_commands(tmp_path, capsys):
    assert main(["template", "plan", "-o", str(tmp_path / "plan.xlsx")]) == 0
    assert "Sjabloon geschreven" in capsys.readouterr().out
    db = warehouse_with_plan(tmp_path)
    out = tmp_path / "m.xlsx"
    assert main(["template", "monthly", "--subproject", "LEL", "--month", "2026-02", "-o", str(out),
                 "--db", str(db)]) == 0
    book = load_workbook(out)
    assert [c.value for c in book["Toelichting"][2]][:2] == ["LEL", "2026-02"]
    assert book["Acties"]["A2"].value == "A1"
    assert main(["template", "monthly", "--subproject", "XXX", "-o", str(out), "--db", str(db)]) == 1
    assert main(["template", "monthly", "--month", "maart", "-o", str(out)]) == 1
    assert "JJJJ-MM" in capsys.readouterr().err
