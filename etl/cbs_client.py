"""HTTP clients for CBS StatLine's two OData APIs: metadata, code lists and paged rows of one table.

Only HTTP lives here; etl/sources/cbs_odata.py (v3) and etl/sources/cbs_odata_v4.py (v4) read what it lands.
Both clients share one request path (_get: Dutch errors) and one pager (rows: every `@odata.nextLink` /
`odata.nextLink` is followed); retries with backoff on 429/5xx and dropped connections come from the shared
etl.fetch.session() that fetch passes in. Rows are requested per period, so no request nears a row cap.

- v3 (opendata.cbs.nl/ODataApi/odata/<table>): TableInfos, DataProperties, one entity set per dimension,
  TypedDataSet (wide: one column per measure). It refuses requests of more than 10,000 rows; a full page
  without a next link is continued with $skip.
- v4 (datasets.cbs.nl/odata/v1/CBS/<table>): Properties (a single object), Dimensions, MeasureCodes, one
  <Dimension>Codes set per dimension, Observations (long: one row per cell, Measure + Value). CBS pages it
  server-side with @odata.nextLink. The catalogue of every table is V4_CATALOGUE_URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import requests

from etl.cbs_tables import BUNDLE_MARKER, DIMENSION_TYPES, V4_BUNDLE_MARKER, CbsTable, time_and_geo
from etl.errors import FetchError
from etl.manifest import Manifest, read_manifest, sha256_of, write_manifest

BASE_URL = "https://opendata.cbs.nl/ODataApi/odata"
V4_BASE_URL = "https://datasets.cbs.nl/odata/v1/CBS"
V4_CATALOGUE_URL = f"{V4_BASE_URL}/Datasets"  # every table with Identifier, Title, Status, ObservationCount
PAGE_SIZE = 10_000  # OData v3's cap per request
TIMEOUT = (10, 120)
# TableInfos / Properties 'Status' values of tables CBS no longer updates (regular tables say 'Regulier').
ARCHIVED_STATUSES = {"gediscontinueerd", "gearchiveerd", "gestopt", "archief"}


class _ODataClient:
    """What both APIs share: one GET with Dutch errors naming the table, paging, status and period selection."""

    BASE: ClassVar[str]
    MARKER: ClassVar[str]  # the landed bundle's first key
    PAGE_SIZE: ClassVar[int | None] = None  # set when the API caps pages without always giving a next link
    WRONG_API_HINT: ClassVar[str] = ""

    def __init__(self, http: requests.Session, base_url: str | None = None):
        self.http = http
        self.base_url = (base_url or self.BASE).rstrip("/")

    def _get(self, table_id: str, url: str, params: dict[str, str] | None = None) -> dict:
        try:
            response = self.http.get(url, params=params, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise FetchError(f"CBS-tabel {table_id}: ophalen van {url} mislukt ({exc}). Probeer het later "
                             "opnieuw.") from exc
        if response.status_code == 404:
            raise FetchError(f"CBS-tabel {table_id} bestaat niet ({url} gaf 404). Controleer het tabelnummer in "
                             f"etl/cbs_tables.py{self.WRONG_API_HINT}.")
        if response.status_code >= 400:
            raise FetchError(f"CBS-tabel {table_id}: {url} gaf HTTP {response.status_code}. Probeer het later "
                             "opnieuw.")
        try:
            return response.json()
        except ValueError as exc:
            raise FetchError(f"CBS-tabel {table_id}: {url} gaf geen geldige JSON.") from exc

    def _url(self, table_id: str, entity: str) -> str:
        return f"{self.base_url}/{table_id}/{entity}"

    def origin(self, table_id: str) -> str:
        """The table's root URL, recorded in the manifest."""
        return f"{self.base_url}/{table_id}"

    def rows(self, table_id: str, entity: str, params: dict[str, str] | None = None) -> list[dict]:
        """Every row of an entity set, following the next link, or $skip when a capped page has none."""
        url, query = self._url(table_id, entity), dict(params or {})
        result: list[dict] = []
        skip = 0
        while True:
            page = self._get(table_id, url, query)
            values = page.get("value", [])
            result += values
            if next_link := page.get("odata.nextLink") or page.get("@odata.nextLink"):
                url, query = next_link, {}
            elif self.PAGE_SIZE and len(values) >= self.PAGE_SIZE:
                skip += len(values)
                url, query = self._url(table_id, entity), {**(params or {}), "$skip": str(skip),
                                                            "$top": str(self.PAGE_SIZE)}
            else:
                return result

    @staticmethod
    def _refuse_archived(table_id: str, status: object) -> None:
        if str(status or "").strip().lower() in ARCHIVED_STATUSES:
            raise FetchError(f"CBS-tabel {table_id} is gearchiveerd (status '{status}') en wordt niet meer "
                             "bijgewerkt. Zoek de opvolger op StatLine en vervang het nummer in etl/cbs_tables.py.")

    @staticmethod
    def _periods(keys: list[str], table: CbsTable, since: int | None) -> list[str]:
        first_year = max(y for y in (since, table.first_year, 0) if y is not None)
        return [k for k in keys if int(k[:4]) >= first_year]

    def _data(self, table: CbsTable, entity: str, periods: list[str], period_clause: str, region_clause: str,
              progress: Callable[[str], None] | None) -> list[dict]:
        """The rows of every period, one filtered (and paged) request each."""
        data: list[dict] = []
        for period in periods:
            clauses = [period_clause.format(period=period)]
            if region_clause:
                clauses.append(f"({region_clause})")
            if table.extra_filter:
                clauses.append(f"({table.extra_filter})")
            if progress:
                progress(f"{table.table_id} {period}")
            data += self.rows(table.table_id, entity, {"$filter": " and ".join(clauses)})
        return data

    def bundle(self, table: CbsTable, since: int | None = None,
               progress: Callable[[str], None] | None = None) -> dict:
        """Everything the reader needs about one table, as the API returned it."""
        raise NotImplementedError


