"""Computing catalogue indicators by region × period, with bounds where suppressed cells are involved."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb

from warehouse.catalog import get_indicator
from warehouse.indicator import Indicator, Sums
from warehouse.regions import Region, find_region
from warehouse.sources import loaded_citations

RECORD_FIELDS = ("indicator", "region", "period", "period_type", "value", "lower", "upper", "numerator",
                 "denominator", "unit", "source", "status")


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator value for one region and period, as the CLI and the app show it."""

    indicator: str
    region: str
    period: str
    period_type: str
    value: float | None
    lower: float | None
    upper: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    source: str
    status: str

    def as_record(self) -> dict[str, object]:
        """Plain dict in the CLI's field order."""
        return asdict(self)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _number(value: float | None) -> float | int | None:
    """Whole numbers as int, so exact counts print as 12 and not 12.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def compute(con: duckdb.DuckDBPyConnection, indicator_id: str, region: str | Region,
            from_year: int | None = None, to_year: int | None = None) -> list[IndicatorValue]:
    """One value per period for the indicator in the region; periods filtered on their start year."""
    indicator = get_indicator(indicator_id)
    target = region if isinstance(region, Region) else find_region(con, region)
    citations = loaded_citations(con, indicator.sources)
    loaded = [s for s in indicator.sources if s in citations]
    if not loaded:
        return []  # the source is not in this warehouse (yet): no figures, rather than an error
    sums = indicator.query(con, target.code, 0 if from_year is None else from_year,
                           9999 if to_year is None else to_year)
    source = "; ".join(citations[s] for s in loaded)
    return [_value(indicator, target, s, source) for s in sums]


def _value(indicator: Indicator, region: Region, sums: Sums, source: str) -> IndicatorValue:
    part, other = sums.part, sums.other
    numerator: float | None = part.mid
    denominator: float | None = None
    if indicator.kind == "share":
        # The share rises with the part and falls with the rest: its extremes pair opposite bounds.
        denominator = part.mid + other.mid
        value, lower, upper = (_ratio(part.mid, denominator), _ratio(part.low, part.low + other.high),
                               _ratio(part.high, part.high + other.low))
    elif indicator.kind == "ratio":
        denominator = other.mid
        value, lower, upper = (_ratio(part.mid, other.mid), _ratio(part.low, other.high),
                               _ratio(part.high, other.low))
    elif indicator.kind == "count":
        value, lower, upper = part.mid, part.low, part.high
    else:  # rate: a value the source publishes as such
        value, lower, upper, numerator = part.mid, part.low, part.high, None
    return IndicatorValue(
        indicator=indicator.id,
        region=region.code,
        period=sums.period,
        period_type=indicator.period_type,
        # Counts print as whole numbers where exact; shares, ratios and rates stay fractions (1.0, not 1).
        value=_number(value) if indicator.kind == "count" else value,
        lower=_number(lower) if indicator.kind == "count" else lower,
        upper=_number(upper) if indicator.kind == "count" else upper,
        numerator=_number(numerator),
        denominator=_number(denominator),
        unit=indicator.unit,
        source=source,
        status="voorlopig" if sums.provisional else "definitief",
    )
