"""Temporary files named after the process that writes them, and the removal of those whose process has died.

A build and a commit write the new warehouse next to the live one (so the swap is an atomic rename) and remove it
when they end; a process killed with SIGKILL cannot. Naming each temporary after its process id lets any later
command remove exactly the ones whose writer no longer runs, and never one that is still being written.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_PID = re.compile(r"[.-](\d+)(?:\.wal)?$")  # '…tmp-123', '…upload-123.wal', '…pickle.123'


def temp_path(target: Path, purpose: str) -> Path:
    """A temporary file next to `target` for this process: '<name>.<purpose>-<pid>'."""
    return target.with_name(f"{target.name}.{purpose}-{os.getpid()}")


def alive(pid: int) -> bool:
    """True when a process with this id runs (or might: one we may not signal counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale(folder: Path, pattern: str) -> list[Path]:
    """The files (or folders) in `folder` matching the glob `pattern` whose writing process has died."""
    if not folder.is_dir():
        return []
    return [path for path in folder.glob(pattern)
            if (found := _PID.search(path.name)) and path.exists() and not alive(int(found[1]))]


def stale_warehouse_temps(db_path: Path) -> list[Path]:
    """The temporary copies of a warehouse (and their WAL files) and the builds' spill folders left by builds and
    commits that died."""
    return [*stale(db_path.parent, f"{db_path.name}.tmp-*"), *stale(db_path.parent, f"{db_path.name}.upload-*"),
            *stale(db_path.parent, f"{db_path.name}.spill-*")]


def remove_stale_warehouse_temps(db_path: Path) -> list[Path]:
    """Remove the temporary copies of a warehouse left by builds and commits that died; returns them."""
    removed = stale_warehouse_temps(db_path)
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed
