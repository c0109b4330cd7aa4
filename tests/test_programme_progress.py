"""Progress to target (warehouse/programme.py) on hand-made programme rows, expected values computed by hand."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from warehouse.programme import kpi_progress
from warehouse.schema import schema_sql


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(schema_sql())
    connection.executemany("insert into kpi (kpi_code, name, unit, kind, accumulation, direction, baseline_value, "
                           "baseline_period) values (?, ?, 'aantal', 'output', ?, 'hoger is beter', ?, '2024')",
                           [("LLN", "leerlingen", "cumulatief", 40), ("BEZ", "bezoeken", "incrementeel", None)])
    connection.executemany("insert into kpi_target (subproject_code, kpi_code, target_period, target_value) "
                           "values ('ALM', ?, ?, ?)",
                           [("LLN", "2025", 100), ("LLN", "2026", 300), ("BEZ", "2026-Q2", 30), ("BEZ", "2026-Q3", 30)])
    connection.executemany("insert into kpi_value (subproject_code, kpi_code, month, value) values ('ALM', ?, ?, ?)",
                           [("LLN", "2025-12", 110), ("LLN", "2026-06", 200), ("LLN", "2026-07", 260),
                            ("BEZ", "2026-04", 10), ("BEZ", "2026-05", 5), ("BEZ", "2026-06", 6),
                            ("BEZ", "2026-07", 25)])
    yield connection
    connection.close()


def test_a_running_total_climbs_on_from_the_previous_target_measured_at_the_end_of_last_month(con):
    # 15 July 2026: 'now' is 30 June (the July report is not due yet). The 2026 path runs from the 2025 target (100,
    # not the baseline 40) on 1 January to 300 on 31 December: 100 + 200 × 181/365 = 199,18 expected; the latest
    # report within that is June's 200 → 100,4%: on track. July's 260 does not count yet.
    progress = kpi_progress(con, "ALM", date(2026, 7, 15)).set_index("kpi_code")
    lln = progress.loc["LLN"]
    assert lln["target_period"] == "2026" and lln["expected"] == pytest.approx(100 + 200 * 181 / 365)
    assert lln["status"] == "op koers"


def test_an_incremental_kpi_sums_the_months_of_the_period_in_force(con):
    # 'Now' is 30 June: Q2 has ended exactly then, so it is the period in force; 10 + 5 + 6 = 21 of 30 → 70%.
    bez = kpi_progress(con, "ALM", date(2026, 7, 15)).set_index("kpi_code").loc["BEZ"]
    assert (bez["target_period"], bez["actual"], bez["expected"]) == ("2026-Q2", 21, 30)
    assert bez["ratio"] == pytest.approx(0.7) and bez["status"] == "let op"
    # On 1 September 'now' is 31 August: Q3 is two thirds done (62 of 92 days), July's 25 of 30 × 62/92 expected.
    bez = kpi_progress(con, "ALM", date(2026, 9, 1)).set_index("kpi_code").loc["BEZ"]
    assert bez["target_period"] == "2026-Q3" and bez["expected"] == pytest.approx(30 * 62 / 92)
    assert bez["status"] == "op koers"
