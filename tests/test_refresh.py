"""`python -m etl refresh` on recorded payloads (responses stub), never the internet: a source that is down, a build
that fails, the summary, the exit status and the refresh log."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
import responses
from streamlit.testing.v1 import AppTest
from urllib3.util.retry import Retry

from etl import fetch as fetch_module
from etl.cli import main
from etl.refresh import append_record
from etl.sources import duo_vo_exams, geo_municipalities
from etl.sources import uwv_open_match as uwv
from tests.conftest import FIXTURES, ROOT
from tests.test_uwv_fetch import API, FILES, RESOURCES, WEEK_0502, _serve_package
from ui.data import DB_ENV
from warehouse.refreshes import LOG_NAME, last_refresh, read_log

DUO = duo_vo_exams.FETCH_TARGETS[0]
GEO = next(t for t in geo_municipalities.FETCH_TARGETS if t.last_year == 2024)
UWV_0502 = RESOURCES[1]


@pytest.fixture(autouse=True)
def _three_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """DUO (one static file), geo (one static file) and UWV (CKAN API); CBS has no targets here. No backoff sleeps."""
    monkeypatch.setattr(fetch_module, "TARGETS", [DUO, GEO])
    monkeypatch.setattr(fetch_module, "SOURCES", [uwv])
    monkeypatch.setattr(fetch_module, "Retry", lambda **kwargs: Retry(**{**kwargs, "backoff_factor": 0}))


def _serve(duo: int = 200, uwv: int = 200) -> None:
    """DUO's file and geo's file; UWV's package listing one weekly file (May 2023). 503 for a source that is down."""
    if duo == 200:
        responses.get(DUO.url, body=(FIXTURES / "duo_vo_small.csv").read_bytes(), headers={"ETag": '"d1"'})
    else:
        responses.get(DUO.url, status=duo)
    responses.get(GEO.url, body=(FIXTURES / "geo" / "gemeente_2024_small.geojson").read_bytes(),
                  headers={"ETag": '"g1"'})
    if uwv == 200:
        _serve_package([UWV_0502])
        responses.get(f"{FILES}/open_match_data_20230502.csv", body=WEEK_0502, headers={"ETag": '"a2"'})
    else:
        responses.get(API, status=uwv)


def _refresh(tmp_path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["refresh", "--raw", str(tmp_path / "raw"), "--db", str(tmp_path / "data" / "w.duckdb"),
                 "--uploads", str(tmp_path / "geen-uploads"), "--quiet", *extra])
    return code, capsys.readouterr().out


@responses.activate
def test_a_source_that_is_down_does_not_stop_the_others_and_the_summary_names_it(tmp_path, capsys):
    db = tmp_path / "data" / "w.duckdb"
    # Night 1: DUO is down; geo and UWV are fetched and built.
    _serve(duo=503)
    code, out = _refresh(tmp_path, capsys)
    assert code == 1, out
    assert "Mislukt: DUO — " in out and "Vernieuwd: UWV (1 bestand), Gemeentegrenzen (1 bestand)." in out
    responses.reset()

    # Night 2: DUO is back (its file is fetched now: resumable), UWV's catalogue answers 503 on every retry.
    _serve(uwv=503)
    code, out = _refresh(tmp_path, capsys)

    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Verversing van ") and lines[0].endswith(": gedeeltelijk gelukt.")
    assert "Vernieuwd: DUO (1 bestand)." in lines
    assert "Nieuwe perioden: DUO, Examenkandidaten en geslaagden vo (2022-2023, 2023-2024)." in lines
    failed = [line for line in lines if line.startswith("Mislukt: ")]
    assert len(failed) == 1 and failed[0].startswith("Mislukt: UWV — data.overheid.nl-dataset 'uwv-open-match-data'")
    assert "503" in failed[0]
    assert f"Datawarehouse bijgewerkt: {db}." in lines
    # The warehouse is valid: DUO's new file is in, UWV's earlier file is still there.
    with duckdb.connect(str(db), read_only=True) as con:
        sources = [r[0] for r in con.execute("select source_id from source order by 1").fetchall()]
        months = [r[0] for r in con.execute("select distinct month from fact_uwv_match").fetchall()]
    assert sources == ["duo_vo_examens", "geo_gemeenten", "uwv_open_match"]
    assert months == ["2023-05"]

    records = read_log(db)
    assert [r["outcome"] for r in records] == ["partial", "partial"]
    last = {s["group"]: s for s in records[-1]["sources"]}
    assert last["duo"]["fetched"] == [f"{DUO.raw_subdir}/{DUO.file_name}"] and last["duo"]["errors"] == []
    assert last["duo"]["new_periods"] == {"duo_vo_examens": ["2022-2023", "2023-2024"]}
    assert last["uwv"]["fetched"] == [] and last["uwv"]["new_periods"] == {} and "503" in last["uwv"]["errors"][0]
    assert last["geo"] == {"group": "geo", "fetched": [], "errors": [], "new_periods": {}, "titles": {}}
    assert records[-1]["build_error"] is None and records[-1]["finished_at"] >= records[-1]["started_at"]
    first = {s["group"]: s for s in records[0]["sources"]}
    assert first["uwv"]["new_periods"] == {"uwv_open_match": ["2023-05"]} and first["duo"]["new_periods"] == {}


