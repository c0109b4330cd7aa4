"""What the CBS StatLine readers share: period keys, region labels and keys, and the fact_cbs layout and checks.

Not a source module itself (it declares no DATASET); cbs_odata, cbs_label_csv and cbs_label_quarterly use it.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl import rawtext
from etl.checks import Check, accepted_values, not_null, relationship, unique
from etl.education import Education
from etl.errors import RawFileError
from etl.reference import REFERENCE_DIR, Region, normalise_name, read_regions

if TYPE_CHECKING:  # the functions on DataFrames serve the pandas paths, which import pandas themselves
    import duckdb  # stage_facts gets its connection from the build
    import pandas as pd

FACT_TABLE = "fact_cbs"
GRAIN = ("source_id", "table_id", "measure", "region_code", "dims", "period")
FACT_COLUMNS = ["table_id", "measure", "measure_label", "unit", "region_code", "dims", "period", "value",
                "source_id", "peildatum", "status", "source_file", "source_line"]

_PERIOD_KEY = re.compile(r"^(\d{4})(JJ|KW|MM)(\d{2})$")
_SUFFIX = re.compile(r"^(.*?)\s*\((PV|LD|CR|GM)\)$")
_SUFFIX_LEVEL = {"PV": "provincie", "LD": "landsdeel", "GM": "gemeente"}
_QUARTER_WORDS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4}
_DUTCH_QUARTER = re.compile(r"^het (eerste|tweede|derde|vierde) kwartaal van (\d{4})(\*?)$")


def generic_checks() -> list[Check]:
    """The checks on every fact_cbs row, whichever CBS source wrote it (declared once, by cbs_odata)."""
    t = FACT_TABLE
    return [
        *not_null(t, "table_id", "measure", "region_code", "dims", "period", "source_id", "peildatum", "status"),
        unique(t, *GRAIN),
        accepted_values(t, "status", ["definitief", "voorlopig"]),
        relationship(t, "region_code", "region", "code"),
        relationship(t, "period", "period", "period_id"),
        relationship(t, "source_id", "source", "source_id"),
    ]


def source_checks(source_id: str) -> list[Check]:
    """Value rules on the fact_cbs rows of one source."""
    own = "source_id = ? and "
    # CBS writes ratios in '%' too: demografische druk (young and old per 100 of working age) exceeds 100.
    return [Check(f"{source_id}: percentage tussen 0 en 100 (behalve een druk, zoals demografische druk)", FACT_TABLE,
                  own + "unit = '%' and (value < 0 or value > 100) and measure_label not ilike '%druk%'",
                  (source_id,), ("measure_label", "value")),
            Check(f"{source_id}: aantallen niet negatief", FACT_TABLE, own + "unit = 'aantal' and value < 0",
                  (source_id,), ("value",))]


def period_from_key(key: str) -> tuple[str, str]:
    """CBS period key → (period id, period type): 2023JJ00 → '2023', 2023KW04 → '2023-Q4', 2023MM11 → '2023-11'."""
    match = _PERIOD_KEY.match(key.strip())
    if not match:
        raise ValueError(key)
    year, kind, number = match.groups()
    if kind == "JJ":
        return year, "calendar_year"
    if kind == "KW":
        return f"{year}-Q{int(number)}", "quarter"
    return f"{year}-{number}", "month"


def period_from_label(label: str) -> tuple[str, str, bool] | None:
    """A StatLine period label → (period id, type, provisional): '2023*' or 'het vierde kwartaal van 2024'."""
    text = label.strip()
    if match := re.match(r"^(\d{4})(\*?)$", text):
        return match.group(1), "calendar_year", bool(match.group(2))
    if match := _DUTCH_QUARTER.match(text):
        word, year, star = match.groups()
        return f"{year}-Q{_QUARTER_WORDS[word]}", "quarter", bool(star)
    return None


def peildatum(period: str) -> date:
    """The last day of a period: CBS publishes no separate reference date in its exports."""
    if match := re.match(r"^(\d{4})-Q([1-4])$", period):
        year, month = int(match.group(1)), int(match.group(2)) * 3
        return date(year, month, calendar.monthrange(year, month)[1])
    if match := re.match(r"^(\d{4})-(\d{2})$", period):
        year, month = int(match.group(1)), int(match.group(2))
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(int(period[:4]), 12, 31)


def region_from_key(key: str) -> str | None:
    """A RegioS key → region code: 'NL01  ' → 'NL', 'PV24  ' → 'PV24', 'GM0034' → 'GM0034'; None for COROP etc."""
    code = key.strip()
    if code == "NL01":
        return "NL"
    return code if code[:2] in ("GM", "PV", "LD") else None


class RegionLabels:
    """Resolves StatLine region labels ('Flevoland (PV)', 'Almere', 'Nederland') to region codes."""

    def __init__(self, regions: Sequence[Region] | None = None):
        regions = read_regions() if regions is None else regions
        self._valid = {r.code: (r.valid_from, r.valid_to) for r in regions}
        self._level = {r.code: r.level for r in regions}
        self._by_name: dict[str, list[str]] = {}
        for region in regions:
            self._by_name.setdefault(normalise_name(region.name), []).append(region.code)
        with (REFERENCE_DIR / "region_aliases.csv").open(encoding="utf-8", newline="") as handle:
            self._aliases = {normalise_name(row["alias"]): row["code"] for row in csv.DictReader(handle)}

    def resolve(self, label: str, year: int, level: str | None = None) -> str | None:
        """The code of a label; a suffix '(PV)'/'(LD)' fixes the level, else `level` or gemeente is preferred.

        Returns '' for COROP areas ('(CR)'), which the region table does not hold.
        """
        text = label.strip()
        if match := _SUFFIX.match(text):
            if match.group(2) == "CR":
                return ""
            level = _SUFFIX_LEVEL[match.group(2)]
        if normalise_name(text) in self._aliases:
            return self._aliases[normalise_name(text)]
        name = _SUFFIX.sub(r"\1", text)
        codes = self._by_name.get(normalise_name(name), [])
        if not codes:
            return None
        wanted = [c for c in codes if self._level[c] == (level or "gemeente")] or codes
        valid = [c for c in wanted if _holds(self._valid[c], year)]
        return (valid or wanted)[0]


def _holds(bounds: tuple[int | None, int | None], year: int) -> bool:
    start, end = bounds
    return (start is None or start <= year) and (end is None or year <= end)


def parse_number(values: pd.Series, lines: pd.Series, path: Path, column: str, decimal: str) -> pd.Series:
    """Numbers as published ('12,5' with a decimal comma, or '12.5'); '' and '.' (not available) become null."""
    import pandas as pd

    text = values.fillna("").str.strip()
    missing = text.isin(["", "."])
    cleaned = text.str.replace(decimal, ".", regex=False) if decimal == "," else text
    pattern = r"^-?\d+(\.\d+)?$"
    wrong = ~missing & ~cleaned.str.match(pattern)
    if wrong.any():
        first = wrong[wrong].index[0]
        example = "12,5" if decimal == "," else "12.5"
        raise RawFileError(path, f"waarde '{text[first]}' is geen getal; verwacht bijvoorbeeld '{example}', of leeg "
                                 f"({int(wrong.sum())} cel(len))", int(lines[first]), column)
    return pd.to_numeric(cleaned.where(~missing, None), errors="raise").astype("float64")


def unit_of(label: str) -> tuple[str, str]:
    """A StatLine column label → (label without unit, unit): 'Bevolking (aantal)' → ('Bevolking', 'aantal')."""
    if match := re.match(r"^(.*?)\s*\(([^()]*)\)$", label.strip()):
        return match.group(1), match.group(2)
    return label.strip(), ""


def empty_education() -> pd.DataFrame:
    """CBS tables name no programmes: an empty frame with the education table's columns."""
    import pandas as pd

    return pd.DataFrame(columns=list(Education.__dataclass_fields__))


