"""End to end: the Streamlit app in a subprocess, driven by Playwright in Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ROOT
from ui import unknown_page

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
STARTUP_SECONDS = 60
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EXCEPTION = '[data-testid="stException"]'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""


def _log_tail(log: Path) -> str:
    return _log_text(log)[-3000:]


def _wait_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    """Wait until Streamlit's health endpoint answers 'ok'; fail with the server log otherwise."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Streamlit stopped with exit code {process.returncode}:\n{_log_tail(log)}")
        try:
            if requests.get(f"{base}/_stcore/health", timeout=2).text.strip() == "ok":
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"Streamlit did not become healthy within {STARTUP_SECONDS} s:\n{_log_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def start_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Factory: start `streamlit run app.py` on a free port against a warehouse file; returns the base URL.

    Every server started through it is terminated when the test ends, whatever the outcome.
    """
    processes: list[subprocess.Popen[bytes]] = []

    def start(db: Path, uploads: Path | None = None, env: dict[str, str] | None = None,
              args: tuple[str, ...] = ()) -> str:
        port = _free_port()
        log = tmp_path_factory.mktemp("streamlit") / f"streamlit-{port}.log"
        start.logs[f"http://127.0.0.1:{port}"] = log
        env = {**os.environ, "TECHNIEKMONITOR_DB": str(db), **(env or {})}
        if uploads is not None:
            env["TECHNIEKMONITOR_UPLOADS"] = str(uploads)
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "ui.serve", "--server.headless", "true",
                 "--server.port", str(port), "--browser.gatherUsageStats", "false", *args],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(process, base, log)
        return base

    start.logs = {}  # base URL → the server's log file
    try:
        yield start
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the tests of this module (never `playwright install`)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    try:
        yield context.new_page()
    finally:
        context.close()


def _open(page: Page, url: str, heading: str) -> None:
    """Load a page and wait until its script run has finished and its charts are drawn."""
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(
        1, timeout=30_000)
    for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
        expect(chart.locator("svg.marks")).to_be_visible(timeout=15_000)


def _full_page_screenshot(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main container, so grow the viewport to the content before the shot."""
    measure = ("() => Math.max(document.body.scrollHeight,"
               " ...[...document.querySelectorAll('[data-testid=\"stMain\"], section')].map(e => e.scrollHeight))")
    height = 800
    for _ in range(4):  # charts re-flow at a new size; stop when the height no longer changes
        page.set_viewport_size({"width": 1280, "height": height})
        page.wait_for_timeout(400)
        measured = max(800, int(page.evaluate(measure)))
        if measured <= height:
            break
        height = measured
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture(scope="module")
def demo_app(start_app: Callable[[Path], str], demo_db: Path) -> str:
    """One app server on the demo warehouse, shared by the page tests."""
    return start_app(demo_db)


PAGES = [("", "Overzicht"), ("aanbod", "Aanbod technici"), ("behoud", "Behoud in de regio"),
         ("arbeidsmarkt", "Arbeidsmarkt"), ("aansluiting", "Aansluiting onderwijs–arbeidsmarkt"),
         ("deelprojecten", "Deelprojecten"), ("effecten", "Effecten"),
         ("verkenner", "Verkenner"),
         ("upload", "Upload"),
         ("bronnen", "Bronnen & definities"), ("inhoud", "Inhoud van het datawarehouse")]
