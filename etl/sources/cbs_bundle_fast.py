"""What the fast paths (`stage`) of the CBS OData bundle readers share: cbs_odata (v3) and cbs_odata_v4.

Not a source module itself (it declares no DATASET). A bundle is JSON of a few MB, so plain Python over the parsed
records plus one insert of column lists is cheaper than any DataFrame. The fast path only has to be right for
bundles the pandas path accepts: anything unusual (a missing key, a text where a number belongs, a code that is
not a string) raises Unusual, the reader's stage returns None and the pandas path reads the file or names the
problem in Dutch.
"""

from __future__ import annotations

import json
import math
import re
import threading
from operator import itemgetter
from pathlib import Path

import duckdb

from etl.sources import cbs_common as common

# An annual period key as the pandas path reads it; ASCII digits only (Python's \d also matches other scripts).
ANNUAL_KEY = re.compile(r"[1-9][0-9]{3}JJ[0-9]{2}")
LARGEST_EXACT = 2**53  # integers up to here convert to float64 the same in pandas and in Python

# The build parses every bundle at discovery (periods) and again in stage: keep the last few parsed bundles
# with the exact bytes they came from, so the second parse is skipped only when the file is unchanged.
_CACHE: dict[Path, tuple[bytes, dict]] = {}
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


class Unusual(Exception):
    """The bundle holds something the fast path does not read the way the pandas path would: decline it."""


def load(path: Path, marker: str, parts: tuple[str, ...]) -> tuple[str, dict]:
    """common.load_bundle, but a bundle whose bytes were parsed before (at discovery) is not parsed again.

    On any problem the file goes through common.load_bundle itself, so the Dutch errors stay the same.
    """
    raw = path.read_bytes()
    with _CACHE_LOCK:
        cached = _CACHE.get(path)
    if cached is not None and cached[0] == raw:
        bundle = cached[1]
    else:
        try:
            # read_text would also translate \r\n; that changes only whitespace between tokens, so a bundle that
            # parses here parses to the same objects there.
            bundle = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return common.load_bundle(path, marker, parts)  # raises its Dutch message
        with _CACHE_LOCK:
            _CACHE.pop(path, None)
            while len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[path] = (raw, bundle)
    if not isinstance(bundle, dict) or any(key not in bundle for key in parts):
        return common.load_bundle(path, marker, parts)  # raises (or returns) exactly what the pandas path gets
    return str(bundle.get(marker, "")), bundle


def forget(path: Path) -> None:
    """Drop a bundle from the cache once its stage is done: a build reads it no more."""
    with _CACHE_LOCK:
        _CACHE.pop(path, None)


def text(value: object) -> str:
    """A value that must be a string, as it is in every bundle CBS serves."""
    if not isinstance(value, str):
        raise Unusual(value)
    return value


def optional_text(value: object) -> str | None:
    """A title or unit: a string or null."""
    if value is not None and not isinstance(value, str):
        raise Unusual(value)
    return value


def number(value: object) -> float | None:
    """A cell's value as pd.to_numeric + float64 gives it; None for an empty cell. Text, booleans, NaN, infinity
    and integers too large for an exact float are unusual (the pandas path reads or refuses them)."""
    if value is None:
        return None
    if type(value) is int and -LARGEST_EXACT < value < LARGEST_EXACT:
        return float(value)
    if type(value) is float and math.isfinite(value):
        return value
    raise Unusual(value)


def yearly(row: dict, period: str, keys: set[str], line: int) -> str | None:
    """The row's period key when it is a year ('2020JJ00'), None for a quarter or month; Unusual for a period
    that is not text, or a yearly row without all of `keys`."""
    period_key = row[period]
    if type(period_key) is not str:
        raise Unusual(line)
    if period_key[4:6] != "JJ":
        return None
    if not keys <= row.keys():
        raise Unusual(line)
    return period_key


def provisional_periods(entries: object, key: str) -> dict[str, bool]:
    """Period code → provisional, from the time dimension's codes (Status 'Voorlopig'), as the pandas path maps it."""
    if not isinstance(entries, list):
        raise Unusual(entries)
    status = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise Unusual(entry)
        status[text(entry.get(key))] = common.is_provisional(entry.get("Status"))
    return status


