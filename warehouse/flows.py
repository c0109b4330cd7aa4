"""Where students living in a region study: mbo students by home region and institution municipality."""

from __future__ import annotations

import duckdb
import pandas as pd

SUPPRESSED_MIDPOINT = 2.5

# One school year; home municipalities within the chosen region; grouped by the institution's municipality.
_DESTINATIONS = """
select
    f.institution_municipality_code as code,
    r.name as municipality,
    coalesce(inst.region_code is not null, false) as in_region,
    sum(f.students_low) as low,
    sum(coalesce(f.students, ?)) as mid,
    sum(f.students_high) as high
from fact_mbo_residence as f
join region as r on r.code = f.institution_municipality_code
left join (select municipality_code, region_code from region_membership where region_code = ?) as inst
    on inst.municipality_code = f.institution_municipality_code
where f.school_year = ?
  and f.home_municipality_code in (select municipality_code from region_membership where region_code = ?)
group by all
order by mid desc, code
"""


def mbo_destinations(con: duckdb.DuckDBPyConnection, home_region: str, school_year: str) -> pd.DataFrame:
    """Per institution municipality: mbo students who live in home_region (bounds for suppressed cells)."""
    return con.execute(_DESTINATIONS, [SUPPRESSED_MIDPOINT, home_region, school_year, home_region]).df()


def residence_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    """School years for which the warehouse holds mbo students by home municipality, ascending."""
    if not con.execute("select count(*) from information_schema.tables where table_name = 'fact_mbo_residence'"
                       ).fetchone()[0]:
        return []
    return [r[0] for r in con.execute("select distinct school_year from fact_mbo_residence order by 1").fetchall()]
