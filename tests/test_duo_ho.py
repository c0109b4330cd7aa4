"""DUO hbo/wo old layout: reader on hand-written fixtures, bad input, build, indicators, demo and fetch."""

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
from etl.demo import duo_ho_enrolments as demo_portal_enrolments
from etl.demo import duo_ho_first_years as demo_portal_first_years
from etl.demo import duo_ho_first_years_old as demo_first_years
from etl.demo import duo_ho_graduates as demo_portal_graduates
from etl.demo import duo_ho_graduates_old as demo_graduates
from etl.demo.world import demo_world
from etl.download import download
from etl.education.ho import ho_education
from etl.errors import FetchError, RawFileError
from etl.rawfiles import read_header, recognise
from etl.sources import duo_ho_enrolments as portal_enrolments
from etl.sources import duo_ho_first_years as portal_first_years
from etl.sources import duo_ho_first_years_old as first_years
from etl.sources import duo_ho_graduates as portal_graduates
from etl.sources import duo_ho_graduates_old as graduates
from tests.conftest import FIXTURES
from warehouse.measures.ho import INDICATORS

HO = FIXTURES / "duo_ho"
HBO_FIRST = HO / "hbo_eerstejaars_old.csv"
WO_FIRST = HO / "wo_eerstejaars_old.csv"
HBO_GRAD = HO / "hbo_gediplomeerden_old.csv"
WO_GRAD = HO / "wo_gediplomeerden_old.csv"


def test_headers_are_recognised_by_the_right_module():
    assert recognise(HBO_FIRST)[0] is first_years and recognise(WO_FIRST)[0] is first_years
    assert recognise(HBO_GRAD)[0] is graduates and recognise(WO_GRAD)[0] is graduates
    assert first_years.periods(read_header(HBO_FIRST), HBO_FIRST) == ["2017-2018", "2018-2019", "2019-2020"]
    assert graduates.periods(read_header(HBO_GRAD), HBO_GRAD) == ["2016-2017", "2017-2018", "2018-2019"]
    assert [first_years.edition_key(read_header(p), p) for p in (HBO_FIRST, WO_FIRST)] == ["hbo", "wo"]
    assert [graduates.edition_key(read_header(p), p) for p in (HBO_GRAD, WO_GRAD)] == ["hbo", "wo"]


def test_reader_skips_stray_lines_and_keeps_true_line_numbers():
    long = first_years.read(HBO_FIRST)
    assert len(long) == 6 * 3
    assert sorted(long["source_line"].unique()) == [2, 3, 5, 6, 7, 8]  # line 4 is the stray '""'
    row = long[(long["source_line"] == 5) & (long["year"] == "2018")]
    assert row[["OPLEIDINGSCODE ACTUEEL", "GESLACHT", "count"]].values.tolist() == [["34035", "man", "31"]]


def test_first_years_facts(resolver):
    facts, education = first_years.to_facts(first_years.read(HBO_FIRST), HBO_FIRST, "f.csv", resolver)
    almere = facts[(facts["municipality_code"] == "GM0034") & (facts["academic_year"] == "2018-2019")]
    assert almere["students"].sum() == 45 + 9 + 31 + 21
    dronten = facts[(facts["brin"] == "30RJ") & (facts["academic_year"] == "2018-2019")].iloc[0]
    assert (dronten["form"], dronten["sex"], dronten["students"], dronten["ho_type"]) == (
        "deeltijd", "man", 0, "associate degree")  # a published zero is a real zero
    assert not facts["students_suppressed"].any()
    assert (facts["students_low"] == facts["students"]).all()
    assert set(facts["form"]) == {"voltijd", "deeltijd", "duaal"}
    assert str(facts["peildatum"].iloc[0]) == "2017-10-01"
    assert set(education["education_id"]) == {
        "hbo:techniek/n.v.t. (techniek):34479", "hbo:economie/n.v.t. (economie):34035",
        "hbo:techniek/n.v.t. (techniek):80072", "hbo:techniek/n.v.t. (techniek):49999"}
    assert education.set_index("education_id")["is_technical"].to_dict()[
        "hbo:economie/n.v.t. (economie):34035"] is False


def test_wo_natuur_is_not_technical(resolver):
    facts, education = first_years.to_facts(first_years.read(WO_FIRST), WO_FIRST, "w.csv", resolver)
    assert set(facts["level"]) == {"wo"}
    assert dict(zip(education["track"], education["is_technical"], strict=True)) == {
        "natuur": False, "techniek": True}


def test_graduates_facts(resolver):
    facts, _ = graduates.to_facts(graduates.read(HBO_GRAD), HBO_GRAD, "g.csv", resolver)
    row = facts[(facts["sex"] == "vrouw") & (facts["brin"] == "31FR") & (facts["academic_year"] == "2018-2019")]
    assert row[["graduates", "diploma_type", "source_line"]].values.tolist() == [[4, "hbo bachelor", 3]]
    assert str(row["peildatum"].iloc[0]) == "2019-08-31"
    wo, _ = graduates.to_facts(graduates.read(WO_GRAD), WO_GRAD, "w.csv", resolver)
    assert set(wo["level"]) == {"wo"} and wo["graduates"].sum() == 100 + 110 + 120 + 30 + 33 + 36


def test_onderdeel_case_is_normalised_and_unknown_onderdeel_refused(tmp_path):
    assert ho_education("hbo", "TECHNIEK", "N.V.T. (TECHNIEK)", None, None, tmp_path, 2, "ONDERDEEL").track == (
        "techniek")
    with pytest.raises(RawFileError, match="onbekend CROHO-onderdeel 'ruimtevaart'"):
        ho_education("hbo", "ruimtevaart", "x", "1", "y", tmp_path, 7, "CROHO ONDERDEEL")


