"""CBS StatLine tables fetched through the newer OData v4 API (datasets.cbs.nl), one JSON bundle per table.

The bundle (data/raw/cbs/odata/<table>/<table>.json, where a v3 bundle of the table would land) holds the API's
own records unchanged: Properties (one object), Dimensions (Identifier, Title, Kind), MeasureCodes (Identifier,
Title, Unit), `codes` (one <Dimension>Codes list per dimension: Identifier, Title and, for the time dimension,
Status 'Voorlopig'/'Definitief') and the Observations: one row per cell with Id, Measure, ValueAttribute, Value,
StringValue and a column per dimension. Its first line names the table ('{"cbs_odata_v4": "86223NED",').

It is the same dataset as the v3 bundles (cbs_odata.DATASET: one citation, one set of checks):
which API a table came through is a transport detail, recorded in the manifest's origin URL. Measures are v4
measure codes (M001234) with the titles and units of MeasureCodes; other dimensions become 'Key=title' as in v3.
Cells without a Value (a ValueAttribute such as 'Impossible', or a text cell in StringValue) are not loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl.cbs_tables import CBS_TABLES, V4_BUNDLE_MARKER, time_and_geo
from etl.checks import Check
from etl.education import Education
from etl.errors import RawFileError
from etl.reading import cbs_bundle
from etl.reference import MunicipalityResolver
from etl.sources import cbs_odata

if TYPE_CHECKING:  # requests only when fetching
    import requests

FETCH_GROUP = "cbs"
DATASET = cbs_odata.DATASET
CHECKS: list[Check] = []  # cbs_odata declares the fact_cbs checks of this dataset once
PARTS = ("Properties", "Dimensions", "MeasureCodes", "codes", "Observations")

edition_key = cbs_odata.edition_key  # the table id, shared with v3 bundles of the same table


def fetch(http: requests.Session, raw_dir: Path, since: int | None = None, force: bool = False,
          progress: bool = True) -> list[Path]:
    """Land every v4 table of etl/cbs_tables.py as a bundle with manifest (FetchError lists the tables that failed)."""
    from etl.cbs_client import fetch_tables  # imports requests; only `fetch` needs it

    tables = [t for t in CBS_TABLES if t.api == "v4"]
    return fetch_tables(http, Path(raw_dir), tables, DATASET.raw_subdir, since=since, force=force)


def recognises(header: list[str]) -> bool:
    """A v4 bundle written by etl/cbs_client.py: its first line starts with the v4 marker key."""
    return bool(header) and header[0].startswith(f'{{"{V4_BUNDLE_MARKER}"')


def _load(path: Path) -> tuple[str, dict, str, str]:
    """(table id, bundle, time dimension, region dimension); RawFileError when either dimension is missing."""
    table_id, bundle = cbs_bundle.load(path, V4_BUNDLE_MARKER, PARTS)  # parsed once for periods and stage
    dimensions = cbs_bundle.part(path, bundle["Dimensions"], "Dimensions")
    for dimension in dimensions:
        cbs_bundle.code(path, dimension.get("Identifier"), None, "Dimensions")
    time, geo = time_and_geo(dimensions)
    if time is None or geo is None:
        missing = "TimeDimension" if time is None else "GeoDimension"
        raise RawFileError(path, "dimensie ontbreekt in Dimensions; deze tabel heeft geen regio's of perioden en "
                                 "past niet in fact_cbs", None, missing)
    return table_id, bundle, time, geo


def periods(header: list[str], path: Path) -> list[str]:
    """The calendar years the bundle's observations cover."""
    _, bundle, time, _ = _load(path)
    return cbs_bundle.years(path, cbs_bundle.part(path, bundle["Observations"], "Observations", objects=False), time)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str,
          resolver: MunicipalityResolver) -> tuple[int, list[Education]]:
    """Temp view `staged` (etl/sql/staging/cbs_bundle.sql) with one fact_cbs row per annual observation with a
    Value; region codes as in v3.

    Returns (annual observations with a Value, COROP areas included; no education rows). RawFileError names the
    observation (as the line; 1-based, as source_line) and the key (as the column) of any problem.
    """
    try:
        table_id, bundle, time, geo = _load(path)
        facts, data_rows = _facts(path, bundle, time, geo)
    finally:
        cbs_bundle.forget(path)  # the build reads it no more
    facts.stage(con, table_id, DATASET.dataset_id, relative_path)
    return data_rows, []


def _facts(path: Path, bundle: dict, time: str, geo: str) -> tuple[cbs_bundle.Cells, int]:
    """The fact rows of a v4 bundle, and the annual observations with a Value."""
    dimension_keys = [dimension["Identifier"] for dimension in bundle["Dimensions"]]
    observations = cbs_bundle.part(path, bundle["Observations"], "Observations", objects=False)
    measures = {}
    for measure in cbs_bundle.part(path, bundle["MeasureCodes"], "MeasureCodes"):
        identifier = cbs_bundle.code(path, measure.get("Identifier"), None, "MeasureCodes")
        measures[identifier] = (cbs_bundle.label(path, measure.get("Title"), "MeasureCodes", "titel") or identifier,
                                cbs_bundle.label(path, measure.get("Unit"), "MeasureCodes", "eenheid") or "")
    cbs_bundle.distinct(path, [*dimension_keys, "Measure", "Value"], "Dimensions")
    other = [key for key in dimension_keys if key not in (time, geo)]
    facts = cbs_bundle.Cells(
        path, 1, measures, geo, other,
        [(key, cbs_bundle.labeller(path, key, cbs_bundle.codes_of(path, bundle, "codes", key), "Identifier", "codes"))
         for key in other],
        cbs_bundle.provisional_periods(path, cbs_bundle.codes_of(path, bundle, "codes", time), "Identifier", "codes"))
    needed = {"Measure", "Value", *dimension_keys}
    data_rows = 0
    annual = cbs_bundle.annual_checker(path, time)
    for line, observation in enumerate(observations, start=1):
        period_key = annual(observation, line)
        if period_key is None:
            facts.skip()
            continue
        cbs_bundle.require(path, observation, needed, line)
        measure = observation["Measure"]
        if type(measure) is not str or measure not in measures:
            raise RawFileError(path, f"meetwaarde '{measure}' staat niet in MeasureCodes", line, "Measure")
        value = cbs_bundle.number(path, observation["Value"], line, "Value")
        if value is None:
            facts.skip()
        else:
            data_rows += 1
            facts.add(observation, measure, period_key, value, line)
    return facts, data_rows
