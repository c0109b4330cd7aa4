"""Every page runs headless under AppTest without exceptions and shows its key content."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.data import DB_ENV

PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.fixture
def app_on(monkeypatch):
    def run(script: Path, db: Path) -> AppTest:
        monkeypatch.setenv(DB_ENV, str(db))
        return AppTest.from_file(str(script), default_timeout=60).run()
    return run


def test_there_are_pages():
    assert PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_runs_on_demo_data_and_shows_the_demo_banner(app_on, demo_db, page):
    at = app_on(page, demo_db)
    assert not at.exception
    assert any("Demodata" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_without_warehouse_explains_how_to_build_it(app_on, tmp_path, page):
    at = app_on(page, tmp_path / "geen.duckdb")
    assert not at.exception
    assert any("python -m etl build" in w.value for w in at.warning)


def test_app_frame_runs(app_on, demo_db):
    at = app_on(ROOT / "app.py", demo_db)
    assert not at.exception
    assert at.title[0].value == "Inhoud van het datawarehouse"


def test_inventory_page_content(app_on, demo_db):
    at = app_on(ROOT / "pages" / "inhoud.py", demo_db)
    tables = at.table[0].value
    assert "fact_vo_exam" in set(tables["Tabel"])
    fact = tables[tables["Tabel"] == "fact_vo_exam"].iloc[0]
    assert fact["Gegevens"] == "Demodata" and fact["Periode"] == "2019-2020 t/m 2023-2024"
    assert "." in fact["Rijen"] or len(fact["Rijen"]) <= 3  # Dutch thousands separator
    assert not tables.apply(lambda column: column.astype(str).str.contains("nan|None")).any().any()
    assert tables.set_index("Tabel").loc["region", "Periode"] == "–"
    overview = at.table[-1].value
    assert list(overview.columns) == ["Indicator", "Flevoland", "Nederland"]
    assert overview["Flevoland"].str.contains("%").any()
    assert any("demodata" in c.value and "Periode: schooljaar 2023-2024" in c.value for c in at.caption)


def test_inventory_page_on_real_data_has_no_demo_banner(app_on, real_db):
    at = app_on(ROOT / "pages" / "inhoud.py", real_db)
    assert not at.exception
    assert not any("Demodata" in w.value for w in at.warning)
    assert at.table[0].value.query("Tabel == 'fact_vo_exam'").iloc[0]["Gegevens"] == "Echt"
