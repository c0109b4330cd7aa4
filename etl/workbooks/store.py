"""The kept uploads: every accepted workbook byte for byte, its metadata, and an append-only event log.

Layout of the uploads folder (default data/uploads/):
    <upload_id>/<original file name>   the workbook exactly as uploaded
    <upload_id>/upload.json            kind, sha256, uploader, time, subproject, month, row counts
    events.jsonl                       one line per commit or withdrawal, never rewritten
An upload's status follows from these: withdrawn (a withdraw event), superseded (a later active upload of the same
plan, or of the same subproject × month), else active. Nothing is ever deleted, so any state can be rebuilt.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from etl.manifest import sha256_of
from warehouse.paths import PROJECT_ROOT

DEFAULT_UPLOADS = PROJECT_ROOT / "data" / "uploads"
EVENTS = "events.jsonl"
METADATA = "upload.json"


@dataclass(frozen=True)
class Upload:
    """One kept workbook and what it holds."""

    upload_id: str
    kind: str  # plan | monthly
    file_name: str
    sha256: str
    uploaded_by: str
    uploaded_at: str  # ISO 8601, UTC
    subproject: str | None = None
    month: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    demo: bool = False  # written by `python -m etl demo`, never by a person

    def key(self) -> tuple[str, str | None, str | None]:
        """What a later upload supersedes: the plan as a whole, or one subproject × month."""
        return (self.kind, None, None) if self.kind == "plan" else (self.kind, self.subproject, self.month)


@contextmanager
def locked(uploads_dir: Path) -> Iterator[None]:
    """Serialise commits and withdrawals across threads and processes (an exclusive lock on a file)."""
    uploads_dir.mkdir(parents=True, exist_ok=True)
    with (uploads_dir / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def kept(uploads_dir: Path) -> list[Upload]:
    """Every kept upload, oldest first."""
    uploads = []
    for meta in sorted(uploads_dir.glob(f"*/{METADATA}")):
        uploads.append(Upload(**json.loads(meta.read_text(encoding="utf-8"))))
    return sorted(uploads, key=lambda u: (u.uploaded_at, u.upload_id))


def events(uploads_dir: Path) -> list[dict]:
    """The event log, in order."""
    path = uploads_dir / EVENTS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def statuses(uploads: list[Upload], log: list[dict]) -> dict[str, str]:
    """upload_id → active | superseded | withdrawn."""
    withdrawn = {e["upload_id"] for e in log if e["event"] == "withdraw"}
    result, latest = {}, {}
    for upload in uploads:  # oldest first: a later active upload supersedes the earlier one with the same key
        if upload.upload_id in withdrawn:
            result[upload.upload_id] = "withdrawn"
            continue
        previous = latest.get(upload.key())
        if previous:
            result[previous] = "superseded"
        latest[upload.key()] = upload.upload_id
        result[upload.upload_id] = "active"
    return result


def file_of(uploads_dir: Path, upload: Upload) -> Path:
    """The kept original workbook."""
    return uploads_dir / upload.upload_id / upload.file_name


def keep(uploads_dir: Path, source: Path, kind: str, uploaded_by: str, subproject: str | None, month: str | None,
         rows: dict[str, int], now: datetime | None = None, demo: bool = False) -> Upload:
    """Copy the workbook into the uploads folder with its metadata and log the commit; returns the upload."""
    now = now or datetime.now(UTC)
    sha = sha256_of(source)
    upload = Upload(f"{now:%Y%m%dT%H%M%S%f}-{sha[:8]}", kind, source.name, sha, uploaded_by,
                    now.replace(microsecond=0).isoformat(), subproject, month, rows, demo)
    staging = uploads_dir / f".{upload.upload_id}"
    staging.mkdir(parents=True)
    shutil.copyfile(source, staging / source.name)
    (staging / METADATA).write_text(json.dumps(asdict(upload), indent=2, ensure_ascii=False), encoding="utf-8")
    staging.rename(uploads_dir / upload.upload_id)  # appears whole or not at all
    log(uploads_dir, "commit", upload.upload_id, uploaded_by, now)
    return upload


def log(uploads_dir: Path, event: str, upload_id: str, by: str, now: datetime | None = None) -> None:
    """Append one event line (commit or withdraw)."""
    now = now or datetime.now(UTC)
    line = json.dumps({"event": event, "upload_id": upload_id, "by": by,
                       "at": now.replace(microsecond=0).isoformat()}, ensure_ascii=False)
    with (uploads_dir / EVENTS).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def forget(uploads_dir: Path, upload: Upload) -> None:
    """Undo keep() when the warehouse update after it failed: the upload never happened."""
    shutil.rmtree(uploads_dir / upload.upload_id, ignore_errors=True)
    path = uploads_dir / EVENTS
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if json.loads(line).get("upload_id") != upload.upload_id]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
