"""PDF reports (report/): the quarterly progress report and the municipal factsheet.

The PDFs' text (pdftotext, from Debian's poppler-utils) is compared with the public CLI `python -m warehouse
indicator`, page by page: each figure with its period and source, the page layout as designed, and the 'Demodata'
watermark on every page of a demo warehouse and nowhere in one without demo figures.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from etl.build import build
from report import buttons, cli, factsheet, make, render, voortgang
from report.errors import ReportError
from report.periods import Quarter, last_complete
from tests.conftest import FIXTURES, ROOT, raw_with, require
from ui import charts
from ui import format as fmt
from ui.data import DB_ENV
from warehouse.connection import connect
from warehouse.headline import HEADLINE
from warehouse.periods import ended_by
from warehouse.programme import kpi_progress
from warehouse.schema import schema_sql

QUARTER = last_complete(date.today())
WATERMARK = "Demodata"


@pytest.fixture(scope="module")
def pdftotext() -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext not installed (apt-get install poppler-utils)")
    return "pdftotext"


def pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of every page in drawing order (-raw), whitespace collapsed (a cell's text may wrap over lines)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def body(page: str) -> str:
    """A page's text without the watermark, which is drawn first on every page of a demo report."""
    return page.removeprefix(WATERMARK + " ")


