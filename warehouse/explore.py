"""The explorer's query builder: any documented table, filtered by region, period and level, grouped and summed.

Table and column names are checked against the warehouse's own catalog before they are placed in SQL; every
value (region, years, levels) is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.inventory import PERIOD_COLUMNS
from warehouse.schema import table_grains, table_titles

NUMERIC_TYPES = ("INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "FLOAT", "HUGEINT", "SMALLINT", "TINYINT")
ROW_LIMIT = 50_000


class ExploreError(ValueError):
    """The requested table, column or filter does not exist."""


@dataclass(frozen=True)
class TableShape:
    """What the explorer can do with a table: its dimensions, measures and which filters apply."""

    name: str
    title: str  # Dutch, for the app (the name is for SQL)
    grain: str
    dimensions: list[str]
    measures: list[str]
    period_column: str | None
    has_region: bool
    has_level: bool


def table_shapes(con: duckdb.DuckDBPyConnection) -> dict[str, TableShape]:
    """Every documented table that exists in this warehouse, with its dimensions and numeric measures."""
    grains, titles = table_grains(dutch=True), table_titles()
    shapes = {}
    for table, grain in grains.items():
        columns = con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ? "
            "order by ordinal_position", [table]).fetchall()
        if not columns:
            continue
        names = [c for c, _ in columns]
        measures = [c for c, t in columns if t.split("(")[0] in NUMERIC_TYPES and c != "source_line"]
        dimensions = [c for c in names if c not in measures and c not in ("source_file", "source_line")]
        if "education_id" in names:
            dimensions += ["level", "is_technical"]
        shapes[table] = TableShape(table, titles.get(table, table), grain, dimensions, measures,
                                   next((c for c in PERIOD_COLUMNS if c in names), None),
                                   "municipality_code" in names, "education_id" in names)
    return shapes


def query_table(con: duckdb.DuckDBPyConnection, table: str, group_by: list[str], measures: list[str],
                region: str | None = None, from_year: int | None = None, to_year: int | None = None,
                levels: list[str] | None = None, sex: str | None = None) -> pd.DataFrame:
    """Rows of a table (or sums of measures grouped by dimensions) within the filters that apply to it.

    `sex` filters tables that publish man, vrouw and a separate 'totaal' (summing all three counts twice).
    """
    shape = table_shapes(con).get(table)
    if shape is None:
        raise ExploreError(f"Tabel '{table}' bestaat niet in dit datawarehouse.")
    unknown = [c for c in [*group_by, *measures] if c not in shape.dimensions + shape.measures]
    if unknown:
        raise ExploreError(f"Kolom(men) {', '.join(unknown)} bestaan niet in {table}.")

    def column(name: str) -> str:  # education's columns come from the join, the rest from the table
        return f"e.{name}" if name in ("level", "is_technical") and shape.has_level else f"t.{name}"

    joins, where, params = [], [], []
    if shape.has_level:
        joins.append("join education as e on e.education_id = t.education_id")
        if levels:
            where.append("list_contains(?, e.level)")
            params.append(list(levels))
    if sex and "sex" in shape.dimensions:
        where.append("t.sex = ?")
        params.append(sex)
    if region and shape.has_region:
        where.append("t.municipality_code in (select municipality_code from region_membership where region_code = ?)")
        params.append(region)
    if shape.period_column and (from_year is not None or to_year is not None):
        # The programme's report months are not in `period` (only the sources' periods are): their year counts.
        joins.append(f"left join period as p on p.period_id = t.{shape.period_column}")
        where.append(f"coalesce(p.start_year, try_cast(left(cast(t.{shape.period_column} as varchar), 4) as integer)) "
                     "between ? and ?")
        params += [from_year if from_year is not None else 0, to_year if to_year is not None else 9999]
    if group_by:
        select = ", ".join([*(f"{column(c)} as {c}" for c in group_by),
                            *(f"sum({column(m)}) as {m}" for m in measures)])
        tail = f"group by all order by {', '.join(str(i + 1) for i in range(len(group_by)))}"
    else:
        select = ", ".join(f"{column(c)} as {c}" for c in [*shape.dimensions, *shape.measures]
                           if shape.has_level or c not in ("level", "is_technical"))
        tail = ""
    # Identifiers were checked against the table's columns above; every value is a bound parameter.
    sql = (f"select {select} from {table} as t {' '.join(joins)} "  # noqa: S608
           f"{'where ' + ' and '.join(where) if where else ''} {tail} limit {ROW_LIMIT}")
    return con.execute(sql, params).df()
