"""The read-only SQL box refuses every way out of the warehouse, keeps its promises on time, memory and size, and
still answers the analysts' real SQL."""

from __future__ import annotations

import shutil
import time

import duckdb
import psutil
import pytest

from tests.sql_box_attacks import ATTACKS, CATALOG_QUERIES, fill, is_dutch, secrets
from warehouse import sql_box
from warehouse.sql_box import EXAMPLE_QUERY, QueryRefusedError, run_query
from warehouse.sql_box_guard import FILES_MESSAGE

MiB = 1024 ** 2


@pytest.fixture(scope="module")
def wal_db(demo_db, tmp_path_factory):
    """A copy of the demo warehouse with a .wal next to it holding a marker (what an attack would like to read)."""
    db = tmp_path_factory.mktemp("sql_box") / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    db.with_name("warehouse.duckdb.wal").write_bytes(b"")
    return db


def _answer(db, sql: str) -> str:
    """What the analyst sees: the refusal (which must be Dutch), or the result as text."""
    try:
        result = run_query(db, sql)
    except QueryRefusedError as exc:
        assert is_dutch(str(exc)), str(exc)
        return str(exc)
    return result.frame.to_csv(index=False)


@pytest.mark.parametrize("attack", ATTACKS + CATALOG_QUERIES)
def test_no_file_and_no_path_leaves_the_box(wal_db, attack):
    answer = _answer(wal_db, fill(attack, wal_db))
    assert not [secret for secret in secrets(wal_db) if secret in answer], answer


def test_the_corpus_is_refused_and_writes_nothing(wal_db):
    assert run_query(wal_db, "select count(*) as n from region").frame["n"][0] > 0  # the copy with a .wal works
    before = sorted(wal_db.parent.iterdir())
    refused = 0
    for attack in ATTACKS:
        try:
            run_query(wal_db, fill(attack, wal_db))
        except QueryRefusedError:
            refused += 1
    assert refused == len(ATTACKS)  # every hostile query is refused outright, not merely emptied
    assert sorted(wal_db.parent.iterdir()) == before


@pytest.mark.parametrize(("sql", "message"), [
    ("select * from read_csv('/etc/passwd')", FILES_MESSAGE),
    ("attach '/tmp/elders.duckdb' as elders", "type ATTACH"),
    ("copy (select 1) to '/tmp/uit.csv'", "type COPY"),
    ("export database '/tmp/uit'", "type EXPORT"),
    ("install httpfs", "type LOAD"),
    ("set enable_external_access = true", "type SET"),
    ("insert into region select * from region", "type INSERT"),
    ("pragma database_list", "type PRAGMA"),
    ("select current_setting('temp_directory')", "Instellingen, paden en systeemtabellen"),
    ("select * from query('select 1')", "SQL in een tekst"),
    ("select 1; select 2", "precies één"),
    ("selec 1", "klopt niet"),
    ("select * from bestaat_niet", "De tabel bestaat_niet bestaat niet in het datawarehouse"),
    ("select geen_functie(1)", "De functie geen_functie bestaat niet"),
    ("select * from generate_subscripts([1], 1)", "Deze tabelfunctie is niet toegestaan"),
    ("select bestaat_niet from region", "kon niet worden uitgevoerd. Technische details: Binder Error"),
    ("select $1", "Parameters"),
    ("", "Geef een SELECT-opdracht"),
])
def test_refusals_say_why_in_dutch(demo_db, sql, message):
    with pytest.raises(QueryRefusedError, match=message.replace("(", r"\(").replace(")", r"\)")) as refused:
        run_query(demo_db, sql)
    assert is_dutch(str(refused.value))


def test_without_the_allowlist_the_process_still_reads_no_file(wal_db):
    # Defence in depth: with the allowlist switched off, DuckDB's lockdown and the worker's sealed file descriptors
    # still keep out what DuckDB alone lets through (the warehouse file and its .wal stay readable in DuckDB).
    before = sorted(wal_db.parent.iterdir())
    for attack in ("select octet_length(content) from read_blob('{db}')", "select * from read_text('{wal}')",
                   "select * from read_text('/etc/passwd')", "copy (select 1) to '{dir}/uit.csv'",
                   "attach '{db}' as twee", "install httpfs", "set enable_external_access = true"):
        with pytest.raises(QueryRefusedError):
            sql_box._run(wal_db, fill(attack, wal_db), timeout_s=10, row_cap=10, guard=False)
    assert sorted(wal_db.parent.iterdir()) == before


def test_select_works_next_to_the_apps_own_connection(demo_db):
    app = duckdb.connect(str(demo_db), read_only=True)  # as ui/data.py holds one open
    try:
        result = run_query(demo_db, "select count(*) as n from region where level = 'gemeente' and valid_to is null")
    finally:
        app.close()
    assert result.frame["n"].tolist() == [342] and not result.truncated


