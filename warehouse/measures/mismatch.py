"""Indicators of the match between technical education and the labour market: supply against demand per domain.

Supply = graduates of programmes placed in a technical domain (mismatch_supply), demand = open UWV vacancies in the
occupations placed in it (mismatch_demand); both per calendar year. The domains and crosswalks are reference data
(etl/reference/technical_domains.csv, crosswalk_*.csv; docs/mismatch.md).
"""

from __future__ import annotations

from functools import partial

import duckdb

from warehouse.indicator import Bounds, Indicator, Sums

SUPPLY_SOURCES = ("duo_mbo_gediplomeerden", "duo_ho_gediplomeerden")
DEMAND_SOURCE = "uwv_open_match"
# The technical domains of etl/reference/technical_domains.csv (tests/test_mismatch.py keeps the two equal): one
# ratio indicator each, so that each shows in the Verkenner, on Bronnen and in the CLI.
DOMAINS = {
    "bouw_infra": "Bouw en infra",
    "installatie_energie": "Installatie en energie",
    "mechatronica_maak": "Mechatronica, metaal en maakindustrie",
    "ict": "ICT",
    "proces_lab": "Proces- en laboratoriumtechniek",
    "mobiliteit_logistiek": "Mobiliteit, logistiek en maritiem",
}

VACANCY_CAVEAT = (
    "Vacatures zijn een gedeeltelijke maat voor de vraag: alleen vacatures die bij UWV (werk.nl) bekend zijn, en UWV "
    "Open Match Data stopte in mei 2023 (reeks november 2019 tot en met mei 2023). Een jaar is het gemiddelde van de "
    "maandstanden (laatste peildatum van elke maand) over de maanden met gegevens."
)
LOCATION_CAVEAT = (
    "Aanbod = gediplomeerden van instellingen in de regio (vestigingsplaats), niet van inwoners van de regio; wie in "
    "Flevoland woont en elders studeert, telt elders mee."
)
GRADUATES_CAVEAT = (
    "Niet elke gediplomeerde zoekt werk: veel mbo'ers en hbo-bachelors studeren door. Wo telt alleen masters, zodat "
    "een student niet twee keer meetelt. Gediplomeerden zijn een stroom per jaar, vacatures een stand: de "
    "verhouding is een richtgetal, geen tekort in personen."
)
CROSSWALK_CAVEAT = (
    "Domeinen en indeling: etl/reference/crosswalk_*.csv (SBB-opleidingsdomeinen, CROHO-opleidingen, BRC 2014-"
    "beroepsgroepen). Brede opleidingen (bijv. technische bedrijfskunde, technische natuurkunde) en hbo/wo uit DUO's "
    "huidige bestanden (alleen het CROHO-onderdeel, geen opleiding) vallen in geen domein en tellen niet mee; hbo en "
    "wo tellen zo alleen in de jaren van DUO's oude bestanden (tot en met 2019), mbo vanaf 2021: een sprong in de "
    "reeks kan daaruit komen."
)
SUPPRESSION_CAVEAT = (
    "DUO publiceert aantallen van 1 tot en met 4 als '<5' (-1): die tellen mee met ondergrens 1 en bovengrens 4, "
    "de puntwaarde met 2,5."
)
CAVEATS = (VACANCY_CAVEAT, LOCATION_CAVEAT, GRADUATES_CAVEAT, CROSSWALK_CAVEAT, SUPPRESSION_CAVEAT)

# Per year: graduates (bounds) and mean open vacancies of the region, for one domain or (null) all domains.
_SUMS = """
with supply as (
    select cast(s.calendar_year as integer) as year, sum(s.graduates_low) as low, sum(s.graduates) as mid,
           sum(s.graduates_high) as high, bool_or(s.provisional) as provisional
    from mismatch_supply as s
    join region_membership as m on m.municipality_code = s.municipality_code
    where m.region_code = $region and s.domain_id = coalesce($domain, s.domain_id)
      and cast(s.calendar_year as integer) between $from_year and $to_year
    group by all
), demand as (
    select cast(d.calendar_year as integer) as year, sum(d.vacancies) as vacancies,
           bool_or(d.provisional) as provisional
    from mismatch_demand as d
    join region_membership as m on m.municipality_code = d.municipality_code
    where m.region_code = $region and ($domain is null or d.domain_id = $domain)
      and cast(d.calendar_year as integer) between $from_year and $to_year
    group by all
)
select coalesce(s.year, d.year) as year, s.low, s.mid, s.high, d.vacancies,
       coalesce(s.provisional, false) or coalesce(d.provisional, false)
from supply as s
full join demand as d using (year)
order by year
"""


