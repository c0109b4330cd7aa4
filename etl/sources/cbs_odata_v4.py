"""CBS StatLine tables fetched through the newer OData v4 API (datasets.cbs.nl), one JSON bundle per table.

The bundle (data/raw/cbs/odata/<table>/<table>.json, where a v3 bundle of the table would land) holds the API's
own records unchanged: Properties (one object), Dimensions (Identifier, Title, Kind), MeasureCodes (Identifier,
Title, Unit), `codes` (one <Dimension>Codes list per dimension: Identifier, Title and, for the time dimension,
Status 'Voorlopig'/'Definitief') and the Observations: one row per cell with Id, Measure, ValueAttribute, Value,
StringValue and a column per dimension. Its first line names the table ('{"cbs_odata_v4": "86223NED",').

It is the same dataset as the v3 bundles (cbs_odata.DATASET: one citation, one set of checks, one to_facts):
which API a table came through is a transport detail, recorded in the manifest's origin URL. Measures are v4
measure codes (M001234) with the titles and units of MeasureCodes; other dimensions become 'Key=title' as in v3.
Cells without a Value (a ValueAttribute such as 'Impossible', or a text cell in StringValue) are not loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl.cbs_tables import CBS_TABLES, V4_BUNDLE_MARKER, time_and_geo
from etl.checks import Check
from etl.errors import RawFileError
from etl.sources import cbs_bundle_fast as fast
from etl.sources import cbs_common as common
from etl.sources import cbs_odata

if TYPE_CHECKING:  # requests only when fetching; duckdb and pandas are imported by the path that uses them
    import duckdb
    import pandas as pd
    import requests

    from etl.education import Education
    from etl.reference import MunicipalityResolver

FETCH_GROUP = "cbs"
DATASET = cbs_odata.DATASET
CHECKS: list[Check] = []  # cbs_odata declares the fact_cbs checks of this dataset once
PARTS = ("Properties", "Dimensions", "MeasureCodes", "codes", "Observations")

edition_key = cbs_odata.edition_key  # the table id, shared with v3 bundles of the same table
to_facts = cbs_odata.to_facts


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
    table_id, bundle = fast.load(path, V4_BUNDLE_MARKER, PARTS)  # parsed once for periods and stage
    time, geo = time_and_geo(bundle["Dimensions"])
    if time is None or geo is None:
        missing = "TimeDimension" if time is None else "GeoDimension"
        raise RawFileError(path, "dimensie ontbreekt in Dimensions; deze tabel heeft geen regio's of perioden en "
                                 "past niet in fact_cbs", None, missing)
    return table_id, bundle, time, geo


def periods(header: list[str], path: Path) -> list[str]:
    """The calendar years the bundle's observations cover."""
    _, bundle, time, _ = _load(path)
    return common.bundle_years({str(row.get(time, "")) for row in bundle["Observations"]})


