"""Committing an upload and withdrawing one: kept file, event log and warehouse change as one step.

Both run under the uploads lock, so two commits at once (two browser sessions, or the page and the CLI) are done
one after the other and neither is lost. The order of the steps, and why a crash at any instant leaves the upload
wholly in or wholly out, is in etl/workbooks/recovery.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from etl.manifest import sha256_of
from etl.workbooks.dryrun import dry_run, open_warehouse
from etl.workbooks.recovery import CommitError, prepare, remove, swap, sync_locked
from etl.workbooks.safety import Limits
from etl.workbooks.store import Upload, append, discard, event_line, file_of, kept, locked, place, statuses
from etl.workbooks.store import events as event_log
from etl.workbooks.validate import validate_workbook

__all__ = ["CommitError", "CommitResult", "commit_upload", "withdraw_upload"]


@dataclass
class CommitResult:
    """The stable upload report plus what happened: committed, duplicate (a no-op) or rejected."""

    report: dict
    outcome: str
    upload: Upload | None = None
    notes: list[str] = field(default_factory=list)


def commit_upload(path: Path, uploaded_by: str, uploads_dir: Path, db_path: Path,
                  limits: Limits | None = None, demo: bool = False) -> CommitResult:
    """Validate and, when accepted, keep the file and update the warehouse; all of it or none of it. With `demo` the
    upload is kept as a demo upload (the app without login, docs/access.md)."""
    with locked(uploads_dir):
        synced = sync_locked(db_path, uploads_dir)
        log = event_log(uploads_dir)
        uploads = kept(uploads_dir, log)
        status = statuses(uploads, log)
        plan = next((u for u in reversed(uploads) if u.kind == "plan" and status[u.upload_id] == "active"), None)
        con = open_warehouse(db_path)
        try:
            validation = validate_workbook(path, con, file_of(uploads_dir, plan) if plan else None, limits=limits)
            changes = dry_run(validation.rows, con) if validation.kind else {}
        finally:
            if con is not None:
                con.close()
        report = {
            "ok": validation.ok, "kind": validation.kind,
            "errors": [i.as_dict() for i in validation.errors], "warnings": [i.as_dict() for i in validation.warnings],
            "changes": {table: c.counts() for table, c in changes.items()},
            "subproject": validation.subproject, "month": validation.month,
        }
        if not validation.ok:
            return CommitResult(report, "rejected", notes=synced.notes)
        digest = sha256_of(path)
        same = next((u for u in uploads if u.sha256 == digest and status[u.upload_id] == "active"), None)
        if same:
            return CommitResult(report, "duplicate", same, synced.notes)
        rows = {table: len(frame) for table, frame in validation.rows.items()}
        upload = place(uploads_dir, path, validation.kind, uploaded_by, validation.subproject, validation.month,
                       rows, demo=demo)
        line = event_line("commit", upload.upload_id, uploaded_by)
        try:
            tmp, notes = prepare(db_path, uploads_dir, (line,))
        except BaseException:
            discard(uploads_dir, upload)  # never logged, so never seen: the upload did not happen
            raise
        try:
            append(uploads_dir, line)
        except BaseException:
            remove(tmp)
            discard(uploads_dir, upload)
            raise
        swap(tmp, db_path)
        return CommitResult(report, "committed", upload, notes)


def withdraw_upload(upload_id: str, by: str, uploads_dir: Path, db_path: Path) -> list[str]:
    """Withdraw an active upload: logged, and the warehouse is as if it had never been uploaded."""
    with locked(uploads_dir):
        sync_locked(db_path, uploads_dir)
        log = event_log(uploads_dir)
        uploads = {u.upload_id: u for u in kept(uploads_dir, log)}
        if upload_id not in uploads:
            raise CommitError(f"Upload '{upload_id}' bestaat niet; zie 'python -m etl uploads'.")
        if statuses(list(uploads.values()), log)[upload_id] == "withdrawn":
            raise CommitError(f"Upload '{upload_id}' is al ingetrokken.")
        line = event_line("withdraw", upload_id, by)
        tmp, notes = prepare(db_path, uploads_dir, (line,))
        try:
            append(uploads_dir, line)
        except BaseException:
            remove(tmp)
            raise
        swap(tmp, db_path)
        return notes
