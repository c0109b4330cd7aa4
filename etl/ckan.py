"""Files of a data.overheid.nl dataset, discovered through its CKAN action API and landed with etl.download.download.

data.overheid.nl runs CKAN; `GET <CKAN_BASE_URL>/package_show?id=<dataset>` answers
`{"help": ..., "success": true, "result": {..., "resources": [{"id", "name", "url", "format", "size",
"last_modified", ...}]}}`, or `"success": false` with `"error": {"__type", "message"}` (HTTP 404 for an unknown
dataset). Its DCAT-AP-DONL schema fills `format` from the EU file-type list, so a CSV resource says either `CSV`
or `http://publications.europa.eu/resource/authority/file-type/CSV`; both are read as CSV.

Only CSV and ZIP resources are landed (documentation PDFs and landing pages are skipped). A CSV goes straight into
the source's raw folder. A ZIP is downloaded into a hidden folder the build never reads (etl/rawfiles.py skips
dot-folders) and its CSV members are unpacked into `<raw_subdir>/<archive stem>/`, each with a manifest whose
origin_url is `<zip url>#<member>`. Retries with backoff come from the etl.fetch.session() the caller passes in.
"""

from __future__ import annotations

import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlparse

import requests

from etl.download import download
from etl.errors import FetchError
from etl.manifest import Manifest, manifest_path, read_manifest, sha256_of, write_manifest
from etl.targets import FetchTarget

CKAN_BASE_URL = "https://data.overheid.nl/data/api/3/action"
TIMEOUT = (10, 60)
DATA_FORMATS = {"CSV": ".csv", "ZIP": ".zip"}
ARCHIVE_DIR = ".archives"  # hidden: the build never reads a ZIP, only the CSVs unpacked from it
# Zip-bomb guard. zipfile never inflates a member past its declared size, so checking the declared sizes suffices.
MAX_UNPACKED = 8 * 2**30  # bytes of CSV one archive may unpack to
MAX_RATIO = 200  # a CSV compresses 5-20 times; hundreds of times is a crafted archive

# A year 2000-2099 standing alone or starting a date (2023, 2023-05-16, 20230516), not part of a longer number.
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:[-_.]?(?:0[1-9]|1[0-2])(?:[-_.]?(?:0[1-9]|[12]\d|3[01]))?)?(?!\d)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Resource:
    """One CKAN resource of a dataset, as far as fetching needs it."""

    id: str
    name: str
    url: str
    format: str  # normalised: 'CSV', 'ZIP', 'PDF', ... ('' when neither format nor URL tells)


def package_url(dataset_id: str, base_url: str = CKAN_BASE_URL) -> str:
    """The package_show URL of a dataset (named in every error message)."""
    return f"{base_url.rstrip('/')}/package_show?id={quote(dataset_id)}"


