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

import duckdb

from etl.checks import Check
from etl.dataset import Dataset
from etl.education import Education
from etl.errors import RawFileError
from etl.reading import cbs_common as common
from etl.reference import MunicipalityResolver

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


def _years(path: Path, header: list[str], rows: list[list[str]]) -> list[tuple[str, bool]]:
    """(year, provisional) per record, from its period label ('2023' or '2023*'); raises on any other label."""
    common.require_columns(path, header, PERIOD_COLUMN, REGION_COLUMN)
    return common.labelled_periods(path, rows, header.index(PERIOD_COLUMN), "calendar_year",
                                   "jaar; verwacht bijvoorbeeld '2023' of '2023*'", PERIOD_COLUMN)


def periods(header: list[str], path: Path) -> list[str]:
    """The years in the file's period column (the header alone does not say)."""
    header, rows = common.read_export(path)
    return sorted({year for year, _ in _years(path, header, rows)})


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """Temp view `staged` (etl/sql/staging/cbs_export.sql) with one fact_cbs row per record × measure with a
    published value.

    Returns (records with a value, no education rows); RawFileError names the line and column of any problem.
    """
    header, rows = common.read_export(path)
    years = _years(path, header, rows)
    table_id = table_of(header)
    if table_id is None:
        raise RawFileError(path, "de kolommen horen bij geen bekende StatLine-tabel (zie TABLE_SIGNATURES in "
                                 "etl/sources/cbs_label_csv.py)", 1)
    measures = [i for i, c in enumerate(header) if common.unit_of(c)[1] and c not in (PERIOD_COLUMN, REGION_COLUMN)]
    dimensions = [i for i, c in enumerate(header) if i not in measures and c not in (PERIOD_COLUMN, REGION_COLUMN)]
    found = common.values(path, header, rows, measures, ",")
    published = [any(value is not None for value in own) for own in found]
    region = header.index(REGION_COLUMN)
    # Labels are resolved per label and year, and only where a value is published (rows of dissolved
    # municipalities hold none); COROP areas ('') are not loaded, nor are rows without values (None).
    labels, codes = common.region_labels(), {}
    for i, row in enumerate(rows):
        key = (row[region], years[i][0])
        if published[i] and key not in codes:
            codes[key] = labels.resolve(key[0], int(key[1]))
            if codes[key] is None:
                raise RawFileError(path, f"regio '{key[0]}' is onbekend; voeg de naam toe aan "
                                         "etl/reference/region_aliases.csv", i + 2, REGION_COLUMN)
    units = [common.unit_of(header[j]) for j in measures]
    common.stage_export(con, table_id, DATASET.dataset_id, relative_path, found, {
        "region": [codes.get((row[region], year)) or None for row, (year, _) in zip(rows, years, strict=True)],
        "dims": ["|".join(f"{header[j]}={row[j].strip(' ')}" for j in dimensions) for row in rows],
        "period": [year for year, _ in years], "provisional": [flag for _, flag in years],
    }, {"measure": [header[j] for j in measures], "label": [label for label, _ in units],
        "unit": [unit for _, unit in units]})
    return sum(published), []
