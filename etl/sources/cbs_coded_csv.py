"""CBS StatLine "CSV voor statistische software": the coded TypedDataSet, as analysts download it by hand.

Layout: UTF-8 with BOM, `;`-separated, CRLF, unquoted, '.' as decimal point, empty cell = no value. Columns:
ID, the dimension keys (e.g. Persoonskenmerken, Marges, RegioS, and Perioden when the table has periods), then one
column per topic key with a numeric suffix (MoeiteMetRondkomen_1, ...). Region keys are padded to 6 characters
("NL01  ", "GM0034"); GGD regions (GG) and other areas the region table lacks (CG, CR) are not loaded.
The export names its table only in StatLine's file name (<table>_TypedDataSet_<ddmmyyyy>_<hhmmss>.csv), which is
where the table id is taken from (the file is still recognised by its header). A table without Perioden takes its
period from etl/cbs_tables.py (CODED_CSV_PERIODS).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from etl.cbs_tables import CODED_CSV_PERIODS
from etl.checks import Check
from etl.dataset import Dataset
from etl.education import Education
from etl.errors import RawFileError
from etl.reading import cbs_common as common
from etl.reference import MunicipalityResolver

_TOPIC = re.compile(r"^\w+_\d+$")
_FILE_NAME = re.compile(r"^(\w+?)_TypedDataSet_[0-9]{8}_[0-9]{6}\.csv$", re.IGNORECASE)
_YEAR_KEY = re.compile(r"[0-9]{4}JJ00")

DATASET = Dataset(
    dataset_id="cbs_statline_coded",
    publisher="CBS",
    title="StatLine, CSV voor statistische software (handmatige download)",
    url="https://opendata.cbs.nl/statline/",
    licence="CC BY 4.0",
    period_type="calendar_year",
    raw_subdir="cbs/statline_coded",
    fact_table=common.FACT_TABLE,
    period_column="period",
)

CHECKS: list[Check] = common.source_checks(DATASET.dataset_id)


def recognises(header: list[str]) -> bool:
    """ID first, a RegioS key column, and topic columns with a numeric suffix."""
    return bool(header) and header[0] == "ID" and "RegioS" in header and any(_TOPIC.match(c) for c in header)


def table_of(path: Path) -> str:
    """The table id from StatLine's file name; raises when the file was renamed."""
    match = _FILE_NAME.match(path.name)
    if not match:
        raise RawFileError(path, "de bestandsnaam noemt de tabel niet; gebruik de naam die StatLine geeft, "
                                 "bijvoorbeeld '50140NED_TypedDataSet_22092025_192544.csv'")
    return match.group(1)


def edition_key(header: list[str], path: Path) -> str:
    """Exports of different tables cover the same years without competing for them."""
    return table_of(path).lower()


def _years(path: Path, header: list[str], rows: list[list[str]]) -> list[str]:
    """The year per record: from its Perioden key (2023JJ00), or the configured year of a table without Perioden."""
    if "Perioden" not in header:
        table_id = table_of(path)
        if table_id not in CODED_CSV_PERIODS:
            raise RawFileError(path, f"tabel {table_id} heeft geen kolom Perioden; zet het jaar van de tabel in "
                                     "CODED_CSV_PERIODS in etl/cbs_tables.py", 1, "Perioden")
        return [CODED_CSV_PERIODS[table_id]] * len(rows)
    column = header.index("Perioden")
    years = []
    for line, row in enumerate(rows, start=2):
        key = row[column].strip(" ")
        if not _YEAR_KEY.fullmatch(key):
            raise RawFileError(path, f"periode '{key}' is geen jaar (verwacht bijvoorbeeld '2023JJ00')", line,
                               "Perioden")
        years.append(key[:4])
    return years


def periods(header: list[str], path: Path) -> list[str]:
    """The years the file covers (its Perioden column, or the configured year of its table)."""
    header, rows = common.read_export(path)
    return sorted(set(_years(path, header, rows)))


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """Temp view `staged` (etl/sql/staging/cbs_export.sql) with one fact_cbs row per record × topic with a value;
    RegioS keys become region codes ('NL01  ' → NL) and areas the region table lacks (GG, CG, CR) are not loaded.

    Returns (records with a value, no education rows); RawFileError names the line and column of any problem.
    """
    table_id = table_of(path)
    header, rows = common.read_export(path)
    common.require_columns(path, header, "RegioS")
    years = _years(path, header, rows)
    topics = [j for j, c in enumerate(header) if _TOPIC.match(c)]
    dimensions = [j for j, c in enumerate(header) if j and j not in topics and c not in ("RegioS", "Perioden")]
    found = common.values(path, header, rows, topics, ".")
    region = header.index("RegioS")
    common.stage_export(con, table_id, DATASET.dataset_id, relative_path, found,
                        {"region": [common.region_from_key(row[region]) for row in rows],  # GG, CG, CR: None
                         "dims": ["|".join(f"{header[j]}={row[j].strip(' ')}" for j in dimensions) for row in rows],
                         "period": years, "provisional": [False] * len(rows)},
                        {"measure": [header[j] for j in topics], "label": [header[j] for j in topics],
                         "unit": [""] * len(topics)})
    return sum(any(value is not None for value in own) for own in found), []
