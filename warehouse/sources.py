"""The datasets in this warehouse: whether one was loaded, and how to cite it under a figure."""

from __future__ import annotations

import duckdb


def source_loaded(con: duckdb.DuckDBPyConnection, source_id: str) -> bool:
    """True when the warehouse was built with at least one file of this source."""
    return con.execute("select count(*) from source where source_id = ?", [source_id]).fetchone()[0] > 0


def source_citation(con: duckdb.DuckDBPyConnection, source_id: str) -> str:
    """Dutch source line for a dataset, e.g. 'DUO, Examenkandidaten en geslaagden vo (demodata)'."""
    return loaded_citations(con, [source_id]).get(source_id, f"{source_id} (niet in dit datawarehouse)")


def loaded_citations(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> dict[str, str]:
    """The source line of each of `source_ids` that this warehouse was built with, in one query."""
    rows = con.execute("select source_id, publisher, title, is_demo from source where source_id in "
                       "(select unnest(?::varchar[]))", [list(source_ids)]).fetchall()
    return {source_id: f"{publisher}, {title}" + (" (demodata)" if is_demo else "")
            for source_id, publisher, title, is_demo in rows}
