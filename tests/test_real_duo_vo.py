"""DUO's real vo exam file end to end: reader, warehouse and indicators, against values counted by hand.

Expected numbers were counted directly in the CSV (column 'EXAMENKANDIDATEN SCHOOLJAAR 2023-2024 - TOTAAL'
for the 328 rows of the six Flevoland municipalities), independently of the code under test.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from etl.sources import duo_vo_exams
from tests.staged import staged_facts
from warehouse.cli import main as warehouse_cli
from warehouse.connection import connect
from warehouse.indicators import compute


def test_reader_on_the_real_file(real_vo_file):
    facts, education, records = staged_facts(duo_vo_exams, real_vo_file)
    assert records == 12_782 and len(facts) == 12_782 * 5 * 3
    assert sorted(facts["school_year"].unique()) == ["2019-2020", "2020-2021", "2021-2022", "2022-2023",
                                                     "2023-2024"]
    assert (facts["source_line"].min(), facts["source_line"].max()) == (2, 12_783)
    assert facts["municipality_code"].notna().all() and facts["education_id"].notna().all()
    assert len(education) == len({e.education_id for e in education})


def test_flevoland_facts_in_the_warehouse(real_db):
    con = duckdb.connect(str(real_db), read_only=True)
    rows, locations = con.execute(
        "select count(*), count(distinct vestiging) from fact_vo_exam f "
        "join region r on r.code = f.municipality_code where r.is_flevoland"
    ).fetchone()
    assert (rows, locations) == (328 * 5 * 3, 32)
    exact, suppressed, low, high = con.execute(
        "select sum(candidates), count(*) filter (where candidates_suppressed), sum(candidates_low), "
        "sum(candidates_high) from fact_vo_exam f join education e using (education_id) "
        "join region r on r.code = f.municipality_code "
        "where r.is_flevoland and f.sex = 'totaal' and f.school_year = '2023-2024' "
        "and e.level = 'vmbo' and e.is_technical"
    ).fetchone()
    assert (exact, suppressed, low, high) == (387, 4, 391, 403)
    # Suppressed cells are never stored as 0 or 5.
    assert con.execute("select count(*) from fact_vo_exam where candidates_suppressed "
                       "and (candidates is not null or candidates_low <> 1 or candidates_high <> 4)").fetchone() == (0,)
    assert con.execute("select value from build_info where key = 'is_demo'").fetchone() == ("false",)


def test_indicators_for_flevoland_and_urk(real_db):
    con = connect(real_db)
    (pv24,) = compute(con, "vmbo_tech_share", "PV24", 2023, 2023)
    assert pv24.period == "2023-2024" and pv24.period_type == "school_year"
    assert pv24.numerator == 397 and pv24.denominator == 2701  # 387 + 4 × 2,5 ; 2274 + 12 × 2,5 others
    assert pv24.value == pytest.approx(397 / 2701)
    assert pv24.lower == pytest.approx(391 / (391 + 2322))
    assert pv24.upper == pytest.approx(403 / (403 + 2286))
    assert pv24.source == "DUO, Examenkandidaten en geslaagden vo" and pv24.status == "definitief"
    (urk,) = compute(con, "vmbo_tech_candidates", "GM0184", 2023, 2023)
    assert (urk.value, urk.lower, urk.upper) == (40, 40, 40)
    (nt,) = compute(con, "havo_vwo_nt_share", "PV24", 2023, 2023)
    assert (nt.numerator, nt.denominator) == (429.5, 1921.5)  # 417 + 5 suppressed; 1447 + 18 others


def test_indicator_cli_json(real_db, capsys):
    code = warehouse_cli(["indicator", "vmbo_tech_share", "--region", "PV24", "--from", "2022", "--to", "2023",
                          "--db", str(real_db), "--format", "json"])
    assert code == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["period"] for r in records] == ["2022-2023", "2023-2024"]
    assert list(records[1]) == ["indicator", "region", "period", "period_type", "value", "lower", "upper",
                                "numerator", "denominator", "unit", "source", "status"]
    assert records[1]["unit"] == "share" and 0 < records[1]["lower"] < records[1]["value"] < records[1]["upper"] < 1
