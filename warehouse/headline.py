"""The programme's headline indicators: latest value with its margin, the change on the period before, Nederland.

What the Overzicht tiles show, as data: the progress report (report/) prints the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse.catalog import CATALOGUE, get_indicator
from warehouse.indicator import Indicator
from warehouse.indicators import IndicatorValue, compute
from warehouse.periods import ended_by

# Headline indicators with the short label a narrow tile shows (the same six, in the same order, as Overzicht).
HEADLINE = {"vmbo_tech_share": "vmbo: aandeel techniek", "havo_vwo_nt_share": "havo/vwo: aandeel N&T",
            "ho_tech_first_years": "Eerstejaars hbo/wo techniek", "mbo_tech_students": "Mbo-studenten techniek",
            "youth_retention_5y": "Behoud jongeren na 5 jaar", "unemployment_rate": "Werkloosheid"}
# What a tile's number means, in words ('{}' is the number): paper and a projector have no help icons to hover.
# Short: a tile is a sixth of the screen wide.
MEANING = {"vmbo_tech_share": "{} van de vmbo-examenkandidaten koos techniek",
           "havo_vwo_nt_share": "{} van de havo/vwo-examenkandidaten had N&T",
           "ho_tech_first_years": "{} eerstejaars in technisch hbo of wo",
           "mbo_tech_students": "{} mbo-studenten in een technische opleiding",
           "youth_retention_5y": "{} jongeren van 20–24 per 100 van 15–19 vijf jaar eerder",
           "unemployment_rate": "{} van de beroepsbevolking werkloos"}
NATIONAL = "NL"


@dataclass(frozen=True)
class Headline:
    """One indicator for one region: its series (oldest first) and Nederland in the latest period."""

    indicator: Indicator
    label: str
    series: list[IndicatorValue]
    national: IndicatorValue | None

    @property
    def latest(self) -> IndicatorValue | None:
        return self.series[-1] if self.series else None

    @property
    def previous(self) -> IndicatorValue | None:
        return self.series[-2] if len(self.series) > 1 else None

    @property
    def change(self) -> float | None:
        """Latest minus previous point value (a share's change is a fraction: 0.004 = 0,4 percentage point)."""
        if self.latest is None or self.previous is None or None in (self.latest.value, self.previous.value):
            return None
        return self.latest.value - self.previous.value


def until(con: duckdb.DuckDBPyConnection, values: list[IndicatorValue], day: date | None) -> list[IndicatorValue]:
    """The values whose period had ended by `day` (all of them when `day` is None)."""
    if day is None:
        return values
    ended = ended_by(con, day)
    return [v for v in values if v.period in ended]


def series(con: duckdb.DuckDBPyConnection, indicator_id: str, region: str, from_year: int | None = None,
           day: date | None = None) -> list[IndicatorValue]:
    """The indicator's values for the region from `from_year` (start year) on, for periods ended by `day`."""
    return until(con, compute(con, indicator_id, region, from_year, day.year if day else None), day)


def headline(con: duckdb.DuckDBPyConnection, indicator_id: str, region: str, from_year: int | None = None,
             day: date | None = None, label: str | None = None) -> Headline:
    """One headline indicator for the region, periods ended by `day`; Nederland for the same latest period."""
    indicator = get_indicator(indicator_id)
    values = series(con, indicator_id, region, from_year, day)
    national = None
    if values:
        latest = values[-1].period
        same = [v for v in compute(con, indicator_id, NATIONAL, int(latest[:4]), int(latest[:4]))
                if v.period == latest]
        national = same[0] if same else None
    return Headline(indicator, label or HEADLINE.get(indicator_id, indicator.name), values, national)


def headlines(con: duckdb.DuckDBPyConnection, region: str, from_year: int | None = None,
              day: date | None = None) -> list[Headline]:
    """Every headline indicator in the catalogue, in the Overzicht's order."""
    return [headline(con, i, region, from_year, day) for i in HEADLINE if i in CATALOGUE]
