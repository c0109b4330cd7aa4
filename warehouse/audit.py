"""The audit log: who did what, when and from where, one JSON line per event, only ever appended to.

It lies with the upload store (`<uploads>/audit.jsonl`, next to the event log), so the trail stays with the uploads
it speaks of and a rebuild of the warehouse never touches it. Events so far: `login` (a sign-in, recorded once per
identity token and server process), `no_access` (signed in but not in the access file, or no email address in the
token) and `refused` (a page or action the visitor's role does not allow). Each line:

    {"at": "2026-10-03T09:12:44+00:00", "event": "refused", "by": "p.lead@example.org", "role": "projectleider",
     "source": "app", "address": "10.0.0.7", "what": "upload van een maandrapportage van DRO", ...details}

Appends lock the log file itself rather than the uploads lock, so that a login never waits for a long commit; the
write is one fsynced line (warehouse/appendlog.py), so a crash leaves whole lines only.
"""

from __future__ import annotations

import fcntl
import json
from datetime import UTC, datetime
from pathlib import Path

from warehouse.appendlog import append_line

AUDIT = "audit.jsonl"


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
    try:
        data = (uploads_dir / AUDIT).read_bytes()
    except FileNotFoundError:
        return []
    whole = data[:data.rfind(b"\n") + 1].decode("utf-8")
    return [json.loads(line) for line in whole.splitlines() if line.strip()]
