"""The SQL box's allowlist: which statements, tables and functions analysts' SQL may use.

DuckDB itself cannot be locked down far enough: with external access disabled it still reads the attached
warehouse file, its .wal and its temp directory (read_blob, read_text, glob), and its catalog functions and
settings show paths (duckdb_databases(), current_setting('temp_directory'), ...). So the parsed statement is walked
(json_serialize_sql) and accepted only if every table it names is a warehouse table, a CTE in scope or one of a few
catalog views without paths, every table function is on a short list and no scalar function reads settings or runs
SQL from a string. Every refusal is a Dutch message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

FILES_MESSAGE = ("Bestanden, internet en extensies zijn niet bereikbaar vanuit de SQL-box; alleen de tabellen van "
                 "het datawarehouse.")
SYSTEM_MESSAGE = ("Instellingen, paden en systeemtabellen van DuckDB zijn niet beschikbaar in de SQL-box; tabellen en "
                  "kolommen staan in information_schema.tables en information_schema.columns.")
STRING_SQL_MESSAGE = "SQL in een tekst uitvoeren (query, query_table en dergelijke) kan niet in de SQL-box."
ONE_STATEMENT_MESSAGE = "Geef precies één SELECT-opdracht (zonder puntkomma's ertussen)."
READ_ONLY_HINT = "Wijzigingen lopen via de ETL of de uploadpagina."

# Table functions that only compute values or list the warehouse's own tables and columns (checked to show no paths).
TABLE_FUNCTIONS = frozenset({"unnest", "range", "generate_series", "duckdb_tables", "duckdb_columns", "duckdb_views",
                             "duckdb_schemas", "duckdb_types", "duckdb_constraints", "duckdb_indexes",
                             "duckdb_functions", "duckdb_keywords"})
# Catalog views (no parentheses) that show names and types only; duckdb_databases and pragma_database_list show paths.
SYSTEM_VIEWS = frozenset({"duckdb_tables", "duckdb_columns", "duckdb_views", "duckdb_schemas", "duckdb_types",
                          "duckdb_constraints", "duckdb_indexes"})
INFORMATION_SCHEMA = frozenset({"tables", "columns", "schemata", "views", "table_constraints", "key_column_usage",
                                "referential_constraints", "constraint_column_usage", "check_constraints"})
# SHOW TABLES, SHOW ALL TABLES / DESCRIBE, SHOW SCHEMAS, SHOW DATABASES: names only.
SHOW_SPECIAL = frozenset({'"tables"', "__show_tables_expanded", '"schemas"', '"databases"'})
# Scalar functions that show settings or variables, run SQL from a string, or change state.
DENIED_FUNCTIONS = frozenset({"current_setting", "getvariable", "json_serialize_plan", "json_execute_serialized_sql",
                              "write_log", "nextval", "currval", "setval", "get_block_size", "query", "query_table"})
STRING_SQL_FUNCTIONS = frozenset({"query", "query_table", "json_execute_serialized_sql", "json_serialize_plan"})
FILE_FUNCTION = re.compile(r"^(read_|parquet_|sniff_|glob$|.*_scan$|iceberg|delta|sqlite|postgres|mysql|excel|"
                           r"st_read|load_)")
EXPRESSION_CLASSES = frozenset({"CASE", "CAST", "COLUMN_REF", "COMPARISON", "CONJUNCTION", "CONSTANT", "FUNCTION",
                                "OPERATOR", "STAR", "SUBQUERY", "WINDOW", "COLLATE", "LAMBDA", "LAMBDA_REF",
                                "POSITIONAL_REFERENCE", "BETWEEN", "TYPE"})
TABLE_REFS = frozenset({"BASE_TABLE", "EMPTY", "EXPRESSION_LIST", "JOIN", "PIVOT", "SUBQUERY", "TABLE_FUNCTION",
                        "SHOW_REF"})
QUERY_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
# Words that end a PIVOT's ON list (see _pivot_for_check).
PIVOT_ON_END = frozenset({"using", "group", "order", "limit", "offset", "union", "except", "intersect", "qualify",
                          "having", "window"})


class Refusal(Exception):
    """The statement is not allowed; str() is a Dutch message for the analyst."""


@dataclass(frozen=True)
class Catalogue:
    """What the checked SQL may name: the warehouse's tables and views, and DuckDB's harmless built-in functions."""

    tables: frozenset[str]
    functions: frozenset[str]
    system_views: frozenset[str]


def builtins(con: duckdb.DuckDBPyConnection) -> tuple[frozenset[str], frozenset[str]]:
    """DuckDB's harmless built-in functions and its catalog views, from a connection without extensions loaded.

    Slow (a tenth of a second), so the worker server reads them once.
    """
    # A macro whose body holds a subquery binds tables the walk cannot see (pg_get_viewdef, get_block_size, ...).
    functions = con.execute("select distinct lower(function_name) from duckdb_functions() "
                            "where function_type in ('scalar', 'aggregate', 'window') "
                            "or (function_type = 'macro' and macro_definition not ilike '%select%')").fetchall()
    views = con.execute("select distinct lower(view_name) from duckdb_views() where internal").fetchall()
    return frozenset(name for (name,) in functions) - DENIED_FUNCTIONS, frozenset(name for (name,) in views)


def catalogue(con: duckdb.DuckDBPyConnection, database: str, functions: frozenset[str],
              system_views: frozenset[str]) -> Catalogue:
    """The allowlists, with the tables and views of the warehouse attached to con as `database`."""
    tables = con.execute("select table_name from duckdb_tables() where database_name = ? union "
                         "select view_name from duckdb_views() where database_name = ? and not internal",
                         [database, database]).fetchall()
    return Catalogue(frozenset(name.lower() for (name,) in tables), functions, system_views)


def check(con: duckdb.DuckDBPyConnection, sql: str, allowed: Catalogue) -> str:
    """The one statement in sql if the allowlist accepts it (to run as given), else raise Refusal."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise Refusal(f"De SQL klopt niet. Technische details: {first_line(exc)}") from None
    if len(statements) != 1:
        raise Refusal(ONE_STATEMENT_MESSAGE)
    statement = statements[0]
    kind = statement.type
    if kind == duckdb.StatementType.SELECT:
        checked = statement.query
    elif kind == duckdb.StatementType.MULTI and _starts_with(statement.query, {"pivot", "with", "select", "from", "("}):
        # A PIVOT without an IN list is split by DuckDB into CREATE TYPE ... AS ENUM plus a SELECT, which cannot be
        # serialised; the same statement with IN lists added parses to the same tables and functions.
        checked = _pivot_for_check(statement.query)
    elif kind == duckdb.StatementType.EXPLAIN:
        checked = _after_explain(statement.query)
    else:
        raise Refusal(f"Alleen lezen is toegestaan (SELECT, PIVOT, DESCRIBE, SUMMARIZE, EXPLAIN); deze opdracht is van "
                      f"het type {kind.name}. {READ_ONLY_HINT}")
    tree = json.loads(con.execute("select json_serialize_sql(?::varchar)", [checked]).fetchone()[0])
    if tree.get("error"):
        if "Only SELECT" in tree.get("error_message", ""):
            raise Refusal(f"Alleen lezen is toegestaan (SELECT, PIVOT, DESCRIBE, SUMMARIZE, EXPLAIN). {READ_ONLY_HINT}")
        raise Refusal(f"De SQL klopt niet. Technische details: {tree.get('error_message', '')}")
    if len(tree["statements"]) != 1:
        raise Refusal(ONE_STATEMENT_MESSAGE)
    _Walk(allowed).node(tree["statements"][0]["node"], frozenset())
    return statement.query