DUTCH_NUMBER = re.compile(r"\d+,\d+%|\d{1,3}(\.\d{3})+")


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p or "overzicht" for p, _ in PAGES])
def test_every_page_renders_on_demo_data(demo_app: str, page: Page, path: str, heading: str) -> None:
    _open(page, f"{demo_app}/{path}", heading)

    expect(page.locator('[data-testid="stAlert"]').filter(has_text="Demodata")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    _full_page_screenshot(page, ARTIFACTS / f"{path or 'overzicht'}.png")


def test_a_shared_deep_link_on_a_fresh_server_opens_in_the_full_app(start_app: Callable[[Path], str], page: Page,
                                                                     demo_db: Path) -> None:
    base = start_app(demo_db)  # a new server: its very first visitor follows a shared link
    _open(page, f"{base}/aanbod?regio=GM0184&van=2020&tot=2023", "Aanbod technici")
    expect(page.get_by_text("Stuurgroep", exact=True)).to_be_visible()  # app.py's navigation, not a bare page
    # The region from the link is applied.
    expect(page.get_by_role("heading", name="De keten in techniek — Urk")).to_be_visible()


def test_an_address_of_no_page_gets_a_dutch_notice_and_the_overview(demo_app: str, page: Page) -> None:
    _open(page, f"{demo_app}/overzicht", "Overzicht")  # the overview lives at /; an easy slip when typing
    expect(page.locator('[data-testid="stToast"]')).to_contain_text(unknown_page.NOTICE)
    expect(page.get_by_text("Page not found")).to_have_count(0)  # Streamlit's own dialog, in English

    _open(page, f"{demo_app}/aanbod", "Aanbod technici")  # a page that exists: no notice
    expect(page.locator('[data-testid="stToast"]')).to_have_count(0)


def test_overview_metric_in_dutch(demo_app: str, page: Page) -> None:
    _open(page, demo_app, "Overzicht")
    # Tiles are drawn column by column: which one comes first in the DOM can vary, and a count under 1.000 has no
    # separator to show. Some tile shows a Dutch share or a count with a thousands point, and none an English one.
    tiles = page.locator('[data-testid="stMetricValue"]')
    expect(tiles.first).to_be_visible(timeout=15_000)  # a live-update rerun may redraw the tiles just after the load
    values = tiles.all_inner_texts()
    assert any(DUTCH_NUMBER.search(value) for value in values), values
    assert not any(re.search(r"\d\.\d+%|\d,\d{3}\b", value) for value in values), values


def test_chart_axis_uses_dutch_thousands_separator(demo_app: str, page: Page) -> None:
    _open(page, f"{demo_app}/aanbod?regio=NL", "Aanbod technici")
    page.get_by_text("Examenkandidaten vmbo techniek", exact=True).click()
    axis = page.locator('[data-testid="stVegaLiteChart"]').first.locator('.role-axis[aria-label^="Y-axis"]')
    # Counts above a thousand on the axis: Dutch thousands separator '1.000', never '1,000'.
    expect(axis.first).to_have_attribute("aria-label", re.compile(r"to \d{1,3}\.\d{3}"), timeout=15_000)
    labels = axis.first.locator("text").all_text_contents()
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", label) for label in labels), labels
    assert not any(re.fullmatch(r"\d{1,3}(,\d{3})+", label) for label in labels), labels


def test_inventory_table_content(demo_app: str, page: Page) -> None:
    _open(page, f"{demo_app}/inhoud", "Inhoud van het datawarehouse")
    row = page.locator('[data-testid="stTable"]').first.get_by_role("row").filter(has_text="fact_vo_exam")
    expect(row.get_by_role("cell", name="2019-2020 t/m 2023-2024", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="Demodata", exact=True)).to_be_visible()


def test_missing_warehouse_shows_dutch_how_to(start_app: Callable[[Path], str], page: Page,
                                              tmp_path: Path) -> None:
    missing = tmp_path / "bestaat-niet" / "warehouse.duckdb"

    _open(page, start_app(missing), "Overzicht")

    expect(page.get_by_text("Er is nog geen datawarehouse", exact=False)).to_be_visible()
    expect(page.get_by_text(str(missing), exact=False)).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.get_by_role("heading", name="Tabellen")).to_have_count(0)


