"""Dutch number, percentage and date formatting: 1.234,5 — 12,3% — mrt 2026."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 → '1.234,5'; None or NaN → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(share: float | None, decimals: int = 1) -> str:
    """A fraction 0..1 as '12,3%'."""
    return "–" if share is None else f"{number(share * 100, decimals)}%"


def counted(n: int, singular: str, plural: str) -> str:
    """A number with its noun in the right form: '1 fout', '3 fouten', '1.204 uploads'."""
    return f"{number(n)} {singular if n == 1 else plural}"


def count_with_bounds(value: float | None, lower: float | None, upper: float | None) -> str:
    """A count that may include suppressed cells: '12', '<5' for one suppressed cell, '397 (391–403)'."""
    if value is None:
        return "–"
    if lower == upper:
        return number(value)
    if lower == 1 and upper == 4:
        return "<5"
    return f"{number(value)} ({number(lower)}–{number(upper)})"


def month(day: date) -> str:
    """date(2026, 3, 1) → 'mrt 2026'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def day(value: date | str) -> str:
    """date(2024, 10, 20) or '2024-10-20' → '20 okt 2024'."""
    value = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def moment(iso: str) -> str:
    """An ISO 8601 UTC time as Dutch local time: '2026-11-28T16:55:00+00:00' → '28 nov 2026 17:55'."""
    local = datetime.fromisoformat(iso).astimezone(AMSTERDAM)
    return f"{day(local.date())} {local:%H:%M}"


def indicator_value(unit: str, value: float | None, lower: float | None, upper: float | None) -> str:
    """An indicator value with its bounds: '14,7% (14,4%–15,0%)', '397 (391–403)', '<5', '104,2', or '–'."""
    if value is None:
        return "–"
    if unit == "share":
        if lower == upper:
            return percent(value)
        return f"{percent(value)} ({percent(lower)}–{percent(upper)})"
    if unit == "ratio":
        return number(value, 2) if lower == upper else f"{number(value, 2)} ({number(lower, 2)}–{number(upper, 2)})"
    if unit == "index":
        return number(value, 1) if lower == upper else f"{number(value, 1)} ({number(lower, 1)}–{number(upper, 1)})"
    return count_with_bounds(value, lower, upper)


def kpi_value(value: float | None, unit: str) -> str:
    """A programme KPI in its unit: '27,0%' for a KPI in procent, '1.680' for a count ('–' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_percent_unit(unit):
        return f"{number(value, 1)}%"
    return number(value, 0 if float(value).is_integer() or abs(value) >= 100 else 1)


def is_percent_unit(unit: str) -> bool:
    """True for a KPI unit that is a percentage ('procent', '%'): its values carry a % sign."""
    return str(unit).strip().lower() in ("procent", "%")


def period_label(period: str) -> str:
    """'2023-2024' → '2023/24' (school year), '2023-Q4' → '4e kw. 2023', '2023-11' → 'nov 2023', '2023' → '2023'."""
    if len(period) == 9 and period[4] == "-":
        return f"{period[:4]}/{period[7:]}"
    if "-Q" in period:
        return f"{period[-1]}e kw. {period[:4]}"
    if len(period) == 7 and period[4] == "-":
        return month(date(int(period[:4]), int(period[5:]), 1))
    return period