def cli_records(db: Path, indicator: str, region: str, to_year: int) -> list[dict]:
    """What `python -m warehouse indicator` prints for the indicator, region and years up to `to_year`."""
    done = subprocess.run([sys.executable, "-m", "warehouse", "indicator", indicator, "--region", region, "--to",
                           str(to_year), "--db", str(db)], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def shown(record: dict, point: bool = False) -> str:
    """The record as the report prints it: the point value alone ('<5' for a hidden count), or with its margin."""
    unit, value, lower, upper = record["unit"], record["value"], record["lower"], record["upper"]
    if point and not (unit == "count" and (lower, upper) == (1, 4)):
        return fmt.indicator_value(unit, value, value, value)
    return fmt.indicator_value(unit, value, lower, upper)


@pytest.fixture(scope="module")
def demo_report(demo_db: Path, tmp_path_factory, pdftotext) -> tuple[list[str], int]:
    result = make.voortgang_pdf(demo_db, QUARTER)
    return pages(result.data, tmp_path_factory.mktemp("demo_report")), result.pages


@pytest.fixture(scope="module")
def suppressed_db(tmp_path_factory) -> Path:
    """The small DUO fixture with Urk's vmbo techniek candidates of 2023-2024 hidden as '<5' (no demo data)."""
    text = (FIXTURES / "duo_vo_small.csv").read_text(encoding="utf-8")
    urk = next(line for line in text.splitlines() if "Testschool Urk" in line)
    fields = urk.split(";")
    fields[-9:] = ['"<5"', '"<5"', '"100"', '"0"', '"0"', '"0"', '"<5"', '"<5"', '"100"']
    tmp = tmp_path_factory.mktemp("suppressed")
    raw = raw_with(tmp, "small.csv", text.replace(urk, ";".join(fields)))
    build(raw, tmp / "w.duckdb", progress=False)
    return tmp / "w.duckdb"


# --- the quarterly progress report -------------------------------------------------------------------------------

def test_the_progress_report_has_the_pages_as_designed(demo_db, demo_report):
    texts, count = demo_report
    with connect(demo_db) as con:
        names = [row[0] for row in con.execute("select name from subproject order by subproject_code").fetchall()]
    assert count == len(texts)
    assert body(texts[0]).startswith("TOPTECHNIEK IN BEDRIJF FLEVOLAND Voortgangsrapportage")
    assert f"{QUARTER.label} · Flevoland" in texts[0] and "Stand van de gegevens" in texts[0]
    assert body(texts[1]).startswith("Kernindicatoren — Flevoland")
    # One page per subproject, in the plan's order, each complete on its page (its source line closes it).
    for page, name in zip(texts[2:2 + len(names)], names, strict=True):
        assert body(page).startswith(f"Deelproject {name}"), page[:80]
        assert "KPI's tegen hun doelpad" in page and "Mijlpalen" in page and "Acties" in page
        assert f"Maandrapportages {QUARTER.label}" in page and "Toelichting van het deelproject" in page
        assert "Bron: Plan van aanpak" in page
    effects = texts[2 + len(names)]
    assert body(effects).startswith("Effecten van de deelprojecten") and "Kanttekeningen" in effects
    assert "Geen aantoonbaar effect" in effects or "Aanwijzing voor een" in effects
    appendix = texts[3 + len(names):]
    assert appendix and body(appendix[0]).startswith("Bijlage: definities en bronnen")
    # Every page after the cover names its section in the running header, before the report's title.
    header = f"Voortgangsrapportage {QUARTER.label} · Flevoland"
    assert all(f"Bijlage: definities en bronnen {header}" in page for page in appendix)
    assert all(f"Deelproject {name} {header}" in page for page, name in zip(texts[2:], names, strict=False))
    assert "Rekenregels" in " ".join(appendix) and "KPI's van de deelprojecten" in " ".join(appendix)
    # Page numbers in the footer say where a page stands.
    assert all(f"pagina {i} van {count}" in page for i, page in enumerate(texts, start=1))


def test_the_headline_figures_are_those_of_the_cli_for_that_quarter(demo_db, demo_report):
    texts, _ = demo_report
    headline_page = texts[1]
    with connect(demo_db) as con:
        ended = ended_by(con, QUARTER.end)
    for indicator in HEADLINE:
        records = [r for r in cli_records(demo_db, indicator, "PV24", QUARTER.year) if r["period"] in ended]
        assert records, indicator
        latest = records[-1]
        national = next(r for r in cli_records(demo_db, indicator, "NL", QUARTER.year)
                        if r["period"] == latest["period"])
        period = fmt.period_label(latest["period"])
        assert f"{shown(latest, point=True)} " in headline_page, indicator
        assert f"Periode {period} · {latest['status']}" in headline_page, indicator
        assert f"Nederland ({period}): {shown(national)}" in headline_page, indicator
        assert f"Bron: {latest['source']}" in headline_page, indicator
        if latest["lower"] != latest["upper"]:
            low, high = ({**latest, "value": latest[b]} for b in ("lower", "upper"))
            assert f"marge {shown(low, point=True)}–{shown(high, point=True)}" in headline_page, indicator
        # The appendix defines every indicator printed, with its source.
        assert f"({indicator};" in " ".join(texts[-3:])


def test_a_demo_warehouse_gives_the_watermark_on_every_page(demo_report):
    texts, _ = demo_report
    assert all(page.startswith(WATERMARK + " ") for page in texts)  # drawn first, under the page's content
    assert all("· demodata pagina" in page for page in texts)  # and said in every footer


def test_a_warehouse_without_demo_figures_gives_no_watermark_and_five_pages(small_db, tmp_path, pdftotext):
    result = make.voortgang_pdf(small_db, "2024-Q3")
    texts = pages(result.data, tmp_path)
    assert result.pages == len(texts) == 5  # cover, headline indicators, no plan yet, effects, appendix
    assert not any("demodata" in page.lower() for page in texts)
    assert body(texts[2]).startswith("Deelprojecten") and "Nog geen plan van aanpak" in texts[2]
    # Sources not in this warehouse have no figures, and say so instead of printing a zero.
    assert texts[1].count("Geen gegevens Geen cijfers voor Flevoland") == 4


def test_a_report_on_a_past_quarter_leaves_out_later_periods(small_db, tmp_path, pdftotext):
    # School year 2023-2024 ended on 31 July 2024: in the report on 2024-Q3, not in the one on 2023-Q4.
    later = " ".join(pages(make.voortgang_pdf(small_db, "2024-Q3").data, tmp_path)[:2])
    earlier = " ".join(pages(make.voortgang_pdf(small_db, "2023-Q4").data, tmp_path)[:2])
    assert "Periode 2023/24" in later and "Periode 2023/24" not in earlier and "Periode 2022/23" in earlier


def test_kpi_progress_ignores_a_report_on_a_month_after_its_measuring_day():
    con = duckdb.connect()
    con.execute(schema_sql())
    con.execute("insert into kpi (kpi_code, name, unit, kind, accumulation, direction, baseline_value) values "
                "('LLN', 'leerlingen', 'aantal', 'output', 'cumulatief', 'hoger is beter', 0)")
    con.execute("insert into kpi_target values ('ALM', 'LLN', '2026', 120, null)")
    con.executemany("insert into kpi_value (subproject_code, kpi_code, month, value) values ('ALM', 'LLN', ?, ?)",
                    [("2026-06", 60), ("2026-10", 100)])
    # The report on 2026-Q3 measures on 30 September: October's 100 (handed in early or later) does not count.
    lln = kpi_progress(con, "ALM", date(2026, 10, 1)).iloc[0]
    assert lln["actual"] == 60 and lln["expected"] == pytest.approx(120 * 273 / 365)


# --- the municipal factsheet ---------------------------------------------------------------------------------------

def test_the_factsheet_is_one_page_with_the_cli_figures_and_the_watermark(demo_db, tmp_path, pdftotext):
    result = make.factsheet_pdf(demo_db, "GM0034")
    texts = pages(result.data, tmp_path)
    assert result.pages == len(texts) == 1
    page = texts[0]
    assert page.startswith(f"{WATERMARK} TOPTECHNIEK IN BEDRIJF FLEVOLAND Factsheet techniek — Almere")
    for indicator in ("vmbo_tech_share", "havo_vwo_nt_share", "mbo_tech_students", "ho_tech_share",
                      "youth_retention_5y", "tech_vacancies"):
        own = cli_records(demo_db, indicator, "GM0034", 2100)[-1]
        flevoland, nederland = (next(r for r in cli_records(demo_db, indicator, code, 2100)
                                     if r["period"] == own["period"]) for code in ("PV24", "NL"))
        row = f"{shown(own)} {shown(flevoland)} {shown(nederland)} {fmt.period_label(own['period'])}"
        assert row in page, indicator
        assert own["source"] in page, indicator
    assert "Deelproject: Techniek Dichtbij Almere" in page
    assert "'–': geen cijfers voor Almere (Werk · werkloosheid (beroepsbevolking))" in page


def test_the_factsheet_shows_a_hidden_count_as_under_5_and_no_watermark_without_demo_data(suppressed_db, tmp_path,
                                                                                       pdftotext):
    urk = cli_records(suppressed_db, "vmbo_tech_candidates", "GM0184", 2100)[-1]
    assert (urk["period"], urk["lower"], urk["upper"]) == ("2023-2024", 1, 4)
    texts = pages(make.factsheet_pdf(suppressed_db, "Urk").data, tmp_path)
    assert len(texts) == 1 and "demodata" not in texts[0].lower()
    assert "vmbo · examenkandidaten techniek 1 <5 " in texts[0]
    assert "Urk heeft geen deelproject" in texts[0]


# --- the command line ----------------------------------------------------------------------------------------------

def test_the_commands_write_the_pdfs(demo_db, tmp_path, capsys):
    assert cli.main(["factsheet", "--region", "Almere", "--db", str(demo_db), "-o", str(tmp_path / "a.pdf")]) == 0
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert capsys.readouterr().out.strip() == f"{tmp_path / 'a.pdf'} geschreven (1 pagina)."


@pytest.mark.parametrize(("arguments", "message"), [
    (["voortgang", "--period", "2026-Q5"], "Periode '2026-Q5' is geen kwartaal. Schrijf JAAR-Qn, bijvoorbeeld"),
    (["voortgang", "--period", "derde kwartaal"], "Periode 'derde kwartaal' is geen kwartaal."),
    (["voortgang", "--period", "2099-Q1"], "Het 1e kwartaal 2099 (2099-Q1) is nog niet begonnen"),
    (["voortgang", "--period", "2026-Q3", "--region", "GM9999"], "Regio 'GM9999' bestaat niet."),
    (["factsheet", "--region", "PV24"], "Een factsheet is er per gemeente; Flevoland (PV24) is een provincie."),
    (["factsheet", "--region", "Atlantis"], "Regio 'Atlantis' bestaat niet."),
    (["factsheet"], "deze argumenten ontbreken: --region"),
    (["voortgang", "--period", "2026-Q3", "--from", "twee"], "argument --from: 'twee' is geen heel getal"),
])
def test_bad_arguments_give_a_dutch_message_and_exit_status_2(small_db, tmp_path, arguments, message):
    done = subprocess.run([sys.executable, "-m", "report", *arguments, "--db", str(small_db), "-o",
                           str(tmp_path / "uit.pdf")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and f"FOUT: {message}" in done.stderr
    assert not (tmp_path / "uit.pdf").exists()


def test_a_missing_warehouse_or_output_folder_is_a_dutch_message(tmp_path, capsys):
    assert cli.main(["factsheet", "--region", "GM0034", "--db", str(tmp_path / "geen.duckdb"), "-o",
                     str(tmp_path / "a.pdf")]) == 2
    assert "FOUT: Het datawarehouse" in capsys.readouterr().err
    assert cli.main(["factsheet", "--region", "GM0034", "-o", str(tmp_path / "geen" / "a.pdf")]) == 2
    assert "FOUT: De map" in capsys.readouterr().err


def test_quarters():
    assert Quarter.parse("2026-Q3") == Quarter.parse(" 2026q3 ") == Quarter(2026, 3)
    quarter = Quarter(2026, 3)
    assert (quarter.start, quarter.end, quarter.months) == (date(2026, 7, 1), date(2026, 9, 30),
                                                            ["2026-07", "2026-08", "2026-09"])
    assert quarter.label == "3e kwartaal 2026" and Quarter(2026, 4).next() == Quarter(2027, 1)
    assert last_complete(date(2026, 12, 2)) == quarter and last_complete(date(2026, 1, 5)) == Quarter(2025, 4)
    assert last_complete(date(2026, 12, 2), to_year=2022) == Quarter(2022, 4)
    with pytest.raises(ReportError, match="geen kwartaal"):
        Quarter.parse("2026-13")


def test_the_report_command_imports_no_streamlit():
    probe = "import sys, report.cli, report.make, report.voortgang, report.factsheet; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --- the buttons in the app -------------------------------------------------------------------------------------

@pytest.fixture
def deferred(monkeypatch) -> dict:
    """The callables the pages hand to st.download_button, by their deferred file id."""
    found: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, callable_, *args, **kwargs):
        file_id = original(self, callable_, *args, **kwargs)
        found[file_id] = callable_
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def _button(at: AppTest, key_part: str):
    return next(e for e in at.sidebar if type(e).__name__ == "DownloadButton" and key_part in e.proto.id)


def test_the_overview_button_makes_the_progress_report_for_the_current_filters(demo_db, monkeypatch, deferred,
                                                                              tmp_path, pdftotext):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "overzicht.py"), default_timeout=120)
    at.query_params["regio"] = "GM0034"
    at.run()
    assert not at.exception
    button = _button(at, "overzicht_pdf")
    assert button.proto.label == f"Voortgangsrapportage {QUARTER.label} (PDF)"
    assert button.proto.deferred_file_id in deferred
    texts = pages(deferred[button.proto.deferred_file_id](), tmp_path)
    assert body(texts[0]).startswith("TOPTECHNIEK IN BEDRIJF FLEVOLAND Voortgangsrapportage")
    assert f"{QUARTER.label} · Almere" in texts[0] and body(texts[2]).startswith("Deelproject Techniek Dichtbij")