class CbsClient(_ODataClient):
    """OData v3: reads one StatLine table's metadata and TypedDataSet rows."""

    BASE = BASE_URL
    PAGE_SIZE = PAGE_SIZE
    MARKER = BUNDLE_MARKER

    def table_info(self, table_id: str) -> dict:
        """The TableInfos record; raises FetchError when the table is archived."""
        rows = self._get(table_id, self._url(table_id, "TableInfos")).get("value", [])
        if not rows:
            raise FetchError(f"CBS-tabel {table_id}: TableInfos is leeg; de tabel bestaat niet (meer).")
        self._refuse_archived(table_id, rows[0].get("Status"))
        return rows[0]

    def bundle(self, table: CbsTable, since: int | None = None,
               progress: Callable[[str], None] | None = None) -> dict:
        """Metadata, dimension sets and the TypedDataSet rows of the configured regions and periods."""
        table_id = table.table_id
        info = self.table_info(table_id)
        properties = self.rows(table_id, "DataProperties")
        dimensions = {p["Key"]: self.rows(table_id, p["Key"]) for p in properties if p.get("Type") in DIMENSION_TYPES}
        periods = self._periods([p["Key"] for p in dimensions.get("Perioden", [])], table, since)
        regions = " or ".join(f"substringof('{prefix}',RegioS)" for prefix in table.regions)
        data = self._data(table, "TypedDataSet", periods, "Perioden eq '{period}'",
                          regions if "RegioS" in dimensions else "", progress)
        return {"TableInfos": info, "DataProperties": properties, "dimensions": dimensions, "TypedDataSet": data}


