"""Validating an uploaded workbook: every problem at once, each with sheet, row, column, value and a Dutch fix."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.workbooks.layout import (
    AUXILIARY_SHEETS,
    LAYOUTS,
    MONTHLY,
    MORE_ISSUES,
    PLAN,
    Column,
    Sheet,
    WorkbookLayout,
)
from etl.workbooks.reader import (
    RawSheet,
    blank,
    column_index,
    column_letters,
    dutch_number,
    is_blank_cell,
    is_odd_number,
    normalise_header,
    parse_dates,
    parse_numbers,
    parse_periods,
    parse_text,
    read_workbook,
)
from etl.workbooks.references import domain_names, flevoland_municipalities, match_key
from etl.workbooks.safety import Limits, UnsafeWorkbookError, technical
from warehouse.catalog import CATALOGUE

Z_LIMIT = 3.0
Z_MIN_HISTORY = 4  # earlier values needed before a z-score means anything
_MUNICIPALITY = re.compile(r"^(GM\d{4}|PV\d{2})$")
MAX_ISSUES = 200  # errors (and warnings) listed one by one; the rest are counted in one closing line
# Every sheet either layout reads; other sheets are listed by name but never read.
_DATA_SHEETS = {normalise_header(s.name) for layout in LAYOUTS.values() for s in layout.sheets}


def _lookup(values: pd.Series, names: dict[str, str]) -> pd.Series:
    """Codes for cells holding a code or a name of `names` (case, accents, spaces and '_' ignored); None otherwise."""
    known = {match_key(code): code for code in names} | {match_key(name): code for code, name in names.items()}
    return parse_text(values).map(lambda v: None if v is None else known.get(match_key(v)))


def _listed(words: list[str]) -> str:
    """'a, b of c': a Dutch list of alternatives."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} of {words[-1]}"


@dataclass(frozen=True)
class Issue:
    """One problem: where it is (sheet, Excel row number, column header), the value found, how to fix it."""

    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = ", ".join(p for p in (
            f"blad '{self.sheet}'" if self.sheet else "", f"rij {self.row}" if self.row else "",
            f"kolom '{self.column}'" if self.column else "") if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class KnownPlan:
    """The plan a monthly report is checked against: subprojects with their period, KPIs, actions, milestones."""

    subprojects: pd.DataFrame  # subproject_code, start_date, end_date, technet_circle
    kpis: pd.DataFrame  # kpi_code, accumulation (and, from a plan, name, kind and unit)
    actions: pd.DataFrame  # subproject_code, action_code
    milestones: pd.DataFrame  # subproject_code, milestone_code
    history: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["subproject_code", "kpi_code", "month", "value"]))

    @classmethod
    def from_rows(cls, rows: dict[str, pd.DataFrame]) -> KnownPlan:
        return cls(rows["subproject"], rows["kpi"], rows["action"], rows["milestone"])

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> KnownPlan | None:
        """The plan in the warehouse, or None when its programme tables are missing or empty."""
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if not {"subproject", "kpi", "action", "milestone", "kpi_value"} <= tables:
            return None
        if not con.execute("select count(*) from subproject").fetchone()[0]:
            return None
        return cls(
            con.execute("select subproject_code, start_date, end_date, technet_circle from subproject").df(),
            con.execute("select kpi_code, accumulation, name, kind, unit from kpi").df(),
            con.execute("select subproject_code, action_code from action").df(),
            con.execute("select subproject_code, milestone_code from milestone").df(),
            con.execute("select subproject_code, kpi_code, month, value from kpi_value").df(),
        )


# The code column that names what a row of a monthly report is about, as a message says it.
ROW_SUBJECTS = {"kpi_code": "KPI", "milestone_code": "mijlpaal", "action_code": "actie"}


