"""The page 'Aansluiting onderwijs–arbeidsmarkt' in Debian's headless Chromium, at desktop and phone size, with
screenshots in tests/artifacts/ (aansluiting-1280x800.png, aansluiting-390x844.png) to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import test_browser as shared
from tests.test_browser import ARTIFACTS, EXCEPTION, _open

pytestmark = pytest.mark.browser
# The app server, browser and page fixtures of the other browser tests.
start_app, browser, page, demo_app = shared.start_app, shared.browser, shared.page, shared.demo_app

HEADING = "Aansluiting onderwijs–arbeidsmarkt"
ENGLISH = re.compile(r"\b(graduates|vacancies|ratio|supply|demand|domain_id|mid|null|NaN|None)\b")


def _shot(page: Page, width: int, height: int, path: Path) -> None:
    """A full-page screenshot at this width: Streamlit scrolls inside its main block, so grow the viewport first."""
    measure = ("() => Math.max(document.body.scrollHeight,"
               " ...[...document.querySelectorAll('[data-testid=\"stMain\"], section')].map(e => e.scrollHeight))")
    tall = height
    for _ in range(4):  # charts re-flow at a new size; stop when the height no longer changes
        page.set_viewport_size({"width": width, "height": tall})
        page.wait_for_timeout(500)
        measured = max(height, int(page.evaluate(measure)))
        if measured <= tall:
            break
        tall = measured
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": height})


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_page_in_chromium_at_desktop_and_phone_size(demo_app: str, page: Page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    _open(page, f"{demo_app}/aansluiting", HEADING)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="Demodata")).to_be_visible()
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(6)  # the last: signals from the field per domain
    # The first chart: every domain, graduates and vacancies, each bar labelled with its number, never in English.
    labels = charts.first.locator("text").all_text_contents()
    assert {"ICT", "Bouw en infra", "Installatie en energie"} <= set(labels), labels
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})*( \(\d[\d.]*–\d[\d.]*\))?", label) for label in labels), labels
    assert not any(re.search(r"\d,\d{3}\b|\d\.\d{1,2}\b", label) for label in labels), labels
    # The trend's x axis: years in order.
    trend = charts.nth(2).locator('.role-axis[aria-label^="X-axis"] text').all_text_contents()
    assert trend == sorted(trend) and len(trend) >= 2, trend
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Kanttekeningen" in text and "Let op: Vacatures zijn een gedeeltelijke maat" in text
    assert not ENGLISH.search(text), ENGLISH.search(text)
    _shot(page, width, height, ARTIFACTS / f"aansluiting-{width}x{height}.png")
