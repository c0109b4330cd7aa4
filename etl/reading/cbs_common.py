"""What the CBS StatLine readers share: period keys, region labels and keys, reading an export, and the fact_cbs
layout and checks.

Not a source module itself (it declares no DATASET); cbs_odata, cbs_label_csv, cbs_label_quarterly and
cbs_coded_csv use it.

StatLine's CSV exports are small (at most a few MB): they are read with Python's csv module (`read_export`,
`values`), which costs less than a DuckDB CSV scan of many tiny files, and go to DuckDB as one struct variable
(`stage_export`) that etl/sql/staging/cbs_export.sql turns into fact_cbs rows. Anything unexpected stops the build
with a Dutch RawFileError naming the file, line and column.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb

from etl import rawtext, transforms
from etl.checks import Check, accepted_values, not_null, relationship, unique
from etl.errors import RawFileError
from etl.reference import REFERENCE_DIR, Region, normalise_name, read_regions

FACT_TABLE = "fact_cbs"

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
           ) -> list[list[float | None]]:
    """Per record, its value in each of `columns`: a float, or None for no value.

    A value is a number ('12,5' with a decimal comma, or '12.5'; spaces around it are fine); '' and '.' (not
    available) are none. RawFileError at the first other value.
    """
    number, missing = _NUMBER[decimal].fullmatch, _MISSING.fullmatch
    found: list[list[float | None]] = []
    for i, row in enumerate(rows):
        own: list[float | None] = []
        for j in columns:
            cell = row[j]
            if not cell:
                own.append(None)
            elif match := number(cell):
                own.append(float(match.group(1).replace(",", ".") if decimal == "," else match.group(1)))
            elif missing(cell):
                own.append(None)
            else:
                example = "12,5" if decimal == "," else "12.5"
                raise RawFileError(path, f"waarde '{cell.strip()}' is geen getal; verwacht bijvoorbeeld '{example}', "
                                         "of leeg of '.' (niet beschikbaar)", i + 2, header[j])
        found.append(own)
    return found


def stage_export(con: duckdb.DuckDBPyConnection, table_id: str, source_id: str, source_file: str,
                 found: list[list[float | None]], records: dict[str, list], columns: dict[str, list]) -> None:
    """Temp view `staged` of an export's fact_cbs rows: etl/sql/staging/cbs_export.sql over the parsed export.

    `found` is values()'s value per record and value column. `records` holds per record 'region' (None: the
    record is not loaded, unless its column has a region), 'dims', 'period' and 'provisional'; `columns` holds per
    value column 'measure', 'label', 'unit' and, for a transposed export, 'region'. All of it goes in as one
    struct variable: one statement, each value converted once.
    """
    transforms.stage(con, "cbs_export", cbs_export={
        "table_id": table_id, "source_id": source_id, "source_file": source_file, "record_values": found,
        **{f"record_{name}": records[name] for name in ("region", "dims", "period", "provisional")},
        **{f"column_{name}": columns[name] for name in ("measure", "label", "unit")},
        "column_region": columns.get("region") or [None] * len(columns["measure"])})


@functools.cache
def region_labels() -> RegionLabels:
    """One RegionLabels per process (reading the aliases file each time costs more than a small export)."""
    return RegionLabels()
