"""Committing an upload and withdrawing one: kept file, event log and warehouse change as one step.

Both run under the uploads lock, so two commits at once (two browser sessions, or the page and the CLI) are done
one after the other and neither is lost. The warehouse is changed on a copy that replaces the live file only when
every check passes; readers keep the old file open until then.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.checks import run_checks
from etl.manifest import sha256_of
from etl.workbooks.checks import PROGRAMME_CHECKS
from etl.workbooks.dryrun import dry_run, open_warehouse
from etl.workbooks.replay import load_programme, replay
from etl.workbooks.safety import Limits
from etl.workbooks.store import Upload, file_of, forget, keep, kept, locked, log, statuses
from etl.workbooks.store import events as event_log
from etl.workbooks.validate import validate_workbook


class CommitError(Exception):
    """The upload or withdrawal could not be applied; the Dutch message says why. Nothing changed."""


@dataclass
class CommitResult:
    """The stable upload report plus what happened: committed, duplicate (a no-op) or rejected."""

    report: dict
    outcome: str
    upload: Upload | None = None
    notes: list[str] = field(default_factory=list)


def refresh_warehouse(db_path: Path, uploads_dir: Path) -> list[str]:
    """Replace the programme tables with a replay of the kept uploads, checked, atomically; returns replay notes."""
    if not db_path.exists():
        raise CommitError(f"Er is nog geen datawarehouse ({db_path}); bouw het eerst met 'python -m etl build'.")
    programme = replay(uploads_dir)
    tmp = db_path.with_name(f"{db_path.name}.upload-{os.getpid()}")
    shutil.copyfile(db_path, tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            load_programme(con, programme)
            failures = run_checks(con, PROGRAMME_CHECKS)
            if failures:
                raise CommitError("De controles op het plan van aanpak zijn niet geslaagd:\n" + "\n".join(failures))
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return programme.notes


def commit_upload(path: Path, uploaded_by: str, uploads_dir: Path, db_path: Path,
                  limits: Limits | None = None) -> CommitResult:
    """Validate and, when accepted, keep the file and update the warehouse; all of it or none of it."""
    with locked(uploads_dir):
        uploads = kept(uploads_dir)
        status = statuses(uploads, event_log(uploads_dir))
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
        }
        if not validation.ok:
            return CommitResult(report, "rejected")
        digest = sha256_of(path)
        same = next((u for u in uploads if u.sha256 == digest and status[u.upload_id] == "active"), None)
        if same:
            return CommitResult(report, "duplicate", same)
        rows = {table: len(frame) for table, frame in validation.rows.items()}
        upload = keep(uploads_dir, path, validation.kind, uploaded_by, validation.subproject, validation.month,
                      rows)
        try:
            notes = refresh_warehouse(db_path, uploads_dir)
        except BaseException:
            forget(uploads_dir, upload)  # the warehouse did not change, so neither does the history
            raise
        return CommitResult(report, "committed", upload, notes)


def withdraw_upload(upload_id: str, by: str, uploads_dir: Path, db_path: Path) -> list[str]:
    """Withdraw an active upload: logged, and the warehouse is as if it had never been uploaded."""
    with locked(uploads_dir):
        uploads = {u.upload_id: u for u in kept(uploads_dir)}
        if upload_id not in uploads:
            raise CommitError(f"Upload '{upload_id}' bestaat niet; zie 'python -m etl uploads'.")
        if statuses(list(uploads.values()), event_log(uploads_dir))[upload_id] == "withdrawn":
            raise CommitError(f"Upload '{upload_id}' is al ingetrokken.")
        log(uploads_dir, "withdraw", upload_id, by)
        try:
            return refresh_warehouse(db_path, uploads_dir)
        except BaseException:
            _unlog_last(uploads_dir)
            raise


def _unlog_last(uploads_dir: Path) -> None:
    path = uploads_dir / "events.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()[:-1]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
