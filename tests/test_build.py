"""The build pipeline: demo flag, determinism, checks, and that a failed build keeps the old warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import build as build_module
from etl.build import build
from etl.cli import main as etl_cli
from etl.errors import CheckFailedError, RawFileError
from etl.manifest import sha256_of
from etl.sources import duo_vo_exams
from etl.sources.duo_vo_exams import header_for
from tests.conftest import FIXTURES, ROOT, raw_with

SMALL = FIXTURES / "duo_vo_small.csv"
TABLES = ["build_info", "source", "raw_file", "region", "region_membership", "period", "education",
          "fact_vo_exam"]


def _small_text() -> str:
    return SMALL.read_bytes().decode("utf-8")


def _dump(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select * from {t}").fetchall() for t in TABLES}  # noqa: S608
    finally:
        con.close()


def test_demo_build_records_demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    info = dict(con.execute("select key, value from build_info").fetchall())
    assert info["is_demo"] == "true" and info["demo_scale"] == "flevoland" and info["demo_seed"] == "7"
    assert con.execute("select bool_and(is_demo) from source").fetchone() == (True,)
    flevoland = con.execute("select count(distinct municipality_code) from fact_vo_exam f "
                            "join region r on r.code = f.municipality_code where r.is_flevoland").fetchone()
    assert flevoland == (6,)


def test_two_builds_from_the_same_raw_files_give_identical_tables(demo_raw, tmp_path):
    build(demo_raw, tmp_path / "a.duckdb", progress=False)
    build(demo_raw, tmp_path / "b.duckdb", progress=False)
    assert _dump(tmp_path / "a.duckdb") == _dump(tmp_path / "b.duckdb")


def test_small_fixture_builds(tmp_path):
    raw = raw_with(tmp_path, "small.csv", _small_text())
    report = build(raw, tmp_path / "w.duckdb", progress=False)
    assert report.fact_rows == {"fact_vo_exam": 42} and not report.is_demo


def _existing_warehouse(demo_db: Path, tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    return db, sha256_of(db)


def test_unreadable_file_keeps_the_old_warehouse(demo_db, tmp_path, capsys):
    db, before = _existing_warehouse(demo_db, tmp_path)
    raw = raw_with(tmp_path, "kapot.csv", _small_text().replace('"17";"16"', '"17";"zestien"'))
    assert etl_cli(["build", "--raw", str(raw), "--db", str(db), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "kapot.csv, regel 3, kolom 'GESLAAGDEN SCHOOLJAAR 2022-2023 - TOTAAL'" in err
    assert "is niet gewijzigd" in err
    assert sha256_of(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "warehouse.duckdb"]  # no temp files left


def test_failing_check_keeps_the_old_warehouse_and_names_line_and_rule(demo_db, tmp_path):
    db, before = _existing_warehouse(demo_db, tmp_path)
    lines = _small_text().split("\r\n")
    lines.insert(3, lines[2])  # the same location × programme twice: breaks the grain
    raw = raw_with(tmp_path, "dubbel.csv", "\r\n".join(lines))
    with pytest.raises(CheckFailedError) as error:
        build(raw, db, progress=False)
    message = str(error.value)
    assert "uniek per vestiging × education_id × sex × school_year" in message
    assert "dubbel.csv, regel 3" in message and "dubbel.csv, regel 4" in message
    assert sha256_of(db) == before


def test_passed_above_candidates_fails_a_check(tmp_path):
    raw = raw_with(tmp_path, "raar.csv", _small_text().replace('"20";"19";"95";"16"', '"20";"25";"95";"16"'))
    with pytest.raises(CheckFailedError, match="geslaagden niet meer dan examenkandidaten"):
        build(raw, tmp_path / "w.duckdb", progress=False)
    assert not (tmp_path / "w.duckdb").exists()


def test_unrecognised_file_is_named(tmp_path):
    raw = raw_with(tmp_path, "iets.csv", "a;b;c\r\n1;2;3\r\n")
    with pytest.raises(RawFileError, match="niet herkend aan de kopregel") as error:
        build(raw, tmp_path / "w.duckdb", progress=False)
    assert "iets.csv" in str(error.value)


def test_binary_file_is_named_not_a_crash(tmp_path):
    raw = raw_with(tmp_path, "werkmap.xlsx", b"PK\x03\x04\xff\xfe\x00binary")
    with pytest.raises(RawFileError, match="geen UTF-8") as error:
        build(raw, tmp_path / "w.duckdb", progress=False)
    assert "werkmap.xlsx, regel 1, teken 5:" in str(error.value)


def test_empty_raw_folder_says_how_to_get_data(tmp_path):
    (tmp_path / "raw").mkdir()
    with pytest.raises(RawFileError, match="python -m etl demo"):
        build(tmp_path / "raw", tmp_path / "w.duckdb", progress=False)


def test_files_are_recognised_by_header_not_name(tmp_path):
    raw = raw_with(tmp_path, "whatever-name.txt", _small_text())
    assert build(raw, tmp_path / "w.duckdb", progress=False).fact_rows == {"fact_vo_exam": 42}


def test_newest_edition_wins_overlapping_school_years_and_says_so(tmp_path, capsys):
    # An older edition: the same rows relabelled 2021-2022 and 2022-2023, with 99 for one 2022-2023 cell.
    lines = _small_text().split("\r\n")
    lines[0] = ";".join(f'"{c}"' for c in header_for(["2021-2022", "2022-2023"]))
    lines[1] = lines[1].replace('"10";"10";"100";"0";"0";"0";"10";"10";"100"',
                                '"10";"10";"100";"0";"0";"0";"99";"99";"100"')
    raw = raw_with(tmp_path, "editie-2021-2023.csv", "\r\n".join(lines))
    shutil.copy(SMALL, raw / "duo" / "vo_examenkandidaten" / "editie-2022-2024.csv")
    build(raw, tmp_path / "w.duckdb", progress=False)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    counts = dict(con.execute(
        "select school_year, candidates from fact_vo_exam where vestiging = '10AA00' and sex = 'totaal' "
        "and education_id = 'vo:VMBO K - techniek' order by 1").fetchall())
    assert counts == {"2021-2022": 14, "2022-2023": 14, "2023-2024": 10}
    # Never silently: the older edition's row in raw_file, the build report and the CLI say what it gave up.
    notes = dict(con.execute("select path, note from raw_file").fetchall())
    older = "duo/vo_examenkandidaten/editie-2021-2023.csv"
    assert notes == {older: "levert periode 2022-2023 niet: de nieuwere editie "
                            "duo/vo_examenkandidaten/editie-2022-2024.csv (tot 2023-2024) vervangt die",
                     "duo/vo_examenkandidaten/editie-2022-2024.csv": None}
    con.close()
    assert build(raw, tmp_path / "w.duckdb", progress=False).overlaps == [f"{older}: {notes[older]}"]
    assert etl_cli(["build", "--raw", str(raw), "--db", str(tmp_path / "w.duckdb"), "--quiet"]) == 0
    assert f"LET OP: {older}: levert periode 2022-2023 niet" in capsys.readouterr().err


def test_a_flevoland_extract_beside_the_national_file_is_refused_by_name(tmp_path):
    """The extract covers the same school years: neither is a newer edition, so no file may silently win."""
    lines = _small_text().split("\r\n")
    raw = raw_with(tmp_path, "examenkandidaten-2019-2024.csv", "\r\n".join(lines))
    extract = raw / "duo" / "vo_examenkandidaten" / "examenkandidaten-2019-2024__FLEVOLAND_SUBSET.csv"
    extract.write_text("\r\n".join(lines[:3]) + "\r\n", encoding="utf-8", newline="")
    (tmp_path / "w.duckdb").write_bytes(b"")
    with pytest.raises(RawFileError) as caught:
        build(raw, tmp_path / "w.duckdb", progress=False)
    message = str(caught.value)
    assert ("duo/vo_examenkandidaten/examenkandidaten-2019-2024.csv en "
            "duo/vo_examenkandidaten/examenkandidaten-2019-2024__FLEVOLAND_SUBSET.csv bevatten allebei 2 perioden "
            "(2022-2023 t/m 2023-2024) van DUO Examenkandidaten en geslaagden vo") in message
    assert "Verwijder een van beide uit de map met ruwe bestanden" in message
    assert (tmp_path / "w.duckdb").read_bytes() == b""  # the existing warehouse is left as it was


def test_a_header_only_file_is_named_by_its_reader(tmp_path):
    raw = raw_with(tmp_path, "leeg.csv", _small_text().split("\r\n")[0] + "\r\n")
    with pytest.raises(RawFileError, match=r"leeg.csv, regel 2: het bestand heeft geen gegevensregels"):
        build(raw, tmp_path / "w.duckdb", progress=False)


@pytest.mark.parametrize(("cores", "threads"), [(1, 1), (2, 1), (3, 2), (8, 7)])
def test_duckdb_gets_the_cores_the_two_readers_leave_while_they_run(monkeypatch, tmp_path, cores, threads):
    seen = []

    def spy(function):
        def wrapper(con, *args):
            seen.append(con.execute("select current_setting('threads')").fetchall()[0][0])
            return function(con, *args)
        return wrapper

    monkeypatch.setattr(build_module, "_cores", lambda: cores)
    monkeypatch.setattr(duo_vo_exams, "stage", spy(duo_vo_exams.stage))  # on a worker, while staging
    monkeypatch.setattr(build_module.domains, "load", spy(build_module.domains.load))  # after staging
    build(raw_with(tmp_path, "small.csv", _small_text()), tmp_path / "w.duckdb", progress=False)
    assert seen == [threads, cores]


def test_the_build_command_ends_with_its_warehouse_complete_and_its_exit_status(tmp_path):
    """`python -m etl build` ends without the interpreter's clean-up: its output, exit status and files must not
    depend on it."""
    raw = raw_with(tmp_path, "small.csv", _small_text())
    db = tmp_path / "out" / "w.duckdb"
    command = [sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(db), "--quiet"]
    # As a user runs it: output to a pipe is buffered, so only a flush before the fast exit keeps it.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "Datawarehouse gebouwd" in done.stdout and "fact_vo_exam: 42" in done.stdout
    assert sorted(p.name for p in db.parent.iterdir()) == ["w.duckdb"]  # no WAL, temp file or spill folder left
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from fact_vo_exam").fetchall() == [(42,)]

    (raw / "small.csv").write_text("kapot;bestand\n1;2\n", encoding="utf-8")
    failed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert failed.returncode == 1 and "FOUT" in failed.stderr and "niet gewijzigd" in failed.stderr
