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

from etl.workbooks.safety import Limits, UnsafeWorkbookError, check_workbook, damaged, read_part, technical

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
    """A sheet's cells as calamine gives them (row 0 is Excel row 1), plus formula cells without a cached value.

    A sheet that was not asked for is listed unread (`read` False, no rows): its name and visibility still count.
    """

    name: str
    rows: list[list]
    uncached: list[str] = field(default_factory=list)  # cell references such as 'B7'
    state: str = "visible"  # as in workbook.xml: visible, hidden or veryHidden
    read: bool = True


@dataclass(frozen=True)
class SheetInfo:
    """A sheet as workbook.xml declares it: name, visibility and the archive parts it may be read from."""

    name: str
    state: str
    parts: tuple[str, ...]


def normalise_header(text: object) -> str:
    """Header comparison key: case-insensitive, surrounding and repeated spaces ignored."""
    return " ".join(str(text).split()).casefold()


_METADATA_BYTES = 4 * 1024 * 1024  # workbook.xml and its relationships: a few kB in practice


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, part: str, name: str):
    data = read_part(archive, part, _METADATA_BYTES, name)
    try:
        return SafeET.fromstring(data)
    except Exception as exc:  # malformed XML; a DTD was already refused by the safety check
        raise damaged(name, exc, part) from None


def _candidates(target: str) -> tuple[str, ...]:
    """Every archive path a relationship target may mean (readers differ on relative and absolute targets)."""
    target = target.replace("\\", "/")
    found = {target.lstrip("/"), posixpath.normpath(posixpath.join("xl", target)).lstrip("/"), f"xl/{target}",
             target}
    return tuple(sorted(found))


def workbook_sheets(archive: zipfile.ZipFile, name: str) -> list[SheetInfo]:
    """The sheets in workbook order with their visibility and possible parts; duplicate relationship ids refused."""
    workbook = _xml(archive, "xl/workbook.xml", name)
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.NameToInfo:
        for rel in _xml(archive, "xl/_rels/workbook.xml.rels", name).iter():
            if _local(rel.tag) != "Relationship":
                continue
            rel_id = rel.get("Id") or ""
            if rel_id in targets:  # two readers could pick different parts for the same sheet
                raise UnsafeWorkbookError(
                    f"{name} is beschadigd: de relatie {rel_id} komt twee keer voor in xl/_rels/workbook.xml.rels. "
                    f"Open het bestand in Excel en sla het opnieuw op als .xlsx."
                )
            targets[rel_id] = rel.get("Target") or ""
    sheets = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        ids = [v for k, v in element.attrib.items() if _local(k) == "id"]  # r:id, whatever the prefix
        parts = tuple(sorted({p for i in ids if i in targets for p in _candidates(targets[i])}))
        sheets.append(SheetInfo(str(element.get("name") or ""), str(element.get("state") or "visible"), parts))
    return sheets


# The cheap scan of a sheet's XML before calamine reads it: calamine allocates the rectangle between the sheet's
# first and last cell, so two cells far apart (A1 and XFD1048576) would ask for hundreds of GB, whatever the
# <dimension> element claims. The scan takes the extent from the cells' own references, empty (formatted) cells
# included, which can only overestimate what calamine builds. Regular expressions over the whole part do the work
# in C; only a sheet with cells that carry no reference (rare writers) is walked cell by cell, as calamine places
# them: after the previous cell in the row.
_PREFIX = rb"(?:[A-Za-z_][\w.-]{0,40}:)?"
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])")
_CELL_WITH_REF = re.compile(rb"<" + _PREFIX + rb"c\s[^>]{0,4096}?(?<=\s)r\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,7})[\"']")
_CELL_OR_ROW = re.compile(
    rb"<" + _PREFIX + rb"(row|c)(?=[\s/>])((?:[^>\"']++|\"[^\"]{0,4096}\"|'[^']{0,4096}'){0,64})(>)?")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_NUMBER = re.compile(rb"[0-9]{1,7}")
