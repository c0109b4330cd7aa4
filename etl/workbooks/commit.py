"""Committing an upload, withdrawing or reviewing one, and locking or unlocking a quarter: kept file, event log and
warehouse change as one step.

All run under the uploads lock, so two commits at once (two browser sessions, or the page and the CLI) are done
one after the other and neither is lost. The order of the steps, and why a crash at any instant leaves the upload
wholly in or wholly out, is in etl/workbooks/recovery.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from etl.manifest import sha256_of
from etl.workbooks.dryrun import dry_run, open_warehouse
from etl.workbooks.planlock import locked_plan_changes
from etl.workbooks.recovery import CommitError, prepare, remove, swap, sync_locked
from etl.workbooks.safety import Limits
from etl.workbooks.store import (
    APPROVED,
    QUARTER,
    RETURNED,
    Upload,
    append,
    day_of,
    discard,
    event_line,
    file_of,
    kept,
    lock_line,
    lock_of,
    locked,
    locks,
    place,
    quarter_of,
    review_line,
    reviews,
    statuses,
)
from etl.workbooks.store import events as event_log
from etl.workbooks.validate import validate_workbook

__all__ = ["CommitError", "CommitResult", "commit_upload", "lock_period", "review_upload", "unlock_period",
           "withdraw_upload"]


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
            frozen = (locked_plan_changes(con, validation.rows, locks(log))
                      if validation.ok and validation.kind == "plan" else None)
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
        if validation.kind == "monthly":
            _refuse_if_locked(log, validation.month, f"een maandrapportage van {validation.subproject} over")
        if frozen:
            raise CommitError(frozen)
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
        upload = uploads[upload_id]
        if upload.kind == "monthly":
            _refuse_if_locked(log, upload.month, f"de maandrapportage {upload.file_name} van {upload.subproject} over")
        return _apply(db_path, uploads_dir, event_line("withdraw", upload_id, by))


def review_upload(upload_id: str, verdict: str, comment: str, by: str, uploads_dir: Path, db_path: Path) -> Upload:
    """Mark an active monthly report goedgekeurd or teruggestuurd (a return needs its reason); returns the report."""
    comment = comment.strip()
    with locked(uploads_dir):
        sync_locked(db_path, uploads_dir)
        log = event_log(uploads_dir)
        uploads = {u.upload_id: u for u in kept(uploads_dir, log)}
        upload = uploads.get(upload_id)
        if upload is None:
            raise CommitError(f"Upload '{upload_id}' bestaat niet; zie 'python -m etl uploads' voor de ids.")
        if upload.kind != "monthly":
            raise CommitError(f"Upload '{upload_id}' is een plan van aanpak; alleen maandrapportages worden "
                              "beoordeeld.")
        status = statuses(list(uploads.values()), log)[upload_id]
        if status != "active":
            later = "een latere upload heeft hem vervangen; beoordeel die" if status == "superseded" else \
                "hij is ingetrokken"
            raise CommitError(f"Maandrapportage {upload.file_name} ({upload.subproject}, {upload.month}) telt niet "
                              f"meer mee: {later}.")
        if verdict == RETURNED and not comment:
            raise CommitError("Terugsturen kan alleen met een reden: schrijf erbij wat de projectleider moet "
                              "verbeteren, bijvoorbeeld --return \"KPI K2 mist de toelichting\".")
        previous = reviews(log).get(upload_id)
        if previous and previous["verdict"] == verdict == APPROVED:
            raise CommitError(f"Maandrapportage {upload.file_name} ({upload.subproject}, {upload.month}) is al "
                              f"goedgekeurd, door {previous['by']} op {day_of(previous['at'])}.")
        _refuse_if_locked(log, upload.month, f"de maandrapportage {upload.file_name} van {upload.subproject} over")
        _apply(db_path, uploads_dir, review_line(upload_id, verdict, comment, by))
        return upload


def lock_period(period: str, reason: str, by: str, uploads_dir: Path, db_path: Path) -> None:
    """Lock a quarter: from now on nothing that touches its months is written, until it is unlocked."""
    _check_period(period, reason, "vergrendelen")
    with locked(uploads_dir):
        sync_locked(db_path, uploads_dir)
        held = locks(event_log(uploads_dir)).get(period)
        if held:
            raise CommitError(f"Kwartaal {period} is al vergrendeld, door {held['by']} op {day_of(held['at'])}: "
                              f"\"{held['reason']}\". Er is niets veranderd.")
        _apply(db_path, uploads_dir, lock_line("lock", period, reason.strip(), by))


def unlock_period(period: str, reason: str, by: str, uploads_dir: Path, db_path: Path) -> dict:
    """Reopen a locked quarter (with a reason); returns the lock it ended."""
    _check_period(period, reason, "ontgrendelen")
    with locked(uploads_dir):
        sync_locked(db_path, uploads_dir)
        held = locks(event_log(uploads_dir)).get(period)
        if held is None:
            raise CommitError(f"Kwartaal {period} is niet vergrendeld; er is niets te ontgrendelen. Zie 'python -m etl "
                              "locks' voor de vergrendelde kwartalen.")
        _apply(db_path, uploads_dir, lock_line("unlock", period, reason.strip(), by))
        return held


def _check_period(period: str, reason: str, doing: str) -> None:
    if not QUARTER.fullmatch(period):
        raise CommitError(f"'{period}' is geen kwartaal. Schrijf het als JJJJ-Qn, bijvoorbeeld 2026-Q3 (juli tot en "
                          "met september 2026).")
    if not reason.strip():
        raise CommitError(f"Bij {doing} hoort een reden (--reason \"…\"), bijvoorbeeld de vergadering van de "
                          "stuurgroep die het kwartaal vaststelde.")


def _refuse_if_locked(log: list[dict], month: str | None, what: str) -> None:
    """Raise the Dutch refusal naming the lock when `month` lies in a locked quarter."""
    held = lock_of(log, month)
    if held:
        raise CommitError(locked_message(month, held, what))


def locked_message(month: str, held: dict, what: str) -> str:
    """Why something about `month` is refused: the lock that holds it (who, when, why) and what to do."""
    period = quarter_of(month)
    return (f"Dit is {what} {month}, en kwartaal {period} is vergrendeld door {held['by']} op {day_of(held['at'])}: "
            f"\"{held['reason']}\". Uploads, correcties, intrekkingen en beoordelingen van {period} worden "
            "geweigerd. Moet er toch iets veranderen, vraag dan een beheerder het kwartaal te ontgrendelen (pagina "
            f"Upload, of 'python -m etl unlock {period} --reason …').")


def _apply(db_path: Path, uploads_dir: Path, line: str) -> list[str]:
    """Apply one event line to a checked copy of the warehouse, log it (the commit point), swap the copy in; the
    notes of the replay. Hold the lock."""
    tmp, notes = prepare(db_path, uploads_dir, (line,))
    try:
        append(uploads_dir, line)
    except BaseException:
        remove(tmp)
        raise
    swap(tmp, db_path)
    return notes
