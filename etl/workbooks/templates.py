"""Generating the two workbook templates with openpyxl, from the declarations in layout.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from etl.workbooks.layout import MONTHLY, PLAN, Sheet, WorkbookLayout
from etl.workbooks.references import domain_names, flevoland_municipalities
from etl.workbooks.validate import KnownPlan

DATA_ROWS = 1000  # rows below the header that are unlocked and carry dropdowns
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_TYPE_NL = {"text": "tekst", "code": "code", "municipality": "gemeentecode (GM....)", "number": "getal",
            "date": "datum (dd-mm-jjjj)", "month": "maand (jjjj-mm)", "period": "jaar, kwartaal of maand",
            "choice": "keuzelijst", "flevoland": "Flevolandse gemeente (keuzelijst)",
            "domain": "technisch domein (keuzelijst)"}


def _instructions(book: Workbook, layout: WorkbookLayout, note: str) -> None:
    sheet = book.active
    sheet.title = "Instructie"
    lines = [
        (f"{layout.title} — Techniekmonitor Flevoland", Font(bold=True, size=14)),
        (layout.help, None),
        (note, None),
        ("Vul de gegevens in vanaf rij 2 van elk blad. De kopregel (rij 1) is beveiligd: wijzig de koppen niet. "
         "Grijze cursieve rijen zijn voorbeelden: overschrijf of verwijder ze. Kies codes en statussen uit de "
         "keuzelijsten. Datums als 15-03-2026, maanden als 2026-03, getallen als 1234 of 1.234,5.", None),
        ("Controleer het bestand vóór het inlezen met: python -m etl upload BESTAND --dry-run", None),
        ("", None),
    ]
    for data_sheet in layout.sheets:
        lines.append((f"Blad '{data_sheet.name}': {data_sheet.help}", Font(bold=True)))
        for column in data_sheet.columns:
            parts = [f"  {column.header}", "verplicht" if column.required else "optioneel", _TYPE_NL[column.type]]
            if column.allowed:
                parts.append("één van: " + ", ".join(column.allowed))
            if column.help:
                parts.append(column.help)
            lines.append((" — ".join(parts), None))
        lines.append(("", None))
    for number, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(number, 1, text)
        cell.alignment = Alignment(wrap_text=False)
        if font:
            cell.font = font
    sheet.column_dimensions["A"].width = 120


def _lists(book: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """A hidden sheet 'Lijsten' with one column per dropdown list; returns list name → range formula."""
    sheet = book.create_sheet("Lijsten")
    sheet.sheet_state = "hidden"
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, value)
        ranges[name] = f"Lijsten!${letter}$2:${letter}${max(len(values) + 1, 2)}"
    return ranges


def _excel_value(column, value):
    if value is None:
        return None
    if column.type == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _data_sheet(book: Workbook, sheet_def: Sheet, rows: list[list], example: bool, data_rows: int) -> None:
    sheet = book.create_sheet(sheet_def.name)
    for index, column in enumerate(sheet_def.columns, start=1):
        cell = sheet.cell(1, index, column.header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4, 40 if column.type == "text" else 0)
        number_format = {"date": "dd-mm-yyyy", "number": "#,##0.##"}.get(column.type, "@")
        for row in range(2, data_rows + 2):
            target = sheet.cell(row, index)
            target.protection = Protection(locked=False)
            target.number_format = number_format
    body = [[_excel_value(c, c.example) for c in sheet_def.columns]] if example else rows
    for row_number, values in enumerate(body, start=2):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row_number, index, value)
            if example:
                cell.font = _EXAMPLE_FONT
    sheet.freeze_panes = "A2"
    protection = sheet.protection
    protection.sheet = True
    # allowed to users (False = not protected): edit unlocked cells, add/delete rows, sort, filter, widen columns
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.insertRows = protection.deleteRows = protection.sort = protection.autoFilter = False


def _choice_lists(layout: WorkbookLayout) -> tuple[dict[str, list[str]], dict[str, str]]:
    lists, keys = {}, {}
    for sheet_def in layout.sheets:
        for column in sheet_def.columns:
            if column.allowed:
                name = "|".join(column.allowed)
                lists.setdefault(name, list(column.allowed))
                keys[f"{sheet_def.name}:{column.field}"] = name
    return lists, keys


_NOTES = {
    PLAN.kind: "Eén plan van aanpak voor het hele programma; het programmabureau beheert het.",
    MONTHLY.kind: "Eén maandrapportage per deelproject per maand; de projectleider vult hem in.",
}


def _workbook(layout: WorkbookLayout, rows: dict[str, list[list] | None], code_lists: dict[str, list[str]],
              data_rows: int) -> Workbook:
    """A workbook in the template layout: instructions, one data sheet per layout sheet, dropdowns, protection.

    A sheet whose rows are None gets the grey example row; `code_lists` (kpis, milestones, actions, subprojects,
    circles) become dropdown lists on the hidden 'Lijsten' sheet; in a plan the codes come from its own sheets
    instead.
    """
    code_lists = {**_reference_lists(layout), **code_lists}
    book = Workbook()
    _instructions(book, layout, _NOTES[layout.kind])
    lists, keys = _choice_lists(layout)
    lists |= {name: values for name, values in code_lists.items() if values}
    for sheet_def in layout.sheets:
        body = rows.get(sheet_def.name)
        _data_sheet(book, sheet_def, body or [], body is None, data_rows)
    named = _lists(book, lists)
    ranges = {key: named[name] for key, name in keys.items()} | {n: named[n] for n in code_lists if n in named}
    if layout is PLAN:
        for name, sheet in (("subprojects", "Deelprojecten"), ("kpis", "KPI's")):
            ranges[name] = f"{quote_sheetname(sheet)}!$A$2:$A${data_rows + 1}"
    _attach_validations(book, layout, ranges, data_rows)
    return book


def _reference_lists(layout: WorkbookLayout) -> dict[str, list[str]]:
    """The dropdowns that come from the reference files (etl/reference), by name as a person chooses them."""
    used = {column.list_of for sheet in layout.sheets for column in sheet.columns}
    lists = {"domains": list(domain_names().values()), "municipalities": list(flevoland_municipalities().values())}
    return {name: values for name, values in lists.items() if name in used}


def plan_template(path: Path) -> Path:
    """Write an empty 'Plan van aanpak' with example rows."""
    return _save(_workbook(PLAN, {}, {}, DATA_ROWS), path)


def _attach_validations(book: Workbook, layout: WorkbookLayout, ranges: dict[str, str],
                        data_rows: int) -> None:
    for sheet_def in layout.sheets:
        sheet = book[sheet_def.name]
        for index, column in enumerate(sheet_def.columns, start=1):
            source = ranges.get(column.list_of) if column.list_of else ranges.get(f"{sheet_def.name}:{column.field}")
            if not source:
                continue
            letter = get_column_letter(index)
            validation = DataValidation(type="list", formula1=source, allow_blank=not column.required)
            validation.error = f"Kies een waarde uit de lijst voor '{column.header}'."
            validation.errorTitle = "Ongeldige waarde"
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{data_rows + 1}")


def monthly_template(path: Path, subproject: str | None = None, month: str | None = None,
                     plan: KnownPlan | None = None) -> Path:
    """Write a 'Maandrapportage': subproject and month pre-filled, its codes pre-listed when a plan is known."""
    codes: dict[str, list[str]] = {"kpis": [], "milestones": [], "actions": []}
    if plan is not None:
        codes["kpis"] = sorted(plan.kpis["kpi_code"].dropna())
        if subproject:
            codes["milestones"] = sorted(plan.milestones.loc[plan.milestones["subproject_code"].eq(subproject),
                                                             "milestone_code"].dropna())
            codes["actions"] = sorted(plan.actions.loc[plan.actions["subproject_code"].eq(subproject),
                                                       "action_code"].dropna())
        codes["subprojects"] = sorted(plan.subprojects["subproject_code"].dropna())
        if "technet_circle" in plan.subprojects:  # the circles the signals' check accepts
            codes["circles"] = sorted(set(plan.subprojects["technet_circle"].dropna()))
    rows: dict[str, list[list] | None] = {}
    if subproject is not None or month is not None:
        rows["Toelichting"] = [[subproject, month, None, None]]
        rows["Signalen"] = []  # a pre-filled report has no example rows left to delete; this sheet none either
    if plan is not None and subproject:
        # Outcome KPIs follow a public indicator that changes once a school year (HOT, NT, VMBO): nothing to report
        # monthly, so no row asks for them (they stay in the dropdown: a value given anyway is still accepted).
        outcome = set(plan.kpis.loc[plan.kpis["kind"].eq("outcome"), "kpi_code"]) if "kind" in plan.kpis else set()
        codes["monthly_kpis"] = [code for code in codes["kpis"] if code not in outcome]
        for sheet, listed in (("KPI-waarden", "monthly_kpis"), ("Mijlpalen", "milestones"), ("Acties", "actions")):
            rows[sheet] = [[code] for code in codes[listed]]
    book = _workbook(MONTHLY, rows, {k: v for k, v in codes.items() if k != "monthly_kpis"}, DATA_ROWS)
    if "monthly_kpis" in codes and "name" in plan.kpis:
        _name_kpis(book, plan.kpis.set_index("kpi_code"), codes["monthly_kpis"])
    return _save(book, path)


def _name_kpis(book: Workbook, kpis, listed: list[str]) -> None:
    """The KPIs' names where a code alone says little: a note on each pre-filled code, and a list on 'Instructie'."""
    sheet, lines = book["KPI-waarden"], []
    for row, code in enumerate(listed, start=2):
        kpi = kpis.loc[code]
        how = ("de stand tot en met de maand" if kpi.get("accumulation") == "cumulatief"
               else "alleen deze maand")
        text = f"{code}: {kpi['name']} ({kpi.get('unit') or 'aantal'}; {how})"
        sheet.cell(row, 1).comment = Comment(text, "Techniekmonitor Flevoland", width=320, height=60)
        lines.append(f"  {text}")
    instructions = book["Instructie"]
    first = instructions.max_row + 1
    for offset, text in enumerate(["KPI's van deze rapportage (vul bij elk de waarde in):", *lines]):
        cell = instructions.cell(first + offset, 1, text)
        cell.font = Font(bold=offset == 0)


def filled_workbook(path: Path, layout: WorkbookLayout, rows: dict[str, list[list]],
                    code_lists: dict[str, list[str]] | None = None) -> Path:
    """Write a workbook as a user would send it back: the template layout holding `rows` (per sheet name)."""
    data_rows = max((len(r) for r in rows.values()), default=0) + 20  # a few spare rows, not the template's 1000
    return _save(_workbook(layout, {name: rows.get(name, []) for name in (s.name for s in layout.sheets)},
                           code_lists or {}, data_rows), path)


def _save(book: Workbook, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
