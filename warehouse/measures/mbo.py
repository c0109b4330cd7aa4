"""Indicators from DUO's mbo files: technical students and graduates, and students who study in their own region."""

from __future__ import annotations

import duckdb

from warehouse.coverage import covered_periods, with_zeros
from warehouse.indicator import Bounds, Indicator, Sums

SUPPRESSED_MIDPOINT = 2.5  # the middle of DUO's 1..4 for -1

SUPPRESSION_CAVEAT = (
    "DUO publiceert aantallen van 1 tot en met 4 als -1. Zulke cellen tellen mee met ondergrens 1 en bovengrens 4; "
    "de puntwaarde gebruikt het midden (2,5)."
)
TECH_CAVEAT = (
    "Techniek = de SBB-sectorkamers techniek en gebouwde omgeving en mobiliteit, transport, logistiek en maritiem, "
    "plus het ICT-deel van ICT en creatieve industrie (in DUO's oude bestand: het domein Informatie en "
    "communicatietechnologie; bij bovensectorale en crossover-opleidingen beslist het domein; zie "
    "docs/sources/duo_mbo_students_old.md)."
)
SEAT_CAVEAT = (
    "Gemeente = plaats van de instelling. Tot en met 2019-2020 (DUO's oude bestand) is dat PLAATSNAAM: de zetel van "
    "het bestuur, niet de plaats waar gestudeerd wordt. Daarin staat geen enkele instelling in Flevoland: ROC van "
    "Flevoland staat onder Amsterdam en Aeres MBO onder Ede. Flevoland en zijn gemeenten hebben daarom voor "
    "2015-2016 tot en met 2019-2020 geen cijfer (geen 0: de bron zegt niets over Flevoland), en hun studenten tellen "
    "mee bij Amsterdam en Ede. Vanaf 2021-2022 (DUO's huidige bestand) is het PLAATSNAAM INSTELLING; een sprong "
    "tussen die jaren kan uit die wissel komen. Voor 2020-2021 is er geen cijfer: het oude bestand eindigt met "
    "2019-2020, het huidige begint met 2021-2022."
)
PLACE_CAVEAT = "Gemeente = plaats van de instelling (PLAATSNAAM INSTELLING), niet de woongemeente van de student."
REGION_CAVEAT = (
    "Voor een gemeente telt als 'in de regio' een instelling in dezelfde provincie (voor Almere: in Flevoland); voor "
    "een provincie of landsdeel de regio zelf; voor Nederland is het aandeel altijd 1. Studenten met woongemeente "
    "buitenland of onbekend tellen niet mee."
)

_TECH_STUDENTS = """
select
    f.school_year,
    coalesce(sum(f.students_low), 0),
    coalesce(sum(coalesce(f.students, ?)), 0),
    coalesce(sum(f.students_high), 0),
    bool_or(f.status = 'voorlopig')
from fact_mbo_student as f
join education as e using (education_id)
join region_membership as m on m.municipality_code = f.municipality_code
join period as p on p.period_id = f.school_year
where m.region_code = ?
  and e.is_technical
  and f.leerweg in ('BOL', 'BBL')  -- extranei (EX, exams only) are in the current layout only
  and p.start_year between ? and ?
group by f.school_year
order by f.school_year
"""

_TECH_GRADUATES = """
select
    f.school_year,
    coalesce(sum(f.graduates_low), 0),
    coalesce(sum(coalesce(f.graduates, ?)), 0),
    coalesce(sum(f.graduates_high), 0),
    bool_or(f.status = 'voorlopig')
from fact_mbo_graduate as f
join education as e using (education_id)
join region_membership as m on m.municipality_code = f.municipality_code
join period as p on p.period_id = f.school_year
where m.region_code = ?
  and e.is_technical
  and p.start_year between ? and ?
group by f.school_year
order by f.school_year
"""

# For a municipality "the region" is its province; for any other region the region itself.
_IN_REGION = """
with area as (
    select case when level = 'gemeente' then parent_code else code end as code
    from region
    where code = ?
),
flows as (
    select
        f.school_year,
        f.status,
        f.students,
        f.students_low,
        f.students_high,
        f.institution_municipality_code in (
            select m.municipality_code from region_membership as m where m.region_code = (select code from area)
        ) as inside
    from fact_mbo_residence as f
    join region_membership as home on home.municipality_code = f.home_municipality_code
    join period as p on p.period_id = f.school_year
    where home.region_code = ?
      and p.start_year between ? and ?
)
select
    school_year,
    coalesce(sum(students_low) filter (where inside), 0),
    coalesce(sum(coalesce(students, ?)) filter (where inside), 0),
    coalesce(sum(students_high) filter (where inside), 0),
    coalesce(sum(students_low) filter (where not inside), 0),
    coalesce(sum(coalesce(students, ?)) filter (where not inside), 0),
    coalesce(sum(students_high) filter (where not inside), 0),
    bool_or(status = 'voorlopig')
from flows
group by school_year
order by school_year
"""