@dataclass
class Validation:
    """The outcome: workbook kind, errors, warnings and the validated rows per warehouse table."""

    kind: str | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    rows: dict[str, pd.DataFrame] = field(default_factory=dict)
    subproject: str | None = None
    month: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _json_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return "oneindig" if value > 0 else "min oneindig"  # JSON has no infinity
    if isinstance(value, float) and value.is_integer() and abs(value) <= 1e15:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e15:
        return f"{value:.6g}"
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, sheet, row, column, value, message) -> None:
        self.errors.append(Issue(sheet, None if row is None else int(row), column, _json_value(value), message))

    def warn(self, sheet, row, column, value, message) -> None:
        self.warnings.append(Issue(sheet, None if row is None else int(row), column, _json_value(value), message))

    def cells(self, sheet: Sheet, frame: pd.DataFrame, mask: pd.Series, column: Column, message: str) -> None:
        """An error for every row where mask is true, naming the raw value in that column."""
        if not mask.any():
            return
        raw = frame[f"raw:{column.field}"] if f"raw:{column.field}" in frame else frame[column.field]
        for row, value in zip(frame.loc[mask, "row"], raw[mask], strict=True):
            self.error(sheet.name, row, column.header, value, message)


def _example_values(sheet: Sheet) -> list:
    return [c.example for c in sheet.columns]


def _same_as_example(values: list, sheet: Sheet) -> bool:
    def norm(v):
        v = _json_value(v)
        return "" if v is None else str(v).strip()
    return [norm(v) for v in values] == [norm(v) for v in _example_values(sheet)]


def _table(raw: RawSheet, sheet: Sheet, out: _Collector) -> tuple[pd.DataFrame, set[str], set[tuple[int, str]]]:
    """The sheet's data rows as raw values per field, with the Excel row number in `row`; also the fields present
    and the (row, field) cells holding a formula without a cached value."""
    rows = raw.rows
    header_at = next((i for i, r in enumerate(rows) if any(not is_blank_cell(v) for v in r)), None)
    fields = [c.field for c in sheet.columns]
    empty = pd.DataFrame(columns=["row", *fields], dtype="object")
    if header_at is None:
        for column in sheet.columns:
            if column.required:
                out.error(sheet.name, 1, column.header, None,
                          f"Het blad is leeg: de kolom '{column.header}' ontbreekt. "
                          f"Gebruik de kopregel uit het sjabloon.")
        return empty, set(), set()
    header_row = header_at + 1
    by_key = {normalise_header(c.header): c for c in sheet.columns}
    positions: dict[str, int] = {}
    width = max(len(r) for r in rows)
    data_rows = rows[header_at + 1:]
    for index, text in enumerate(rows[header_at]):
        if is_blank_cell(text):
            if any(index < len(r) and not is_blank_cell(r[index]) for r in data_rows):
                out.error(sheet.name, header_row, column_letters(index), None,
                          f"Kolom {column_letters(index)} heeft gegevens maar geen kop. Geef de kolom een kop uit het "
                          f"sjabloon of maak de kolom leeg.")
            continue
        column = by_key.get(normalise_header(text))
        if column is None:
            known = ", ".join(c.header for c in sheet.columns)
            out.error(sheet.name, header_row, str(text).strip(), text,
                      f"Onbekende kolom '{str(text).strip()}'. Verwijder de kolom of hernoem hem; "
                      f"bekende kolommen: {known}.")
        elif column.field in positions:
            out.error(sheet.name, header_row, column.header, text,
                      f"De kolom '{column.header}' komt twee keer voor. Verwijder één van beide.")
        else:
            positions[column.field] = index
    for column in sheet.columns:
        if column.required and column.field not in positions:
            out.error(sheet.name, header_row, column.header, None,
                      f"De verplichte kolom '{column.header}' ontbreekt. "
                      f"Voeg de kolom toe (kop zoals in het sjabloon).")
    if not data_rows:
        return empty, set(positions), set()
    frame = pd.DataFrame(data_rows, columns=range(len(data_rows[0])) if data_rows else None, dtype="object")
    frame = frame.reindex(columns=range(width))
    table = pd.DataFrame({f: frame[positions[f]] if f in positions else None for f in fields}, dtype="object")
    table.insert(0, "row", range(header_row + 1, header_row + 1 + len(table)))
    filled = ~pd.concat([blank(table[f]) for f in fields], axis=1).all(axis=1)
    table = table[filled]
    if len(table) and _same_as_example([table.iloc[0][f] for f in fields], sheet):
        out.warn(sheet.name, table.iloc[0]["row"], None, None,
                 "De voorbeeldrij uit het sjabloon is ongewijzigd en wordt overgeslagen.")
        table = table.iloc[1:]
    uncached = set()
    for ref in raw.uncached:
        letters, number = re.match(r"([A-Z]+)(\d+)", ref).groups()
        index = column_index(letters)
        uncached |= {(int(number), f) for f, i in positions.items() if i == index}
        header = next((c.header for c in sheet.columns if positions.get(c.field) == index), letters)
        out.error(sheet.name, int(number), header, None,
                  f"Cel {ref} bevat een formule zonder opgeslagen uitkomst. Open het bestand in Excel, laat het "
                  f"herberekenen en sla op, of typ de waarde in plaats van de formule.")
    # Not in DataFrame.attrs: pandas deep-copies attrs on every operation, which made small sheets slow.
    return table.reset_index(drop=True), set(positions), uncached


