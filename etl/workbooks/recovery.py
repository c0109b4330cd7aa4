"""Recovery of the upload store and the warehouse derived from it, and the checked copy both commits and recovery
make.

The upload store is the truth and the warehouse is derived from it: the warehouse's build_info records the store
position (store.position) its programme tables were replayed from. A commit or withdrawal (etl/workbooks/commit.py),
under the uploads lock:
  1. applies the new event to a checked copy of the warehouse (`prepare`; nothing visible yet): a monthly report
     changes only its own rows and those of the report it supersedes or brings back; a plan replays the store;
  2. appends the event to the log: the commit point;
  3. swaps the copy in (`swap`).
A crash before 2 leaves the store as it was (`clean` removes the placed folder, `remove_stale_warehouse_temps` the
copy); a crash between 2 and 3 leaves the warehouse one position behind, and `sync`, which every upload command and
the app's start run first, replays it. So whatever instant a process dies, the user finds an upload wholly in or
wholly out. Checking costs one small query; pandas and the workbook readers load only when a replay is needed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.checks import run_checks
from etl.tempfiles import remove_stale_warehouse_temps, stale_warehouse_temps, temp_path
from etl.workbooks.checks import PROGRAMME_CHECKS
from etl.workbooks.store import clean, leftovers, locked, position, recorded_position


class CommitError(Exception):
    """The upload or withdrawal could not be applied; the Dutch message says why. Nothing changed."""


@dataclass
class SyncResult:
    """What `sync` found and did: leftovers removed, and whether the warehouse had to be replayed."""

    removed: list[Path] = field(default_factory=list)
    replayed: bool = False
    notes: list[str] = field(default_factory=list)


def warehouse_position(db_path: Path) -> str | None:
    """The store position the warehouse's programme tables reflect (None: no warehouse, or none recorded)."""
    if not db_path.exists():
        return None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return recorded_position(con)
    finally:
        con.close()


def prepare(db_path: Path, uploads_dir: Path, pending: tuple[str, ...]) -> tuple[Path, list[str]]:
    """A checked copy of the warehouse whose programme tables reflect the store plus `pending`; not yet live.

    Monthly reports committed or withdrawn under an unchanged plan change only their own rows (`apply_events`);
    anything else (a plan, a sync, a warehouse behind the store or derived by other code) replays every upload.
    """
    if not db_path.exists():
        raise CommitError(f"Er is nog geen datawarehouse ({db_path}); bouw het eerst met 'python -m etl build'.")
    from etl.effects import store_estimates
    from etl.workbooks.replay import apply_events, load_programme, replay  # pandas and the readers: only here

    tmp = temp_path(db_path, "upload")
    try:
        shutil.copyfile(db_path, tmp)
        con = duckdb.connect(str(tmp))
        try:
            notes = apply_events(con, uploads_dir, pending)
            if notes is None:
                programme = replay(uploads_dir, pending)
                load_programme(con, programme)
                notes = programme.notes
            store_estimates(con)  # for the plan as it is now, by this code (the progress report reads them)
            failures = run_checks(con, PROGRAMME_CHECKS)
            if failures:
                raise CommitError("De controles op het plan van aanpak zijn niet geslaagd:\n" + "\n".join(failures))
            con.execute("checkpoint")
        finally:
            con.close()
    except BaseException:
        remove(tmp)
        raise
    return tmp, notes


def swap(tmp: Path, db_path: Path) -> None:
    """Make the prepared copy the live warehouse (atomic rename; readers keep the old file until they reopen)."""
    try:
        os.replace(tmp, db_path)
    finally:
        remove(tmp)


def remove(tmp: Path) -> None:
    """Delete a prepared copy and its WAL file."""
    tmp.unlink(missing_ok=True)
    Path(f"{tmp}.wal").unlink(missing_ok=True)


def sync_locked(db_path: Path, uploads_dir: Path) -> SyncResult:
    """`sync` for a caller that holds the uploads lock already."""
    result = SyncResult(removed=[*clean(uploads_dir), *remove_stale_warehouse_temps(db_path)])
    if db_path.exists() and warehouse_position(db_path) != position(uploads_dir):
        tmp, result.notes = prepare(db_path, uploads_dir, ())
        swap(tmp, db_path)
        result.replayed = True
    return result


def sync(db_path: Path, uploads_dir: Path) -> SyncResult:
    """Remove what dead processes left and replay the store into the warehouse when they disagree.

    When all is in order it returns without taking the lock, so that listing the uploads never waits for a commit
    or a build; what looks amiss (perhaps a commit in progress) is looked at again under the lock.
    """
    if not (leftovers(uploads_dir) or stale_warehouse_temps(db_path)) and (
            not db_path.exists() or warehouse_position(db_path) == position(uploads_dir)):
        return SyncResult()
    with locked(uploads_dir):
        return sync_locked(db_path, uploads_dir)


