"""DUO mbo: readers on hand-written fixtures, bad input, build, indicators, demo writers and fetch."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import requests
import responses

from etl.build import build
from etl.demo import duo_mbo_graduates as demo_graduates
from etl.demo import duo_mbo_residence as demo_residence
from etl.demo import duo_mbo_students as demo_students
from etl.demo import duo_mbo_students_old as demo_old
from etl.demo.world import demo_world
from etl.download import download
from etl.education.mbo import mbo_education_current, mbo_education_old
from etl.errors import RawFileError
from etl.manifest import read_manifest
from etl.rawfiles import read_header, recognise
from etl.reference import MunicipalityResolver
from etl.sources import duo_mbo_graduates, duo_mbo_residence, duo_mbo_students, duo_mbo_students_old
from tests.conftest import FIXTURES
from warehouse.indicator import Bounds
from warehouse.measures import mbo

FIX = FIXTURES / "duo_mbo"
OLD = FIX / "deelnemers_oud_small.csv"
GRADUATES = FIX / "gediplomeerden_small.csv"
RESIDENCE = FIX / "woongemeente_small.csv"
STUDENTS = FIX / "studenten_small.csv"
MODULES = {OLD: duo_mbo_students_old, GRADUATES: duo_mbo_graduates, RESIDENCE: duo_mbo_residence,
           STUDENTS: duo_mbo_students}


def _facts(path: Path, resolver: MunicipalityResolver):
    module = MODULES[path]
    return module.to_facts(module.read(path), path, path.name, resolver)


def _copy(tmp_path: Path, source: Path, text: str | None = None) -> Path:
    target = tmp_path / source.name
    if text is None:
        shutil.copy(source, target)
    else:
        target.write_bytes(text.encode("utf-8"))
    return target


# --- technical rule -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("domain", "unit", "technical"), [
    ("Techniek en procesindustrie", "Sectorunit techniek en gebouwde omgeving", True),
    ("Transport, scheepvaart en logistiek", "Sectorunit mobiliteit, transport, logistiek, maritiem", True),
    ("Informatie en communicatietechnologie", "Sectorunit creatieve industrie en ICT", True),
    ("Media en vormgeving", "Sectorunit creatieve industrie en ICT", False),
    ("Zorg en welzijn", "Sectorunit zorg, welzijn en sport", False),
    ("Bouw en infra", "Bovensectoraal", True),
    ("niet toebedeeld aan Opleidingsdomeinen", "Bovensectoraal", False),
    ("Techniek en procesindustrie", "Inschr op domein Techniek en procesindustrie", True),
    ("Afbouw, hout en onderhoud", "Sectorunit handel", False),
])
def test_old_rule(domain, unit, technical):
    education = mbo_education_old("25303", "X", "BOLDT", domain, unit, Path("f.csv"), 2)
    assert education.is_technical is technical and education.leerweg == "BOL" and education.level == "mbo"


@pytest.mark.parametrize(("sectorkamer", "group", "technical"), [
    ("Sectorkamer techniek en gebouwde omgeving", "Bouw", True),
    ("Sectorkamer mobiliteit, transport, logistiek en maritiem", "Logistiek", True),
    ("Sectorkamer ICT en creatieve industrie", "ICT en mediabeheer", True),
    ("Sectorkamer ICT en creatieve industrie", "Mediavormgeving", False),
    ("Sectorkamer zorg, welzijn en sport", "Zorg", False),
])
def test_current_rule(sectorkamer, group, technical):
    education = mbo_education_current("25604", "Y", "BBL", sectorkamer, group, Path("f.csv"), 2)
    assert education.is_technical is technical and education.source_label == "Y (25604)"


def test_unknown_sectorkamer_and_leerweg_stop_with_line_and_column():
    with pytest.raises(RawFileError) as error:
        mbo_education_current("1", "Y", "BBL", "Sectorkamer ruimtevaart", "Z", Path("f.csv"), 7)
    assert error.value.line == 7 and error.value.column == "SECTORKAMER NAAM"
    with pytest.raises(RawFileError) as error:
        mbo_education_old("1", "Y", "BOL-X", "Zorg en welzijn", "Sectorunit handel", Path("f.csv"), 3)
    assert error.value.line == 3 and error.value.column == "TYPE MBO"


# --- old layout -----------------------------------------------------------------------------------------------

def test_old_layout_reads_fixture_exactly(resolver):
    assert recognise(OLD)[0] is duo_mbo_students_old
    assert duo_mbo_students_old.periods(read_header(OLD), OLD) == [
        "2015-2016", "2016-2017", "2017-2018", "2018-2019", "2019-2020"]
    facts, education = _facts(OLD, resolver)
    assert len(facts) == 58  # offered record-years × 2 sexes; empty TOTAAL cells give no row
    ict = facts[(facts["crebo"] == "25187") & (facts["school_year"] == "2019-2020")]
    assert ict.set_index("sex")["students"].to_dict() == {"man": 62, "vrouw": 9}
    assert set(ict["source_line"]) == {3}  # true line numbers, stray `""` lines skipped
    assert set(facts.loc[facts["crebo"] == "25434", "source_line"]) == {9}
    assert "2017-2018" not in set(facts.loc[facts["crebo"] == "25187", "school_year"])
    assert set(facts.loc[facts["place_name"] == "EDE GLD", "municipality_code"]) == {"GM0228"}
    assert set(facts.loc[facts["brin"] == "25LR", "municipality_code"]) == {"GM0363"}
    assert set(facts.loc[facts["crebo"] == "25491", "type_mbo"]) == {"BOLDT"}
    technical = set(education.loc[education["is_technical"], "source_label"])
    assert technical == {"Monteur elektrotechnische installaties (25303)", "Medewerker ICT support (25187)",
                         "Elektrotechnische industriele producten en systemen (Monteur) (92390)"}
    assert str(facts["peildatum"].iloc[0]) == "2015-10-01"


OLD_TEXT = OLD.read_bytes().decode("utf-8")


@pytest.mark.parametrize(("text", "line", "column"), [
    (OLD_TEXT.replace(";62;9;71", ";62;x;71"), 3, "VROUW2019"),
    (OLD_TEXT.replace(";62;9;71", ";62;9;72"), 3, "TOTAAL2019"),
    (OLD_TEXT.replace(";62;9;71\r\n", ";62;9\r\n"), 3, "TOTAAL2019"),
    (OLD_TEXT.replace("25LR;ROC;ROC van Flevoland;AMSTERDAM;BBL", "25LR;ROC;ROC van Flevoland;AMSTERDAM;BXL"), 2,
     "TYPE MBO"),
    (OLD_TEXT.replace(";EDE GLD;", ";NERGENSDORP;"), 9, "PLAATSNAAM"),
])
def test_old_layout_bad_input_names_line_and_column(tmp_path, resolver, text, line, column):
    path = _copy(tmp_path, OLD, text)
    with pytest.raises(RawFileError) as error:
        duo_mbo_students_old.to_facts(duo_mbo_students_old.read(path), path, "x", resolver)
    assert (error.value.line, error.value.column) == (line, column)
    assert str(path.name) in str(error.value)


def test_old_layout_missing_column_is_refused(tmp_path):
    path = _copy(tmp_path, OLD, OLD_TEXT.replace(";TOTAAL2019", "", 1))
    with pytest.raises(RawFileError) as error:
        duo_mbo_students_old.read(path)
    assert error.value.line == 1


# --- graduates ------------------------------------------------------------------------------------------------

def test_graduates_read_fixture_exactly(resolver):
    assert recognise(GRADUATES)[0] is duo_mbo_graduates
    assert duo_mbo_graduates.periods(read_header(GRADUATES), GRADUATES)[0] == "2020-2021"
    facts, education = _facts(GRADUATES, resolver)
    assert len(facts) == 58  # 6 records × 5 years × 2 sexes, less the empty 2023 pair
    row = facts[(facts["crebo"] == "25303") & (facts["school_year"] == "2020-2021") & (facts["sex"] == "vrouw")]
    assert row[["graduates", "graduates_low", "graduates_high", "graduates_suppressed"]].iloc[0].tolist() == [
        pd.NA, 1, 4, True]
    assert int(facts["graduates_suppressed"].sum()) == 8
    assert set(facts.loc[facts["place_name"] == "LELYSTAD", "municipality_code"]) == {"GM0995"}
    assert dict(zip(education["source_label"], education["is_technical"], strict=True)) == {
        "Monteur elektrotechnische installaties (25303)": True, "Software developer (25604)": True,
        "Mediavormgever (25592)": False, "Autotechnicus (25225)": True, "Mbo-Verpleegkundige (25480)": False,
        "Medewerker dierverzorging (25434)": False}


GRADUATES_TEXT = GRADUATES.read_bytes().decode("utf-8")


@pytest.mark.parametrize(("text", "line", "column"), [
    (GRADUATES_TEXT.replace("40,-1,42,0", "40,-2,42,0"), 2, "DIPVROUW2021"),
    (GRADUATES_TEXT.replace(",4,8\r\n", ",4\r\n"), 7, "DIPVROUW2025"),
    (GRADUATES_TEXT.replace("BBL,2,25303", "BBL,7,25303"), 2, "NIVEAU"),
    (GRADUATES_TEXT.replace("Sectorkamer handel", "x").replace("zorg, welzijn en sport", "ruimtevaart"), 6,
     "SECTORKAMER NAAM"),
])
def test_graduates_bad_input_names_line_and_column(tmp_path, resolver, text, line, column):
    path = _copy(tmp_path, GRADUATES, text)
    with pytest.raises(RawFileError) as error:
        duo_mbo_graduates.to_facts(duo_mbo_graduates.read(path), path, "x", resolver)
    assert (error.value.line, error.value.column) == (line, column)


def test_graduates_missing_column_is_refused(tmp_path):
    path = _copy(tmp_path, GRADUATES, GRADUATES_TEXT.replace("HOOFDGROEP NAAM,", "", 1))
    with pytest.raises(RawFileError) as error:
        duo_mbo_graduates.read(path)
    assert error.value.line == 1


def test_graduates_year_without_both_sexes_is_refused_in_dutch(tmp_path):
    lines = [line.rsplit(",", 1)[0] for line in GRADUATES_TEXT.splitlines()]  # drops DIPVROUW2025
    path = _copy(tmp_path, GRADUATES, "\n".join(lines) + "\n")
    with pytest.raises(RawFileError, match="kolom DIPVROUW2025 ontbreekt") as error:
        duo_mbo_graduates.read(path)
    assert (error.value.line, error.value.column) == (1, "DIPVROUW2025")


# --- residence ------------------------------------------------------------------------------------------------

def test_residence_reads_fixture_exactly(resolver):
    assert recognise(RESIDENCE)[0] is duo_mbo_residence
    assert duo_mbo_residence.periods(read_header(RESIDENCE), RESIDENCE) == ["2023-2024", "2024-2025"]
    facts, education = _facts(RESIDENCE, resolver)
    assert len(facts) == 40 and education.empty
    abroad = facts[facts["home_name"] == "BUITENLAND"]
    assert abroad["home_municipality_code"].isna().all() and int(abroad["students_suppressed"].sum()) == 1
    urk = facts[(facts["home_municipality_code"] == "GM0184") & (facts["brin"] == "25PJ")]
    assert int(urk["students"].sum()) == 75 and set(urk["institution_municipality_code"]) == {"GM0193"}


def test_residence_unknown_home_municipality_names_line(tmp_path, resolver):
    path = _copy(tmp_path, RESIDENCE, RESIDENCE.read_bytes().decode("utf-8").replace(",URK,", ",ATLANTIS,", 1))
    with pytest.raises(RawFileError) as error:
        duo_mbo_residence.to_facts(duo_mbo_residence.read(path), path, "x", resolver)
    assert (error.value.line, error.value.column) == (6, "WOONGEMEENTE")


def test_residence_other_columns_are_refused():
    assert not duo_mbo_residence.recognises([*duo_mbo_residence.REQUIRED, "BBL", "SECTORKAMER NAAM"])


# --- build and indicators -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("mbo")
    raw = tmp / "raw"
    for path, module in MODULES.items():
        target = raw / module.DATASET.raw_subdir / path.name
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
    report = build(raw, tmp / "w.duckdb", progress=False)  # raises when a check fails
    # fact_mbo_student: 58 rows of the old layout + 33 of the current one
    assert report.fact_rows == {"fact_mbo_student": 91, "fact_mbo_graduate": 58, "fact_mbo_residence": 40}
    return tmp / "w.duckdb"


def _query(db: Path, query, region: str, from_year: int = 2015, to_year: int = 2025):
    with duckdb.connect(str(db), read_only=True) as con:
        return {s.period: (s.part, s.other) for s in query(con, region, from_year, to_year)}


def test_mbo_tech_students_by_hand(fixture_db):
    amsterdam = _query(fixture_db, mbo.tech_students, "GM0363")
    assert amsterdam["2019-2020"][0] == Bounds(111, 111, 111)  # 40 (25303) + 71 (25187)
    assert amsterdam["2017-2018"][0] == Bounds(37, 37, 37)  # 25187 not offered that year
    assert _query(fixture_db, mbo.tech_students, "NL")["2019-2020"][0] == Bounds(119, 119, 119)  # + 8 in Zwolle
    # The old layout puts ROC van Flevoland in Amsterdam (its seat): Flevoland has figures from the current layout
    # only. 2023: 25303 Almere 40 + 0 + [1..4] (BOLVT) + [1..4] (BBL, vrouw); 25604 5 + 120 + 0 + 15 (EX 6 and EX -1
    # left out); 25225 Emmeloord 12 + 22 + [1..4]. 2024: 45 + [1..4] + 6; 7 + 130 + 18 (EX -1 out); 14 + 25.
    flevoland = _query(fixture_db, mbo.tech_students, "PV24")
    assert set(flevoland) == {"2023-2024", "2024-2025"}
    assert flevoland["2023-2024"][0] == Bounds(217, 221.5, 226)
    assert flevoland["2024-2025"][0] == Bounds(246, 247.5, 249)
    assert _query(fixture_db, mbo.tech_students, "GM0171")["2023-2024"][0] == Bounds(35, 36.5, 38)  # Emmeloord
    assert _query(fixture_db, mbo.tech_students, "NL")["2023-2024"][0] == Bounds(217, 221.5, 226)  # Zaandam: zorg


def test_mbo_tech_graduates_by_hand(fixture_db):
    flevoland = _query(fixture_db, mbo.tech_graduates, "PV24")
    assert flevoland["2020-2021"][0] == Bounds(97, 100, 103)  # 40+[1..4] + 30+5 + 20+[1..4]
    assert flevoland["2022-2023"][0] == Bounds(62, 63.5, 65)  # 38+[1..4] + 22+1; software has no 2023 figure
    assert _query(fixture_db, mbo.tech_graduates, "GM0034")["2020-2021"][0] == Bounds(76, 77.5, 79)


def test_mbo_study_in_region_by_hand(fixture_db):
    almere = _query(fixture_db, mbo.study_in_region, "GM0034")
    assert almere["2023-2024"] == (Bounds(1020, 1020, 1020), Bounds(281, 282.5, 284))
    assert almere["2024-2025"] == (Bounds(1035, 1035, 1035), Bounds(272, 272, 272))
    flevoland = _query(fixture_db, mbo.study_in_region, "PV24")
    assert flevoland["2023-2024"] == (Bounds(1516, 1517.5, 1519), Bounds(356, 357.5, 359))
    assert _query(fixture_db, mbo.study_in_region, "GM0184")["2023-2024"] == (Bounds(25, 25, 25),
                                                                              Bounds(75, 75, 75))
    assert mbo.INDICATORS[2].kind == "share" and {i.id for i in mbo.INDICATORS} == {
        "mbo_tech_students", "mbo_tech_graduates", "mbo_study_in_region"}


# --- demo writers ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("writer", [demo_old, demo_graduates, demo_residence, demo_students])
def test_demo_is_deterministic_and_readable(tmp_path, resolver, writer):
    world = demo_world("flevoland", 3)
    first = writer.write(tmp_path / "a", world, np.random.default_rng(9)).read_bytes()
    path = writer.write(tmp_path / "b", world, np.random.default_rng(9))
    assert path.read_bytes() == first
    assert writer.write(tmp_path / "c", world, np.random.default_rng(10)).read_bytes() != first
    module, _ = recognise(path)
    facts, _ = module.to_facts(module.read(path), path, "x", resolver)
    assert len(facts) > 100 and facts["institution_name"].str.startswith("Demo").all()


def test_demo_old_layout_matches_the_published_format(tmp_path):
    path = demo_old.write(tmp_path, demo_world("national", 3), np.random.default_rng(1))
    data = path.read_bytes()
    assert path.name == duo_mbo_students_old.FILE_NAME
    assert data.split(b"\r\n", 1)[0] == OLD.read_bytes().split(b"\r\n", 1)[0]
    assert not data.startswith(b"\xef\xbb\xbf") and b'\r\n""\r\n' in data and b'"' not in data.replace(b'""', b"")
    assert data.count(b"\n") == data.count(b"\r\n")


def test_demo_current_layouts_follow_the_catalogue(tmp_path):
    world = demo_world("flevoland", 3)
    graduates = demo_graduates.write(tmp_path, world, np.random.default_rng(1))
    assert read_header(graduates) == read_header(GRADUATES)
    assert b"-1" in graduates.read_bytes()
    residence = demo_residence.write(tmp_path, world, np.random.default_rng(1))
    assert read_header(residence) == read_header(RESIDENCE)
    students = demo_students.write(tmp_path, world, np.random.default_rng(1))
    assert read_header(students) == read_header(STUDENTS) == duo_mbo_students.ASSUMED_HEADER
    data = students.read_bytes()
    assert b",-1" in data and data.count(b"\n") == data.count(b"\r\n") and not data.startswith(b"\xef\xbb\xbf")


# --- fetch ----------------------------------------------------------------------------------------------------

@responses.activate
@pytest.mark.parametrize("module", [duo_mbo_students_old, duo_mbo_graduates, duo_mbo_residence, duo_mbo_students])
def test_fetch_targets_download_recognisable_files(tmp_path, module):
    fixture = {module: path for path, module in MODULES.items()}[module]
    (target,) = module.FETCH_TARGETS
    assert target.source == "duo" and target.url == module.DATASET.url
    responses.add(responses.GET, target.url, body=fixture.read_bytes(), status=200)
    path = download(requests.Session(), target, tmp_path, progress=False)
    assert path.read_bytes() == fixture.read_bytes()
    assert path.relative_to(tmp_path).as_posix() == f"{module.DATASET.raw_subdir}/{target.file_name}"
    assert read_manifest(path).origin_url == target.url
    assert recognise(path)[0] is module
