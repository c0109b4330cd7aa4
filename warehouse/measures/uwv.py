"""Indicators from UWV Open Match Data: open vacancies in technical occupations and their tension."""

from __future__ import annotations

from functools import partial

import duckdb

from warehouse.indicator import Bounds, Indicator, Sums

SOURCE_ID = "uwv_open_match"

SNAPSHOT_CAVEAT = (
    "UWV publiceerde wekelijkse momentopnamen; per maand telt de laatste peildatum van die maand (een "
    "stand, geen som over weken). De reeks loopt van november 2019 tot en met mei 2023."
)
COVERAGE_CAVEAT = (
    "Alleen vacatures en werkzoekenden die bij UWV (werk.nl) bekend zijn; niet alle vacatures in Nederland. "
    "Werkzoekenden zijn niet per se werkloos."
)
TECH_RULE_CAVEAT = (
    "Technische beroepen = BRC 2014-beroepsklassen 07 (technische beroepen) en 08 (ICT-beroepen) volgens de "
    "Beroepenclassificatie ROA-CBS 2014 (etl/reference/uwv_technical_occupations.csv)."
)

_SUMS = """
with last_snapshot as (
    select month, max(snapshot_date) as snapshot_date
    from fact_uwv_match
    group by month
)
select
    f.month,
    coalesce(sum(f.vacancies), 0),
    coalesce(sum(f.job_seekers), 0),
    bool_or(f.status = 'voorlopig')
from fact_uwv_match as f
join last_snapshot as s using (month, snapshot_date)
join region_membership as m on m.municipality_code = f.municipality_code
join period as p on p.period_id = f.month
where m.region_code = ?
  and f.is_technical
  and p.start_year between ? and ?
group by f.month
order by f.month
"""


def _technical(measure: str, con: duckdb.DuckDBPyConnection, region: str, from_year: int,
               to_year: int) -> list[Sums]:
    """Technical vacancies (and job-seekers) per month on the month's last snapshot; measure: count | ratio."""
    result = []
    for month, vacancies, seekers, provisional in con.execute(_SUMS, [region, from_year, to_year]).fetchall():
        part = Bounds(float(vacancies), float(vacancies), float(vacancies))
        other = Bounds(float(seekers), float(seekers), float(seekers)) if measure == "ratio" else None
        result.append(Sums(str(month), part, other, bool(provisional)))
    return result


INDICATORS = [
    Indicator(
        id="tech_vacancies", name="Openstaande vacatures in technische beroepen",
        definition="Aantal openstaande vacatures bij UWV in technische en ICT-beroepen (BRC 2014-klassen 07 en "
                   "08) op de laatste peildatum van de maand.",
        formula="som vacatures in beroepsklassen 07 en 08 op de laatste peildatum van de maand",
        kind="count", unit="count", source_id=SOURCE_ID, grain="regio × maand",
        caveats=(SNAPSHOT_CAVEAT, COVERAGE_CAVEAT, TECH_RULE_CAVEAT), period_type="month",
        query=partial(_technical, "count"),
    ),
    Indicator(
        id="tech_tension", name="Spanning technische beroepen (vacatures per werkzoekende)",
        definition="Openstaande vacatures in technische en ICT-beroepen gedeeld door het aantal werkzoekenden met "
                   "zo'n beroep als wens, op de laatste peildatum van de maand. Boven 1: meer vacatures dan "
                   "werkzoekenden. Dit is niet de officiële UWV-spanningsindicator.",
        formula="vacatures (klassen 07 en 08) / werkzoekenden (klassen 07 en 08)",
        kind="ratio", unit="ratio", source_id=SOURCE_ID, grain="regio × maand",
        caveats=(SNAPSHOT_CAVEAT, COVERAGE_CAVEAT, TECH_RULE_CAVEAT), period_type="month",
        query=partial(_technical, "ratio"),
    ),
]