def labeller(key: str, entries: object, code_key: str) -> dict[str, str]:
    """Code (stripped) → 'Key=title' for one of the other dimensions, as common.labelled_dims builds it: a code
    without a title (or with a null one) stays the code."""
    if not isinstance(entries, list):
        raise Unusual(entries)
    titles: dict[str, str | None] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise Unusual(entry)
        code = text(entry.get(code_key))
        titles[code.strip()] = optional_text(entry.get("Title", code))
    return {code: f"{key}={title}" for code, title in titles.items() if title is not None}


def dims_of(row: dict, labels: list[tuple[str, dict[str, str]]]) -> str:
    """'Key=title|Key=title' of a row's other dimensions ('' when the table has none)."""
    parts = []
    for key, labelled in labels:
        code = text(row[key]).strip()
        parts.append(labelled.get(code) or f"{key}={code}")
    return "|".join(parts)


class FactRows:
    """The fact_cbs rows of one bundle, collected cell by cell and staged in one statement.

    A bundle repeats few measures, dimension combinations, periods and regions over many rows, so each distinct
    (measure, other dimensions, period) and each region is looked up, checked and sent to DuckDB once; per cell only
    two indexes, the value and the row number go.
    """

    def __init__(self, measures: dict[str, tuple[str | None, str]], other: list[str],
                 labels: list[tuple[str, dict[str, str]]], status: dict[str, bool]):
        self._measures, self._labels, self._status = measures, labels, status
        self._codes = itemgetter(*other) if other else (lambda row: ())  # the other dimensions' codes of a row
        self._groups: dict[tuple, int] = {}
        self._regions: dict[object, int] = {}
        self.groups: list[tuple[str, str | None, str, str, str, bool]] = []
        self.regions: list[str] = []
        self._group_ids: list[int] = []
        self._region_ids: list[int] = []
        self._values: list[float] = []
        self._lines: list[int] = []

    def add(self, row: dict, measure: str, period_key: str, region_key: object, value: float, line: int) -> None:
        """One cell with a value: dropped when its region is not one the region table holds (COROP etc.)."""
        region = self._regions.get(region_key)
        if region is None:
            code = common.region_from_key(text(region_key))
            region = self._regions[region_key] = -1 if code is None else len(self.regions)
            if code is not None:
                self.regions.append(code)
        if region < 0:
            return
        key = (measure, period_key, self._codes(row))
        group = self._groups.get(key)
        if group is None:
            if not ANNUAL_KEY.fullmatch(period_key):
                raise Unusual(period_key)
            title, unit = self._measures[measure]
            group = self._groups[key] = len(self.groups)
            self.groups.append((measure, title, unit, dims_of(row, self._labels), period_key[:4],
                                self._status.get(period_key, False)))
        self._group_ids.append(group)
        self._region_ids.append(region)
        self._values.append(value)
        self._lines.append(line)

    def __len__(self) -> int:
        return len(self._values)

    def stage(self, con: duckdb.DuckDBPyConnection, table: str, table_id: str, source_id: str,
              relative_path: str) -> None:
        """Temp table `table` with fact_cbs' columns and types."""
        measure, title, unit, dims, period, provisional = (list(column) for column in zip(*self.groups, strict=True))
        con.execute(
            f"create or replace temp table {table} as with "  # noqa: S608 (table: the build's constant)
            "cell as (select unnest(?::integer[]) as g, unnest(?::integer[]) as r, unnest(?::double[]) as value, "
            "unnest(?::integer[]) as source_line), "
            "grp as (select unnest(range(?)) as g, unnest(?::varchar[]) as measure, "
            "unnest(?::varchar[]) as measure_label, unnest(?::varchar[]) as unit, unnest(?::varchar[]) as dims, "
            "unnest(?::varchar[]) as period, unnest(?::boolean[]) as provisional), "
            "reg as (select unnest(range(?)) as r, unnest(?::varchar[]) as region_code) "
            "select ?::varchar as table_id, measure, measure_label, unit, region_code, dims, period, value, "
            # peildatum: 31 December of the calendar year, as common.peildatum gives it for '2023'.
            "?::varchar as source_id, make_date(period::integer, 12, 31) as peildatum, "
            "case when provisional then 'voorlopig' else 'definitief' end as status, ?::varchar as source_file, "
            "source_line from cell join grp using (g) join reg using (r)",
            [self._group_ids, self._region_ids, self._values, self._lines, len(self.groups), measure, title, unit,
             dims, period, provisional, len(self.regions),
             self.regions, table_id, source_id, relative_path])
