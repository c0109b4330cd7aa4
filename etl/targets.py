"""What one published file to download is; shared by the sources, which declare them, and the downloaders.

Outside the etl.sources package on purpose: importing anything in that package loads the whole source registry,
and the downloaders (etl/download.py, etl/ckan.py) must not, or the registry would import itself through them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FetchTarget:
    """One published file to download: its source group, URL, and where it lands in the raw folder."""

    source: str  # duo | cbs | uwv | geo: the group `python -m etl fetch --source` selects
    url: str
    raw_subdir: str
    file_name: str
    last_year: int | None = None  # the latest year the file covers; `fetch --since` skips older files
