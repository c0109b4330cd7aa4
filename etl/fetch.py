"""Download raw files from the publishers' public URLs into the raw folder, with manifest and resume."""

from __future__ import annotations

from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from etl.download import download
from etl.errors import FetchError
from etl.sources import SOURCES
from etl.targets import FetchTarget

USER_AGENT = "techniekmonitor-flevoland/0.1 (+https://www.flevoland.nl)"


# Every static file any source publishes; API sources bring their own fetch(...) (see etl/sources/__init__.py).
TARGETS: list[FetchTarget] = [t for module in SOURCES for t in getattr(module, "FETCH_TARGETS", [])]


def session() -> requests.Session:
    """HTTP session that retries transient failures (429, 5xx, dropped connections) with backoff."""
    retry = Retry(total=4, backoff_factor=1.0, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=("GET", "HEAD"), respect_retry_after_header=True)
    http = requests.Session()
    http.mount("https://", HTTPAdapter(max_retries=retry))
    http.mount("http://", HTTPAdapter(max_retries=retry))
    http.headers["User-Agent"] = USER_AGENT
    return http


def fetch(raw_dir: Path, sources: list[str] | None = None, force: bool = False, progress: bool = True,
          http: requests.Session | None = None, since: int | None = None) -> tuple[list[Path], list[str]]:
    """Fetch every target of the chosen source groups; one failing target does not stop the others.

    Returns the files fetched and one Dutch error message per target (or API source) that failed.
    """
    http = http or session()
    fetched, errors = [], []
    for target in TARGETS:
        if (sources and target.source not in sources) or (since and target.last_year and target.last_year < since):
            continue
        try:
            fetched.append(download(http, target, Path(raw_dir), force=force, progress=progress))
        except FetchError as exc:
            errors.append(str(exc))
    for module in SOURCES:
        custom = getattr(module, "fetch", None)
        if custom is None or (sources and module.FETCH_GROUP not in sources):
            continue
        try:
            fetched += custom(http, Path(raw_dir), since=since, force=force, progress=progress)
        except FetchError as exc:
            errors.append(str(exc))
    return fetched, errors
