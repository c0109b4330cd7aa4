"""The effects worker: the progress report's effect estimates that the warehouse has not stored, computed in a
process of its own.

Started by report/estimates.py when a progress report needs estimates that the warehouse lacks (one built before
table effect_estimate, or by other estimators' code): importing the estimators (scipy, statsmodels: about a second
and a half) and running them then happens on the other core while the report's process reads the other figures.
One JSON document per line on stdin and stdout:

    {"db": "/abs/warehouse.duckdb", "identity": [...], "tasks": [["vmbo_tech_share", "GM0034", 2024], ...]}
    → {"answers": [...]}, each as warehouse.effects.stored.answer gives it

`identity` is the warehouse file's identity as the report saw it (file_identity); when the file has been replaced
since, the worker answers {"stale": true} and the report estimates in its own process, so that every figure of a
report comes from one warehouse.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def file_identity(path: Path | str) -> list[int]:
    """The warehouse file's device, inode, size and modification time: a build or commit replaces the file."""
    status = os.stat(path)
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns]


def _serve(line: str) -> dict:
    from warehouse.connection import connect
    from warehouse.effects.stored import answer

    request = json.loads(line)
    con = connect(request["db"])
    try:
        if file_identity(request["db"]) != request["identity"]:
            return {"stale": True}
        return {"answers": answer(con, [tuple(t) for t in request["tasks"]])}
    finally:
        con.close()


def main() -> None:
    """Import the estimators now (while the report reads its figures), then answer each request line."""
    import scipy.optimize  # noqa: F401  (the estimators import these on first use: here, ahead of the request)
    import statsmodels.regression.linear_model  # noqa: F401

    import warehouse.connection
    import warehouse.effects.stored  # noqa: F401

    for line in sys.stdin:
        try:
            reply = _serve(line)
        except Exception as exc:  # every failure goes back to the caller, which then estimates itself
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
