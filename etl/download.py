"""Download one published file into the raw folder, with its manifest and resume of a partial download.

Knows nothing of the source registry (etl.sources), so the CKAN fetcher and any source may use it; etl/fetch.py
walks the registry and calls it for every target.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import requests
from tqdm import tqdm

from etl.errors import FetchError
from etl.manifest import Manifest, read_manifest, sha256_of, write_manifest
from etl.targets import FetchTarget

CHUNK = 1 << 16
PARTIAL_DIR = ".partial"  # hidden: etl/rawfiles.py skips dot-folders, so a half download is never built
TIMEOUT = (10, 60)  # connect, read seconds


def partial_path(raw_dir: Path, target: FetchTarget) -> Path:
    """Where an unfinished download waits: in a hidden folder the build never reads."""
    return raw_dir / PARTIAL_DIR / target.raw_subdir / f"{target.file_name}.part"


def _content_range(header: str | None) -> tuple[int | None, int | None]:
    """(first byte, total size) from 'bytes 100-199/200' or 'bytes */200'."""
    match = re.match(r"bytes (?:(\d+)-\d+|\*)/(\d+|\*)", header or "")
    if not match:
        return None, None
    first, total = match.groups()
    return (int(first) if first else None), (int(total) if total and total != "*" else None)


def download(http: requests.Session, target: FetchTarget, raw_dir: Path, force: bool = False,
             progress: bool = True) -> Path:
    """Fetch one target into the raw folder with its manifest; returns the file's path.

    An interrupted download resumes with a Range request, but only with an If-Range validator (ETag or
    Last-Modified) from the first response, so a file that changed on the server is never spliced together.
    """
    final = raw_dir / target.raw_subdir / target.file_name
    manifest = read_manifest(final)
    if final.exists() and manifest and manifest.origin_url == target.url and not force:
        return final
    part = partial_path(raw_dir, target)
    meta_path = part.with_name(part.name + ".json")
    part.parent.mkdir(parents=True, exist_ok=True)
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    if force or meta.get("url") != target.url or not meta.get("validator"):
        part.unlink(missing_ok=True)
    try:
        for _ in range(2):  # a second attempt from byte 0 when the part cannot be resumed
            offset = part.stat().st_size if part.exists() else 0
            headers = {"Range": f"bytes={offset}-", "If-Range": meta["validator"]} if offset else {}
            with http.get(target.url, headers=headers, stream=True, timeout=TIMEOUT) as response:
                first, total = _content_range(response.headers.get("Content-Range"))
                if response.status_code == 416 and total == offset:
                    break  # the part already holds the whole file
                if response.status_code == 416 or (response.status_code == 206 and first != offset):
                    part.unlink()
                    continue
                response.raise_for_status()
                if response.status_code != 206:  # a full answer: the file changed or Range is not supported
                    offset = 0
                    validator = response.headers.get("ETag", "")
                    meta = {"url": target.url, "validator": validator if validator and not validator.startswith(
                        "W/") else response.headers.get("Last-Modified")}
                    meta_path.write_text(json.dumps(meta), encoding="utf-8")
                size = total or (int(response.headers.get("Content-Length", 0)) + offset) or None
                with part.open("ab" if offset else "wb") as handle, tqdm(
                    total=size, initial=offset, unit="B", unit_scale=True, desc=target.file_name,
                    disable=not progress,
                ) as bar:
                    for chunk in response.iter_content(CHUNK):
                        handle.write(chunk)
                        bar.update(len(chunk))
                break
    except requests.RequestException as exc:
        raise FetchError(
            f"{target.url}: downloaden mislukt ({exc}). Probeer het later opnieuw; een gedeeltelijke download "
            f"gaat dan verder waar hij stopte."
        ) from exc
    final.parent.mkdir(parents=True, exist_ok=True)
    part.replace(final)
    meta_path.unlink(missing_ok=True)
    write_manifest(final, Manifest(origin_url=target.url,
                                   retrieved_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
                                   sha256=sha256_of(final)))
    return final
