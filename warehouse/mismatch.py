"""Supply against demand per technical domain for the page 'Aansluiting onderwijs–arbeidsmarkt' (read layer).

The tables are mismatch_supply (graduates per domain × institution municipality × level × year) and mismatch_demand
(mean open vacancies and job-seekers per domain × municipality × year); see warehouse/sql/mismatch_*.sql and
docs/mismatch.md. Ratios carry the bounds that DUO's suppressed counts allow; vacancies have none.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.measures.mismatch import DEMAND_SOURCE, SUPPLY_SOURCES
from warehouse.sources import source_citation, source_loaded

LEVELS = ("mbo 2", "mbo 3", "mbo 4", "hbo", "wo")

# Per domain × year of the region: graduates with bounds, mean vacancies and job-seekers (null where a side is
# missing), and the months the demand year covers.
_OVERVIEW = """
with supply as (
    select s.domain_id, cast(s.calendar_year as integer) as year, sum(s.graduates_low) as low,
           sum(s.graduates) as mid, sum(s.graduates_high) as high, sum(s.suppressed_cells) as suppressed,
           bool_or(s.provisional) as prov
    from mismatch_supply as s
    join region_membership as m on m.municipality_code = s.municipality_code
    where m.region_code = $region and cast(s.calendar_year as integer) between $from_year and $to_year
    group by all
), demand as (
    select d.domain_id, cast(d.calendar_year as integer) as year, sum(d.vacancies) as vacancies,
           sum(d.job_seekers) as job_seekers, max(d.months) as months, min(d.first_month) as first_month,
           max(d.last_month) as last_month, bool_or(d.provisional) as prov
    from mismatch_demand as d
    join region_membership as m on m.municipality_code = d.municipality_code
    where m.region_code = $region and cast(d.calendar_year as integer) between $from_year and $to_year
    group by all
)
select t.domain_id, t.name as domein, t.sort_order, coalesce(s.year, d.year) as year,
       s.low, s.mid, s.high, coalesce(s.suppressed, 0) as suppressed, d.vacancies, d.job_seekers, d.months,
       d.first_month, d.last_month, coalesce(s.prov, false) or coalesce(d.prov, false) as provisional
from supply as s
full join demand as d using (domain_id, year)
join technical_domain as t on t.domain_id = coalesce(s.domain_id, d.domain_id)
order by t.sort_order, year
"""

_BY_LEVEL = """
select s.level, sum(s.graduates_low) as low, sum(s.graduates) as mid, sum(s.graduates_high) as high,
       bool_or(s.provisional) as provisional
from mismatch_supply as s
join region_membership as m on m.municipality_code = s.municipality_code
where m.region_code = $region and s.domain_id = $domain and s.calendar_year = $year
group by s.level
"""

_BY_MUNICIPALITY = """
with supply as (
    select municipality_code as code, sum(graduates_low) as low, sum(graduates) as mid,
           sum(graduates_high) as high, bool_or(provisional) as prov
    from mismatch_supply where domain_id = $domain and calendar_year = $year group by all
), demand as (
    select municipality_code as code, sum(vacancies) as vacancies, sum(job_seekers) as job_seekers,
           bool_or(provisional) as prov
    from mismatch_demand where domain_id = $domain and calendar_year = $year group by all
)
select r.code, r.name as gemeente, coalesce(s.low, 0) as low, coalesce(s.mid, 0) as mid,
       coalesce(s.high, 0) as high, coalesce(d.vacancies, 0) as vacancies, coalesce(d.job_seekers, 0) as job_seekers,
       coalesce(s.prov, false) or coalesce(d.prov, false) as provisional
from region as r
left join supply as s on s.code = r.code
left join demand as d on d.code = r.code
where r.code in (select unnest($codes::varchar[]))
order by r.name
"""

_UNPLACED = """
select coalesce(sum(s.graduates) filter (where s.domain_id is null), 0), coalesce(sum(s.graduates), 0)
from mismatch_supply as s
join region_membership as m on m.municipality_code = s.municipality_code
where m.region_code = $region and s.calendar_year = $year
"""


def sources(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Whether each side is in this warehouse: {'aanbod': DUO graduates, 'vraag': UWV vacancies}."""
    return {"aanbod": any(source_loaded(con, s) for s in SUPPLY_SOURCES), "vraag": source_loaded(con, DEMAND_SOURCE)}


def citation(con: duckdb.DuckDBPyConnection) -> str:
    """The source line for supply and demand together (each with '(demodata)' where it is demo data)."""
    return "; ".join(source_citation(con, s) for s in (*SUPPLY_SOURCES, DEMAND_SOURCE) if source_loaded(con, s))


def overview(con: duckdb.DuckDBPyConnection, region: str, from_year: int | None = None,
             to_year: int | None = None) -> pd.DataFrame:
    """Per domain × year: graduates (low/mid/high), vacancies, job-seekers, ratio with bounds, tension, status."""
    frame = con.execute(_OVERVIEW, {"region": region, "from_year": 0 if from_year is None else from_year,
                                    "to_year": 9999 if to_year is None else to_year}).df()
    with_both = frame["mid"].notna() & frame["vacancies"].gt(0)
    # The ratio's extremes pair the graduates' bounds with the (exact) vacancies.
    frame["ratio"] = (frame["mid"] / frame["vacancies"]).where(with_both)
    frame["ratio_low"] = (frame["low"] / frame["vacancies"]).where(with_both)
    frame["ratio_high"] = (frame["high"] / frame["vacancies"]).where(with_both)
    frame["tension"] = (frame["vacancies"] / frame["job_seekers"]).where(frame["job_seekers"].gt(0))
    frame["status"] = frame["provisional"].map({True: "voorlopig", False: "definitief"})
    return frame


def latest_common_year(frame: pd.DataFrame) -> int | None:
    """The latest year in which some domain has both graduates and vacancies, or None."""
    years = frame.loc[frame["ratio"].notna(), "year"]
    return None if years.empty else int(years.max())


def by_level(con: duckdb.DuckDBPyConnection, region: str, domain: str, year: int) -> pd.DataFrame:
    """Graduates of one domain and year per level (mbo 2, 3, 4, hbo, wo), every level present (0 where none)."""
    found = con.execute(_BY_LEVEL, {"region": region, "domain": domain, "year": str(year)}).df().set_index("level")
    frame = found.reindex(list(LEVELS)).rename_axis("level").reset_index()
    frame[["low", "mid", "high"]] = frame[["low", "mid", "high"]].fillna(0.0)
    frame["provisional"] = frame["provisional"].fillna(False).astype(bool)
    return frame


def by_municipality(con: duckdb.DuckDBPyConnection, codes: list[str], domain: str, year: int) -> pd.DataFrame:
    """Graduates (by institution location) and mean vacancies of one domain and year per municipality."""
    return con.execute(_BY_MUNICIPALITY, {"codes": codes, "domain": domain, "year": str(year)}).df()


def unplaced(con: duckdb.DuckDBPyConnection, region: str, year: int) -> tuple[float, float]:
    """(technical graduates in no domain, all technical graduates) of mbo 2-4, hbo and wo-master in the year."""
    outside, total = con.execute(_UNPLACED, {"region": region, "year": str(year)}).fetchone()
    return float(outside), float(total)
