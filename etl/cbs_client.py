"""HTTP client for CBS StatLine's OData v3 API: table metadata, dimension sets and paged TypedDataSet rows.

Only HTTP lives here; etl/sources/cbs_odata.py reads what it lands. Retries with backoff come from the shared
etl.fetch.session(). OData v3 refuses requests of more than 10,000 rows, so rows are requested per period and
every page's `odata.nextLink` is followed; a full page without one is continued with $skip.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests

from etl.cbs_tables import BUNDLE_MARKER, CbsTable
from etl.errors import FetchError
from etl.manifest import Manifest, read_manifest, sha256_of, write_manifest

BASE_URL = "https://opendata.cbs.nl/ODataApi/odata"
PAGE_SIZE = 10_000  # the API's cap per request
TIMEOUT = (10, 120)
# TableInfos 'Status' values of tables CBS no longer updates (regular tables say 'Regulier').
ARCHIVED_STATUSES = {"gediscontinueerd", "gearchiveerd", "gestopt", "archief"}
DIMENSION_TYPES = {"Dimension", "GeoDimension", "TimeDimension", "GeoDetail"}


class CbsClient:
    """Reads one StatLine table's metadata and rows; every failure becomes a Dutch FetchError naming the table."""

    def __init__(self, http: requests.Session, base_url: str = BASE_URL):
        self.http = http
        self.base_url = base_url.rstrip("/")

    def _get(self, table_id: str, url: str, params: dict[str, str] | None = None) -> dict:
        try:
            response = self.http.get(url, params=params, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise FetchError(f"CBS-tabel {table_id}: ophalen van {url} mislukt ({exc}). Probeer het later "
                             "opnieuw.") from exc
        if response.status_code == 404:
            raise FetchError(f"CBS-tabel {table_id} bestaat niet ({url} gaf 404). Controleer het tabelnummer in "
                             "etl/cbs_tables.py.")
        if response.status_code >= 400:
            raise FetchError(f"CBS-tabel {table_id}: {url} gaf HTTP {response.status_code}. Probeer het later "
                             "opnieuw.")
        try:
            return response.json()
        except ValueError as exc:
            raise FetchError(f"CBS-tabel {table_id}: {url} gaf geen geldige JSON.") from exc

    def _url(self, table_id: str, entity: str) -> str:
        return f"{self.base_url}/{table_id}/{entity}"

    def table_info(self, table_id: str) -> dict:
        """The TableInfos record; raises FetchError when the table is archived."""
        rows = self._get(table_id, self._url(table_id, "TableInfos")).get("value", [])
        if not rows:
            raise FetchError(f"CBS-tabel {table_id}: TableInfos is leeg; de tabel bestaat niet (meer).")
        info = rows[0]
        if str(info.get("Status", "")).strip().lower() in ARCHIVED_STATUSES:
            raise FetchError(f"CBS-tabel {table_id} is gearchiveerd (status '{info['Status']}') en wordt niet meer "
                             "bijgewerkt. Zoek de opvolger op StatLine en vervang het nummer in etl/cbs_tables.py.")
        return info

    def rows(self, table_id: str, entity: str, params: dict[str, str] | None = None) -> list[dict]:
        """Every row of an entity set, following odata.nextLink, or $skip when a full page has no link."""
        url, query = self._url(table_id, entity), dict(params or {})
        result: list[dict] = []
        skip = 0
        while True:
            page = self._get(table_id, url, query)
            values = page.get("value", [])
            result += values
            if next_link := page.get("odata.nextLink") or page.get("@odata.nextLink"):
                url, query = next_link, {}
            elif len(values) >= PAGE_SIZE:
                skip += len(values)
                url, query = self._url(table_id, entity), {**(params or {}), "$skip": str(skip),
                                                            "$top": str(PAGE_SIZE)}
            else:
                return result

    def bundle(self, table: CbsTable, since: int | None = None,
               progress: Callable[[str], None] | None = None) -> dict:
        """Metadata, dimension sets and the TypedDataSet rows of the configured regions and periods."""
        table_id = table.table_id
        info = self.table_info(table_id)
        properties = self.rows(table_id, "DataProperties")
        dimensions = {p["Key"]: self.rows(table_id, p["Key"]) for p in properties if p.get("Type") in DIMENSION_TYPES}
        first_year = max(y for y in (since, table.first_year, 0) if y is not None)
        periods = [p["Key"] for p in dimensions.get("Perioden", []) if int(p["Key"][:4]) >= first_year]
        region_filter = " or ".join(f"substringof('{prefix}',RegioS)" for prefix in table.regions)
        data: list[dict] = []
        for period in periods:
            clauses = [f"Perioden eq '{period}'"]
            if "RegioS" in dimensions:
                clauses.append(f"({region_filter})")
            if table.extra_filter:
                clauses.append(f"({table.extra_filter})")
            if progress:
                progress(f"{table_id} {period}")
            data += self.rows(table_id, "TypedDataSet", {"$filter": " and ".join(clauses)})
        return {"TableInfos": info, "DataProperties": properties, "dimensions": dimensions, "TypedDataSet": data}


def write_bundle(path: Path, table_id: str, bundle: dict) -> Path:
    """Write a bundle as JSON whose first line names the table, so the build recognises it by its first line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [f'{{"{BUNDLE_MARKER}": {json.dumps(table_id)}']
    body += [f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
             for key, value in bundle.items()]
    path.write_text(",\n".join(body) + "\n}\n", encoding="utf-8")
    return path


def fetch_tables(http: requests.Session, raw_dir: Path, tables: list[CbsTable], raw_subdir: str,
                 since: int | None = None, force: bool = False, base_url: str = BASE_URL) -> list[Path]:
    """Land one bundle per table under raw_dir/raw_subdir/<table>/ with a manifest; failures are collected.

    A table that fails does not stop the others; afterwards one FetchError lists every failed table.
    """
    client = CbsClient(http, base_url)
    landed, errors = [], []
    for table in tables:
        final = raw_dir / raw_subdir / table.table_id / f"{table.table_id}.json"
        origin = f"{client.base_url}/{table.table_id}"
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
        write_bundle(part, table.table_id, bundle)
        part.replace(final)
        write_manifest(final, Manifest(origin_url=origin,
                                       retrieved_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
                                       sha256=sha256_of(final)))
        landed.append(final)
    if errors:
        raise FetchError("\n".join(errors))
    return landed