@responses.activate
def test_a_failing_build_exits_2_and_keeps_the_old_warehouse_byte_for_byte(tmp_path, capsys):
    _serve()
    code, out = _refresh(tmp_path, capsys)
    assert code == 0 and ": gelukt." in out, out
    db = tmp_path / "data" / "w.duckdb"
    before = db.read_bytes()
    # An analyst edits the DUO file by hand and gives line 2 a column too many, so a count column holds text. (A
    # second copy beside it would be refused as an overlap before it is read: see tests/test_build.py.)
    broken = tmp_path / "raw" / DUO.raw_subdir / DUO.file_name
    good = broken.read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join([good[0], good[1].replace(";", ";veel;", 1).rsplit(";", 1)[0], *good[2:]]) + "\n",
                      encoding="utf-8")

    code, out = _refresh(tmp_path, capsys, "--json")

    assert code == 2
    record = json.loads(out)
    assert record["outcome"] == "failed"
    assert f"{DUO.file_name}, regel 2, kolom 'EXAMENKANDIDATEN" in record["build_error"]
    assert db.read_bytes() == before
    assert [r["outcome"] for r in read_log(db)] == ["ok", "failed"]


def test_the_log_survives_a_line_cut_off_by_a_crash(tmp_path):
    db = tmp_path / "w.duckdb"
    assert last_refresh(db) is None
    (tmp_path / LOG_NAME).write_text('{"outcome": "ok", "started_at": "x"}\n{"outcome": "fai', encoding="utf-8")
    append_record(db, {"outcome": "partial", "started_at": "y"})
    assert [r["outcome"] for r in read_log(db)] == ["ok", "partial"]
    assert last_refresh(db) == {"outcome": "partial", "started_at": "y"}


@pytest.fixture
def bronnen_on(monkeypatch, demo_db, tmp_path):
    """Run the Bronnen page on a copy of the demo warehouse; DUO's vo files retrieved three days ago."""
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0).isoformat()
    with duckdb.connect(str(db)) as con:
        con.execute("update raw_file set retrieved_at = ? where source_id = 'duo_vo_examens'", [three_days_ago])

    def run() -> AppTest:
        monkeypatch.setenv(DB_ENV, str(db))
        return AppTest.from_file(str(ROOT / "pages" / "bronnen.py"), default_timeout=60).run()
    return db, run


def test_bronnen_page_shows_the_last_refresh_its_failures_and_the_age_of_every_source(bronnen_on):
    db, run = bronnen_on
    append_record(db, {"started_at": "2026-12-02T05:58:00+00:00", "finished_at": "2026-12-02T06:00:00+00:00",
                       "outcome": "partial", "db": str(db), "build_error": None, "is_demo": True, "sources": [
                           {"group": "duo", "fetched": ["duo/vo_examenkandidaten/x.csv"], "errors": [],
                            "new_periods": {"duo_vo_examens": ["2024-2025"]},
                            "titles": {"duo_vo_examens": "DUO, Examenkandidaten en geslaagden vo"}},
                           {"group": "uwv", "fetched": [], "errors": ["uwv_open_match: CKAN gaf HTTP 503."],
                            "new_periods": {}, "titles": {}}]})
    at = run()
    assert not at.exception
    (warning,) = [w for w in at.warning if "Verversing van" in w.value]  # the other warning is the demo banner
    assert warning.value.startswith("**Verversing van 2 dec 2026 07:00** — Gedeeltelijk gelukt: ")
    assert warning.icon == ":material/warning:"
    texts = [m.value for m in at.markdown]
    assert r"**UWV niet opgehaald:** uwv\_open\_match: CKAN gaf HTTP 503." in texts
    assert "**Nieuwe perioden:** DUO, Examenkandidaten en geslaagden vo: 2024/25." in texts
    assert any(c.value.startswith("Let op: alle bronnen hieronder zijn demodata") for c in at.caption)
    ages = at.table[0].value
    assert list(ages.columns) == ["Bron", "Laatste periode", "Actualiteit"]
    vo = ages[ages["Bron"] == "DUO, Examenkandidaten en geslaagden vo"].iloc[0]
    assert vo["Actualiteit"].startswith("opgehaald 3 dagen geleden (") and vo["Laatste periode"] == "2023/24"
    assert (ages["Actualiteit"] == "demodata (gegenereerd, niet opgehaald)").sum() == len(ages) - 1
    assert not any("python -m etl refresh" in i.value for i in at.info)  # no set-up hint once a refresh ran
    assert any("Demodata" in w.value for w in at.warning)  # the demo banner stays


def test_bronnen_page_names_a_failed_build_and_without_a_log_says_how_to_set_one_up(bronnen_on):
    db, run = bronnen_on
    at = run()
    assert not at.exception
    hint = [i.value for i in at.info if "python -m etl refresh" in i.value]
    assert hint and "docs/deploy.md" in hint[0] and hint[0].startswith("Er is nog geen verversing geweest.")
    assert at.table[0].value.shape[0] > 0  # the age of every source is shown all the same

    append_record(db, {"started_at": "2026-07-01T04:00:00+00:00", "finished_at": "2026-07-01T04:05:00+00:00",
                       "outcome": "failed", "db": str(db), "build_error": "raw/x.csv, regel 2: kapot",
                       "is_demo": None, "sources": []})
    at = run()
    (error,) = [e for e in at.error if "Verversing van" in e.value]
    assert error.value.startswith("**Verversing van 1 jul 2026 06:05** — Mislukt: ")
    assert error.icon == ":material/cancel:"
    assert "**Bouwen mislukt:** raw/x.csv, regel 2: kapot" in [m.value for m in at.markdown]
