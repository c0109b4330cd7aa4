"""Indicators on the hand-written fixture: values and bounds computed by hand, the CLI, and errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from warehouse import indicators as indicators_module
from warehouse.catalog import CATALOGUE, UnknownIndicatorError
from warehouse.cli import main as cli
from warehouse.connection import WarehouseMissingError, connect
from warehouse.indicator import Indicator
from warehouse.indicators import compute
from warehouse.regions import UnknownRegionError


def _by_period(db, indicator, region):
    return {v.period: v for v in compute(connect(db), indicator, region)}


def test_share_with_a_suppressed_technical_cell(small_db):
    # Flevoland vmbo 2022-2023: techniek = Almere 14 + Urk '<5'; other = Almere economie 17.
    value = _by_period(small_db, "vmbo_tech_share", "PV24")["2022-2023"]
    assert value.numerator == 16.5 and value.denominator == 33.5
    assert value.value == pytest.approx(16.5 / 33.5)
    assert value.lower == pytest.approx(15 / 32) and value.upper == pytest.approx(18 / 35)


def test_share_without_suppression_has_equal_bounds(small_db):
    value = _by_period(small_db, "vmbo_tech_share", "PV24")["2023-2024"]
    assert value.value == value.lower == value.upper == pytest.approx(18 / 27)


def test_nl_includes_every_municipality_and_suppressed_cells_on_both_sides(small_db):
    # NL vmbo 2022-2023: techniek 14 + '<5'; other 17 + Hengelo LWT '<5'.
    value = _by_period(small_db, "vmbo_tech_share", "NL")["2022-2023"]
    assert value.value == pytest.approx(16.5 / 36)
    assert value.lower == pytest.approx(15 / 36) and value.upper == pytest.approx(18 / 36)


def test_havo_vwo_nt_counts_combined_profiles(small_db):
    periods = _by_period(small_db, "havo_vwo_nt_share", "NL")
    assert periods["2023-2024"].value == pytest.approx((13 + 19) / (13 + 20 + 19))
    counts = _by_period(small_db, "havo_vwo_nt_candidates", "PV24")
    assert counts["2023-2024"].value == 13 and counts["2023-2024"].denominator is None


def test_count_of_a_single_suppressed_cell(small_db):
    value = _by_period(small_db, "vmbo_tech_candidates", "Urk")["2022-2023"]
    assert (value.value, value.lower, value.upper) == (2.5, 1, 4)


def test_period_filter_and_region_by_name(small_db):
    values = compute(connect(small_db), "vmbo_candidates", "almere", 2023, 2023)
    assert [(v.region, v.period, v.value) for v in values] == [("GM0034", "2023-2024", 19)]


def test_unknown_indicator_and_region(small_db):
    con = connect(small_db)
    with pytest.raises(UnknownIndicatorError, match="vmbo_tech_share"):
        compute(con, "geen_indicator", "PV24")
    with pytest.raises(UnknownRegionError, match="Gebruik de code"):
        compute(con, "vmbo_tech_share", "Groningen")  # municipality and province
    with pytest.raises(WarehouseMissingError):
        connect(small_db.parent / "bestaat-niet.duckdb")


def test_cli_csv(small_db, capsys):
    assert cli(["indicator", "vmbo_tech_share", "--region", "GM0184", "--db", str(small_db),
                "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["period"] for r in rows] == ["2022-2023", "2023-2024"]
    assert rows[1]["value"] == str(8 / 8) and rows[0]["lower"] == "1.0" and rows[0]["upper"] == "1.0"
    assert rows[0]["source"] == "DUO, Examenkandidaten en geslaagden vo" and rows[0]["status"] == "definitief"


def test_cli_errors_exit_2_with_a_dutch_message(small_db, capsys):
    assert cli(["indicator", "nope", "--region", "PV24", "--db", str(small_db)]) == 2
    assert "bestaat niet" in capsys.readouterr().err
    assert cli(["indicator", "vmbo_tech_share", "--region", "XX99", "--db", str(small_db)]) == 2
    assert cli(["indicator", "vmbo_tech_share", "--region", "PV24", "--db", str(small_db.parent / "x")]) == 2


def test_cli_no_data_prints_an_empty_list(small_db, capsys):
    assert cli(["indicator", "vmbo_tech_share", "--region", "GM0363", "--db", str(small_db)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and "Geen gegevens" in captured.err


def test_cli_lists_the_catalogue(capsys):
    assert cli(["indicators", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {e["id"] for e in entries} == set(CATALOGUE) >= {"vmbo_tech_share", "havo_vwo_nt_share"}
    assert all(e["definition"] and e["formula"] and e["source"] and e["caveats"] for e in entries)


def test_indicator_of_a_source_not_in_the_warehouse_has_no_values(small_db, monkeypatch):
    def never(*_):
        raise AssertionError("the query must not run for a source that was not loaded")

    ghost = Indicator("ghost", "Spook", "", "", "count", "count", "bron_die_ontbreekt", "", (), "calendar_year",
                      never)
    monkeypatch.setattr(indicators_module, "get_indicator", lambda _: ghost)
    assert compute(connect(small_db), "ghost", "PV24") == []


def test_technical_share_by_sex_on_the_fixture(small_db):
    from warehouse.breakdowns import technical_share_by_sex

    shares = technical_share_by_sex(connect(small_db), "PV24", ["vmbo"], 2023, 2023).set_index("reeks")
    # 2023-2024 Flevoland vmbo: boys techniek 10 (Almere) + 7 (Urk), other 6; girls techniek 0 + '<5', other '<5'.
    assert shares.loc["Jongens", "value"] == pytest.approx(17 / 23)
    assert shares.loc["Meisjes", "lower"] == pytest.approx(1 / (1 + 4))
    assert shares.loc["Meisjes", "upper"] == pytest.approx(4 / (4 + 1))


def test_youth_retention_counts_the_1_january_total_once_whatever_else_the_table_publishes(demo_db, tmp_path):
    # 03759ned also has the average population and, in some editions, a marital-status dimension; neither may
    # double a year. Urk by hand: 20-24 in 2023 = 1.100, 15-19 in 2018 = 1.000 → 1,1.
    import shutil

    import duckdb

    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    rows = []
    for year, band, value in ((2018, "15 tot 20 jaar", 1000.0), (2023, "20 tot 25 jaar", 1100.0)):
        for measure, label in (("BevolkingOp1Januari_1", "Bevolking op 1 januari"),
                               ("GemiddeldeBevolking_2", "Gemiddelde bevolking")):
            for marital, share in (("Totaal burgerlijke staat", 1.0), ("Ongehuwd", 0.9)):
                dims = f"Geslacht=Totaal mannen en vrouwen|BurgerlijkeStaat={marital}|Leeftijd={band}"
                rows.append((measure, label, dims, str(year), value * share + (7 if "Gem" in measure else 0)))
    with duckdb.connect(str(db)) as con:
        con.execute("delete from fact_cbs where lower(table_id) = '03759ned' and region_code = 'GM0184'")
        con.executemany(
            "insert into fact_cbs values ('03759ned', ?, ?, 'aantal', 'GM0184', ?, ?, ?, 'cbs_statline_odata', "
            "null, 'definitief', 'test', 1)", rows)
    [value] = compute(connect(db), "youth_retention_5y", "GM0184")
    assert (value.period, value.value) == ("2023", pytest.approx(1.1))
