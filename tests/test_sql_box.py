"""The read-only SQL box refuses every way out of the warehouse and stops runaway queries."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.sql_box import QueryRefusedError, run_query


@pytest.mark.parametrize(("sql", "message"), [
    ("select * from read_csv('/etc/passwd')", "niet bereikbaar"),
    ("select * from read_text('/etc/hostname')", "niet bereikbaar"),
    ("select * from glob('/etc/*')", "niet bereikbaar"),
    ("select * from 'data/raw/x.parquet'", "niet bereikbaar"),
    ("attach '/tmp/elders.duckdb' as elders", "type ATTACH"),
    ("copy (select 1) to '/tmp/uit.csv'", "type COPY"),
    ("export database '/tmp/uit'", "type EXPORT"),
    ("install httpfs", "type LOAD"),
    ("load httpfs", "type LOAD"),
    ("set enable_external_access = true", "type SET"),
    ("insert into region select * from region", "type INSERT"),
    ("create table t as select 1", "type CREATE"),
    ("pragma database_list", "type PRAGMA"),
    ("select 1; select 2", "precies één"),
    ("selec 1", "klopt niet"),
    ("select * from bestaat_niet", "kon niet worden uitgevoerd"),
])
def test_every_escape_is_refused_in_dutch(demo_db, sql, message):
    with pytest.raises(QueryRefusedError, match=message):
        run_query(demo_db, sql)


def test_nothing_was_written(demo_db, tmp_path):
    with pytest.raises(QueryRefusedError):
        run_query(demo_db, f"copy (select 1) to '{tmp_path / 'uit.csv'}'")
    assert list(tmp_path.iterdir()) == []


def test_select_works_next_to_the_apps_own_connection(demo_db):
    app = duckdb.connect(str(demo_db), read_only=True)  # as ui/data.py holds one open
    try:
        result = run_query(demo_db, "select count(*) as n from region where level = 'gemeente' and valid_to is null")
    finally:
        app.close()
    assert result.frame["n"].tolist() == [342] and not result.truncated


def test_row_cap_and_time_limit(demo_db):
    capped = run_query(demo_db, "select * from range(50)", row_cap=20)
    assert len(capped.frame) == 20 and capped.truncated
    with pytest.raises(QueryRefusedError, match=r"langer dan 0\.3 seconden"):
        run_query(demo_db, "select sum(a.range * b.range) from range(100000) a, range(100000) b", timeout_s=0.3)
