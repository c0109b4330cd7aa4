"""Indicators from DUO's vo exam candidates: technical shares and counts at vmbo and havo/vwo."""

from __future__ import annotations

from functools import partial

import duckdb

from warehouse.coverage import covered_periods, with_zeros
from warehouse.indicator import Bounds, Indicator, Sums

SUPPRESSED_MIDPOINT = 2.5  # the middle of DUO's 1..4 for '<5'
SOURCE_ID = "duo_vo_examens"

SUPPRESSION_CAVEAT = (
    "DUO publiceert aantallen van 1 tot en met 4 als '<5'. Zulke cellen tellen mee met ondergrens 1 en "
    "bovengrens 4; de puntwaarde gebruikt het midden (2,5). Ondergrens en bovengrens van de indicator "
    "zijn de uitersten die met de onderdrukte cellen mogelijk zijn."
)
LOCATION_CAVEAT = "Gemeente = vestigingsplaats van de school, niet de woongemeente van de leerling."
NT_CAVEAT = "Combinatieprofielen met N&T (N&T / N&G, N&T / E&M, N&T / C&M) tellen als N&T."

# Sums over DUO's own totals (sex 'totaal'), split into technical and other programmes.
_SUMS = """
select
    f.school_year,
    coalesce(sum(f.candidates_low) filter (where e.is_technical), 0),
    coalesce(sum(coalesce(f.candidates, ?)) filter (where e.is_technical), 0),
    coalesce(sum(f.candidates_high) filter (where e.is_technical), 0),
    coalesce(sum(f.candidates_low) filter (where not e.is_technical), 0),
    coalesce(sum(coalesce(f.candidates, ?)) filter (where not e.is_technical), 0),
    coalesce(sum(f.candidates_high) filter (where not e.is_technical), 0),
    bool_or(f.status = 'voorlopig')
from fact_vo_exam as f
join education as e using (education_id)
join region_membership as m on m.municipality_code = f.municipality_code
join period as p on p.period_id = f.school_year
where m.region_code = ?
  and f.sex = 'totaal'
  and list_contains(?, e.level)
  and p.start_year between ? and ?
group by f.school_year
order by f.school_year
"""


# The rows _SUMS sums, without the region: the periods in which DUO covers a region (zero versus no data).
COVERED_WHERE = "f.sex = 'totaal' and list_contains(?, e.level)"


def _candidates(levels: tuple[str, ...], measure: str, con: duckdb.DuckDBPyConnection, region: str,
                from_year: int, to_year: int) -> list[Sums]:
    """Technical vs other candidates per school year; measure: share_technical | technical | all (counts: 0 where
    DUO covers the region and lists no school)."""
    rows = con.execute(_SUMS, [SUPPRESSED_MIDPOINT, SUPPRESSED_MIDPOINT, region, list(levels), from_year,
                               to_year]).fetchall()
    result = []
    for period, t_low, t_mid, t_high, o_low, o_mid, o_high, provisional in rows:
        technical, other = Bounds(t_low, t_mid, t_high), Bounds(o_low, o_mid, o_high)
        if measure == "all":
            technical, other = Bounds(t_low + o_low, t_mid + o_mid, t_high + o_high), None
        elif measure == "technical":
            other = None
        result.append(Sums(str(period), technical, other, bool(provisional)))
    if measure == "share_technical":
        return result  # no school, no share: 0 of 0 has no value
    return with_zeros(result, covered_periods(con, "fact_vo_exam", "school_year", COVERED_WHERE, [list(levels)],
                                              region, from_year, to_year))


def _indicator(id: str, name: str, definition: str, formula: str, levels: tuple[str, ...], measure: str,
               extra: tuple[str, ...] = ()) -> Indicator:
    return Indicator(
        id=id, name=name, definition=definition, formula=formula,
        kind="share" if measure == "share_technical" else "count",
        unit="share" if measure == "share_technical" else "count",
        source_id=SOURCE_ID, grain="regio × schooljaar", caveats=(SUPPRESSION_CAVEAT, LOCATION_CAVEAT, *extra),
        period_type="school_year", query=partial(_candidates, levels, measure),
    )


INDICATORS = [
    _indicator("vmbo_tech_share", "Aandeel vmbo-examenkandidaten in sector techniek",
               "Examenkandidaten vmbo in de sector techniek (alle leerwegen) als aandeel van alle examenkandidaten "
               "vmbo.", "examenkandidaten vmbo techniek / examenkandidaten vmbo", ("vmbo",), "share_technical"),
    _indicator("vmbo_tech_candidates", "Examenkandidaten vmbo techniek",
               "Aantal examenkandidaten vmbo in de sector techniek (alle leerwegen).",
               "som examenkandidaten vmbo techniek", ("vmbo",), "technical"),
    _indicator("vmbo_candidates", "Examenkandidaten vmbo", "Aantal examenkandidaten vmbo, alle sectoren en leerwegen.",
               "som examenkandidaten vmbo", ("vmbo",), "all"),
    _indicator("havo_vwo_nt_share", "Aandeel havo/vwo-examenkandidaten met profiel N&T",
               "Examenkandidaten havo en vwo met een profiel Natuur & Techniek, ook in combinatie met een ander "
               "profiel, als aandeel van alle examenkandidaten havo en vwo.",
               "examenkandidaten havo+vwo met N&T / examenkandidaten havo+vwo", ("havo", "vwo"), "share_technical",
               (NT_CAVEAT,)),
    _indicator("havo_vwo_nt_candidates", "Examenkandidaten havo/vwo met profiel N&T",
               "Aantal examenkandidaten havo en vwo met een profiel N&T, ook in combinatie met een ander profiel.",
               "som examenkandidaten havo+vwo met N&T", ("havo", "vwo"), "technical", (NT_CAVEAT,)),
    _indicator("havo_vwo_candidates", "Examenkandidaten havo/vwo",
               "Aantal examenkandidaten havo en vwo, alle profielen.", "som examenkandidaten havo+vwo",
               ("havo", "vwo"), "all"),
]
