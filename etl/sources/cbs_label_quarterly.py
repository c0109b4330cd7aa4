"""CBS StatLine "CSV met labels", transposed: unemployment percentage per quarter (rows) and province (columns).

Layout (Werkloosheidpercentage.csv): UTF-8 with BOM, `;`-separated, CRLF, unquoted, decimal comma. The header's
first cell is empty, then "Nederland" and the twelve provinces without a level suffix; each row starts with a
Dutch period label such as "het eerste kwartaal van 2015" (a provisional quarter ends in "*"). The export names
neither its table nor its measure: both are fixed below (TABLE_ID, MEASURE).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.checks import Check
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

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
    try:
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, "het bestand is geen UTF-8; download het opnieuw als 'CSV met labels'") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise RawFileError(path, f"het bestand is geen geldige CSV met ';' als scheidingsteken ({exc})") from exc
    common.require_complete_rows(frame, path)
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
    return sorted(_frame(path)["period"].unique())


def read(path: Path) -> pd.DataFrame:
    """One row per quarter × region with a published value."""
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
