"""The indicator caveats say what is true of the real files (issue 15 part 7): each claim checked on a warehouse built
from ../shared/real-data (the complete files, as tests/build_snapshots.py builds them)."""

from __future__ import annotations

import duckdb
import pytest

from tests.build_snapshots import build_without_uploads, write_real
from warehouse.catalog import get_indicator
from warehouse.indicators import compute
from warehouse.measures import ho, mbo

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def con(real_data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("caveats")
    db = build_without_uploads(write_real(real_data, tmp / "raw"), tmp / "w.duckdb")
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str, parameters: list | None = None) -> list[tuple]:
    return con.execute(sql, parameters or []).fetchall()


def test_old_mbo_file_has_no_institution_in_flevoland(con):
    assert "Flevoland en zijn gemeenten hebben daarom voor 2015-2016 tot en met 2019-2020 geen cijfer" in (
        mbo.SEAT_CAVEAT)
    years = [row[0] for row in _rows(con, "select distinct school_year from fact_mbo_student order by 1")]
    assert years == ["2015-2016", "2016-2017", "2017-2018", "2018-2019", "2019-2020"]
    assert _rows(con, "select count(*) from fact_mbo_student f join region r on r.code = f.municipality_code "
                      "where r.parent_code = 'PV24'") == [(0,)]
    places = dict(_rows(con, "select distinct institution_name, place_name from fact_mbo_student "
                             "where institution_name in ('ROC van Flevoland', 'Aeres (V) MBO')"))
    assert places == {"ROC van Flevoland": "AMSTERDAM", "Aeres (V) MBO": "EDE GLD"}
    for region in ("PV24", "GM0034", "GM0995"):
        assert compute(con, "mbo_tech_students", region) == [], region  # no value, not 0


def test_flevoland_hbo_locations_are_almere_and_dronten_and_dronten_has_no_techniek(con):
    assert "alleen hbo-vestigingen in Almere en Dronten" in ho.LOCATION_CAVEAT
    for table in ("fact_ho_enrolment", "fact_ho_graduate"):
        found = _rows(con, f"select distinct f.level, f.municipality_code, e.is_technical from {table} f "  # noqa: S608
                           "join education e using (education_id) join region r on r.code = f.municipality_code "
                           "where r.parent_code = 'PV24' order by all")
        assert found == [("hbo", "GM0034", False), ("hbo", "GM0034", True), ("hbo", "GM0303", False)], table
    for indicator in ("ho_tech_first_years", "ho_tech_graduates"):
        values = {region: {v.value for v in compute(con, indicator, region)}
                  for region in ("GM0303", "GM0995", "GM0050", "GM0171", "GM0184")}
        assert values == {region: {0} for region in values}, indicator  # the other municipalities count 0, as Dronten


def test_wo_informatics_mostly_sits_in_natuur_and_hbo_ict_in_techniek(real_data):
    assert "'natuur'" in ho.TECHNIEK_CAVEAT
    folder = real_data / "duo_ho_mbo_2019_oldlayout"
    con = duckdb.connect()
    try:
        def sectors(name: str, programme: str) -> set[str]:
            return {row[0] for row in con.execute(
                'select distinct "CROHO ONDERDEEL" from read_csv(?, delim = \';\', header = true, '
                'all_varchar = true, null_padding = true, ignore_errors = true) where "OPLEIDINGSNAAM ACTUEEL" = ?',
                [str(folder / name), programme]).fetchall()}

        assert sectors("hbo_inscriptions_2019.csv", "B HBO-ICT") == {"techniek"}
        assert sectors("hbo_inscriptions_2019.csv", "B Informatica") == {"techniek"}
        assert sectors("wo_inscriptions_2019.csv", "B Informatica") == {"natuur"}
        assert sectors("wo_inscriptions_2019.csv", "B Wiskunde") == {"natuur"}
        assert sectors("wo_inscriptions_2019.csv", "B Technische Informatica") == {"techniek"}
        assert sectors("wo_inscriptions_2019.csv", "B Business Information Technology") == {"techniek"}
    finally:
        con.close()


def test_old_ho_layout_suppresses_nothing(con):
    assert "De oude indeling (tot 2019) onderdrukt niets." in ho.SUPPRESSION_CAVEAT
    assert _rows(con, "select count(*) filter (where students_suppressed) from fact_ho_enrolment") == [(0,)]
    assert _rows(con, "select count(*) filter (where graduates_suppressed) from fact_ho_graduate") == [(0,)]


def test_cbs_tables_hold_the_regions_and_status_the_caveats_name(con):
    assert any("Alleen Nederland en provincies" in c for c in get_indicator("unemployment_rate").caveats)
    assert _rows(con, "select distinct left(region_code, 2) from fact_cbs "
                      "where table_id = 'werkloosheid_provincie' order by 1") == [("NL",), ("PV",)]
    assert any("Het laatste jaar is voorlopig" in c for c in get_indicator("education_level_high_share").caveats)
    status = dict(_rows(con, "select period, min(status) from fact_cbs where table_id = '85525NED' group by 1"))
    assert status[max(status)] == "voorlopig" and set(status.values()) - {"voorlopig"} == {"definitief"}
    assert compute(con, "education_level_high_share", "GM0034") == []  # published per province, not summed


def test_vo_nt_combinations_count_as_nt(con):
    caveat = next(c for c in get_indicator("havo_vwo_nt_share").caveats if c.startswith("Combinatieprofielen"))
    names = dict(_rows(con, "select education_id, is_technical from education where education_id like 'vo:%N&T%'"))
    assert names and all(names.values())
    assert {name.split(" - ", 1)[1] for name in names} == {"N&T", "N&T / N&G", "N&T / E&M", "N&T / C&M"}
    assert all(profile in caveat for profile in ("N&T / N&G", "N&T / E&M", "N&T / C&M"))
