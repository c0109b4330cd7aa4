"""The datasets in this warehouse: whether one was loaded, and how to cite it under a figure."""

from __future__ import annotations

import duckdb


def source_loaded(con: duckdb.DuckDBPyConnection, source_id: str) -> bool:
    """True when the warehouse was built with at least one file of this source."""
    return con.execute("select count(*) from source where source_id = ?", [source_id]).fetchone()[0] > 0


def source_citation(con: duckdb.DuckDBPyConnection, source_id: str) -> str:
    """Dutch source line for a dataset, e.g. 'DUO, Examenkandidaten en geslaagden vo (demodata)'."""
    row = con.execute("select publisher, title, is_demo from source where source_id = ?", [source_id]).fetchone()
    if row is None:
        return f"{source_id} (niet in dit datawarehouse)"
    publisher, title, is_demo = row
    return f"{publisher}, {title}" + (" (demodata)" if is_demo else "")
