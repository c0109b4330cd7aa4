"""Reading a workbook's sheets fast with python-calamine, and tolerant parsing of Dutch numbers, dates and months.

Calamine returns the cached value of a formula cell; a formula without a cached value (a file written by a tool
that does not calculate) reads as empty, so those cells are found in the sheet XML and reported.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import defusedxml.ElementTree as SafeET
import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from etl.workbooks.safety import Limits, UnsafeWorkbookError, check_workbook

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MONTHS_NL = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}


@dataclass
class RawSheet:
    """A sheet's cells as calamine gives them (row 0 is Excel row 1), plus formula cells without a cached value."""

    name: str
    rows: list[list]
    uncached: list[str] = field(default_factory=list)  # cell references such as 'B7'


def normalise_header(text: object) -> str:
    """Header comparison key: case-insensitive, surrounding and repeated spaces ignored."""
    return " ".join(str(text).split()).casefold()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part inside the archive."""
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_NS_PKG}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    return parts


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_CACHED = re.compile(rb"<v>[^<]+</v>|<is>", re.S)


def uncached_formulas(path: Path) -> dict[str, list[str]]:
    """Sheet name → cells holding a formula without a cached value (only sheets that contain formulas are scanned)."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, part in _sheet_parts(archive).items():
            try:
                data = archive.read(part)
            except KeyError:
                continue
            if b"<f" not in data:
                continue
            cells = []
            for match in _CELL.finditer(data):
                inner = match.group(2) or b""
                if b"<f" in inner and not _CACHED.search(inner):
                    ref = _REF.search(match.group(1))
                    cells.append(ref.group(1).decode() if ref else "?")
            if cells:
                found[name] = cells
    return found


def read_workbook(path: Path, limits: Limits | None = None, wanted: set[str] | None = None) -> dict[str, RawSheet]:
    """Check the file, then read every sheet (or only those whose normalised name is in `wanted`)."""
    path = Path(path)
    limits = limits or Limits()
    check_workbook(path, limits)
    uncached = uncached_formulas(path)
    workbook = CalamineWorkbook.from_path(str(path))
    sheets = {}
    try:
        for name in workbook.sheet_names:
            if wanted is not None and normalise_header(name) not in wanted:
                continue
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.end[0] + 1 if sheet.end else 0  # last used row (0-based) + 1: rows counted from row 1
            if rows > limits.max_rows:
                raise UnsafeWorkbookError(
                    f"{path.name}: het blad '{name}' heeft {rows} rijen, de grens is {limits.max_rows}. "
                    f"Verwijder lege of overbodige rijen, of splits het bestand."
                )
            sheets[name] = RawSheet(name, sheet.to_python(skip_empty_area=False), uncached.get(name, []))
    finally:
        workbook.close()
    return sheets


# --- tolerant value parsing, over a column (object Series of calamine values) ---
# blank and parse_text map a plain function over the cells: a monthly report has a few rows per sheet, where
# pandas' per-operation overhead (masks, setitem) cost more than the work, and 100.000 rows still take milliseconds.

def is_blank_cell(value: object) -> bool:
    """True for an empty cell: None, NaN/NaT or only spaces."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty (None, NaN or only spaces)."""
    return pd.Series([is_blank_cell(v) for v in values], index=values.index, dtype=bool)


_DUTCH_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+$")


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from numeric cells or Dutch text ('1.234,5', '12', '-3,25'); returns (floats, bad mask).

    Text with a '.' but no ',' is only accepted as thousands ('1.234'); '1.5' is ambiguous and refused.
    """
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    empty = blank(values)
    kinds = values.map(type)
    numeric = kinds.isin([int, float]) & ~empty
    out[numeric] = values[numeric].astype("float64")
    text = kinds.eq(str) & ~empty
    bad = ~empty & ~numeric & ~text  # dates, booleans
    if text.any():
        stripped = values[text].str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
        ok = stripped.str.match(_DUTCH_NUMBER.pattern)
        converted = stripped[ok].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        out[converted.index] = converted.astype("float64")
        bad[ok[~ok].index] = True
    return out, bad


# Text layouts of a date, tried in order: ISO, Dutch day-month-year, then a month without a day (its first day).
_TEXT_DATES = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), (1, 2, None)),
    (re.compile(r"^(\d{1,2})[-/](\d{4})$"), (2, 1, None)),
)
_MONTH_NAME = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_EXCEL_EPOCH = date(1899, 12, 30)
_LAST_SERIAL = 2_958_465  # 31-12-9999 in Excel


class _Bad:
    """Marks a cell that holds something but no date."""


_BAD = _Bad()


def _cell_date(value: object) -> date | _Bad | None:
    """One cell as a date: None when empty, _BAD when it holds something that is not a date."""
    if is_blank_cell(value):
        return None
    if isinstance(value, (datetime, date)):  # pd.Timestamp is a datetime
        return date(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # an Excel serial number
        return _EXCEL_EPOCH + timedelta(days=int(value // 1)) if 1 <= value <= _LAST_SERIAL else _BAD
    if not isinstance(value, str):
        return _BAD
    clean = value.strip().casefold()
    try:
        for pattern, (year, month, day) in _TEXT_DATES:
            found = pattern.match(clean)
            if found:
                return date(int(found[year]), int(found[month]), int(found[day]) if day else 1)
        found = _MONTH_NAME.match(clean)
        if found and found[1] in MONTHS_NL:
            return date(int(found[2]), MONTHS_NL[found[1]], 1)
    except ValueError:  # 31-02-2026, month 13
        return _BAD
    return _BAD


def parse_dates(values: pd.Series, month_only: bool = False) -> tuple[pd.Series, pd.Series]:
    """Dates from Excel dates or serial numbers, '15-03-2026', '15/03/2026', ISO, 'maart 2026', 'mrt 2026'.

    A month without a day means its first day. With month_only the result is the 'YYYY-MM' text (object Series).
    Returns (values, bad mask).
    """
    parsed = [_cell_date(v) for v in values]
    bad = pd.Series([p is _BAD for p in parsed], index=values.index, dtype=bool)
    dates = [p if isinstance(p, date) else None for p in parsed]
    if month_only:
        return pd.Series([d and f"{d:%Y-%m}" for d in dates], index=values.index, dtype="object"), bad
    return pd.Series(pd.to_datetime(pd.Series(dates, dtype="object")).to_numpy(dtype="datetime64[us]"),
                     index=values.index), bad


_PERIOD = re.compile(r"^\d{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?$")


def parse_periods(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Target/baseline periods: '2026', '2026-Q4', '2026-12' (a year typed as a number is accepted)."""
    empty = blank(values)
    out = pd.Series(None, index=values.index, dtype="object")
    kinds = values.map(type)
    numeric = kinds.isin([int, float]) & ~empty
    out[numeric] = values[numeric].map(lambda v: str(int(v)) if float(v).is_integer() else str(v))
    text = kinds.eq(str) & ~empty
    out[text] = values[text].str.strip().str.upper()
    native = kinds.isin([datetime, date]) & ~empty
    out[native] = values[native].map(lambda v: v.strftime("%Y-%m"))
    bad = ~empty & ~out.fillna("").str.match(_PERIOD.pattern)
    return out.where(~bad & ~empty, None), bad


def _cell_text(value: object) -> str | None:
    if is_blank_cell(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return str(value)


def parse_text(values: pd.Series) -> pd.Series:
    """Text cells stripped; numbers written without a trailing '.0'; empty as None."""
    return pd.Series([_cell_text(v) for v in values], index=values.index, dtype="object")
