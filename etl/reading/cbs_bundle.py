"""What the CBS OData bundle readers share: cbs_odata (v3) and cbs_odata_v4.

Not a source module itself (it declares no DATASET). A bundle is JSON of a few MB, so plain Python checks the parsed
records and hands their values over as lists (`Cells`); etl/sql/staging/cbs_bundle.sql turns them into fact_cbs
rows. Anything the CBS API does not serve (a missing key, a text where a number belongs, a code that is not a
string) stops the build with a Dutch RawFileError: a record's problem names its row number (1-based, as source_line
in fact_cbs) as the line and its key as the column; a problem of a whole part (DataProperties, dimensions, ...)
names the part.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path

import duckdb

from etl import rawtext, transforms
from etl.errors import RawFileError
from etl.reading import cbs_common as common

# An annual period key; ASCII digits only (Python's \d also matches other scripts).
ANNUAL_KEY = re.compile(r"[1-9][0-9]{3}JJ[0-9]{2}")
AGAIN = "haal de tabel opnieuw op met 'python -m etl fetch --source cbs --force'"

# The build parses every bundle at discovery (periods) and again in stage: keep the last few parsed bundles
# with the exact bytes they came from, so the second parse is skipped only when the file is unchanged.
_CACHE: dict[Path, tuple[bytes, dict]] = {}
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def load(path: Path, marker: str, parts: tuple[str, ...]) -> tuple[str, dict]:
    """(table id, bundle) of a JSON bundle landed by etl/cbs_client.py; RawFileError when it is broken.

    A bundle whose bytes were parsed before (at discovery) is not parsed again.
    """
    raw = path.read_bytes()
    with _CACHE_LOCK:
        cached = _CACHE.get(path)
    if cached is not None and cached[0] == raw:
        bundle = cached[1]
    else:
        bundle = rawtext.parse_json(path, raw, "JSON", AGAIN, encoding="utf-8")  # names line and character
        with _CACHE_LOCK:
            _CACHE.pop(path, None)
            while len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[path] = (raw, bundle)
    if not isinstance(bundle, dict):
        raise RawFileError(path, f"de CBS-bundel is geen JSON-object; {AGAIN}", 1, "teken 1")
    for key in parts:
        if key not in bundle:
            raise RawFileError(path, f"onderdeel ontbreekt in de CBS-bundel; {AGAIN}", None, key)
    return str(bundle.get(marker, "")), bundle


def forget(path: Path) -> None:
    """Drop a bundle from the cache once its stage is done: a build reads it no more."""
    with _CACHE_LOCK:
        _CACHE.pop(path, None)


def part(path: Path, value: object, part_name: str, objects: bool = True) -> list:
    """A list (of JSON objects when `objects`): a part of the bundle, or one dimension's codes in it."""
    if not isinstance(value, list) or (objects and not all(isinstance(entry, dict) for entry in value)):
        raise RawFileError(path, f"dit onderdeel van de CBS-bundel heeft niet de opbouw die CBS levert; {AGAIN}",
                           None, part_name)
    return value


def codes_of(path: Path, bundle: dict, part_name: str, dimension: str) -> list[dict]:
    """One dimension's code list in the bundle's part of code lists (none when the part lacks it)."""
    lists = bundle[part_name]
    if not isinstance(lists, dict):
        raise RawFileError(path, f"dit onderdeel van de CBS-bundel heeft niet de opbouw die CBS levert; {AGAIN}",
                           None, part_name)
    return part(path, lists.get(dimension, []), part_name)


def label(path: Path, value: object, part_name: str, what: str) -> str | None:
    """A title or unit in one of the bundle's parts: a string or null."""
    if value is not None and not isinstance(value, str):
        raise RawFileError(path, f"{what} '{value}' in '{part_name}' is geen tekst; {AGAIN}", None, part_name)
    return value


def code(path: Path, value: object, line: int | None, column: str) -> str:
    """A dimension code (or measure key) of a record or a code list: always a string in what CBS serves."""
    if not isinstance(value, str):
        raise RawFileError(path, f"code '{value}' is geen tekst; {AGAIN}", line, column)
    return value


def number(path: Path, value: object, line: int, column: str) -> float | None:
    """A cell's value as float; None for an empty cell (null). Anything but a finite JSON number is refused."""
    if value is None:
        return None
    if type(value) in (int, float):
        try:
            result = float(value)
        except OverflowError:
            result = math.inf
        if math.isfinite(result):
            return result
    raise RawFileError(path, f"waarde '{value}' is geen getal; {AGAIN}", line, column)


def annual(path: Path, row: object, period: str, line: int) -> str | None:
    """The record's period key when it is a year ('2020JJ00'), None for a quarter, month or other period."""
    if not isinstance(row, dict):
        raise RawFileError(path, f"deze rij is geen JSON-object; {AGAIN}", line)
    key = code(path, row.get(period), line, period)
    if key[4:6] != "JJ":
        return None
    if not ANNUAL_KEY.fullmatch(key):
        raise RawFileError(path, f"periode '{key}' is geen jaar zoals '2023JJ00'; {AGAIN}", line, period)
    return key


def annual_checker(path: Path, period: str) -> Callable[[object, int], str | None]:
    """annual() for the records of one bundle, each distinct period key checked once (a bundle repeats a few)."""
    seen: dict[str, str | None] = {}

    def check(row: object, line: int) -> str | None:
        key = row.get(period) if type(row) is dict else None
        if type(key) is str and key in seen:
            return seen[key]
        found = seen[key] = annual(path, row, period, line)  # raises unless key is a str
        return found

    return check


