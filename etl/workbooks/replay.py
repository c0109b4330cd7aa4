"""Programme tables from the kept uploads: the latest active plan, then every active monthly report.

`replay` rebuilds them all (a build, a sync after a crash, a commit that changes the plan); `apply_events` changes
only the rows of the reports a commit or withdrawal touches, the upload row a review touches, and the period locks.
Both take a report's rows from the same `_validated`, so the warehouse after a commit equals a rebuild from the kept
files (tests/test_workbook_incremental.py). Each workbook is validated again exactly as on its upload day (its own
date as "today"), against the active plan file; warehouse history is not consulted, because the history is what is
being rebuilt.

Validating a report takes some 30-75 ms, and a build replays them all, so each result is cached in
<uploads>/.cache/ under a key of everything it depends on: the workbook's sha256 and upload day, the plan's, and
`validation_version` (the validation code, the catalogue's indicator ids and the reading libraries' versions). A
changed file, plan or validator therefore never reuses an old result. A commit writes its report's entry, so in
daily use a build finds every entry; they are all missing only after the validation code or the plan changed, or
for a store that was written without commits (the demo).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from etl.workbooks.store import (
    CACHE_DIR,
    Upload,
    code_version,
    events,
    file_of,
    kept,
    locks,
    metadata,
    position,
    quarter_months,
    read_log,
    record_position,
    recorded_code,
    recorded_position,
    review_state,
    reviews,
    statuses,
    validation_version,
)

if TYPE_CHECKING:  # validation reads workbooks (python-calamine, defusedxml): a build without uploads skips it
    from etl.workbooks.validate import KnownPlan, Validation

PLAN_TABLES = ("subproject", "action", "milestone", "kpi", "kpi_target")
MONTHLY_TABLES = ("kpi_value", "report_narrative", "milestone_update", "action_update")


@dataclass(frozen=True)
class Programme:
    """Rows per programme table, the upload table, a Dutch note per upload that could not be replayed, the
    position of the upload store they were replayed from (store.position), and the period locks in force."""

    tables: dict[str, pd.DataFrame]
    uploads: pd.DataFrame
    notes: list[str]
    position: str
    locks: pd.DataFrame


def _upload_day(upload: Upload) -> date:
    return date.fromisoformat(upload.uploaded_at[:10])


def replay(uploads_dir: Path | None, pending: tuple[str, ...] = ()) -> Programme:
    """Rebuild the programme tables from the uploads folder as if the `pending` event lines were appended to its
    log (None or a missing folder: empty tables)."""
    present = uploads_dir is not None and uploads_dir.exists()
    log, at = read_log(uploads_dir if present else None, pending)  # one reading: a replay without the lock agrees
    uploads = kept(uploads_dir, log) if present else []
    status = statuses(uploads, log) if uploads else {}
    tables: dict[str, list[pd.DataFrame]] = {t: [] for t in (*PLAN_TABLES, *MONTHLY_TABLES)}
    notes: list[str] = []
    active = [u for u in uploads if status[u.upload_id] == "active"]
    plan = next((u for u in reversed(active) if u.kind == "plan"), None)
    if active:  # validate reads workbooks (python-calamine, defusedxml): a build without uploads skips the import
        from etl.workbooks.validate import KnownPlan
    known = None
    if plan:
        plan_rows = _validated(uploads_dir, plan, None, None).rows
        _add(tables, plan_rows, PLAN_TABLES, plan.upload_id)
        known = KnownPlan.from_rows(plan_rows)  # read once: a programme has ~150 monthly reports to check
    for upload in (u for u in active if u.kind == "monthly"):
        result = _validated(uploads_dir, upload, plan, known)
        if not result.ok:  # e.g. the plan it was checked against has since been replaced
            status[upload.upload_id] = "rejected"
            notes.append(_rejected(upload, result))
            continue
        _add(tables, result.rows, MONTHLY_TABLES, upload.upload_id)
    frames = {name: pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
              for name, parts in tables.items()}
    latest = reviews(log)
    upload_rows = pd.DataFrame([_upload_row(u, status[u.upload_id], latest) for u in uploads])
    return Programme(frames, upload_rows, notes, at, _lock_rows(log))


def apply_events(con: duckdb.DuckDBPyConnection, uploads_dir: Path, pending: tuple[str, ...]) -> list[str] | None:
    """Bring the programme tables of `con` to the store plus the `pending` event lines by changing only the uploads
    whose status changes; the notes on reports that did not fit. The result equals
    `load_programme(con, replay(uploads_dir, pending))`, at a cost that does not grow with the number of reports.

    Returns None, having changed nothing, when this shortcut does not apply and the caller must replay: the tables
    do not reflect the store as it is now (its position) or were replayed by other workbook code (code_version), or
    an event concerns a plan (every report is then checked against another plan).
    """
    if not pending or recorded_position(con) != position(uploads_dir) or recorded_code(con) != code_version():
        return None
    before = events(uploads_dir)
    log = [*before, *(json.loads(line) for line in pending)]
    # The uploads of the store before `pending` are those of the upload table (its position says so; checked below),
    # so only the metadata of the uploads the events add or change is read.
    held, uploads = {}, []
    for row in con.execute("select upload_id, kind, file_name, sha256, uploaded_by, uploaded_at, subproject_code, "
                           "month, is_demo, status from upload").fetchall():
        held[row[0]] = row[9]
        uploads.append(Upload(*row[:8], demo=row[8]))
    for upload_id in {e["upload_id"] for e in log[len(before):] if e["event"] == "commit"} - held.keys():
        uploads.append(metadata(uploads_dir, upload_id))
    if None in uploads:
        return None
    uploads.sort(key=lambda u: (u.uploaded_at, u.upload_id))
    by_id = {u.upload_id: u for u in uploads}
    touched = {e["upload_id"] for e in log[len(before):] if "upload_id" in e}
    if not touched <= by_id.keys() or any(by_id[t].kind != "monthly" for t in touched):
        return None
    old = statuses([u for u in uploads if u.upload_id in held], before)
    new = statuses(uploads, log)
    # What the tables hold must be what a replay of the store gives (a report that did not fit: rejected).
    if held.keys() != {e["upload_id"] for e in before if e["event"] == "commit"} or any(
            held[i] != s and (s, held[i]) != ("active", "rejected") for i, s in old.items()):
        return None
    latest = reviews(log)
    changes = [(metadata(uploads_dir, u.upload_id), new[u.upload_id]) for u in uploads  # only monthly reports
               if old.get(u.upload_id) != new[u.upload_id]]
    # A review changes its report's upload row only: its rows, and whether they fit the plan, stay as they are.
    reviewed = {e["upload_id"] for e in log[len(before):] if e["event"] == "review"} - {u.upload_id for u, _ in changes
                                                                                          if u is not None}
    if any(upload is None for upload, _ in changes):
        return None
    plan = next((u for u in reversed(uploads) if u.kind == "plan" and new[u.upload_id] == "active"), None)
    known = None
    notes = []
    for upload, status in changes:
        if held.get(upload.upload_id) == "active":
            for table in MONTHLY_TABLES:
                con.execute(f"delete from {table} where upload_id = ?", [upload.upload_id])  # noqa: S608
        if status == "active":
            if known is None and plan is not None:
                from etl.workbooks.validate import KnownPlan

                known = KnownPlan.from_rows(_validated(uploads_dir, plan, None, None).rows)
            result = _validated(uploads_dir, upload, plan, known)
            if result.ok:
                for table in MONTHLY_TABLES:
                    frame = result.rows.get(table)
                    if frame is not None and len(frame):
                        _insert(con, table, frame.assign(upload_id=upload.upload_id))
            else:
                status = "rejected"
                notes.append(_rejected(upload, result))
        con.execute("delete from upload where upload_id = ?", [upload.upload_id])
        _insert(con, "upload", pd.DataFrame([_upload_row(upload, status, latest)]))
    for upload_id in sorted(reviewed):
        row = _upload_row(by_id[upload_id], held[upload_id], latest)
        con.execute("update upload set review = ?, reviewed_by = ?, reviewed_at = ?, review_comment = ? "
                    "where upload_id = ?", [row["review"], row["reviewed_by"], row["reviewed_at"],
                                            row["review_comment"], upload_id])
    if any(e["event"] in ("lock", "unlock") for e in log[len(before):]):
        _load_locks(con, _lock_rows(log))
    record_position(con, position(uploads_dir, pending))
    return notes


def _upload_row(upload: Upload, status: str, latest: dict[str, dict]) -> dict:
    """The upload table's row of a kept upload with its status and review state in this build."""
    review = latest.get(upload.upload_id, {})
    return {"upload_id": upload.upload_id, "kind": upload.kind, "file_name": upload.file_name,
            "sha256": upload.sha256, "uploaded_by": upload.uploaded_by, "uploaded_at": upload.uploaded_at,
            "subproject_code": upload.subproject, "month": upload.month, "status": status,
            "data_rows": sum(upload.rows.values()), "is_demo": upload.demo,
            "review": review_state(upload, latest), "reviewed_by": review.get("by"), "reviewed_at": review.get("at"),
            "review_comment": review.get("comment")}


