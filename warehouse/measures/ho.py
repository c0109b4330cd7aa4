"""Indicators from DUO's hbo/wo first-years and graduates: technical counts and share (CROHO onderdeel techniek)."""

from __future__ import annotations

from functools import partial

import duckdb

from warehouse.coverage import covered_periods, with_zeros
from warehouse.indicator import Bounds, Indicator, Sums

SUPPRESSED_MIDPOINT = 2.5  # the middle of DUO's 1..4 for a suppressed cell

LOCATION_CAVEAT = (
    "Gemeente = vestigingsplaats van de hogeschool of universiteit, niet de woongemeente van de student. In DUO's "
    "bestanden tot en met 2019 heeft Flevoland alleen hbo-vestigingen in Almere en Dronten en geen universiteit; "
    "Dronten heeft geen techniekopleiding. De andere Flevolandse gemeenten tellen daarom 0, net als Dronten."
)
TECHNIEK_CAVEAT = (
    "Techniek = CROHO-onderdeel 'techniek' volgens DUO. In het hbo vallen ICT-opleidingen (zoals HBO-ICT en "
    "Informatica), toegepaste wiskunde en technische natuurkunde daaronder. In het wo staan wiskunde, natuurkunde "
    "en de meeste informatica-opleidingen (zoals Informatica en Computer Science) in het onderdeel 'natuur' en "
    "tellen niet mee; wat DUO wel onder techniek indeelt (zoals Technische Informatica en Business Information "
    "Technology) telt mee."
)
SUPPRESSION_CAVEAT = (
    "DUO onderdrukt kleine aantallen in de nieuwe indeling (-1); zulke cellen tellen mee met ondergrens 1 en "
    "bovengrens 4, de puntwaarde gebruikt 2,5. De oude indeling (tot 2019) onderdrukt niets."
)
YEAR_CAVEAT = "Studiejaar 2018-2019 is DUO's jaar 2018 (eerstejaars geteld op 1 oktober 2018)."

# Sums over man + vrouw rows, split into technical and other programmes; table and value column are constants.
_SUMS = """
select
    f.academic_year,
    coalesce(sum(f.{v}_low) filter (where e.is_technical), 0),
    coalesce(sum(coalesce(f.{v}, ?)) filter (where e.is_technical), 0),
    coalesce(sum(f.{v}_high) filter (where e.is_technical), 0),
    coalesce(sum(f.{v}_low) filter (where not e.is_technical), 0),
    coalesce(sum(coalesce(f.{v}, ?)) filter (where not e.is_technical), 0),
    coalesce(sum(f.{v}_high) filter (where not e.is_technical), 0),
    bool_or(f.status = 'voorlopig')
from {table} as f
join education as e using (education_id)
join region_membership as m on m.municipality_code = f.municipality_code
join period as p on p.period_id = f.academic_year
where m.region_code = ?
  and f.sex in ('man', 'vrouw')
  and e.level in ('hbo', 'wo')
  and {extra}
  and p.start_year between ? and ?
group by f.academic_year
order by f.academic_year
"""
_FIRST_YEARS = _SUMS.format(v="students", table="fact_ho_enrolment", extra="f.measure = 'eerstejaars'")
_GRADUATES = _SUMS.format(v="graduates", table="fact_ho_graduate", extra="true")
# The same rows without the region, for the periods in which DUO covers a region (zero versus no data).
_FIRST_YEARS_COVERED = ("fact_ho_enrolment", "f.sex in ('man', 'vrouw') and e.level in ('hbo', 'wo') "
                                             "and f.measure = 'eerstejaars'")
_GRADUATES_COVERED = ("fact_ho_graduate", "f.sex in ('man', 'vrouw') and e.level in ('hbo', 'wo')")


def _query(sql: str, covered: tuple[str, str], measure: str, con: duckdb.DuckDBPyConnection, region: str,
           from_year: int, to_year: int) -> list[Sums]:
    """Technical vs other per academic year; measure: share_technical | technical (0 where DUO covers the region)."""
    rows = con.execute(sql, [SUPPRESSED_MIDPOINT, SUPPRESSED_MIDPOINT, region, from_year, to_year]).fetchall()
    result = []
    for period, t_low, t_mid, t_high, o_low, o_mid, o_high, provisional in rows:
        technical, other = Bounds(t_low, t_mid, t_high), Bounds(o_low, o_mid, o_high)
        result.append(Sums(str(period), technical, other if measure == "share_technical" else None,
                           bool(provisional)))
    if measure == "share_technical":
        return result  # no institution, no share: 0 of 0 has no value
    table, where = covered
    return with_zeros(result, covered_periods(con, table, "academic_year", where, [], region, from_year, to_year))


INDICATORS = [
    Indicator(
        id="ho_tech_first_years", name="Eerstejaars hbo/wo in techniek",
        definition="Aantal eerstejaars ingeschrevenen in het hbo en wo in een opleiding van het CROHO-onderdeel "
                   "techniek, bij vestigingen in de regio.",
        formula="som eerstejaars hbo+wo met CROHO-onderdeel techniek", kind="count", unit="count",
        source_id="duo_ho_eerstejaars", grain="regio × studiejaar",
        caveats=(LOCATION_CAVEAT, TECHNIEK_CAVEAT, SUPPRESSION_CAVEAT, YEAR_CAVEAT), period_type="school_year",
        query=partial(_query, _FIRST_YEARS, _FIRST_YEARS_COVERED, "technical"),
    ),
    Indicator(
        id="ho_tech_share", name="Aandeel eerstejaars hbo/wo in techniek",
        definition="Eerstejaars ingeschrevenen hbo en wo in het CROHO-onderdeel techniek als aandeel van alle "
                   "eerstejaars hbo en wo bij vestigingen in de regio.",
        formula="eerstejaars hbo+wo techniek / eerstejaars hbo+wo", kind="share", unit="share",
        source_id="duo_ho_eerstejaars", grain="regio × studiejaar",
        caveats=(LOCATION_CAVEAT, TECHNIEK_CAVEAT, SUPPRESSION_CAVEAT, YEAR_CAVEAT), period_type="school_year",
        query=partial(_query, _FIRST_YEARS, _FIRST_YEARS_COVERED, "share_technical"),
    ),
    Indicator(
        id="ho_tech_graduates", name="Gediplomeerden hbo/wo in techniek",
        definition="Aantal diploma's hbo en wo (alle soorten: associate degree, bachelor, master) in een opleiding "
                   "van het CROHO-onderdeel techniek, behaald bij vestigingen in de regio.",
        formula="som gediplomeerden hbo+wo met CROHO-onderdeel techniek", kind="count", unit="count",
        source_id="duo_ho_gediplomeerden", grain="regio × studiejaar",
        caveats=(LOCATION_CAVEAT, TECHNIEK_CAVEAT, SUPPRESSION_CAVEAT,
                 "Studiejaar 2018-2019 is DUO's diplomajaar 2018: diploma's behaald in dat studiejaar."),
        period_type="school_year", query=partial(_query, _GRADUATES, _GRADUATES_COVERED, "technical"),
    ),
]
