"""CBS StatLine tables fetched through the OData v3 API (etl/cbs_client.py), one JSON bundle per table.

Tables fetched through the newer v4 API land in another bundle layout, read by cbs_odata_v4 into the same
dataset (this DATASET, these checks): the API is a transport, the StatLine table is the dataset.

A bundle (data/raw/cbs/odata/<table>/<table>.json) holds the API's own records unchanged: TableInfos,
DataProperties (measures are the 'Topic' properties, with Unit), one entity set per dimension (Key, Title and,
for Perioden, Status 'Voorlopig'/'Definitief') and the TypedDataSet rows. Its first line names the table
('{"cbs_odata_v3": "03759ned",'), which is how the build recognises it. This dataset holds calendar years
(period keys 2023JJ00); quarter and month rows of a table are not loaded here (see docs/sources/cbs_statline.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl.cbs_tables import BUNDLE_MARKER, CBS_TABLES, DIMENSION_TYPES
from etl.checks import Check
from etl.dataset import Dataset
from etl.education import Education
from etl.errors import RawFileError
from etl.reading import cbs_bundle
from etl.reading import cbs_common as common
from etl.reference import MunicipalityResolver

if TYPE_CHECKING:  # requests only when fetching
    import requests

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
    return cbs_bundle.load(path, BUNDLE_MARKER, PARTS)  # parsed once for periods and stage


def periods(header: list[str], path: Path) -> list[str]:
    """The calendar years the bundle's rows cover."""
    return cbs_bundle.years(path, cbs_bundle.part(path, _load(path)[1]["TypedDataSet"], "TypedDataSet", objects=False),
                      PERIOD_KEY)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """Temp view `staged` (etl/sql/staging/cbs_bundle.sql) with one fact_cbs row per annual TypedDataSet row ×
    measure with a value; RegioS keys become region codes (NL01 → NL), and COROP and other areas the region table
    lacks are not loaded.

    Returns (annual rows with a value, COROP areas included; no education rows). RawFileError names the row (as the
    line; 1-based, as source_line) and the key (as the column) of any problem.
    """
    try:
        table_id, bundle = _load(path)
        facts, data_rows = _facts(path, bundle)
    finally:
        cbs_bundle.forget(path)  # the build reads it no more
    facts.stage(con, table_id, DATASET.dataset_id, relative_path)
    return data_rows, []


def _facts(path: Path, bundle: dict) -> tuple[cbs_bundle.Cells, int]:
    """The fact rows of a v3 bundle, and the annual rows with a value."""
    properties = cbs_bundle.part(path, bundle["DataProperties"], "DataProperties")
    records = cbs_bundle.part(path, bundle["TypedDataSet"], "TypedDataSet", objects=False)
    keys = [cbs_bundle.code(path, p.get("Key"), None, "DataProperties") for p in properties]
    kinds = [cbs_bundle.label(path, p.get("Type"), "DataProperties", "type") for p in properties]
    dimension_keys = [key for key, kind in zip(keys, kinds, strict=True) if kind in DIMENSION_TYPES]
    measure_keys = [key for key, kind in zip(keys, kinds, strict=True) if kind == "Topic"]
    for key in (REGION_KEY, PERIOD_KEY):
        if key not in dimension_keys:
            raise RawFileError(path, "dimensie ontbreekt in DataProperties; deze tabel heeft geen regio's of "
                                     "perioden en past niet in fact_cbs", None, key)
    if not measure_keys:
        raise RawFileError(path, f"DataProperties noemt geen meetwaarde (Type 'Topic'); {cbs_bundle.AGAIN}", None,
                           "DataProperties")
    cbs_bundle.distinct(path, [*dimension_keys, *measure_keys], "DataProperties")
    measures = {key: (cbs_bundle.label(path, p.get("Title", key), "DataProperties", "titel"),
                      cbs_bundle.label(path, p.get("Unit", ""), "DataProperties", "eenheid") or "")
                for key, kind, p in zip(keys, kinds, properties, strict=True) if kind == "Topic"}
    other = [key for key in dimension_keys if key not in (REGION_KEY, PERIOD_KEY)]
    facts = cbs_bundle.Cells(
        path, len(measure_keys), measures, REGION_KEY, other,
        [(key, cbs_bundle.labeller(path, key, cbs_bundle.codes_of(path, bundle, "dimensions", key), "Key",
                                   "dimensions"))
         for key in other],
        cbs_bundle.provisional_periods(path, cbs_bundle.codes_of(path, bundle, "dimensions", PERIOD_KEY), "Key",
                                       "dimensions"))
    needed = {*dimension_keys, *measure_keys}
    data_rows = 0
    annual = cbs_bundle.annual_checker(path, PERIOD_KEY)
    for line, record in enumerate(records, start=1):
        period_key = annual(record, line)
        if period_key is None:
            facts.skip(facts.width)
            continue
        cbs_bundle.require(path, record, needed, line)
        counted = False
        for key in measure_keys:
            value = cbs_bundle.number(path, record[key], line, key)
            if value is None:
                facts.skip()
            else:
                counted = True
                facts.add(record, key, period_key, value, line)
        data_rows += counted
    return facts, data_rows
