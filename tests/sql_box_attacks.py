"""Hostile SQL for the SQL box: file reads, path and setting leaks, writes, extensions, multi-statements, string SQL.

Shared by tests/test_sql_box.py and bench/bench_sql_box.py. Placeholders: {db} the warehouse file, {wal} its .wal,
{dir} its folder, {tmp} the system temp folder. Each must be refused, or return nothing with a path or file content.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

ATTACKS: tuple[str, ...] = (
    # The warehouse file, its .wal and its folder (DuckDB keeps these readable with external access disabled).
    "select * from read_blob('{db}')",
    "select content from read_text('{db}')",
    "select * from read_blob('{wal}')",
    "select * from read_text('{wal}')",
    "select * from read_blob(['{db}', '{wal}'])",
    "select octet_length(content) from read_blob('{db}' || '')",
    "select * from glob('{dir}/*')",
    "select * from '{db}'",
    'select * from "{wal}"',
    "from '{dir}/warehouse.duckdb.wal'",
    "select * from read_csv_auto('{dir}/*.csv')",
    "select * from parquet_metadata('{db}')",
    "select * from read_duckdb('{db}')",
    "attach '{db}' as twee",
    # DuckDB's temp directory, the system temp folder, /etc.
    "select * from glob('{tmp}/*')",
    "select * from glob('.tmp/*')",
    "select * from read_csv('.tmp/*')",
    "select * from read_text('/etc/passwd')",
    "select * from read_csv('/etc/passwd')",
    "select * from '/etc/passwd'",
    "select * from read_json('/etc/passwd')",
    "select * from read_parquet('/etc/passwd')",
    "select * from sniff_csv('/etc/passwd')",
    "select * from range(1) where exists (select * from glob('/etc/*'))",
    "select (select content from read_text('/etc/passwd'))",
    # Paths and settings from the catalog and functions.
    "select * from duckdb_databases()",
    "select * from duckdb_databases",
    "select * from system.main.duckdb_databases",
    "select * from pragma_database_list",
    "select * from pragma_database_list()",
    "select * from duckdb_settings()",
    "select * from pg_catalog.pg_settings",
    "select current_setting('temp_directory')",
    "select current_setting('allowed_paths'), current_setting('allowed_directories')",
    "select * from duckdb_extensions()",
    "select * from duckdb_temporary_files()",
    "select * from duckdb_secrets()",
    "select * from which_secret('s3://emmer/x', 's3')",
    "select getenv('HOME')",
    "select * from unnest((select list(path) from duckdb_databases()))",
    "select * from pragma_storage_info('region')",
    "select * from duckdb_logs",
    "summarize select * from duckdb_databases()",
    "describe select * from read_text('/etc/passwd')",
    "explain select * from read_text('/etc/passwd')",
    "explain analyze select current_setting('temp_directory')",
    # String SQL.
    "select * from query('select current_setting(''temp_directory'')')",
    "select * from query_table('duckdb_databases')",
    "select json_serialize_plan('select current_setting(''temp_directory'')')",
    "select * from json_execute_serialized_sql(json_serialize_sql('select * from duckdb_databases()'))",
    # CTE names that shadow catalog views, and PIVOTs over what is not allowed.
    "with duckdb_settings as (select 1 as x) select * from duckdb_settings",
    "select * from (with x as (select 1) select * from x), duckdb_databases",
    "with p as (select * from duckdb_settings()) pivot p on name using first(value)",
    "pivot (select * from read_text('/etc/passwd')) on filename using count(*)",
    "pivot (from duckdb_databases()) on database_name using first(path)",
    # Writes, configuration, extensions, other statements.
    "copy (select 1) to '{dir}/uit.csv'",
    "copy region to '{tmp}/uit.parquet'",
    "export database '{dir}/export'",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "set temp_directory = '{tmp}'",
    "reset lock_configuration",
    "pragma database_list",
    "checkpoint",
    "call duckdb_databases()",
    "create secret (type s3, key_id 'x', secret 'y')",
    "set variable pad = (select path from duckdb_databases() limit 1)",
    "prepare p as select * from read_text('/etc/passwd')",
    "use memory",
    "detach warehouse",
    "insert into region select * from region",
    "create table t as select 1",
    "select 1; select * from read_text('/etc/passwd')",
    "vacuum",
)
# Read-only views that are allowed and must show no path either.
CATALOG_QUERIES: tuple[str, ...] = (
    "select * from information_schema.schemata",
    "select * from information_schema.tables",
    "select * from duckdb_tables()",
    "select * from duckdb_views()",
    "show databases",
    "show all tables",
)


def fill(sql: str, db: Path) -> str:
    """The attack with the warehouse's own paths filled in."""
    return sql.format(db=db, wal=f"{db}.wal", dir=db.parent, tmp=tempfile.gettempdir())


def secrets(db: Path) -> tuple[str, ...]:
    """Strings that must appear in no answer: the paths, and what /etc/passwd holds."""
    return (str(db), str(db.parent), str(db.resolve().parent), tempfile.gettempdir(), "/etc", "root:", ".tmp")


DUTCH_WORDS = (" niet ", " de ", " het ", " een ", " is ", " kan ", " geef ", " zijn ", " van ", " alleen ")


def is_dutch(message: str) -> bool:
    """A refusal whose main message (before the technical details) is Dutch, with no English library text."""
    main = message.split("Technische details:")[0]
    return any(word in f" {main.lower()} " for word in DUTCH_WORDS) and not any(
        english in main for english in ("Error", "error", "Exception", "not ", "does ", "the "))