def _convert(read: tuple[pd.DataFrame, set[str], set[tuple[int, str]]], sheet: Sheet,
             out: _Collector) -> pd.DataFrame:
    """Typed values per field (raw values kept as raw:<field> for messages)."""
    table, present, uncached = read
    typed = pd.DataFrame({"row": table["row"]})
    for column in sheet.columns:
        original = table[column.field]
        typed[f"raw:{column.field}"] = original
        # NaN, infinite or absurdly large numbers (a cell '1e309', a 400-digit number): refused in any column, and
        # kept out of the parsing below (int(inf) would raise; a float NaN would read as an empty cell).
        odd = pd.Series([is_odd_number(v) for v in original], index=original.index, dtype=bool)
        out.cells(sheet, typed, odd, column,
                  f"'{column.header}' bevat geen bruikbaar getal (oneindig, NaN of groter dan "
                  f"{dutch_number(10 ** 15)}). Typ een gewoon getal of maak de cel leeg.")
        raw = original.where(~odd, None)
        empty = blank(raw)
        if column.type == "number":
            values, bad = parse_numbers(raw)
            message = (f"'{column.header}' moet een getal zijn, bv. 1234 of 1.234,5 (niet oneindig en niet groter "
                       f"dan {dutch_number(10 ** 15)}).")
        elif column.type in ("date", "month"):
            values, bad = parse_dates(raw, month_only=column.type == "month")
            message = (f"'{column.header}' moet een datum zijn, bv. 15-03-2026 of 2026-03-15." if column.type == "date"
                       else f"'{column.header}' moet een maand zijn, bv. 2026-03 of maart 2026.")
        elif column.type == "period":
            values, bad = parse_periods(raw)
            message = f"'{column.header}' moet een jaar (2026), kwartaal (2026-Q4) of maand (2026-12) zijn."
        elif column.type == "choice":
            text = parse_text(raw)
            canonical = {a.casefold(): a for a in column.allowed}
            values = text.str.casefold().str.split().str.join(" ").map(canonical)
            bad = ~empty & values.isna()
            message = f"'{column.header}' moet één van deze waarden zijn: {', '.join(column.allowed)}."
        elif column.type == "municipality":
            values = parse_text(raw).str.upper()
            bad = ~empty & ~values.fillna("").str.match(_MUNICIPALITY.pattern)
            message = f"'{column.header}' moet een CBS-gemeentecode zijn, bv. GM0034 (Almere)."
        elif column.type == "flevoland":
            places = flevoland_municipalities()
            values = _lookup(raw, places)
            bad = ~empty & values.isna()
            message = (f"'{column.header}' moet een Flevolandse gemeente zijn: {_listed(list(places.values()))} "
                       f"(de naam of de CBS-code, bv. GM0034). Kies er één uit de keuzelijst.")
        elif column.type == "domain":
            domains = domain_names()
            values = _lookup(raw, domains)
            bad = ~empty & values.isna()
            message = (f"'{column.header}' moet een technisch domein zijn: {_listed(list(domains.values()))}. Kies "
                       f"er één uit de keuzelijst.")
        else:
            values = parse_text(raw)
            bad = pd.Series(False, index=raw.index)
            if column.max_length is not None:
                bad = values.str.len().gt(column.max_length).fillna(False).astype(bool)
            message = (f"'{column.header}' is te lang: hoogstens {column.max_length} tekens. Kort de tekst in, of "
                       f"verdeel hem over meer rijen." if column.max_length is not None else "")
        out.cells(sheet, typed, bad, column, message)
        if column.required and column.field in present:
            formula = table["row"].map(lambda r, f=column.field: (r, f) in uncached)
            missing = empty & ~odd & ~formula.astype(bool)
            subject = next((f for f in sheet.key if f in ROW_SUBJECTS and f != column.field), None)
            if subject is None:
                out.cells(sheet, typed, missing, column, f"'{column.header}' is verplicht: vul een waarde in.")
            else:  # a report lists many KPIs: name the one whose value is missing, not only its row
                for row, value, code in zip(typed.loc[missing, "row"], original[missing], table.loc[missing, subject],
                                            strict=True):
                    named = "" if is_blank_cell(code) else f" voor {ROW_SUBJECTS[subject]} {str(code).strip()}"
                    out.error(sheet.name, row, column.header, value,
                              f"'{column.header}' is verplicht{named}: vul een waarde in.")
        if column.minimum is not None:
            below = values.notna() & (values < column.minimum)
            out.cells(sheet, typed, below, column, f"'{column.header}' mag niet negatief zijn.")
        typed[column.field] = values.where(~bad)
    return typed


