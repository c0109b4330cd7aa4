"""Period identifiers and their dates: school years, calendar years, quarters and months kept apart."""

from __future__ import annotations

import calendar
import re
from datetime import date

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def period_bounds(period_id: str, period_type: str) -> tuple[int, date, date]:
    """Start year, first day and last day of a period; a school year runs 1 August to 31 July."""
    if period_type == "school_year" and (m := _SCHOOL_YEAR.match(period_id)):
        start = int(m.group(1))
        return start, date(start, 8, 1), date(start + 1, 7, 31)
    if period_type == "calendar_year" and (m := _YEAR.match(period_id)):
        year = int(m.group(1))
        return year, date(year, 1, 1), date(year, 12, 31)
    if period_type == "quarter" and (m := _QUARTER.match(period_id)):
        year, quarter = int(m.group(1)), int(m.group(2))
        end_month = quarter * 3
        return year, date(year, end_month - 2, 1), date(year, end_month, calendar.monthrange(year, end_month)[1])
    if period_type == "month" and (m := _MONTH.match(period_id)):
        year, month = int(m.group(1)), int(m.group(2))
        return year, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    raise ValueError(f"period {period_id!r} is not a valid {period_type}")


PERIOD_COLUMNS = ("period_id", "period_type", "start_year", "start_date", "end_date")


def period_rows(periods: list[tuple[str, str]]) -> list[tuple[str, str, int, date, date]]:
    """Rows for the period table (columns PERIOD_COLUMNS) from (period_id, period_type) pairs."""
    return [(period_id, period_type, *period_bounds(period_id, period_type)) for period_id, period_type in periods]