_VALUE_INDEX = re.compile(rb"<" + _PREFIX + rb"v>\s*\+?([0-9]{1,10})\s*<")
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f[\s/>]")
_CACHED = re.compile(rb"<" + _PREFIX + rb"v>[^<]|<" + _PREFIX + rb"is[\s/>]")
_CELL_END = re.compile(rb"</" + _PREFIX + rb"c>")
_SHARED_ITEM = re.compile(rb"<" + _PREFIX + rb"si(?=[\s/>])")
_UNCACHED_SHOWN = 1000  # formula cells without a value listed per sheet; enough to fix a file, bounded for a bomb
_CELL_BYTES = 1 << 17  # a cell's XML longer than this (text is at most 32.767 characters) is not searched further


def dutch_number(number: int) -> str:
    """12345 → '12.345' (Dutch thousands separator)."""
    return f"{number:,}".replace(",", ".")


def column_letters(index: int) -> str:
    """0 → 'A', 26 → 'AA': a 0-based column number as Excel names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """'A' → 0, 'AA' → 26 (bytes or text, any case): the 0-based number of an Excel column."""
    number = 0
    for char in letters.upper() if isinstance(letters, bytes) else letters.upper().encode("ascii"):
        number = number * 26 + char - 64
    return number - 1


@dataclass
class _Budget:
    """What the scanned sheets together may still hold (cells, bytes), across the whole workbook."""

    cells: int
    read_bytes: int


class _SheetScan:
    """The true extent of a sheet's cells, the text they copy from the shared strings, formulas without a value."""

    def __init__(self, file: str, sheet: str, limits: Limits, budget: _Budget, shared: list[int]) -> None:
        self.file, self.sheet, self.limits, self.budget, self.shared = file, sheet, limits, budget, shared
        self.uncached: list[str] = []

    def _refuse(self, message: str, row: int | None = None, column: str | None = None) -> UnsafeWorkbookError:
        return UnsafeWorkbookError(f"{self.file}: het blad '{self.sheet}' {message}", self.sheet, row, column)

    def _check_cell(self, row: int, col: int) -> None:
        limits = self.limits
        letters = column_letters(col)
        if row >= limits.max_rows:
            raise self._refuse(
                f"heeft een cel in rij {dutch_number(row + 1)} (cel {letters}{row + 1}); de grens is "
                f"{dutch_number(limits.max_rows)} rijen. Verwijder de inhoud en opmaak van de rijen onder uw gegevens "
                f"(selecteer ze en kies Verwijderen), of splits het bestand.", row + 1, letters)
        if col >= limits.max_columns:
            raise self._refuse(
                f"heeft een cel in kolom {letters} (cel {letters}{row + 1}); de grens is "
                f"{limits.max_columns} kolommen (t/m kolom {column_letters(limits.max_columns - 1)}). Verwijder de "
                f"inhoud en opmaak van de kolommen rechts van uw gegevens, of splits het bestand.", row + 1, letters)

    def scan(self, data: bytes) -> None:
        """Raise UnsafeWorkbookError when the sheet reaches beyond the limits; collect uncached formula cells."""
        budget, limits = self.budget, self.limits
        budget.read_bytes -= len(data)
        if budget.read_bytes < 0:
            raise self._refuse(f"maakt de gelezen gegevens groter dan {limits.max_read_bytes // 1_048_576} MB. "
                               f"Verwijder overbodige bladen, tekst of opmaak, of splits het bestand.")
        cells = len(_CELL_TAG.findall(data))
        budget.cells -= cells
        if budget.cells < 0:
            raise self._refuse(f"brengt het aantal cellen boven de grens van {dutch_number(limits.max_cells)}. "
                               f"Verwijder lege of overbodige rijen en kolommen (ook opmaak), of splits het bestand.")
        refs = _CELL_WITH_REF.findall(data)
        if len(refs) == cells:  # every cell says where it is: the extent is the largest reference
            if refs:
                last_row = max(map(int, (r for _, r in refs))) - 1
                widest = max((c for c, _ in refs), key=lambda c: (len(c), c.upper()))
                if last_row >= limits.max_rows or column_index(widest) >= limits.max_columns:
                    first = next((c, r) for c, r in refs if int(r) > limits.max_rows or
                                 column_index(c) >= limits.max_columns)
                    self._check_cell(int(first[1]) - 1, column_index(first[0]))
        else:
            self._walk(data)
        self._shared_text(data)
        if _FORMULA.search(data):
            self._formulas(data)

    def _walk(self, data: bytes) -> None:
        """Cell by cell, where some cells carry no reference: such a cell follows the previous one in its row."""
        row, col, budget = -1, -1, self.budget
        for match in _CELL_OR_ROW.finditer(data):
            if match.group(3) is None:
                raise self._refuse("bevat onleesbare XML (een tag zonder einde). Open het bestand in Excel en sla "
                                   "het opnieuw op als .xlsx.")
            ref = _ATTR_R.search(match.group(2))
            value = (ref.group(1) if ref.group(1) is not None else ref.group(2)) if ref else None
            if match.group(1) == b"row":
                budget.cells -= 1  # rows count too: a million empty rows is no monthly report either
                if budget.cells < 0:
                    raise self._refuse(f"heeft te veel rijen en cellen (grens "
                                       f"{dutch_number(self.limits.max_cells)}). Verwijder overbodige rijen.")
                if value is not None and not _ROW_NUMBER.fullmatch(value):
                    raise self._refuse(f"bevat een ongeldig rijnummer '{value.decode(errors='replace')[:20]}'. "
                                       f"Open het bestand in Excel en sla het opnieuw op als .xlsx.")
                row, col = (int(value) - 1 if value is not None else row + 1), -1
                continue
            if value is None:
                col += 1
                self._check_cell(max(row, 0), col)
                continue
            parts = _CELL_REF.fullmatch(value)
            if parts is None:
                raise self._refuse(f"bevat een ongeldige celverwijzing '{value.decode(errors='replace')[:20]}'. "
                                   f"Open het bestand in Excel en sla het opnieuw op als .xlsx.")
            col = column_index(parts.group(1))
            self._check_cell(int(parts.group(2)) - 1, col)

    def _shared_text(self, data: bytes) -> None:
        """Count the shared text the cells copy (calamine copies it into every cell that refers to it).

        Every <v> holding a whole number is counted as a reference when it is a valid index: numbers in numeric
        cells make this an overestimate, never an underestimate.
        """
        shared, values = self.shared, len(self.shared)
        if not values:
            return
        copied = sum(shared[i] for i in map(int, _VALUE_INDEX.findall(data)) if i < values)
        self.budget.read_bytes -= copied
        if self.budget.read_bytes < 0:
            raise self._refuse(f"verwijst zo vaak naar (lange) teksten dat het lezen meer dan "
                               f"{self.limits.max_read_bytes // 1_048_576} MB kost. Verwijder overbodige tekst of "
                               f"herhalingen, of splits het bestand.")

    def _formulas(self, data: bytes) -> None:
        """Cells with a formula but no cached value (a file saved by a tool that does not calculate)."""
        seen = -1
        for match in _FORMULA.finditer(data):
            start = max(data.rfind(b"<c ", 0, match.start()), data.rfind(b":c ", 0, match.start()) - 1)
            if start <= seen or start < 0:
                continue  # a second <f> in the same cell, or a formula outside any cell
            seen = start
            end = _CELL_END.search(data, match.end(), match.end() + _CELL_BYTES)
            inner = data[start:end.start() if end else match.end() + _CELL_BYTES]
            if _CACHED.search(inner):
                continue
            ref = _CELL_WITH_REF.match(inner)
            if len(self.uncached) < _UNCACHED_SHOWN:
                self.uncached.append(f"{ref.group(1).decode().upper()}{ref.group(2).decode()}" if ref else "?")


