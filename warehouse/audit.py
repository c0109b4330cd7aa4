"""The audit log: who did what, when and from where, one JSON line per event, only ever appended to.

It lies with the upload store (`<uploads>/audit.jsonl`, next to the event log), so the trail stays with the uploads
it speaks of, a rebuild of the warehouse never touches it, and `python -m etl backup` copies it with them. Events
(EVENTS, with their Dutch names): `login` (a sign-in, recorded once per identity token and server process),
`no_access` (signed in but not in the access file, or no email address in the token), `refused` (a page or action
the visitor's role does not allow, or a command refused: an unknown upload, a locked quarter, …), `upload` and
`upload_refused` (a commit, or a workbook that failed its checks), `withdraw`, `review`, `lock` and `unlock`. Each
line:

    {"at": "2026-10-03T09:12:44+00:00", "event": "refused", "by": "p.lead@example.org", "role": "projectleider",
     "source": "app", "address": "10.0.0.7", "what": "upload van een maandrapportage van DRO", ...details}

The app writes uploads, withdrawals, reviews and locks through the command line (ui/etl_runner.py); it passes who is
acting in the environment variable CONTEXT_ENV, so that the command records the login's identity with source "app"
(`record_command`). Run by hand, a command records its `--by` name with source "cli".

Appends lock the log file itself rather than the uploads lock, so that a login never waits for a long commit; the
write is one fsynced line (warehouse/appendlog.py), so a crash leaves whole lines only.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from warehouse.appendlog import append_line

AUDIT = "audit.jsonl"
CONTEXT_ENV = "TECHNIEKMONITOR_AUDIT_CONTEXT"  # JSON {source, by, role, address, …} of the app's session, or "off"
EVENTS = {  # event → its Dutch name on the page Logboek and in its CSV
    "login": "inloggen", "no_access": "geen toegang", "refused": "geweigerd", "upload": "upload",
    "upload_refused": "upload afgekeurd", "withdraw": "intrekking", "review": "beoordeling", "lock": "vergrendeling",
    "unlock": "ontgrendeling",
}


def record(uploads_dir: Path, event: str, by: str | None, what: str, *, role: str | None = None,
           source: str = "app", address: str | None = None, **details: object) -> dict:
    """Append one event to the audit log and return it."""
    entry = {"at": datetime.now(UTC).replace(microsecond=0).isoformat(), "event": event, "by": by, "role": role,
             "source": source, "address": address, "what": what, **details}
    uploads_dir.mkdir(parents=True, exist_ok=True)
    path = uploads_dir / AUDIT
    with path.open("a", encoding="utf-8") as guard:  # the lock: other threads and processes append one at a time
        fcntl.flock(guard, fcntl.LOCK_EX)
        try:
            append_line(path, json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        finally:
            fcntl.flock(guard, fcntl.LOCK_UN)
    return entry


def entries(uploads_dir: Path) -> list[dict]:
    """Every event in the log, oldest first (a line cut off by a crash mid-append never happened)."""
    whole = whole_lines(uploads_dir).decode("utf-8")
    return [json.loads(line) for line in whole.splitlines() if line.strip()]


def whole_lines(uploads_dir: Path) -> bytes:
    """The log's complete lines as they are on disk (b"" when there is no log): what a backup copies."""
    try:
        data = (uploads_dir / AUDIT).read_bytes()
    except FileNotFoundError:
        return b""
    return data[:data.rfind(b"\n") + 1]


def record_command(uploads_dir: Path, event: str, by: str, what: str, **details: object) -> dict | None:
    """Record what a `python -m etl` command did: as the app's visitor when the app ran it (CONTEXT_ENV), else as
    `by` from the command line; nothing when the app is in demo mode ("off")."""
    context = os.environ.get(CONTEXT_ENV, "")
    if context == "off":
        return None
    who = json.loads(context) if context else {"source": "cli", "by": by}
    return record(uploads_dir, event, who.pop("by", by), what, **who, **details)
