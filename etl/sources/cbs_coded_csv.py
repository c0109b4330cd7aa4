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
from typing import TYPE_CHECKING

from etl import rawtext
from etl.cbs_tables import CODED_CSV_PERIODS
from etl.checks import Check
from etl.education import Education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

if TYPE_CHECKING:  # pandas serves the fallback path only (read, to_facts); stage and periods do without
    import duckdb
    import pandas as pd

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
    frame = rawtext.read_csv(path, ";", "download het bestand opnieuw")
    rawtext.require_full_records(path, ";")
    frame["source_line"] = frame.index + 2
    return frame


def _period_column(frame: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    """Period id and provisional flag per row (provisional: CBS marks it only in the Perioden entity set)."""
    import pandas as pd

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
    plain = common.plain_csv(path)
    years = None if plain is None else _plain_periods(plain[0], plain[1], path)
    if years is not None:
        return sorted(set(years))
    frame = _frame(path)  # the pandas path, which names what is wrong
    return sorted(_period_column(frame, path)[0].unique())


def read(path: Path) -> pd.DataFrame:
    """One row per data row × topic with a value."""
    import pandas as pd

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


_PLAIN_PERIOD = re.compile(r"[0-9]{4}JJ00")


def _plain_periods(header: list[str], rows: list[list[str]], path: Path) -> list[str] | None:
    """The year per record as _period_column gives it; None when a key is not plainly a year or the file's table
    has no configured year (the pandas path then names the problem)."""
    if "Perioden" not in header:
        table_id = _FILE_NAME.match(path.name)
        year = CODED_CSV_PERIODS.get(table_id.group(1)) if table_id else None
        return None if year is None else [year] * len(rows)
    column = header.index("Perioden")
    keys = [common.plain_strip(row[column]) for row in rows]
    if not all(key is not None and _PLAIN_PERIOD.fullmatch(key) for key in keys):
        return None
    return [key[:4] for key in keys]


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts without pandas: temp table `table` with to_facts' rows.

    Returns (data rows, no education rows), or None (and the build takes the pandas path, which raises the
    Dutch message) for any file that path would refuse or might read differently (see common.plain_csv).
    """
    plain = common.plain_csv(path)
    if plain is None or "RegioS" not in plain[0] or not _FILE_NAME.match(path.name):
        return None
    header, rows = plain
    years = _plain_periods(header, rows, path)
    topics = [j for j, c in enumerate(header) if _TOPIC.match(c)]
    dimensions = [j for j, c in enumerate(header) if j and j not in topics and c not in ("RegioS", "Perioden")]
    cells = common.plain_unpivot(rows, topics, ".")
    if years is None or cells is None or not cells[0]:
        return None
    dims = []
    for row in rows:
        parts = [common.plain_strip(row[j]) for j in dimensions]
        if None in parts:
            return None
        dims.append("|".join(f"{header[j]}={part}" for j, part in zip(dimensions, parts, strict=True)))
    region = header.index("RegioS")
    common.stage_facts(con, table, {"table_id": table_of(path), "unit": "", "source_id": DATASET.dataset_id,
                                    "source_file": relative_path},
                       {"region_code": [common.region_from_key(row[region]) for row in rows],  # GG, CG, CR: None
                        "dims": dims, "period": years, "provisional": [False] * len(rows)},
                       {"measure": header, "measure_label": header}, cells)
    return len(set(cells[0])), []
