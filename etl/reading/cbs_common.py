"""What the CBS StatLine readers share: period keys, region labels and keys, reading an export, and the fact_cbs
layout and checks.

Not a source module itself (it declares no DATASET); cbs_odata, cbs_label_csv, cbs_label_quarterly and
cbs_coded_csv use it.

StatLine's CSV exports are small (at most a few MB): they are read with Python's csv module (`read_export`,
`values`) and staged with one statement of column lists (`stage_facts`), which costs less than a DuckDB CSV scan
of many tiny files. Anything unexpected stops the build with a Dutch RawFileError naming the file, line and column.
"""

from __future__ import annotations

import calendar
import csv
import functools
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from etl import rawtext, transforms
from etl.checks import Check, accepted_values, not_null, relationship, unique
from etl.errors import RawFileError
from etl.reference import REFERENCE_DIR, Region, normalise_name, read_regions

FACT_TABLE = "fact_cbs"
FACT_COLUMNS = ["table_id", "measure", "measure_label", "unit", "region_code", "dims", "period", "value",
                "source_id", "peildatum", "status", "source_file", "source_line"]

_SUFFIX = re.compile(r"^(.*?)\s*\((PV|LD|CR|GM)\)$")
_SUFFIX_LEVEL = {"PV": "provincie", "LD": "landsdeel", "GM": "gemeente"}
_QUARTER_WORDS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4}
_DUTCH_QUARTER = re.compile(r"^het (eerste|tweede|derde|vierde) kwartaal van ([0-9]{4})(\*?)$")


