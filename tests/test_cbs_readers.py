"""CBS StatLine label-CSV readers: hand-written fixtures, bad input, every real file, a build and the indicators."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.checks import run_checks
from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.sources import cbs_label_csv, cbs_label_quarterly
from etl.sources.cbs_common import period_from_key, period_from_label, region_from_key, source_checks
from tests.conftest import FIXTURES, ROOT
from warehouse.indicators import compute

CBS = FIXTURES / "cbs"
EDUCATION = CBS / "onderwijsniveau_2023.csv"
UNEMPLOYMENT = CBS / "werkloosheid_small.csv"
KERNCIJFERS = CBS / "kerncijfers_small.csv"
HIGH_31 = "Onderwijsniveau 5 categorien/31 Hbo-, wo-bachelor (%)"


def _facts(module, path: Path):
    facts, education = module.to_facts(module.read(path), path, path.name, None)
    assert education.empty
    return facts


def _value(facts, region: str, measure: str, period: str) -> float:
    [value] = facts.loc[(facts["region_code"] == region) & (facts["measure"] == measure)
                        & (facts["period"] == period), "value"].tolist()
    return value


def test_period_and_region_keys():
    assert period_from_key("2023JJ00") == ("2023", "calendar_year")
    assert period_from_key("2023KW04") == ("2023-Q4", "quarter")
    assert period_from_key("2023MM11") == ("2023-11", "month")
    assert period_from_label("2023*") == ("2023", "calendar_year", True)
    assert period_from_label("het eerste kwartaal van 2015") == ("2015-Q1", "quarter", False)
    assert [region_from_key(k) for k in ("NL01  ", "PV24  ", "GM0034", "LD02  ", "CR40  ")] == [
        "NL", "PV24", "GM0034", "LD02", None]


def test_label_csv_fixture_exact_values():
    assert recognise(EDUCATION)[0] is cbs_label_csv
    assert cbs_label_csv.periods(read_header(EDUCATION), EDUCATION) == ["2023"]
    facts = _facts(cbs_label_csv, EDUCATION)
    # 4 regions (the COROP row is dropped) × 6 measures, minus Groningen's '.' and empty cell
    assert len(facts) == 22
    assert sorted(facts["region_code"].unique()) == ["LD02", "NL", "PV20", "PV24"]
    assert _value(facts, "PV24", HIGH_31, "2023") == 19.5
    assert _value(facts, "PV24", "Bevolking (aantal)", "2023") == 340000
    assert set(facts["status"]) == {"voorlopig"} and set(facts["table_id"]) == {"85525NED"}
    row = facts[(facts["region_code"] == "PV24") & (facts["measure"] == HIGH_31)].iloc[0]
    assert (row["unit"], row["dims"], row["source_line"]) == (
        "%", "Geslacht=Totaal mannen en vrouwen|Leeftijd=15 tot 75 jaar", 4)


def test_kerncijfers_fixture_skips_dissolved_municipalities():
    facts = _facts(cbs_label_csv, KERNCIJFERS)
    assert sorted(facts["region_code"].unique()) == ["GM0014", "GM0034", "NL", "PV24"]  # Aalburg row is empty
    assert _value(facts, "GM0034", "Bevolking/Bevolkingssamenstelling op 1 januari/Leeftijd/Leeftijdsgroepen/"
                  "15 tot 20 jaar (aantal)", "2025") == 13960
    assert set(facts["table_id"]) == {"70072ned"} and set(facts["dims"]) == {""}


def test_transposed_unemployment_fixture():
    assert recognise(UNEMPLOYMENT)[0] is cbs_label_quarterly
    assert cbs_label_quarterly.periods(read_header(UNEMPLOYMENT), UNEMPLOYMENT) == ["2024-Q3", "2024-Q4", "2025-Q1"]
    facts = _facts(cbs_label_quarterly, UNEMPLOYMENT)
    assert len(facts) == 9
    assert _value(facts, "PV24", "Werkloosheidpercentage", "2024-Q4") == 3.5
    assert _value(facts, "PV20", "Werkloosheidpercentage", "2024-Q4") == 4.2  # the province, not the municipality
    assert facts.loc[facts["period"] == "2025-Q1", "status"].unique().tolist() == ["voorlopig"]


def _broken(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes().replace(old.encode(), new.encode(), 1))
    return path


def test_wrong_value_names_line_and_column(tmp_path):
    path = _broken(tmp_path, EDUCATION, ";19,5;7,8", ";19,5x;7,8")
    with pytest.raises(RawFileError) as caught:
        cbs_label_csv.read(path)
    assert (caught.value.line, caught.value.column) == (4, HIGH_31)
    assert "19,5x" in str(caught.value) and "regel 4" in str(caught.value)


def test_missing_column_names_it(tmp_path):
    path = _broken(tmp_path, EDUCATION, "Perioden;", "Jaar;")
    with pytest.raises(RawFileError) as caught:
        cbs_label_csv.read(path)
    assert (caught.value.line, caught.value.column) == (1, "Perioden")


def test_truncated_line_is_reported(tmp_path):
    path = tmp_path / EDUCATION.name
    path.write_bytes(EDUCATION.read_bytes().rsplit(b";", 3)[0] + b"\r\n")  # last line cut off mid-row
    with pytest.raises(RawFileError) as caught:
        cbs_label_csv.read(path)
    assert (caught.value.line, caught.value.column) == (6, "Onderwijsniveau 5 categorien/21 Havo, vwo, mbo2-4 (%)")


def test_unknown_region_and_bad_quarter(tmp_path):
    path = _broken(tmp_path, EDUCATION, "Flevoland (PV)", "Atlantis (PV)")
    with pytest.raises(RawFileError, match="regio 'Atlantis \\(PV\\)' is onbekend") as caught:
        cbs_label_csv.to_facts(cbs_label_csv.read(path), path, path.name, None)
    assert (caught.value.line, caught.value.column) == (4, "Regio's")
    path = _broken(tmp_path, UNEMPLOYMENT, "het vierde kwartaal van 2024", "Q4 2024")
    with pytest.raises(RawFileError, match="geen kwartaal") as caught:
        cbs_label_quarterly.read(path)
    assert caught.value.line == 3


def test_build_from_fixtures_and_indicators_by_hand(tmp_path):
    raw = tmp_path / "raw" / "cbs" / "statline_labels"
    raw.mkdir(parents=True)
    for source in (EDUCATION, UNEMPLOYMENT, KERNCIJFERS):
        shutil.copy(source, raw / source.name)
    db = tmp_path / "wh.duckdb"
    report = build(tmp_path / "raw", db, progress=False)
    assert report.fact_rows == {"fact_cbs": 22 + 9 + 8}
    with duckdb.connect(str(db), read_only=True) as con:
        [share] = compute(con, "education_level_high_share", "PV24")
        # Flevoland 2023*: (19.5 + 7.8) % of 340000 = 92820 of 340000
        assert share.value == pytest.approx(0.273) and share.numerator == pytest.approx(92820)
        assert share.status == "voorlopig"
        assert compute(con, "education_level_high_share", "PV20") == []  # the 32 cell is empty
        rates = compute(con, "unemployment_rate", "PV24")
        assert [r.period for r in rates] == ["2024-Q3", "2024-Q4", "2025-Q1"]
        assert [r.value for r in rates] == pytest.approx([0.039, 0.035, 0.041])
        assert compute(con, "youth_retention_5y", "PV24") == []  # no 03759ned bundle in this build


# --- every real file in /work/shared/real-data; figures computed independently with the csv module ---

def test_real_85525ned_label_files(real_data: Path):
    folder = real_data / "cbs_statline_label_csv_85525ned"
    files = sorted(folder.glob("20*_onderwijsniveau.csv"))
    assert len(files) == 9
    for path in files:
        assert recognise(path)[0] is cbs_label_csv
        facts = _facts(cbs_label_csv, path)
        assert len(facts) == 17 * 6  # Nederland, 4 landsdelen, 12 provinces; 6 measures
        assert facts["status"].eq("voorlopig" if path.name.startswith("2023") else "definitief").all()
    facts = _facts(cbs_label_csv, folder / "2022_onderwijsniveau.csv")
    assert _value(facts, "PV24", "Bevolking (aantal)", "2022") == 336500
    assert _value(facts, "PV24", HIGH_31, "2022") == 19.0
    assert _value(facts, "PV24", "Onderwijsniveau 5 categorien/32 Hbo-, wo-master, doctor (%)", "2022") == 7.6
    assert _value(facts, "PV21", HIGH_31, "2022") == 19.3  # 'Fryslan (PV)'


def test_real_flevoland_2022_hbo_wo_share_and_2024_q4_unemployment(real_data: Path, tmp_path):
    folder = real_data / "cbs_statline_label_csv_85525ned"
    raw = tmp_path / "raw" / "cbs" / "statline_labels"
    raw.mkdir(parents=True)
    for name in ("2022_onderwijsniveau.csv", "2023_onderwijsniveau.csv", "Werkloosheidpercentage.csv"):
        shutil.copy(folder / name, raw / name)
    db = tmp_path / "wh.duckdb"
    build(tmp_path / "raw", db, progress=False)
    with duckdb.connect(str(db), read_only=True) as con:
        shares = {v.period: v for v in compute(con, "education_level_high_share", "PV24")}
        # Flevoland (PV) 2022: 19,0 % hbo/wo-bachelor + 7,6 % hbo/wo-master/doctor = 26,6 % of 336500
        assert shares["2022"].value == pytest.approx(0.266) and shares["2022"].status == "definitief"
        assert shares["2023"].value == pytest.approx(0.196 + 0.076) and shares["2023"].status == "voorlopig"
        rates = {v.period: v.value for v in compute(con, "unemployment_rate", "PV24")}
        assert rates["2024-Q4"] == pytest.approx(0.036)  # 'het vierde kwartaal van 2024', column Flevoland: 3,6
        assert len(rates) == 41


def test_real_unemployment_export(real_data: Path):
    path = real_data / "cbs_statline_label_csv_85525ned" / "Werkloosheidpercentage.csv"
    assert recognise(path)[0] is cbs_label_quarterly
    facts = _facts(cbs_label_quarterly, path)
    assert len(facts) == 41 * 13  # 2015-Q1 .. 2025-Q1, Nederland + 12 provinces
    assert _value(facts, "PV24", "Werkloosheidpercentage", "2015-Q1") == 9.4
    assert _value(facts, "NL", "Werkloosheidpercentage", "2025-Q1") == 4.0


def test_real_70072ned_every_municipality(real_data: Path):
    [path] = (real_data / "cbs_statline_label_csv_70072ned").glob("*.csv")
    assert recognise(path)[0] is cbs_label_csv
    facts = _facts(cbs_label_csv, path)
    assert len(facts) == 10290  # non-empty cells; 386 of 729 rows are dissolved municipalities without values
    assert facts["region_code"].nunique() == 343  # Nederland + 342 municipalities
    total = "Bevolking/Bevolkingssamenstelling op 1 januari/Totale bevolking (aantal)"
    assert _value(facts, "GM0034", total, "2025") == 229574
    assert _value(facts, "NL", total, "2025") == 18044027
    assert _value(facts, "GM0014", total, "2025") > 0  # 'Groningen (gemeente)'


def test_percentage_check_refuses_a_share_above_100_but_not_a_demographic_pressure():
    con = duckdb.connect()
    con.execute((ROOT / "warehouse" / "sql" / "fact_cbs.sql").read_text(encoding="utf-8"))
    con.execute("insert into fact_cbs (measure_label, unit, value, source_id, source_file, source_line) values "
                "('Leeftijd/Demografische druk/Totale druk', '%', 113.0, 's', 'f.csv', 2), "
                "('Onderwijsniveau/Hbo, wo', '%', 101.5, 's', 'f.csv', 3)")
    failures = run_checks(con, source_checks("s"))
    assert len(failures) == 1 and "f.csv, regel 3" in failures[0] and "Hbo, wo" in failures[0]
