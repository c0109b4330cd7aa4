"""What the app and the ETL agree on about uploaded workbooks: the largest file accepted, and the upload store's layout.

The store (etl/workbooks/store.py writes it, the Upload page reads it) lies in one folder, by default
warehouse.paths.DEFAULT_UPLOADS:
    <upload_id>/<original file name>   the workbook exactly as uploaded (original_path)
    <upload_id>/upload.json            its metadata (METADATA)
    events.jsonl                       the append-only event log (events_path)
    .cache/                            validation results of kept workbooks (CACHE_DIR)
Defined here once, where both may import it (pages -> ui -> warehouse <- etl).
"""

from __future__ import annotations

from pathlib import Path

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # etl/workbooks/safety.py's default max_bytes; the Upload page states it
EVENTS = "events.jsonl"
METADATA = "upload.json"
CACHE_DIR = ".cache"


def events_path(uploads_dir: Path) -> Path:
    """The store's event log: its time of change is the time of the last commit, withdrawal, review or lock."""
    return Path(uploads_dir) / EVENTS


def original_path(uploads_dir: Path, upload_id: str, file_name: str) -> Path:
    """Where a kept upload's workbook lies, byte for byte as uploaded."""
    return Path(uploads_dir) / upload_id / file_name
