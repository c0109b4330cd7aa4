"""CBS StatLine tables fetched through the OData v3 API (etl/cbs_client.py), one JSON bundle per table.

Tables fetched through the newer v4 API land in another bundle layout, read by cbs_odata_v4 into the same
dataset (this DATASET, these checks, to_facts): the API is a transport, the StatLine table is the dataset.

A bundle (data/raw/cbs/odata/<table>/<table>.json) holds the API's own records unchanged: TableInfos,
DataProperties (measures are the 'Topic' properties, with Unit), one entity set per dimension (Key, Title and,
for Perioden, Status 'Voorlopig'/'Definitief') and the TypedDataSet rows. Its first line names the table
('{"cbs_odata_v3": "03759ned",'), which is how the build recognises it. This dataset holds calendar years
(period keys 2023JJ00); quarter and month rows of a table are not loaded here (see docs/sources/cbs_statline.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl.cbs_tables import BUNDLE_MARKER, CBS_TABLES, DIMENSION_TYPES
from etl.checks import Check
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_bundle_fast as fast
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

if TYPE_CHECKING:  # requests only when fetching; duckdb and pandas are imported by the path that uses them
    import duckdb
    import pandas as pd
    import requests

    from etl.education import Education

FETCH_GROUP = "cbs"
REGION_KEY, PERIOD_KEY = "RegioS", "Perioden"

DATASET = Dataset(
    dataset_id="cbs_statline_odata",
    publisher="CBS",
    title="StatLine (OData-API)",
    url="https://opendata.cbs.nl/ODataApi/odata",
    licence="CC BY 4.0",
    period_type="calendar_year",
    raw_subdir="cbs/odata",
    fact_table=common.FACT_TABLE,
    period_column="period",
    grain=common.GRAIN,
)

# The generic fact_cbs checks are declared here, once for all CBS sources.
CHECKS: list[Check] = [*common.generic_checks(), *common.source_checks(DATASET.dataset_id)]


def fetch(http: requests.Session, raw_dir: Path, since: int | None = None, force: bool = False,
          progress: bool = True) -> list[Path]:
    """Land every v3 table of etl/cbs_tables.py as a bundle with manifest (FetchError lists the tables that failed)."""
    from etl.cbs_client import fetch_tables  # imports requests; only `fetch` needs it

    tables = [t for t in CBS_TABLES if t.api == "v3"]
    return fetch_tables(http, Path(raw_dir), tables, DATASET.raw_subdir, since=since, force=force)


def recognises(header: list[str]) -> bool:
    """A bundle written by etl/cbs_client.py: its first line starts with the marker key."""
    return bool(header) and header[0].startswith(f'{{"{BUNDLE_MARKER}"')


def edition_key(header: list[str], path: Path) -> str:
    """The table id: bundles of different tables cover the same years without competing for them, while a v3
    and a v4 bundle of the same table do compete (the newest wins a year), so a table is never loaded twice."""
    return header[0].split(":", 1)[-1].strip().strip('"').lower()


PARTS = ("DataProperties", "dimensions", "TypedDataSet")


def _load(path: Path) -> tuple[str, dict]:
    return fast.load(path, BUNDLE_MARKER, PARTS)  # parsed once for periods and stage


def periods(header: list[str], path: Path) -> list[str]:
    """The calendar years the bundle's rows cover."""
    return common.bundle_years({row.get(PERIOD_KEY, "") for row in _load(path)[1]["TypedDataSet"]})