def load_bundle(path: Path, marker: str, parts: tuple[str, ...]) -> tuple[str, dict]:
    """(table id, bundle) of a JSON bundle landed by etl/cbs_client.py; RawFileError when it is broken."""
    bundle = rawtext.parse_json(path, path.read_bytes(), "JSON", "haal de tabel opnieuw op met 'python -m etl "
                                "fetch --source cbs --force'", encoding="utf-8")
    for key in parts:
        if key not in bundle:
            raise RawFileError(path, "onderdeel ontbreekt in de CBS-bundel; haal de tabel opnieuw op", None, key)
    return str(bundle.get(marker, "")), bundle


def bundle_years(period_keys: set[str]) -> list[str]:
    """The calendar years among a bundle's period keys ('2023JJ00' → '2023'); quarters and months are not."""
    return sorted(period_from_key(k)[0] for k in period_keys if k[4:6] == "JJ")


def annual(rows: pd.DataFrame, period_key: str) -> pd.DataFrame:
    """Rows numbered 1.. in bundle order (source_line), then only those of a calendar year (2023JJ00)."""
    rows = rows.assign(source_line=range(1, len(rows) + 1))
    return rows[rows[period_key].astype(str).str[4:6] == "JJ"]


def labelled_dims(rows: pd.DataFrame, dimensions: list[tuple[str, dict[str, str]]]) -> pd.Series:
    """'Key=title|Key=title' per row: the codes of the other dimensions replaced by their titles, as in the label
    exports ('Geslacht=Totaal mannen en vrouwen|Leeftijd=15 tot 20 jaar'); '' for a table without others."""
    import pandas as pd

    dims = pd.Series("", index=rows.index)
    for i, (key, titles) in enumerate(dimensions):
        codes = rows[key].astype(str).str.strip()
        dims = dims + ("|" if i else "") + key + "=" + codes.map(titles).fillna(codes)
    return dims


