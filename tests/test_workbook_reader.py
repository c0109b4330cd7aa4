"""Tolerant parsing of the values people type: Dutch numbers, dates and months, periods."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from etl.workbooks.reader import normalise_header, parse_dates, parse_numbers, parse_periods, parse_text


def _series(*values):
    return pd.Series(list(values), dtype="object")


def test_numbers_in_dutch_text_and_as_cells():
    values, bad = parse_numbers(_series("1.234,5", " 12 ", "1.234", "-3,25", 7, 2.5, None, "", "1.5", "veel",
                                        datetime(2026, 1, 1)))
    assert values.tolist()[:6] == [1234.5, 12.0, 1234.0, -3.25, 7.0, 2.5]
    assert bad.tolist() == [False] * 8 + [True, True, True]  # '1.5' is ambiguous in Dutch


def test_dates_in_every_accepted_form():
    values, bad = parse_dates(_series("15-03-2026", "15/3/2026", "2026-03-15", "maart 2026", "mrt 2026",
                                      "Mrt. 2026", datetime(2026, 3, 15, 0, 0), date(2026, 3, 15), 46096.0,
                                      "31-02-2026", "gisteren", None))
    assert [v.strftime("%Y-%m-%d") for v in values[:9]] == [
        "2026-03-15", "2026-03-15", "2026-03-15", "2026-03-01", "2026-03-01", "2026-03-01", "2026-03-15",
        "2026-03-15", "2026-03-15"]
    assert bad.tolist() == [False] * 9 + [True, True, False]


def test_months():
    values, bad = parse_dates(_series("2026-03", "03-2026", "maart 2026", "15-03-2026", "dertien 2026"),
                              month_only=True)
    assert values.tolist()[:4] == ["2026-03"] * 4 and bad.tolist() == [False] * 4 + [True]


def test_periods_and_text_and_headers():
    values, bad = parse_periods(_series(2026, "2026-q4", "2026-12", "26", "2026-13"))
    assert values.tolist()[:3] == ["2026", "2026-Q4", "2026-12"] and bad.tolist() == [False, False, False, True, True]
    assert parse_text(_series("  A1 ", 12.0, None, " ")).tolist() == ["A1", "12", None, None]
    assert normalise_header("  Periode   NULMETING ") == normalise_header("Periode nulmeting")
