"""Opening the warehouse read-only, with a Dutch error that says how to build it when it is missing."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.paths import DEFAULT_DB


class WarehouseMissingError(FileNotFoundError):
    """The warehouse file does not exist yet."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"Het datawarehouse {path} bestaat nog niet. Bouw het met 'python -m etl build' "
            f"(of 'make run', dat ook demodata maakt)."
        )


def connect(db_path: Path | str = DEFAULT_DB) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file as it is now.

    DuckDB shares one database instance per path within a process: after a build or a commit has replaced the file,
    a plain connect() to the same path would hand back the replaced file for as long as any connection to it is
    open. Attaching the file to a new in-memory instance always opens the file that is there now.
    """
    path = Path(db_path)
    if not path.exists():
        raise WarehouseMissingError(path)
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach ? as warehouse (read_only)", [str(path)])
        con.execute("use warehouse")
    except BaseException:
        con.close()
        raise
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor (for another thread) of a connection made by connect(), on the warehouse: a new cursor starts on
    DuckDB's own default database, not on the attached warehouse."""
    new = con.cursor()
    new.execute("use warehouse")
    return new
