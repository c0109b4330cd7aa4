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
    frame = rawtext.read_csv(path, ";", "download het bestand opnieuw als 'CSV met labels'")
    rawtext.require_full_records(path, ";")
    frame["source_line"] = frame.index + 2  # header is line 1; StatLine writes no embedded newlines
    return frame


def _periods(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Period id and provisional flag per row; raises on a label that is not a year."""
    import pandas as pd

    parsed = frame[PERIOD_COLUMN].map(common.period_from_label)
    wrong = parsed.isna() | parsed.map(lambda p: p is not None and p[1] != "calendar_year")
    if wrong.any():
        first = wrong[wrong].index[0]
        raise RawFileError(path, f"periode '{frame.at[first, PERIOD_COLUMN]}' is geen jaar; verwacht bijvoorbeeld "
                                 "'2023' of '2023*'", int(frame.at[first, "source_line"]), PERIOD_COLUMN)
    return pd.DataFrame({"period": parsed.str[0], "provisional": parsed.str[2]}, index=frame.index)


def periods(header: list[str], path: Path) -> list[str]:
    """The years in the file's period column (the header alone does not say)."""
    plain = common.plain_csv(path)
    if plain is not None and PERIOD_COLUMN in plain[0]:
        years = _plain_periods(plain[0], plain[1])
        if years is not None:
            return sorted({period for period, _ in years})
    frame = _frame(path)  # the pandas path, which names what is wrong
    if PERIOD_COLUMN not in frame.columns:
        raise RawFileError(path, "kolom ontbreekt", 1, PERIOD_COLUMN)
    return sorted(_periods(frame, path)["period"].unique())


def read(path: Path) -> pd.DataFrame:
    """One row per data row × measure with a published value; values parsed, labels still as text."""
    import pandas as pd

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
    import pandas as pd

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



def _plain_periods(header: list[str], rows: list[list[str]]) -> list[tuple[str, bool]] | None:
    """(year, provisional) per record as _periods gives them; None when a label is not a plain year."""
    column = header.index(PERIOD_COLUMN)
    labels = {label: common.period_from_label(label) for label in {row[column] for row in rows}}
    if any(p is None or p[1] != "calendar_year" or not p[0].isascii() for p in labels.values()):
        return None
    return [(labels[row[column]][0], labels[row[column]][2]) for row in rows]


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts without pandas: temp table `table` with to_facts' rows.

    Returns (data rows, no education rows), or None (and the build takes the pandas path, which raises the
    Dutch message) for any file that path would refuse or might read differently (see common.plain_csv).
    """
    plain = common.plain_csv(path)
    if plain is None:
        return None
    header, rows = plain
    table_id = table_of(header)
    if PERIOD_COLUMN not in header or REGION_COLUMN not in header or table_id is None:
        return None
    years = _plain_periods(header, rows)
    measures = [i for i, c in enumerate(header) if common.unit_of(c)[1] and c not in (PERIOD_COLUMN, REGION_COLUMN)]
    dimensions = [i for i, c in enumerate(header) if i not in measures and c not in (PERIOD_COLUMN, REGION_COLUMN)]
    cells = common.plain_unpivot(rows, measures, ",")
    if years is None or cells is None or not cells[0]:
        return None
    region = header.index(REGION_COLUMN)
    # Labels are resolved per label and year, and only where a value is published (as to_facts does: rows of
    # dissolved municipalities hold none); COROP areas ('') are not loaded, nor are rows without values (None).
    labels, codes = common.region_labels(), {}
    for i in set(cells[0]):
        key = (rows[i][region], years[i][0])
        if key not in codes:
            codes[key] = labels.resolve(key[0], int(key[1]))
            if codes[key] is None:
                return None
    units = [common.unit_of(name) for name in header]
    common.stage_facts(con, table, {"table_id": table_id, "source_id": DATASET.dataset_id,
                                    "source_file": relative_path}, {
        "region_code": [codes.get((row[region], year)) or None for row, (year, _) in zip(rows, years, strict=True)],
        "dims": ["|".join(f"{header[j]}={row[j]}" for j in dimensions) for row in rows],
        "period": [year for year, _ in years], "provisional": [flag for _, flag in years],
    }, {"measure": header, "measure_label": [label for label, _ in units], "unit": [unit for _, unit in units]},
        cells)
    return len(set(cells[0])), []