def test_the_theme_pages_offer_the_factsheet_of_a_municipality_only(demo_db, monkeypatch, deferred):
    monkeypatch.setenv(DB_ENV, str(demo_db))
    for page in ("aanbod", "behoud", "arbeidsmarkt"):
        at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=120).run()
        assert not at.exception
        button = _button(at, "factsheet_pdf")
        assert button.proto.disabled and "Kies in de zijbalk een gemeente" in button.proto.help
    at = AppTest.from_file(str(ROOT / "pages" / "behoud.py"), default_timeout=120)
    at.query_params["regio"] = "GM0184"
    at.run()
    button = _button(at, "factsheet_pdf")
    assert not button.proto.disabled and button.proto.label == "Factsheet Urk (PDF)"
    assert deferred[button.proto.deferred_file_id]().startswith(b"%PDF")


def test_the_progress_button_follows_a_period_filter_that_ends_early():
    assert buttons.voortgang("w.duckdb", "PV24", "Flevoland", 2019, 2025, 2025, date(2026, 12, 2)).label == \
        "Voortgangsrapportage 3e kwartaal 2026 (PDF)"
    chosen = buttons.voortgang("w.duckdb", "PV24", "Flevoland", 2019, 2022, 2025, date(2026, 12, 2))
    assert chosen.label == "Voortgangsrapportage 4e kwartaal 2022 (PDF)"
    assert chosen.file_name == "voortgangsrapportage_2022-Q4_PV24.pdf"



