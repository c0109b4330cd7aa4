"""Indicators from CBS StatLine (fact_cbs): youth retention, share of hbo/wo-educated, unemployment rate.

CBS publishes each region's own figure, so queries select the region's published row (region_code = ?) and
never sum municipalities; a region CBS does not publish in a table gets no value.
"""

from __future__ import annotations

import duckdb

from warehouse.indicator import Bounds, Indicator, Sums

POPULATION_TABLE = "03759ned"
EDUCATION_TABLE = "85525ned"
UNEMPLOYMENT_TABLE = "werkloosheid_provincie"
EDUCATION_DIMS = "Geslacht=Totaal mannen en vrouwen|Leeftijd=15 tot 75 jaar"

# 03759ned also publishes the average population over the year and, in some editions, a marital-status dimension:
# only the 1 January count and the total over any other dimension may enter, or a year would be counted twice.
_RETENTION = """
with young as (
    select cast(f.period as integer) as year, f.dims like '%Leeftijd=20 tot 25 jaar%' as older, f.value, f.status
    from fact_cbs as f
    where lower(f.table_id) = ? and f.region_code = ?
      and f.measure_label ilike 'bevolking op 1 januari%'
      and trim(regexp_replace(f.dims, '[|]?BurgerlijkeStaat=Totaal burgerlijke staat', ''), '|')
          in ('Geslacht=Totaal mannen en vrouwen|Leeftijd=15 tot 20 jaar',
              'Geslacht=Totaal mannen en vrouwen|Leeftijd=20 tot 25 jaar')
)
select later.year, later.value, earlier.value, later.status = 'voorlopig' or earlier.status = 'voorlopig'
from young as later
join young as earlier on earlier.year = later.year - 5
where later.older and not earlier.older
  and later.year between ? and ?
order by later.year
"""

_EDUCATION = """
select f.period,
       max(f.value) filter (where f.measure_label = 'Bevolking'),
       sum(f.value) filter (where f.measure_label like '%31 Hbo-, wo-bachelor'
                             or f.measure_label like '%32 Hbo-, wo-master, doctor'),
       count(*) filter (where f.measure_label like '%31 Hbo-, wo-bachelor'
                         or f.measure_label like '%32 Hbo-, wo-master, doctor'),
       bool_or(f.status = 'voorlopig')
from fact_cbs as f
where lower(f.table_id) = ? and f.region_code = ? and f.dims = ?
  and cast(f.period as integer) between ? and ?
group by f.period
order by f.period
"""

_UNEMPLOYMENT = """
select f.period, f.value, f.status = 'voorlopig'
from fact_cbs as f
where f.table_id = ? and f.region_code = ? and cast(left(f.period, 4) as integer) between ? and ?
order by f.period
"""


def _exact(value: float) -> Bounds:
    return Bounds(value, value, value)


def youth_retention(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Per year t+5: inhabitants aged 20-24 on 1 January t+5 (part) and aged 15-19 on 1 January t (other)."""
    rows = con.execute(_RETENTION, [POPULATION_TABLE, region, from_year, to_year]).fetchall()
    return [Sums(str(year), _exact(later), _exact(earlier), bool(provisional))
            for year, later, earlier, provisional in rows]


def education_high(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Per year: 15-75 year-olds with hbo/wo (population × (31 + 32) %) and the rest of the 15-75 population."""
    rows = con.execute(_EDUCATION, [EDUCATION_TABLE, region, EDUCATION_DIMS, from_year, to_year]).fetchall()
    result = []
    for period, population, percent, parts, provisional in rows:
        if population is None or parts != 2:  # both hbo/wo cells are needed
            continue
        high = population * percent / 100
        result.append(Sums(str(period), _exact(high), _exact(population - high), bool(provisional)))
    return result


def unemployment(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Per quarter: CBS's published unemployment percentage, as a fraction."""
    rows = con.execute(_UNEMPLOYMENT, [UNEMPLOYMENT_TABLE, region, from_year, to_year]).fetchall()
    return [Sums(str(period), _exact(value / 100), None, bool(provisional)) for period, value, provisional in rows]


PUBLISHED_CAVEAT = ("CBS publiceert het cijfer per regio zelf; alleen regio's die CBS in de tabel publiceert "
                    "hebben een waarde (geen optelling van gemeenten).")

INDICATORS = [
    Indicator(
        id="youth_retention_5y", name="Behoud van jongeren na vijf jaar",
        definition="Inwoners van 20 tot 25 jaar op 1 januari van jaar t+5, gedeeld door de inwoners van 15 tot 20 "
                   "jaar op 1 januari van jaar t in dezelfde regio. De periode is het latere jaar t+5.",
        formula="inwoners 20-24 jaar (t+5) / inwoners 15-19 jaar (t)", kind="ratio", unit="ratio",
        source_id="cbs_statline_odata", grain="regio × kalenderjaar (t+5)",
        caveats=("Geen cohortvolging: verhuizingen in beide richtingen en sterfte tellen mee; een waarde boven 1 "
                 "betekent dat er meer jongvolwassenen bij kwamen dan er vertrokken.",
                 "Bron: CBS-tabel 03759ned (bevolking op 1 januari naar leeftijd).", PUBLISHED_CAVEAT),
        period_type="calendar_year", query=youth_retention,
    ),
    Indicator(
        id="education_level_high_share", name="Aandeel hoogopgeleiden (hbo/wo) van 15 tot 75 jaar",
        definition="Inwoners van 15 tot 75 jaar met hbo of wo (bachelor, master of doctor) als hoogst behaald "
                   "onderwijsniveau, als aandeel van alle inwoners van 15 tot 75 jaar.",
        formula="bevolking 15-75 jaar × (% hbo/wo-bachelor + % hbo/wo-master, doctor) / bevolking 15-75 jaar",
        kind="share", unit="share", source_id="cbs_statline_label", grain="regio × kalenderjaar",
        caveats=("CBS-tabel 85525NED is een steekproef (Enquête Beroepsbevolking); kleine verschillen tussen jaren "
                 "vallen binnen de onzekerheidsmarge.", "Het laatste jaar is voorlopig (bijvoorbeeld '2023*').",
                 PUBLISHED_CAVEAT),
        period_type="calendar_year", query=education_high,
    ),
    Indicator(
        id="unemployment_rate", name="Werkloosheidspercentage",
        definition="Werkloze beroepsbevolking als percentage van de beroepsbevolking, per kwartaal, zoals CBS het "
                   "publiceert.",
        formula="werkloze beroepsbevolking / beroepsbevolking (CBS)", kind="rate", unit="share",
        source_id="cbs_statline_werkloosheid", grain="regio × kwartaal",
        caveats=("Alleen Nederland en provincies: de export bevat geen gemeenten.", PUBLISHED_CAVEAT),
        period_type="quarter", query=unemployment,
    ),
]
