"""Indicators that add up levels: technical graduates of mbo, hbo and wo together."""

from __future__ import annotations

import duckdb

from warehouse.indicator import Bounds, Indicator, Sums
from warehouse.measures import ho, mbo
from warehouse.sources import source_loaded


def _by_id(indicators: list[Indicator], indicator_id: str) -> Indicator:
    return next(i for i in indicators if i.id == indicator_id)


MBO_GRADUATES = _by_id(mbo.INDICATORS, "mbo_tech_graduates")
HO_GRADUATES = _by_id(ho.INDICATORS, "ho_tech_graduates")


def _all_levels(con: duckdb.DuckDBPyConnection, region: str, from_year: int, to_year: int) -> list[Sums]:
    """Per school year the sum of the mbo and ho technical graduates; a year counts only when both report."""
    parts: dict[str, list[Sums]] = {}
    for indicator in (MBO_GRADUATES, HO_GRADUATES):
        if not source_loaded(con, indicator.source_id):
            return []  # one level missing would understate the total: show nothing rather than half
        for sums in indicator.query(con, region, from_year, to_year):
            parts.setdefault(sums.period, []).append(sums)
    return [
        Sums(period, Bounds(sum(s.part.low for s in pair), sum(s.part.mid for s in pair),
                            sum(s.part.high for s in pair)), None, any(s.provisional for s in pair))
        for period, pair in sorted(parts.items()) if len(pair) == 2
    ]


INDICATORS = [
    Indicator(
        id="tech_graduates_all_levels", name="Technisch gediplomeerden mbo, hbo en wo",
        definition="Aantal diploma's in een technische richting in het mbo (technische sectorkamers) plus het hbo "
                   "en wo (CROHO-onderdeel techniek), bij instellingen gevestigd in de regio. Alleen schooljaren "
                   "waarvoor beide bronnen cijfers hebben.",
        formula="mbo_tech_graduates + ho_tech_graduates", kind="count", unit="count",
        source_id=MBO_GRADUATES.source_id, extra_sources=(HO_GRADUATES.source_id,), grain="regio × schooljaar",
        caveats=tuple(dict.fromkeys([*MBO_GRADUATES.caveats, *HO_GRADUATES.caveats])), period_type="school_year",
        query=_all_levels,
    ),
]
