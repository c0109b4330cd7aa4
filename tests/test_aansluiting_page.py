"""The page 'Aansluiting onderwijs–arbeidsmarkt' under AppTest: supply against demand per domain on the demo, the
drill-down, the caveats on every state, the empty states when a source or a common year is missing, and the signals
from the field: counted per domain as the warehouse counts them, searchable, with the plan's actions per domain."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.build import build
from tests.conftest import ROOT
from ui.data import DB_ENV
from warehouse import signals
from warehouse.catalog import CATALOGUE

PAGE = ROOT / "pages" / "aansluiting.py"
MAX_TEXTS = 25  # pages/aansluiting.py lists the newest 25 signals


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
    # bars per domain, Flevoland against Nederland, the trend, per level, per municipality; signals per domain
    assert len(at.get("vega_lite_chart")) == 6
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


def _signals_table(at: AppTest, column: str):
    """The first table on the page with this column."""
    return next(t.value for t in at.table if column in t.value.columns)


def test_signals_per_domain_then_the_texts_searchable_and_the_actions(page_on, demo_db):
    at = page_on(demo_db)
    assert not at.exception
    assert any(h.value == "Signalen uit het veld — Flevoland (provincie)" for h in at.subheader)
    con = duckdb.connect(str(demo_db), read_only=True)
    try:  # by default only approved reports count, as everywhere for the steering group
        expected = signals.per_domain(con, "PV24", ()).set_index("domein")["signals"]
        total = len(signals.signals(con, "PV24", ()))
        bbl = len(signals.signals(con, "PV24", (), "BBL"))
        linked = signals.domain_actions(con, "PV24", ())
    finally:
        con.close()
    assert expected.sum() == total > 0 and 0 < bbl < total
    counts = _signals_table(at, "Meest gemeld").set_index("Domein")
    assert counts["Totaal"].to_dict() == {name: str(n) for name, n in expected.items()}
    assert list(counts.index) == list(expected.index)  # every domain, in the reference file's order
    assert {"Almere", "Lelystad"} <= set(counts.columns)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Bron: maandrapportages van de deelprojecten (demodata). Periode: ") and
               "Status: alleen goedgekeurde maandrapportages tellen mee." in c for c in captions)
    texts = _signals_table(at, "Omschrijving")
    assert total > MAX_TEXTS and len(texts) == MAX_TEXTS  # the newest; the search finds the others
    assert list(texts.columns) == [
        "Datum", "Gemeente", "Domein", "Soort", "Omschrijving", "Actie in het plan", "Gemeld via"]
    assert any(c.value.startswith(f"De nieuwste {MAX_TEXTS} van {total} signalen; zoek") for c in at.caption)
    assert texts["Datum"].str.fullmatch(r"\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4}").all()
    actions = _signals_table(at, "Laatste signaal")
    assert len(actions) == len(linked) and actions["Actie"].str.match(r"[A-Z]{3}-A\d: ").all()

    at.text_input(key="aansluiting_zoek").set_value("BBL").run()
    assert not at.exception
    found = _signals_table(at, "Omschrijving")
    # the search reads the description and the linked action ("Stage- en BBL-bank ...") among others
    assert len(found) == bbl and (found["Omschrijving"] + found["Actie in het plan"]).str.contains("BBL").all()
    assert any(c.value.startswith(f"{bbl} van {total} signalen met 'BBL', nieuwste eerst.") for c in at.caption)

    at.text_input(key="aansluiting_zoek").set_value("geen-signaal-heet-zo").run()
    assert any("Geen signaal bevat 'geen-signaal-heet-zo'" in i.value for i in at.info)


def test_signals_of_one_municipality_and_none_without_reports(page_on, demo_db, small_db):
    at = page_on(demo_db, region="GM0184")  # Urk: no common year for supply and demand, its signals still show
    assert not at.exception
    texts = _signals_table(at, "Omschrijving")
    assert set(texts["Gemeente"]) == {"Urk"}
    at = page_on(small_db)  # no plan, no reports: the section says how signals arrive
    assert not at.exception
    assert any(i.value.startswith("Voor Flevoland (provincie) is nog geen signaal gemeld") for i in at.info)
