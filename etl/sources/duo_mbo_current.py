"""Shared reading of DUO's current mbo files (onderwijsdata.duo.nl, CKAN), 2021 onwards.

Not a dataset module itself (no DATASET): duo_mbo_graduates.py and duo_mbo_residence.py use it. The catalogue
(catalogs/duo_resources.json) gives the column names; the portal writes comma-separated CSV with a header line, and
counts from 1 to 4 as -1. A `;`-separated copy (as DUO's older site wrote) is read as well: the separator is taken
from the header line.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from etl.errors import RawFileError

SUPPRESSED = "-1"
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4
_COUNT = re.compile(r"^(\d+|-1)$")


def separator(path: Path) -> str:
    """',' unless the header line holds a ';'."""
    with path.open("rb") as handle:
        first = handle.readline()
    return ";" if b";" in first else ","


def read_wide(path: Path, title: str, recognises) -> pd.DataFrame:
    """The file as text with `source_line` (header = line 1); raises RawFileError naming line and column."""
    sep = separator(path)
    try:
        wide = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, "het bestand is geen UTF-8; sla het op als CSV UTF-8") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc)):
            expected, line, seen = map(int, match.groups())
            raise RawFileError(path, f"de regel heeft {seen} velden, de kopregel {expected}; staat er een "
                                     f"'{sep}' in een waarde zonder aanhalingstekens?", line) from exc
        raise RawFileError(path, f"het bestand is geen geldige CSV met '{sep}' als scheidingsteken ({exc})") from exc
    wide.columns = [c.strip() for c in wide.columns]
    if not recognises(list(wide.columns)):
        raise RawFileError(path, f"de kopregel is niet die van {title}", 1)
    if wide.empty:
        raise RawFileError(path, "het bestand bevat geen gegevensregels; download het opnieuw", 2)
    wide["source_line"] = wide.index + 2
    _require_field_counts(path, sep, len(wide.columns) - 1)
    return wide


def _require_field_counts(path: Path, sep: str, expected: int) -> None:
    """Every record has the header's number of fields (pandas pads a short, e.g. truncated, line silently)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=sep)
        header = next(reader)
        for fields in reader:
            if len(fields) < expected and fields:
                raise RawFileError(path, f"de regel heeft {len(fields)} velden, de kopregel {expected}; is de regel "
                                         "afgebroken? Download het bestand opnieuw.", reader.line_num,
                                   header[len(fields)].strip())


def require(frame: pd.DataFrame, column: str, ok: pd.Series, message: str, path: Path) -> None:
    """Raise for the first row where `ok` is false, with its line, column and value."""
    bad = frame[~ok]
    if len(bad):
        first = bad.iloc[0]
        value = str(first[column])
        found = f"waarde '{value}'; " if value.strip() else "lege waarde; "
        raise RawFileError(path, f"{found}{message} ({len(bad)} regel(s))", int(first["source_line"]), column)


def require_counts(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """Every count cell a whole number or -1 (suppressed)."""
    for column in columns:
        require(frame, column, frame[column].str.strip().str.match(_COUNT), "verwacht een geheel getal of -1", path)


def count_columns(values: pd.Series, prefix: str) -> dict[str, pd.Series]:
    """Value, bounds and suppression flag: -1 becomes null with bounds 1..4."""
    values = values.str.strip()
    suppressed = values == SUPPRESSED
    exact = pd.to_numeric(values.where(~suppressed)).astype("Int64")
    return {
        prefix: exact,
        f"{prefix}_low": exact.where(~suppressed, SUPPRESSED_LOW).astype("Int64"),
        f"{prefix}_high": exact.where(~suppressed, SUPPRESSED_HIGH).astype("Int64"),
        f"{prefix}_suppressed": suppressed.to_numpy(),
    }
