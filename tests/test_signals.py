"""Signals from the field: the optional sheet Signalen of the monthly report, validated like the other sheets (a
Dutch message naming file, sheet, row, column and what to do; a refused report changes nothing), kept, withdrawn
and reviewed with its report, and counted per domain and municipality (warehouse.signals)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from openpyxl import load_workbook

from etl.build import build
from etl.cli import main
from etl.manifest import sha256_of
from etl.workbooks.commit import commit_upload, review_upload, withdraw_upload
from etl.workbooks.layout import MONTHLY, SIGNAL_KINDS
from etl.workbooks.store import APPROVED, kept
from etl.workbooks.templates import monthly_template
from etl.workbooks.validate import KnownPlan, validate_workbook
from tests.conftest import FIXTURES, raw_with
from tests.test_workbook_support import (
    MONTHLY_SHEETS,
    TODAY,
    copy_sheets,
    issues,
    plan_file,
    warehouse_with_plan,
    write_workbook,
)
from warehouse import signals

HEADER = [c.header for c in MONTHLY.sheet("Signalen").columns]
# The report of ALM over 2026-03 (TODAY is 15 April 2026): names and codes in any case, an action or none.
GOOD = [
    HEADER,
    [date(2026, 3, 2), None, "Almere", "Installatie en energie", "tekort aan stageplaatsen",
     "Installateurs vinden te weinig BBL-leerlingen.", "A1"],
    ["12-03-2026", "TechNet Flevoland", "gm0995", "ict", "Verouderd  lesmateriaal", "Netwerklessen lopen achter.",
     None],
    ["2026-03-20", None, "LELYSTAD", "bouw_infra", "instroom te laag", "Weinig aanmeldingen voor bouw.", "A2"],
]


def _report(tmp_path, rows, name="maand.xlsx", **changes):
    sheets = copy_sheets(MONTHLY_SHEETS)
    sheets["Signalen"] = [list(r) for r in rows]
    sheets.update(changes)
    return write_workbook(tmp_path / name, sheets)


def _validate(tmp_path, rows):
    con = duckdb.connect(str(warehouse_with_plan(tmp_path)), read_only=True)
    try:
        return validate_workbook(_report(tmp_path, rows), con, today=TODAY)
    finally:
        con.close()


def test_a_report_with_signals_gives_one_row_per_signal(tmp_path):
    result = _validate(tmp_path, GOOD)
    assert result.ok and result.warnings == [], [str(e) for e in result.errors]
    frame = result.rows["field_signal"]
    assert frame[["subproject_code", "month", "sheet_row", "municipality_code", "domain_id", "kind",
                  "action_code"]].values.tolist() == [
        ["ALM", "2026-03", 2, "GM0034", "installatie_energie", "tekort aan stageplaatsen", "A1"],
        ["ALM", "2026-03", 3, "GM0995", "ict", "verouderd lesmateriaal", None],
        ["ALM", "2026-03", 4, "GM0995", "bouw_infra", "instroom te laag", "A2"],
    ]
    assert [d.date() for d in frame["signal_date"]] == [date(2026, 3, 2), date(2026, 3, 12), date(2026, 3, 20)]
    assert frame["technet_circle"].tolist()[:2] == [None, "TechNet Flevoland"]


def test_bad_signals_are_named_by_sheet_row_and_column_with_what_to_do(tmp_path):
    rows = [
        HEADER,
        ["31-02-2026", None, "Almere", "ICT", "anders", "Datum bestaat niet.", None],
        [date(2026, 3, 5), None, "Almere", "Landbouw", "anders", "Onbekend domein.", None],
        [date(2026, 3, 5), None, "Almere", "ICT", "te weinig geld", "Onbekende soort.", None],
        [date(2026, 3, 5), None, "Almere", "ICT", "anders", "Actie van een ander deelproject.", "B1"],
        [date(2026, 5, 1), None, "Almere", "ICT", "anders", "Datum in de toekomst.", None],
        [date(2026, 3, 5), None, "Amsterdam", "ICT", "anders", "Niet in Flevoland.", None],
        [date(2026, 3, 5), None, "Almere", "ICT", "anders", "x" * 501, None],
        [date(2026, 3, 5), None, "Almere", "ICT", "anders", None, None],
        [date(2026, 3, 5), "TechNet Friesland", "Almere", "ICT", "anders", "Onbekende kring.", None],
    ]
    result = _validate(tmp_path, rows)
    assert not result.ok
    assert sorted(issues(result)) == [
        ("Signalen", 2, "Datum"), ("Signalen", 3, "Domein"), ("Signalen", 4, "Soort"), ("Signalen", 5, "Actie"),
        ("Signalen", 6, "Datum"), ("Signalen", 7, "Gemeente"), ("Signalen", 8, "Omschrijving"),
        ("Signalen", 9, "Omschrijving"), ("Signalen", 10, "TechNet-kring")]
    message = {(i.row, i.column): i.message for i in result.errors}
    assert "moet een datum zijn, bv. 15-03-2026" in message[2, "Datum"]
    assert message[3, "Domein"].startswith("'Domein' moet een technisch domein zijn: Bouw en infra, ")
    assert "Kies er één uit de keuzelijst" in message[3, "Domein"]
    assert all(kind in message[4, "Soort"] for kind in SIGNAL_KINDS)
    assert message[5, "Actie"] == ("Onbekende actie voor deelproject ALM: laat de cel leeg of gebruik een code uit het "
                                   "plan van aanpak (A1, A2).")
    assert "in de toekomst" in message[6, "Datum"]
    assert "Flevolandse gemeente" in message[7, "Gemeente"] and "Zeewolde" in message[7, "Gemeente"]
    assert "hoogstens 500 tekens" in message[8, "Omschrijving"]
    assert message[9, "Omschrijving"] == "'Omschrijving' is verplicht: vul een waarde in."
    assert message[10, "TechNet-kring"] == ("Onbekende TechNet-kring: gebruik een kring uit het plan van aanpak "
                                            "(TechNet Flevoland), of laat de cel leeg voor de kring van het "
                                            "deelproject.")
    assert "field_signal" in result.rows  # the rows of a refused report are never written; see the commit test


def test_a_signal_after_the_report_month_is_a_warning(tmp_path):
    rows = [HEADER, [date(2026, 4, 2), None, "Urk", "Mobiliteit, logistiek en maritiem", "anders", "Laat.", None]]
    result = _validate(tmp_path, rows)
    assert result.ok and [(w.sheet, w.row, w.column) for w in result.warnings] == [("Signalen", 2, "Datum")]
    assert "na de verslagmaand 2026-03" in result.warnings[0].message


def test_the_cli_names_the_file_sheet_row_and_column(tmp_path, capsys):
    db = warehouse_with_plan(tmp_path)
    bad = _report(tmp_path, [HEADER, [date(2026, 3, 5), None, "Almere", "Landbouw", "anders", "Tekst.", None]],
                  name="maart_alm.xlsx")
    code = main(["upload", str(bad), "--dry-run", "--db", str(db), "--uploads", str(tmp_path / "uploads")])
    out = capsys.readouterr().out
    assert code == 1
    assert "FOUT: blad 'Signalen', rij 2, kolom 'Domein', waarde 'Landbouw': 'Domein' moet een technisch domein" in out
    assert "maart_alm.xlsx (maandrapportage): afgekeurd (1 fout)." in out


def test_template_has_the_signals_sheet_with_dropdowns(tmp_path):
    book = load_workbook(monthly_template(tmp_path / "leeg.xlsx"))
    sheet = book["Signalen"]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["C2"].value == "Almere" and sheet["F2"].value.startswith("Voorbeeld:")  # the example row
    formulas = {str(v.sqref)[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(formulas) == {"C", "D", "E"}  # gemeente, domein, soort; actie once a plan is known (below)
    lists = book["Lijsten"]
    listed = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                       if lists.cell(r, c).value] for c in range(1, lists.max_column + 1)}
    assert listed["domains"][0] == "Bouw en infra" and len(listed["domains"]) == 6
    assert listed["municipalities"] == ["Almere", "Dronten", "Lelystad", "Noordoostpolder", "Urk", "Zeewolde"]
    # The unchanged example row is skipped with a warning, like the other sheets' examples.
    result = validate_workbook(tmp_path / "leeg.xlsx", today=TODAY, plan_path=plan_file(tmp_path))
    assert ("Signalen", 2) in {(w.sheet, w.row) for w in result.warnings}
    assert "Signalen" not in {e.sheet for e in result.errors}
    # Pre-filled for a subproject the sheet starts empty, and signals typed into it validate.
    plan = KnownPlan.from_rows(validate_workbook(plan_file(tmp_path), today=TODAY).rows)
    path = monthly_template(tmp_path / "m.xlsx", "LEL", "2026-03", plan)
    book = load_workbook(path)
    assert book["Signalen"]["A2"].value is None
    assert {str(v.sqref)[0] for v in book["Signalen"].data_validations.dataValidation} == {"B", "C", "D", "E", "G"}
    circles = book["Lijsten"]
    column = next(c for c in range(1, circles.max_column + 1) if circles.cell(1, c).value == "circles")
    assert [circles.cell(r, column).value for r in range(2, circles.max_row + 1)
            if circles.cell(r, column).value] == ["TechNet Flevoland"]  # the plan's circles, once each
    for column, value in zip("ACDEFG", ("10-03-2026", "Lelystad", "Mechatronica, metaal en maakindustrie",
                                        "tekort aan docenten", "Vacature docent metaal staat open.", "A1"),
                             strict=True):
        book["Signalen"][f"{column}2"] = value
    book["Mijlpalen"]["B2"], book["Acties"]["B2"] = "open", "loopt"
    book["KPI-waarden"]["B2"], book["KPI-waarden"]["B3"] = 3, 100
    book.save(path)
    result = validate_workbook(path, today=TODAY, plan_path=plan_file(tmp_path))
    assert result.ok, [str(e) for e in result.errors]
    assert result.rows["field_signal"][["domain_id", "action_code"]].values.tolist() == [["mechatronica_maak", "A1"]]


@pytest.fixture
def live(tmp_path):
    """A built warehouse (small DUO fixture) with the plan committed, and its uploads folder."""
    raw = raw_with(tmp_path, "small.csv", (FIXTURES / "duo_vo_small.csv").read_bytes().decode("utf-8"))
    db = tmp_path / "warehouse.duckdb"
    build(raw, db, progress=False)
    uploads = tmp_path / "uploads"
    assert commit_upload(plan_file(tmp_path), "Demo Analist", uploads, db).outcome == "committed"
    return db, uploads


def _query(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_signals_are_committed_refused_and_withdrawn_with_their_report(live, tmp_path):
    db, uploads = live
    report = commit_upload(_report(tmp_path, GOOD), "Demo Leider", uploads, db)
    assert report.outcome == "committed" and report.report["changes"]["field_signal"]["new"] == 3
    stored = _query(db, "select * exclude (upload_id) from field_signal order by sheet_row")
    assert [(r[2], r[5], r[6]) for r in stored] == [(2, "GM0034", "installatie_energie"), (3, "GM0995", "ict"),
                                                     (4, "GM0995", "bouw_infra")]
    # A correction with a bad domain is refused: the warehouse and the store stay as they were.
    before = sha256_of(db)
    bad = [HEADER, GOOD[1], [date(2026, 3, 5), None, "Almere", "Landbouw", "anders", "Tekst.", None]]
    refused = commit_upload(_report(tmp_path, bad, name="fout.xlsx"), "Demo Leider", uploads, db)
    assert refused.outcome == "rejected"
    assert [(e["sheet"], e["row"], e["column"]) for e in refused.report["errors"]] == [("Signalen", 3, "Domein")]
    assert sha256_of(db) == before and len(kept(uploads)) == 2
    # A correction of the narrative only (other bytes within the same second too): every signal unchanged.
    narrative = [MONTHLY_SHEETS["Toelichting"][0], ["ALM", "2026-03", "Vier nieuwe bedrijven.", "Weinig docenten."]]
    again = commit_upload(_report(tmp_path, GOOD, name="nogmaals.xlsx", Toelichting=narrative), "Demo Leider",
                          uploads, db)
    assert again.outcome == "committed"
    assert again.report["changes"]["field_signal"] == {"new": 0, "changed": 0, "unchanged": 3}
    withdraw_upload(again.upload.upload_id, "Demo Analist", uploads, db)
    withdraw_upload(report.upload.upload_id, "Demo Analist", uploads, db)
    assert _query(db, "select count(*) from field_signal") == [(0,)]


def test_signals_counted_per_domain_follow_the_review_and_the_region(live, tmp_path):
    db, uploads = live
    report = commit_upload(_report(tmp_path, GOOD), "Demo Leider", uploads, db).upload
    con = duckdb.connect(str(db), read_only=True)
    try:
        every = signals.per_domain(con, "PV24", None).set_index("domain_id")["signals"].to_dict()
        approved_only = signals.per_domain(con, "PV24", ()).set_index("domain_id")["signals"]
        lelystad = signals.per_domain(con, "GM0995", None).set_index("domain_id")["signals"].to_dict()
        own = signals.signals(con, "PV24", ("ALM",))
        found = signals.signals(con, "NL", None, "bbl")
        linked = signals.domain_actions(con, "PV24", None)
    finally:
        con.close()
    assert every == {"bouw_infra": 1, "installatie_energie": 1, "mechatronica_maak": 0, "ict": 1, "proces_lab": 0,
                     "mobiliteit_logistiek": 0}
    assert approved_only.sum() == 0  # not yet approved: the steering group does not see it
    assert lelystad == {**every, "installatie_energie": 0}  # the Almere signal is not about Lelystad
    assert len(own) == 3  # a lead sees their own report's signals before approval
    assert found["description"].tolist() == ["Installateurs vinden te weinig BBL-leerlingen."]
    assert linked[["domain_id", "action_code", "action", "signals"]].values.tolist() == [
        ["bouw_infra", "A2", "Gastlessen", 1], ["installatie_energie", "A1", "Techniekdagen", 1]]
    review_upload(report.upload_id, APPROVED, "", "Demo Analist", uploads, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert signals.per_domain(con, "PV24", ()).set_index("domain_id")["signals"].to_dict() == every
    finally:
        con.close()


def test_a_report_without_the_sheet_stays_valid(tmp_path):
    con = duckdb.connect(str(warehouse_with_plan(tmp_path)), read_only=True)
    try:
        result = validate_workbook(write_workbook(tmp_path / "oud.xlsx", copy_sheets(MONTHLY_SHEETS)), con,
                                   today=TODAY)
    finally:
        con.close()
    assert result.ok and result.warnings == [] and result.rows["field_signal"].empty