class CbsV4Client(_ODataClient):
    """OData v4 (datasets.cbs.nl): reads one table's Properties, dimensions, code lists and Observations."""

    BASE = V4_BASE_URL
    MARKER = V4_BUNDLE_MARKER
    WRONG_API_HINT = (" (staat de tabel alleen op de oude API opendata.cbs.nl, zet dan api=\"v3\"; de "
                      f"catalogus van de nieuwe API staat op {V4_CATALOGUE_URL})")

    def properties(self, table_id: str) -> dict:
        """The Properties object (a single entity, not a list); raises FetchError when the table is archived."""
        info = self._get(table_id, self._url(table_id, "Properties"))
        info = {k: v for k, v in info.items() if not k.startswith("@odata.")}
        if not info.get("Identifier"):
            raise FetchError(f"CBS-tabel {table_id}: Properties is leeg; de tabel bestaat niet (meer).")
        self._refuse_archived(table_id, info.get("Status"))
        return info

    def bundle(self, table: CbsTable, since: int | None = None,
               progress: Callable[[str], None] | None = None) -> dict:
        """Properties, Dimensions, MeasureCodes, every <Dimension>Codes set and the Observations selected."""
        table_id = table.table_id
        info = self.properties(table_id)
        dimensions = self.rows(table_id, "Dimensions")
        measures = self.rows(table_id, "MeasureCodes")
        codes = {d["Identifier"]: self.rows(table_id, f"{d['Identifier']}Codes") for d in dimensions
                 if d.get("ContainsCodes", True)}
        time, geo = time_and_geo(dimensions)
        if time is None or geo is None:
            raise FetchError(f"CBS-tabel {table_id} heeft geen {'perioden' if time is None else 'regio'}-dimensie "
                             "en past niet in fact_cbs; haal hem uit etl/cbs_tables.py.")
        periods = self._periods([c["Identifier"] for c in codes.get(time, [])], table, since)
        regions = " or ".join(f"startswith({geo},'{prefix}')" for prefix in table.regions)
        data = self._data(table, "Observations", periods, f"{time} eq '{{period}}'", regions, progress)
        return {"Properties": info, "Dimensions": dimensions, "MeasureCodes": measures, "codes": codes,
                "Observations": data}


CLIENTS: dict[str, type[_ODataClient]] = {"v3": CbsClient, "v4": CbsV4Client}  # keyed by CbsTable.api


def write_bundle(path: Path, table_id: str, bundle: dict, marker: str = BUNDLE_MARKER) -> Path:
    """Write a bundle as JSON whose first line names the table, so the build recognises it by its first line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [f'{{"{marker}": {json.dumps(table_id)}']
    body += [f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
             for key, value in bundle.items()]
    path.write_text(",\n".join(body) + "\n}\n", encoding="utf-8")
    return path


def fetch_tables(http: requests.Session, raw_dir: Path, tables: list[CbsTable], raw_subdir: str,
                 since: int | None = None, force: bool = False,
                 base_urls: dict[str, str] | None = None) -> list[Path]:
    """Land one bundle per table under raw_dir/raw_subdir/<table>/ with a manifest, through the table's API.

    A table that fails does not stop the others; afterwards one FetchError lists every failed table.
    `base_urls` maps 'v3'/'v4' to another root (tests); by default the public APIs.
    """
    clients = {api: cls(http, (base_urls or {}).get(api)) for api, cls in CLIENTS.items()}
    landed, errors = [], []
    for table in tables:
        client = clients[table.api]
        final = raw_dir / raw_subdir / table.table_id / f"{table.table_id}.json"
        origin = client.origin(table.table_id)
        manifest = read_manifest(final)
        if final.exists() and manifest and manifest.origin_url == origin and not force:
            landed.append(final)
            continue
        try:
            bundle = client.bundle(table, since)
        except FetchError as exc:
            errors.append(str(exc))
            continue
        part = final.with_name(final.name + ".part")
        write_bundle(part, table.table_id, bundle, client.MARKER)
        part.replace(final)
        write_manifest(final, Manifest(origin_url=origin,
                                       retrieved_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
                                       sha256=sha256_of(final)))
        landed.append(final)
    if errors:
        raise FetchError("\n".join(errors))
    return landed