def package_resources(http: requests.Session, dataset_id: str, base_url: str = CKAN_BASE_URL) -> list[Resource]:
    """The resources CKAN lists for a dataset; FetchError (Dutch, naming dataset and URL) when CKAN fails."""
    url = package_url(dataset_id, base_url)
    where = f"data.overheid.nl-dataset '{dataset_id}' ({url})"
    try:
        response = http.get(url, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise FetchError(f"{where}: de bestandenlijst ophalen is mislukt ({exc}). Probeer het later opnieuw.") \
            from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    error = _ckan_error(body)
    if response.status_code == 404:
        raise FetchError(f"{where}: de dataset bestaat niet (meer) (HTTP 404{error}). Controleer de dataset-id "
                         "op data.overheid.nl.")
    if response.status_code >= 400:
        raise FetchError(f"{where}: CKAN gaf HTTP {response.status_code}{error}. Probeer het later opnieuw.")
    if not isinstance(body, dict):
        raise FetchError(f"{where}: het antwoord is geen geldige CKAN-JSON.")
    if body.get("success") is not True:
        raise FetchError(f"{where}: CKAN meldt dat het verzoek mislukte{error or ' (success=false)'}.")
    resources = (body.get("result") or {}).get("resources")
    if not isinstance(resources, list):
        raise FetchError(f"{where}: het antwoord bevat geen lijst 'resources'.")
    return [Resource(str(r.get("id") or ""), str(r.get("name") or ""), str(r.get("url") or "").strip(),
                     file_format(r)) for r in resources if isinstance(r, dict)]


def _ckan_error(body: object) -> str:
    """'; <type>: <message>' from a CKAN error body, '' when there is none."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ""
    parts = [str(error[key]) for key in ("__type", "message") if error.get(key)]
    return f"; {': '.join(parts)}" if parts else ""


def file_format(resource: dict) -> str:
    """'CSV', 'ZIP', ... from the resource's format (a plain name, a MIME type or an EU file-type URI), else
    from the extension of its URL."""
    declared = str(resource.get("format") or "").strip().rstrip("/").rsplit("/", 1)[-1].upper()
    if declared:
        return declared
    suffix = PurePosixPath(urlparse(str(resource.get("url") or "")).path).suffix.lower()
    return next((fmt for fmt, ext in DATA_FORMATS.items() if ext == suffix), suffix.lstrip(".").upper())


def last_year(*texts: str) -> int | None:
    """The latest year a resource name or URL carries (2019-2023, 20230516); None when it carries none."""
    years = [int(m.group(1)) for text in texts for m in _YEAR.finditer(text)]
    return max(years) if years else None


def file_name(resource: Resource) -> str:
    """A safe local file name: the URL's last path segment, else the resource name, with the format's suffix."""
    extension = DATA_FORMATS[resource.format]
    base = unquote(PurePosixPath(urlparse(resource.url).path).name)
    if not base.lower().endswith(extension):
        base = (resource.name or resource.id or "bestand") + extension
    stem = _UNSAFE.sub("_", base[: -len(extension)]).strip("._") or "bestand"
    return stem + extension


def data_targets(resources: list[Resource], group: str, raw_subdir: str,
                 since: int | None = None) -> tuple[list[FetchTarget], list[Resource]]:
    """FetchTargets for the CSV and ZIP resources (ZIPs into the hidden archive folder) and the resources skipped
    as not data. `since` drops resources whose name or URL says they end before that year."""
    targets: list[FetchTarget] = []
    skipped: list[Resource] = []
    names: set[tuple[str, str]] = set()
    for resource in resources:
        if resource.format not in DATA_FORMATS or not resource.url:
            skipped.append(resource)
            continue
        year = last_year(resource.name, unquote(urlparse(resource.url).path))
        if since and year and year < since:
            continue
        subdir = f"{ARCHIVE_DIR}/{raw_subdir}" if resource.format == "ZIP" else raw_subdir
        name = file_name(resource)
        if (subdir, name) in names:  # two resources with one file name: keep both apart
            name = f"{_UNSAFE.sub('_', resource.id)[:8] or len(names)}_{name}"
        names.add((subdir, name))
        targets.append(FetchTarget(group, resource.url, subdir, name, year))
    return targets, skipped


def unpack_csvs(archive: Path, destination: Path, origin_url: str, force: bool = False) -> list[Path]:
    """Unpack the CSV members of a ZIP into destination, each with a manifest; members already unpacked from the
    same URL are kept unless force. FetchError (Dutch) when the archive is broken or holds no CSV."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")
                       and not m.filename.startswith("__MACOSX/")]
            if not members:
                raise FetchError(f"{origin_url}: het ZIP-bestand bevat geen CSV-bestand "
                                 f"(wel: {', '.join(bundle.namelist()[:5]) or 'niets'}).")
            total = sum(m.file_size for m in members)
            crafted = [m.filename for m in members  # small members may compress well by chance
                       if m.file_size > 2**20 and m.file_size > MAX_RATIO * m.compress_size]
            if total > MAX_UNPACKED or crafted:
                raise FetchError(f"{origin_url}: het ZIP-bestand wordt uitgepakt {total / 2**30:.1f} GiB"
                                 + (f" en {', '.join(crafted[:3])} is verdacht sterk gecomprimeerd" if crafted else "")
                                 + f" (grens {MAX_UNPACKED / 2**30:.0f} GiB, {MAX_RATIO}×); het is niet uitgepakt. "
                                 "Controleer het bestand op data.overheid.nl.")
            # Only the member's base name (or, when two members share one, its whole path flattened with '_'):
            # a path in the archive never writes outside destination.
            bases = [PurePosixPath(m.filename).name for m in members]
            landed = []
            for member, base in zip(members, bases, strict=True):
                flat = base if bases.count(base) == 1 else member.filename.replace("/", "_")
                target = destination / (_UNSAFE.sub("_", flat).strip("._") or "bestand.csv")
                origin = f"{origin_url}#{member.filename}"
                manifest = read_manifest(target)
                if target.exists() and manifest and manifest.origin_url == origin and not force:
                    landed.append(target)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_name(target.name + ".part")  # etl/rawfiles.py skips .part files
                with bundle.open(member) as source, part.open("wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
                part.replace(target)
                write_manifest(target, Manifest(origin_url=origin,
                                                retrieved_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
                                                sha256=sha256_of(target)))
                landed.append(target)
            return landed
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        # A broken archive must not be kept as finished, or the next fetch would skip it and fail again.
        archive.unlink(missing_ok=True)
        manifest_path(archive).unlink(missing_ok=True)
        raise FetchError(f"{origin_url}: het ZIP-bestand is beschadigd of onleesbaar ({exc}); het is verwijderd, "
                         "haal het opnieuw op.") from exc
    except OSError as exc:
        raise FetchError(f"{origin_url}: uitpakken naar {destination} mislukt ({exc}).") from exc


def fetch_dataset(http: requests.Session, raw_dir: Path, dataset_id: str, group: str, raw_subdir: str,
                  label: str, since: int | None = None, force: bool = False, progress: bool = True,
                  base_url: str = CKAN_BASE_URL) -> list[Path]:
    """Land every CSV (and the CSVs inside every ZIP) of a data.overheid.nl dataset under raw_dir/raw_subdir.

    One resource that fails does not stop the others; afterwards one FetchError lists every failure.
    """
    raw_dir = Path(raw_dir)
    resources = package_resources(http, dataset_id, base_url)
    targets, skipped = data_targets(resources, group, raw_subdir, since)
    if not targets and not any(r.format in DATA_FORMATS for r in resources):
        seen = ", ".join(sorted({f"{r.name or r.id} ({r.format or 'onbekend formaat'})" for r in skipped}))
        raise FetchError(f"{label} ({package_url(dataset_id, base_url)}): de dataset noemt geen CSV- of "
                         f"ZIP-bestand ({seen or 'geen enkel bestand'}).")
    landed, errors = [], []
    for target in targets:
        try:
            path = download(http, target, raw_dir, force=force, progress=progress)
            if target.raw_subdir.startswith(ARCHIVE_DIR):
                landed += unpack_csvs(path, raw_dir / raw_subdir / Path(target.file_name).stem, target.url, force)
            else:
                landed.append(path)
        except FetchError as exc:
            errors.append(f"{label}, {target.file_name}: {exc}")
    if errors:
        raise FetchError("\n".join(errors))
    return landed