def tech_students(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Students (BOL and BBL) in technical programmes at institutions in the region, per school year (0 where DUO
    covers the region and lists none)."""
    rows = con.execute(_TECH_STUDENTS, [SUPPRESSED_MIDPOINT, region, from_year, to_year]).fetchall()
    found = [Sums(str(period), Bounds(low, mid, high), None, bool(provisional))
             for period, low, mid, high, provisional in rows]
    return with_zeros(found, covered_periods(con, "fact_mbo_student", "school_year", "f.leerweg in ('BOL', 'BBL')",
                                             [], region, from_year, to_year))


def tech_graduates(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Graduates of technical programmes at institutions in the region, per school year (diploma year; 0 where DUO
    covers the region and lists none)."""
    rows = con.execute(_TECH_GRADUATES, [SUPPRESSED_MIDPOINT, region, from_year, to_year]).fetchall()
    found = [Sums(str(period), Bounds(low, mid, high), None, bool(provisional))
             for period, low, mid, high, provisional in rows]
    return with_zeros(found, covered_periods(con, "fact_mbo_graduate", "school_year", "true", [], region, from_year,
                                             to_year))


def study_in_region(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Students living in the region: studying in the region (part) vs elsewhere (other), per school year."""
    rows = con.execute(_IN_REGION, [region, region, from_year, to_year, SUPPRESSED_MIDPOINT,
                                    SUPPRESSED_MIDPOINT]).fetchall()
    return [Sums(str(period), Bounds(i_low, i_mid, i_high), Bounds(o_low, o_mid, o_high), bool(provisional))
            for period, i_low, i_mid, i_high, o_low, o_mid, o_high, provisional in rows]


INDICATORS = [
    Indicator(
        id="mbo_tech_students", name="Mbo-studenten in techniek",
        definition="Aantal mbo-studenten (deelnemers op 1 oktober, BOL en BBL, alle niveaus) in een technische "
                   "kwalificatie of opleiding, bij instellingen in de regio. Extraneï (alleen examens, leerweg EX) "
                   "tellen niet mee: DUO's oude bestand (tot en met 2019-2020) kent ze niet.",
        formula="som mbo-studenten BOL en BBL met technische kwalificatie of opleiding", kind="count", unit="count",
        source_id="duo_mbo_studenten", extra_sources=("duo_mbo_deelnemers_oud",), grain="regio × schooljaar",
        caveats=(TECH_CAVEAT, SEAT_CAVEAT, SUPPRESSION_CAVEAT), period_type="school_year", query=tech_students,
    ),
    Indicator(
        id="mbo_tech_graduates", name="Mbo-gediplomeerden in techniek",
        definition="Aantal mbo-diploma's (alle leerwegen en niveaus, mannen en vrouwen) in een technische opleiding, "
                   "bij instellingen gevestigd in de regio.",
        formula="som gediplomeerden mbo met technische opleiding", kind="count", unit="count",
        source_id="duo_mbo_gediplomeerden", grain="regio × schooljaar",
        caveats=(TECH_CAVEAT, PLACE_CAVEAT, SUPPRESSION_CAVEAT), period_type="school_year", query=tech_graduates,
    ),
    Indicator(
        id="mbo_study_in_region", name="Aandeel mbo-studenten dat in de eigen regio studeert",
        definition="Mbo-studenten die in de regio wonen en studeren bij een instelling in de regio, als aandeel van "
                   "alle mbo-studenten die in de regio wonen. Voor een gemeente is de regio haar provincie.",
        formula="studenten met woongemeente in de regio en instelling in de regio (gemeente: provincie) / "
                "studenten met woongemeente in de regio",
        kind="share", unit="share", source_id="duo_mbo_woongemeente", grain="regio × schooljaar",
        caveats=(REGION_CAVEAT, SUPPRESSION_CAVEAT), period_type="school_year", query=study_in_region,
    ),
]