def _commit(page: Page, workbook: Path) -> None:
    """On the Upload page: choose a workbook, wait for its check to pass, and commit it (under the login's name, or
    the demo role's: there is no name box)."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(workbook))
    expect(page.get_by_text("is goedgekeurd", exact=False)).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Vastgelegd als upload", exact=False)).to_be_visible(timeout=60_000)


def test_upload_page_checks_commits_and_shows_history(start_app: Callable[..., str], page: Page, demo_db: Path,
                                                       tmp_path: Path) -> None:
    from etl.workbooks.demomark import mark
    from tests.test_workbook_support import MONTHLY_SHEETS, copy_sheets, plan_file, write_workbook

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)  # this test writes: never into the shared demo warehouse
    base = start_app(db, tmp_path / "uploads")
    _open(page, f"{base}/upload", "Upload")
    # The templates are made on click (not on page load); both must arrive as real workbooks.
    for button, sheet in (("Sjabloon plan van aanpak", "Deelprojecten"), ("Sjabloon maandrapportage", "KPI-waarden")):
        # A download button is a placeholder until its code has loaded; a click on that starts nothing.
        expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=30_000)
        expect(page.get_by_role("button", name=button)).to_be_enabled()
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=button).click()
        target = tmp_path / f"{sheet}.xlsx"
        download.value.save_as(target)
        book = openpyxl.load_workbook(target)
        assert {"Instructie", sheet} <= set(book.sheetnames), book.sheetnames
    bad = copy_sheets(MONTHLY_SHEETS)
    bad["KPI-waarden"][1][1] = "veel"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(write_workbook(tmp_path / "maand-fout.xlsx", bad)))
    expect(page.get_by_text("is afgekeurd", exact=False)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("cell", name="KPI-waarden", exact=True).first).to_be_visible()
    _commit(page, mark(plan_file(tmp_path)))  # demo mode (no login) commits demo workbooks only, as demo uploads
    expect(page.get_by_role("cell", name="Demo beheerder", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    _full_page_screenshot(page, ARTIFACTS / "upload.png")


@pytest.fixture(scope="module")
def six_plan_app(start_app: Callable[..., str], demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An app server on the demo warehouse with a plan for the six subprojects and last month's reports."""
    from etl.workbooks.commit import commit_upload, review_upload
    from tests.test_workbook_support import six_subproject_workbooks

    tmp = tmp_path_factory.mktemp("six_plan")
    db = tmp / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    for workbook in six_subproject_workbooks(tmp, date.today()):
        result = commit_upload(workbook, "Demo Analist", tmp / "uploads", db, demo=True)  # demo mode stays on
        assert result.outcome == "committed", result.report["errors"]
        if result.upload.kind == "monthly":  # the overview counts approved reports
            review_upload(result.upload.upload_id, "goedgekeurd", "", "Demo Analist", tmp / "uploads", db)
    return start_app(db, tmp / "uploads")


def _boxes(page: Page, selector: str) -> list[dict[str, float]]:
    return [box for box in (element.bounding_box() for element in page.locator(selector).all()) if box]


TILES = '.st-key-kernindicatoren [data-testid="stColumn"]'
CARDS = '.st-key-deelprojecten [data-testid="stColumn"]'


