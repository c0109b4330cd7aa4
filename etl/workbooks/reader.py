"""Reading a workbook's sheets fast with python-calamine, and tolerant parsing of Dutch numbers, dates and months.

Calamine returns the cached value of a formula cell; a formula without a cached value (a file written by a tool
that does not calculate) reads as empty, so those cells are found in the sheet XML and reported.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
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


# --- tolerant value parsing, vectorised over a column (object Series of calamine values) ---

def _is_text(values: pd.Series) -> pd.Series:
    return values.map(type).eq(str)


def blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty (None, NaN or only spaces)."""
    text = _is_text(values)
    out = values.isna()
    out[text] = values[text].str.strip().eq("")
    return out


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


_ISO_DATE = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"
_NL_DATE = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"
_MONTH_NAME = r"^([a-z]+)\.?\s+(\d{4})$"
_ISO_MONTH = r"^(\d{4})-(\d{1,2})$"
_NL_MONTH = r"^(\d{1,2})[-/](\d{4})$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _to_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": year.astype(int), "month": month.astype(int), "day": day.astype(int)})
    return pd.to_datetime(frame, errors="coerce")


def parse_dates(values: pd.Series, month_only: bool = False) -> tuple[pd.Series, pd.Series]:
    """Dates from Excel dates or serial numbers, '15-03-2026', '15/03/2026', ISO, 'maart 2026', 'mrt 2026'.

    A month without a day means its first day. With month_only the result is the 'YYYY-MM' text (object Series).
    Returns (values, bad mask).
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    empty = blank(values)
    kinds = values.map(type)
    native = kinds.isin([datetime, date, pd.Timestamp]) & ~empty
    if native.any():
        out[native] = pd.to_datetime(values[native].map(lambda v: v.isoformat()[:10]))
    serial = kinds.isin([int, float]) & ~empty
    if serial.any():
        days = values[serial].astype("float64")
        plausible = days.between(1, 2_958_465)
        out[days[plausible].index] = _EXCEL_EPOCH + pd.to_timedelta(days[plausible].floordiv(1), unit="D")
    text = kinds.eq(str) & ~empty
    if text.any():
        clean = values[text].str.strip().str.casefold()
        for pattern, order in ((_ISO_DATE, "ymd"), (_NL_DATE, "dmy"), (_ISO_MONTH, "ym"), (_NL_MONTH, "my")):
            parts = clean.str.extract(pattern).dropna()
            if parts.empty:
                continue
            if order == "ymd":
                parsed = _to_dates(parts[0], parts[1], parts[2])
            elif order == "dmy":
                parsed = _to_dates(parts[2], parts[1], parts[0])
            elif order == "ym":
                parsed = _to_dates(parts[0], parts[1], pd.Series(1, index=parts.index))
            else:
                parsed = _to_dates(parts[1], parts[0], pd.Series(1, index=parts.index))
            out[parsed.index] = parsed
        names = clean.str.extract(_MONTH_NAME).dropna()
        if not names.empty:
            month = names[0].map(MONTHS_NL)
            names = names[month.notna()]
            out[names.index] = _to_dates(names[1], month[names.index], pd.Series(1, index=names.index))
    bad = ~empty & out.isna()
    if month_only:
        months = pd.Series(None, index=values.index, dtype="object")
        months[out.notna()] = out[out.notna()].dt.strftime("%Y-%m")
        return months, bad
    return out, bad


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


def parse_text(values: pd.Series) -> pd.Series:
    """Text cells stripped; numbers written without a trailing '.0'; empty as None."""
    empty = blank(values)
    out = pd.Series(None, index=values.index, dtype="object")
    kinds = values.map(type)
    text = kinds.eq(str) & ~empty
    out[text] = values[text].str.strip()
    other = ~empty & ~text
    if other.any():
        out[other] = values[other].map(
            lambda v: str(int(v)) if isinstance(v, float) and v.is_integer()
            else v.isoformat()[:10] if isinstance(v, (date, datetime)) else str(v))
    return out.where(out.notna(), None)