def read(path: Path) -> pd.DataFrame:
    """One row per observation with a Value; source_line is the 1-based Observations row number."""
    import pandas as pd

    table_id, bundle, time, geo = _load(path)
    fast.forget(path)  # the build reads it no more
    dimension_keys = [d["Identifier"] for d in bundle["Dimensions"]]
    rows = pd.DataFrame(bundle["Observations"])
    if rows.empty:  # e.g. fetched with --since past the table's last year
        return pd.DataFrame(columns=["source_line", "region_key", "period_key", "dims", "measure", "measure_label",
                                     "unit", "value", "table_id", "period", "provisional"])
    for key in ["Measure", "Value", *dimension_keys]:
        if key not in rows.columns:
            raise RawFileError(path, "kolom ontbreekt in Observations", 1, key)
    rows = common.annual(rows, time)
    measures = {m["Identifier"]: m for m in bundle["MeasureCodes"]}
    unknown = ~rows["Measure"].isin(list(measures))
    if unknown.any():
        first = unknown[unknown].index[0]
        raise RawFileError(path, f"meetwaarde '{rows.at[first, 'Measure']}' staat niet in MeasureCodes",
                           int(rows.at[first, "source_line"]), "Measure")
    numbers = pd.to_numeric(rows["Value"], errors="coerce")
    wrong = numbers.isna() & rows["Value"].notna()
    if wrong.any():
        first = wrong[wrong].index[0]
        raise RawFileError(path, f"waarde '{rows.at[first, 'Value']}' is geen getal",
                           int(rows.at[first, "source_line"]), "Value")
    codes = bundle["codes"]
    status = {str(c["Identifier"]): common.is_provisional(c.get("Status")) for c in codes.get(time, [])}
    other = [(key, {str(c["Identifier"]).strip(): c.get("Title", c["Identifier"]) for c in codes.get(key, [])})
             for key in dimension_keys if key not in (time, geo)]
    long = pd.DataFrame({
        "source_line": rows["source_line"], "region_key": rows[geo].astype(str), "period_key": rows[time].astype(str),
        "dims": common.labelled_dims(rows, other), "measure": rows["Measure"],
        "measure_label": rows["Measure"].map(lambda m: measures[m].get("Title") or m),
        "unit": rows["Measure"].map(lambda m: measures[m].get("Unit") or ""), "value": numbers.astype("float64"),
    })[numbers.notna()].reset_index(drop=True)
    return common.finish_bundle_long(long, table_id, status)


def stage(con: duckdb.DuckDBPyConnection, path: Path, relative_path: str, resolver: MunicipalityResolver,
          table: str) -> tuple[int, list[Education]] | None:
    """Fast path of read + to_facts in plain Python: temp table `table` with to_facts' rows.

    Returns (data rows, education rows: none for CBS), or None for a bundle the pandas path might read
    differently or refuse (cbs_bundle_fast.Unusual), so that it reads it or names the problem in Dutch.
    """
    try:
        table_id, bundle, time, geo = _load(path)
        facts, data_rows = _fast_facts(bundle, time, geo)
    except (RawFileError, fast.Unusual, KeyError, TypeError):  # KeyError, TypeError: an entry missing a key or odd
        return None
    finally:
        fast.forget(path)
    if not len(facts):
        return None  # nothing to load (e.g. fetched --since past the last year): the pandas path copes
    facts.stage(con, table, table_id, DATASET.dataset_id, relative_path)
    return data_rows, []


def _fast_facts(bundle: dict, time: str, geo: str) -> tuple[fast.FactRows, int]:
    """read + to_facts of a v4 bundle, and the data rows read() counts (annual observations with a Value, COROP
    areas included); Unusual (or KeyError, TypeError) for anything odd."""
    dimensions, observations, codes = bundle["Dimensions"], bundle["Observations"], bundle["codes"]
    if not (isinstance(dimensions, list) and isinstance(observations, list) and isinstance(codes, dict)
            and isinstance(bundle["MeasureCodes"], list)):
        raise fast.Unusual("layout")
    dimension_keys = [fast.text(d.get("Identifier")) for d in dimensions]
    if {"Measure", "Value", "source_line"} & set(dimension_keys):
        raise fast.Unusual("dimensions")
    measures = {}
    for measure in bundle["MeasureCodes"]:
        identifier = fast.text(measure.get("Identifier"))
        measures[identifier] = (fast.optional_text(measure.get("Title")) or identifier,
                                fast.optional_text(measure.get("Unit")) or "")
    other = [key for key in dimension_keys if key not in (time, geo)]
    facts = fast.FactRows(measures, other, [(key, fast.labeller(key, codes.get(key, []), "Identifier"))
                                            for key in other],
                          fast.provisional_periods(codes.get(time, []), "Identifier"))
    keys = {"Measure", "Value", *dimension_keys}
    data_rows = 0
    for line, observation in enumerate(observations, start=1):
        period_key = fast.yearly(observation, time, keys, line)
        if period_key is None:
            continue
        measure = observation["Measure"]
        if type(measure) is not str or measure not in measures:
            raise fast.Unusual(measure)  # the pandas path names it
        value = fast.number(observation["Value"])
        if value is not None:
            data_rows += 1
            facts.add(observation, measure, period_key, observation[geo], value, line)
    return facts, data_rows
