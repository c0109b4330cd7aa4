"""The kept uploads: every accepted workbook byte for byte, its metadata, and an append-only event log.

Layout of the uploads folder (default data/uploads/; the names are defined once in warehouse/uploads.py):
    <upload_id>/<original file name>   the workbook exactly as uploaded
    <upload_id>/upload.json            kind, sha256, uploader, time, subproject, month, row counts
    events.jsonl                       one line per commit, withdrawal, review, lock or unlock, only ever appended to
    audit.jsonl                        the audit trail (warehouse/audit.py), beside the log and never replayed
An upload exists once its commit event is in the log: the append of that one line is the commit point, so a crash
at any instant leaves it wholly in or wholly out. A folder without a commit event is the leftover of a commit that
died before that point; `clean` removes it. An upload's status follows from the log: withdrawn (a withdraw event),
superseded (a later active upload of the same plan, or of the same subproject × month), else active. A monthly
report's review state follows from its latest review event: ingediend (none yet), goedgekeurd or teruggestuurd. A
quarter is locked from its lock event until an unlock event. Nothing committed is ever deleted, so any state can be
rebuilt; `position` names the state the warehouse was derived from.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb

from etl.appendlog import append_line
from etl.manifest import sha256_of
from etl.tempfiles import stale
from etl.workbooks.references import REFERENCE_DIR, REFERENCE_FILES
from warehouse.uploads import CACHE_DIR, METADATA, events_path, original_path

NEWLINE = b"\n"
_UPLOAD_ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{8}")  # what place() names a folder


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


def kept(uploads_dir: Path, log: list[dict] | None = None) -> list[Upload]:
    """Every committed upload (its commit event is in `log`, by default the event log), oldest first."""
    committed = {e["upload_id"] for e in (events(uploads_dir) if log is None else log) if e["event"] == "commit"}
    uploads = [u for u in (metadata(uploads_dir, upload_id) for upload_id in committed) if u is not None]
    return sorted(uploads, key=lambda u: (u.uploaded_at, u.upload_id))


def metadata(uploads_dir: Path, upload_id: str) -> Upload | None:
    """What upload.json says of an upload (None when its folder has none)."""
    meta = uploads_dir / upload_id / METADATA
    if not meta.is_file():
        return None
    return Upload(**json.loads(meta.read_text(encoding="utf-8")))


def _log_bytes(uploads_dir: Path) -> bytes:
    """The event log's complete lines: a line cut off by a crash mid-append never happened."""
    try:
        data = events_path(uploads_dir).read_bytes()
    except FileNotFoundError:
        return b""
    return data[:data.rfind(NEWLINE) + 1]


def events(uploads_dir: Path) -> list[dict]:
    """The event log, in order."""
    return _events_in(_log_bytes(uploads_dir))


def position(uploads_dir: Path | None, pending: tuple[str, ...] = ()) -> str:
    """The store's state as '<events>:<sha256 of the log>', after appending the `pending` event lines."""
    return _position_of((_log_bytes(uploads_dir) if uploads_dir else b"") + "".join(pending).encode("utf-8"))


def read_log(uploads_dir: Path | None, pending: tuple[str, ...] = ()) -> tuple[list[dict], str]:
    """The events and the position of one reading of the log (plus the `pending` lines): they always agree, also
    without the lock while a commit appends."""
    data = (_log_bytes(uploads_dir) if uploads_dir else b"") + "".join(pending).encode("utf-8")
    return _events_in(data), _position_of(data)