def test_overview_fits_a_1280x800_screen(six_plan_app: str, page: Page) -> None:
    _open(page, six_plan_app, "Overzicht")
    page.wait_for_timeout(500)  # let the charts settle at their final width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overzicht-1280x800.png"))  # the viewport only: what the screen shows

    tiles, cards = _boxes(page, TILES), _boxes(page, CARDS)
    assert len(tiles) == 6 and len(cards) == 6
    # The six headline indicators in one row, whole on the screen; every subproject card starts on it.
    assert len({round(t["y"]) for t in tiles}) == 1
    assert all(t["y"] + t["height"] <= 800 for t in tiles), tiles
    assert all(c["y"] < 800 - 60 for c in cards), cards  # at least the name and first KPI line in view
    # Status in words next to each light, and Dutch formats.
    expect(page.locator(CARDS).filter(has_text="ontbreekt")).to_have_count(1)
    for status in ("op koers", "let op", "achter", "onbekend"):
        expect(page.locator(CARDS).get_by_text(status, exact=True).first).to_be_visible()
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="Demodata")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page of a PDF written by Chromium (one MediaBox per page object)."""
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    boxes = [(float(w), float(h)) for w, h in
             re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]
    assert len(boxes) == pages, (pages, boxes)
    return boxes


def test_overview_prints_on_one_a4_landscape_page_with_columns_side_by_side(six_plan_app: str, page: Page) -> None:
    _open(page, six_plan_app, "Overzicht")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 718})  # A4 landscape less 1 cm margins, in CSS pixels
    for _ in range(50):  # the columns re-flow at the new size (slower on a busy machine); wait until they settle
        page.wait_for_timeout(200)
        tiles, cards = _boxes(page, TILES), _boxes(page, CARDS)
        if len({round(t["y"]) for t in tiles}) == 1 and len({round(c["y"]) for c in cards}) == 2:
            break
    # Streamlit's print CSS would stack these columns (one under the other at the same x); they stay in a row.
    assert len({round(t["y"]) for t in tiles}) == 1 and len({round(t["x"]) for t in tiles}) == 6, tiles
    assert sorted(t["x"] for t in tiles) == [t["x"] for t in tiles]
    assert len({round(c["x"]) for c in cards}) == 3 and len({round(c["y"]) for c in cards}) == 2, cards
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    paper = page.locator(".st-key-alleen_op_papier")
    expect(paper).to_be_visible()  # the tiles' full source names, the sources' freshness and the day of the print
    expect(paper).to_contain_text(re.compile(r"Actualiteit van de bronnen: .*stand van \d{1,2} \w{3} \d{4}"))
    expect(page.locator('[data-testid="stExpander"]')).to_be_hidden()  # a closed expander printed as an empty row

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "overzicht.pdf").write_bytes(pdf)
    pages = _pdf_pages(pdf)
    assert len(pages) == 1, pages
    width, height = pages[0]
    assert width > height and round(width) == 842 and round(height) == 595  # A4 landscape, in points
    if shutil.which("pdftoppm"):  # a picture of the printout to look at
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(ARTIFACTS / "overzicht.pdf"),
                       str(ARTIFACTS / "overzicht-print")], check=True)


def _side_by_side(boxes: list[dict | None]) -> bool:
    """Two boxes, the first wholly left of the second, their tops level."""
    if len(boxes) != 2 or None in boxes:
        return False
    left, right = boxes
    return left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 1


def test_other_pages_print_in_portrait_with_map_and_bars_side_by_side(demo_app: str, page: Page) -> None:
    _open(page, f"{demo_app}/aanbod", "Aanbod technici")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1047})  # A4 portrait less 1 cm margins
    map_and_bars = page.locator('[data-testid="stHorizontalBlock"]').filter(
        has=page.locator('[data-testid="stVegaLiteChart"]')).filter(
        has=page.get_by_text("Gemeentegrenzen", exact=False)).first.locator(':scope > [data-testid="stColumn"]')
    for _ in range(50):  # the charts are drawn anew at the new width (slower on a busy machine); wait for both
        page.wait_for_timeout(200)
        boxes = [c.bounding_box() for c in map_and_bars.all()]
        if _side_by_side(boxes):
            break
    assert _side_by_side(boxes), boxes
    # A chart drawn wider on screen is scaled into its column, not cut off.
    for chart in page.locator('[data-testid="stVegaLiteChart"] svg.marks').all():
        box = chart.bounding_box()
        assert box is None or box["x"] + box["width"] <= 718 + 1, box
    pages = _pdf_pages(page.pdf(prefer_css_page_size=True))
    assert pages and all(w < h for w, h in pages), pages  # portrait


def test_an_upload_in_one_browser_shows_in_another_without_a_click(start_app: Callable[..., str], browser: Browser,
                                                                    demo_db: Path, tmp_path: Path) -> None:
    from etl.workbooks.demomark import mark
    from tests.test_workbook_support import plan_file

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    (tmp_path / "uploads").mkdir()
    base = start_app(db, tmp_path / "uploads")  # an empty store: the app's start replays it, so no plan yet
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL") for _ in range(2)]
    try:
        lead, reader = (context.new_page() for context in contexts)
        _open(reader, f"{base}/deelprojecten", "Deelprojecten")
        expect(reader.get_by_text("Er is nog geen plan van aanpak geüpload", exact=False)).to_be_visible()
        _open(lead, f"{base}/upload", "Upload")
        _commit(lead, mark(plan_file(tmp_path)))
        # The reader does nothing: within the poll interval (plus a page run) the plan's subprojects appear.
        expect(reader.get_by_role("heading", name="KPI's tegen hun doel")).to_be_visible(timeout=15_000)
        expect(reader.get_by_text("Er is nog geen plan van aanpak geüpload", exact=False)).to_have_count(0)
        expect(reader.locator(EXCEPTION)).to_have_count(0)
        reader.screenshot(path=str(ARTIFACTS / "live-update-reader.png"))
    finally:
        for context in contexts:
            context.close()


def _warmed(log: Path, times: int) -> list[str]:
    """Wait until the server's log says `times` warm-ups finished; their lines."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        lines = [line for line in _log_text(log).splitlines() if "opgewarmd" in line]
        if len(lines) >= times:
            return lines
        time.sleep(0.5)
    pytest.fail(f"No {times} warm-up(s) in the server log:\n{_log_tail(log)}")


