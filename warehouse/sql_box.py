"""The analysts' read-only SQL box: one SELECT, on a locked-down connection, with a time limit and a row cap.

DuckDB can read any file or URL from SQL (read_csv, ATTACH, COPY ... TO, INSTALL/LOAD), so the connection used
here disables external access, extension loading and further configuration changes, and opens the warehouse
read-only; on top of that only a single SELECT statement is accepted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

START_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False,
                "allow_community_extensions": False}
# Applied after the warehouse is attached (attaching needs file access); the lock makes them final.
LOCKDOWN = ("set enable_external_access = false", "set memory_limit = '1GB'", "set threads = 2",
            "set lock_configuration = true")
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 10_000
EXAMPLE_QUERY = "select level, is_technical, count(*) as opleidingen from education group by all order by all"


class QueryRefusedError(Exception):
    """The SQL was not run, or stopped: the message says why in Dutch."""


@dataclass(frozen=True)
class QueryResult:
    """Rows of a query, and whether the row cap cut them off."""

    frame: pd.DataFrame
    truncated: bool


def _single_select(sql: str) -> str:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefusedError(f"De SQL klopt niet: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise QueryRefusedError("Geef precies één SELECT-opdracht (zonder puntkomma's ertussen).")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise QueryRefusedError(
            f"Alleen lezen is toegestaan (SELECT); deze opdracht is van het type {statements[0].type.name}. "
            "Wijzigingen lopen via de ETL of de uploadpagina.")
    return statements[0].query


def _locked_connection(db_path: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the warehouse attached read-only, then locked down.

    A separate in-memory instance (rather than a second connect() to the file) can coexist with the app's own
    read-only connection in the same process, which DuckDB refuses for one file with two configurations.
    """
    con = duckdb.connect(":memory:", config=START_CONFIG)
    con.execute("attach ? as warehouse (read_only)", [str(db_path)])
    con.execute("use warehouse")
    for statement in LOCKDOWN:
        con.execute(statement)
    return con


def run_query(db_path: Path | str, sql: str, timeout_s: float = DEFAULT_TIMEOUT_S,
              row_cap: int = DEFAULT_ROW_CAP) -> QueryResult:
    """Run one SELECT read-only; at most row_cap rows, interrupted after timeout_s seconds."""
    query = _single_select(sql)
    con = _locked_connection(db_path)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(row_cap + 1)
    except duckdb.InterruptException:
        raise QueryRefusedError(
            f"De query duurde langer dan {timeout_s:g} seconden en is gestopt. Filter of groepeer eerder."
        ) from None
    except duckdb.PermissionException:
        raise QueryRefusedError(
            "Bestanden, internet en extensies zijn niet bereikbaar vanuit de SQL-box; alleen de tabellen van "
            "het datawarehouse.") from None
    except duckdb.Error as exc:
        raise QueryRefusedError(f"De SQL kon niet worden uitgevoerd: {str(exc).splitlines()[0]}") from None
    finally:
        timer.cancel()
        con.close()
    return QueryResult(pd.DataFrame(rows[:row_cap], columns=columns), len(rows) > row_cap)
