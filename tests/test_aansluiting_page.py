"""The page 'Aansluiting onderwijs–arbeidsmarkt' under AppTest: supply against demand per domain on the demo, the
drill-down, the caveats on every state, and the empty states when a source or a common year is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.build import build
from tests.conftest import ROOT
from ui.data import DB_ENV
from warehouse.catalog import CATALOGUE

PAGE = ROOT / "pages" / "aansluiting.py"


@pytest.fixture
def page_on(monkeypatch):
    def run(db: Path, region: str | None = None) -> AppTest:
        monkeypatch.setenv(DB_ENV, str(db))
        at = AppTest.from_file(str(PAGE), default_timeout=60)
        if region:
            at.query_params["regio"] = region
        return at.run()
    return run


def _caveats_shown(at: AppTest) -> bool:
    shown = {c.value for c in at.caption}
    return all(f"Let op: {caveat}" in shown for caveat in CATALOGUE["mismatch_ratio"].caveats)


def test_supply_against_demand_per_domain_on_the_demo(page_on, demo_db):
    at = page_on(demo_db)
    assert not at.exception
    assert any("Demodata" in w.value for w in at.warning)
    assert at.subheader[0].value.startswith("Aanbod tegen vraag per domein — Flevoland")
    # bars per domain, Flevoland against Nederland, the trend, per level, per municipality
    assert len(at.get("vega_lite_chart")) == 5
    table = at.table[0].value
    assert len(table) == 6 and "ICT" in set(table["Domein"])
    ratio = next(c for c in table.columns if c.startswith("Gediplomeerden per vacature"))
    assert table[ratio].str.fullmatch(r"\d+,\d{2}( \(\d+,\d{2}–\d+,\d{2}\))?").all()  # Dutch decimals, margins
    assert table["Ontwikkeling"].str.fullmatch(r"[▲▼] \d+,\d{2} (?:hoger|lager) dan in \d{4}|gelijk aan \d{4}").all()
    captions = [c.value for c in at.caption]
    assert sum(c.startswith("Bron: DUO, Gediplomeerde mbo-studenten (demodata)") for c in captions) == 5
    assert any("gemiddelde van 5 maandstanden, jan 2023 t/m mei 2023" in c for c in captions)
    assert _caveats_shown(at)
    assert any(c.startswith("Let op: ") and "valt in geen domein" in c for c in captions)


def test_drill_down_by_domain_and_year(page_on, demo_db):
    at = page_on(demo_db)
    at.selectbox(key="aansluiting_domein").set_value("ict").run()
    years = at.selectbox(key="aansluiting_jaar").options
    assert years == sorted(years, reverse=True)
    oldest = years[-1]
    at.selectbox(key="aansluiting_jaar").set_value(oldest).run()
    assert not at.exception
    assert any(m.value == f"**ICT: gediplomeerden en vacatures per Flevolandse gemeente, {oldest}**"
               for m in at.markdown)
    # The oldest diploma year precedes UWV's data: the municipalities' caption says there are no vacancies for it.
    assert any("Periode: " + oldest in c.value and "geen vacaturegegevens in dit jaar" in c.value for c in at.caption)


def test_a_missing_source_shows_an_empty_state_with_the_caveats(page_on, demo_raw, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw, ignore=shutil.ignore_patterns("uwv"))
    build(raw, tmp_path / "w.duckdb", progress=False)
    at = page_on(tmp_path / "w.duckdb")
    assert not at.exception
    assert "python -m etl fetch --source uwv" in at.info[0].value
    assert "--source duo" not in at.info[0].value
    assert not at.get("vega_lite_chart") and _caveats_shown(at)


def test_both_sources_missing(page_on, small_db):
    at = page_on(small_db)
    assert not at.exception
    assert "--source duo" in at.info[0].value and "--source uwv" in at.info[0].value


def test_a_region_without_a_common_year_says_which_years_each_side_has(page_on, demo_db):
    at = page_on(demo_db, region="GM0184")  # Urk: vacancies, but no institution and so no graduates
    assert not at.exception
    assert "geen jaar met zowel gediplomeerden als vacatures" in at.info[0].value
    assert "gediplomeerden: geen; vacatures: 2022, 2023" in at.info[0].value
    assert _caveats_shown(at)
