"""Zero versus no data in DUO's counts: one rule for every count of institutions' locations (issue 15 part 6).

DUO's vo, mbo and hbo/wo files list every school or institution location in the area they cover, so a
municipality without a row in a period the file covers has none: its count is 0, with the file as its source.
"No record" is only for what the source says nothing about: a period the file does not hold, a municipality that
did not exist that year, or an area the file does not cover. The area a file covers in a period is taken as the
provinces in which it has at least one row then (a national file: every province; a Flevoland extract: Flevoland;
DUO's old mbo file, which places Flevoland's own institution under Amsterdam: no Flevoland municipality).

Before this rule Dronten got 0 hbo techniek first-years (its institution has other programmes) while Lelystad, where
DUO lists no hbo institution at all, got no record for the same situation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import duckdb

from warehouse.indicator import Bounds, Sums

# Where the fact table has a row under the query's own filter: province × period (with its first year), within the
# years asked. Table, column and filter are the calling module's constants; values are bound.
_COVERAGE = """
select distinct place.parent_code, f.{period}, p.start_year
from {table} as f
join education as e using (education_id)
join region as place on place.code = f.municipality_code
join period as p on p.period_id = f.{period}
where p.start_year between ? and ?
  and {where}
"""
# Per region: the provinces of its municipalities, and the years it existed.
_REGIONS = """
select t.code, list(distinct r.parent_code), any_value(t.valid_from), any_value(t.valid_to)
from region as t
join region_membership as m on m.region_code = t.code
join region as r on r.code = m.municipality_code
{where}
group by t.code
"""

ZERO = Bounds(0, 0, 0)
# Within shared_coverage(): what the queries above returned, so that asking every municipality (the effects panel)
# reads each source's coverage and the regions once instead of once per municipality.
_SHARED: ContextVar[dict | None] = ContextVar("coverage", default=None)


@contextmanager
def shared_coverage() -> Iterator[None]:
    """Read coverage and regions once for every covered_periods call in the block (one connection, one warehouse)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _regions(con: duckdb.DuckDBPyConnection, region: str) -> dict[str, tuple]:
    shared = _SHARED.get()
    if shared is None:
        rows = con.execute(_REGIONS.format(where="where t.code = ?"), [region]).fetchall()
    elif "regions" in shared:
        return shared["regions"]
    else:
        rows = con.execute(_REGIONS.format(where="")).fetchall()
    found = {code: (set(provinces), valid_from, valid_to) for code, provinces, valid_from, valid_to in rows}
    if shared is not None:
        shared["regions"] = found
    return found


def _coverage(con: duckdb.DuckDBPyConnection, table: str, period: str, where: str, parameters: list,
              from_year: int, to_year: int) -> list[tuple]:
    key = (table, period, where, repr(parameters), from_year, to_year)
    shared = _SHARED.get()
    if shared is not None and key in shared:
        return shared[key]
    sql = _COVERAGE.format(table=table, period=period, where=where)  # constants of the calling module
    rows = con.execute(sql, [from_year, to_year, *parameters]).fetchall()
    if shared is not None:
        shared[key] = rows
    return rows


def covered_periods(con: duckdb.DuckDBPyConnection, table: str, period: str, where: str, parameters: list,
                    region: str, from_year: int, to_year: int) -> list[str]:
    """The periods in which the source covers the region (see the module's rule), sorted."""
    known = _regions(con, region).get(region)
    if known is None:
        return []
    provinces, valid_from, valid_to = known
    return sorted({str(found) for province, found, start in _coverage(con, table, period, where, parameters,
                                                                      from_year, to_year)
                   if province in provinces and (valid_from is None or valid_from <= start)
                   and (valid_to is None or valid_to >= start)})


def with_zeros(sums: list[Sums], covered: list[str], other: bool = False) -> list[Sums]:
    """The counts per period, with 0 for every covered period the query found no row in (other: a 0 rest too)."""
    found = {s.period: s for s in sums}
    zero = Sums("", ZERO, ZERO if other else None, False)
    return [found.get(period) or Sums(period, zero.part, zero.other, False)
            for period in sorted(set(found) | set(covered))]
