"""Zero versus no data (issue 15 part 6): a DUO count is 0, with its source, for a municipality of an area DUO's file
covers that period and that has no school or institution there; "no record" only where the source says nothing."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from etl.build import build
from warehouse.connection import connect
from warehouse.coverage import shared_coverage
from warehouse.effects.panel import load_indicator_panel
from warehouse.indicators import compute

VO_YEARS = ["2022-2023", "2023-2024"]  # the school years of tests/fixtures/duo_vo_small.csv


def _values(db, indicator: str, region: str) -> dict[str, float | None]:
    con = connect(db)
    try:
        return {v.period: v.value for v in compute(con, indicator, region)}
    finally:
        con.close()


def test_a_municipality_without_a_school_in_a_covered_province_counts_zero_with_its_source(small_db):
    # The fixture lists schools in Almere, Lelystad and Urk: Zeewolde (Flevoland) has none, so DUO says 0 there.
    con = connect(small_db)
    try:
        zeewolde = compute(con, "vmbo_tech_candidates", "GM0050")
    finally:
        con.close()
    assert [(v.period, v.value, v.lower, v.upper) for v in zeewolde] == [(y, 0, 0, 0) for y in VO_YEARS]
    assert all(v.source.startswith("DUO, Examenkandidaten") for v in zeewolde)
    assert _values(small_db, "vmbo_candidates", "GM0050") == dict.fromkeys(VO_YEARS, 0)
    # Vijfheerenlanden lies in Utrecht, where the fixture has a school: 0 as well.
    assert _values(small_db, "havo_vwo_nt_candidates", "GM1961") == dict.fromkeys(VO_YEARS, 0)


def test_no_record_where_the_source_says_nothing(small_db):
    assert _values(small_db, "vmbo_tech_candidates", "GM0014") == {}  # Groningen: no school of its province listed
    assert _values(small_db, "vmbo_tech_candidates", "GM0620") == {}  # Vianen: dissolved before these school years
    assert _values(small_db, "vmbo_tech_share", "GM0050") == {}  # no school, no share: 0 of 0 has no value


def test_the_effects_panel_follows_the_same_rule(small_db):
    con = connect(small_db)
    try:
        counts = load_indicator_panel(con, "vmbo_tech_candidates").data
        shares = load_indicator_panel(con, "vmbo_tech_share").data
    finally:
        con.close()
    zeewolde = counts[counts["unit"] == "GM0050"]
    assert list(zeewolde["period"]) == [2022, 2023] and (zeewolde[["outcome", "low", "high"]] == 0).all().all()
    assert not {"GM0014", "GM0620"} & set(counts["unit"])
    assert "GM0050" not in set(shares["unit"])
    almere = counts[counts["unit"] == "GM0034"].set_index("period")["outcome"]
    assert {int(k): v for k, v in almere.items()} == {
        int(v.period[:4]): v.value for v in compute(connect(small_db), "vmbo_tech_candidates", "GM0034")}


@pytest.mark.realdata
def test_lelystad_and_dronten_get_the_same_zero_hbo_techniek_first_years(real_data, tmp_path):
    """DUO lists hbo institutions in Almere and Dronten only; Dronten's has no techniek programme, Lelystad has none."""
    raw = tmp_path / "raw" / "duo"
    raw.mkdir(parents=True)
    shutil.copy(real_data / "duo_ho_mbo_2019_oldlayout" / "hbo_inscriptions_2019.csv", raw)
    build(tmp_path / "raw", tmp_path / "w.duckdb", progress=False)
    db = tmp_path / "w.duckdb"
    years = ["2015-2016", "2016-2017", "2017-2018", "2018-2019", "2019-2020"]
    for municipality in ("GM0303", "GM0995"):  # Dronten, Lelystad
        assert _values(db, "ho_tech_first_years", municipality) == dict.fromkeys(years, 0), municipality
    assert _values(db, "ho_tech_share", "GM0303") == dict.fromkeys(years, 0.0)  # Dronten has first-years: share 0
    assert _values(db, "ho_tech_share", "GM0995") == {}  # Lelystad has none: no share
    con = duckdb.connect(str(db), read_only=True)
    try:
        listed = {code for (code,) in con.execute("select distinct municipality_code from fact_ho_enrolment "
                                                  "where municipality_code in ('GM0303', 'GM0995')").fetchall()}
    finally:
        con.close()
    assert listed == {"GM0303"}  # the situation the rule is about: Lelystad is in no row of the file


def test_reading_coverage_once_for_many_regions_gives_what_each_region_alone_gets(small_db):
    """The effects panel asks every municipality inside shared_coverage(); each must get what it gets alone."""
    regions = ["GM0050", "GM0034", "GM0014", "GM0620", "GM1961", "PV24", "PV20", "NL"]
    con = connect(small_db)
    try:
        for indicator in ("vmbo_tech_candidates", "havo_vwo_candidates", "vmbo_tech_share"):
            alone = {region: compute(con, indicator, region) for region in regions}
            with shared_coverage():
                together = {region: compute(con, indicator, region) for region in regions}
                assert together == alone, indicator
                assert compute(con, indicator, "GM0050", 2023, 2023) == [  # years asked are part of the key
                    v for v in alone["GM0050"] if v.period == "2023-2024"]
    finally:
        con.close()
