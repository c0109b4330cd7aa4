"""Breakdowns behind the headline indicators: the technical share of vo exam candidates by sex."""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.measures.vo_exams import SOURCE_ID, SUPPRESSED_MIDPOINT
from warehouse.sources import source_citation, source_loaded

SEX_LABELS = {"man": "Jongens", "vrouw": "Meisjes"}

# Per school year and sex: technical and other candidates with bounds, from DUO's man and vrouw rows.
_BY_SEX = """
select
    f.school_year as period,
    f.sex,
    coalesce(sum(f.candidates_low) filter (where e.is_technical), 0) as t_low,
    coalesce(sum(coalesce(f.candidates, ?)) filter (where e.is_technical), 0) as t_mid,
    coalesce(sum(f.candidates_high) filter (where e.is_technical), 0) as t_high,
    coalesce(sum(f.candidates_low) filter (where not e.is_technical), 0) as o_low,
    coalesce(sum(coalesce(f.candidates, ?)) filter (where not e.is_technical), 0) as o_mid,
    coalesce(sum(f.candidates_high) filter (where not e.is_technical), 0) as o_high,
    bool_or(f.status = 'voorlopig') as provisional
from fact_vo_exam as f
join education as e using (education_id)
join region_membership as m on m.municipality_code = f.municipality_code
join period as p on p.period_id = f.school_year
where m.region_code = ? and f.sex in ('man', 'vrouw') and list_contains(?, e.level)
  and p.start_year between ? and ?
group by all
order by period, sex
"""


def technical_share_by_sex(con: duckdb.DuckDBPyConnection, region: str, levels: list[str],
                           from_year: int | None = None, to_year: int | None = None) -> pd.DataFrame:
    """Technical share of exam candidates per sex and school year, in the indicator record's columns."""
    columns = ["period", "reeks", "value", "lower", "upper", "unit", "source", "status"]
    if not source_loaded(con, SOURCE_ID):
        return pd.DataFrame(columns=columns)
    rows = con.execute(_BY_SEX, [SUPPRESSED_MIDPOINT, SUPPRESSED_MIDPOINT, region, levels,
                                 0 if from_year is None else from_year, 9999 if to_year is None else to_year]).df()
    if rows.empty:
        return pd.DataFrame(columns=columns)
    # Extremes pair opposite bounds: fewest technical with most others gives the lowest share.
    share = pd.DataFrame({
        "period": rows["period"],
        "reeks": rows["sex"].map(SEX_LABELS),
        "value": rows["t_mid"] / (rows["t_mid"] + rows["o_mid"]),
        "lower": rows["t_low"] / (rows["t_low"] + rows["o_high"]),
        "upper": rows["t_high"] / (rows["t_high"] + rows["o_low"]),
        "unit": "share",
        "source": source_citation(con, SOURCE_ID),
        "status": rows["provisional"].map({True: "voorlopig", False: "definitief"}),
    })
    return share[columns]