def _duplicates(typed: pd.DataFrame, sheet: Sheet, key: tuple[str, ...], out: _Collector) -> None:
    complete = typed.dropna(subset=list(key))
    dup = complete.duplicated(list(key), keep="first")
    if not dup.any():
        return
    first = complete.groupby(list(key), sort=False)["row"].transform("first")
    column = sheet.column(key[-1])
    names = " + ".join(sheet.column(f).header for f in key)
    for row, value, earlier in zip(complete.loc[dup, "row"], complete.loc[dup, f"raw:{column.field}"], first[dup],
                                   strict=True):
        out.error(sheet.name, row, column.header, value,
                  f"Dubbele rij: dezelfde {names} als rij {earlier}. Verwijder één van beide of voeg ze samen.")


def _unknown(typed, sheet: Sheet, field_name: str, known: pd.Series | set, out: _Collector, what: str) -> None:
    values = typed[field_name]
    missing = values.notna() & ~values.isin(set(known))
    out.cells(sheet, typed, missing, sheet.column(field_name), what)


def _detect(sheets: dict[str, RawSheet]) -> WorkbookLayout | None:
    names = {normalise_header(n) for n in sheets}
    if "deelprojecten" in names:
        return PLAN
    if {"kpi-waarden", "toelichting"} & names:
        return MONTHLY
    return None