def test_charts_are_drawn_as_vector_graphics_by_the_worker_process():
    frame = pd.DataFrame({"period": ["2022-2023", "2023-2024"], "value": [0.2, 0.25], "lower": [0.2, 0.24],
                          "upper": [0.2, 0.26], "unit": "share", "status": "definitief", "source": "DUO"})
    svg = render.Svg(charts.sparkline(frame, "share"), width=150).text
    assert svg.startswith("<svg") and "<image" not in svg  # vector, no embedded bitmap
    with pytest.raises(ValueError, match="Grafiek niet te tekenen"):
        render._converter().submit({"mark": "geen-mark"}).result()


def test_a_report_on_the_running_quarter_measures_at_the_end_of_last_month(demo_db, tmp_path, pdftotext):
    today = date.today()
    running = Quarter.containing(today)
    texts = pages(make.voortgang_pdf(demo_db, running).data, tmp_path)
    last_month_end = today.replace(day=1) - timedelta(days=1)  # before the running quarter's end, always
    assert f"Het {running.label} loopt nog" in texts[0]
    assert f"KPI's op {fmt.day(last_month_end)}:" in texts[2]


def test_the_reports_count_approved_monthly_reports_unless_asked_for_all(demo_db):
    # The demo leaves last month's reports unreviewed: the steering group's documents leave them out by default.
    last_month_end = date.today().replace(day=1) - timedelta(days=1)
    quarter, last_month = Quarter.containing(last_month_end), f"{last_month_end:%Y-%m}"
    con = connect(demo_db)
    try:
        region = make._region(con, "PV24")
        approved, every = voortgang.build(con, quarter, region), voortgang.build(con, quarter, region, reports=None)
        almere = make._region(con, "GM0034")
        sheets = factsheet.build(con, almere), factsheet.build(con, almere, reports=None)
    finally:
        con.close()
    months = [{n["month"] for s in report.subprojects for n in s.narratives} for report in (approved, every)]
    assert months[0] < months[1] and voortgang._month_label(last_month) in months[1] - months[0]
    assert "alleen goedgekeurde maandrapportages" in approved.programme_status
    assert "alle maandrapportages tellen mee" in every.programme_status
    assert sheets[1].subproject["narrative"]["month"] == fmt.period_label(last_month)
    assert sheets[0].subproject["narrative"]["month"] != fmt.period_label(last_month)
    assert "alleen goedgekeurde" in sheets[0].subproject["source"]