def finish_bundle_long(long: pd.DataFrame, table_id: str, provisional: dict[str, bool]) -> pd.DataFrame:
    """Add table_id, period ('2023') and provisional (from the period codes' Status) to a bundle's long frame."""
    long["table_id"] = table_id
    long["period"] = long["period_key"].astype(str).str[:4]
    long["provisional"] = long["period_key"].map(provisional).fillna(False).astype(bool)
    return long


def is_provisional(status: object) -> bool:
    """A period code's Status: 'Voorlopig' is provisional; 'Definitief' (and anything else) is not."""
    return str(status or "").strip().lower() == "voorlopig"


def to_fact_frame(long: pd.DataFrame, source_id: str, relative_path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fact_cbs rows of a long frame with region_code, period and provisional; no education rows."""
    import pandas as pd

    facts = pd.DataFrame({
        "table_id": long["table_id"], "measure": long["measure"], "measure_label": long["measure_label"],
        "unit": long["unit"], "region_code": long["region_code"], "dims": long["dims"], "period": long["period"],
        "value": long["value"].astype("float64"), "source_id": source_id,
        "peildatum": long["period"].map(peildatum),
        "status": long["provisional"].map({True: "voorlopig", False: "definitief"}),
        "source_file": relative_path, "source_line": long["source_line"].astype("int32"),
    })
    return facts, empty_education()



# Fast paths of the StatLine CSV readers (cbs_label_csv, cbs_label_quarterly, cbs_coded_csv), without pandas.
# They read a well-formed export with the csv module and decline (None) whatever pandas might read differently,
# so that the pandas path reads that file and names any error in Dutch. StatLine exports are small (at most a few
# MB): plain Python and one insert cost less than a DuckDB CSV scan of many tiny files.

# Columns the pandas paths add to the frame: a header holding one of these would be read differently.
_ADDED_COLUMNS = {"source_line", "period", "provisional", "dims"}
# A number as parse_number accepts it, ASCII only and at most 15 digits on each side of the point: such a value
# converts exactly, so float() and pandas' to_numeric agree. Only spaces around it (str.strip() removes more).
_PLAIN_NUMBER = {",": re.compile(r" *-?([0-9]{1,15})(?:[.,]([0-9]{1,15}))? *"),
                 ".": re.compile(r" *-?([0-9]{1,15})(?:\.([0-9]{1,15}))? *")}
_PLAIN_MISSING = re.compile(r" *\.? *")  # '' and '.' (not available), as parse_number


def plain_csv(path: Path, empty_first_name: bool = False) -> tuple[list[str], list[list[str]]] | None:
    """Header and records of a `;`-separated StatLine export exactly as the pandas paths read them, or None.

    None when pandas might read the file otherwise or refuse it: not UTF-8, a NUL, a byte order mark inside, a
    lone carriage return, a record over more than one line or a blank line, a field count that differs from the
    header's, a quote inside a value or name, empty (only the first when `empty_first_name`), duplicate or
    'Unnamed:' names, a name the pandas path adds itself, or no records.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or "\ufeff" in text or text.count("\r") != text.count("\r\n"):
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        header = next(reader, [])
        rows = list(reader)
    except csv.Error:  # a stray quote after a closing one, a field too large
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    width = len(header)
    names = header[1:] if empty_first_name else header
    if (not rows or len(rows) + 1 != lines or any(len(row) != width for row in rows)
            or not all(names) or len(set(header)) != width or _ADDED_COLUMNS & set(header)
            or any(name.startswith("Unnamed:") for name in header)):
        return None
    if '"' in text and any('"' in value for row in [header, *rows] for value in row):
        return None
    return header, rows


def plain_unpivot(rows: list[list[str]], columns: list[int], decimal: str
                  ) -> tuple[list[int], list[int], list[float]] | None:
    """(row index, column index, value) of every published value in `columns`, as parse_number reads them.

    None when a cell is not plainly a number, '' or '.': parse_number would raise (or read it otherwise).
    """
    number, missing = _PLAIN_NUMBER[decimal].fullmatch, _PLAIN_MISSING.fullmatch
    at_row: list[int] = []
    at_column: list[int] = []
    values: list[float] = []
    for j in columns:
        for i, row in enumerate(rows):
            cell = row[j]
            if not cell:
                continue
            if number(cell) is None:
                if missing(cell) is None:
                    return None
                continue
            value = float(cell.replace(",", ".") if decimal == "," else cell)
            if value == 0 and "-" in cell:  # '-0': pandas gives 0.0 or -0.0 depending on the other values
                return None
            at_row.append(i)
            at_column.append(j)
            values.append(value)
    return at_row, at_column, values


def plain_strip(value: str) -> str | None:
    """value.strip() when only spaces surround it, else None (pandas' and Python's stripping may then differ)."""
    stripped = value.strip(" ")
    return None if stripped[:1].isspace() or stripped[-1:].isspace() else stripped


_STAGE_TYPES = {"value": "double", "peildatum": "date", "source_line": "integer"}  # the rest is varchar


def stage_facts(con: duckdb.DuckDBPyConnection, table: str, constants: dict[str, str],
                per_record: dict[str, list], per_column: dict[str, list],
                cells: tuple[list[int], list[int], list[float]]) -> None:
    """Temp table `table` with fact_cbs' columns and types as to_fact_frame gives them: one row per cell.

    `cells` are plain_unpivot's (record index, column index, value); every other fact column is one of
    `constants`, or a list in `per_record` (by record index; period and provisional, which give peildatum and
    status, always are) or in `per_column` (by column index). A cell whose region_code is None is not loaded.
    Only the cells go in as long lists, for DuckDB converts Python lists element by element; the short lists
    are picked from by index, which costs less than joining them.
    """
    at_row, at_column, values = cells
    width = max(at_column) + 1
    ends = {period: peildatum(period) for period in set(per_record["period"])}
    per_record = {**per_record, "peildatum": [ends[period] for period in per_record["period"]],
                  "status": ["voorlopig" if flag else "definitief" for flag in per_record["provisional"]]}
    select, params = [], []
    for name in FACT_COLUMNS:  # names and types are constants of this module
        kind = _STAGE_TYPES.get(name, "varchar")
        if name == "value":
            select.append("value")
        elif name == "source_line":  # header is line 1; one record per line (plain_csv)
            select.append("cast(k // ? + 2 as integer) as source_line")
            params.append(width)
        elif name in constants:
            select.append(f"?::{kind} as {name}")
            params.append(constants[name])
        else:
            index = "k // ?" if name in per_record else "k % ?"
            select.append(f"(?::{kind}[])[{index} + 1] as {name}")
            params.extend([per_record[name] if name in per_record else per_column[name], width])
    sql = f"create or replace temp table {table} as select {', '.join(select)} from (select unnest(?) as k, "  # noqa: S608
    con.execute(sql + "unnest(?) as value) where region_code is not null",  # names and types from code
                [*params, [i * width + j for i, j in zip(at_row, at_column, strict=True)], values])


@functools.cache
def region_labels() -> RegionLabels:
    """One RegionLabels for the fast paths (reading the aliases file each time costs more than a small export)."""
    return RegionLabels()