def yearly(con: duckdb.DuckDBPyConnection, region: str, domain: str | None, from_year: int,
           to_year: int) -> list[tuple]:
    """(year, graduates low, mid, high, mean vacancies, provisional) per year with either side; None where absent."""
    return con.execute(_SUMS, {"region": region, "domain": domain, "from_year": from_year,
                               "to_year": to_year}).fetchall()


def _sums(measure: str, domain: str | None, con: duckdb.DuckDBPyConnection, region: str, from_year: int,
          to_year: int) -> list[Sums]:
    """measure: graduates | vacancies | ratio (graduates per vacancy; only years with both sides)."""
    result = []
    for year, low, mid, high, vacancies, provisional in yearly(con, region, domain, from_year, to_year):
        graduates = None if mid is None else Bounds(float(low), float(mid), float(high))
        open_jobs = None if vacancies is None else Bounds(float(vacancies), float(vacancies), float(vacancies))
        if measure == "graduates" and graduates is not None:
            result.append(Sums(str(year), graduates, None, bool(provisional)))
        elif measure == "vacancies" and open_jobs is not None:
            result.append(Sums(str(year), open_jobs, None, bool(provisional)))
        elif measure == "ratio" and graduates is not None and open_jobs is not None:
            result.append(Sums(str(year), graduates, open_jobs, bool(provisional)))
    return result


def _ratio(domain_id: str, name: str) -> Indicator:
    return Indicator(
        id=f"mismatch_ratio_{domain_id}", name=f"Gediplomeerden per vacature: {name}",
        definition=f"Gediplomeerden (mbo 2-4, hbo, wo-master) van opleidingen in het domein {name.lower()} in een "
                   "kalenderjaar, gedeeld door het gemiddelde aantal openstaande UWV-vacatures in de beroepen van "
                   "dat domein in hetzelfde jaar. Onder 1: minder nieuwe vakmensen dan openstaande vacatures.",
        formula="gediplomeerden in het domein (jaar) / gemiddelde openstaande vacatures in het domein (jaar)",
        kind="ratio", unit="ratio", source_id=SUPPLY_SOURCES[0], grain="regio × kalenderjaar",
        caveats=CAVEATS, period_type="calendar_year", query=partial(_sums, "ratio", domain_id),
        extra_sources=(SUPPLY_SOURCES[1], DEMAND_SOURCE),
    )


INDICATORS = [
    Indicator(
        id="mismatch_graduates", name="Technisch gediplomeerden in een domein",
        definition="Gediplomeerden van mbo-niveau 2 tot en met 4, hbo en wo-master van opleidingen die in een van de "
                   "technische domeinen vallen, per kalenderjaar van het diploma, naar vestigingsplaats van de "
                   "instelling.",
        formula="som gediplomeerden over de opleidingen met een domein (etl/reference/crosswalk_*.csv)",
        kind="count", unit="count", source_id=SUPPLY_SOURCES[0], grain="regio × kalenderjaar",
        caveats=(LOCATION_CAVEAT, GRADUATES_CAVEAT, CROSSWALK_CAVEAT, SUPPRESSION_CAVEAT),
        period_type="calendar_year", query=partial(_sums, "graduates", None), extra_sources=(SUPPLY_SOURCES[1],),
    ),
    Indicator(
        id="mismatch_vacancies", name="Openstaande vacatures in technische domeinen (jaargemiddelde)",
        definition="Gemiddeld aantal openstaande UWV-vacatures per maand in de beroepen die in een technisch domein "
                   "vallen (BRC 2014-beroepsgroepen, etl/reference/crosswalk_brc.csv).",
        formula="gemiddelde over de maanden van het jaar van de vacatures op de laatste peildatum van de maand",
        kind="count", unit="count", source_id=DEMAND_SOURCE, grain="regio × kalenderjaar",
        caveats=(VACANCY_CAVEAT, CROSSWALK_CAVEAT), period_type="calendar_year",
        query=partial(_sums, "vacancies", None),
    ),
    Indicator(
        id="mismatch_ratio", name="Technisch gediplomeerden per openstaande vacature",
        definition="Technisch gediplomeerden met een domein in een kalenderjaar gedeeld door het gemiddelde aantal "
                   "openstaande UWV-vacatures in de technische domeinen in dat jaar; alleen jaren met beide.",
        formula="mismatch_graduates / mismatch_vacancies",
        kind="ratio", unit="ratio", source_id=SUPPLY_SOURCES[0], grain="regio × kalenderjaar",
        caveats=CAVEATS, period_type="calendar_year", query=partial(_sums, "ratio", None),
        extra_sources=(SUPPLY_SOURCES[1], DEMAND_SOURCE),
    ),
    *(_ratio(domain_id, name) for domain_id, name in DOMAINS.items()),
]
