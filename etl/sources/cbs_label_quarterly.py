"""CBS StatLine "CSV met labels", transposed: unemployment percentage per quarter (rows) and province (columns).

Layout (Werkloosheidpercentage.csv): UTF-8 with BOM, `;`-separated, CRLF, unquoted, decimal comma. The header's
first cell is empty, then "Nederland" and the twelve provinces without a level suffix; each row starts with a
Dutch period label such as "het eerste kwartaal van 2015" (a provisional quarter ends in "*"). The export names
neither its table nor its measure: both are fixed below (TABLE_ID, MEASURE).
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

TABLE_ID = "werkloosheid_provincie"  # the transposed export does not carry the StatLine table id
MEASURE = "Werkloosheidpercentage"
PERIOD_COLUMN = "(eerste kolom)"  # how messages name the header's empty first cell

DATASET = Dataset(
    dataset_id="cbs_statline_werkloosheid",
    publisher="CBS",
    title="StatLine, werkloosheidspercentage per kwartaal en provincie (CSV met labels, getransponeerd)",
    url="https://opendata.cbs.nl/statline/",
    licence="CC BY 4.0",
    period_type="quarter",
    raw_subdir="cbs/statline_labels",
    fact_table=common.FACT_TABLE,
    period_column="period",
)

CHECKS: list[Check] = common.source_checks(DATASET.dataset_id)


def recognises(header: list[str]) -> bool:
    """Empty first cell, then 'Nederland' and region labels."""
    return len(header) > 2 and header[0] == "" and header[1] == "Nederland"


def _quarters(path: Path, rows: list[list[str]]) -> list[tuple[str, bool]]:
    """(quarter, provisional) per record, from the Dutch label in its first field; raises on any other label."""
    return common.labelled_periods(path, rows, 0, "quarter",
                                   "kwartaal; verwacht bijvoorbeeld 'het vierde kwartaal van 2024'", PERIOD_COLUMN)


def periods(header: list[str], path: Path) -> list[str]:
    """The quarters in the file's first column."""
    return sorted({period for period, _ in _quarters(path, common.read_export(path, first_named=False)[1])})


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """Temp view `staged` (etl/sql/staging/cbs_export.sql) with one fact_cbs row per quarter × region with a
    published value.

    Returns (records with a value, no education rows); RawFileError names the line and column of any problem.
    """
    header, rows = common.read_export(path, first_named=False)
    quarters = _quarters(path, rows)
    columns = list(range(1, len(header)))
    found = common.values(path, header, rows, columns, ",")
    published = [i for i, own in enumerate(found) if any(value is not None for value in own)]
    # Column labels are provinces without a suffix (and 'Nederland'): resolved at province level, in the year of
    # the latest quarter with a value.
    year = int(max((quarters[i][0] for i in published), default="0")[:4])
    labels, codes = common.region_labels(), []
    for m, j in enumerate(columns):
        if not any(own[m] is not None for own in found):
            codes.append(None)
            continue
        codes.append(labels.resolve(header[j], year, level="provincie"))
        if not codes[-1]:
            raise RawFileError(path, f"regio '{header[j]}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", 1, header[j])
    width = len(columns)
    common.stage_export(con, TABLE_ID, DATASET.dataset_id, relative_path, found, {
        "region": [None] * len(rows), "dims": [""] * len(rows),
        "period": [q for q, _ in quarters], "provisional": [flag for _, flag in quarters],
    }, {"measure": [MEASURE] * width, "label": [MEASURE] * width, "unit": ["%"] * width, "region": codes})
    return len(published), []
