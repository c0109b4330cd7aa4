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

import duckdb

from warehouse.indicator import Bounds, Sums

# The periods (within the years asked) in which the fact table has a row, under the query's own filter, in a
# province of one of the region's municipalities, and in which the region existed. Table, column and filter are
# the calling module's constants; values are bound.
_COVERED = """
select distinct f.{period}
from {table} as f
join education as e using (education_id)
join region as place on place.code = f.municipality_code
join period as p on p.period_id = f.{period}
join region as target on target.code = ?
where place.parent_code in (
        select r.parent_code
        from region_membership as m
        join region as r on r.code = m.municipality_code
        where m.region_code = target.code
    )
  and (target.valid_from is null or target.valid_from <= p.start_year)
  and (target.valid_to is null or target.valid_to >= p.start_year)
  and p.start_year between ? and ?
  and {where}
"""

ZERO = Bounds(0, 0, 0)


def covered_periods(con: duckdb.DuckDBPyConnection, table: str, period: str, where: str, parameters: list,
                    region: str, from_year: int, to_year: int) -> list[str]:
    """The periods in which the source covers the region (see the module's rule), sorted."""
    sql = _COVERED.format(table=table, period=period, where=where)  # constants of the calling module
    rows = con.execute(sql, [region, from_year, to_year, *parameters]).fetchall()
    return sorted(str(row[0]) for row in rows)


def with_zeros(sums: list[Sums], covered: list[str], other: bool = False) -> list[Sums]:
    """The counts per period, with 0 for every covered period the query found no row in (other: a 0 rest too)."""
    found = {s.period: s for s in sums}
    zero = Sums("", ZERO, ZERO if other else None, False)
    return [found.get(period) or Sums(period, zero.part, zero.other, False)
            for period in sorted(set(found) | set(covered))]
