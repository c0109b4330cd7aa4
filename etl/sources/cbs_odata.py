"""CBS StatLine tables fetched through the OData v3 API (etl/cbs_client.py), one JSON bundle per table.

A bundle (data/raw/cbs/odata/<table>/<table>.json) holds the API's own records unchanged: TableInfos,
DataProperties (measures are the 'Topic' properties, with Unit), one entity set per dimension (Key, Title and,
for Perioden, Status 'Voorlopig'/'Definitief') and the TypedDataSet rows. Its first line names the table
('{"cbs_odata_v3": "03759ned",'), which is how the build recognises it. This dataset holds calendar years
(period keys 2023JJ00); quarter and month rows of a table are not loaded here (see docs/sources/cbs_statline.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from etl.cbs_tables import BUNDLE_MARKER, CBS_TABLES
from etl.checks import Check
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import cbs_common as common
from etl.sources.base import Dataset

if TYPE_CHECKING:  # requests is imported only when fetching, not by every build
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
    grain=common.GRAIN,
)

# The generic fact_cbs checks are declared here, once for all CBS sources.
CHECKS: list[Check] = [*common.generic_checks(), *common.source_checks(DATASET.dataset_id)]


def fetch(http: requests.Session, raw_dir: Path, since: int | None = None, force: bool = False,
          progress: bool = True) -> list[Path]:
    """Land every table of etl/cbs_tables.py as a bundle with manifest (FetchError lists the tables that failed)."""
    from etl.cbs_client import fetch_tables  # imports requests; only `fetch` needs it

    return fetch_tables(http, Path(raw_dir), CBS_TABLES, DATASET.raw_subdir, since=since, force=force)


def recognises(header: list[str]) -> bool:
    """A bundle written by etl/cbs_client.py: its first line starts with the marker key."""
    return bool(header) and header[0].startswith(f'{{"{BUNDLE_MARKER}"')


def edition_key(header: list[str], path: Path) -> str:
    """Bundles of different tables cover the same years without competing for them."""
    return header[0].split(":", 1)[-1].strip().strip('"').lower()


def _load(path: Path) -> dict:
    try:
        bundle = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise RawFileError(path, f"geen geldige JSON ({exc}); haal de tabel opnieuw op met 'python -m etl fetch "
                                 "--source cbs --force'", line) from exc
    for key in ("DataProperties", "dimensions", "TypedDataSet"):
        if key not in bundle:
            raise RawFileError(path, "onderdeel ontbreekt in de CBS-bundel; haal de tabel opnieuw op", None, key)
    return bundle


def _year_keys(bundle: dict) -> list[str]:
    return sorted({row.get(PERIOD_KEY, "") for row in bundle["TypedDataSet"]} - {""})


def periods(header: list[str], path: Path) -> list[str]:
    """The calendar years the bundle's rows cover."""
    keys = _year_keys(_load(path))
    return sorted(common.period_from_key(k)[0] for k in keys if k[4:6] == "JJ")


def read(path: Path) -> pd.DataFrame:
    """One row per TypedDataSet row × measure with a value; source_line is the 1-based TypedDataSet row number."""
    bundle = _load(path)
    table_id = json.loads(path.open(encoding="utf-8").readline().rstrip().rstrip(",") + "}")[BUNDLE_MARKER]
    properties = bundle["DataProperties"]
    measures = [p for p in properties if p.get("Type") == "Topic"]
    dimension_keys = [p["Key"] for p in properties if p.get("Type") in ("Dimension", "GeoDimension", "TimeDimension",
                                                                         "GeoDetail")]
    for key in (REGION_KEY, PERIOD_KEY):
        if key not in dimension_keys:
            raise RawFileError(path, "dimensie ontbreekt in DataProperties; deze tabel heeft geen regio's of "
                                     "perioden en past niet in fact_cbs", None, key)
    rows = pd.DataFrame(bundle["TypedDataSet"])
    for key in [*dimension_keys, *(m["Key"] for m in measures)]:
        if key not in rows.columns:
            raise RawFileError(path, "kolom ontbreekt in TypedDataSet", 1, key)
    rows["source_line"] = range(1, len(rows) + 1)
    rows = rows[rows[PERIOD_KEY].str[4:6] == "JJ"]
    status = {p["Key"]: str(p.get("Status", "")).lower() == "voorlopig" for p in bundle["dimensions"].get(PERIOD_KEY,
                                                                                                         [])}
    other = [k for k in dimension_keys if k not in (REGION_KEY, PERIOD_KEY)]
    dims = pd.Series("", index=rows.index)
    for i, key in enumerate(other):  # keys become their titles, as in the label exports ('Leeftijd=15 tot 20 jaar')
        titles = {d["Key"].strip(): d.get("Title", d["Key"]) for d in bundle["dimensions"].get(key, [])}
        keys = rows[key].astype(str).str.strip()
        dims = dims + ("|" if i else "") + key + "=" + keys.map(titles).fillna(keys)
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
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["source_line"])
    long["table_id"] = table_id
    long["period"] = long["period_key"].str[:4]
    long["provisional"] = long["period_key"].map(status).fillna(False).astype(bool)
    return long


def to_facts(long: pd.DataFrame, path: Path, relative_path: str,
             resolver: MunicipalityResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RegioS keys to region codes (NL01 → NL); COROP and other areas the region table lacks are dropped."""
    codes = long["region_key"].map(common.region_from_key)
    long = long.assign(region_code=codes)[codes.notna()]
    return common.to_fact_frame(long, DATASET.dataset_id, relative_path)