def _broken(tmp_path: Path, source: Path, line: int, old: str, new: str) -> Path:
    lines = source.read_bytes().decode("utf-8").split("\r\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target = tmp_path / source.name
    target.write_bytes("\r\n".join(lines).encode("utf-8"))
    return target


def test_wrong_count_names_line_and_column(tmp_path):
    path = _broken(tmp_path, HBO_FIRST, 6, ";21;", ";2x;")
    with pytest.raises(RawFileError) as info:
        first_years.read(path)
    assert (info.value.line, info.value.column) == (6, "2018")
    assert "2x" in str(info.value) and "regel 6" in str(info.value)


def test_truncated_line_names_line_and_first_missing_column(tmp_path):
    path = _broken(tmp_path, HBO_FIRST, 7, ";0;2", "")
    with pytest.raises(RawFileError) as info:
        first_years.read(path)
    assert (info.value.line, info.value.column) == (7, "2018")


def test_missing_column_is_not_recognised(tmp_path):
    path = _broken(tmp_path, HBO_GRAD, 1, "SOORT DIPLOMA;", "")
    assert not graduates.recognises(read_header(path))
    with pytest.raises(RawFileError, match="kopregel"):
        graduates.read(path)


def test_unknown_municipality_number_and_form(tmp_path, resolver):
    path = _broken(tmp_path, HBO_FIRST, 8, ";0344;", ";9999;")
    with pytest.raises(RawFileError) as info:
        first_years.to_facts(first_years.read(path), path, "x", resolver)
    assert (info.value.line, info.value.column) == (8, "GEMEENTENUMMER")
    path = _broken(tmp_path, HBO_GRAD, 5, "voltijd onderwijs", "avondonderwijs")
    with pytest.raises(RawFileError) as info:
        graduates.to_facts(graduates.read(path), path, "x", resolver)
    assert (info.value.line, info.value.column) == (5, "OPLEIDINGSVORM")


def _fixture_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    for source, module in ((HBO_FIRST, first_years), (HBO_GRAD, graduates)):
        target = raw / module.DATASET.raw_subdir / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
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
        facts, _ = module.to_facts(module.read(path), path, "x", resolver)
        assert facts["institution_name"].str.startswith("Demo ").all()
    hbo = module.to_facts(module.read(first[0]), first[0], "x", resolver)[0]
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

PORTAL_FIRST = HO / "hbo_eerstejaars_portal.csv"
PORTAL_ENROL = HO / "wo_ingeschrevenen_portal.csv"
PORTAL_GRAD = HO / "hbo_gediplomeerden_portal.csv"


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


def test_portal_facts_suppression_case_and_names(resolver):
    facts, education = portal_first_years.to_facts(portal_first_years.read(PORTAL_FIRST), PORTAL_FIRST, "p.csv",
                                                   resolver)
    suppressed = facts[facts["source_line"] == 5].iloc[0]
    assert suppressed["students_suppressed"] and suppressed["students"] is pd.NA
    assert (suppressed["students_low"], suppressed["students_high"]) == (1, 4)
    assert set(facts["municipality_code"]) == {"GM0034", "GM0303"}  # GEMEENTENAAM via the resolver
    assert set(facts["form"]) == {"alle"} and set(facts["measure"]) == {"eerstejaars"}
    assert dict(zip(education["education_id"], education["is_technical"], strict=True)) == {
        "hbo:techniek/n.v.t. (techniek)": True, "hbo:economie/n.v.t. (economie)": False}
    enrol, edu = portal_enrolments.to_facts(portal_enrolments.read(PORTAL_ENROL), PORTAL_ENROL, "e.csv", resolver)
    assert enrol["students"].tolist() == [120, 300, 0] and set(enrol["measure"]) == {"ingeschrevenen"}
    assert set(enrol["level"]) == {"wo"} and set(edu["track"]) == {"techniek", "natuur"}


def test_portal_bad_input(tmp_path, resolver):
    def broken(old: str, new: str, line: int) -> Path:
        lines = PORTAL_FIRST.read_text(encoding="utf-8").split("\n")
        assert old in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        target = tmp_path / "x.csv"
        target.write_text("\n".join(lines), encoding="utf-8")
        return target

    with pytest.raises(RawFileError) as info:
        portal_first_years.read(broken('"-1"', '"-3"', 5))
    assert (info.value.line, info.value.column) == (5, "AANTAL_EERSTEJAARS_INGESCHREVENEN")
    with pytest.raises(RawFileError) as info:  # a truncated line: the missing fields are empty
        portal_first_years.read(broken(',"man","72"', "", 6))
    assert (info.value.line, info.value.column) == (6, "GESLACHT")
    with pytest.raises(RawFileError) as info:
        portal_first_years.read(broken('"vrouw","12"', '"vrouw","12","9"', 3))
    assert info.value.line == 3
    path = broken('"Dronten"', '"Atlantis"', 10)
    with pytest.raises(RawFileError) as info:
        portal_first_years.to_facts(portal_first_years.read(path), path, "x", resolver)
    assert (info.value.line, info.value.column) == (10, "GEMEENTENAAM")
    with pytest.raises(RawFileError, match="kopregel"):
        portal_first_years.read(broken('"GESLACHT",', "", 1))


def test_current_layout_wins_the_years_both_layouts_cover(tmp_path):
    raw = _fixture_raw(tmp_path)
    for source, module in ((PORTAL_FIRST, portal_first_years), (PORTAL_GRAD, portal_graduates)):
        target = raw / module.DATASET.raw_subdir / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    build(raw, tmp_path / "w.duckdb", progress=False)
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
        facts, _ = module.to_facts(module.read(path), path, "x", resolver)
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
