"""Append-only logs of JSON lines (the upload event log, the refresh log, the audit log): one whole line per write,
on disk.

A process killed in the middle of an append can leave a line without its newline. Readers ignore such a tail, and
the next append cuts it away first, so every line in the log was written whole.
"""

from __future__ import annotations

import os
from pathlib import Path


def append_line(path: Path, line: str) -> None:
    """Append `line` (ending in a newline) in a single write and fsync it; a cut-off last line is removed first.

    Processes that may append at the same time must hold a lock around this (the uploads lock for the event log;
    the audit log locks its own file, warehouse/audit.py).
    """
    handle = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(handle).st_size
        if size and os.pread(handle, 1, size - 1) != b"\n":
            os.ftruncate(handle, path.read_bytes().rfind(b"\n") + 1)  # only after a crash: reading it all is fine
        os.write(handle, line.encode("utf-8"))
        os.fsync(handle)
    finally:
        os.close(handle)
