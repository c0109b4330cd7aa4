"""Figures as printed: Dutch text with margins, unit in words, period, status; sources numbered as footnotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ui import format as fmt
from warehouse.indicator import Indicator
from warehouse.indicators import IndicatorValue

PROGRAMME = "Toptechniek in bedrijf Flevoland"
DEMO_NOTE = ("De cijfers in dit document zijn gegenereerd: geen echte DUO-, CBS- of UWV-cijfers, en waar er "
             "deelprojecten in staan geen echte voortgang.")


def full(value: IndicatorValue | None) -> str:
    """'14,7% (14,4%–15,0%)', '397 (391–403)', '<5', '1,11', or '–' when there is no value."""
    if value is None:
        return "–"
    return fmt.indicator_value(value.unit, value.value, value.lower, value.upper)


def point(value: IndicatorValue | None) -> str:
    """The point value alone ('14,7%', '397'); a count hidden as '<5' stays '<5', never its midpoint."""
    if value is None or value.value is None:
        return "–"
    if value.unit == "count" and (value.lower, value.upper) == (1, 4):
        return "<5"
    return fmt.indicator_value(value.unit, value.value, value.value, value.value)


def margin(value: IndicatorValue | None) -> str | None:
    """'14,4%–15,0%' when suppressed cells leave a range (and the point is not '<5' already), else None."""
    if value is None or value.lower == value.upper or point(value) == "<5":
        return None
    low, high = (fmt.indicator_value(value.unit, b, b, b) for b in (value.lower, value.upper))
    return f"{low}–{high}"


def change(unit: str, difference: float | None) -> str | None:
    """'+0,4 %-punt', '−12', '+0,02' — a share's change in percentage points."""
    if difference is None:
        return None
    if unit == "share":
        text = f"{fmt.number(abs(difference) * 100, 1)} %-punt"
    else:
        text = fmt.number(abs(difference), 2 if unit == "ratio" else 0)
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    return f"{sign}{text}"


def meaning(indicator: Indicator, value: IndicatorValue | None) -> str:
    """What the number means in words, for a unit a reader may not know (a ratio: 'per 100')."""
    if indicator.unit == "ratio" and value is not None and value.value is not None:
        return f"{point(value)} betekent {fmt.number(value.value * 100)} per 100."
    return ""


def status_words(values: list[IndicatorValue]) -> str:
    """'definitief', 'voorlopig', or 'voorlopig en definitief' for the values shown together."""
    found = sorted({v.status for v in values})
    return " en ".join(found) if found else "–"


def made_at(now: datetime | None = None) -> str:
    """'2 dec 2026 14:05' in Dutch local time."""
    moment = (now or datetime.now(fmt.AMSTERDAM)).astimezone(fmt.AMSTERDAM)
    return f"{fmt.day(moment.date())} {moment:%H:%M}"


def frame(values: list[IndicatorValue], **columns: object) -> pd.DataFrame:
    """IndicatorValues as the DataFrame the chart builders take (the CLI's record fields), plus fixed columns."""
    data = pd.DataFrame([v.as_record() for v in values])
    for name, content in columns.items():
        data[name] = content
    return data


@dataclass
class Notes:
    """Sources numbered in order of first use, so a figure can carry '[2]' and the page a list of sources."""

    sources: list[str] = field(default_factory=list)

    def cite(self, source: str) -> int:
        if source not in self.sources:
            self.sources.append(source)
        return self.sources.index(source) + 1

    def cite_all(self, values: list[IndicatorValue]) -> list[int]:
        return sorted({self.cite(v.source) for v in values})

    @property
    def is_demo(self) -> bool:
        return any("(demodata)" in s for s in self.sources)

