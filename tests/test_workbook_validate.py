"""Validation of plan of action and monthly report workbooks: every problem at once, with sheet, row and column."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import duckdb
import pandas as pd

from etl.workbooks.validate import validate_workbook
from tests.test_workbook_support import (
    MONTHLY_SHEETS,
    PLAN_SHEETS,
    TODAY,
    copy_sheets,
    issues,
    monthly_file,
    plan_file,
    warehouse_with_plan,
    write_workbook,
)


def _error(result, sheet, row, column):
    """The single error at (sheet, row, column)."""
    found = [i for i in result.errors if (i.sheet, i.row, i.column) == (sheet, row, column)]
    assert len(found) == 1, [str(i) for i in result.errors]
    return found[0]


def _plan(tmp_path, sheet, rows):
    return validate_workbook(plan_file(tmp_path, **{sheet: rows}), today=TODAY)


def _monthly(tmp_path, history=(), **changes):
    db = warehouse_with_plan(tmp_path, list(history))
    con = duckdb.connect(str(db), read_only=True)
    try:
        return validate_workbook(monthly_file(tmp_path, **changes), con, today=TODAY)
    finally:
        con.close()


# --- plan of action ---

def test_good_plan_gives_the_rows_per_table(tmp_path):
    result = validate_workbook(plan_file(tmp_path), today=TODAY)
    assert result.ok and result.kind == "plan" and result.warnings == []
    assert {t: len(f) for t, f in result.rows.items()} == {
        "subproject": 2, "action": 3, "milestone": 2, "kpi": 3, "kpi_target": 3}
    alm = result.rows["subproject"].iloc[0]
    assert (alm["subproject_code"], alm["municipality_code"], alm["start_date"], alm["end_date"]) == (
        "ALM", "GM0034", pd.Timestamp("2025-01-01"), pd.Timestamp("2027-12-31"))
    assert result.rows["kpi_target"]["target_period"].tolist() == ["2025", "2026", "2026-Q4"]
    assert result.rows["kpi"].set_index("kpi_code").loc["VMBO", "indicator_id"] == "vmbo_tech_share"


def test_harmless_variations_are_accepted(tmp_path):
    sheets = copy_sheets(PLAN_SHEETS)
    # column order, case and spaces in headers, trailing empty rows
    sheets["Deelprojecten"] = [
        ["  einddatum ", "CODE", "Naam", "gemeente", "Startdatum", "Penvoerder", "TechNet-kring"],
        ["31-12-2027", "ALM", "Demo Almere", "gm0034", "januari 2025", None, None],
        [datetime(2026, 12, 31), "LEL", "Demo Lelystad", "GM0995", "mrt 2025", None, None],
        [None, None, None, None, None, None, None],
        ["", " ", None, None, None, None, None],
    ]
    sheets["Doelen"] = [["Deelproject", "KPI", "Periode", "Doelwaarde"],
                        ["ALM", "LLN", "2025", "1.234,5"], ["ALM", "LLN", "2026", " 2.500 "],
                        ["LEL", "BZK", "2026-q4", 40.0]]
    sheets["Mijlpalen"][2][4] = "2026-03-01"
    result = validate_workbook(write_workbook(tmp_path / "plan.xlsx", sheets), today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    sub = result.rows["subproject"]
    assert sub["start_date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-01", "2025-03-01"]
    assert sub["end_date"].dt.strftime("%Y-%m-%d").tolist() == ["2027-12-31", "2026-12-31"]
    assert sub["municipality_code"].tolist() == ["GM0034", "GM0995"]
    assert result.rows["kpi_target"]["target_value"].tolist() == [1234.5, 2500.0, 40.0]
    assert result.rows["kpi_target"]["target_period"].tolist() == ["2025", "2026", "2026-Q4"]


def test_every_problem_is_reported_at_once_with_sheet_row_and_column(tmp_path):
    sheets = copy_sheets(PLAN_SHEETS)
    sheets["Acties"][0].append("Kleur")  # unknown column
    sheets["Acties"][1].append("rood")
    sheets["Acties"][2][6] = "bezig"  # not an allowed status
    sheets["Acties"].append(["ALM", "A1", "Dubbel", None, None, None, "loopt"])  # duplicate key, row 5
    sheets["Acties"].append(["XXX", "A9", "Onbekend", None, "morgen", None, "loopt"])  # unknown code, bad date
    sheets["Doelen"][1][3] = "veel"
    sheets["Doelen"][2][3] = -5
    sheets["Deelprojecten"][2][2] = "Lelystad"
    sheets["Deelprojecten"][1][1] = None  # required
    sheets["Mijlpalen"][0].remove("Status")  # missing required column
    for row in sheets["Mijlpalen"][1:]:
        del row[5]
    result = validate_workbook(write_workbook(tmp_path / "plan.xlsx", sheets), today=TODAY)
    assert not result.ok
    assert _error(result, "Acties", 1, "Kleur").message.startswith("Onbekende kolom 'Kleur'")
    bad_status = _error(result, "Acties", 3, "Status")
    assert bad_status.value == "bezig" and "niet gestart, loopt, afgerond, vertraagd, gestopt" in bad_status.message
    duplicate = _error(result, "Acties", 5, "Code")
    assert "Dubbele rij" in duplicate.message and "rij 2" in duplicate.message
    assert "Deelprojecten" in _error(result, "Acties", 6, "Deelproject").message
    assert _error(result, "Acties", 6, "Geplande start").value == "morgen"
    assert "getal" in _error(result, "Doelen", 2, "Doelwaarde").message
    assert "negatief" in _error(result, "Doelen", 3, "Doelwaarde").message
    assert "GM0034" in _error(result, "Deelprojecten", 3, "Gemeente").message
    assert "verplicht" in _error(result, "Deelprojecten", 2, "Naam").message
    assert "ontbreekt" in _error(result, "Mijlpalen", 1, "Status").message
    assert len(result.errors) == 10


def test_missing_sheet_and_unknown_references(tmp_path):
    sheets = copy_sheets(PLAN_SHEETS)
    del sheets["Mijlpalen"]
    sheets["Doelen"][1][1] = "ONB"
    sheets["KPI's"][1][8] = "bestaat_niet"
    result = validate_workbook(write_workbook(tmp_path / "plan.xlsx", sheets), today=TODAY)
    assert sorted(issues(result)) == [("Doelen", 2, "KPI"), ("KPI's", 2, "Indicator"), ("Mijlpalen", None, None)]
    assert "vmbo_tech_share" in _error(result, "KPI's", 2, "Indicator").message


def test_cumulative_targets_may_not_decrease(tmp_path):
    rows = [["Deelproject", "KPI", "Periode", "Doelwaarde"], ["ALM", "LLN", "2025", 1000], ["ALM", "LLN", "2026", 900],
            ["ALM", "BZK", "2025", 50], ["ALM", "BZK", "2026", 20]]  # BZK is incremental: may go down
    result = _plan(tmp_path, "Doelen", rows)
    assert issues(result) == [("Doelen", 3, "Doelwaarde")]
    assert "cumulatief" in result.errors[0].message.lower()


def test_not_a_programme_workbook(tmp_path):
    result = validate_workbook(write_workbook(tmp_path / "x.xlsx", {"Blad1": [["a"], [1]]}), today=TODAY)
    assert result.kind is None and "Plan van aanpak" in result.errors[0].message


def test_formula_uses_cached_value_and_without_it_is_an_error(tmp_path):
    sheets = copy_sheets(PLAN_SHEETS)
    sheets["Doelen"][2][3] = "=2000+500"  # openpyxl writes no cached value
    path = write_workbook(tmp_path / "plan.xlsx", sheets)
    result = validate_workbook(path, today=TODAY)
    error = _error(result, "Doelen", 3, "Doelwaarde")
    assert "formule zonder opgeslagen uitkomst" in error.message and "D3" in error.message
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    sheet = next(n for n, d in parts.items() if n.startswith("xl/worksheets/") and b"2000+500" in d)
    parts[sheet] = parts[sheet].replace(b"<f>2000+500</f><v></v>", b"<f>2000+500</f><v>2500</v>").replace(
        b"<f>2000+500</f><v />", b"<f>2000+500</f><v>2500</v>")
    cached = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(cached, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = validate_workbook(cached, today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    assert result.rows["kpi_target"]["target_value"].tolist() == [1000, 2500, 40]


def test_unchanged_template_example_row_is_skipped_with_a_warning(tmp_path):
    rows = [PLAN_SHEETS["Doelen"][0], ["VB", "VB-LLN", "2025", 1500], *PLAN_SHEETS["Doelen"][1:]]
    result = _plan(tmp_path, "Doelen", rows)
    assert result.ok and len(result.rows["kpi_target"]) == 3
    assert [(w.sheet, w.row) for w in result.warnings] == [("Doelen", 2)]


# --- monthly report ---

def test_good_monthly_report(tmp_path):
    result = _monthly(tmp_path)
    assert result.ok and result.warnings == [] and (result.subproject, result.month) == ("ALM", "2026-03")
    values = result.rows["kpi_value"]
    assert values[["subproject_code", "kpi_code", "month", "value"]].values.tolist() == [
        ["ALM", "LLN", "2026-03", 350.0], ["ALM", "BZK", "2026-03", 4.0]]
    actions = result.rows["action_update"]
    assert actions["achieved_date"].iloc[1] == pd.Timestamp("2026-03-12")
    assert result.rows["report_narrative"]["highlights"].tolist() == ["Drie nieuwe bedrijven."]


def test_month_written_in_dutch_or_as_a_date(tmp_path):
    for typed in ("maart 2026", "mrt 2026", "Mrt. 2026", date(2026, 3, 1), "2026-03-01", "03-2026"):
        sheets = copy_sheets(MONTHLY_SHEETS)
        sheets["Toelichting"][1][1] = typed
        result = validate_workbook(write_workbook(tmp_path / "m.xlsx", sheets), today=TODAY,
                                   plan_path=plan_file(tmp_path))
        assert result.ok and result.month == "2026-03", (typed, [str(e) for e in result.errors])


def test_unknown_codes_against_the_known_plan(tmp_path):
    result = _monthly(tmp_path, **{
        "KPI-waarden": [["KPI", "Waarde", "Opmerking"], ["LLN", 350, None], ["XYZ", 4, None]],
        "Mijlpalen": [["Mijlpaal", "Status", "Behaald op", "Opmerking"], ["M9", "open", None, None]],
        "Acties": [["Actie", "Status", "Afgerond op", "Opmerking"], ["A1", "loopt", None, None],
                   ["A1", "loopt", None, None]],
    })
    assert sorted(issues(result)) == [("Acties", 3, "Actie"), ("KPI-waarden", 3, "KPI"), ("Mijlpalen", 2, "Mijlpaal")]
    assert "BZK, LLN, VMBO" in _error(result, "KPI-waarden", 3, "KPI").message
    assert "Dubbele rij" in _error(result, "Acties", 3, "Actie").message
    assert "(M1)" in _error(result, "Mijlpalen", 2, "Mijlpaal").message


def test_unknown_subproject(tmp_path):
    result = _monthly(tmp_path, Toelichting=[["Deelproject", "Maand"], ["DRO", "2026-03"]])
    assert issues(result) == [("Toelichting", 2, "Deelproject")] and "ALM, LEL" in result.errors[0].message


def test_month_in_the_future_or_outside_the_plan(tmp_path):
    future = _monthly(tmp_path, Toelichting=[["Deelproject", "Maand"], ["ALM", "2026-05"]])
    assert issues(future) == [("Toelichting", 2, "Maand")] and "toekomst" in future.errors[0].message
    before = _monthly(tmp_path, Toelichting=[["Deelproject", "Maand"], ["LEL", "2025-06"]])
    assert ("Toelichting", 2, "Maand") in issues(before)
    assert "buiten de looptijd" in _error(before, "Toelichting", 2, "Maand").message


def test_negative_kpi_value(tmp_path):
    result = _monthly(tmp_path, **{"KPI-waarden": [["KPI", "Waarde"], ["LLN", "-3"], ["BZK", 2]]})
    assert issues(result) == [("KPI-waarden", 2, "Waarde")] and "negatief" in result.errors[0].message


def test_cumulative_kpi_may_not_decrease_against_the_warehouse(tmp_path):
    result = _monthly(tmp_path, history=[("ALM", "LLN", "2026-01", 200), ("ALM", "LLN", "2026-02", 400)])
    error = _error(result, "KPI-waarden", 2, "Waarde")
    assert "cumulatief" in error.message and "2026-02" in error.message and error.value == 350
    later = _monthly(tmp_path, history=[("ALM", "LLN", "2026-04", 300)])
    assert "latere maand 2026-04" in _error(later, "KPI-waarden", 2, "Waarde").message
    # an incremental KPI may go down; other subprojects do not count
    fine = _monthly(tmp_path, history=[("ALM", "BZK", "2026-02", 40), ("LEL", "LLN", "2026-02", 9000)])
    assert fine.ok


def test_far_outside_history_is_a_warning_not_an_error(tmp_path):
    history = [("ALM", "BZK", f"2025-{m:02d}", v) for m, v in zip(range(1, 11), [4, 5, 4, 6, 5, 4, 5, 6, 4, 5],
                                                                    strict=True)]
    totals = [20, 45, 63, 85, 105, 129, 148, 169, 192, 212]  # cumulative: the z-score is on the monthly increases
    history += [("ALM", "LLN", f"2025-{m:02d}", v) for m, v in zip(range(1, 11), totals, strict=True)]
    calm = _monthly(tmp_path, history=history, **{"KPI-waarden": [["KPI", "Waarde"], ["BZK", 6], ["LLN", 235]]})
    assert calm.ok and calm.warnings == []
    wild = _monthly(tmp_path, history=history, **{"KPI-waarden": [["KPI", "Waarde"], ["BZK", 40], ["LLN", 900]]})
    assert wild.ok
    assert [(w.sheet, w.row, w.column, w.value) for w in wild.warnings] == [
        ("KPI-waarden", 2, "Waarde", 40), ("KPI-waarden", 3, "Waarde", 900)]
    assert "z-score" in wild.warnings[0].message


def test_monthly_report_without_a_known_plan_is_refused(tmp_path):
    result = validate_workbook(monthly_file(tmp_path), today=TODAY)
    assert not result.ok and "plan van aanpak" in result.errors[0].message


def test_toelichting_must_have_exactly_one_row(tmp_path):
    result = _monthly(tmp_path, Toelichting=[["Deelproject", "Maand"], ["ALM", "2026-03"], ["ALM", "2026-02"]])
    assert issues(result)[0] == ("Toelichting", None, None) and "precies één rij" in result.errors[0].message


def test_sheet_names_in_any_case_and_unknown_sheets_are_a_warning(tmp_path):
    sheets = {name.upper(): rows for name, rows in copy_sheets(PLAN_SHEETS).items()}
    sheets["Notities"] = [["iets"], ["anders"]]
    result = validate_workbook(write_workbook(tmp_path / "plan.xlsx", sheets), today=TODAY)
    assert result.ok and len(result.rows["action"]) == 3
    assert [(w.sheet, w.row) for w in result.warnings] == [("Notities", None)]


def test_achieved_date_in_the_future(tmp_path):
    result = _monthly(tmp_path, Acties=[["Actie", "Status", "Afgerond op"], ["A1", "afgerond", "16-04-2026"]])
    assert issues(result) == [("Acties", 2, "Afgerond op")] and "toekomst" in result.errors[0].message