def test_the_server_warms_every_page_after_start_and_after_a_rebuild(start_app: Callable[..., str], page: Page,
                                                                       demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    base = start_app(db)
    log = start_app.logs[base]
    pages = len(list((ROOT / "pages").glob("*.py")))
    assert f"Pagina's opgewarmd: {pages} van {pages}" in _warmed(log, 1)[0]
    # A build replaces the file (a new one, renamed over the old): the server warms again without any visitor.
    shutil.copy(demo_db, tmp_path / "rebuilt.duckdb")
    os.replace(tmp_path / "rebuilt.duckdb", db)
    assert f"Pagina's opgewarmd: {pages} van {pages}" in _warmed(log, 2)[1]
    _open(page, f"{base}/aanbod", "Aanbod technici")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert "Traceback" not in _log_text(log)
    assert "No runtime found" not in _log_text(log)  # ui.serve imports the app's cached functions before the runtime


def test_region_and_period_stay_as_chosen_across_page_changes_through_the_sidebar(demo_app: str, page: Page) -> None:
    _open(page, f"{demo_app}/aanbod?regio=GM0184&van=2019&tot=2023", "Aanbod technici")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text("Behoud in de regio", exact=True).click()
    expect(page.get_by_role("heading", name="Waar studeren mbo-studenten uit Urk?")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"/behoud\?regio=GM0184&van=2019&tot=2023$"))
    slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
    expect(slider.get_by_text("2019", exact=True).first).to_be_visible()  # the period as chosen, not 2014
    # A choice made on the next page is the one the following page starts from, also on a page seen before.
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.keyboard.type("Almere")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Waar studeren mbo-studenten uit Almere?")).to_be_visible(timeout=30_000)
    nav.get_by_text("Aanbod technici", exact=True).click()
    expect(page.get_by_role("heading", name="De keten in techniek — Almere")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"/aanbod\?regio=GM0034&van=2019&tot=2023$"))
    nav.get_by_text("Overzicht", exact=True).click()
    expect(page.get_by_role("heading", name="Kernindicatoren — Almere")).to_be_visible(timeout=30_000)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _cut_off(page: Page, selector: str, right: float) -> list[str]:
    """The texts matched by `selector` that run past `right` (CSS pixels from the left of the page)."""
    return [text.text_content() for text in page.locator(selector).all()
            if (box := text.bounding_box()) and box["width"] and box["x"] + box["width"] > right + 1]


@pytest.mark.parametrize("width", [1280, 390])
def test_statuses_legends_and_choices_stay_in_view(demo_app: str, browser: Browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 800}, locale="nl-NL")
    try:
        page = context.new_page()
        _open(page, f"{demo_app}/deelprojecten", "Deelprojecten")
        status = page.locator('[data-testid="stTable"]').first.get_by_role("columnheader", name="Status")
        box = status.bounding_box()
        assert box and box["x"] + box["width"] <= width, box  # the KPI's status, whatever the table cuts off
        legends = '[data-testid="stVegaLiteChart"] .role-legend text'
        for path, heading, chart in (("deelprojecten", "Deelprojecten", "Mijlpalen"),
                                     ("aanbod", "Aanbod technici", "Ontwikkeling"),
                                     ("effecten", "Effecten", "Waargenomen tegen wat zonder project te verwachten")):
            _open(page, f"{demo_app}/{path}", heading)
            expect(page.get_by_role("heading", name=chart)).to_be_visible(timeout=60_000)  # an estimate takes a while
            expect(page.locator(legends).first).to_be_visible(timeout=15_000)
            assert not _cut_off(page, legends, width), (path, _cut_off(page, legends, width))
        # The outcome's whole name shows in its box (it was cut off in a third of the page).
        outcome = page.locator('input[aria-label="Uitkomst"]')
        assert outcome.evaluate("e => e.scrollWidth <= e.clientWidth"), outcome.input_value()
        page.screenshot(path=str(ARTIFACTS / f"effecten-{width}.png"), full_page=True)
    finally:
        context.close()
