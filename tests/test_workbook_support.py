"""Builders for programme workbooks used by the tests in tests/test_workbook_*.py (no tests here)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
from openpyxl import Workbook

from etl.workbooks.validate import validate_workbook
from warehouse.schema import schema_sql

TODAY = date(2026, 4, 15)

PLAN_SHEETS = {
    "Deelprojecten": [
        ["Code", "Naam", "Gemeente", "TechNet-kring", "Penvoerder", "Startdatum", "Einddatum"],
        ["ALM", "Demo Techniek Almere", "GM0034", "TechNet Flevoland", "Demo Stichting", date(2025, 1, 1),
         date(2027, 12, 31)],
        ["LEL", "Demo Techniek Lelystad", "GM0995", None, None, date(2025, 7, 1), date(2026, 12, 31)],
    ],
    "Acties": [
        ["Deelproject", "Code", "Omschrijving", "Eigenaar", "Geplande start", "Gepland einde", "Status"],
        ["ALM", "A1", "Techniekdagen", "Demo Piet", date(2025, 2, 1), date(2025, 6, 30), "loopt"],
        ["ALM", "A2", "Gastlessen", None, None, None, "niet gestart"],
        ["LEL", "A1", "Bedrijfsbezoeken", None, None, None, "afgerond"],
    ],
    "Mijlpalen": [
        ["Deelproject", "Code", "Omschrijving", "Deadline", "Behaald op", "Status"],
        ["ALM", "M1", "Convenant getekend", date(2025, 9, 30), None, "open"],
        ["LEL", "M1", "Tien stageplaatsen", date(2026, 3, 31), date(2026, 3, 1), "behaald"],
    ],
    "KPI's": [
        ["Code", "Naam", "Eenheid", "Soort", "Telwijze", "Richting", "Nulmeting", "Periode nulmeting", "Indicator"],
        ["LLN", "Leerlingen bereikt", "leerlingen", "output", "cumulatief", "hoger is beter", 0, "2024", None],
        ["BZK", "Bedrijfsbezoeken", "bezoeken", "output", "incrementeel", "hoger is beter", None, None, None],
        ["VMBO", "Aandeel vmbo techniek", "procent", "outcome", "incrementeel", "hoger is beter", 21.5, "2024",
         "vmbo_tech_share"],
    ],
    "Doelen": [
        ["Deelproject", "KPI", "Periode", "Doelwaarde"],
        ["ALM", "LLN", 2025, 1000],
        ["ALM", "LLN", "2026", 2500],
        ["LEL", "BZK", "2026-Q4", 40],
    ],
}

MONTHLY_SHEETS = {
    "Toelichting": [["Deelproject", "Maand", "Hoogtepunten", "Risico's"],
                    ["ALM", "2026-03", "Drie nieuwe bedrijven.", "Weinig docenten."]],
    "KPI-waarden": [["KPI", "Waarde", "Opmerking"], ["LLN", 350, None], ["BZK", 4, "twee afgezegd"]],
    "Mijlpalen": [["Mijlpaal", "Status", "Behaald op", "Opmerking"], ["M1", "te laat", None, "na de zomer"]],
    "Acties": [["Actie", "Status", "Afgerond op", "Opmerking"], ["A1", "loopt", None, None],
               ["A2", "afgerond", "12-03-2026", None]],
}


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx with the given sheets (first row = header), in order, plus an Instructie sheet."""
    book = Workbook()
    book.active.title = "Instructie"
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def copy_sheets(sheets: dict[str, list[list]]) -> dict[str, list[list]]:
    return {name: [list(row) for row in rows] for name, rows in sheets.items()}


def plan_file(tmp_path: Path, **changes) -> Path:
    sheets = copy_sheets(PLAN_SHEETS)
    sheets.update(changes)
    return write_workbook(tmp_path / "plan.xlsx", sheets)


def monthly_file(tmp_path: Path, name: str = "maand.xlsx", **changes) -> Path:
    sheets = copy_sheets(MONTHLY_SHEETS)
    sheets.update(changes)
    return write_workbook(tmp_path / name, sheets)