def _events_in(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def _position_of(data: bytes) -> str:
    return f"{data.count(NEWLINE)}:{hashlib.sha256(data).hexdigest()}"


POSITION_KEY = "uploads_position"  # build_info: the store position the warehouse's programme tables reflect
CODE_KEY = "uploads_code"  # build_info: code_version() of the code that derived them


# The modules validate_workbook runs (tests/test_workbook_incremental.py checks the list against its imports), and
# those that turn validated rows into programme tables and statuses.
VALIDATION_MODULES = ("validate.py", "reader.py", "layout.py", "safety.py", "references.py")
DERIVATION_MODULES = ("replay.py", "store.py")


@cache
def validation_version() -> str:
    """A hash of what a validation result depends on besides the files: the validation code, the catalogue's
    indicator ids (a plan's KPIs may name one), the reference lists a report's signals are checked against
    (references.py) and the versions of the libraries that read workbooks. Part of the key
    of every cached result (replay.py), so results of other code are never reused; a change to another module of
    etl/workbooks leaves them valid."""
    from warehouse.catalog import CATALOGUE

    digest = hashlib.sha256()
    for name in VALIDATION_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(" ".join(sorted(CATALOGUE)).encode())
    for name in REFERENCE_FILES:
        digest.update((REFERENCE_DIR / name).read_bytes())
    for library in ("pandas", "python-calamine", "defusedxml"):
        digest.update(f"{library} {importlib.metadata.version(library)}".encode())
    return digest.hexdigest()


@cache
def code_version() -> str:
    """A hash of the code that derives the programme tables (validation_version and DERIVATION_MODULES): a commit
    changes only the rows it touches (replay.py's apply_events) in tables that this same code derived, and replays
    them all otherwise."""
    digest = hashlib.sha256(validation_version().encode())
    for name in DERIVATION_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def record_position(con: duckdb.DuckDBPyConnection, value: str) -> None:
    """Note in a warehouse being written which store position its programme tables were derived from, and by
    which code."""
    for key, recorded in ((POSITION_KEY, value), (CODE_KEY, code_version())):
        con.execute("delete from build_info where key = ?", [key])
        con.execute("insert into build_info (key, value) values (?, ?)", [key, recorded])


def recorded_position(con: duckdb.DuckDBPyConnection) -> str | None:
    """The store position a warehouse reflects (None when it records none)."""
    return _recorded(con, POSITION_KEY)


def recorded_code(con: duckdb.DuckDBPyConnection) -> str | None:
    """The code_version of the code that derived a warehouse's programme tables (None when it records none)."""
    return _recorded(con, CODE_KEY)


def _recorded(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("select value from build_info where key = ?", [key]).fetchone()
    return row[0] if row else None


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


SUBMITTED, APPROVED, RETURNED = REVIEW_STATES = ("ingediend", "goedgekeurd", "teruggestuurd")
QUARTER = re.compile(r"(\d{4})-Q([1-4])")


def reviews(log: list[dict]) -> dict[str, dict]:
    """upload_id → its latest review event (a report without one is still ingediend)."""
    return {e["upload_id"]: e for e in log if e["event"] == "review"}


def review_state(upload: Upload, latest: dict[str, dict]) -> str | None:
    """A monthly report's review state (None for a plan, which is not reviewed)."""
    if upload.kind != "monthly":
        return None
    review = latest.get(upload.upload_id)
    return review["verdict"] if review else SUBMITTED


def locks(log: list[dict]) -> dict[str, dict]:
    """Quarter ('2026-Q3') → the lock event that holds it now (an unlock ends it), in the order they were locked."""
    held: dict[str, dict] = {}
    for e in log:
        if e["event"] == "lock":
            held[e["period"]] = e
        elif e["event"] == "unlock":
            held.pop(e["period"], None)
    return held


def quarter_of(month: str) -> str:
    """'2026-08' → '2026-Q3'."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def quarter_months(period: str) -> tuple[str, str]:
    """'2026-Q3' → ('2026-07', '2026-09'): its first and last month."""
    year, quarter = QUARTER.fullmatch(period).groups()
    first = 3 * int(quarter) - 2
    return f"{year}-{first:02d}", f"{year}-{first + 2:02d}"


def day_of(at: str) -> str:
    """An event's ISO time as a Dutch date: '2026-10-03T09:12:44+00:00' → '03-10-2026'."""
    return f"{at[8:10]}-{at[5:7]}-{at[:4]}"


def lock_of(log: list[dict], month: str | None) -> dict | None:
    """The lock that holds this month ('YYYY-MM'), or None (also for a plan, which has no month)."""
    return locks(log).get(quarter_of(month)) if month else None


def file_of(uploads_dir: Path, upload: Upload) -> Path:
    """The kept original workbook."""
    return original_path(uploads_dir, upload.upload_id, upload.file_name)


def place(uploads_dir: Path, source: Path, kind: str, uploaded_by: str, subproject: str | None, month: str | None,
          rows: dict[str, int], now: datetime | None = None, demo: bool = False) -> Upload:
    """Copy the workbook with its metadata into its own folder; not yet committed (no event), so not yet kept."""
    now = now or datetime.now(UTC)
    sha = sha256_of(source)
    upload = Upload(f"{now:%Y%m%dT%H%M%S%f}-{sha[:8]}", kind, source.name, sha, uploaded_by,
                    now.replace(microsecond=0).isoformat(), subproject, month, rows, demo)
    staging = uploads_dir / f".{upload.upload_id}"
    staging.mkdir(parents=True)
    shutil.copyfile(source, staging / source.name)
    (staging / METADATA).write_text(json.dumps(asdict(upload), indent=2, ensure_ascii=False), encoding="utf-8")
    sync_to_disk(staging / source.name, staging / METADATA)
    staging.rename(uploads_dir / upload.upload_id)  # appears whole or not at all
    sync_to_disk(uploads_dir)
    return upload


def keep(uploads_dir: Path, source: Path, kind: str, uploaded_by: str, subproject: str | None, month: str | None,
         rows: dict[str, int], now: datetime | None = None, demo: bool = False) -> Upload:
    """Place the workbook and log its commit (no warehouse involved: the demo writer and tests); returns it."""
    upload = place(uploads_dir, source, kind, uploaded_by, subproject, month, rows, now, demo)
    log(uploads_dir, "commit", upload.upload_id, uploaded_by, now)
    return upload


def event_line(event: str, upload_id: str, by: str, now: datetime | None = None) -> str:
    """One event of the log as its line (commit or withdraw), newline included."""
    return _line({"event": event, "upload_id": upload_id, "by": by}, now)


def review_line(upload_id: str, verdict: str, comment: str, by: str, now: datetime | None = None) -> str:
    """A review of a monthly report as its line: `verdict` goedgekeurd or teruggestuurd, with the reviewer's
    comment (the reason, when returned)."""
    return _line({"event": "review", "upload_id": upload_id, "verdict": verdict, "comment": comment, "by": by}, now)


def lock_line(event: str, period: str, reason: str, by: str, now: datetime | None = None) -> str:
    """A lock or unlock of a quarter ('2026-Q3') as its line, with the reason."""
    return _line({"event": event, "period": period, "reason": reason, "by": by}, now)


def _line(fields: dict, now: datetime | None) -> str:
    now = now or datetime.now(UTC)
    return json.dumps({**fields, "at": now.replace(microsecond=0).isoformat()}, ensure_ascii=False) + "\n"


def append(uploads_dir: Path, line: str) -> None:
    """Append one event line, whole and on disk: the commit point of a commit or withdrawal. Hold the lock."""
    append_line(events_path(uploads_dir), line)


def log(uploads_dir: Path, event: str, upload_id: str, by: str, now: datetime | None = None) -> None:
    """Append one event (commit or withdraw) to the log."""
    append(uploads_dir, event_line(event, upload_id, by, now))


def discard(uploads_dir: Path, upload: Upload) -> None:
    """Remove a placed upload whose commit did not happen (it has no event, so nobody has seen it)."""
    shutil.rmtree(uploads_dir / upload.upload_id, ignore_errors=True)


def leftovers(uploads_dir: Path) -> list[Path]:
    """What commits that died left behind: folders without a commit event, staging folders, partial cache entries.

    Without the lock this may also list a living commit's folder; `clean` (under the lock) removes only the dead."""
    if not uploads_dir.is_dir():
        return []
    committed = {e["upload_id"] for e in events(uploads_dir) if e["event"] == "commit"}
    found = [entry for entry in uploads_dir.iterdir()
             if entry.is_dir() and _UPLOAD_ID.fullmatch(entry.name.removeprefix("."))
             and (entry.name.startswith(".") or entry.name not in committed)]
    return found + stale(uploads_dir / CACHE_DIR, "*.pickle.*")


def clean(uploads_dir: Path) -> list[Path]:
    """Remove the leftovers of commits that died; call it holding the lock, so that none of them is still alive."""
    removed = leftovers(uploads_dir)
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


def sync_to_disk(*paths: Path) -> None:
    """fsync files and folders, so that what was written survives a power cut and not only a killed process."""
    for path in paths:
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