def years(path: Path, rows: list, period: str) -> list[str]:
    """The calendar years among the records' period keys ('2023JJ00' → '2023'); quarters and months are not."""
    check = annual_checker(path, period)
    return sorted({key[:4] for line, row in enumerate(rows, start=1) if (key := check(row, line))})


def require(path: Path, row: dict, keys: set[str], line: int) -> None:
    """Every key is in the record (CBS serves null for an empty cell, never leaves a key out)."""
    if not keys <= row.keys():
        missing = min(keys - row.keys())
        raise RawFileError(path, f"sleutel ontbreekt in deze rij; {AGAIN}", line, missing)


def distinct(path: Path, keys: list[str], part_name: str) -> None:
    """No key twice among the dimensions and measures (each becomes a column of the records)."""
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise RawFileError(path, f"sleutel '{key}' staat twee keer tussen de dimensies en meetwaarden; {AGAIN}",
                               None, part_name)


def provisional_periods(path: Path, entries: list[dict], key: str, part_name: str) -> dict[str, bool]:
    """Period code → provisional, from the time dimension's codes (Status 'Voorlopig'; 'Definitief' is not)."""
    return {code(path, entry.get(key), None, part_name): str(entry.get("Status") or "").strip().lower() == "voorlopig"
            for entry in entries}


def labeller(path: Path, dimension: str, entries: list[dict], code_key: str, part_name: str) -> dict[str, str]:
    """Code (stripped) → 'Key=title' for one of the other dimensions: a code without a title (or with a null one)
    stays the code (see dims_of)."""
    titles: dict[str, str | None] = {}
    for entry in entries:
        value = code(path, entry.get(code_key), None, part_name)
        titles[value.strip()] = label(path, entry.get("Title", value), part_name, "titel")
    return {value: f"{dimension}={title}" for value, title in titles.items() if title is not None}


_UNSEEN = object()  # a region key not mapped yet


class Cells:
    """The cells of one bundle for etl/sql/staging/cbs_bundle.sql, record by record: every record takes `width`
    slots (its measures in v3, its one Value in v4), so a slot's position gives its record's row number.

    A bundle repeats few measures, dimension combinations, periods and regions over many rows, so each distinct
    (measure, other dimensions, period) becomes a group that is labelled, checked and sent to DuckDB once, and each
    region key is mapped once; per slot only its value, group and region (indexes) go.
    """

    def __init__(self, path: Path, width: int, measures: dict[str, tuple[str | None, str]], region: str,
                 other: list[str], labels: list[tuple[str, dict[str, str]]], status: dict[str, bool]):
        self._path, self._measures, self._region, self._labels, self._status = path, measures, region, labels, status
        self.width = width
        self._codes = itemgetter(*other) if other else (lambda row: ())  # the other dimensions' codes of a row
        self._groups: dict[tuple, int] = {}
        self._regions: dict[object, int | None] = {}
        self.groups: list[tuple[str, str | None, str, str, str, bool]] = []
        self.regions: list[str] = []
        self.values: list[float | None] = []
        self.group_ids: list[int | None] = []
        self.region_ids: list[int | None] = []

    def skip(self, slots: int = 1) -> None:
        """Slots without a value (or of a record that is not loaded)."""
        self.values += [None] * slots
        self.group_ids += [None] * slots
        self.region_ids += [None] * slots

    def add(self, row: dict, measure: str, period_key: str, value: float, line: int) -> None:
        """One slot with a value: not loaded (a null region) when its region is not one the region table holds
        (COROP etc.)."""
        region_key = row[self._region]
        region = self._regions.get(region_key, _UNSEEN) if type(region_key) is str else _UNSEEN
        if region is _UNSEEN:
            found = common.region_from_key(code(self._path, region_key, line, self._region))
            region = self._regions[region_key] = None if found is None else len(self.regions)
            if found is not None:
                self.regions.append(found)
        group = None
        if region is not None:
            key = (measure, period_key, self._codes(row))
            try:
                group = self._groups.get(key)
            except TypeError:  # a code that is a list or an object: named by dims below
                group = None
            if group is None:
                title, unit = self._measures[measure]
                dims = self._dims(row, line)
                group = self._groups[key] = len(self.groups)
                self.groups.append((measure, title, unit, dims, period_key[:4], self._status.get(period_key, False)))
        self.values.append(value)
        self.group_ids.append(group)
        self.region_ids.append(region)

    def _dims(self, row: dict, line: int) -> str:
        """'Key=title|Key=title' of a row's other dimensions ('' when the table has none)."""
        parts = []
        for key, labelled in self._labels:
            value = code(self._path, row[key], line, key).strip()
            parts.append(labelled.get(value) or f"{key}={value}")
        return "|".join(parts)

    def stage(self, con: duckdb.DuckDBPyConnection, table_id: str, source_id: str, relative_path: str) -> None:
        """Temp view `staged` of the bundle's fact_cbs rows (none when it has no annual value).

        The slots go in as temp table raw_cells (slot, value, g, r), made in one statement from lists of numbers;
        the few groups and regions and the file's constants as variable cbs_bundle.
        """
        con.execute("create or replace temp table raw_cells as select unnest(range(?)) as slot, unnest(?) as value, "
                    "unnest(?) as g, unnest(?) as r", [len(self.values), self.values, self.group_ids, self.region_ids])
        columns = [list(column) for column in zip(*self.groups, strict=True)] or [[]] * 6
        transforms.stage(con, "cbs_bundle", cbs_bundle={
            "table_id": table_id, "source_id": source_id, "source_file": relative_path, "width": self.width,
            "regions": self.regions,
            **dict(zip(("group_measure", "group_label", "group_unit", "group_dims", "group_period",
                        "group_provisional"), columns, strict=True))})