def _rows(typed: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    rows = typed[[c.field for c in sheet.columns]].reset_index(drop=True)
    if sheet.row_field:
        rows[sheet.row_field] = typed["row"].astype("int64").to_numpy()
    return rows


def _check_plan(typed: dict[str, pd.DataFrame], out: _Collector) -> None:
    sub, kpis = typed["Deelprojecten"], typed["KPI's"]
    if sub.empty:
        out.error("Deelprojecten", None, None, None,
                  "Het plan van aanpak bevat geen deelprojecten. Vul het blad Deelprojecten vanaf rij 2 in.")
    codes, kpi_codes = set(sub["subproject_code"].dropna()), set(kpis["kpi_code"].dropna())
    for name in ("Acties", "Mijlpalen", "Doelen"):
        _unknown(typed[name], PLAN.sheet(name), "subproject_code", codes, out,
                 "Onbekend deelproject: gebruik een code uit het blad Deelprojecten.")
    _unknown(typed["Doelen"], PLAN.sheet("Doelen"), "kpi_code", kpi_codes, out,
             "Onbekende KPI: gebruik een code uit het blad KPI's.")
    backwards = sub["end_date"].notna() & sub["start_date"].notna() & (sub["end_date"] < sub["start_date"])
    out.cells(PLAN.sheet("Deelprojecten"), sub, backwards, PLAN.sheet("Deelprojecten").column("end_date"),
              "De einddatum ligt vóór de startdatum.")
    _unknown(kpis, PLAN.sheet("KPI's"), "indicator_id", set(CATALOGUE), out,
             f"Onbekende publieke indicator. Laat leeg of kies er één uit: {', '.join(sorted(CATALOGUE))}.")
    for name, status_field, date_field in (("Mijlpalen", "status", "achieved_date"),):
        frame = typed[name]
        missing = frame[status_field].eq("behaald") & frame[date_field].isna()
        out.cells(PLAN.sheet(name), frame, missing, PLAN.sheet(name).column(date_field),
                  "Een behaalde mijlpaal heeft een datum 'Behaald op' nodig.")
    # cumulative targets may not decrease over the periods of one kind (years, quarters or months)
    targets = typed["Doelen"].dropna(subset=["subproject_code", "kpi_code", "target_period", "target_value"])
    cumulative = set(kpis.loc[kpis["accumulation"].eq("cumulatief"), "kpi_code"])
    targets = targets[targets["kpi_code"].isin(cumulative)].copy()
    if len(targets):
        targets["grain"] = targets["target_period"].str.len().astype(str) + targets["target_period"].str[4:6]
        targets = targets.sort_values(["subproject_code", "kpi_code", "grain", "target_period"])
        previous = targets.groupby(["subproject_code", "kpi_code", "grain"])["target_value"].shift()
        down = targets["target_value"] < previous
        out.cells(PLAN.sheet("Doelen"), targets, down, PLAN.sheet("Doelen").column("target_value"),
                  "Cumulatieve KPI: dit doel is lager dan het doel van de vorige periode. Een cumulatief doel is de "
                  "stand tot en met de periode en kan niet dalen.")


def _check_monthly(typed: dict[str, pd.DataFrame], plan: KnownPlan | None, today: date,
                   out: _Collector) -> tuple[str | None, str | None]:
    narrative = typed["Toelichting"]
    sheet = MONTHLY.sheet("Toelichting")
    if len(narrative) != 1:
        out.error(sheet.name, None, None, len(narrative),
                  f"Het blad Toelichting moet precies één rij hebben (deelproject en maand); gevonden: "
                  f"{len(narrative)}. Eén maandrapportage gaat over één deelproject en één maand.")
        return None, None
    subproject, month = narrative["subproject_code"].iloc[0], narrative["month"].iloc[0]
    row = int(narrative["row"].iloc[0])
    if isinstance(month, float):
        month = None
    if month and month > today.strftime("%Y-%m"):
        out.error(sheet.name, row, "Maand", month,
                  f"De maand {month} ligt in de toekomst. Rapporteer alleen over afgelopen of lopende maanden.")
    if plan is None:
        out.error(None, None, None, None,
                  "Er is nog geen plan van aanpak bekend: upload eerst het plan van aanpak (of geef het mee met "
                  "--plan), zodat de codes van deze maandrapportage gecontroleerd kunnen worden.")
        return subproject, month
    known = plan.subprojects.set_index("subproject_code")
    if subproject and subproject not in known.index:
        out.error(sheet.name, row, "Deelproject", subproject,
                  f"Onbekend deelproject. Bekende codes: {', '.join(sorted(known.index))}.")
        return subproject, month
    if subproject and month:
        start, end = (pd.Timestamp(known.loc[subproject, c]) for c in ("start_date", "end_date"))
        if (pd.notna(start) and month < start.strftime("%Y-%m")) or (pd.notna(end) and month > end.strftime("%Y-%m")):
            out.error(sheet.name, row, "Maand", month,
                      f"De maand {month} valt buiten de looptijd van deelproject {subproject} "
                      f"({start:%Y-%m} t/m {end:%Y-%m}). Controleer de maand of het deelproject.")
    kpis = set(plan.kpis["kpi_code"])
    _unknown(typed["KPI-waarden"], MONTHLY.sheet("KPI-waarden"), "kpi_code", kpis, out,
             f"Onbekende KPI: gebruik een code uit het plan van aanpak ({', '.join(sorted(kpis))}).")
    for name, table, code in (("Mijlpalen", plan.milestones, "milestone_code"),
                              ("Acties", plan.actions, "action_code")):
        codes = set(table.loc[table["subproject_code"].eq(subproject), code])
        what = "mijlpaal" if code == "milestone_code" else "actie"
        _unknown(typed[name], MONTHLY.sheet(name), code, codes, out,
                 f"Onbekende {what} voor deelproject {subproject}: gebruik een code uit het plan van aanpak"
                 f"{' (' + ', '.join(sorted(codes)) + ')' if codes else ''}.")
    milestones = typed["Mijlpalen"]
    missing = milestones["status"].eq("behaald") & milestones["achieved_date"].isna()
    out.cells(MONTHLY.sheet("Mijlpalen"), milestones, missing, MONTHLY.sheet("Mijlpalen").column("achieved_date"),
              "Een behaalde mijlpaal heeft een datum 'Behaald op' nodig.")
    for name in ("Mijlpalen", "Acties"):
        frame, column = typed[name], MONTHLY.sheet(name).columns[2]
        future = frame[column.field].notna() & (frame[column.field] > pd.Timestamp(today))
        out.cells(MONTHLY.sheet(name), frame, future, column,
                  f"'{column.header}' ligt in de toekomst. Vul de datum in waarop het echt gebeurd is.")
    _check_signals(typed["Signalen"], plan, subproject, month, today, out)
    if subproject and month:
        _check_history(typed["KPI-waarden"], plan, subproject, month, out)
    return subproject, month


def _check_signals(signals: pd.DataFrame, plan: KnownPlan, subproject: str | None, month: str | None, today: date,
                   out: _Collector) -> None:
    """A signal's action is one of the subproject's actions, its TechNet circle one of the plan's, and its date is not
    in the future; a date after the report's month is a warning (it belongs in a later report)."""
    sheet = MONTHLY.sheet("Signalen")
    if subproject:  # without one, the Toelichting's error says so; every action would read as unknown
        codes = set(plan.actions.loc[plan.actions["subproject_code"].eq(subproject), "action_code"])
        listed = f" ({', '.join(sorted(codes))})" if codes else " (het plan noemt er geen voor dit deelproject)"
        _unknown(signals, sheet, "action_code", codes, out,
                 f"Onbekende actie voor deelproject {subproject}: laat de cel leeg of gebruik een code uit het plan "
                 f"van aanpak{listed}.")
    circles = set(plan.subprojects["technet_circle"].dropna()) if "technet_circle" in plan.subprojects else set()
    if circles:  # the five TechNet circles as the plan names them, in any capitals
        known = {c.casefold() for c in circles}
        given = signals["technet_circle"]
        unknown = given.notna() & ~given.map(lambda v: str(v).strip().casefold() in known)
        out.cells(sheet, signals, unknown, sheet.column("technet_circle"),
                  f"Onbekende TechNet-kring: gebruik een kring uit het plan van aanpak ({', '.join(sorted(circles))}), "
                  "of laat de cel leeg voor de kring van het deelproject.")
    column = sheet.column("signal_date")
    dates = signals["signal_date"]
    future = dates.notna() & (dates > pd.Timestamp(today))
    out.cells(sheet, signals, future, column,
              "De datum ligt in de toekomst. Vul de datum in waarop het signaal binnenkwam.")
    if month:
        after = dates.notna() & ~future & (dates.dt.strftime("%Y-%m") > month)
        for row, value in zip(signals.loc[after, "row"], signals.loc[after, "raw:signal_date"], strict=True):
            out.warn(sheet.name, row, column.header, value,
                     f"Dit signaal is van na de verslagmaand {month}; het telt mee, maar hoort eigenlijk in de "
                     "maandrapportage van de maand waarin het binnenkwam.")


def _check_history(values: pd.DataFrame, plan: KnownPlan, subproject: str, month: str, out: _Collector) -> None:
    """Cumulative KPIs may not decrease; a value far outside the KPI's history is a warning."""
    sheet = MONTHLY.sheet("KPI-waarden")
    column = sheet.column("value")
    history = plan.history[plan.history["subproject_code"].eq(subproject) & plan.history["month"].ne(month)]
    cumulative = set(plan.kpis.loc[plan.kpis["accumulation"].eq("cumulatief"), "kpi_code"])
    by_kpi = {code: frame.sort_values("month") for code, frame in history.groupby("kpi_code")}
    # a KPI's second row is already a duplicate error; checking it too would cost a filter per row of a huge sheet
    for record in values.dropna(subset=["kpi_code", "value"]).drop_duplicates("kpi_code").to_dict("records"):
        kpi_code = record["kpi_code"]
        past = by_kpi.get(kpi_code)
        if past is None or past.empty:
            continue
        value, row, raw = record["value"], record["row"], record["raw:value"]
        before, after = past[past["month"] < month], past[past["month"] > month]
        series = past["value"]
        if kpi_code in cumulative:
            if len(before) and value < before["value"].iloc[-1]:
                out.error(sheet.name, row, column.header, raw,
                          f"KPI {kpi_code} is cumulatief, maar {value:g} is lager dan de stand van "
                          f"{before['month'].iloc[-1]} ({before['value'].iloc[-1]:g}). Vul de stand tot en met "
                          f"deze maand in.")
                continue
            if len(after) and value > after["value"].iloc[0]:
                out.error(sheet.name, row, column.header, raw,
                          f"KPI {kpi_code} is cumulatief, maar {value:g} is hoger dan de stand van de latere "
                          f"maand {after['month'].iloc[0]} ({after['value'].iloc[0]:g}).")
                continue
            series = before["value"].diff().dropna()
            value = value - before["value"].iloc[-1] if len(before) else value
        if len(series) < Z_MIN_HISTORY:
            continue
        mean, std = series.mean(), series.std()
        if std > 0 and abs(value - mean) / std > Z_LIMIT:
            out.warn(sheet.name, row, column.header, raw,
                     f"Opvallende waarde voor KPI {kpi_code}: ver buiten de eerdere maanden (gemiddeld "
                     f"{mean:.4g}, z-score {(value - mean) / std:.1f}). Controleer de waarde; dit is geen fout.")


def _capped(issues: list[Issue], what: str) -> list[Issue]:
    """The first MAX_ISSUES issues, and one closing line that counts the rest by message."""
    if len(issues) <= MAX_ISSUES:
        return issues
    rest = issues[MAX_ISSUES:]
    common, times = Counter((i.sheet, i.column, i.message) for i in rest).most_common(1)[0]
    sheet, column, message = common
    where = ", ".join(p for p in (f"blad '{sheet}'" if sheet else "", f"kolom '{column}'" if column else "") if p)
    return [*issues[:MAX_ISSUES], Issue(None, None, None, len(rest),
        f"{MORE_ISSUES} {dutch_number(len(rest))} {what} (in totaal {dutch_number(len(issues))}; alleen de eerste "
        f"{MAX_ISSUES} staan hierboven). De meest voorkomende ({dutch_number(times)} keer"
        f"{', ' + where if where else ''}): {message} Verbeter het bestand en controleer het opnieuw.")]


def _sheet_roles(sheets: dict[str, RawSheet], layout: WorkbookLayout, out: _Collector) -> dict[str, RawSheet]:
    """The sheet read for each data sheet; two sheets with the same name (case and spaces ignored) are an error,
    as is a data sheet hidden so deeply (veryHidden) that Excel's menus cannot show it."""
    groups: dict[str, list[RawSheet]] = {}
    for raw in sheets.values():
        groups.setdefault(normalise_header(raw.name), []).append(raw)
    state_nl = {"hidden": "verborgen", "veryHidden": "zeer verborgen"}
    chosen = {}
    for data_sheet in layout.sheets:
        found = groups.get(normalise_header(data_sheet.name), [])
        if len(found) > 1:
            names = " en ".join(f"'{r.name}'" + (f" ({state_nl[r.state]})" if r.state in state_nl else "")
                                for r in found)
            out.error(data_sheet.name, None, None, None,
                      f"De bladen {names} hebben dezelfde naam (hoofdletters en spaties tellen niet mee); het is "
                      f"niet duidelijk welk blad geldt. Kopieer de gegevens naar een nieuw sjabloon (python -m etl "
                      f"template) en upload dat.")
        elif found and found[0].state == "veryHidden":
            out.error(found[0].name, None, None, None,
                      f"Het blad '{found[0].name}' is zeer verborgen (veryHidden): in Excel niet te zien, dus ook niet "
                      f"te controleren. Kopieer de gegevens naar een nieuw sjabloon en upload dat.")
        elif found and found[0].state == "hidden":
            out.warn(found[0].name, None, None, None,
                     f"Het blad '{found[0].name}' is verborgen maar wordt wel gelezen. Maak het zichtbaar "
                     f"(rechtsklik op een bladtab → Zichtbaar maken) om te zien wat u uploadt.")
        visible = [r for r in found if r.state == "visible"] or found
        if visible:
            chosen[normalise_header(data_sheet.name)] = visible[0]
    return chosen


def validate_workbook(path: Path, con: duckdb.DuckDBPyConnection | None = None, plan_path: Path | None = None,
                      today: date | None = None, limits: Limits | None = None,
                      known_plan: KnownPlan | None = None) -> Validation:
    """Read and validate a plan of action or monthly report; `con` is a read-only warehouse connection (optional)."""
    today = today or date.today()
    out = _Collector()
    try:
        sheets = read_workbook(Path(path), limits, _DATA_SHEETS)
    except UnsafeWorkbookError as exc:
        return Validation(None, [Issue(exc.sheet, exc.row, exc.column, None, str(exc))])
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a library's error, even a Rust panic, is a refusal, not a traceback
        return Validation(None, [Issue(None, None, None, None,
                                       f"{Path(path).name} kan niet gelezen worden. Open het in Excel en sla het "
                                       f"opnieuw op als .xlsx. {technical(exc)}.")])
    layout = _detect(sheets)
    if layout is None:
        expected = " / ".join(f"{lay.title}: {', '.join(s.name for s in lay.sheets)}" for lay in LAYOUTS.values())
        return Validation(None, [Issue(None, None, None, None,
                                       f"{Path(path).name} is geen plan van aanpak of maandrapportage: de bladen "
                                       f"ontbreken ({expected}). Begin met het sjabloon (python -m etl template).")])
    by_name = _sheet_roles(sheets, layout, out)
    expected_names = {normalise_header(s.name) for s in layout.sheets} | {normalise_header(a) for a in AUXILIARY_SHEETS}
    for name in sheets:
        if normalise_header(name) not in expected_names:
            out.warn(name, None, None, None,
                     f"Het blad '{name}' hoort niet bij een {layout.title} en wordt niet gelezen.")
    typed: dict[str, pd.DataFrame] = {}
    for sheet in layout.sheets:
        raw = by_name.get(normalise_header(sheet.name))
        if raw is None:
            if not sheet.optional:  # an optional sheet left out means: nothing to report on it
                out.error(sheet.name, None, None, None,
                          f"Het blad '{sheet.name}' ontbreekt. Voeg het toe met de kolommen uit het sjabloon.")
            raw = RawSheet(sheet.name, [[c.header for c in sheet.columns]])
        typed[sheet.name] = _convert(_table(raw, sheet, out), sheet, out)
        _duplicates(typed[sheet.name], sheet, sheet.key, out)
    result = Validation(layout.kind)
    if layout is PLAN:
        _check_plan(typed, out)
        result.rows = {s.table: _rows(typed[s.name], s) for s in layout.sheets}
    else:
        plan = known_plan or (KnownPlan.from_warehouse(con) if con is not None else None)
        if plan is None and plan_path is not None:
            plan_result = validate_workbook(plan_path, None, None, today, limits)
            if plan_result.kind != "plan" or not plan_result.ok:
                out.error(None, None, None, str(plan_path),
                          f"Het plan van aanpak {Path(plan_path).name} is zelf niet in orde "
                          f"({len(plan_result.errors)} fout(en)); controleer het eerst met 'python -m etl upload "
                          f"{Path(plan_path).name} --dry-run'.")
            else:
                plan = KnownPlan.from_rows(plan_result.rows)
        subproject, month = _check_monthly(typed, plan, today, out)
        result.subproject, result.month = subproject, month
        for s in layout.sheets:
            rows = _rows(typed[s.name], s)
            if s.name != "Toelichting":
                rows.insert(0, "subproject_code", subproject)
                rows.insert(2, "month", month)
            result.rows[s.table] = rows
    result.errors, result.warnings = _capped(out.errors, "fouten"), _capped(out.warnings, "waarschuwingen")
    return result
