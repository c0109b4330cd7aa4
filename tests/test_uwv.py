"""UWV Open Match Data: reader on the hand-made fixture, bad input, build, indicators and demo layout.

No real UWV file is available (see docs/sources/uwv_open_match.md); the fixture follows the documented
layout and every expected figure below was added up by hand from its lines.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.build import build
from etl.demo import uwv_open_match as demo
from etl.demo.world import demo_world
from etl.rawfiles import read_header
from etl.sources import uwv_open_match as uwv
from tests.conftest import FIXTURES
from tests.staged import assert_located, build_refusal, edited_copy, line_end_variants, refusal, staged_facts
from warehouse.indicators import compute

FIXTURE = FIXTURES / "uwv" / "open_match_small.csv"
HEADER = ("PEILDATUM;REC_TYPE;PROVINCIE;GEMEENTE;POSTCODE;BEROEP_CODE;BEROEP;AANTAL;AANT_OPLNIV_1;AANT_OPLNIV_2;"
          "AANT_OPLNIV_3;AANT_OPLNIV_4;AANT_OPLNIV_5;AANT_OPLNIV_6")


def _facts(path: Path) -> pd.DataFrame:
    facts = staged_facts(uwv, path, "f.csv")[0]
    facts["snapshot_date"] = facts["snapshot_date"].dt.date
    return facts


def test_reader_on_the_fixture():
    header = read_header(FIXTURE)
    assert uwv.recognises(header)
    assert uwv.periods(header, FIXTURE) == ["2023-04", "2023-05"]
    assert uwv.edition_key(header, FIXTURE) == "2023-04-25..2023-05-16"
    facts, education, records = staged_facts(uwv, FIXTURE)
    assert records == 21 and education == []
    facts = _facts(FIXTURE).set_index(["snapshot_date", "municipality_code", "occupation_code"])
    assert len(facts) == 11
    almere = facts.loc[(date(2023, 5, 2), "GM0034", "0711")]
    # Two postcode areas summed: 12 + 8 vacancies; job-seekers 5 split 1/2/2 over levels 1-3.
    assert (almere["vacancies"], almere["job_seekers"], almere["source_line"]) == (20, 5, 2)
    assert [almere[f"job_seekers_level_{n}"] for n in range(1, 7)] == [1, 2, 2, 0, 0, 0]
    assert (almere["month"], almere["occupation_class"], bool(almere["is_technical"])) == ("2023-05", "07", True)
    assert almere["occupation_name"] == "Bouwarbeiders ruwbouw"
    lelystad = facts.loc[(date(2023, 5, 16), "GM0995", "0711")]
    assert (lelystad["vacancies"], lelystad["job_seekers"]) == (2.5, 5)  # decimal comma
    nurses = facts.loc[(date(2023, 4, 25), "GM0034", "1011")]
    assert (nurses["vacancies"], nurses["job_seekers"], bool(nurses["is_technical"])) == (0, 8, False)
    assert facts.loc[(date(2023, 5, 2), "GM0034", "0821"), "is_technical"]  # ICT counts as technical


def test_dutch_dates_lower_case_record_types_and_decimal_commas_are_read(tmp_path):
    expected = _facts(FIXTURE)
    dutch = _facts(edited_copy(FIXTURE, tmp_path, "2023-05-02;VACATURE;Flevoland;Almere;1315",
                           "2-5-2023;vacature;Flevoland;Almere;1315"))
    pd.testing.assert_frame_equal(dutch, expected)
    half = _facts(edited_copy(FIXTURE, tmp_path, ";12;0;0;0;0;0;0", ";12,25;0;0;0;0;0;0")).set_index(
        ["snapshot_date", "municipality_code", "occupation_code"])
    assert half.loc[(date(2023, 5, 2), "GM0034", "0711"), "vacancies"] == 20.25


def test_spaces_around_values_are_not_part_of_them(tmp_path):
    # The staging SQL joins dates and municipalities on the values as written and strips only what it keeps.
    spaced = edited_copy(FIXTURE, tmp_path / "a", "2023-05-02;VACATURE;Flevoland;Almere;1315;0711;Bouwarbeiders",
                         " 2023-05-02 ; VACATURE ;Flevoland; Almere ;1315; 0711 ; Bouwarbeiders")
    spaced = edited_copy(spaced, tmp_path / "b", "ruwbouw;12;", "ruwbouw ; 12,0 ;")
    spaced = edited_copy(spaced, tmp_path / "c", "ruwbouw;5;1;2;2;", "ruwbouw; 5 ; 1 ;2;2 ;")
    pd.testing.assert_frame_equal(_facts(spaced), _facts(FIXTURE))


def test_a_byte_order_mark_lf_and_a_missing_last_line_end_read_as_crlf(tmp_path):
    expected = staged_facts(uwv, FIXTURE, "f.csv")[0]
    for path in line_end_variants(FIXTURE, tmp_path):
        pd.testing.assert_frame_equal(staged_facts(uwv, path, "f.csv")[0], expected)


def test_technical_rule_is_brc_classes_07_and_08():
    classes = uwv.occupation_classes()
    assert len(classes) == 13
    assert [code for code, technical in classes.items() if technical] == ["07", "08"]


@pytest.mark.parametrize(("old", "new", "line", "column", "message"), [
    ("2023-05-02;VACATURE;Flevoland;Almere;1325", "2023-05-02;VACATURE;Flevoland;Almere;1325A", 3, "POSTCODE",
     "verwacht een postcodegebied van 4 cijfers (gevonden: '1325A')"),
    ("Bouwarbeiders ruwbouw;8;", "Bouwarbeiders ruwbouw;8.5;", 3, "AANTAL", "',' als decimaalteken"),
    ("Bouwarbeiders ruwbouw;12;", "Bouwarbeiders ruwbouw;1,1234567891;", 2, "AANTAL", "hooguit 9 decimalen"),
    ("2023-05-16;VACATURE;Flevoland;Almere", "2023-05-16;VACATUREX;Flevoland;Almere", 11, "REC_TYPE",
     "verwacht VACATURE of WERKZOEKENDE"),
    ("2023-05-02;VACATURE;Flevoland;Almere;1315", "2023-05-02;VACATURE\u212a;Flevoland;Almere;1315", 2, "REC_TYPE",
     "verwacht VACATURE of WERKZOEKENDE"),  # not ASCII
    ("2023-04-25;VACATURE;Flevoland;Lelystad", "2023-13-25;VACATURE;Flevoland;Lelystad", 19, "PEILDATUM",
     "deze dag bestaat niet"),
    ("2023-05-02;VACATURE;Flevoland;Almere;1315", "2023-02-30;VACATURE;Flevoland;Almere;1315", 2, "PEILDATUM",
     "deze dag bestaat niet; verwacht een datum jjjj-mm-dd of d-m-jjjj (gevonden: '2023-02-30')"),
    ("2023-05-02;VACATURE;Flevoland;Almere;1315", "2 mei 2023;VACATURE;Flevoland;Almere;1315", 2, "PEILDATUM",
     "verwacht een datum jjjj-mm-dd of d-m-jjjj"),
    (";0711;Bouwarbeiders ruwbouw;12;", ";9911;Bouwarbeiders ruwbouw;12;", 2, "BEROEP_CODE",
     "valt in geen BRC-beroepsklasse (01-13) (gevonden: '9911')"),
    (";0711;Bouwarbeiders ruwbouw;12;", ";711;Bouwarbeiders ruwbouw;12;", 2, "BEROEP_CODE",
     "verwacht een BRC-beroepsgroepcode van 4 cijfers"),
    ("2023-05-02;VACATURE;Flevoland;Almere;1315", "2023-05-02;VACATURE;Flevoland; ;1315", 2, "GEMEENTE",
     "verwacht een gemeentenaam"),
    ("2023-05-02;VACATURE;Flevoland;Almere;1315", "2023-05-02;VACATURE;Flevoland;;1315", 2, "GEMEENTE",
     "verwacht een gemeentenaam"),
    (";0711;Bouwarbeiders ruwbouw;12;", "; 9911 ;Bouwarbeiders ruwbouw;12;", 2, "BEROEP_CODE",
     "valt in geen BRC-beroepsklasse (01-13) (gevonden: ' 9911 ')"),
    ("Lelystad;8232", "Atlantis;8232", 9, "GEMEENTE",
     "gemeente 'Atlantis' is onbekend; voeg de naam toe aan etl/reference/region_aliases.csv"),
    ("Lelystad;8232", "Lelystad\u00e9;8232".encode("latin-1"), 9, "GEMEENTE",
     "hier staat een teken dat geen UTF-8 is (byte 0xE9, in Windows-1252 'é')"),
    ("BEROEP;", b"BEROEP\xe9;", 1, "teken 66", "geen UTF-8"),
    (";AANT_OPLNIV_6\r\n", "\r\n", 1, "AANT_OPLNIV_6", "de kopregel is niet die van UWV Open Match Data"),
])
def test_wrong_values_name_line_and_column(tmp_path, old, new, line, column, message):
    assert_located(uwv, edited_copy(FIXTURE, tmp_path, old, new), line, column, message)


def test_a_missing_column_is_not_recognised(tmp_path):
    assert not uwv.recognises(read_header(edited_copy(FIXTURE, tmp_path, ";AANT_OPLNIV_6\r\n", "\r\n")))


def test_truncated_last_line(tmp_path):
    path = tmp_path / "uwv.csv"
    path.write_bytes(FIXTURE.read_bytes()[:-12])
    error = assert_located(uwv, path, 22, "AANT_OPLNIV_2", "de regel heeft 9 velden, de kopregel 14")
    assert "afgebroken" in error.message


def test_a_header_only_file_is_named(tmp_path):
    path = tmp_path / "uwv.csv"
    path.write_bytes(FIXTURE.read_bytes().split(b"\n", 1)[0] + b"\n")
    error = refusal(uwv, path)
    assert error.line == 2 and "geen gegevensregels" in error.message


def test_a_build_meeting_a_bad_file_names_file_line_and_column(tmp_path):
    edited_copy(FIXTURE, tmp_path / "raw" / uwv.DATASET.raw_subdir, "Almere;1325", "Nergenshuizen;1325")
    assert ("open_match_small.csv, regel 3, kolom 'GEMEENTE': gemeente 'Nergenshuizen' is onbekend"
            in str(build_refusal(tmp_path / "raw")))


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    raw = tmp_path_factory.mktemp("uwv_raw")
    (raw / "uwv" / "open_match").mkdir(parents=True)
    shutil.copy(FIXTURE, raw / "uwv" / "open_match" / FIXTURE.name)
    db = tmp_path_factory.mktemp("uwv_db") / "warehouse.duckdb"
    build(raw, db, progress=False)  # runs every check, the UWV checks included
    return duckdb.connect(str(db), read_only=True)


def test_build_from_the_fixture(fixture_db):
    assert fixture_db.execute("select count(*), sum(vacancies), sum(job_seekers) from fact_uwv_match").fetchone() \
        == (11, 10 + 4 + 12 + 8 + 6 + 20 + 3 + 15 + 7 + 18 + 2.5, 8 + 6 + 5 + 4 + 7 + 6 + 4 + 3 + 9 + 5)
    assert fixture_db.execute("select period_type, start_date from period where period_id = '2023-05'").fetchone() \
        == ("month", date(2023, 5, 1))


def test_indicators_by_hand(fixture_db):
    # Last snapshot of May is 2023-05-16: Almere 15 (0711) + 7 (0821), Lelystad 2.5 (0711).
    vacancies = {v.period: v.value for v in compute(fixture_db, "tech_vacancies", "PV24")}
    assert vacancies == {"2023-04": 10 + 4, "2023-05": 15 + 7 + 2.5}
    assert compute(fixture_db, "tech_vacancies", "GM0034", 2023, 2023)[-1].value == 22
    tension = {v.period: v.value for v in compute(fixture_db, "tech_tension", "PV24")}
    # Technical job-seekers on the last snapshot: April Lelystad 6; May Almere 4 + 3, Lelystad 5.
    assert tension["2023-04"] == pytest.approx(14 / 6)
    assert tension["2023-05"] == pytest.approx(24.5 / 12)


def test_demo_is_deterministic_and_in_the_documented_layout(tmp_path):
    world = demo_world("flevoland", 3)
    first = demo.write(tmp_path / "a", world, np.random.default_rng(5)).read_bytes()
    second = demo.write(tmp_path / "b", world, np.random.default_rng(5)).read_bytes()
    assert first == second
    lines = first.split(b"\r\n")
    assert lines[0].decode() == HEADER == FIXTURE.read_bytes().split(b"\r\n")[0].decode()
    assert lines[-1] == b"" and b"\n" not in first.replace(b"\r\n", b"")
    assert not first.startswith(b"\xef\xbb\xbf")
    path = tmp_path / "a" / uwv.DATASET.raw_subdir / demo.FILE_NAME
    facts = _facts(path)
    assert set(facts["municipality_code"]) == {m.code for m in world}
    assert facts["month"].nunique() == 12
    share = facts.loc[facts["is_technical"], "vacancies"].sum() / facts["vacancies"].sum()
    assert 0.2 < share < 0.35


def test_fetched_through_ckan_not_static_targets():
    # The catalogue has no file URLs: `fetch --source uwv` asks data.overheid.nl (tests/test_uwv_fetch.py).
    assert not getattr(uwv, "FETCH_TARGETS", [])
    assert (uwv.FETCH_GROUP, uwv.CKAN_DATASET) == ("uwv", "uwv-open-match-data") and callable(uwv.fetch)
