"""CBS StatLine "CSV met labels", transposed: unemployment percentage per quarter (rows) and province (columns).

Layout (Werkloosheidpercentage.csv): UTF-8 with BOM, `;`-separated, CRLF, unquoted, decimal comma. The header's
first cell is empty, then "Nederland" and the twelve provinces without a level suffix; each row starts with a
Dutch period label such as "het eerste kwartaal van 2015" (a provisional quarter ends in "*"). The export names
neither its table nor its measure: both are fixed below (TABLE_ID, MEASURE).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl import rawtext
from etl.checks import Check
from etl.education import Education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

if TYPE_CHECKING:  # pandas serves the fallback path only (read, to_facts); stage and periods do without
    import duckdb
    import pandas as pd

TABLE_ID = "werkloosheid_provincie"  # the transposed export does not carry the StatLine table id
MEASURE = "Werkloosheidpercentage"
PERIOD_COLUMN = ""  # the header's empty first cell

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
    grain=common.GRAIN,
)

CHECKS: list[Check] = common.source_checks(DATASET.dataset_id)


def recognises(header: list[str]) -> bool:
    """Empty first cell, then 'Nederland' and region labels."""
    return len(header) > 2 and header[0] == "" and header[1] == "Nederland"


def _frame(path: Path) -> pd.DataFrame:
    frame = rawtext.read_csv(path, ";", "download het bestand opnieuw als 'CSV met labels'")
    rawtext.require_full_records(path, ";")
    frame = frame.rename(columns={frame.columns[0]: PERIOD_COLUMN})
    frame["source_line"] = frame.index + 2
    parsed = frame[PERIOD_COLUMN].map(common.period_from_label)
    wrong = parsed.map(lambda p: p is None or p[1] != "quarter")
    if wrong.any():
        first = wrong[wrong].index[0]
        raise RawFileError(path, f"periode '{frame.at[first, PERIOD_COLUMN]}' is geen kwartaal; verwacht "
                                 "bijvoorbeeld 'het vierde kwartaal van 2024'", int(frame.at[first, "source_line"]),
                           "(eerste kolom)")
    frame["period"], frame["provisional"] = parsed.str[0], parsed.str[2]
    return frame


def periods(header: list[str], path: Path) -> list[str]:
    """The quarters in the file's first column."""
    plain = common.plain_csv(path, empty_first_name=True)
    quarters = None if plain is None else _plain_periods(plain[1])
    if quarters is not None:
        return sorted({period for period, _ in quarters})
    return sorted(_frame(path)["period"].unique())  # the pandas path, which names what is wrong


def read(path: Path) -> pd.DataFrame:
    """One row per quarter × region with a published value."""
    import pandas as pd

    frame = _frame(path)
    regions = [c for c in frame.columns if c not in (PERIOD_COLUMN, "source_line", "period", "provisional")]
    parts = []
    for column in regions:
        part = frame[["source_line", "period", "provisional"]].copy()
        part["region_label"] = column
        part["value"] = common.parse_number(frame[column], frame["source_line"], path, column, ",")
        parts.append(part[part["value"].notna()])
    long = pd.concat(parts, ignore_index=True)
    long["table_id"], long["measure"], long["measure_label"], long["unit"], long["dims"] = (
        TABLE_ID, MEASURE, MEASURE, "%", "")
    return long


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Column labels are provinces (no suffix): resolved at province level, 'Nederland' to NL."""
    labels = common.RegionLabels()
    codes = {}
    for label in long["region_label"].unique():
        code = labels.resolve(label, int(long["period"].max()[:4]), level="provincie")
        if not code:
            raise RawFileError(path, f"regio '{label}' is onbekend; voeg de naam toe aan "
                                     "etl/reference/region_aliases.csv", 1, label)
        codes[label] = code
    return common.to_fact_frame(long.assign(region_code=long["region_label"].map(codes)), DATASET.dataset_id,
                         relative_path)


def _plain_periods(rows: list[list[str]]) -> list[tuple[str, bool]] | None:
    """(quarter, provisional) per record as _frame gives them; None when a label is not a plain quarter."""
    labels = {label: common.period_from_label(label) for label in {row[0] for row in rows}}
    if any(p is None or p[1] != "quarter" or not p[0].isascii() for p in labels.values()):
        return None
    return [(labels[row[0]][0], labels[row[0]][2]) for row in rows]


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts without pandas: temp table `table` with to_facts' rows.

    Returns (data rows, no education rows), or None (and the build takes the pandas path, which raises the
    Dutch message) for any file that path would refuse or might read differently (see common.plain_csv).
    """
    plain = common.plain_csv(path, empty_first_name=True)
    if plain is None:
        return None
    header, rows = plain
    quarters = _plain_periods(rows)
    cells = common.plain_unpivot(rows, list(range(1, len(header))), ",")
    if quarters is None or cells is None or not cells[0]:
        return None
    at_row, at_column, _ = cells
    # As to_facts: every column with a value resolved at province level, in the year of the latest such quarter.
    year = int(max(quarters[i][0] for i in at_row)[:4])
    labels = common.region_labels()
    codes = {j: labels.resolve(header[j], year, level="provincie") for j in set(at_column)}
    if not all(codes.values()):
        return None
    common.stage_facts(con, table, {"table_id": TABLE_ID, "measure": MEASURE, "measure_label": MEASURE, "unit": "%",
                                    "dims": "", "source_id": DATASET.dataset_id, "source_file": relative_path},
                       {"period": [q for q, _ in quarters], "provisional": [flag for _, flag in quarters]},
                       {"region_code": [codes.get(j) for j in range(len(header))]}, cells)
    return len(set(at_row)), []