def first_line(exc: BaseException) -> str:
    """The first line of a DuckDB error, without DuckDB's own 'LINE 1: ...' pointer."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _tokens(sql: str) -> list[tuple[int, int, str, str]]:
    """(start, end, lower-case text, kind) of each token, comments left out."""
    raw = duckdb.tokenize(sql)
    out = []
    for index, (start, kind) in enumerate(raw):
        end = raw[index + 1][0] if index + 1 < len(raw) else len(sql)
        text = sql[start:end].rstrip()
        if kind != duckdb.token_type.comment:
            out.append((start, start + len(text), text.lower(), kind.name))
    return out


def _starts_with(sql: str, words: set[str]) -> bool:
    tokens = _tokens(sql)
    return bool(tokens) and tokens[0][2] in words


def _after_explain(sql: str) -> str:
    """The statement an EXPLAIN [ANALYZE] explains."""
    tokens = _tokens(sql)
    index = 1
    while index < len(tokens) and tokens[index][2] in {"analyze", "analyse"}:
        index += 1
    if not tokens or tokens[0][2] != "explain" or index >= len(tokens) or tokens[index][2] == "(":
        raise Refusal("Gebruik EXPLAIN alleen als 'EXPLAIN SELECT ...' of 'EXPLAIN ANALYZE SELECT ...'.")
    return sql[tokens[index][0]:]


def _pivot_for_check(sql: str) -> str:
    """The statement with each PIVOT ON expression that has no IN list written as `(expr) IN ('x')`.

    DuckDB splits a PIVOT without IN list into CREATE TYPE ... AS ENUM plus a SELECT, which json_serialize_sql
    refuses; with the IN lists it parses as one SELECT. Only text is added, at token boundaries, so every table and
    function of the original statement is still in what is checked.
    """
    tokens = _tokens(sql)
    depth_at = []
    depth = 0
    for _start, _end, text, _kind in tokens:
        if text == "(":
            depth += 1
        depth_at.append(depth)
        if text == ")":
            depth -= 1
    inserts: list[tuple[int, str]] = []
    for index, (_start, _end, text, kind) in enumerate(tokens):
        if text != "pivot" or kind != "keyword":
            continue
        level = depth_at[index]
        on = next((j for j in range(index + 1, len(tokens)) if depth_at[j] == level and tokens[j][2] == "on"), None)
        if on is None:
            continue  # FROM t PIVOT (... FOR c IN (...)) always has its IN list
        item: list[int] = []
        has_in = False
        for j in range(on + 1, len(tokens) + 1):
            ends = j == len(tokens) or depth_at[j] < level or (depth_at[j] == level and (
                tokens[j][2] in PIVOT_ON_END or tokens[j][2] in {",", ";", ")"}))
            if ends:
                if item and not has_in:
                    inserts += [(tokens[item[0]][0], "("), (tokens[item[-1]][1], ") IN ('x')")]
                if j == len(tokens) or tokens[j][2] != ",":
                    break
                item, has_in = [], False
                continue
            has_in = has_in or (depth_at[j] == level and tokens[j][2] == "in")
            item.append(j)
    for position, text in sorted(inserts, reverse=True):
        sql = f"{sql[:position]}{text}{sql[position:]}"
    return sql


class _Walk:
    """Walks json_serialize_sql's tree; raises Refusal at the first table, function or construct not allowed."""

    def __init__(self, allowed: Catalogue) -> None:
        self.allowed = allowed

    def node(self, value: object, ctes: frozenset[str]) -> None:
        if isinstance(value, list):
            for item in value:
                self.node(item, ctes)
            return
        if not isinstance(value, dict):
            return
        if "cte_map" in value:
            self.query_node(value, ctes)
        elif "class" in value:
            self.expression(value, ctes)
        elif "sample" in value and isinstance(value.get("type"), str):
            self.table_ref(value, ctes)
        else:
            for item in value.values():
                self.node(item, ctes)

    def query_node(self, node: dict, ctes: frozenset[str]) -> None:
        if node.get("type") not in QUERY_NODES:
            raise Refusal(f"Deze SQL-constructie ({node.get('type')}) kan niet in de SQL-box.")
        scope = ctes
        for entry in node["cte_map"].get("map", []):
            name = str(entry["key"])
            # A CTE may not take the name of a catalog view or a file, so a name DuckDB resolves otherwise than the
            # walk expects can only be a warehouse table.
            if not PLAIN_NAME.match(name) or name.lower() in self.allowed.system_views or _system_name(name):
                raise Refusal("Geef een CTE een gewone naam (letters, cijfers en _), niet die van een systeemtabel.")
            self.node(entry["value"], scope)  # it sees the CTEs before it, not itself
            scope = scope | {name.lower()}
        if node.get("type") == "RECURSIVE_CTE_NODE":
            scope = scope | {str(node.get("cte_name", "")).lower()}
        for key, item in node.items():
            if key != "cte_map":
                self.node(item, scope)

    def expression(self, expr: dict, ctes: frozenset[str]) -> None:
        kind = expr["class"]
        if kind == "PARAMETER":
            raise Refusal("Parameters ($1, ?) kunnen niet in de SQL-box; vul de waarde zelf in.")
        if kind not in EXPRESSION_CLASSES:
            raise Refusal(f"Deze SQL-constructie ({kind}) kan niet in de SQL-box.")
        if kind in ("FUNCTION", "WINDOW"):
            self.function(str(expr.get("function_name", "")))
        for item in expr.values():
            self.node(item, ctes)

    def function(self, name: str) -> None:
        lowered = name.lower()
        if lowered in STRING_SQL_FUNCTIONS:
            raise Refusal(STRING_SQL_MESSAGE)
        if lowered in DENIED_FUNCTIONS:
            raise Refusal(SYSTEM_MESSAGE)
        if lowered not in self.allowed.functions:
            if FILE_FUNCTION.match(lowered):
                raise Refusal(FILES_MESSAGE)
            shown = f" {name}" if PLAIN_NAME.match(name) else ""
            raise Refusal(f"De functie{shown} bestaat niet of is niet toegestaan in de SQL-box.")

    def table_ref(self, ref: dict, ctes: frozenset[str]) -> None:
        kind = ref["type"]
        if kind not in TABLE_REFS:
            raise Refusal(f"Deze SQL-constructie ({kind}) kan niet in de SQL-box.")
        if kind == "BASE_TABLE":
            self.table(str(ref.get("catalog_name", "")), str(ref.get("schema_name", "")), str(ref["table_name"]),
                       ctes)
        elif kind == "TABLE_FUNCTION":
            # Only the function's name is checked as a table function; its arguments are walked as expressions.
            self.table_function(ref["function"])
            self.node([value for key, value in ref.items() if key != "function"], ctes)
            self.node(list(ref["function"].values()), ctes)
            return
        elif kind == "SHOW_REF" and ref.get("query") is None:
            show = str(ref.get("show_type"))
            name = str(ref.get("table_name", ""))
            if show == "SHOW_SPECIAL" and name.lower() in SHOW_SPECIAL:
                pass
            elif show in ("SHOW", "DESCRIBE", "SUMMARY") and name:
                self.table(str(ref.get("catalog_name", "")), str(ref.get("schema_name", "")), name, frozenset())
            else:
                raise Refusal(SYSTEM_MESSAGE)
        for item in ref.values():
            self.node(item, ctes)

    def table(self, catalog: str, schema: str, name: str, ctes: frozenset[str]) -> None:
        lowered, catalog, schema = name.lower(), catalog.lower(), schema.lower()
        if not catalog and not schema and lowered in ctes:
            return
        if lowered in self.allowed.tables and (catalog, schema) in {("", ""), ("", "main"), ("warehouse", "main"),
                                                                     ("", "warehouse"), ("warehouse", "")}:
            return
        if not catalog and not schema and lowered in SYSTEM_VIEWS:
            return
        if catalog in ("", "system") and schema == "information_schema" and lowered in INFORMATION_SCHEMA:
            return
        if not PLAIN_NAME.match(name) or not _plain_parts((catalog, schema)):
            raise Refusal(FILES_MESSAGE)  # 'file.csv', "/etc/passwd", 'https://...': a replacement scan
        if lowered in self.allowed.system_views or _system_name(lowered) or schema in ("pg_catalog",
                                                                                          "information_schema"):
            raise Refusal(SYSTEM_MESSAGE)
        raise Refusal(f"De tabel {name} bestaat niet in het datawarehouse. De tabellen staan in "
                      "information_schema.tables (of gebruik SHOW TABLES).")

    def table_function(self, function: dict) -> None:
        name = str(function.get("function_name", ""))
        lowered = name.lower()
        if lowered in TABLE_FUNCTIONS and not function.get("catalog") and str(function.get("schema", "")).lower() in (
                "", "main"):
            return
        if lowered in STRING_SQL_FUNCTIONS:
            raise Refusal(STRING_SQL_MESSAGE)
        if FILE_FUNCTION.match(lowered):
            raise Refusal(FILES_MESSAGE)
        if _system_name(lowered) or lowered in ("which_secret", "checkpoint", "force_checkpoint"):
            raise Refusal(SYSTEM_MESSAGE)
        raise Refusal("Deze tabelfunctie is niet toegestaan in de SQL-box; wel: "
                      f"{', '.join(sorted(TABLE_FUNCTIONS))}.")


def _system_name(name: str) -> bool:
    return name.lower().startswith(("duckdb_", "pragma_", "pg_", "sqlite_", "information_schema"))


def _plain_parts(parts: Iterable[str]) -> bool:
    return all(not part or PLAIN_NAME.match(part) for part in parts)