def warehouse_with_plan(tmp_path: Path, history: list[tuple[str, str, str, float]] = ()) -> Path:
    """A warehouse file with the programme tables holding PLAN_SHEETS and the given kpi_value history."""
    result = validate_workbook(plan_file(tmp_path), today=TODAY)
    assert result.ok, [str(e) for e in result.errors]
    db = tmp_path / "warehouse.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute(schema_sql())
    for table, frame in result.rows.items():
        con.register("incoming", frame)
        con.execute(f"insert into {table} by name select *, 'u1' as upload_id from incoming")  # noqa: S608
        con.unregister("incoming")
    for subproject, kpi, month, value in history:
        con.execute("insert into kpi_value (subproject_code, kpi_code, month, value, upload_id) "
                    "values (?, ?, ?, ?, 'u0')", [subproject, kpi, month, value])
    con.close()
    return db


def issues(result) -> list[tuple]:
    """(sheet, row, column) of every error, for compact assertions."""
    return [(i.sheet, i.row, i.column) for i in result.errors]


SIX = [("ALM", "Techniek Almere", "GM0034"), ("LEL", "Techniek Lelystad", "GM0995"),
       ("DRO", "Techniek Dronten", "GM0303"), ("NOP", "Techniek Noordoostpolder", "GM0171"),
       ("URK", "Techniek Urk", "GM0184"), ("ZEE", "Techniek Zeewolde", "GM0050")]


def six_subproject_workbooks(tmp_path: Path, today: date) -> list[Path]:
    """A plan with the six Flevoland subprojects (targets for this year) and last month's reports but one.

    The reported values differ per subproject so the overview shows every traffic light; ZEE has no report.
    """
    year, last = today.year, (date(today.year, today.month, 1) - timedelta(days=1))
    month = f"{last:%Y-%m}"
    plan = {
        "Deelprojecten": [PLAN_SHEETS["Deelprojecten"][0]] + [
            [code, f"Demo {name}", gemeente, "TechNet Flevoland", "Demo Stichting", date(year - 1, 1, 1),
             date(year + 1, 12, 31)] for code, name, gemeente in SIX],
        "Acties": [PLAN_SHEETS["Acties"][0]] + [[code, "A1", "Techniekdagen", None, None, None, "loopt"]
                                                for code, _, _ in SIX],
        "Mijlpalen": [PLAN_SHEETS["Mijlpalen"][0]] + [
            [code, "M1", "Convenant getekend", date(year, 1, 31), None, "open"] for code, _, _ in SIX] + [
            [code, "M2", "Tien stageplaatsen", today + timedelta(days=30), None, "open"] for code, _, _ in SIX],
        "KPI's": [*PLAN_SHEETS["KPI's"],
                  ["STG", "Stageplaatsen", "plaatsen", "output", "cumulatief", "hoger is beter", 0, str(year - 1),
                   None]],
        "Doelen": [PLAN_SHEETS["Doelen"][0]] + [
            [code, kpi, str(year), target] for code, _, _ in SIX
            for kpi, target in (("LLN", 1200), ("BZK", 24), ("STG", 60))],
    }
    files = [write_workbook(tmp_path / "plan-zes.xlsx", plan)]
    # Share of the target path reached by last month's report: op koers, let op and achter in turn.
    for number, (code, _, _) in enumerate(SIX[:-1]):
        share = (1.0, 0.8, 0.5)[number % 3]
        sheets = {
            "Toelichting": [MONTHLY_SHEETS["Toelichting"][0], [code, month, "Twee nieuwe bedrijven.", None]],
            "KPI-waarden": [MONTHLY_SHEETS["KPI-waarden"][0], ["LLN", round(1100 * share), None],
                            ["BZK", round(20 * share), None], ["STG", round(55 * share * share), None]],
            "Mijlpalen": [MONTHLY_SHEETS["Mijlpalen"][0]],
            "Acties": [MONTHLY_SHEETS["Acties"][0]],
        }
        files.append(write_workbook(tmp_path / f"maand-{code}.xlsx", sheets))
    return files
