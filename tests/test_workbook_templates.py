"""Templates: Dutch headers, instructions, dropdowns, protected headers, example rows, pre-filled monthly reports."""

from __future__ import annotations

import duckdb
from openpyxl import load_workbook

from etl.workbooks.layout import MONTHLY, PLAN
from etl.workbooks.templates import monthly_template, plan_template
from etl.workbooks.validate import KnownPlan, validate_workbook
from tests.test_workbook_support import TODAY, plan_file, warehouse_with_plan


def test_plan_template_layout(tmp_path):
    book = load_workbook(plan_template(tmp_path / "plan.xlsx"))
    assert book.sheetnames == ["Instructie", "Deelprojecten", "Acties", "Mijlpalen", "KPI's", "Doelen", "Lijsten"]
    assert book["Lijsten"].sheet_state == "hidden"
    assert "Plan van aanpak" in book["Instructie"]["A1"].value
    for sheet_def in PLAN.sheets:
        sheet = book[sheet_def.name]
        assert [c.value for c in sheet[1]] == [c.header for c in sheet_def.columns]
        assert sheet.protection.sheet and not sheet.protection.insertRows
        assert sheet["A1"].protection.locked and not sheet["A2"].protection.locked
        assert sheet["A2"].value is not None  # example row
    acties = book["Acties"]
    formulas = {str(v.sqref): v.formula1 for v in acties.data_validations.dataValidation}
    assert formulas["A2:A1001"] == "'Deelprojecten'!$A$2:$A$1001"
    status = book["Lijsten"][formulas["G2:G1001"].split("!")[1].split(":")[0].replace("$", "")].column_letter
    assert [c.value for c in book["Lijsten"][status][1:6]] == ["niet gestart", "loopt", "afgerond", "vertraagd",
                                                               "gestopt"]
    assert book["Doelen"].data_validations.dataValidation[0].formula1 == "'Deelprojecten'!$A$2:$A$1001"


def test_empty_templates_validate_with_only_example_warnings(tmp_path):
    plan = validate_workbook(plan_template(tmp_path / "plan.xlsx"), today=TODAY)
    assert [(i.sheet, i.row, i.column) for i in plan.errors] == [("Deelprojecten", None, None)]  # no subprojects
    assert {(w.sheet, w.row) for w in plan.warnings} == {(s.name, 2) for s in PLAN.sheets}


def test_monthly_template_prefilled_from_the_warehouse_plan(tmp_path):
    con = duckdb.connect(str(warehouse_with_plan(tmp_path)), read_only=True)
    plan = KnownPlan.from_warehouse(con)
    con.close()
    book = load_workbook(monthly_template(tmp_path / "m.xlsx", "ALM", "2026-03", plan))
    assert book.sheetnames == ["Instructie", *(s.name for s in MONTHLY.sheets), "Lijsten"]
    assert [c.value for c in book["Toelichting"][2]] == ["ALM", "2026-03", None, None]
    def codes(name):
        return [r[0].value for r in book[name].iter_rows(min_row=2) if r[0].value is not None]
    # VMBO is an outcome KPI (a school-year indicator): no row asks for a monthly value, the dropdown still has it.
    assert (codes("KPI-waarden"), codes("Mijlpalen"), codes("Acties")) == (["BZK", "LLN"], ["M1"], ["A1", "A2"])
    lists = book["Lijsten"]
    listed = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                       if lists.cell(r, c).value] for c in range(1, lists.max_column + 1)}
    assert listed["subprojects"] == ["ALM", "LEL"] and listed["actions"] == ["A1", "A2"]
    assert listed["kpis"] == ["BZK", "LLN", "VMBO"]
    # Each code carries its name: on the cell, and in the instructions.
    names = [book["KPI-waarden"].cell(row, 1).comment.text for row in (2, 3)]
    assert names[0].startswith("BZK: Bedrijfsbezoeken") and names[1].startswith("LLN: Leerlingen bereikt"), names
    instructions = [c.value for c in book["Instructie"]["A"] if c.value]
    assert any(line.strip().startswith("LLN: Leerlingen bereikt") for line in instructions), instructions


def test_monthly_template_without_plan_has_example_rows(tmp_path):
    book = load_workbook(monthly_template(tmp_path / "m.xlsx"))
    assert book["KPI-waarden"]["A2"].value == "VB-LLN" and book["Toelichting"]["A2"].value == "VB"


def test_template_filled_in_and_validated(tmp_path):
    plan = validate_workbook(plan_file(tmp_path), today=TODAY)
    path = monthly_template(tmp_path / "m.xlsx", "LEL", "2026-03", KnownPlan.from_rows(plan.rows))
    book = load_workbook(path)
    book["Toelichting"]["C2"] = "Goede maand."
    book["KPI-waarden"]["B2"], book["KPI-waarden"]["B3"] = 12, "1.250"
    book["KPI-waarden"]["A4"], book["KPI-waarden"]["B4"] = "VMBO", "23,5"  # an outcome KPI given anyway
    book["Mijlpalen"]["B2"], book["Mijlpalen"]["C2"] = "behaald", "01-03-2026"
    book["Acties"]["B2"] = "afgerond"
    book.save(path)
    result = validate_workbook(path, today=TODAY, plan_path=plan_file(tmp_path))
    assert result.ok, [str(e) for e in result.errors]
    assert result.rows["kpi_value"][["kpi_code", "value"]].values.tolist() == [
        ["BZK", 12.0], ["LLN", 1250.0], ["VMBO", 23.5]]
    assert result.rows["milestone_update"]["status"].tolist() == ["behaald"]


def test_a_missing_kpi_value_names_the_kpi(tmp_path):
    plan = validate_workbook(plan_file(tmp_path), today=TODAY)
    path = monthly_template(tmp_path / "m.xlsx", "LEL", "2026-03", KnownPlan.from_rows(plan.rows))
    book = load_workbook(path)
    book["KPI-waarden"]["B2"] = 12  # BZK filled in, LLN (row 3) left empty
    book["Mijlpalen"]["B2"], book["Acties"]["B2"] = "open", "loopt"
    book.save(path)
    result = validate_workbook(path, today=TODAY, plan_path=plan_file(tmp_path))
    missing = [e for e in result.errors if e.sheet == "KPI-waarden"]
    assert [(e.row, e.column, e.message) for e in missing] == [
        (3, "Waarde", "'Waarde' is verplicht voor KPI LLN: vul een waarde in.")]
