"""Programme tables from the kept uploads: the latest active plan, then every active monthly report.

The build and every commit use this one function, so the warehouse after a commit equals a rebuild from the kept
files. Each workbook is validated again exactly as on its upload day (its own date as "today"), against the active
plan file; warehouse history is not consulted, because the history is what is being rebuilt.

Validating ~150 kept reports takes seconds, and every commit replays them all, so each result is cached in
<uploads>/.cache/ under a key of everything it depends on: the workbook's sha256 and upload day, the plan's, and a
hash of the validation code. A changed file, plan or validator therefore never reuses an old result.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from etl.workbooks.store import CACHE_DIR, Upload, events, file_of, kept, position, record_position, statuses

if TYPE_CHECKING:  # validation reads workbooks (python-calamine, defusedxml): a build without uploads skips it
    from etl.workbooks.validate import KnownPlan, Validation

PLAN_TABLES = ("subproject", "action", "milestone", "kpi", "kpi_target")
MONTHLY_TABLES = ("kpi_value", "report_narrative", "milestone_update", "action_update")


@dataclass(frozen=True)
class Programme:
    """Rows per programme table, the upload table, a Dutch note per upload that could not be replayed, and the
    position of the upload store they were replayed from (store.position)."""

    tables: dict[str, pd.DataFrame]
    uploads: pd.DataFrame
    notes: list[str]
    position: str


def _upload_day(upload: Upload) -> date:
    return date.fromisoformat(upload.uploaded_at[:10])


def replay(uploads_dir: Path | None, pending: tuple[str, ...] = ()) -> Programme:
    """Rebuild the programme tables from the uploads folder as if the `pending` event lines were appended to its
    log (None or a missing folder: empty tables)."""
    present = uploads_dir is not None and uploads_dir.exists()
    log = [*(events(uploads_dir) if present else []), *(json.loads(line) for line in pending)]
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
            notes.append(f"Maandrapportage {upload.file_name} ({upload.upload_id}) past niet meer bij het actieve "
                         f"plan van aanpak en telt niet mee: {result.errors[0].message}")
            continue
        _add(tables, result.rows, MONTHLY_TABLES, upload.upload_id)
    frames = {name: pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
              for name, parts in tables.items()}
    upload_rows = pd.DataFrame([{
        "upload_id": u.upload_id, "kind": u.kind, "file_name": u.file_name, "sha256": u.sha256,
        "uploaded_by": u.uploaded_by, "uploaded_at": u.uploaded_at, "subproject_code": u.subproject,
        "month": u.month, "status": status[u.upload_id], "data_rows": sum(u.rows.values()), "is_demo": u.demo}
        for u in uploads])
    return Programme(frames, upload_rows, notes, position(uploads_dir if present else None, pending))


@cache
def _code_version() -> str:
    """A hash of the workbook code (reading, layout, validation): results of other code are never reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _validated(uploads_dir: Path, upload: Upload, plan: Upload | None, known: KnownPlan | None) -> Validation:
    """validate_workbook of a kept upload on its upload day, against the plan, through the cache."""
    against = f"{plan.sha256}@{plan.uploaded_at[:10]}" if plan else ""
    key = hashlib.sha256(f"{_code_version()}|{upload.sha256}@{upload.uploaded_at[:10]}|{against}".encode())
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
    for table in (*PLAN_TABLES, *MONTHLY_TABLES, "upload"):
        con.execute(f"delete from {table}")  # noqa: S608 (constant table names)
        frame = programme.uploads if table == "upload" else programme.tables[table]
        if len(frame):
            con.register("incoming", frame)
            try:
                con.execute(f"insert into {table} by name select * from incoming")  # noqa: S608 (constant)
            finally:
                con.unregister("incoming")
