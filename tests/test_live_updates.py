"""Changes visible at once: a replaced warehouse file is read by the next run of every session, old connections
are closed, and the app frame's watcher notices commits and builds (the browser test shows it end to end)."""

from __future__ import annotations

import os
import shutil
import time

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.workbooks.commit import commit_upload, review_upload
from tests.conftest import ROOT
from tests.crash_harness import correction
from ui import data, live
from ui.data import DB_ENV
from ui.etl_runner import UPLOADS_ENV


@pytest.fixture
def programme(programme, monkeypatch):
    """conftest's writable copy of the demo warehouse and its kept uploads, the app's settings pointing at them."""
    db, uploads = programme
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv(UPLOADS_ENV, str(uploads))
    return db, uploads


def _texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_a_session_sees_a_commit_on_its_next_run_without_a_restart(programme, tmp_path):
    db, uploads = programme
    at = AppTest.from_file(str(ROOT / "pages" / "deelprojecten.py"), default_timeout=60).run()
    assert not at.exception and "Gecorrigeerde versie 41" not in _texts(at)
    before = live.stamp()
    committed = commit_upload(correction(uploads, tmp_path, 41), "Demo Leider", uploads, db, demo=True)
    assert committed.outcome == "committed"
    assert live.stamp() != before  # what the frame's watcher compares every few seconds
    at.toggle(key="toegang_alle_rapportages_knop").set_value(True).run()  # the analyst's view: every report
    assert not at.exception and "Gecorrigeerde versie 41" in _texts(at)
    at.toggle(key="toegang_alle_rapportages_knop").set_value(False).run()  # approved reports only, as by default
    assert "Gecorrigeerde versie 41" not in _texts(at)
    before = live.stamp()
    review_upload(committed.upload.upload_id, "goedgekeurd", "", "Demo Analist", uploads, db)
    assert live.stamp() != before  # a review reaches other sessions as a commit does
    at.run()
    assert not at.exception and "Gecorrigeerde versie 41" in _texts(at)
    fresh = AppTest.from_file(str(ROOT / "pages" / "deelprojecten.py"), default_timeout=60).run()
    assert "Gecorrigeerde versie 41" in _texts(fresh)  # a new browser session too


def test_the_connection_to_a_replaced_file_is_closed_after_its_grace(programme, monkeypatch):
    db, _ = programme
    monkeypatch.setattr(data, "RETIRE_AFTER_S", 0.2)
    old = data._connection(data.db_version())
    assert old.execute("select count(*) from build_info").fetchone()[0] > 0
    replacement = db.with_name("vervanging.duckdb")
    shutil.copyfile(db, replacement)
    con = duckdb.connect(str(replacement))
    con.execute("insert into build_info values ('live_test', 'nieuw')")
    con.close()
    os.replace(replacement, db)
    assert data.cursor().execute("select value from build_info where key = 'live_test'").fetchone() == ("nieuw",)
    time.sleep(1.0)
    with pytest.raises(duckdb.ConnectionException):
        old.execute("select 1")
    assert data._connection(data.db_version()) is data._connection(data.db_version())  # one per version


def test_the_app_frame_runs_with_its_watcher(programme):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and at.session_state["_live_seen"] == live.stamp()


def test_a_build_swapping_the_warehouse_under_an_open_session_shows_no_error(programme, demo_raw):
    from etl.build import build

    db, uploads = programme
    at = AppTest.from_file(str(ROOT / "pages" / "overzicht.py"), default_timeout=60).run()
    assert not at.exception
    old = data.db_version()
    build(demo_raw, db, progress=False, uploads_dir=uploads)
    assert data.db_version() != old
    at.run()
    assert not at.exception and not at.error
