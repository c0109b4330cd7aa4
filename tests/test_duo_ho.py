"""DUO hbo/wo, old and portal layout: reader on hand-written fixtures, bad input, build, indicators, demo, fetch."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import duckdb
import numpy as np
import pandas as pd
import pytest
import requests
import responses

from etl.build import build
from etl.demo import duo_ho_enrolments as demo_portal_enrolments
from etl.demo import duo_ho_first_years as demo_portal_first_years
from etl.demo import duo_ho_first_years_old as demo_first_years
from etl.demo import duo_ho_graduates as demo_portal_graduates
from etl.demo import duo_ho_graduates_old as demo_graduates
from etl.demo.world import demo_world
from etl.download import download
from etl.education import Education
from etl.education.ho import ho_education
from etl.errors import FetchError, RawFileError
from etl.rawfiles import read_header, recognise
from etl.reference import MunicipalityResolver
from etl.sources import SOURCES
from etl.sources.duo_ho_oldlayout import FIRST_YEARS_OLD as first_years
from etl.sources.duo_ho_oldlayout import GRADUATES_OLD as graduates
from etl.sources.duo_ho_portal import ENROLMENTS as portal_enrolments
from etl.sources.duo_ho_portal import FIRST_YEARS as portal_first_years
from etl.sources.duo_ho_portal import GRADUATES as portal_graduates
from tests.conftest import FIXTURES
from tests.staged import assert_located, build_refusal, edited_copy, refusal, staged_facts
from warehouse.measures.ho import INDICATORS
from warehouse.schema import schema_sql

HO = FIXTURES / "duo_ho"
HBO_FIRST = HO / "hbo_eerstejaars_old.csv"
WO_FIRST = HO / "wo_eerstejaars_old.csv"
HBO_GRAD = HO / "hbo_gediplomeerden_old.csv"
WO_GRAD = HO / "wo_gediplomeerden_old.csv"
PORTAL_FIRST = HO / "hbo_eerstejaars_portal.csv"
PORTAL_ENROL = HO / "wo_ingeschrevenen_portal.csv"
PORTAL_GRAD = HO / "hbo_gediplomeerden_portal.csv"
PORTAL_FILES = [PORTAL_FIRST, PORTAL_ENROL, PORTAL_GRAD]


def test_headers_are_recognised_by_the_right_module():
    assert recognise(HBO_FIRST)[0] is first_years and recognise(WO_FIRST)[0] is first_years
    assert recognise(HBO_GRAD)[0] is graduates and recognise(WO_GRAD)[0] is graduates
    assert first_years.periods(read_header(HBO_FIRST), HBO_FIRST) == ["2017-2018", "2018-2019", "2019-2020"]
    assert graduates.periods(read_header(HBO_GRAD), HBO_GRAD) == ["2016-2017", "2017-2018", "2018-2019"]
    assert [first_years.edition_key(read_header(p), p) for p in (HBO_FIRST, WO_FIRST)] == ["hbo", "wo"]
    assert [graduates.edition_key(read_header(p), p) for p in (HBO_GRAD, WO_GRAD)] == ["hbo", "wo"]


def test_reader_skips_stray_lines_and_keeps_true_line_numbers():
    facts, _, records = staged_facts(first_years, HBO_FIRST)
    assert (records, len(facts)) == (6, 6 * 3)
    assert sorted(facts["source_line"].unique()) == [2, 3, 5, 6, 7, 8]  # line 4 is the stray '""'
    row = facts[(facts["source_line"] == 5) & (facts["academic_year"] == "2018-2019")]
    assert row[["education_id", "sex", "students"]].values.tolist() == [
        ["hbo:economie/n.v.t. (economie):34035", "man", 31]]


def _technical(education: list[Education]) -> dict[str, bool]:
    return {e.education_id: e.is_technical for e in education}


def test_first_years_facts(resolver):
    facts, education, _ = staged_facts(first_years, HBO_FIRST, "f.csv", resolver)
    almere = facts[(facts["municipality_code"] == "GM0034") & (facts["academic_year"] == "2018-2019")]
    assert almere["students"].sum() == 45 + 9 + 31 + 21
    dronten = facts[(facts["brin"] == "30RJ") & (facts["academic_year"] == "2018-2019")].iloc[0]
    assert (dronten["form"], dronten["sex"], dronten["students"], dronten["ho_type"]) == (
        "deeltijd", "man", 0, "associate degree")  # a published zero is a real zero
    assert not facts["students_suppressed"].any()
    assert (facts["students_low"] == facts["students"]).all()
    assert set(facts["form"]) == {"voltijd", "deeltijd", "duaal"}
    assert str(facts["peildatum"].iloc[0])[:10] == "2017-10-01"
    assert _technical(education) == {
        "hbo:techniek/n.v.t. (techniek):34479": True, "hbo:economie/n.v.t. (economie):34035": False,
        "hbo:techniek/n.v.t. (techniek):80072": True, "hbo:techniek/n.v.t. (techniek):49999": True}


def test_wo_natuur_is_not_technical(resolver):
    facts, education, _ = staged_facts(first_years, WO_FIRST, "w.csv", resolver)
    assert set(facts["level"]) == {"wo"}
    assert {e.track: e.is_technical for e in education} == {"natuur": False, "techniek": True}


def test_graduates_facts(resolver):
    facts, _, _ = staged_facts(graduates, HBO_GRAD, "g.csv", resolver)
    row = facts[(facts["sex"] == "vrouw") & (facts["brin"] == "31FR") & (facts["academic_year"] == "2018-2019")]
    assert row[["graduates", "diploma_type", "source_line"]].values.tolist() == [[4, "hbo bachelor", 3]]
    assert str(row["peildatum"].iloc[0])[:10] == "2019-08-31"
    wo, _, _ = staged_facts(graduates, WO_GRAD, "w.csv", resolver)
    assert set(wo["level"]) == {"wo"} and wo["graduates"].sum() == 100 + 110 + 120 + 30 + 33 + 36


@pytest.mark.parametrize("path", [HBO_FIRST, WO_FIRST, HBO_GRAD, WO_GRAD, *PORTAL_FILES], ids=lambda p: p.name)
def test_staged_columns_have_the_fact_tables_types(path):
    module = recognise(path)[0]
    con = duckdb.connect()
    module.stage(con, path, "f.csv", MunicipalityResolver())
    con.execute(schema_sql())
    types = "select column_name, data_type from information_schema.columns where table_name = ?"
    staged = dict(con.execute(types, ["staged"]).fetchall())
    assert staged == dict(con.execute(types, [module.DATASET.fact_table]).fetchall())


def test_onderdeel_case_is_normalised_and_unknown_onderdeel_refused(tmp_path):
    assert ho_education("hbo", "TECHNIEK", "N.V.T. (TECHNIEK)", None, None, tmp_path, 2, "ONDERDEEL").track == (
        "techniek")
    with pytest.raises(RawFileError, match="onbekend CROHO-onderdeel 'ruimtevaart'"):
        ho_education("hbo", "ruimtevaart", "x", "1", "y", tmp_path, 7, "CROHO ONDERDEEL")


@pytest.mark.parametrize(("module", "source", "line", "old", "new", "column", "text"), [
    (first_years, HBO_FIRST, 6, ";21;", ";2x;", "2018", "verwacht een geheel getal (hoogstens 9 cijfers) "
                                                        "(gevonden: '2x')"),
    (first_years, HBO_FIRST, 2, ";40;", ";\u0664\u0660;", "2017", "verwacht een geheel getal"),  # other digits
    (first_years, HBO_FIRST, 2, ";40;", ";1234567890;", "2017", "hoogstens 9 cijfers"),
    (first_years, HBO_FIRST, 7, ";0;2", "", "2018", "de regel heeft 14 velden, de kopregel 16"),  # truncated line
    (first_years, HBO_FIRST, 2, ";40;45;50", ";40;45;50;55", "2019", "de regel heeft 17 velden, de kopregel 16"),
    (first_years, HBO_FIRST, 8, ";0344;", ";9999;", "GEMEENTENUMMER", "onbekend gemeentenummer"),
    (first_years, HBO_FIRST, 2, ";0034;", ";34;", "GEMEENTENUMMER", "verwacht 4 cijfers van een CBS-gemeente"),
    (first_years, HBO_FIRST, 2, ";techniek;", ";ruimtevaart;", "CROHO ONDERDEEL", "onbekend CROHO-onderdeel"),
    (first_years, HBO_FIRST, 2, ";man;", ";onbekend;", "GESLACHT", "onbekend geslacht; verwacht man of vrouw"),
    (first_years, HBO_FIRST, 2, ";31FR;", "; ;", "BRIN NUMMER ACTUEEL", "lege waarde in een verplichte kolom"),
    (first_years, HBO_FIRST, 2, ";34479;", ";94479;", "OPLEIDINGSCODE ACTUEEL", "onbekende CROHO-code"),
    (first_years, HBO_FIRST, 1, ";2019", ";2020", "2020", "de jaarkolommen moeten opeenvolgende jaren zijn"),
    (graduates, HBO_GRAD, 5, "voltijd onderwijs", "avondonderwijs", "OPLEIDINGSVORM", "onbekende opleidingsvorm"),
    (graduates, HBO_GRAD, 2, ";hbo bachelor;", ";mbo bachelor;", "SOORT DIPLOMA", "moet beginnen met 'hbo' of 'wo'"),
    (graduates, HBO_GRAD, 2, ";hbo bachelor;", ";HBO bachelor;", "SOORT DIPLOMA", "moet beginnen met 'hbo' of 'wo'"),
    (graduates, HBO_GRAD, 2, ";0034;", ";9999;", "GEMEENTENUMMER", "(gevonden: '9999')"),
])
def test_old_layout_bad_input_is_named_by_line_and_column(module, source, line, old, new, column, text, tmp_path):
    assert_located(module, edited_copy(source, tmp_path, old, new, line), line, column, text)


def test_old_layout_missing_column_is_not_recognised(tmp_path):
    path = edited_copy(HBO_GRAD, tmp_path, "SOORT DIPLOMA;", "", 1)
    assert not graduates.recognises(read_header(path))
    assert_located(graduates, path, 1, None, "de kopregel is niet die van DUO gediplomeerden hbo en wo (oude "
                   "indeling)")


def test_old_layout_other_bytes_and_a_file_without_records_are_named(tmp_path):
    latin = edited_copy(HBO_FIRST, tmp_path, "Almere", "Almère".encode("latin-1"))
    assert_located(first_years, latin, 2, "GEMEENTENAAM", "teken dat geen UTF-8 is")
    header_only = tmp_path / "header.csv"
    header_only.write_bytes(HBO_FIRST.read_bytes().split(b"\n", 1)[0] + b'\n""\r\n')
    assert_located(first_years, header_only, 2, None, "het bestand bevat geen gegevensregels")


def test_old_layout_reads_a_byte_order_mark_lf_spaces_and_a_spaced_year_column(tmp_path, resolver):
    expected = staged_facts(first_years, HBO_FIRST, "f.csv", resolver)
    text = HBO_FIRST.read_bytes().decode("utf-8").replace("\r\n", "\n").replace(";man;", "; man ;")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(";2019", "; 2019", 1).encode())
    facts, education, records = staged_facts(first_years, path, "f.csv", resolver)
    assert facts.equals(expected[0]) and (education, records) == expected[1:]
    nul = edited_copy(HBO_FIRST, tmp_path, "B HBO-ICT", "B HBO\0ICT", 2)  # a NUL in a name is read as it is
    assert "B HBO\0ICT" in {e.source_label for e in staged_facts(first_years, nul)[1]}


def _fixture_raw(tmp_path: Path, *more: tuple[Path, ModuleType]) -> Path:
    raw = tmp_path / "raw"
    for source, module in ((HBO_FIRST, first_years), (HBO_GRAD, graduates), *more):
        (raw / module.DATASET.raw_subdir).mkdir(parents=True, exist_ok=True)
        shutil.copy(source, raw / module.DATASET.raw_subdir / source.name)
    return raw


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("ho_build")
    report = build(_fixture_raw(tmp), tmp / "w.duckdb", progress=False)  # all checks pass, or build raises
    assert report.fact_rows == {"fact_ho_enrolment": 18, "fact_ho_graduate": 9}
    return tmp / "w.duckdb"


def _values(db: Path, indicator_id: str, region: str) -> dict[str, tuple[float, float | None]]:
    indicator = next(i for i in INDICATORS if i.id == indicator_id)
    con = duckdb.connect(str(db), read_only=True)
    try:
        sums = indicator.query(con, region, 2000, 2100)
    finally:
        con.close()
    return {s.period: (s.part.mid, s.other.mid if s.other else None) for s in sums}


def test_build_and_indicators_on_the_fixture(fixture_db):
    # Flevoland 2018-2019: techniek = Almere HBO-ICT 45 + 9, Dronten Ad 0; other = Almere Bedrijfskunde 31 + 21.
    assert _values(fixture_db, "ho_tech_first_years", "PV24")["2018-2019"] == (54, None)
    assert _values(fixture_db, "ho_tech_share", "PV24") == {
        "2017-2018": (40 + 8 + 3, 30 + 20), "2018-2019": (54, 52), "2019-2020": (50 + 10 + 2, 32 + 22)}
    assert _values(fixture_db, "ho_tech_first_years", "GM0344")["2019-2020"] == (3, None)
    # Graduates: Almere HBO-ICT 16 + 4 in 2018-2019; Dronten's landbouw programme is not techniek.
    assert _values(fixture_db, "ho_tech_graduates", "PV24") == {
        "2016-2017": (14, None), "2017-2018": (17, None), "2018-2019": (20, None)}
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        # the four school years, and the graduates' three calendar years that the mismatch tables count by
        assert con.execute("select period_type, count(*) from period group by all order by 1").fetchall() == [
            ("calendar_year", 3), ("school_year", 4)]
    finally:
        con.close()


@pytest.mark.parametrize(("writer", "module", "years"), [
    (demo_first_years, first_years, ["2015-2016", "2016-2017", "2017-2018", "2018-2019", "2019-2020"]),
    (demo_graduates, graduates, ["2014-2015", "2015-2016", "2016-2017", "2017-2018", "2018-2019"]),
])
def test_demo_is_deterministic_and_in_the_true_layout(tmp_path, writer, module, years, resolver):
    world = demo_world("flevoland", 4)
    first = writer.write(tmp_path / "a", world, np.random.default_rng(9))
    again = writer.write(tmp_path / "b", world, np.random.default_rng(9))
    other = writer.write(tmp_path / "c", world, np.random.default_rng(10))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    assert [p.name for p in first] == list(module.FILES.values())
    for path in first:
        data = path.read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n") and not data.startswith(b"\xef\xbb\xbf")
        assert b"\r\n\"\"\r\n" in data and b'"' not in data.replace(b'\r\n""\r\n', b"")
        assert recognise(path)[0] is module and module.periods(read_header(path), path) == years
        facts, _, _ = staged_facts(module, path, "x", resolver)
        assert facts["institution_name"].str.startswith("Demo ").all()
    hbo = staged_facts(module, first[0], "x", resolver)[0]
    assert set(hbo.loc[hbo["municipality_code"].str.startswith("GM0"), "municipality_code"]) >= {"GM0034"}


@responses.activate
def test_fetch_downloads_each_old_layout_file(tmp_path):
    for target in [*first_years.FETCH_TARGETS, *graduates.FETCH_TARGETS]:
        source = WO_GRAD if "gediplomeerden-wo" in target.url else HBO_GRAD if "gediplomeerden" in target.url \
            else WO_FIRST if "-wo-" in target.url else HBO_FIRST
        responses.add(responses.GET, target.url, body=source.read_bytes(), status=200,
                      headers={"ETag": '"abc"'})
        path = download(requests.Session(), target, tmp_path, progress=False)
        assert path == tmp_path / target.raw_subdir / target.file_name
        assert path.read_bytes() == source.read_bytes()
        assert recognise(path)[0] in (first_years, graduates)
    assert {t.last_year for t in first_years.FETCH_TARGETS} == {2019}


# --- current layout (onderwijsdata.duo.nl), hand-made fixtures with DUO's catalogue columns ---

def test_portal_headers_follow_the_catalogue():
    catalogue = ["STUDIEJAAR", "PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT_INSTELLING",
                 "TYPE_HOGER_ONDERWIJS", "INSTELLINGSCODE_ACTUEEL", "INSTELLINGSNAAM_ACTUEEL", "ONDERDEEL",
                 "SUBONDERDEEL", "GESLACHT"]
    assert [*catalogue, "AANTAL_EERSTEJAARS_INGESCHREVENEN"] == portal_first_years.COLUMNS
    assert [*catalogue, "AANTAL_INGESCHREVENEN"] == portal_enrolments.COLUMNS
    assert portal_graduates.COLUMNS == [
        "DIPLOMAJAAR", "PROVINCIENAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT_INSTELLING",
        "INSTELLINGSCODE_ACTUEEL", "INSTELLINGSNAAM_ACTUEEL", "ONDERDEEL", "SUBONDERDEEL", "SOORT_DIPLOMA",
        "GESLACHT", "AANTAL_GEDIPLOMEERDEN"]
    assert recognise(PORTAL_FIRST)[0] is portal_first_years
    assert recognise(PORTAL_ENROL)[0] is portal_enrolments
    assert recognise(PORTAL_GRAD)[0] is portal_graduates
    assert portal_first_years.periods(read_header(PORTAL_FIRST), PORTAL_FIRST) == ["2019-2020", "2020-2021"]
    assert portal_graduates.periods(read_header(PORTAL_GRAD), PORTAL_GRAD) == ["2018-2019", "2019-2020"]
    assert portal_enrolments.edition_key(read_header(PORTAL_ENROL), PORTAL_ENROL) == "wo"


def test_the_datasets_of_each_layout_are_entries_of_one_definition_listed_by_name():
    names = [source.__name__.rsplit(".", 1)[-1] for source in SOURCES]
    assert names == sorted(names)
    entries = [s for s in SOURCES if s.__name__.rsplit(".", 1)[-1].startswith("duo_ho_")]
    assert entries == [portal_enrolments, portal_first_years, first_years, portal_graduates, graduates]
    assert [e.DATASET.dataset_id for e in entries] == [
        "duo_ho_ingeschrevenen", "duo_ho_eerstejaars", "duo_ho_eerstejaars", "duo_ho_gediplomeerden",
        "duo_ho_gediplomeerden"]  # the layouts share a dataset id, so the newest edition wins a year
    assert [e.DATASET.fact_table for e in entries] == [
        "fact_ho_enrolment", "fact_ho_enrolment", "fact_ho_enrolment", "fact_ho_graduate", "fact_ho_graduate"]
    assert portal_first_years.DATASET.grain == first_years.DATASET.grain
    assert portal_graduates.DATASET.grain == graduates.DATASET.grain
    assert [e.DATASET.raw_subdir for e in entries] == [
        "duo/ho_ingeschrevenen", "duo/ho_eerstejaars", "duo/ho_eerstejaars-oude-indeling", "duo/ho_gediplomeerden",
        "duo/ho_gediplomeerden-oude-indeling"]
    # the old layout declares the fact tables' checks for both layouts
    assert [len(e.CHECKS) for e in entries] == [0, 0, 28, 0, 26]


def test_portal_facts_suppression_case_and_names(resolver):
    facts, education, records = staged_facts(portal_first_years, PORTAL_FIRST, "p.csv", resolver)
    assert records == len(facts) == 9
    suppressed = facts[facts["source_line"] == 5].iloc[0]
    assert suppressed["students_suppressed"] and pd.isna(suppressed["students"])
    assert (suppressed["students_low"], suppressed["students_high"]) == (1, 4)
    assert set(facts["municipality_code"]) == {"GM0034", "GM0303"}  # GEMEENTENAAM via the resolver
    assert set(facts["form"]) == {"alle"} and set(facts["measure"]) == {"eerstejaars"}
    assert _technical(education) == {"hbo:techniek/n.v.t. (techniek)": True, "hbo:economie/n.v.t. (economie)": False}
    enrol, edu, _ = staged_facts(portal_enrolments, PORTAL_ENROL, "e.csv", resolver)
    assert enrol.sort_values("source_line")["students"].tolist() == [120, 300, 0]
    assert set(enrol["measure"]) == {"ingeschrevenen"}
    assert set(enrol["level"]) == {"wo"} and {e.track for e in edu} == {"techniek", "natuur"}
    graduated, _, _ = staged_facts(portal_graduates, PORTAL_GRAD, "g.csv", resolver)
    assert set(graduated["diploma_type"]) == {"hbo bachelor"} and str(graduated["peildatum"].min())[:10] == "2019-08-31"


@pytest.mark.parametrize(("module", "source", "line", "old", "new", "column", "text"), [
    (portal_first_years, PORTAL_FIRST, 5, '"-1"', '"-3"', "AANTAL_EERSTEJAARS_INGESCHREVENEN",
     "verwacht een geheel getal (hoogstens 9 cijfers) of -1 (onderdrukt) (gevonden: '-3')"),
    (portal_first_years, PORTAL_FIRST, 3, '"12"', '"1x"', "AANTAL_EERSTEJAARS_INGESCHREVENEN", "verwacht een geheel"),
    (portal_first_years, PORTAL_FIRST, 3, '"12"', '"\u0661\u0662"', "AANTAL_EERSTEJAARS_INGESCHREVENEN",
     "verwacht een geheel getal"),  # other digits than 0-9
    (portal_first_years, PORTAL_FIRST, 3, '"2019"', '"19"', "STUDIEJAAR", "verwacht een jaartal (jjjj)"),
    (portal_first_years, PORTAL_FIRST, 10, '"Dronten"', '"Atlantis"', "GEMEENTENAAM",
     "gemeente 'Atlantis' is onbekend; voeg de naam toe aan etl/reference/region_aliases.csv"),
    (portal_first_years, PORTAL_FIRST, 3, '"TECHNIEK"', '"RUIMTEVAART"', "ONDERDEEL", "onbekend CROHO-onderdeel"),
    (portal_first_years, PORTAL_FIRST, 3, '"vrouw"', '"x"', "GESLACHT", "onbekend geslacht; verwacht man of vrouw"),
    (portal_first_years, PORTAL_FIRST, 3, '"31FR"', '" "', "INSTELLINGSCODE_ACTUEEL", "lege waarde"),
    (portal_first_years, PORTAL_FIRST, 6, ',"man","72"', "", "GESLACHT", "velden, de kopregel 12 (gescheiden door"),
    (portal_first_years, PORTAL_FIRST, 3, '"vrouw","12"', '"vrouw","12","9"', "AANTAL_EERSTEJAARS_INGESCHREVENEN",
     "de regel heeft 13 velden, de kopregel 12"),
    (portal_first_years, PORTAL_FIRST, 3, '"Demo Hogeschool Almere"', '"Demo Hogeschool\nAlmere"',
     "INSTELLINGSNAAM_ACTUEEL", "een waarde bevat een regeleinde"),
    (portal_first_years, PORTAL_FIRST, 3, '"Demo Hogeschool Almere"', '"Demo "Hogeschool Almere"',
     "INSTELLINGSNAAM_ACTUEEL", "aanhalingsteken"),
    (portal_first_years, PORTAL_FIRST, 3, '"Almere"', b'"Alm\xe8re"', "GEMEENTENAAM",
     "teken dat geen UTF-8 is (byte 0xE8"),  # è in Latin-1
    (portal_graduates, PORTAL_GRAD, 2, '"hbo bachelor"', '"mbo bachelor"', "SOORT_DIPLOMA",
     "soort diploma moet beginnen met 'hbo' of 'wo'"),
    (portal_graduates, PORTAL_GRAD, 3, '"-1"', '"-3"', "AANTAL_GEDIPLOMEERDEN", "(gevonden: '-3')"),
])
def test_portal_bad_input_is_named_by_line_and_column(module, source, line, old, new, column, text, tmp_path):
    assert_located(module, edited_copy(source, tmp_path, old, new, line), line, column, text)


def test_portal_header_and_a_file_without_records_are_named(tmp_path):
    path = edited_copy(PORTAL_FIRST, tmp_path, '"GESLACHT",', "", 1)
    assert_located(portal_first_years, path, 1, None,
                   "de kopregel is niet die van DUO eerstejaars ingeschrevenen hbo en wo")
    path.write_bytes(PORTAL_FIRST.read_bytes().split(b"\n", 1)[0] + b"\n")
    assert portal_first_years.edition_key(read_header(path), path) == ""
    assert portal_first_years.periods(read_header(path), path) == []
    assert_located(portal_first_years, path, 2, None, "het bestand heeft geen gegevensregels")


def test_portal_blank_line_between_records_is_refused_in_dutch(tmp_path):
    lines = PORTAL_FIRST.read_bytes().split(b"\n")
    path = tmp_path / PORTAL_FIRST.name
    path.write_bytes(b"\n".join([*lines[:3], b"", *lines[3:]]))
    assert portal_first_years.periods(read_header(path), path) == ["2019-2020", "2020-2021"]
    assert portal_first_years.edition_key(read_header(path), path) == "hbo"
    assert "een lege regel tussen de gegevens; verwijder die regel" in refusal(portal_first_years, path).message


@pytest.mark.parametrize(("line", "old", "new", "name"), [
    (3, '"Demo Hogeschool Almere"', '"Demo ""Hogeschool"" Almere"', 'Demo "Hogeschool" Almere'),  # escaped quotes
    (3, '"Demo Hogeschool Almere"', "Demo Hogeschool Almere", "Demo Hogeschool Almere"),  # one field unquoted
    (3, '"Demo Hogeschool Almere"', '" Demo Hogeschool Almere "', "Demo Hogeschool Almere"),  # spaces
    (3, '"Demo Hogeschool Almere"', '"Demo Hogeschool\rAlmere"', "Demo Hogeschool\rAlmere"),  # a lone CR
    (1, '"GESLACHT"', '"GESLACHT "', "Demo Hogeschool Almere"),  # a space after a column name
])
def test_portal_reads_harmless_variations(line, old, new, name, tmp_path, resolver):
    path = edited_copy(PORTAL_FIRST, tmp_path, old, new, line)
    facts, education, records = staged_facts(portal_first_years, path, "p.csv", resolver)
    expected = staged_facts(portal_first_years, PORTAL_FIRST, "p.csv", resolver)
    assert facts[facts["source_line"] == 3]["institution_name"].tolist() == [name]
    assert facts.drop(columns="institution_name").equals(expected[0].drop(columns="institution_name"))
    assert (education, records) == expected[1:]
    header = read_header(path)
    assert portal_first_years.periods(header, path) == ["2019-2020", "2020-2021"]
    assert portal_first_years.edition_key(header, path) == "hbo"


def test_portal_reads_a_byte_order_mark_crlf_and_a_missing_last_line_end(tmp_path, resolver):
    text = PORTAL_GRAD.read_bytes().decode("utf-8")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\n").replace("\n", "\r\n").rstrip("\r\n").encode())
    facts, education, records = staged_facts(portal_graduates, path, "g.csv", resolver)
    expected = staged_facts(portal_graduates, PORTAL_GRAD, "g.csv", resolver)
    assert facts.equals(expected[0]) and (education, records) == expected[1:]
    assert portal_graduates.periods(read_header(path), path) == ["2018-2019", "2019-2020"]


@pytest.mark.parametrize(("module", "source", "line", "old", "new", "message"), [
    (first_years, HBO_FIRST, 3, ";vrouw;8;", ";vrouw;8x;", "regel 3, kolom '2017': verwacht een geheel getal"),
    (graduates, HBO_GRAD, 2, ";0034;", ";9999;", "regel 2, kolom 'GEMEENTENUMMER': onbekend gemeentenummer"),
    (portal_first_years, PORTAL_FIRST, 3, '"Almere"', '"Atlantis"',
     "regel 3, kolom 'GEMEENTENAAM': gemeente 'Atlantis' is onbekend"),
    (portal_graduates, PORTAL_GRAD, 3, '"-1"', '"-3"', "regel 3, kolom 'AANTAL_GEDIPLOMEERDEN': verwacht een geheel"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(module, source, line, old, new, message, tmp_path):
    edited_copy(source, tmp_path / "raw" / module.DATASET.raw_subdir, old, new, line)
    error = build_refusal(tmp_path / "raw")
    assert f"{source.name}, {message}" in str(error), str(error)


def test_current_layout_wins_the_years_both_layouts_cover(tmp_path):
    build(_fixture_raw(tmp_path, (PORTAL_FIRST, portal_first_years), (PORTAL_GRAD, portal_graduates)),
          tmp_path / "w.duckdb", progress=False)
    db = tmp_path / "w.duckdb"
    # 2019-2020: old file 50 + 10 + 2 (techniek) would apply; the portal's 70 + 12 wins. 2020-2021 only in the
    # portal: 72 + 15 + Dronten's suppressed cell (mid 2.5).
    assert _values(db, "ho_tech_first_years", "PV24") == {
        "2017-2018": (51, None), "2018-2019": (54, None), "2019-2020": (82, None), "2020-2021": (89.5, None)}
    assert _values(db, "ho_tech_share", "PV24")["2019-2020"] == (82, 35 + 2.5)
    assert _values(db, "ho_tech_graduates", "PV24") == {
        "2016-2017": (14, None), "2017-2018": (17, None), "2018-2019": (27.5, None), "2019-2020": (32, None)}


@pytest.mark.parametrize(("writer", "module"), [
    (demo_portal_first_years, portal_first_years), (demo_portal_enrolments, portal_enrolments),
    (demo_portal_graduates, portal_graduates)])
def test_portal_demo_is_deterministic_and_in_the_portal_layout(tmp_path, writer, module, resolver):
    world = demo_world("flevoland", 4)
    first = writer.write(tmp_path / "a", world, np.random.default_rng(9))
    again = writer.write(tmp_path / "b", world, np.random.default_rng(9))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    for path, level in zip(first, ("hbo", "wo"), strict=True):
        data = path.read_bytes()
        assert data.split(b"\n", 1)[0] == ",".join(f'"{c}"' for c in module.COLUMNS).encode()
        assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
        assert recognise(path)[0] is module and module.edition_key(read_header(path), path) == level
        facts, _, _ = staged_facts(module, path, "x", resolver)
        assert set(facts["level"]) == {level} and facts["institution_name"].str.startswith("Demo ").all()


@responses.activate
def test_fetch_downloads_the_portal_files(tmp_path):
    sources = {"eerstejaars": PORTAL_FIRST, "ingeschrevenen": PORTAL_ENROL, "gediplomeerden": PORTAL_GRAD}
    targets = [*portal_first_years.FETCH_TARGETS, *portal_enrolments.FETCH_TARGETS, *portal_graduates.FETCH_TARGETS]
    assert len(targets) == 6 and all(t.url.startswith("https://onderwijsdata.duo.nl/dataset/") for t in targets)
    for target in targets:
        source = next(path for key, path in sources.items() if target.file_name.startswith(key))
        responses.add(responses.GET, target.url, body=source.read_bytes(), status=200)
        path = download(requests.Session(), target, tmp_path, progress=False)
        assert path.read_bytes() == source.read_bytes()
        assert recognise(path)[0] in (portal_first_years, portal_enrolments, portal_graduates)
    responses.add(responses.GET, targets[0].url, status=404)
    with pytest.raises(FetchError, match=r"onderwijsdata\.duo\.nl"):
        download(requests.Session(), targets[0], tmp_path / "again", progress=False)
