"""A reader's fast path (read and reshape inside DuckDB) gives exactly the rows of its pandas path, and leaves
every file it cannot read the same way to the pandas path, so bad input keeps its Dutch message."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.build import build
from etl.demo import duo_mbo_residence as demo_residence
from etl.demo import duo_vo_exams as demo_vo
from etl.demo import uwv_open_match as demo_uwv
from etl.demo.world import demo_world
from etl.education import Education
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import SOURCES, duo_mbo_residence, duo_vo_exams, fast_csv, uwv_open_match
from tests.conftest import FIXTURES

FAST = [module for module in SOURCES if hasattr(module, "stage")]
VO_SMALL = FIXTURES / "duo_vo_small.csv"
RESIDENCE_SMALL = FIXTURES / "duo_mbo" / "woongemeente_small.csv"
UWV_SMALL = FIXTURES / "uwv" / "open_match_small.csv"
DEMO_MODULES = {demo_vo: duo_vo_exams, demo_residence: duo_mbo_residence, demo_uwv: uwv_open_match}


def _pandas_rows(module, path: Path, resolver) -> tuple[list[tuple], pd.DataFrame, int]:
    long = module.read(path)
    facts, education = module.to_facts(long, path, "x/f.csv", resolver)
    con = duckdb.connect()
    con.register("facts", facts)
    columns = ", ".join(sorted(facts.columns))  # the build inserts by name
    rows = con.execute(f"select {columns} from facts order by all").fetchall()  # noqa: S608
    return rows, education, int(long["source_line"].nunique())


def _fast_rows(module, path: Path, resolver) -> tuple[list[tuple], list[Education], int] | None:
    con = duckdb.connect()
    staged = module.stage(con, path, "x/f.csv", resolver, "staged")
    if staged is None:
        return None
    records, education = staged
    columns = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                         "where table_name = 'staged' order by ordinal_position").fetchall()]
    rows = con.execute(f"select {', '.join(sorted(columns))} from staged order by all").fetchall()  # noqa: S608
    return rows, education, records


def _assert_same(module, path: Path, resolver) -> None:
    fast = _fast_rows(module, path, resolver)
    assert fast is not None, f"{path.name}: the fast path declined a well-formed file"
    rows, education, records = _pandas_rows(module, path, resolver)
    assert fast[2] == records
    assert len(fast[0]) == len(rows) > 0
    assert fast[0] == rows
    fast_education = pd.DataFrame([e.as_row() for e in fast[1]], columns=list(Education.__dataclass_fields__))
    pd.testing.assert_frame_equal(fast_education, education.reset_index(drop=True), check_dtype=False)


def test_every_source_has_a_fast_path():
    # Each family's tests/test_fast_paths_*.py checks its fast paths against the pandas paths.
    assert FAST == SOURCES


@pytest.mark.parametrize(("module", "path"), [(duo_vo_exams, VO_SMALL), (duo_mbo_residence, RESIDENCE_SMALL)])
def test_fast_path_equals_pandas_path_on_fixtures(module, path, resolver):
    _assert_same(module, path, resolver)


@pytest.mark.parametrize("writer", list(DEMO_MODULES))
def test_fast_path_equals_pandas_path_on_national_demo(writer, tmp_path, resolver):
    path = writer.write(tmp_path, demo_world("national", 7), np.random.default_rng(3))
    _assert_same(DEMO_MODULES[writer], path, resolver)


def test_fast_path_equals_pandas_path_on_the_real_vo_file(real_vo_file, resolver):
    _assert_same(duo_vo_exams, real_vo_file, resolver)


def test_fast_path_reads_a_residence_file_without_optional_columns_like_pandas(tmp_path, resolver):
    lines = RESIDENCE_SMALL.read_text(encoding="utf-8-sig").splitlines()
    frame = pd.read_csv(RESIDENCE_SMALL, dtype=str, keep_default_na=False, sep=None, engine="python")
    keep = [c for c in frame.columns if c not in ("LEEFTIJDSCATEGORIE", "WOONGEMEENTENUMMER")]
    path = tmp_path / "f.csv"
    frame[keep].to_csv(path, index=False, sep=";" if ";" in lines[0] else ",")
    _assert_same(duo_mbo_residence, path, resolver)


def _edited(path: Path, tmp_path: Path, line: int, old: str, new: str) -> Path:
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.split("\n")
    assert old in lines[line - 1], (line, old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target = tmp_path / path.name
    target.parent.mkdir(exist_ok=True)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.parametrize("new", [
    '"12\u00a0"',  # non-breaking space: str.strip() removes it, DuckDB's trim does not
    '"12\t"',
    '"1x"',  # bad count: the pandas path names line and column
    '"\u0661\u0662"',  # Arabic-Indic digits: Python's \\d matches them, the fast path's [0-9] does not
    '"1\x012"',  # the separator of the joined pattern check inside a value
])
def test_vo_fast_path_leaves_unusual_values_to_the_pandas_path(new, tmp_path, resolver):
    path = _edited(VO_SMALL, tmp_path, 2, '"12";"11";"91.7"', f'{new};"11";"91.7"')
    assert duo_vo_exams.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None


def test_vo_fast_path_leaves_a_value_equal_to_its_null_marker_to_the_pandas_path(tmp_path, resolver):
    path = _edited(VO_SMALL, tmp_path, 2, '"Testcollege Almere"', f'"{fast_csv.NEVER}"')
    assert duo_vo_exams.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None
    assert len(duo_vo_exams.read(path))  # pandas reads it as text


def test_vo_fast_path_reads_escaped_quotes_like_pandas_and_leaves_a_stray_quote_to_it(tmp_path, resolver):
    escaped = _edited(VO_SMALL, tmp_path, 2, '"Testcollege Almere"', '"Test""college"" Almere"')
    _assert_same(duo_vo_exams, escaped, resolver)
    stray = _edited(VO_SMALL, tmp_path, 2, '"Testcollege Almere"', 'Test"college Almere')
    assert duo_vo_exams.stage(duckdb.connect(), stray, "f.csv", resolver, "staged") is None


def test_vo_fast_path_leaves_a_short_line_and_an_unknown_municipality_to_the_pandas_path(tmp_path, resolver):
    text = VO_SMALL.read_bytes().decode("utf-8-sig").split("\n")
    short = tmp_path / "short.csv"
    short.write_text("\n".join([*text[:2], text[2].rsplit(";", 3)[0], *text[3:]]), encoding="utf-8")
    assert duo_vo_exams.stage(duckdb.connect(), short, "f.csv", resolver, "staged") is None
    with pytest.raises(RawFileError):
        duo_vo_exams.read(short)
    place = text[1].split(";")[3]
    unknown = _edited(VO_SMALL, tmp_path, 2, place, '"NERGENSHUIZEN"')
    assert duo_vo_exams.stage(duckdb.connect(), unknown, "f.csv", resolver, "staged") is None
    with pytest.raises(RawFileError, match="NERGENSHUIZEN"):
        duo_vo_exams.to_facts(duo_vo_exams.read(unknown), unknown, "f.csv", resolver)


def test_residence_fast_path_leaves_a_bad_year_to_the_pandas_path(tmp_path, resolver):
    path = _edited(RESIDENCE_SMALL, tmp_path, 2, "2023,", "20x3,")
    assert duo_mbo_residence.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None
    with pytest.raises(RawFileError, match="jaartal"):
        duo_mbo_residence.read(path)


def test_uwv_fast_path_equals_pandas_path_on_the_fixture_with_whole_numbers(tmp_path, resolver):
    assert uwv_open_match.stage(duckdb.connect(), UWV_SMALL, "f.csv", resolver, "staged") is None  # has 2,5
    whole = _edited(UWV_SMALL, tmp_path, 17, ";2,5;", ";2;")
    _assert_same(uwv_open_match, whole, resolver)
    dutch = _edited(whole, tmp_path / "nl", 2, "2023-05-02;VACATURE", "2-5-2023;vacature")
    _assert_same(uwv_open_match, dutch, resolver)


@pytest.mark.parametrize(("old", "new"), [
    (";12;0;0;0;0;0;0", ";12,5;0;0;0;0;0;0"),  # a decimal comma: float sums could differ in the last bit
    ("2023-05-02;", "2023-02-30;"),  # no such day: the pandas path names line and column
    ("VACATURE", "VACATURE\u212a"),  # not ASCII
    ("Almere;1315", "Nergenshuizen;1315"),  # unknown municipality
    (";0711;", ";9911;"),  # no BRC beroepsklasse 99
])
def test_uwv_fast_path_leaves_what_it_cannot_read_identically_to_the_pandas_path(old, new, tmp_path, resolver):
    path = _edited(UWV_SMALL, tmp_path, 2, old, new)
    assert uwv_open_match.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None


@pytest.mark.parametrize(("module", "source", "line", "old", "new", "message"), [
    (uwv_open_match, UWV_SMALL, 3, "Almere;1325", "Nergenshuizen;1325",
     "regel 3, kolom 'GEMEENTE': gemeente 'Nergenshuizen' is onbekend"),
    (duo_vo_exams, VO_SMALL, 3, '"8";"7"', '"8";"7x"', "regel 3, kolom 'GESLAAGDEN SCHOOLJAAR 2022-2023 - MAN': "
     "waarde '7x'; verwacht een geheel getal of '<5'"),
    (duo_mbo_residence, RESIDENCE_SMALL, 3, "LELYSTAD,FLEVOLAND", "NERGENSHUIZEN,FLEVOLAND",
     "regel 3, kolom 'WOONGEMEENTE': woongemeente 'NERGENSHUIZEN' is onbekend"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(module, source, line, old, new, message, tmp_path):
    assert message in build_error(module, source, line, old, new, tmp_path)


def build_error(module, source: Path, line: int, old: str, new: str, tmp_path: Path) -> str:
    """The message of a build of `source` edited on `line`; the build must fail and leave no warehouse."""
    raw = tmp_path / "raw"
    target = raw / module.DATASET.raw_subdir / source.name
    target.parent.mkdir(parents=True)
    target.write_bytes(_edited(source, tmp_path, line, old, new).read_bytes())
    with pytest.raises(RawFileError) as caught:
        build(raw, tmp_path / "warehouse.duckdb", progress=False)
    assert not (tmp_path / "warehouse.duckdb").exists()
    return str(caught.value)


def _bad_copy(raw: Path, tmp_path: Path, subdir: str, source: Path, line: int, old: str, new: str) -> None:
    target = raw / subdir / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_edited(source, tmp_path / subdir.replace("/", "_"), line, old, new).read_bytes())


def test_with_two_bad_files_the_first_in_order_is_named_whichever_thread_reads_it(tmp_path):
    # Fast paths run on worker threads in another order; the error must still be the first bad file's in file order.
    graduates = FIXTURES / "duo_mbo" / "gediplomeerden_small.csv"
    raw = tmp_path / "raw"
    _bad_copy(raw, tmp_path, "duo/mbo_gediplomeerden", graduates, 2, "ALMERE,BBL", "NERGENSHUIZEN,BBL")
    _bad_copy(raw, tmp_path, duo_vo_exams.DATASET.raw_subdir, VO_SMALL, 3, '"8";"7"', '"8";"7x"')
    with pytest.raises(RawFileError, match=re.escape("gediplomeerden_small.csv, regel 2")):
        build(raw, tmp_path / "a.duckdb", progress=False)
    geo = FIXTURES / "geo" / "gemeente_2024_small.geojson"
    (raw / "duo" / "mbo_gediplomeerden" / graduates.name).unlink()
    (raw / "geo").mkdir()
    (raw / "geo" / geo.name).write_bytes(geo.read_bytes()[:200])  # a broken geojson after the bad vo file
    with pytest.raises(RawFileError, match=re.escape("duo_vo_small.csv, regel 3")):
        build(raw, tmp_path / "b.duckdb", progress=False)


def _tables_in_storage_order(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        return {t: con.execute(f"select * from {t} order by rowid").fetchall() for t in tables}  # noqa: S608
    finally:
        con.close()


def test_a_declined_file_keeps_file_order_in_its_table(tmp_path, monkeypatch):
    # a: newest school years, unusual whitespace (pandas strips a no-break space, the fast path declines);
    # b: older school years, read by the fast path; b's rows must still follow a's, as without fast paths.
    raw = tmp_path / "raw" / duo_vo_exams.DATASET.raw_subdir
    raw.mkdir(parents=True)
    text = VO_SMALL.read_bytes().decode("utf-8")
    (raw / "examen-a.csv").write_text(text.replace('"Testcollege Almere"', '"Testcollege Almere\u00a0"', 1),
                                      encoding="utf-8")
    older = text.replace("2022-2023", "2020-2021").replace("2023-2024", "2021-2022")
    (raw / "examen-b.csv").write_text(older, encoding="utf-8")
    resolver = MunicipalityResolver()
    assert duo_vo_exams.stage(duckdb.connect(), raw / "examen-a.csv", "a", resolver, "s") is None
    assert duo_vo_exams.stage(duckdb.connect(), raw / "examen-b.csv", "b", resolver, "s") is not None
    build(tmp_path / "raw", tmp_path / "fast.duckdb", progress=False)
    monkeypatch.delattr(duo_vo_exams, "stage")
    build(tmp_path / "raw", tmp_path / "pandas.duckdb", progress=False)
    fast = _tables_in_storage_order(tmp_path / "fast.duckdb")
    assert {row[0] for row in fast["fact_vo_exam"]} == {"2020-2021", "2021-2022", "2022-2023", "2023-2024"}
    assert fast == _tables_in_storage_order(tmp_path / "pandas.duckdb")


@pytest.mark.parametrize("source", [RESIDENCE_SMALL, UWV_SMALL, VO_SMALL])
def test_fast_path_reads_a_byte_order_mark_and_crlf_like_pandas(source, tmp_path, resolver):
    module = {RESIDENCE_SMALL: duo_mbo_residence, UWV_SMALL: uwv_open_match, VO_SMALL: duo_vo_exams}[source]
    text = source.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace(";2,5;", ";2;")
    path = tmp_path / source.name
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    _assert_same(module, path, resolver)


@pytest.mark.parametrize("source", [RESIDENCE_SMALL, UWV_SMALL, VO_SMALL])
def test_fast_path_leaves_a_header_only_file_to_the_pandas_path(source, tmp_path, resolver):
    module = {RESIDENCE_SMALL: duo_mbo_residence, UWV_SMALL: uwv_open_match, VO_SMALL: duo_vo_exams}[source]
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes().split(b"\n", 1)[0] + b"\n")
    assert module.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None
