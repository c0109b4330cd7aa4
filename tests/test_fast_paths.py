"""A reader's fast path (read and reshape inside DuckDB) gives exactly the rows of its pandas path, and leaves
every file it cannot read the same way to the pandas path, so bad input keeps its Dutch message."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.demo import duo_mbo_residence as demo_residence
from etl.demo import duo_vo_exams as demo_vo
from etl.demo.world import demo_world
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver, load_regions
from etl.sources import SOURCES, duo_mbo_residence, duo_vo_exams
from tests.conftest import FIXTURES

FAST = [module for module in SOURCES if hasattr(module, "stage")]
VO_SMALL = FIXTURES / "duo_vo_small.csv"
RESIDENCE_SMALL = FIXTURES / "duo_mbo" / "woongemeente_small.csv"


@pytest.fixture(scope="module")
def resolver() -> MunicipalityResolver:
    return MunicipalityResolver(load_regions())


def _pandas_rows(module, path: Path, resolver) -> tuple[list[tuple], pd.DataFrame, int]:
    long = module.read(path)
    facts, education = module.to_facts(long, path, "x/f.csv", resolver)
    con = duckdb.connect()
    con.register("facts", facts)
    columns = ", ".join(facts.columns)
    rows = con.execute(f"select {columns} from facts order by all").fetchall()  # noqa: S608
    return rows, education, int(long["source_line"].nunique())


def _fast_rows(module, path: Path, resolver) -> tuple[list[tuple], pd.DataFrame, int] | None:
    con = duckdb.connect()
    staged = module.stage(con, path, "x/f.csv", resolver, "staged")
    if staged is None:
        return None
    records, education = staged
    columns = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                         "where table_name = 'staged' order by ordinal_position").fetchall()]
    rows = con.execute(f"select {', '.join(columns)} from staged order by all").fetchall()  # noqa: S608
    return rows, education, records


def _assert_same(module, path: Path, resolver) -> None:
    fast = _fast_rows(module, path, resolver)
    assert fast is not None, f"{path.name}: the fast path declined a well-formed file"
    rows, education, records = _pandas_rows(module, path, resolver)
    assert fast[2] == records
    assert len(fast[0]) == len(rows) > 0
    assert fast[0] == rows
    pd.testing.assert_frame_equal(fast[1].reset_index(drop=True), education.reset_index(drop=True))


def test_every_fast_path_is_tested():
    assert set(FAST) == {duo_mbo_residence, duo_vo_exams}


@pytest.mark.parametrize(("module", "path"), [(duo_vo_exams, VO_SMALL), (duo_mbo_residence, RESIDENCE_SMALL)])
def test_fast_path_equals_pandas_path_on_fixtures(module, path, resolver):
    _assert_same(module, path, resolver)


@pytest.mark.parametrize("writer", [demo_vo, demo_residence])
def test_fast_path_equals_pandas_path_on_national_demo(writer, tmp_path, resolver):
    path = writer.write(tmp_path, demo_world("national", 7), np.random.default_rng(3))
    _assert_same({demo_vo: duo_vo_exams, demo_residence: duo_mbo_residence}[writer], path, resolver)


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
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.parametrize("new", [
    '"12\u00a0"',  # non-breaking space: str.strip() removes it, DuckDB's trim does not
    '"12\t"',
    '"1x"',  # bad count: the pandas path names line and column
    '"\u0661\u0662"',  # Arabic-Indic digits: Python's \\d matches them, the fast path's [0-9] does not
])
def test_vo_fast_path_leaves_unusual_values_to_the_pandas_path(new, tmp_path, resolver):
    path = _edited(VO_SMALL, tmp_path, 2, '"12";"11";"91.7"', f'{new};"11";"91.7"')
    assert duo_vo_exams.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None


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
