"""CBS StatLine "CSV met labels": the export analysts download by hand from StatLine, one table per file.

Layout: UTF-8 with BOM, `;`-separated, CRLF, fields optionally double-quoted, decimal comma. The header holds
the dimensions as labels ("Geslacht", "Leeftijd", "Perioden", "Regio's") and then one column per measure,
named by its StatLine path with the unit in brackets ("Bevolking (aantal)", ".../31 Hbo-, wo-bachelor (%)").
Periods are labels; a provisional one carries a star ("2023*"). Region labels carry a level suffix
("Flevoland (PV)", "Noord-Nederland (LD)", COROP areas "(CR)"); municipalities and "Nederland" have none.
Municipalities that no longer exist appear as rows without values (70072ned); they are skipped.
The export does not name its table: the table id is recognised from the measure columns (TABLE_SIGNATURES).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.checks import Check
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

PERIOD_COLUMN = "Perioden"
REGION_COLUMN = "Regio's"
# A measure-column prefix that identifies the StatLine table of a label export.
TABLE_SIGNATURES = {
    "Onderwijsniveau 5 categorien/": "85525NED",
    "Bevolking/Bevolkingssamenstelling op 1 januari/": "70072ned",
}

DATASET = Dataset(
    dataset_id="cbs_statline_label",
    publisher="CBS",
    title="StatLine, CSV met labels (handmatige download)",
    url="https://opendata.cbs.nl/statline/",
    licence="CC BY 4.0",
    period_type="calendar_year",
    raw_subdir="cbs/statline_labels",
    fact_table=common.FACT_TABLE,
    period_column="period",
    grain=common.GRAIN,
)

CHECKS: list[Check] = common.source_checks(DATASET.dataset_id)


def table_of(header: list[str]) -> str | None:
    """The StatLine table id a label export's header belongs to, or None."""
    for prefix, table_id in TABLE_SIGNATURES.items():
        if any(column.startswith(prefix) for column in header):
            return table_id
    return None


def recognises(header: list[str]) -> bool:
    """A label export of a known table: period and region label columns plus known measure columns."""
    return PERIOD_COLUMN in header and REGION_COLUMN in header and table_of(header) is not None


def edition_key(header: list[str], path: Path) -> str:
    """Exports of different tables cover the same years without competing for them."""
    return table_of(header) or ""


def _frame(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, "het bestand is geen UTF-8; download het opnieuw als 'CSV met labels'") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise RawFileError(path, f"het bestand is geen geldige CSV met ';' als scheidingsteken ({exc})") from exc
    common.require_complete_rows(frame, path)
    frame["source_line"] = frame.index + 2  # header is line 1; StatLine writes no embedded newlines
    return frame


def _periods(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Period id and provisional flag per row; raises on a label that is not a year."""
    parsed = frame[PERIOD_COLUMN].map(common.period_from_label)
    wrong = parsed.isna() | parsed.map(lambda p: p is not None and p[1] != "calendar_year")
    if wrong.any():
        first = wrong[wrong].index[0]
        raise RawFileError(path, f"periode '{frame.at[first, PERIOD_COLUMN]}' is geen jaar; verwacht bijvoorbeeld "
                                 "'2023' of '2023*'", int(frame.at[first, "source_line"]), PERIOD_COLUMN)
    return pd.DataFrame({"period": parsed.str[0], "provisional": parsed.str[2]}, index=frame.index)


def periods(header: list[str], path: Path) -> list[str]:
    """The years in the file's period column (the header alone does not say)."""
    frame = _frame(path)
    if PERIOD_COLUMN not in frame.columns:
        raise RawFileError(path, "kolom ontbreekt", 1, PERIOD_COLUMN)
    return sorted(_periods(frame, path)["period"].unique())


def read(path: Path) -> pd.DataFrame:
    """One row per data row × measure with a published value; values parsed, labels still as text."""
    frame = _frame(path)
    header = [c for c in frame.columns if c != "source_line"]
    for column in (PERIOD_COLUMN, REGION_COLUMN):
        if column not in header:
            raise RawFileError(path, "kolom ontbreekt; download de tabel opnieuw als 'CSV met labels'", 1, column)
    table_id = table_of(header)
    if table_id is None:
        raise RawFileError(path, "de kolommen horen bij geen bekende StatLine-tabel (zie TABLE_SIGNATURES)", 1)
    measures = [c for c in header if common.unit_of(c)[1] and c not in (PERIOD_COLUMN, REGION_COLUMN)]
    dimensions = [c for c in header if c not in measures and c not in (PERIOD_COLUMN, REGION_COLUMN)]
    if frame.empty:
        raise RawFileError(path, "het bestand bevat geen gegevens; download de tabel opnieuw", 2)
    frame = frame.join(_periods(frame, path))
    frame["dims"] = ""
    for column in dimensions:
        frame["dims"] = frame["dims"] + ("|" if column != dimensions[0] else "") + column + "=" + frame[column]
    parts = []
    for column in measures:
        label, unit = common.unit_of(column)
        part = frame[["source_line", "period", "provisional", REGION_COLUMN, "dims"]].copy()
        part["measure"], part["measure_label"], part["unit"] = column, label, unit
        part["value"] = common.parse_number(frame[column], frame["source_line"], path, column, ",")
        parts.append(part[part["value"].notna()])
    long = pd.concat(parts, ignore_index=True)
    long["table_id"] = table_id
    return long


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map region labels to codes (COROP rows are dropped: the region table has no COROP areas)."""
    labels = common.RegionLabels()
    places = long.drop_duplicates([REGION_COLUMN, "period"])
    codes = {}
    for label, period, line in places[[REGION_COLUMN, "period", "source_line"]].itertuples(index=False):
        code = labels.resolve(label, int(period))
        if code is None:
            raise RawFileError(path, f"regio '{label}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", int(line), REGION_COLUMN)
        codes[(label, period)] = code
    region = pd.Series([codes[k] for k in zip(long[REGION_COLUMN], long["period"], strict=True)], index=long.index,
                       dtype=object)
    return common.to_fact_frame(long.assign(region_code=region)[region != ""], DATASET.dataset_id, relative_path)

