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
    """A read-only connection to the warehouse file."""
    path = Path(db_path)
    if not path.exists():
        raise WarehouseMissingError(path)
    return duckdb.connect(str(path), read_only=True)