LOCK_COLUMNS = ("period", "first_month", "last_month", "locked_by", "locked_at", "reason")


def _lock_rows(log: list[dict]) -> pd.DataFrame:
    """The period_lock table's rows: one per quarter locked now."""
    return pd.DataFrame([(period, *quarter_months(period), e["by"], e["at"], e["reason"])
                         for period, e in sorted(locks(log).items())], columns=list(LOCK_COLUMNS))


def _load_locks(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    con.execute("delete from period_lock")
    if len(rows):
        _insert(con, "period_lock", rows)


def _rejected(upload: Upload, result: Validation) -> str:
    """The note on an active report that no longer validates against the active plan."""
    return (f"Maandrapportage {upload.file_name} ({upload.upload_id}) past niet meer bij het actieve plan van aanpak "
            f"en telt niet mee: {result.errors[0].message}")


def _validated(uploads_dir: Path, upload: Upload, plan: Upload | None, known: KnownPlan | None) -> Validation:
    """validate_workbook of a kept upload on its upload day, against the plan, through the cache."""
    against = f"{plan.sha256}@{plan.uploaded_at[:10]}" if plan else ""
    key = hashlib.sha256(f"{validation_version()}|{upload.sha256}@{upload.uploaded_at[:10]}|{against}".encode())
    path = uploads_dir / CACHE_DIR / f"{key.hexdigest()}.pickle"
    try:
        # Pickle is safe here: the uploads folder is written only by this application, and whoever can write it
        # can change the kept workbooks themselves.
        return pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass  # no cached result yet, or one from another library version: validate again
    from etl.workbooks.validate import validate_workbook

    result = validate_workbook(file_of(uploads_dir, upload), today=_upload_day(upload), known_plan=known)
    try:
        path.parent.mkdir(exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)  # a concurrent reader sees a whole entry or none
    except OSError:
        pass  # a read-only uploads folder: the build still works, only slower
    return result


def _add(tables: dict[str, list[pd.DataFrame]], rows: dict[str, pd.DataFrame], names: tuple[str, ...],
         upload_id: str) -> None:
    for name in names:
        frame = rows.get(name)
        if frame is not None and len(frame):
            tables[name].append(frame.assign(upload_id=upload_id))


def load_programme(con: duckdb.DuckDBPyConnection, programme: Programme) -> None:
    """Empty the programme tables and fill them from a replay, noting its store position (build and commit)."""
    record_position(con, programme.position)
    _load_locks(con, programme.locks)
    for table in (*PLAN_TABLES, *MONTHLY_TABLES, "upload"):
        con.execute(f"delete from {table}")  # noqa: S608 (constant table names)
        frame = programme.uploads if table == "upload" else programme.tables[table]
        if len(frame):
            _insert(con, table, frame)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a frame's rows to a programme table, matching columns by name."""
    con.register("incoming", frame)
    try:
        con.execute(f"insert into {table} by name select * from incoming")  # noqa: S608 (constant table names)
    finally:
        con.unregister("incoming")
