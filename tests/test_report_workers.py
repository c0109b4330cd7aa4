"""What keeps the reports fast without changing them: the plan's effect estimates as the warehouse stores them
(warehouse/effects/stored.py, etl/effects.py) and as the progress report gets those it lacks (report/estimates.py,
report/effects_worker.py), the same answers either way; and the command line's print worker (report/print_worker.py),
the same PDF as printing in the report's own process."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import duckdb
import pytest
import weasyprint

from etl.effects import store_estimates
from report import estimates, make, render
from report.periods import last_complete
from tests.conftest import require
from warehouse import programme as programme_
from warehouse.connection import connect
from warehouse.effects import stored


def _tasks(con) -> list[stored.Task]:
    return stored.tasks_of(stored.planned(con, list(programme_.subprojects(con).itertuples(index=False))))


def _effects_page(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    page = next(" ".join(p.split()) for p in text.split("\f") if "Kanttekeningen" in p)
    return re.sub(r"gemaakt op \d+ \w+ \d{4} \d\d:\d\d", "gemaakt op …", page)  # the minute may differ


def test_the_build_stores_the_plans_estimates_as_estimating_now_gives_them(demo_db):
    with connect(demo_db) as con:
        tasks = _tasks(con)
        kept = stored.stored(con, tasks)
        assert len(tasks) >= 6 and None not in kept
        assert any("result" in a and a["result"] and a["result"]["did"] for a in kept)
        assert kept == json.loads(json.dumps(stored.answer(con, tasks)))
        assert con.execute("select count(*) from effect_estimate").fetchone()[0] == len(set(tasks))


def test_estimates_stored_by_other_code_or_for_another_start_do_not_count(demo_db, monkeypatch):
    with connect(demo_db) as con:
        tasks = _tasks(con)
        indicator_id, unit, start = tasks[0]
        assert stored.stored(con, [(indicator_id, unit, start + 1)]) == [None]
        monkeypatch.setattr(stored, "version", lambda: "andere code")
        assert stored.stored(con, tasks) == [None] * len(tasks)


def test_storing_again_keeps_the_plans_rows_and_drops_the_others(programme):
    db, _ = programme
    con = duckdb.connect(str(db))
    try:
        before = con.execute("select * from effect_estimate order by all").fetchall()
        con.execute("insert into effect_estimate values ('vmbo_tech_share', 'GM0363', 2020, 40, 'x', '{}')")
        assert store_estimates(con) == 0  # nothing to estimate: every task of the plan was stored by this code
        assert con.execute("select * from effect_estimate order by all").fetchall() == before
        con.execute("update effect_estimate set estimator_version = 'oud' where municipality_code = 'GM0034'")
        assert store_estimates(con) == 2  # Almere's two outcomes, made by other code: estimated again
        assert con.execute("select * from effect_estimate order by all").fetchall() == before
    finally:
        con.close()


def test_the_worker_gives_the_answers_of_this_process_and_none_for_a_replaced_file(demo_db, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(demo_db, db)
    ask = estimates.estimator(db)
    with connect(db) as con:
        tasks = _tasks(con)[:2]
        here = stored.answer(con, tasks)
    assert ask(tasks).result() == json.loads(json.dumps(here))
    shutil.copyfile(demo_db, tmp_path / "new.duckdb")
    (tmp_path / "new.duckdb").replace(db)  # a build or commit swaps the file: the worker would read another one
    assert ask(tasks).result() is None
    assert estimates.estimator(tmp_path / "ontbreekt.duckdb") is None


def test_a_warehouse_without_stored_estimates_gives_the_same_effects_page_from_the_worker(demo_db, programme,
                                                                                        tmp_path, monkeypatch):
    require(shutil.which("pdftotext") is not None, "pdftotext not installed (apt-get install poppler-utils)")
    quarter = last_complete(date.today())
    expected = _effects_page(make.voortgang_pdf(demo_db, quarter).data, tmp_path)
    db, _ = programme
    with duckdb.connect(str(db)) as con:
        con.execute("drop table effect_estimate")  # as built before the table existed
    with monkeypatch.context() as patch:  # this process may not estimate: the worker must
        patch.setattr(stored, "answer", lambda *_: pytest.fail("estimated in the report's own process"))
        assert _effects_page(make.voortgang_pdf(db, quarter).data, tmp_path) == expected
    monkeypatch.setattr(estimates, "estimator", lambda _: None)  # no worker: this process estimates
    assert _effects_page(make.voortgang_pdf(db, quarter).data, tmp_path) == expected


DOCUMENT = "<html><body><h1>Kernindicatoren</h1><p>Aandeel techniek: 14,7% (14,4%–15,0%).</p></body></html>"


def _text(pdf: render.Pdf, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf.data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_print_worker_prints_what_this_process_would_and_this_process_takes_over_when_it_is_gone(
        tmp_path, monkeypatch):
    require(shutil.which("pdftotext") is not None, "pdftotext not installed (apt-get install poppler-utils)")
    here = render.pdf(DOCUMENT)
    render.start_printer()
    try:
        with monkeypatch.context() as patch:  # this process may not print: the worker must
            patch.setattr(weasyprint, "HTML", lambda **_: pytest.fail("printed in the report's own process"))
            printed = render.pdf(DOCUMENT)
        assert printed.data.startswith(b"%PDF") and printed.pages == here.pages == 1
        assert _text(printed, tmp_path) == _text(here, tmp_path)
        render._PRINTER._process.kill()
        render._PRINTER._process.wait()
        assert _text(render.pdf(DOCUMENT), tmp_path) == _text(here, tmp_path)  # printed here instead
    finally:
        render.stop_printer()
    assert render._PRINTER is None


def test_the_print_worker_answers_every_document_then_ends_cleanly():
    """It ends without the interpreter's clean-up (os._exit), but only after its last answer is written."""
    from report.print_worker import read_frame, write_frame

    worker = subprocess.Popen([sys.executable, str(render.PRINT_WORKER)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(2):
        write_frame(worker.stdin, DOCUMENT.encode("utf-8"))
    worker.stdin.close()
    answers = []
    while (header := read_frame(worker.stdout)) is not None:
        answers.append((json.loads(header), read_frame(worker.stdout)))
    assert worker.wait(timeout=60) == 0 and worker.stderr.read() == b""
    assert [(h["pages"], data[:4]) for h, data in answers] == [(1, b"%PDF"), (1, b"%PDF")]


def _alive_with(mark: str) -> list[int]:
    """Processes whose environment holds `mark` (a command and the workers it started inherit it)."""
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark.encode() in (entry / "environ").read_bytes():
                alive.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return alive


def test_the_command_line_writes_the_pdf_and_leaves_no_worker_behind(demo_db, tmp_path):
    """`python -m report` ends without the interpreter's clean-up once the PDF is written: its exit code, its
    message and the file are as before, and its chart and print workers end with it."""
    mark = f"TECHNIEKMONITOR_TEST_{uuid.uuid4().hex}"
    output = tmp_path / "almere.pdf"
    done = subprocess.run([sys.executable, "-m", "report", "factsheet", "--region", "GM0034", "--db", str(demo_db),
                           "-o", str(output)], capture_output=True, text=True, env={**os.environ, mark: "1"},
                          cwd=Path(render.__file__).resolve().parent.parent, timeout=300)
    assert (done.returncode, done.stdout.strip()) == (0, f"{output} geschreven (1 pagina)."), done.stderr
    assert output.read_bytes().startswith(b"%PDF")
    deadline = time.monotonic() + 10  # a killed worker needs a moment to disappear; not a measurement
    while _alive_with(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _alive_with(mark) == []
