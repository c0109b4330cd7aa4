"""CBS StatLine CSV readers: hand-written fixtures, harmless variations, every bad input a user could meet (named by
file, line and column in Dutch), every real file, a build and the indicators."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.checks import run_checks
from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.reading.cbs_common import period_from_label, region_from_key, source_checks
from etl.sources import cbs_coded_csv, cbs_label_csv, cbs_label_quarterly
from tests.conftest import FIXTURES, ROOT
from tests.staged import assert_located, build_refusal, edited_copy, refusal, staged_facts
from warehouse.indicators import compute

CBS = FIXTURES / "cbs"
EDUCATION = CBS / "onderwijsniveau_2023.csv"
UNEMPLOYMENT = CBS / "werkloosheid_small.csv"
KERNCIJFERS = CBS / "kerncijfers_small.csv"
CODED = CBS / "50140NED_TypedDataSet_22092025_192544.csv"
MODULE_OF = {EDUCATION: cbs_label_csv, KERNCIJFERS: cbs_label_csv, UNEMPLOYMENT: cbs_label_quarterly,
             CODED: cbs_coded_csv}
HIGH_31 = "Onderwijsniveau 5 categorien/31 Hbo-, wo-bachelor (%)"


def _facts(module, path: Path):
    facts, education, _ = staged_facts(module, path)
    assert education == []
    return facts


def _value(facts, region: str, measure: str, period: str) -> float:
    [value] = facts.loc[(facts["region_code"] == region) & (facts["measure"] == measure)
                        & (facts["period"] == period), "value"].tolist()
    return value


def test_period_and_region_keys():
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


def test_truncated_line_is_reported(tmp_path):
    path = tmp_path / EDUCATION.name
    path.write_bytes(EDUCATION.read_bytes().rsplit(b";", 3)[0] + b"\r\n")  # last line cut off mid-row
    error = refusal(cbs_label_csv, path)
    assert (error.line, error.column) == (6, "Onderwijsniveau 5 categorien/21 Havo, vwo, mbo2-4 (%)")


@pytest.mark.parametrize(("source", "old", "new"), [
    (EDUCATION, ";8,6;18,5;", ";  8,6 ;18.5;"),  # spaces around a value; a point where a comma is usual
    (EDUCATION, b"\r\n", b"\n"),  # (first line end only) LF after CRLF
    (KERNCIJFERS, b"\xef\xbb\xbf", b""),  # no byte order mark
    (KERNCIJFERS, '"2025";"Almere"', '"2025";" Almere "'),  # region label with spaces
    (CODED, ";28.3;", "; 028.30 ;"),
    (CODED, "MW00000;GM0034", " MW00000 ;GM0034"),  # dimension keys are stripped
])
def test_harmless_variations_read_as_the_original(source, old, new, tmp_path):
    module = MODULE_OF[source]
    assert _facts(module, edited_copy(source, tmp_path, old, new)).equals(_facts(module, source))


def test_a_file_without_final_line_end_reads_as_the_original(tmp_path):
    for source, module in MODULE_OF.items():
        path = tmp_path / source.name
        path.write_bytes(source.read_bytes().rstrip(b"\r\n"))
        assert _facts(module, path).equals(_facts(module, source)), source.name


def test_negative_numbers_many_digits_and_not_available_values_read(tmp_path):
    facts = _facts(cbs_label_csv, edited_copy(EDUCATION, tmp_path, ";8,6;18,5;", ";-8,6;1234567890123456;"))
    assert _value(facts, "PV24", "Onderwijsniveau 5 categorien/11 Basisonderwijs (%)", "2023") == -8.6
    assert _value(facts, "PV24", "Onderwijsniveau 5 categorien/12 Vmbo, havo-, vwo-onderbouw, mbo1 (%)",
                  "2023") == 1234567890123456.0
    assert len(_facts(cbs_label_quarterly, edited_copy(UNEMPLOYMENT, tmp_path, ";3,9\r\n", ";.\r\n"))) == 8


def test_an_export_without_any_value_loads_nothing(tmp_path):
    lines = UNEMPLOYMENT.read_bytes().split(b"\r\n")
    path = tmp_path / UNEMPLOYMENT.name
    path.write_bytes(b"\r\n".join([lines[0], *(line.split(b";")[0] + b";" * line.count(b";") for line in lines[1:]
                                                 if line)]) + b"\r\n")
    facts, _, data_rows = staged_facts(cbs_label_quarterly, path)
    assert facts.empty and data_rows == 0 and str(facts["value"].dtype) == "float64"


BASIS = "Onderwijsniveau 5 categorien/11 Basisonderwijs (%)"
LAST = "Onderwijsniveau 5 categorien/32 Hbo-, wo-master, doctor (%)"


@pytest.mark.parametrize(("source", "old", "new", "line", "column", "phrase"), [
    (EDUCATION, ";19,5;7,8", ";19,5x;7,8", 4, HIGH_31, "waarde '19,5x' is geen getal"),
    (EDUCATION, ";8,6;", ";8,6\u00a0;", 4, BASIS, "is geen getal"),  # non-breaking space
    (EDUCATION, ";8,6;", ";8,6\t;", 4, BASIS, "is geen getal"),
    (EDUCATION, ";8,6;", ";8,6x;", 4, BASIS, "waarde '8,6x' is geen getal; verwacht bijvoorbeeld '12,5'"),
    (EDUCATION, ";8,6;", ";\u0668,6;", 4, BASIS, "is geen getal"),  # an Arabic-Indic digit
    (EDUCATION, ";8,6;", ";1.234,5;", 4, BASIS, "is geen getal"),
    (EDUCATION, "2023*;Flevoland (PV)", "2023Q;Flevoland (PV)", 4, "Perioden", "periode '2023Q' is geen jaar"),
    (EDUCATION, "Flevoland (PV)", "Atlantis (PV)", 4, "Regio's", "regio 'Atlantis (PV)' is onbekend"),
    (EDUCATION, "Flevoland (PV)", 'Flevo"land (PV)', 4, "Regio's", "is onbekend"),  # a stray quote
    (EDUCATION, "Flevoland (PV)", "Flevoland (PV)\x00", 4, "Regio's", "is onbekend"),
    (EDUCATION, "Flevoland (PV)", '"Flevo\r\nland (PV)"', 4, "Regio's", "een waarde bevat een regeleinde"),
    (EDUCATION, "Flevoland (PV)", '"Flevoland" (PV)', 4, "Regio's", "aanhalingsteken staat midden in een waarde"),
    (EDUCATION, b";7,8\r\n", b";7,8\r", 4, LAST, "regeleinde-teken"),  # a lone carriage return
    (EDUCATION, b";7,8\r\n", b";7,8\r\n\r\n", 5, None, "lege regel"),
    (EDUCATION, b";7,8\r\n", b";7,8;\r\n", 4, LAST, "de regel heeft 11 velden, de kopregel 10"),
    (EDUCATION, b";7,8\r\n", b"\r\n", 4, LAST, "de regel heeft 9 velden, de kopregel 10; is de regel"),
    (EDUCATION, "Flevoland (PV)", "Fl\xe9voland (PV)".encode("latin-1"), 4, "Regio's",
     "teken dat geen UTF-8 is (byte 0xE9, in Windows-1252 'é')"),
    (EDUCATION, "Geslacht;", "Leeftijd;", 1, "Leeftijd", "staat twee keer in de kopregel"),
    (EDUCATION, "Geslacht;", ";", 1, None, "kolom 1 van de kopregel heeft geen naam"),
    (EDUCATION, "Perioden;", "Jaar;", 1, "Perioden", "kolom ontbreekt"),
    (KERNCIJFERS, ';"Almere";229574;13960', ';"Almere";"""229574""";13960', 4,
     "Bevolking/Bevolkingssamenstelling op 1 januari/Totale bevolking (aantal)", "waarde '\"229574\"' is geen getal"),
    (UNEMPLOYMENT, "het vierde kwartaal van 2024", "Q4 2024", 3, "(eerste kolom)",
     "periode 'Q4 2024' is geen kwartaal"),
    (UNEMPLOYMENT, ";4,2;", ";4.2.1;", 3, "Groningen", "waarde '4.2.1' is geen getal"),
    (UNEMPLOYMENT, ";Flevoland", ";Atlantis", 1, "Atlantis", "regio 'Atlantis' is onbekend"),
    (UNEMPLOYMENT, ";Flevoland", ";Nederland", 1, "Nederland", "staat twee keer in de kopregel"),
    (CODED, ";30.2;", ";30,2;", 4, "MoeiteMetRondkomen_1", "waarde '30,2' is geen getal; verwacht bijvoorbeeld '12.5'"),
    (CODED, ";RegioS;", ";Regio;", 1, "RegioS", "kolom ontbreekt"),
])
def test_bad_input_is_named_by_file_line_and_column(source, old, new, line, column, phrase, tmp_path):
    assert_located(MODULE_OF[source], edited_copy(source, tmp_path, old, new), line, column, phrase)


def test_a_header_only_file_an_empty_file_and_a_renamed_one_are_named(tmp_path):
    for source, module in MODULE_OF.items():
        path = tmp_path / source.name
        for data in (source.read_bytes().split(b"\n", 1)[0] + b"\n", b""):
            path.write_bytes(data)
            error = refusal(module, path)
            assert error.line == 2 and "geen gegevensregels onder de kopregel" in error.message
    renamed = tmp_path / "welzijn.csv"
    renamed.write_bytes(CODED.read_bytes())
    assert "de bestandsnaam noemt de tabel niet" in refusal(cbs_coded_csv, renamed).message


def test_coded_periods_from_a_perioden_column_and_their_errors(tmp_path):
    text = CODED.read_bytes().decode("utf-8-sig").split("\r\n")
    keys = [re.sub(r"^(\d+;[^;]*;[^;]*;[^;]*;)", rf"\g<1>{2020 + i}JJ00;", line) for i, line in enumerate(text[1:-1])]
    path = tmp_path / CODED.name
    path.write_bytes("\r\n".join([text[0].replace(";RegioS;", ";RegioS;Perioden;"), *keys, ""]).encode("utf-8"))
    assert cbs_coded_csv.periods(read_header(path), path) == ["2020", "2021", "2022", "2023"]
    assert sorted(_facts(cbs_coded_csv, path)["period"].unique()) == ["2020", "2022", "2023"]  # 2021: a GGD region
    quarter = edited_copy(path, tmp_path / "q", "2021JJ00", "2021KW01")
    for read in (lambda: cbs_coded_csv.periods(read_header(quarter), quarter), lambda: _facts(cbs_coded_csv, quarter)):
        with pytest.raises(RawFileError, match="periode '2021KW01' is geen jaar") as caught:
            read()
        assert (caught.value.line, caught.value.column) == (3, "Perioden")


@pytest.mark.parametrize(("module", "source", "old", "new", "message"), [
    (cbs_label_csv, EDUCATION, ";8,6;18,5;", ";8,6;18,5x;", "regel 4, kolom 'Onderwijsniveau 5 categorien/12 Vmbo, "
     "havo-, vwo-onderbouw, mbo1 (%)': waarde '18,5x' is geen getal"),
    (cbs_label_csv, EDUCATION, "Flevoland (PV)", "Atlantis (PV)", "regel 4, kolom 'Regio's': regio 'Atlantis (PV)'"),
    (cbs_label_csv, EDUCATION, b";7,8\r\n", b"\r\n", f"regel 4, kolom '{LAST}': de regel heeft 9 velden, de "
     "kopregel 10"),
    (cbs_label_quarterly, UNEMPLOYMENT, "het vierde kwartaal van 2024", "Q4 2024",
     "regel 3, kolom '(eerste kolom)': periode 'Q4 2024' is geen kwartaal"),
    (cbs_coded_csv, CODED, ";30.2;", ";30,2;", "regel 4, kolom 'MoeiteMetRondkomen_1': waarde '30,2' is geen getal"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(module, source, old, new, message, tmp_path):
    edited_copy(source, tmp_path / "raw" / module.DATASET.raw_subdir, old, new)
    assert f"{source.name}, {message}" in str(build_refusal(tmp_path / "raw"))


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
