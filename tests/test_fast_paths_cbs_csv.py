"""The StatLine CSV readers' fast paths (cbs_label_csv, cbs_label_quarterly, cbs_coded_csv) give exactly the rows
of their pandas paths, their periods() the same years without pandas, and every file they cannot read the same way
goes to the pandas path, which names file, line and column in Dutch."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from etl.build import build
from etl.demo import cbs_coded_csv as demo_coded
from etl.demo import cbs_label_csv as demo_label
from etl.demo import cbs_label_quarterly as demo_quarterly
from etl.demo.world import demo_world
from etl.errors import RawFileError
from etl.rawfiles import read_header, recognise
from etl.sources import cbs_coded_csv, cbs_common, cbs_label_csv, cbs_label_quarterly
from tests.conftest import FIXTURES
from tests.test_fast_paths import _assert_same, _tables_in_storage_order

FAMILY = (cbs_label_csv, cbs_label_quarterly, cbs_coded_csv)
EDUCATION = FIXTURES / "cbs" / "onderwijsniveau_2023.csv"
KERNCIJFERS = FIXTURES / "cbs" / "kerncijfers_small.csv"
UNEMPLOYMENT = FIXTURES / "cbs" / "werkloosheid_small.csv"
CODED = FIXTURES / "cbs" / "50140NED_TypedDataSet_22092025_192544.csv"
MODULE_OF = {EDUCATION: cbs_label_csv, KERNCIJFERS: cbs_label_csv, UNEMPLOYMENT: cbs_label_quarterly,
             CODED: cbs_coded_csv}
REAL_FOLDERS = ("cbs_statline_label_csv_85525ned", "cbs_statline_label_csv_70072ned", "cbs_statline_coded_csv")


def _stage(module, path: Path):
    return module.stage(duckdb.connect(), path, "f.csv", None, "staged")


def _pandas_periods(module, path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """periods() as before the fast path: plain_csv declines, so the pandas path reads the file."""
    with monkeypatch.context() as patch:
        patch.setattr(cbs_common, "plain_csv", lambda *args, **kwargs: None)
        return module.periods(read_header(path), path)


def _assert_same_periods(module, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = module.periods(read_header(path), path)
    assert fast == _pandas_periods(module, path, monkeypatch) and fast


def _copy(source: Path, tmp_path: Path, old: str | bytes, new: str | bytes) -> Path:
    """A copy of `source` with the first `old` replaced by `new` (bytes, so BOM and CRLF stay as they are)."""
    old, new = (s.encode() if isinstance(s, str) else s for s in (old, new))
    data = source.read_bytes()
    assert old in data, old
    path = tmp_path / source.name
    path.write_bytes(data.replace(old, new, 1))
    return path


@pytest.mark.parametrize("source", list(MODULE_OF), ids=lambda p: p.name)
def test_fast_path_equals_pandas_path_on_fixtures(source, resolver, monkeypatch):
    assert recognise(source)[0] is MODULE_OF[source]
    _assert_same(MODULE_OF[source], source, resolver)
    _assert_same_periods(MODULE_OF[source], source, monkeypatch)


def test_fast_path_equals_pandas_path_on_every_real_file(real_data, resolver, monkeypatch):
    files = sorted(path for folder in REAL_FOLDERS for path in (real_data / folder).glob("*.csv"))
    assert len(files) == 12  # 9 + Werkloosheidpercentage, 70072ned, 50140NED
    seen = set()
    for path in files:
        module = recognise(path)[0]
        seen.add(module)
        _assert_same(module, path, resolver)
        _assert_same_periods(module, path, monkeypatch)
    assert seen == set(FAMILY)


@pytest.mark.parametrize("writer", [demo_label, demo_quarterly, demo_coded], ids=lambda m: m.__name__)
def test_fast_path_equals_pandas_path_on_national_demo(writer, tmp_path, resolver, monkeypatch):
    written = writer.write(tmp_path, demo_world("national", 7), np.random.default_rng(3))
    for path in written if isinstance(written, list) else [written]:
        module = recognise(path)[0]
        assert module.__name__.rsplit(".", 1)[1] == writer.__name__.rsplit(".", 1)[1]
        _assert_same(module, path, resolver)
        _assert_same_periods(module, path, monkeypatch)


@pytest.mark.parametrize(("source", "old", "new"), [
    (EDUCATION, ";8,6;18,5;", ";  8,6 ;18.5;"),  # spaces around a value; a point where a comma is usual
    (EDUCATION, ";8,6;", ";-8,6;"),  # negative
    (EDUCATION, b"\r\n", b"\n"),  # (first line end only) LF after CRLF
    (KERNCIJFERS, b"\xef\xbb\xbf", b""),  # no byte order mark
    (KERNCIJFERS, '"2025";"Almere"', '"2025";" Almere "'),  # region label with spaces (resolve strips it)
    (CODED, ";28.3;", "; 028.30 ;"),
    (CODED, "MW00000;GM0034", " MW00000 ;GM0034"),  # dimension keys are stripped
    (UNEMPLOYMENT, ";3,9\r\n", ";.\r\n"),  # '.': not available
])
def test_fast_path_reads_harmless_variations_like_pandas(source, old, new, tmp_path, resolver):
    _assert_same(MODULE_OF[source], _copy(source, tmp_path, old, new), resolver)


def test_fast_path_reads_a_file_without_final_line_end_like_pandas(tmp_path, resolver):
    for source, module in MODULE_OF.items():
        path = tmp_path / source.name
        path.write_bytes(source.read_bytes().rstrip(b"\r\n"))
        _assert_same(module, path, resolver)


@pytest.mark.parametrize(("source", "old", "new"), [
    (EDUCATION, ";8,6;", ";8,6\u00a0;"),  # non-breaking space: decline rather than compare stripping rules
    (EDUCATION, ";8,6;", ";8,6\t;"),
    (EDUCATION, ";8,6;", ";8,6x;"),  # not a number: the pandas path names line and column
    (EDUCATION, ";8,6;", ";\u0668,6;"),  # an Arabic-Indic digit
    (EDUCATION, ";8,6;", ";1234567890123456;"),  # more digits than convert exactly
    (EDUCATION, ";8,6;", ";-0;"),  # negative zero: pandas gives 0.0 or -0.0 depending on the other values
    (EDUCATION, ";8,6;", ";1.234,5;"),
    (EDUCATION, "2023*;Flevoland (PV)", "2023Q;Flevoland (PV)"),  # not a year
    (EDUCATION, "Flevoland (PV)", "Atlantis (PV)"),  # unknown region
    (EDUCATION, "Flevoland (PV)", 'Flevo"land (PV)'),  # a stray quote
    (EDUCATION, "Flevoland (PV)", '"Flevo\r\nland (PV)"'),  # a line break inside a value
    (EDUCATION, "Flevoland (PV)", '"Flevoland" (PV)'),  # text after a closing quote
    (EDUCATION, b";7,8\r\n", b";7,8\r\n\r\n"),  # a blank line
    (EDUCATION, b";7,8\r\n", b";7,8\r"),  # a lone carriage return
    (EDUCATION, b";7,8\r\n", b";7,8;\r\n"),  # a field too many
    (EDUCATION, b";7,8\r\n", b"\r\n"),  # a field too few (truncated line)
    (EDUCATION, "Flevoland (PV)", "Flevoland (PV)\x00"),
    (EDUCATION, "Flevoland (PV)", "Fl\xe9voland (PV)".encode("latin-1")),  # not UTF-8
    (EDUCATION, "Geslacht;", "dims;"),  # a name the pandas path adds to its frame
    (EDUCATION, "Geslacht;", "Leeftijd;"),  # duplicate name
    (EDUCATION, "Geslacht;", ";"),  # empty name
    (KERNCIJFERS, ';"Almere";229574;13960', ';"Almere";"""229574""";13960'),  # a quote inside a value
    (UNEMPLOYMENT, "het vierde kwartaal van 2024", "Q4 2024"),
    (UNEMPLOYMENT, ";Flevoland", ";Atlantis"),
    (UNEMPLOYMENT, ";Flevoland", ";Nederland"),  # duplicate name
    (CODED, ";30.2;", ";30,2;"),  # a decimal comma
    (CODED, ";RegioS;", ";Regio;"),
    (CODED, "MW00000;GM0034", "MW00000\t;GM0034"),
])
def test_fast_path_leaves_what_it_cannot_read_identically_to_the_pandas_path(source, old, new, tmp_path):
    assert _stage(MODULE_OF[source], _copy(source, tmp_path, old, new)) is None


def test_fast_path_leaves_a_header_only_file_an_empty_file_and_a_renamed_one_to_the_pandas_path(tmp_path):
    for source, module in MODULE_OF.items():
        path = tmp_path / source.name
        path.write_bytes(source.read_bytes().split(b"\n", 1)[0] + b"\n")
        assert _stage(module, path) is None
        path.write_bytes(b"")
        assert _stage(module, path) is None
    renamed = tmp_path / "welzijn.csv"
    renamed.write_bytes(CODED.read_bytes())
    assert _stage(cbs_coded_csv, renamed) is None


def test_coded_periods_from_a_perioden_column_and_their_errors(tmp_path, resolver, monkeypatch):
    text = CODED.read_bytes().decode("utf-8-sig").split("\r\n")
    keys = [re.sub(r"^(\d+;[^;]*;[^;]*;[^;]*;)", rf"\g<1>{2020 + i}JJ00;", line) for i, line in enumerate(text[1:-1])]
    lines = [text[0].replace(";RegioS;", ";RegioS;Perioden;"), *keys, ""]
    path = tmp_path / CODED.name
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert cbs_coded_csv.periods(read_header(path), path) == ["2020", "2021", "2022", "2023"]
    _assert_same(cbs_coded_csv, path, resolver)
    _assert_same_periods(cbs_coded_csv, path, monkeypatch)
    (tmp_path / "q").mkdir()
    quarter = _copy(path, tmp_path / "q", "2021JJ00", "2021KW01")
    assert _stage(cbs_coded_csv, quarter) is None
    with pytest.raises(RawFileError, match="2021KW01") as caught:
        cbs_coded_csv.periods(read_header(quarter), quarter)
    assert (caught.value.line, caught.value.column) == (3, "Perioden")


@pytest.mark.parametrize(("module", "source", "old", "new", "message"), [
    (cbs_label_csv, EDUCATION, ";8,6;18,5;", ";8,6;18,5x;", "regel 4, kolom 'Onderwijsniveau 5 categorien/12 Vmbo, "
     "havo-, vwo-onderbouw, mbo1 (%)': waarde '18,5x' is geen getal"),
    (cbs_label_csv, EDUCATION, "Flevoland (PV)", "Atlantis (PV)", "regel 4, kolom 'Regio's': regio 'Atlantis (PV)'"),
    (cbs_label_csv, EDUCATION, b";7,8\r\n", b"\r\n", "regel 4, kolom 'Onderwijsniveau 5 categorien/32 Hbo-, wo-master, "
     "doctor (%)': de regel heeft 9 velden, de kopregel 10"),
    (cbs_label_quarterly, UNEMPLOYMENT, "het vierde kwartaal van 2024", "Q4 2024",
     "regel 3, kolom '(eerste kolom)': periode 'Q4 2024' is geen kwartaal"),
    (cbs_label_quarterly, UNEMPLOYMENT, ";4,2;", ";4.2.1;", "regel 3, kolom 'Groningen': waarde '4.2.1'"),
    (cbs_coded_csv, CODED, ";30.2;", ";30,2;", "regel 4, kolom 'MoeiteMetRondkomen_1': waarde '30,2' is geen getal"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(module, source, old, new, message, tmp_path):
    target = tmp_path / "raw" / module.DATASET.raw_subdir / source.name
    target.parent.mkdir(parents=True)
    _copy(source, target.parent, old, new)
    assert _stage(module, target) is None
    with pytest.raises(RawFileError) as caught:
        build(tmp_path / "raw", tmp_path / "warehouse.duckdb", progress=False)
    assert source.name in str(caught.value) and message in str(caught.value)
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_build_of_the_real_files_equals_one_without_fast_paths(real_data, tmp_path, monkeypatch):
    # The real files of the family, fast and with the pandas path only: the same tables, in the same row order.
    # (70072ned's demografische druk exceeds 100 %: a ratio, which the percentage check allows.)
    for folder, subdir in (("cbs_statline_label_csv_85525ned", "cbs/statline_labels"),
                           ("cbs_statline_label_csv_70072ned", "cbs/statline_labels"),
                           ("cbs_statline_coded_csv", "cbs/statline_coded")):
        target = tmp_path / "raw" / subdir / folder
        target.mkdir(parents=True)
        for path in (real_data / folder).glob("*.csv"):
            shutil.copy(path, target / path.name)
    build(tmp_path / "raw", tmp_path / "fast.duckdb", progress=False)
    for module in FAMILY:
        monkeypatch.delattr(module, "stage")
    build(tmp_path / "raw", tmp_path / "pandas.duckdb", progress=False)
    fast = _tables_in_storage_order(tmp_path / "fast.duckdb")
    assert len(fast["fact_cbs"]) > 30_000
    assert fast == _tables_in_storage_order(tmp_path / "pandas.duckdb")