def generic_checks() -> list[Check]:
    """The checks on every fact_cbs row, whichever CBS source wrote it (declared once, by cbs_odata)."""
    t = FACT_TABLE
    return [
        *not_null(t, "table_id", "measure", "region_code", "dims", "period", "source_id", "peildatum", "status"),
        unique(t, *transforms.grain(t)),
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


def period_from_label(label: str) -> tuple[str, str, bool] | None:
    """A StatLine period label → (period id, type, provisional): '2023*' or 'het vierde kwartaal van 2024'."""
    text = label.strip()
    if match := re.match(r"^([0-9]{4})(\*?)$", text):
        return match.group(1), "calendar_year", bool(match.group(2))
    if match := _DUTCH_QUARTER.match(text):
        word, year, star = match.groups()
        return f"{year}-Q{_QUARTER_WORDS[word]}", "quarter", bool(star)
    return None


def labelled_periods(path: Path, rows: list[list[str]], column: int, kind: str, expected: str, name: str
                     ) -> list[tuple[str, bool]]:
    """(period, provisional) per record from its label in field `column`, each label parsed once; RawFileError
    naming the line and column `name` at the first label that is no period of type `kind`."""
    labels: dict[str, tuple[str, bool]] = {}
    for line, row in enumerate(rows, start=2):
        if (label := row[column]) not in labels:
            parsed = period_from_label(label)
            if parsed is None or parsed[1] != kind:
                raise RawFileError(path, f"periode '{label}' is geen {expected}", line, name)
            labels[label] = parsed[0], parsed[2]
    return [labels[row[column]] for row in rows]


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


def unit_of(label: str) -> tuple[str, str]:
    """A StatLine column label → (label without unit, unit): 'Bevolking (aantal)' → ('Bevolking', 'aantal')."""
    if match := re.match(r"^(.*?)\s*\(([^()]*)\)$", label.strip()):
        return match.group(1), match.group(2)
    return label.strip(), ""


ADVICE = "download het bestand opnieuw van StatLine"
_NUMBER = {",": re.compile(r" *(-?[0-9]+(?:[.,][0-9]+)?) *"), ".": re.compile(r" *(-?[0-9]+(?:\.[0-9]+)?) *")}
_MISSING = re.compile(r" *\.? *")  # '' and '.' (not available)
_WHOLE_FIELD = re.compile(r'"(?:[^"]|"")*"')


def read_export(path: Path, first_named: bool = True) -> tuple[list[str], list[list[str]]]:
    """Header (names stripped of spaces) and records of a `;`-separated StatLine export; record i is on line i + 2.

    Anything else raises a RawFileError naming the line and column: a byte that is not UTF-8, a name that is empty
    (the first may be when not `first_named`) or twice in the header, a record with more or fewer fields than the
    header, a blank line, a line break inside a value, a quote the csv module refuses, no records at all.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise rawtext.not_utf8(path, ";") from None
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines[-1] == "":  # the last line's line end
        lines.pop()
    reader = csv.reader(lines, delimiter=";", strict=True)
    header: list[str] = []
    rows: list[list[str]] = []
    start = 1
    try:
        for fields in reader:
            if start == 1:
                header = [name.strip(" ") for name in fields]
                _check_header(path, header, first_named)
            elif reader.line_num != start:
                opened = len(next(csv.reader([lines[start - 1] + '"'], delimiter=";"))) - 1  # the value left open
                raise RawFileError(path, "een waarde bevat een regeleinde; haal het regeleinde uit de waarde", start,
                                   _name(header, opened))
            elif not fields:
                raise RawFileError(path, "lege regel tussen de gegevens; verwijder deze regel", start)
            elif len(fields) > len(header):
                raise rawtext.too_many_fields(path, ";", header, start, len(fields))
            elif len(fields) < len(header):
                raise RawFileError(path, f"de regel heeft {len(fields)} velden, de kopregel {len(header)}; is de "
                                         f"regel of het bestand afgebroken? {ADVICE.capitalize()}.", start,
                                   header[len(fields)])
            else:
                rows.append(fields)
            start = reader.line_num + 1
    except csv.Error:
        pieces = lines[start - 1].split(";")
        field = next((i for i, piece in enumerate(pieces) if ('"' in piece or "\r" in piece)
                      and not _WHOLE_FIELD.fullmatch(piece)), len(pieces) - 1)
        raise RawFileError(path, "een aanhalingsteken staat midden in een waarde of wordt niet gesloten, of een "
                                 "regeleinde-teken (\\r) staat los in de regel; herstel de waarde (een "
                                 "aanhalingsteken in een waarde wordt verdubbeld: \"\")", start,
                           _name(header, field)) from None
    if not rows:
        raise RawFileError(path, f"het bestand heeft geen gegevensregels onder de kopregel; {ADVICE}", 2)
    return header, rows


def _name(header: list[str], index: int) -> str | None:
    """The header's name of field `index` (the last name for a field beyond it), None without a header."""
    return header[min(index, len(header) - 1)] if header else None


def _check_header(path: Path, header: list[str], first_named: bool) -> None:
    """Every column has a name (the first may not when not `first_named`), and no name is there twice."""
    for index, name in enumerate(header):
        if name == "" and (index or first_named):
            raise RawFileError(path, f"kolom {index + 1} van de kopregel heeft geen naam; {ADVICE}", 1)
        if name in header[:index]:
            raise RawFileError(path, f"deze kolomnaam staat twee keer in de kopregel; {ADVICE}", 1, name)


def require_columns(path: Path, header: list[str], *names: str) -> None:
    """Raise for the first of `names` that the header lacks."""
    for name in names:
        if name not in header:
            raise RawFileError(path, f"kolom ontbreekt in de kopregel; {ADVICE}", 1, name)


def values(path: Path, header: list[str], rows: list[list[str]], columns: list[int], decimal: str
           ) -> tuple[list[int], list[int], list[float]]:
    """(record index, column index, value) of every published value in `columns`, record by record.

    A value is a number ('12,5' with a decimal comma, or '12.5'; spaces around it are fine); '' and '.' (not
    available) are none. RawFileError at the first other value.
    """
    number, missing = _NUMBER[decimal].fullmatch, _MISSING.fullmatch
    at_row: list[int] = []
    at_column: list[int] = []
    found: list[float] = []
    for i, row in enumerate(rows):
        for j in columns:
            cell = row[j]
            if not cell:
                continue
            if match := number(cell):
                at_row.append(i)
                at_column.append(j)
                found.append(float(match.group(1).replace(",", ".") if decimal == "," else match.group(1)))
            elif not missing(cell):
                example = "12,5" if decimal == "," else "12.5"
                raise RawFileError(path, f"waarde '{cell.strip()}' is geen getal; verwacht bijvoorbeeld '{example}', "
                                         "of leeg of '.' (niet beschikbaar)", i + 2, header[j])
    return at_row, at_column, found


_STAGE_TYPES = {"value": "double", "peildatum": "date", "source_line": "integer"}  # the rest is varchar


def stage_facts(con: duckdb.DuckDBPyConnection, table: str, width: int, constants: dict[str, str],
                per_record: dict[str, list], per_column: dict[str, list],
                cells: tuple[list[int], list[int], list[float]]) -> None:
    """Temp table `table` with fact_cbs' columns and types: one row per cell of a `width`-column export.

    `cells` are values()'s (record index, column index, value); every other fact column is one of `constants`, or
    a list in `per_record` (by record index; period and provisional, which give peildatum and status, always are)
    or in `per_column` (by column index). A cell whose region_code is None is not loaded. Only the cells go in as
    long lists, for DuckDB converts Python lists element by element; the short lists are picked from by index,
    which costs less than joining them.
    """
    at_row, at_column, found = cells
    ends = {period: peildatum(period) for period in set(per_record["period"])}
    per_record = {**per_record, "peildatum": [ends[period] for period in per_record["period"]],
                  "status": ["voorlopig" if flag else "definitief" for flag in per_record["provisional"]]}
    select, params = [], []
    for name in FACT_COLUMNS:  # names and types are constants of this module
        kind = _STAGE_TYPES.get(name, "varchar")
        if name == "value":
            select.append("value")
        elif name == "source_line":  # header is line 1; one record per line (read_export)
            select.append("cast(k // ? + 2 as integer) as source_line")
            params.append(width)
        elif name in constants:
            select.append(f"?::{kind} as {name}")
            params.append(constants[name])
        else:
            index = "k // ?" if name in per_record else "k % ?"
            select.append(f"(?::{kind}[])[{index} + 1] as {name}")
            params.extend([per_record[name] if name in per_record else per_column[name], width])
    # An empty list needs its type; a long one converts twice as fast without a cast.
    k, value = ("?", "?") if found else ("?::bigint[]", "?::double[]")
    con.execute(f"create or replace temp table {table} as select {', '.join(select)} from (select "  # noqa: S608
                f"unnest({k}) as k, unnest({value}) as value) where region_code is not null",
                [*params, [i * width + j for i, j in zip(at_row, at_column, strict=True)], found])


@functools.cache
def region_labels() -> RegionLabels:
    """One RegionLabels per process (reading the aliases file each time costs more than a small export)."""
    return RegionLabels()
