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

import pandas as pd

from etl.cbs_tables import CODED_CSV_PERIODS
from etl.checks import Check
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

_TOPIC = re.compile(r"^\w+_\d+$")
_FILE_NAME = re.compile(r"^(\w+?)_TypedDataSet_\d{8}_\d{6}\.csv$", re.IGNORECASE)

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
    grain=common.GRAIN,
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


def _frame(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, "het bestand is geen UTF-8; download het opnieuw") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise RawFileError(path, f"het bestand is geen geldige CSV met ';' als scheidingsteken ({exc})") from exc
    common.require_complete_rows(frame, path)
    frame["source_line"] = frame.index + 2
    return frame


def _period_column(frame: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    """Period id and provisional flag per row (provisional: CBS marks it only in the Perioden entity set)."""
    if "Perioden" in frame.columns:
        keys = frame["Perioden"].str.strip()
        wrong = ~keys.str.match(r"^\d{4}JJ00$")
        if wrong.any():
            first = wrong[wrong].index[0]
            raise RawFileError(path, f"periode '{keys[first]}' is geen jaar (verwacht bijvoorbeeld '2023JJ00')",
                               int(frame.at[first, "source_line"]), "Perioden")
        return keys.str[:4], pd.Series(False, index=frame.index)
    table_id = table_of(path)
    if table_id not in CODED_CSV_PERIODS:
        raise RawFileError(path, f"tabel {table_id} heeft geen kolom Perioden; zet het jaar van de tabel in "
                                 "CODED_CSV_PERIODS in etl/cbs_tables.py", 1, "Perioden")
    return pd.Series(CODED_CSV_PERIODS[table_id], index=frame.index), pd.Series(False, index=frame.index)


def periods(header: list[str], path: Path) -> list[str]:
    """The years the file covers (its Perioden column, or the configured year of its table)."""
    frame = _frame(path)
    return sorted(_period_column(frame, path)[0].unique())


def read(path: Path) -> pd.DataFrame:
    """One row per data row × topic with a value."""
    frame = _frame(path)
    header = [c for c in frame.columns if c != "source_line"]
    topics = [c for c in header if _TOPIC.match(c)]
    dimensions = [c for c in header[1:] if c not in topics and c not in ("RegioS", "Perioden")]
    frame["period"], frame["provisional"] = _period_column(frame, path)
    frame["dims"] = ""
    for i, column in enumerate(dimensions):
        frame["dims"] = frame["dims"] + ("|" if i else "") + column + "=" + frame[column].str.strip()
    parts = []
    for column in topics:
        part = frame[["source_line", "period", "provisional", "RegioS", "dims"]].copy()
        part["measure"], part["measure_label"], part["unit"] = column, column, ""
        part["value"] = common.parse_number(frame[column], frame["source_line"], path, column, ".")
        parts.append(part[part["value"].notna()])
    long = pd.concat(parts, ignore_index=True)
    long["table_id"] = table_of(path)
    return long


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RegioS keys to region codes ('NL01  ' → NL); areas the region table lacks (GG, CG, CR) are dropped."""
    codes = long["RegioS"].map(common.region_from_key)
    return common.to_fact_frame(long.assign(region_code=codes)[codes.notna()], DATASET.dataset_id, relative_path)