def read(path: Path) -> pd.DataFrame:
    """One row per TypedDataSet row × measure with a value; source_line is the 1-based TypedDataSet row number."""
    import pandas as pd

    table_id, bundle = _load(path)
    fast.forget(path)  # the build reads it no more
    properties = bundle["DataProperties"]
    measures = [p for p in properties if p.get("Type") == "Topic"]
    dimension_keys = [p["Key"] for p in properties if p.get("Type") in DIMENSION_TYPES]
    for key in (REGION_KEY, PERIOD_KEY):
        if key not in dimension_keys:
            raise RawFileError(path, "dimensie ontbreekt in DataProperties; deze tabel heeft geen regio's of "
                                     "perioden en past niet in fact_cbs", None, key)
    rows = pd.DataFrame(bundle["TypedDataSet"])
    for key in [*dimension_keys, *(m["Key"] for m in measures)]:
        if key not in rows.columns:
            raise RawFileError(path, "kolom ontbreekt in TypedDataSet", 1, key)
    rows = common.annual(rows, PERIOD_KEY)
    status = {p["Key"]: common.is_provisional(p.get("Status")) for p in bundle["dimensions"].get(PERIOD_KEY, [])}
    other = [(key, {d["Key"].strip(): d.get("Title", d["Key"]) for d in bundle["dimensions"].get(key, [])})
             for key in dimension_keys if key not in (REGION_KEY, PERIOD_KEY)]
    dims = common.labelled_dims(rows, other)
    parts = []
    for measure in measures:
        key = measure["Key"]
        numbers = pd.to_numeric(rows[key], errors="coerce")
        wrong = numbers.isna() & rows[key].notna()
        if wrong.any():
            first = wrong[wrong].index[0]
            line = int(rows.at[first, "source_line"])
            raise RawFileError(path, f"waarde '{rows.at[first, key]}' is geen getal", line, key)
        parts.append(pd.DataFrame({
            "source_line": rows["source_line"], "region_key": rows[REGION_KEY], "period_key": rows[PERIOD_KEY],
            "dims": dims, "measure": key, "measure_label": measure.get("Title", key),
            "unit": measure.get("Unit", "") or "", "value": numbers.astype("float64"),
        })[numbers.notna()])
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["source_line", "period_key"])
    return common.finish_bundle_long(long, table_id, status)


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RegioS keys to region codes (NL01 → NL); COROP and other areas the region table lacks are dropped."""
    codes = long["region_key"].map(common.region_from_key)
    long = long.assign(region_code=codes)[codes.notna()]
    return common.to_fact_frame(long, DATASET.dataset_id, relative_path)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts in plain Python: temp table `table` with to_facts' rows.

    Returns (data rows, education rows: none for CBS), or None for a bundle the pandas path might read
    differently or refuse (cbs_bundle_fast.Unusual), so that it reads it or names the problem in Dutch.
    """
    try:
        table_id, bundle = _load(path)
        facts, data_rows = _fast_facts(bundle)
    except (RawFileError, fast.Unusual, KeyError, TypeError):  # KeyError, TypeError: a record missing a key or odd
        return None
    finally:
        fast.forget(path)
    if not len(facts):
        return None  # nothing to load: the pandas path copes with an empty table
    facts.stage(con, table, table_id, DATASET.dataset_id, relative_path)
    return data_rows, []


def _fast_facts(bundle: dict) -> tuple[fast.FactRows, int]:
    """read + to_facts of a v3 bundle, and the data rows read() counts (annual TypedDataSet rows with a value,
    COROP areas included); Unusual (or KeyError, TypeError) for anything odd."""
    properties, records, dimensions = bundle["DataProperties"], bundle["TypedDataSet"], bundle["dimensions"]
    if not isinstance(properties, list) or not isinstance(records, list) or not isinstance(dimensions, dict):
        raise fast.Unusual("layout")
    if not all(isinstance(p, dict) and isinstance(p.get("Key"), str) for p in properties):
        raise fast.Unusual("DataProperties")
    dimension_keys = [p["Key"] for p in properties if p.get("Type") in DIMENSION_TYPES]
    measures = [p for p in properties if p.get("Type") == "Topic"]
    titles = {p["Key"]: (fast.optional_text(p.get("Title", p["Key"])), fast.optional_text(p.get("Unit", "")) or "")
              for p in measures}
    keys = {*dimension_keys, *titles}
    if (REGION_KEY not in dimension_keys or PERIOD_KEY not in dimension_keys or not measures
            or len(titles) < len(measures) or "source_line" in keys
            or len(keys) < len(set(dimension_keys)) + len(titles)):
        raise fast.Unusual("dimensions or measures")  # a measure twice, or named like a dimension: leave it to pandas
    other = [key for key in dimension_keys if key not in (REGION_KEY, PERIOD_KEY)]
    facts = fast.FactRows(titles, other, [(key, fast.labeller(key, dimensions.get(key, []), "Key")) for key in other],
                          fast.provisional_periods(dimensions.get(PERIOD_KEY, []), "Key"))
    measure_keys = [p["Key"] for p in measures]
    data_rows = 0
    for line, record in enumerate(records, start=1):
        period_key = fast.yearly(record, PERIOD_KEY, keys, line)
        if period_key is None:
            continue
        counted = False
        for key in measure_keys:
            value = fast.number(record[key])
            if value is not None:
                counted = True
                facts.add(record, key, period_key, record[REGION_KEY], value, line)
        data_rows += counted
    return facts, data_rows
