"""The transforms as SQL files (etl/transforms.py): staging per source, marts per fact table, values as variables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from etl import transforms
from etl.rawfiles import discover
from etl.reference import MunicipalityResolver
from etl.sources import SOURCES
from warehouse.schema import schema_sql

FACT_TABLES = sorted({source.DATASET.fact_table for source in SOURCES})


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """Column names of a table, view or query, in order."""
    return [row[0] for row in con.execute(f"describe {relation}").fetchall()]


@pytest.fixture(scope="module")
def schema() -> duckdb.DuckDBPyConnection:
    """An empty warehouse schema in memory."""
    con = duckdb.connect()
    con.execute(schema_sql())
    yield con
    con.close()


@pytest.mark.parametrize("table", FACT_TABLES)
def test_a_mart_gives_exactly_its_tables_columns(schema: duckdb.DuckDBPyConnection, table: str) -> None:
    con = schema.cursor()
    con.execute(f"create temp table staged as select * from {table} limit 0")  # noqa: S608 (schema names)
    transforms.set_variables(con, periods=None)
    assert _columns(con, f"({transforms.mart(table)})") == _columns(con, table)
    assert set(transforms.grain(table)) <= set(_columns(con, table))


def test_grain_is_the_marts_final_order() -> None:
    assert transforms.grain("fact_vo_exam") == ("vestiging", "education_id", "sex", "school_year")
    assert {source.DATASET.grain for source in SOURCES if source.DATASET.fact_table == "fact_cbs"} == {
        ("source_id", "table_id", "measure", "region_code", "dims", "period")}


def test_a_variable_name_is_never_sql_text() -> None:
    con = duckdb.connect()
    with pytest.raises(ValueError):
        transforms.set_variables(con, **{"x = 1; drop table region; set variable y": 1})
    transforms.set_variables(con, name="it's; a 'quoted' value")  # values are bound, whatever they hold
    assert con.execute("select getvariable('name')").fetchall() == [("it's; a 'quoted' value",)]


def test_every_demo_file_stages_its_fact_tables_columns(demo_raw: Path, schema: duckdb.DuckDBPyConnection,
                                                        resolver: MunicipalityResolver,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each reader leaves view `staged` through its staging file, with the fact table's columns; every staging and
    lookup file is used; the file's path reaches source_file intact (as a variable, not as SQL text)."""
    used: dict[str, set[str]] = {"staging": set(), "lookups": set()}

    def recorded(layer: str, run: Callable[..., object]) -> Callable[..., object]:
        def recording(con: duckdb.DuckDBPyConnection, source: str, **values: object) -> object:
            used[layer].add(source)
            return run(con, source, **values)
        return recording

    monkeypatch.setattr(transforms, "stage", recorded("staging", transforms.stage))
    monkeypatch.setattr(transforms, "lookup", recorded("lookups", transforms.lookup))
    odd_path = "map/o'neill; drop.csv"
    for raw in discover(demo_raw):
        con = schema.cursor()
        raw.source.stage(con, raw.path, odd_path, resolver)
        table = raw.source.DATASET.fact_table
        assert sorted(_columns(con, transforms.STAGED)) == sorted(_columns(con, table)), raw.relative
        assert con.execute("select distinct source_file from staged").fetchall() == [(odd_path,)], raw.relative
        con.close()
    for layer, sources in used.items():
        assert sorted(sources) == sorted(path.stem for path in (transforms.SQL_DIR / layer).glob("*.sql")), layer


def test_the_mart_keeps_the_periods_the_build_takes(demo_raw: Path, resolver: MunicipalityResolver) -> None:
    raw = next(raw for raw in discover(demo_raw) if raw.source.DATASET.fact_table == "fact_vo_exam")
    con = duckdb.connect()
    raw.source.stage(con, raw.path, raw.relative, resolver)
    every = con.execute("select distinct school_year from staged order by 1").fetchall()
    assert len(every) > 1
    transforms.set_variables(con, periods=[every[0][0]])
    mart = transforms.mart("fact_vo_exam")
    rows = con.execute(f"select school_year from ({mart})").fetchall()  # noqa: S608 (a file of the code)
    assert rows and set(rows) == {every[0]}
    transforms.set_variables(con, periods=None)
    ordered = con.execute(f"select vestiging, education_id, sex, school_year from ({mart})").fetchall()  # noqa: S608
    assert ordered == sorted(ordered) and {row[3] for row in ordered} == {row[0] for row in every}
