"""DUO hbo/wo fast paths (old layout and portal layout): the same facts as the pandas path on every fixture, real
file and national demo file; anything unusual is left to the pandas path, which names file, line and column."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from etl.build import build
from etl.demo import duo_ho_enrolments as demo_enrolments
from etl.demo import duo_ho_first_years as demo_first_years
from etl.demo import duo_ho_first_years_old as demo_first_years_old
from etl.demo import duo_ho_graduates as demo_graduates
from etl.demo import duo_ho_graduates_old as demo_graduates_old
from etl.demo.world import demo_world
from etl.errors import RawFileError
from etl.rawfiles import read_header
from etl.reference import MunicipalityResolver
from etl.sources import (
    duo_ho_enrolments,
    duo_ho_first_years,
    duo_ho_first_years_old,
    duo_ho_graduates,
    duo_ho_graduates_old,
    duo_ho_portal,
)
from tests.conftest import FIXTURES, ROOT
from tests.test_fast_paths import _assert_same, _edited, _tables_in_storage_order, build_error
from warehouse.schema import schema_sql

HO = FIXTURES / "duo_ho"
OLD_FIRST, OLD_GRAD = HO / "hbo_eerstejaars_old.csv", HO / "hbo_gediplomeerden_old.csv"
PORTAL_FIRST, PORTAL_GRAD = HO / "hbo_eerstejaars_portal.csv", HO / "hbo_gediplomeerden_portal.csv"
PORTAL_ENROL = HO / "wo_ingeschrevenen_portal.csv"
FIXTURE_FILES = {
    OLD_FIRST: duo_ho_first_years_old, HO / "wo_eerstejaars_old.csv": duo_ho_first_years_old,
    OLD_GRAD: duo_ho_graduates_old, HO / "wo_gediplomeerden_old.csv": duo_ho_graduates_old,
    PORTAL_FIRST: duo_ho_first_years, PORTAL_GRAD: duo_ho_graduates, PORTAL_ENROL: duo_ho_enrolments,
}
PORTAL = [duo_ho_first_years, duo_ho_graduates, duo_ho_enrolments]
MODULES = [duo_ho_first_years_old, duo_ho_graduates_old, *PORTAL]
REAL_FILES = {"hbo_inscriptions_2019.csv": duo_ho_first_years_old, "wo_inscriptions_2019.csv": duo_ho_first_years_old,
              "hbo_gediplomeerden_2019.csv": duo_ho_graduates_old, "wo_gediplomeerden_2019.csv": duo_ho_graduates_old}
DEMO = {demo_first_years_old: duo_ho_first_years_old, demo_graduates_old: duo_ho_graduates_old,
        demo_first_years: duo_ho_first_years, demo_graduates: duo_ho_graduates, demo_enrolments: duo_ho_enrolments}


@pytest.fixture(scope="module")
def resolver() -> MunicipalityResolver:
    return MunicipalityResolver()


def _stage(module, path: Path, resolver: MunicipalityResolver):
    return module.stage(duckdb.connect(), path, "f.csv", resolver, "staged")


@pytest.mark.parametrize("module", ["duo_ho_oldlayout", *(m.__name__.rsplit(".", 1)[1] for m in MODULES)])
def test_module_imports_without_pandas(module):
    # etl.sources' registry imports every source module, so the package is stood in for to see this one alone.
    code = ("import importlib.util, sys, types\n"
            "spec = importlib.util.find_spec('etl.sources')\n"
            "package = types.ModuleType('etl.sources')\n"
            "package.__path__ = list(spec.submodule_search_locations)\n"
            "sys.modules['etl.sources'] = package\n"
            f"import etl.sources.{module}\n"
            "print(sorted({'pandas', 'numpy', 'pyarrow'} & set(sys.modules)))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", list(FIXTURE_FILES), ids=lambda p: p.name)
def test_fast_path_equals_pandas_path_on_fixtures(path, resolver):
    _assert_same(FIXTURE_FILES[path], path, resolver)


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_fast_path_equals_pandas_path_on_the_real_old_layout_files(name, real_data, resolver):
    _assert_same(REAL_FILES[name], real_data / "duo_ho_mbo_2019_oldlayout" / name, resolver)


@pytest.mark.parametrize("writer", list(DEMO), ids=lambda w: w.__name__.rsplit(".", 1)[1])
def test_fast_path_equals_pandas_path_on_national_demo(writer, tmp_path, resolver):
    paths = writer.write(tmp_path, demo_world("national", 7), np.random.default_rng(3))
    assert len(paths) == 2  # hbo and wo
    for path in paths:
        _assert_same(DEMO[writer], path, resolver)


@pytest.mark.parametrize("path", list(FIXTURE_FILES), ids=lambda p: p.name)
def test_staged_columns_have_the_fact_tables_types(path, resolver):
    module = FIXTURE_FILES[path]
    con = duckdb.connect()
    assert module.stage(con, path, "f.csv", resolver, "staged") is not None
    con.execute(schema_sql())
    types = "select column_name, data_type from information_schema.columns where table_name = ?"
    staged = dict(con.execute(types, ["staged"]).fetchall())
    assert staged == dict(con.execute(types, [module.DATASET.fact_table]).fetchall())


@pytest.mark.parametrize(("line", "old", "new"), [
    (3, '"Demo Hogeschool Almere"', '"Demo ""Hogeschool"" Almere"'),  # escaped quotes: pandas reads them
    (3, '"Demo Hogeschool Almere"', "Demo Hogeschool Almere"),  # one field unquoted
    (3, '"vrouw"', '" vrouw\u00a0"'),  # no-break space: str.strip() removes it
])
def test_portal_periods_and_edition_key_equal_pandas_on_unusual_but_valid_files(line, old, new, tmp_path):
    path = _edited(PORTAL_FIRST, tmp_path, line, old, new)
    header = read_header(path)
    assert duo_ho_first_years.periods(header, path) == duo_ho_portal._pandas_periods(path, "STUDIEJAAR")
    assert duo_ho_first_years.edition_key(header, path) == duo_ho_portal._pandas_edition_key(path)


@pytest.mark.parametrize("path", [p for p, m in FIXTURE_FILES.items() if m in PORTAL], ids=lambda p: p.name)
def test_portal_periods_and_edition_key_equal_pandas(path, tmp_path):
    module = FIXTURE_FILES[path]
    header = read_header(path)
    assert module.periods(header, path) == duo_ho_portal._pandas_periods(path, module.COLUMNS[0])
    assert module.edition_key(header, path) == duo_ho_portal._pandas_edition_key(path)
    blank = tmp_path / path.name  # a blank line between records: pandas skips it, the plain reader declines
    lines = path.read_bytes().split(b"\n")
    blank.write_bytes(b"\n".join([lines[0], b"", *lines[1:]]))
    assert duo_ho_portal.plain_records(blank, module.COLUMNS) is None
    assert module.periods(read_header(blank), blank) == module.periods(header, path)
    assert module.edition_key(read_header(blank), blank) == module.edition_key(header, path)


def test_portal_fast_path_reads_a_byte_order_mark_crlf_and_unquoted_lines_like_pandas(tmp_path, resolver):
    text = PORTAL_GRAD.read_bytes().decode("utf-8")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\r\n", "\n").replace("\n", "\r\n").encode())
    _assert_same(duo_ho_graduates, path, resolver)
    lines = text.split("\n")
    lines[2] = lines[2].replace('"', "")
    unquoted = tmp_path / "unquoted.csv"
    unquoted.write_text("\n".join(lines), encoding="utf-8")
    _assert_same(duo_ho_graduates, unquoted, resolver)


def test_old_layout_fast_path_reads_a_byte_order_mark_lf_and_spaces_like_pandas(tmp_path, resolver):
    text = OLD_FIRST.read_bytes().decode("utf-8").replace("\r\n", "\n")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(";man;", "; man ;").encode())
    _assert_same(duo_ho_first_years_old, path, resolver)


@pytest.mark.parametrize(("line", "old", "new"), [
    (2, ";40;", ";4x;"),  # bad count
    (2, ";40;", ";\u0664\u0660;"),  # Arabic-Indic digits: Python's \\d matches them, the fast path does not
    (2, ";0034;", ";9999;"),  # no such municipality
    (2, ";0034;", ";34;"),
    (2, ";techniek;", ";ruimtevaart;"),  # unknown CROHO onderdeel
    (2, ";voltijd onderwijs;", ";avondonderwijs;"),
    (2, ";man;", ";onbekend;"),
    (2, ";31FR;", "; ;"),  # empty required value
    (2, ";34479;", ";94479;"),  # unknown CROHO level digit
    (2, ";40;45;50", ";40;45"),  # short line
    (2, ";40;45;50", ";40;45;50;55"),
    (1, ";2019", ";2020"),  # years not consecutive
    (1, ";2019", "; 2019"),  # header not recognised as read() reads it
])
def test_old_layout_fast_path_leaves_unusual_input_to_the_pandas_path(line, old, new, tmp_path, resolver):
    path = _edited(OLD_FIRST, tmp_path, line, old, new)
    assert _stage(duo_ho_first_years_old, path, resolver) is None
    with pytest.raises(RawFileError):
        duo_ho_first_years_old.to_facts(duo_ho_first_years_old.read(path), path, "f.csv", resolver)


def test_old_layout_fast_path_leaves_a_ten_digit_count_to_the_pandas_path(tmp_path, resolver):
    path = _edited(OLD_FIRST, tmp_path, 2, ";40;", ";1234567890;")  # may not fit the integer column: not guessed
    assert _stage(duo_ho_first_years_old, path, resolver) is None
    facts, _ = duo_ho_first_years_old.to_facts(duo_ho_first_years_old.read(path), path, "f.csv", resolver)
    assert 1234567890 in facts["students"].tolist()


@pytest.mark.parametrize(("line", "old", "new"), [
    (2, ";hbo bachelor;", ";mbo bachelor;"),  # SOORT DIPLOMA must say hbo or wo
    (2, ";hbo bachelor;", ";HBO bachelor;"),
])
def test_old_layout_graduates_fast_path_leaves_an_unknown_diploma_type_to_the_pandas_path(line, old, new, tmp_path,
                                                                                          resolver):
    path = _edited(OLD_GRAD, tmp_path, line, old, new)
    assert _stage(duo_ho_graduates_old, path, resolver) is None
    with pytest.raises(RawFileError, match="SOORT DIPLOMA"):
        duo_ho_graduates_old.to_facts(duo_ho_graduates_old.read(path), path, "f.csv", resolver)


def test_old_layout_fast_path_leaves_other_bytes_and_empty_files_to_the_pandas_path(tmp_path, resolver):
    raw = OLD_FIRST.read_bytes()
    latin = tmp_path / "latin.csv"
    latin.write_bytes(raw.replace(b"Almere", "Almère".encode("latin-1"), 1))
    header_only = tmp_path / "header.csv"
    header_only.write_bytes(raw.split(b"\n", 1)[0] + b"\n\"\"\n")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(raw.replace(b"B HBO-ICT", b"B HBO\0ICT", 1))
    for path in (latin, header_only, nul):
        assert _stage(duo_ho_first_years_old, path, resolver) is None
    for path in (latin, header_only):
        with pytest.raises(RawFileError):
            duo_ho_first_years_old.read(path)


@pytest.mark.parametrize(("module", "source", "line", "old", "new"), [
    (duo_ho_first_years, PORTAL_FIRST, 3, '"12"', '"1x"'),  # bad count
    (duo_ho_first_years, PORTAL_FIRST, 3, '"12"', '"-3"'),
    (duo_ho_first_years, PORTAL_FIRST, 3, '"12"', '"\u0661\u0662"'),
    (duo_ho_first_years, PORTAL_FIRST, 3, '"2019"', '"19"'),  # bad year
    (duo_ho_first_years, PORTAL_FIRST, 3, '"Almere"', '"Atlantis"'),  # unknown municipality
    (duo_ho_first_years, PORTAL_FIRST, 3, '"TECHNIEK"', '"RUIMTEVAART"'),
    (duo_ho_first_years, PORTAL_FIRST, 3, '"vrouw"', '"x"'),
    (duo_ho_first_years, PORTAL_FIRST, 3, '"31FR"', '" "'),  # empty required value
    (duo_ho_first_years, PORTAL_FIRST, 3, ',"vrouw","12"', ""),  # short line: pandas fills it with empty values
    (duo_ho_first_years, PORTAL_FIRST, 3, '"12"', '"12","9"'),
    (duo_ho_first_years, PORTAL_FIRST, 1, '"GESLACHT"', '"GESLACHT "'),  # header not as read() compares it
    (duo_ho_graduates, PORTAL_GRAD, 2, '"hbo bachelor"', '"mbo bachelor"'),
])
def test_portal_fast_path_leaves_bad_input_to_the_pandas_path(module, source, line, old, new, tmp_path, resolver):
    path = _edited(source, tmp_path, line, old, new)
    assert _stage(module, path, resolver) is None
    with pytest.raises(RawFileError):
        module.to_facts(module.read(path), path, "f.csv", resolver)


@pytest.mark.parametrize(("old", "new"), [
    ('"Demo Hogeschool Almere"', '"Demo ""Hogeschool"" Almere"'),  # escaped quotes
    ('"Demo Hogeschool Almere"', '"Demo Hogeschool\rAlmere"'),  # a lone CR
    ('"Demo Hogeschool Almere"', '"Demo Hogeschool\nAlmere"'),  # a line break inside a quoted value
])
def test_portal_fast_path_leaves_unusual_but_valid_quoting_to_the_pandas_path(old, new, tmp_path, resolver):
    path = _edited(PORTAL_FIRST, tmp_path, 3, old, new)
    assert _stage(duo_ho_first_years, path, resolver) is None


def test_portal_fast_path_leaves_a_header_only_file_to_the_pandas_path(tmp_path, resolver):
    path = tmp_path / "header.csv"
    path.write_bytes(PORTAL_FIRST.read_bytes().split(b"\n", 1)[0] + b"\n")
    assert _stage(duo_ho_first_years, path, resolver) is None
    assert duo_ho_first_years.edition_key(read_header(path), path) == ""
    with pytest.raises(RawFileError, match="geen gegevensregels"):
        duo_ho_first_years.read(path)


@pytest.mark.parametrize(("module", "source", "line", "old", "new", "message"), [
    (duo_ho_first_years_old, OLD_FIRST, 3, ";vrouw;8;", ";vrouw;8x;",
     "regel 3, kolom '2017': waarde '8x'; verwacht een geheel getal"),
    (duo_ho_graduates_old, OLD_GRAD, 2, ";0034;", ";9999;", "regel 2, kolom 'GEMEENTENUMMER': waarde '9999'"),
    (duo_ho_first_years, PORTAL_FIRST, 3, '"Almere"', '"Atlantis"',
     "regel 3, kolom 'GEMEENTENAAM': gemeente 'Atlantis' is onbekend"),
    (duo_ho_graduates, PORTAL_GRAD, 3, '"-1"', '"-3"', "regel 3, kolom 'AANTAL_GEDIPLOMEERDEN': waarde '-3'"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(module, source, line, old, new, message, tmp_path):
    error = build_error(module, source, line, old, new, tmp_path)
    assert source.name in error and message in error


def test_a_build_with_fast_paths_equals_one_without(tmp_path, monkeypatch):
    # Both layouts, hbo and wo, overlapping years (the newest edition wins), one declined file (escaped quotes).
    raw = tmp_path / "raw"
    for path, module in FIXTURE_FILES.items():
        target = raw / module.DATASET.raw_subdir / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    quoted = raw / duo_ho_enrolments.DATASET.raw_subdir / PORTAL_ENROL.name
    quoted.write_bytes(quoted.read_bytes().replace(b'"Demo Universiteit Utrecht"', b'"Demo ""U"" Utrecht"', 1))
    assert _stage(duo_ho_enrolments, quoted, MunicipalityResolver()) is None
    build(raw, tmp_path / "fast.duckdb", progress=False)
    for module in MODULES:
        monkeypatch.delattr(module, "stage")
    build(raw, tmp_path / "pandas.duckdb", progress=False)
    fast = _tables_in_storage_order(tmp_path / "fast.duckdb")
    assert fast["fact_ho_enrolment"] and fast["fact_ho_graduate"]
    assert fast == _tables_in_storage_order(tmp_path / "pandas.duckdb")
