"""The fast paths of DUO's mbo students (old and current layout) and graduates (portal layout) give exactly the rows
of their pandas paths, and leave every file they cannot read the same way to the pandas path, so bad input keeps
its Dutch message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.build import build
from etl.demo import duo_mbo_graduates as demo_graduates
from etl.demo import duo_mbo_students as demo_students
from etl.demo import duo_mbo_students_old as demo_old
from etl.demo.world import demo_world
from etl.errors import RawFileError
from etl.reference import MunicipalityResolver
from etl.sources import duo_mbo_graduates, duo_mbo_students, duo_mbo_students_old
from tests.conftest import FIXTURES, ROOT
from tests.test_duo_mbo_students import with_columns
from tests.test_fast_paths import _assert_same

OLD = FIXTURES / "duo_mbo" / "deelnemers_oud_small.csv"
GRADUATES = FIXTURES / "duo_mbo" / "gediplomeerden_small.csv"
STUDENTS = FIXTURES / "duo_mbo" / "studenten_small.csv"
MODULE = {OLD: duo_mbo_students_old, GRADUATES: duo_mbo_graduates, STUDENTS: duo_mbo_students}


def _write(tmp_path: Path, source: Path, text: str, name: str | None = None) -> Path:
    target = tmp_path / (name or source.name)
    target.write_bytes(text.encode("utf-8"))
    return target


def _text(source: Path) -> str:
    return source.read_bytes().decode("utf-8")


def _declined(module, path: Path, resolver) -> bool:
    return module.stage(duckdb.connect(), path, "f.csv", resolver, "staged") is None


@pytest.mark.parametrize("source", [OLD, GRADUATES, STUDENTS])
def test_fast_path_equals_pandas_path_on_fixtures(source, resolver):
    _assert_same(MODULE[source], source, resolver)


@pytest.mark.parametrize(("writer", "module"), [(demo_old, duo_mbo_students_old),
                                                (demo_graduates, duo_mbo_graduates),
                                                (demo_students, duo_mbo_students)])
@pytest.mark.parametrize("scale", ["national", "flevoland"])
def test_fast_path_equals_pandas_path_on_demo(writer, module, scale, tmp_path, resolver):
    path = writer.write(tmp_path, demo_world(scale, 7), np.random.default_rng(3))
    _assert_same(module, path, resolver)


def test_fast_path_equals_pandas_path_on_the_real_old_layout_file(real_data, resolver):
    _assert_same(duo_mbo_students_old, real_data / "duo_ho_mbo_2019_oldlayout" / "mbo_inscriptions_2019.csv",
                 resolver)


# etl/sources/__init__.py imports every source, so a fresh interpreter stubs the package to import these alone.
_ALONE = ("import importlib, sys, types, duckdb; from pathlib import Path; import etl; "
          "package = types.ModuleType('etl.sources'); package.__path__ = ['etl/sources']; "
          "sys.modules['etl.sources'] = package; "
          "modules = [importlib.import_module('etl.sources.' + m) for m in "
          "('duo_mbo_current', 'duo_mbo_students_old', 'duo_mbo_graduates', 'duo_mbo_students')]; ")
_HEAVY = "print(sorted({'pandas', 'numpy', 'pyarrow'} & set(sys.modules)))"


def _run_alone(code: str) -> str:
    return subprocess.run([sys.executable, "-c", _ALONE + code + _HEAVY], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_modules_import_without_pandas():
    assert _run_alone("") == "[]"


def test_stage_and_periods_run_without_pandas():
    # read_header's split (etl/rawfiles.py imports every source, so it is repeated here)
    assert _run_alone(
        "import csv; from etl.reference import MunicipalityResolver; resolver = MunicipalityResolver(); "
        f"paths = {{modules[1]: Path({str(OLD)!r}), modules[2]: Path({str(GRADUATES)!r}), "
        f"modules[3]: Path({str(STUDENTS)!r})}}; "
        "header = lambda p: [c.strip() for c in next(csv.reader([p.read_text('utf-8-sig').splitlines()[0]], "
        "delimiter=';' if p.name.startswith('deel') else ','))]; "
        "assert all(m.periods(header(p), p) for m, p in paths.items()); "
        "assert all(m.stage(duckdb.connect(), p, 'f.csv', resolver, 's') for m, p in paths.items()); ") == "[]"


# --- what the fast paths read like pandas ----------------------------------------------------------------------

def test_graduates_fast_path_reads_quotes_bom_crlf_and_semicolons_like_pandas(tmp_path, resolver):
    text = _text(GRADUATES).replace("\r\n", "\n")
    escaped = text.replace("Software developer", '"Software ""full stack"" developer"')
    _assert_same(duo_mbo_graduates, _write(tmp_path, GRADUATES, escaped, "escaped.csv"), resolver)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    _assert_same(duo_mbo_graduates, bom, resolver)
    spaced = text.replace("25LR,ROC van Flevoland,ALMERE,BBL,2,", " 25LR , ROC van Flevoland ,ALMERE, BBL, 2 ,", 1)
    _assert_same(duo_mbo_graduates, _write(tmp_path, GRADUATES, spaced, "spaced.csv"), resolver)
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    _assert_same(duo_mbo_graduates, _write(tmp_path, GRADUATES, out.getvalue(), "semicolon.csv"), resolver)


def test_graduates_fast_path_keeps_the_first_name_of_a_programme_as_to_facts_does(tmp_path, resolver):
    # Two names for one crebo give one education_id: both paths keep the one of the first row in long order.
    lines = _text(GRADUATES).replace("\r\n", "\n").split("\n")
    extra = lines[1].replace("Monteur elektrotechnische installaties", "Monteur elektrotechniek")
    extra = ",".join(extra.split(",")[:9] + ["1"] * (len(extra.split(",")) - 9))
    bare = ",".join(lines[1].split(",")[:9] + [""] * 2 + lines[1].split(",")[11:])
    path = _write(tmp_path, GRADUATES, "\n".join([lines[0], bare, *lines[2:-1], extra, lines[-1]]), "names.csv")
    _assert_same(duo_mbo_graduates, path, resolver)
    _, education = duo_mbo_graduates.stage(duckdb.connect(), path, "f.csv", resolver, "staged")
    assert "Monteur elektrotechniek (25303)" in {e.source_label for e in education}


def test_old_fast_path_reads_spaces_mixed_line_ends_and_stray_lines_like_pandas(tmp_path, resolver):
    text = _text(OLD)
    spaced = text.replace(";62;9;71", "; 62;9 ; 71 ", 1).replace("\r\n", "\n", 3) + '""\r\n\r\n'
    _assert_same(duo_mbo_students_old, _write(tmp_path, OLD, spaced), resolver)


@pytest.mark.parametrize("space", ["\u00a0", "\t", "\r"])
def test_old_fast_path_leaves_other_whitespace_to_the_pandas_path(space, tmp_path, resolver):
    # str.strip() removes it, DuckDB's trim does not: the pandas path reads the file, the fast path declines.
    path = _write(tmp_path, OLD, _text(OLD).replace(";62;9;71", f";62;{space}9;71", 1))
    assert _declined(duo_mbo_students_old, path, resolver)
    assert len(duo_mbo_students_old.read(path))


# --- what the fast paths leave to the pandas path ----------------------------------------------------------------

@pytest.mark.parametrize(("old", "new"), [
    ("Software developer", 'Software "developer"'),  # a stray quote: parsers may differ
    ("Software developer", '"Software\ndeveloper"'),  # a line break inside a value
    ("Software developer", "Software\rdeveloper"),  # a lone CR ends a line for pandas
    ("\n25LR,ROC van Flevoland,LELYSTAD,BOL,4", "\n\n25LR,ROC van Flevoland,LELYSTAD,BOL,4"),  # a blank line
    ("\r\n25LR,ROC van Flevoland,LELYSTAD,BOL,4", "\n25LR,ROC van Flevoland,LELYSTAD,BOL,4"),  # mixed line ends
    ("ALMERE,BBL,2", "ALMERE\u00a0,BBL,2"),  # str.strip() removes a no-break space, DuckDB's trim does not
    (",40,-1,42,", ",40,-1,42,0,"),  # a field too many
    (",40,-1,42,", ",40,42,"),  # a field too few
    (",40,-1,42,", ",4x,-1,42,"),  # not a count
    (",40,-1,42,", ",\u0664\u0660,-1,42,"),  # digits Python's \\d takes but to_numeric does not
    (",40,-1,42,", ",-2,-1,42,"),
    (",40,-1,42,", ",12345678901234567890,-1,42,"),  # beyond int64
    ("ALMERE,BBL,2", "ALMERE,BBL,5"),  # no such level
    ("ALMERE,BBL,2", "NERGENSHUIZEN,BBL,2"),  # unknown town
    ("Sectorkamer techniek en gebouwde omgeving", "Sectorkamer onbekend terrein"),  # unknown sectorkamer
    ("ALMERE,BBL,2", "ALMERE,BXL,2"),  # unknown leerweg
    ("25LR,ROC van Flevoland,ALMERE,BBL", " ,ROC van Flevoland,ALMERE,BBL"),  # empty institution code
])
def test_graduates_fast_path_leaves_what_it_cannot_read_identically_to_the_pandas_path(old, new, tmp_path,
                                                                                       resolver):
    text = _text(GRADUATES)
    assert old in text
    assert _declined(duo_mbo_graduates, _write(tmp_path, GRADUATES, text.replace(old, new, 1)), resolver)


@pytest.mark.parametrize(("old", "new"), [
    (";62;9;71", ";62;x;71"),  # not a count
    (";62;9;71", ";62;9;72"),  # TOTAAL is not MAN + VROUW
    (";62;9;71", ";62;\u0669;71"),  # a non-ASCII digit
    (";62;9;71\r\n", ";62;9\r\n"),  # a field too few
    ("AMSTERDAM;BBL", "AMSTERDAM;BXL"),  # no such TYPE MBO
    ("AMSTERDAM;BBL", "AMSTERDAM; BBL"),  # read() compares TYPE MBO unstripped
    (";EDE GLD;", ";NERGENSDORP;"),  # unknown place
    ("Sectorunit techniek en gebouwde omgeving", "Sectorunit onbekend"),  # unknown sectorunit
])
def test_old_fast_path_leaves_what_it_cannot_read_identically_to_the_pandas_path(old, new, tmp_path, resolver):
    text = _text(OLD)
    assert old in text
    assert _declined(duo_mbo_students_old, _write(tmp_path, OLD, text.replace(old, new, 1)), resolver)


def test_students_fast_path_reads_optional_columns_semicolons_quotes_and_spaces_like_pandas(tmp_path, resolver):
    numbered = with_columns({"GEMEENTENUMMER INSTELLING": {"ALMERE": "34", "LELYSTAD": " 0995 ", "ZAANDAM": "0479"},
                             "HOOFDGROEP NAAM": {"25604": "ICT en mediabeheer", "25592": "Mediavormgeving"},
                             "PROVINCIE INSTELLING": {"ALMERE": "FLEVOLAND"}}, ";")
    _assert_same(duo_mbo_students, _write(tmp_path, STUDENTS, numbered, "numbered.csv"), resolver)
    text = _text(STUDENTS)
    quoted = text.replace("Software developer", '"Software ""full stack"" developer"').replace("\r\n", "\n")
    _assert_same(duo_mbo_students, _write(tmp_path, STUDENTS, quoted, "quoted.csv"), resolver)
    spaced = text.replace("2023,25LR,ROC van Flevoland,ALMERE,", " 2023 , 25LR ,ROC van Flevoland , ALMERE,", 1)
    spaced = spaced.replace(",2,MAN,40,0,-1,", ", 2 , MAN ,40 , 0 , -1 , ", 1)
    _assert_same(duo_mbo_students, _write(tmp_path, STUDENTS, spaced, "spaced.csv"), resolver)
    # Columns in another order, without EX: the reader goes by name.
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    path = tmp_path / "reordered.csv"
    frame[list(reversed([c for c in frame.columns if c != "EX"]))].to_csv(path, index=False)
    _assert_same(duo_mbo_students, path, resolver)


def test_students_fast_path_keeps_the_first_name_of_a_programme_as_to_facts_does(tmp_path, resolver):
    # Two names for one crebo and route give one education_id: both paths keep the one first in read()'s long order,
    # column by column: the BOLDT figure of line 5 comes before the BOLVT figure of the new line 2.
    header, rest = _text(STUDENTS).split("\r\n", 1)
    extra = ("2022,25LR,ROC van Flevoland,ALMERE,Sectorkamer ICT en creatieve industrie,25604,Software ontwikkelaar,4,"
             "MAN,,,7,")
    path = _write(tmp_path, STUDENTS, "\r\n".join([header, extra, rest]), "names.csv")
    _assert_same(duo_mbo_students, path, resolver)
    _, education = duo_mbo_students.stage(duckdb.connect(), path, "f.csv", resolver, "staged")
    labels = {e.education_id: e.source_label for e in education}
    assert labels["mbo:25604 BOL | ICT en creatieve industrie | "] == "Software developer (25604)"


@pytest.mark.parametrize(("old", "new"), [
    (",120,", ",12x,"),  # not a count
    (",120,", ",-2,"),
    (",120,", ",\u0661\u0662,"),  # digits Python's \\d takes, the fast path's [0-9] does not
    (",120,", ",12345678901234567890,"),  # beyond int64
    (",4,MAN,", ",5,MAN,"),  # no such level
    (",4,MAN,", ",4,M,"),  # no such sex
    (",4,MAN,", ",4,man,"),
    ("2023,25LR,ROC van Flevoland,ALMERE,Sectorkamer ICT", "20x3,25LR,ROC van Flevoland,ALMERE,Sectorkamer ICT"),
    ("ALMERE,Sectorkamer ICT", "NERGENSHUIZEN,Sectorkamer ICT"),  # unknown town
    ("Sectorkamer ICT en creatieve industrie,25604", "Sectorkamer ruimtevaart,25604"),  # unknown sectorkamer
    ("25LR,ROC van Flevoland,ALMERE,Sectorkamer ICT", " ,ROC van Flevoland,ALMERE,Sectorkamer ICT"),  # empty code
    ("Software developer", 'Software "developer"'),  # a stray quote
    ("Software developer", '"Software\ndeveloper"'),  # a line break inside a value
    ("ALMERE,Sectorkamer ICT", "ALMERE\u00a0,Sectorkamer ICT"),  # str.strip() removes it, DuckDB's trim does not
    (",0,15,-1", ",0,15,-1,"),  # a field too many
    (",0,15,-1", ",0,15"),  # a field too few
])
def test_students_fast_path_leaves_what_it_cannot_read_identically_to_the_pandas_path(old, new, tmp_path,
                                                                                      resolver):
    text = _text(STUDENTS)
    assert old in text
    assert _declined(duo_mbo_students, _write(tmp_path, STUDENTS, text.replace(old, new, 1)), resolver)


def test_students_fast_path_leaves_an_unknown_column_and_no_figures_to_the_pandas_path(tmp_path, resolver):
    text = _text(STUDENTS)
    assert _declined(duo_mbo_students, _write(tmp_path, STUDENTS, text.replace("NIVEAU", "NIVO", 1)), resolver)
    assert _declined(duo_mbo_students, _write(tmp_path, STUDENTS, text.split("\r\n", 1)[0] + "\r\n"), resolver)
    frame = pd.read_csv(STUDENTS, dtype=str, keep_default_na=False)
    empty = tmp_path / "empty.csv"
    frame.assign(**dict.fromkeys(duo_mbo_students.COUNT_COLUMNS, "")).to_csv(empty, index=False)
    assert _declined(duo_mbo_students, empty, resolver)


@pytest.mark.parametrize("source", [OLD, GRADUATES])
def test_fast_path_leaves_header_only_not_utf8_and_empty_figures_to_the_pandas_path(source, tmp_path, resolver):
    module = MODULE[source]
    header = _text(source).split("\n", 1)[0]
    assert _declined(module, _write(tmp_path, source, header + "\n", "header.csv"), resolver)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(_text(source).replace("ROC van Flevoland", "ROC van Fléveland", 1).encode("latin-1"))
    assert _declined(module, latin, resolver)
    sep = ";" if source is OLD else ","
    empty = [sep.join(line.split(sep)[:len(module.FIXED_COLUMNS)] + [""] * (len(line.split(sep))
                                                                         - len(module.FIXED_COLUMNS)))
             for line in _text(source).replace("\r\n", "\n").split("\n")[1:] if line.count(sep) > 2]
    assert _declined(module, _write(tmp_path, source, "\n".join([header.rstrip("\r"), *empty]), "e.csv"), resolver)


@pytest.mark.parametrize(("module", "source", "line", "old", "new", "message"), [
    (duo_mbo_graduates, GRADUATES, 3, ",30,5,", ",30,5x,",
     "regel 3, kolom 'DIPVROUW2021': waarde '5x'; verwacht een geheel getal of -1"),
    (duo_mbo_graduates, GRADUATES, 4, "LELYSTAD,BOL,4", "NERGENSHUIZEN,BOL,4",
     "regel 4, kolom 'PLAATSNAAM INSTELLING': plaats 'NERGENSHUIZEN' is onbekend"),
    (duo_mbo_students_old, OLD, 3, ";62;9;71", ";62;9;72", "regel 3, kolom 'TOTAAL2019'"),
    (duo_mbo_students_old, OLD, 2, "AMSTERDAM;BBL", "AMSTERDAM;BXL", "regel 2, kolom 'TYPE MBO'"),
    (duo_mbo_students, STUDENTS, 5, ",0,15,-1", ",0,15,x", "regel 5, kolom 'EX': waarde 'x'"),
    (duo_mbo_students, STUDENTS, 8, "EMMELOORD", "NERGENSDORP",
     "regel 8, kolom 'PLAATSNAAM INSTELLING': plaats 'NERGENSDORP' is onbekend"),
])
def test_a_build_meeting_a_bad_file_names_file_line_and_column(module, source, line, old, new, message, tmp_path):
    lines = _text(source).split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target = tmp_path / "raw" / module.DATASET.raw_subdir / source.name
    target.parent.mkdir(parents=True)
    target.write_bytes("\n".join(lines).encode("utf-8"))
    assert _declined(module, target, MunicipalityResolver())
    with pytest.raises(RawFileError) as caught:
        build(tmp_path / "raw", tmp_path / "warehouse.duckdb", progress=False)
    assert message in str(caught.value) and source.name in str(caught.value)
    assert not (tmp_path / "warehouse.duckdb").exists()