def _shared_lengths(archive: zipfile.ZipFile, name: str, limits: Limits) -> list[int]:
    """The size in bytes of every shared string (an upper bound of its text), by index."""
    lengths: list[int] = []
    for part in ("xl/sharedStrings.xml", "xl/SharedStrings.xml"):
        if part not in archive.NameToInfo:
            continue
        data = read_part(archive, part, limits.max_part_bytes, name)
        starts = [m.start() for m in _SHARED_ITEM.finditer(data)]
        if len(starts) > limits.max_cells:
            raise UnsafeWorkbookError(
                f"{name} is geweigerd: de werkmap heeft meer dan {dutch_number(limits.max_cells)} gedeelde teksten. "
                f"Verwijder overbodige bladen of tekst, of splits het bestand.")
        sizes = [end - start for start, end in zip(starts, [*starts[1:], len(data)], strict=True)]
        lengths = [max(a, b) for a, b in zip(lengths, sizes, strict=False)] + sizes[len(lengths):] + \
            lengths[len(sizes):]
    return lengths


def read_workbook(path: Path, limits: Limits | None = None, wanted: set[str] | None = None) -> dict[str, RawSheet]:
    """Check the file, then read every sheet (or only those whose normalised name is in `wanted`).

    Every sheet is listed; one that is not wanted is not read. Before calamine reads a sheet (and allocates the
    rectangle of its cells), the sheet's XML is scanned: rows, columns, cells and the text they refer to are bounded.
    """
    path = Path(path)
    limits = limits or Limits()
    check_workbook(path, limits)
    name = path.name
    budget = _Budget(limits.max_cells, limits.max_read_bytes)
    listed: list[tuple[SheetInfo, list[str]]] = []
    with zipfile.ZipFile(path) as archive:
        sheets = workbook_sheets(archive, name)
        seen: set[str] = set()
        for info in sheets:
            if info.name in seen:
                raise UnsafeWorkbookError(f"{name} is beschadigd: twee bladen heten '{info.name}'. Geef elk blad een "
                                          f"eigen naam.", info.name)
            seen.add(info.name)
        shared = _shared_lengths(archive, name, limits) if sheets else []
        for info in sheets:
            if wanted is not None and normalise_header(info.name) not in wanted:
                listed.append((info, []))
                continue
            parts = [p for p in info.parts if p in archive.NameToInfo]
            if not parts:
                raise UnsafeWorkbookError(f"{name} is beschadigd: het blad '{info.name}' heeft geen inhoud in het "
                                          f"bestand. Open het in Excel en sla het opnieuw op als .xlsx.", info.name)
            scan = _SheetScan(name, info.name, limits, budget, shared)
            for part in parts:
                scan.scan(read_part(archive, part, limits.max_part_bytes, name))
            listed.append((info, scan.uncached))
    result = {}
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, XmlError, ZipError: the message is in English
        raise damaged(name, exc) from None
    try:
        for info, uncached in listed:
            if wanted is not None and normalise_header(info.name) not in wanted:
                result[info.name] = RawSheet(info.name, [], [], info.state, read=False)
                continue
            try:
                sheet = workbook.get_sheet_by_name(info.name)
                if sheet.height > limits.max_rows or sheet.width > limits.max_columns:  # the scan already bounds it
                    raise UnsafeWorkbookError(
                        f"{name}: het blad '{info.name}' is {sheet.height} rijen bij {sheet.width} kolommen; de grens "
                        f"is {limits.max_rows} bij {limits.max_columns}. Verwijder overbodige rijen en kolommen.",
                        info.name)
                rows = sheet.to_python(skip_empty_area=False)
            except UnsafeWorkbookError:
                raise
            except Exception as exc:
                raise UnsafeWorkbookError(
                    f"{name}: het blad '{info.name}' kan niet gelezen worden. Open het bestand in Excel en sla het "
                    f"opnieuw op als .xlsx. {technical(exc)}.", info.name) from None
            result[info.name] = RawSheet(info.name, rows, uncached, info.state)
    finally:
        workbook.close()
    return result


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


MAX_NUMBER = 1e15  # larger than any count, amount or percentage in a plan; floats stay exact integers below 2**53


def is_odd_number(value: object) -> bool:
    """True for a number cell no KPI can hold: NaN, infinite, or beyond MAX_NUMBER in size."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not math.isfinite(value) or abs(value) > MAX_NUMBER


_DUTCH_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+$")


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from numeric cells or Dutch text ('1.234,5', '12', '-3,25'); returns (floats, bad mask).

    Text with a '.' but no ',' is only accepted as thousands ('1.234'); '1.5' is ambiguous and refused. Infinite
    numbers and numbers beyond MAX_NUMBER in size ('1e309', a 400-digit number) are refused too.
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
    with np.errstate(invalid="ignore", over="ignore"):
        bad |= out.notna() & ~(out.abs() <= MAX_NUMBER)  # inf fails the comparison too
    return out.where(~bad), bad


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
