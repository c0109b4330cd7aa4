"""Computing catalogue indicators by region × period, with bounds where suppressed cells are involved."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb

from warehouse.catalog import Indicator, get_indicator
from warehouse.regions import Region, find_region

SUPPRESSED_MIDPOINT = 2.5  # the middle of DUO's 1..4 for '<5'

# Sums over the total-sex rows of the vo exam facts, split into technical and other programmes.
# Point values count a suppressed cell as the midpoint; bounds use 1 and 4.
_VO_SUMS = """
select
    f.school_year as period,
    coalesce(sum(f.candidates_low) filter (where e.is_technical), 0) as tech_low,
    coalesce(sum(f.candidates_high) filter (where e.is_technical), 0) as tech_high,
    coalesce(sum(coalesce(f.candidates, ?)) filter (where e.is_technical), 0) as tech_mid,
    coalesce(sum(f.candidates_low) filter (where not e.is_technical), 0) as other_low,
    coalesce(sum(f.candidates_high) filter (where not e.is_technical), 0) as other_high,
    coalesce(sum(coalesce(f.candidates, ?)) filter (where not e.is_technical), 0) as other_mid,
    bool_or(f.status = 'voorlopig') as provisional
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


def _number(value: float) -> float | int:
    """Whole numbers as int, so exact counts print as 12 and not 12.0."""
    return int(value) if float(value).is_integer() else float(value)


def source_citation(con: duckdb.DuckDBPyConnection, source_id: str) -> str:
    """Dutch source line for a dataset, e.g. 'DUO, Examenkandidaten en geslaagden vo (demodata)'."""
    row = con.execute("select publisher, title, is_demo from source where source_id = ?", [source_id]).fetchone()
    if row is None:
        return f"{source_id} (niet in dit datawarehouse)"
    publisher, title, is_demo = row
    return f"{publisher}, {title}" + (" (demodata)" if is_demo else "")


def compute(con: duckdb.DuckDBPyConnection, indicator_id: str, region: str | Region,
            from_year: int | None = None, to_year: int | None = None) -> list[IndicatorValue]:
    """One value per period for the indicator in the region; periods filtered on their start year."""
    indicator = get_indicator(indicator_id)
    target = region if isinstance(region, Region) else find_region(con, region)
    rows = con.execute(
        _VO_SUMS,
        [SUPPRESSED_MIDPOINT, SUPPRESSED_MIDPOINT, target.code, list(indicator.levels),
         from_year if from_year is not None else 0, to_year if to_year is not None else 9999],
    ).fetchall()
    source = source_citation(con, indicator.source_id)
    return [_value(indicator, target, row, source) for row in rows]


def _value(indicator: Indicator, region: Region, row: tuple[object, ...], source: str) -> IndicatorValue:
    period, tech_low, tech_high, tech_mid, other_low, other_high, other_mid, provisional = row
    if indicator.measure == "share_technical":
        numerator, denominator = tech_mid, tech_mid + other_mid
        value = _ratio(numerator, denominator)
        # The share rises with technical counts and falls with the others: extremes pair opposite bounds.
        lower = _ratio(tech_low, tech_low + other_high)
        upper = _ratio(tech_high, tech_high + other_low)
        numerator, denominator = _number(numerator), _number(denominator)
    else:
        low, high, mid = (tech_low, tech_high, tech_mid) if indicator.measure == "technical" else (
            tech_low + other_low, tech_high + other_high, tech_mid + other_mid)
        value, lower, upper = _number(mid), _number(low), _number(high)
        numerator, denominator = value, None
    return IndicatorValue(
        indicator=indicator.id,
        region=region.code,
        period=str(period),
        period_type=indicator.period_type,
        value=value,
        lower=lower,
        upper=upper,
        numerator=numerator,
        denominator=denominator,
        unit=indicator.unit,
        source=source,
        status="voorlopig" if provisional else "definitief",
    )
