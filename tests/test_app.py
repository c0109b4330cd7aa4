"""Every page runs headless under AppTest without exceptions and shows its key content."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.build import build
from etl.sources.duo_vo_exams import header_for
from tests.conftest import ROOT
from ui.data import DB_ENV
from warehouse.connection import connect
from warehouse.periods import start_years

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


def test_app_frame_opens_on_the_overview(app_on, demo_db):
    at = app_on(ROOT / "app.py", demo_db)
    assert not at.exception
    assert at.title[0].value == "Overzicht"


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
    assert list(overview.columns) == ["Indicator", "Periode", "Flevoland", "Nederland", "Bron en status"]
    vmbo = overview.set_index("Indicator").loc["Aandeel vmbo-examenkandidaten in sector techniek"]
    assert vmbo["Periode"] == "2023/24" and "%" in vmbo["Flevoland"]
    assert vmbo["Bron en status"] == "DUO, Examenkandidaten en geslaagden vo (demodata); definitief"


def test_overview_on_real_data_says_how_fresh_its_source_is(app_on, real_db):
    at = app_on(ROOT / "pages" / "overzicht.py", real_db)
    assert not at.exception
    assert not any("Demodata" in w.value for w in at.warning)
    # Built from a copied file without a fetch manifest: added by hand, never called demo data.
    assert [e.label for e in at.expander] == ["Actualiteit van de bronnen: 1 bron — 1 handmatig toegevoegd"]
    assert any(c.value == "Bron: DUO · 2019/20–2023/24 · definitief" for c in at.caption)


def test_inventory_page_on_real_data_has_no_demo_banner(app_on, real_db):
    at = app_on(ROOT / "pages" / "inhoud.py", real_db)
    assert not at.exception
    assert not any("Demodata" in w.value for w in at.warning)
    assert at.table[0].value.query("Tabel == 'fact_vo_exam'").iloc[0]["Gegevens"] == "Echt"


def test_overview_shows_headline_metrics_with_nl_and_caption(app_on, demo_db):
    at = app_on(ROOT / "pages" / "overzicht.py", demo_db)
    labels = {m.label: m.value for m in at.metric}
    share = labels["Aandeel vmbo-examenkandidaten in sector techniek"]
    assert share.endswith("%") and "," in share  # Dutch decimal comma
    margin = next(c for c in at.caption if c.value.startswith("Marge: "))
    assert "onderdrukte" in margin.proto.help and re.fullmatch(r"Marge: \d+,\d%–\d+,\d%", margin.value)
    assert any(re.fullmatch(r".* in 2023/24\. Nederland: \*\*\d+,\d%\*\*\.", c.value) for c in at.caption)
    # Each tile names its source, period and status; the full source name is its help and, on paper, a footnote.
    source = next(c for c in at.caption if c.value == "Bron: DUO (demodata) · 2019/20–2023/24 · definitief")
    assert source.proto.help == "DUO, Examenkandidaten en geslaagden vo (demodata)"
    footnote = next(c.value for c in at.caption if c.value.startswith("Bronnen van de kernindicatoren: "))
    assert "DUO, Examenkandidaten en geslaagden vo (demodata)" in footnote
    assert [e.label for e in at.expander] == ["Actualiteit van de bronnen: 14 bronnen — 14 demodata (gegenereerd)"]


def test_region_and_period_filters_follow_the_url(app_on, demo_db, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "overzicht.py"), default_timeout=60)
    at.query_params.update({"regio": "GM0184", "van": "2021", "tot": "2022"})
    at.run()
    assert not at.exception
    assert at.selectbox(key="filter_region").value == "GM0184"
    assert at.select_slider(key="filter_years").value == (2021, 2022)
    assert at.subheader[0].value == "Kernindicatoren — Urk"
    # A change in the sidebar is written back to the URL, so a copied link reproduces the view.
    at.selectbox(key="filter_region").set_value("GM0995").run()
    assert at.query_params == {"regio": "GM0995", "van": "2021", "tot": "2022"}
    at.select_slider(key="filter_years").set_range(2020, 2023).run()
    assert at.query_params == {"regio": "GM0995", "van": "2020", "tot": "2023"}


def test_unknown_url_values_fall_back_to_defaults(app_on, demo_db, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "overzicht.py"), default_timeout=60)
    at.query_params.update({"regio": "XX99", "van": "abc"})
    at.run()
    assert not at.exception
    assert at.selectbox(key="filter_region").value == "PV24"
    available = start_years(connect(demo_db))
    assert at.select_slider(key="filter_years").value == (available[0], available[-1])


def test_supply_page_switches_indicator(app_on, demo_db):
    at = app_on(ROOT / "pages" / "aanbod.py", demo_db)
    assert len(at.get("vega_lite_chart")) == 9  # chain (four levels), trend, map, bars, vmbo and havo/vwo by sex
    assert not any("Totalen:" in c.value for c in at.caption)  # a share: Flevoland and NL are bars of their own
    at.radio(key="aanbod_indicator").set_value("vmbo_tech_candidates").run()
    assert not at.exception
    assert any("Aantal examenkandidaten vmbo in de sector techniek" in c.value for c in at.caption)
    # A count: the province's and the country's sums would dwarf the municipalities' bars, so they are named.
    total = r"[\d.]+( \([\d.]+–[\d.]+\))?"  # with the margin of suppressed cells, if any
    assert any(re.search(f"Totalen: Flevoland {total}, Nederland {total}\\.", c.value) for c in at.caption)


def test_labour_market_page_shows_counts_against_the_country_as_an_index(app_on, demo_db):
    at = app_on(ROOT / "pages" / "arbeidsmarkt.py", demo_db)
    assert not at.exception
    indexed = [c.value for c in at.caption if "Index: elke reeks gedeeld door haar eigen aantal" in c.value]
    assert len(indexed) == 2  # technical graduates and vacancies; unemployment (a share) and tension keep their unit
    assert all(re.search(r"Laatste aantallen( \(.+?\))?: Flevoland [\d.]+", c) for c in indexed)


def test_sources_page_lists_every_indicator(app_on, demo_db):
    at = app_on(ROOT / "pages" / "bronnen.py", demo_db)
    from warehouse.catalog import CATALOGUE
    assert len(at.expander) == len(CATALOGUE)
    assert any("in het datawarehouse" in e.label for e in at.expander)


def test_sources_page_says_which_periods_a_newer_edition_took_over(app_on, tmp_path):
    small = (ROOT / "tests" / "fixtures" / "duo_vo_small.csv").read_bytes()
    folder = tmp_path / "raw" / "duo" / "vo_examenkandidaten"
    folder.mkdir(parents=True)
    (folder / "nieuw.csv").write_bytes(small)
    older = small.decode("utf-8").split("\r\n")
    older[0] = ";".join(f'"{c}"' for c in header_for(["2021-2022", "2022-2023"]))  # an edition a year older
    (folder / "oud.csv").write_text("\r\n".join(older), encoding="utf-8", newline="")
    build(tmp_path / "raw", tmp_path / "w.duckdb", progress=False)
    at = app_on(ROOT / "pages" / "bronnen.py", tmp_path / "w.duckdb")
    assert not at.exception
    files = at.table[-1].value
    assert list(files.columns) == ["Bestand", "Opgehaald", "Opmerking"]
    assert files.set_index("Bestand").loc["duo/vo_examenkandidaten/oud.csv", "Opmerking"] == (
        "levert periode 2022-2023 niet: de nieuwere editie duo/vo_examenkandidaten/nieuw.csv (tot 2023-2024) "
        "vervangt die")


def test_explorer_groups_a_table_and_guards_the_sql_box(app_on, demo_db):
    at = app_on(ROOT / "pages" / "verkenner.py", demo_db)
    at.selectbox(key="verkenner_table").set_value("fact_vo_exam").run()
    at.multiselect(key="verkenner_group").set_value(["school_year", "level"]).run()
    at.multiselect(key="verkenner_measures").set_value(["candidates_low", "candidates_high"]).run()
    assert not at.exception
    grouped = at.dataframe[-1].value
    assert list(grouped.columns) == ["schooljaar", "onderwijsniveau", "examenkandidaten (ondergrens)",
                                     "examenkandidaten (bovengrens)"]  # Dutch headers
    assert len(grouped) == 5 * 3
    at.text_area(key="verkenner_sql").input("select * from read_csv('/etc/passwd')").run()
    at.button(key="verkenner_sql_run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Bestanden, internet en extensies zijn niet bereikbaar vanuit de SQL-box; alleen de tabellen van het "
        "datawarehouse."]


def test_retention_page_shows_where_mbo_students_study(app_on, demo_db):
    at = app_on(ROOT / "pages" / "behoud.py", demo_db)
    assert at.subheader[-1].value == "Waar studeren mbo-studenten uit Flevoland (provincie)?"
    flows_caption = next(c.value for c in at.caption if c.value.startswith("Bron: DUO, mbo-studenten per woongemeente"))
    assert "studeert bij een instelling in de regio zelf" in flows_caption and "%" in flows_caption
    at.select_slider(key="behoud_school_year").set_value(at.select_slider(key="behoud_school_year").options[0]).run()
    assert not at.exception


@pytest.fixture(scope="module")
def plan_db(tmp_path_factory, demo_db):
    """The demo warehouse with the test plan of action and one monthly report committed and approved (as demo
    uploads: the pages run in demo mode, which a real upload would switch off)."""
    from etl.workbooks.commit import commit_upload, review_upload
    from tests.test_workbook_support import monthly_file, plan_file

    tmp = tmp_path_factory.mktemp("plan_db")
    db = tmp / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    commit_upload(plan_file(tmp), "Demo Analist", tmp / "uploads", db, demo=True)
    report = commit_upload(monthly_file(tmp), "Demo Leider", tmp / "uploads", db, demo=True).upload
    review_upload(report.upload_id, "goedgekeurd", "", "Demo Analist", tmp / "uploads", db)  # the pages count it
    return db


def test_subproject_page_shows_progress_milestones_and_reports(app_on, plan_db):
    at = app_on(ROOT / "pages" / "deelprojecten.py", plan_db)
    assert not at.exception
    assert [s.value for s in at.subheader] == ["KPI's tegen hun doel", "Mijlpalen", "Acties", "Maandrapportages",
                                               "Van acties naar effect"]
    # The logic chain ends in the effect on the outcome KPI's indicator; ALM started in 2025, after the last school
    # year with exam data, so the page says why there is no estimate yet instead of showing one.
    assert "**Uitkomst (effect)**" in [m.value for m in at.markdown]
    assert any("Startjaar 2025" in c.value and "valt buiten het panel" in c.value for c in at.caption)
    progress = at.table[0].value
    assert list(progress["Status"]) == ["achter"] and progress["KPI"].tolist() == ["Leerlingen bereikt"]
    at.selectbox(key="deelprojecten_subproject").set_value("LEL").run()
    assert not at.exception and "Lelystad" in at.markdown[0].value


def test_overview_cards_show_status_in_words(app_on, plan_db):
    at = app_on(ROOT / "pages" / "overzicht.py", plan_db)
    assert not at.exception
    assert any("Leerlingen bereikt: **achter**" in m.value and ":material/cancel:" in m.value for m in at.markdown)


def test_effects_page_gives_a_dutch_verdict_per_method(app_on, demo_db):
    at = app_on(ROOT / "pages" / "effecten.py", demo_db)
    assert not at.exception
    verdicts = [m.value for m in at.markdown if m.value.startswith("**")]
    assert [v.split(".**")[0] for v in verdicts] == ["**Verschil-in-verschillen", "**Synthetische controle"]
    assert all("procentpunt" in v and "95%-interval" in v for v in verdicts)
    assert len(at.get("vega_lite_chart")) == 2
    at.selectbox(key="effecten_unit").set_value("GM0184").run()
    assert not at.exception and any("Regio Deal" in c.value for c in at.caption)


def test_supply_page_compares_a_municipality_with_similar_ones(app_on, demo_db, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "aanbod.py"), default_timeout=60)
    at.query_params["regio"] = "GM0995"
    at.run()
    assert not at.exception
    assert "Lelystad tegen vergelijkbare gemeenten" in [s.value for s in at.subheader]
    assert any("Vergelijkbaar: de acht gemeenten buiten Flevoland" in c.value for c in at.caption)


def test_upload_history_shows_the_newest_and_filters_by_subproject_and_status(app_on, demo_db, demo_uploads,
                                                                             monkeypatch):
    monkeypatch.setenv("TECHNIEKMONITOR_UPLOADS", str(demo_uploads))
    at = app_on(ROOT / "pages" / "upload.py", demo_db)
    assert not at.exception
    history = at.table[-1].value
    assert len(history) == 25 and any("De nieuwste 25 van 145 uploads" in c.value for c in at.caption)
    at.selectbox(key="upload_history_kind").set_value("URK").run()
    history = at.table[-1].value
    assert set(history["Soort"].str.split().str[1]) == {"URK"} and len(history) <= 25
    at.selectbox(key="upload_history_kind").set_value("alle").run()
    at.selectbox(key="upload_history_status").set_value("ingetrokken").run()
    history = at.table[-1].value
    assert list(history["Status"]) == ["ingetrokken"] and not at.exception
    assert any(c.value == "1 upload." for c in at.caption)  # the noun agrees with the number


def test_upload_page_offers_templates_and_refuses_a_malformed_month(app_on, demo_db, demo_uploads, monkeypatch):
    monkeypatch.setenv("TECHNIEKMONITOR_UPLOADS", str(demo_uploads))
    at = app_on(ROOT / "pages" / "upload.py", demo_db)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Sjabloon plan van aanpak" in labels and "Sjabloon maandrapportage" in labels
    at.text_input(key="upload_template_month").set_value("okt 2026").run()
    assert not at.exception and any("JJJJ-MM" in w.value for w in at.warning)
    assert "Sjabloon maandrapportage" not in [b.proto.label for b in at.get("download_button")]