def test_the_analysts_sql_still_works(demo_db):
    example = run_query(demo_db, EXAMPLE_QUERY).frame
    assert list(example.columns) == ["level", "is_technical", "opleidingen"] and len(example) > 0
    joined = run_query(demo_db, """
        with gemeenten as (select code, name from region where level = 'gemeente' and valid_to is null)
        select g.name, m.parent_code, row_number() over (partition by m.parent_code order by g.name) as nr,
               count(*) over () as totaal
        from gemeenten g join region m on m.code = g.code
        qualify nr = 1 order by all""").frame
    assert (joined["totaal"] == 342).all() and joined["nr"].eq(1).all()
    pivoted = run_query(demo_db, "pivot region on level using count(*) group by is_flevoland order by all").frame
    assert {"gemeente", "provincie", "land"} <= set(pivoted.columns) and len(pivoted) == 2
    assert pivoted["gemeente"].sum() == run_query(
        demo_db, "select count(*) as n from region where level = 'gemeente'").frame["n"][0]
    with_in = run_query(demo_db, "pivot region on level in ('gemeente', 'land') using count(*) "
                                 "group by is_flevoland").frame
    assert list(with_in.columns) == ["is_flevoland", "gemeente", "land"]
    two_on = run_query(demo_db, "pivot region on level, is_flevoland || '' using count(*) group by parent_code").frame
    assert "gemeente_true" in two_on.columns
    nested = run_query(demo_db, "with p as (pivot (select level, is_flevoland from region) on level using count(*)) "
                                "select count(*) as n from p").frame
    assert nested["n"].tolist() == [2]
    unpivoted = run_query(demo_db, "unpivot (select 1 as a, 2 as b) on a, b into name kolom value waarde").frame
    assert unpivoted.to_dict("records") == [{"kolom": "a", "waarde": 1}, {"kolom": "b", "waarde": 2}]
    recursive = run_query(demo_db, "with recursive t(n) as (select 1 union all select n + 1 from t where n < 4) "
                                   "select sum(n) as s from t").frame
    assert recursive["s"].tolist() == [10]
    series = run_query(demo_db, "select sum(g) as s, max(u) as u from generate_series(1, 4) t(g), unnest([7, 8]) x(u)")
    assert series.frame.to_dict("records") == [{"s": 20, "u": 8}]


def test_tables_and_columns_can_be_listed(demo_db):
    tables = run_query(demo_db, "select table_name from information_schema.tables where table_schema = 'main'")
    assert {"region", "education", "fact_vo_exam"} <= set(tables.frame["table_name"])
    columns = run_query(demo_db, "select column_name from duckdb_columns() where table_name = 'region'").frame
    assert "level" in set(columns["column_name"])
    assert "code" in set(run_query(demo_db, "describe region").frame["column_name"])
    assert "region" in set(run_query(demo_db, "show tables").frame["name"])
    assert len(run_query(demo_db, "summarize region").frame) == len(columns)
    assert "physical_plan" in set(run_query(demo_db, "explain select count(*) from region").frame["explain_key"])


def test_row_cap_and_time_limit(demo_db):
    capped = run_query(demo_db, "select * from range(50)", row_cap=20)
    assert len(capped.frame) == 20 and capped.truncated
    exact = run_query(demo_db, "select * from range(20)", row_cap=20)
    assert len(exact.frame) == 20 and not exact.truncated
    with pytest.raises(QueryRefusedError, match=r"langer dan 0\.3 seconden"):
        run_query(demo_db, "select sum(a.range * b.range) from range(100000) a, range(100000) b", timeout_s=0.3)


def _workers() -> list[psutil.Process]:
    """The SQL box's query workers still alive: they are forked by its server (other helpers, such as the PDF
    report's chart worker, are children of this process too and are not counted)."""
    server = sql_box._SERVER.pid()
    return psutil.Process(server).children(recursive=True) if server and psutil.pid_exists(server) else []


@pytest.mark.parametrize("sql", [
    "select sum(range) from range(1000000000000)",
    "select count(*) from range(100000) a, range(100000) b, range(100000) c where a.range + b.range = c.range",
    "select max(regexp_replace(repeat('ab', 1000), '(a|b)*c', 'x')) from range(100000000)",
])
def test_a_runaway_query_is_stopped_and_its_process_is_gone(demo_db, sql):
    with pytest.raises(QueryRefusedError, match=r"langer dan 1 seconden"):
        run_query(demo_db, sql, timeout_s=1)
    for _ in range(50):  # the kill is immediate; this only waits for the kernel to reap it
        if not _workers():
            break
        time.sleep(0.1)
    assert _workers() == []


@pytest.mark.parametrize(("sql", "message"), [
    ("select repeat('x', 10_000_000) from range(1000)", "werkgeheugen|groter dan"),
    ("select repeat('x', 100_000) from range(1000)", "groter dan 32 MB"),
    ("select repeat('x', 50_000_000) as s from range(10)", "werkgeheugen|groter dan"),
    ("select list(range) from range(300000000)", "werkgeheugen"),
    ("select string_agg(repeat('x', 1000), ',') from range(2000000)", "werkgeheugen|groter dan"),
])
def test_huge_results_are_refused_without_growing_this_process(demo_db, sql, message):
    run_query(demo_db, "select 1")  # the server is up before measuring
    before = psutil.Process().memory_info().rss
    with pytest.raises(QueryRefusedError, match=message) as refused:
        run_query(demo_db, sql)
    assert is_dutch(str(refused.value))
    assert psutil.Process().memory_info().rss - before < 100 * MiB


def test_the_byte_cap_counts_bytes_not_rows(demo_db):
    with pytest.raises(QueryRefusedError, match="groter dan 1 MB"):
        sql_box._run(demo_db, "select repeat('x', 1000) as s from range(5000)", timeout_s=10, row_cap=10_000,
                     byte_cap=MiB)
    assert len(sql_box._run(demo_db, "select 'x' as s from range(5000)", timeout_s=10, row_cap=10_000,
                            byte_cap=MiB).frame) == 5000


def test_the_worker_server_comes_back_after_it_died(demo_db):
    run_query(demo_db, "select 1")
    psutil.Process(sql_box._SERVER.pid()).kill()
    assert run_query(demo_db, "select 42 as n").frame["n"].tolist() == [42]


def test_replies_are_unpickled_with_an_allowlist():
    import pickle

    evil = b"R" + pickle.dumps((["x"], False, [pickle.dumps([(shutil.rmtree,)])]))
    with pytest.raises(QueryRefusedError):
        sql_box._result(evil)
