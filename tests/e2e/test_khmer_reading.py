"""Explore, the recommendation detail, Sources and Download data in Khmer, in a browser on a machine with no Khmer
font, at 1400 and 390 px: each opens without error and keeps ``lang=km``, its headings are Khmer shaped by the
served font (the check of test_khmer.py: a consonant with a subscript is narrower than the two side by side), and
opening a recommendation from Explore (a row click on a wide screen, the list's link on a phone) shows its page
still in Khmer. Screenshots in test-output/screenshots/khmer-*.png.

Run: .venv/bin/python -m pytest -q tests/e2e/test_khmer_reading.py
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import (
    SCREENSHOTS,
    TAKE_SCREENSHOTS,
    goto,
    open_first_row,
    screenshot,
    tour,
    wait_for_run,
)
from tests.e2e.test_khmer import _FAMILY_OF_JS, _LOADED_JS, _WIDTHS_JS, SIDE_BY_SIDE, STACKED

pytestmark = pytest.mark.e2e

KHMER = re.compile("[\u1780-\u17ff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
HISTORY = "tfamw2011-postarrival-5"
#: path -> (what the page is called in the screenshot, its first h2 in Khmer)
PAGES = {
    "/explore?lang=km": ("explore", None),
    f"/recommendation?id={HISTORY}&lang=km": ("detail", "អត្ថបទ (ដកស្រង់ដដែល)"),
    "/sources?lang=km": ("sources", "សទ្ទានុក្រម"),
    "/data?lang=km": ("data", "ទាំងអស់"),
}


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def shaped(page: Page, heading: Locator) -> None:
    """The heading is drawn in the served Khmer font, and that font shapes Khmer (subscripts under their
    consonants, not boxes beside them)."""
    family = page.evaluate(_FAMILY_OF_JS, heading.element_handle())
    assert "tracker-khmer" in family, family
    stacked, side = page.evaluate(_WIDTHS_JS, [STACKED, SIDE_BY_SIDE, family])
    assert 0 < stacked < side * 0.9, (stacked, side)


@pytest.mark.parametrize("width", [1400, 390])
def test_the_reading_pages_open_in_khmer_with_shaped_headings(page: Page, width: int, subtests: pytest.Subtests):
    """A reader's tour in Khmer: Explore by its address, a recommendation by its own, then the menu."""
    page.set_viewport_size({"width": width, "height": 900})
    tour(page, PAGES, lambda path: assert_reads_in_khmer(page, path, width), subtests)


def assert_reads_in_khmer(page: Page, path: str, width: int) -> None:
    """The page keeps ``lang=km``; its title and every section heading are Khmer, shaped by the served font."""
    name, first_h2 = PAGES[path]
    assert "lang=km" in page.url
    assert "loaded" in page.evaluate(_LOADED_JS)
    headings = main(page).locator("h1, h2")
    expect(headings.first).to_be_visible()
    texts = [t.strip() for t in headings.all_inner_texts() if t.strip()]
    khmer = [t for t in texts if KHMER.search(t)]
    assert khmer, texts
    if name != "detail":  # the detail's h1 is the recommendation's short title: data, Khmer where translated
        assert KHMER.search(texts[0]) and not LATIN_WORD.search(texts[0]), texts[0]
    assert all(KHMER.search(t) for t in texts[1:]), texts  # every section heading in Khmer
    if first_h2:
        expect(main(page).locator("h2").first).to_have_text(first_h2)
    for index in range(headings.count()):
        if KHMER.search(headings.nth(index).inner_text()):
            shaped(page, headings.nth(index))
    screenshot(page, f"khmer-{name}-{width}")
    if name == "sources":  # the chart, below the cut of a long page's screenshot: its legend and axes in Khmer
        chart = main(page).get_by_test_id("stPlotlyChart")
        chart.scroll_into_view_if_needed()
        expect(chart.locator(".legendtext").first).to_have_text(re.compile("ស្ត្រី|បុរស"))
        if TAKE_SCREENSHOTS:
            chart.screenshot(path=SCREENSHOTS / f"khmer-sources-chart-{width}.png")


def test_a_row_click_in_explore_opens_the_recommendation_in_khmer(page: Page):
    goto(page, "/explore?lang=km")
    open_first_row(page)
    assert "lang=km" in page.url
    expect(main(page).get_by_test_id("stMetric").filter(has_text="ស្ថានភាពបច្ចុប្បន្ន")).to_be_visible()
    expect(main(page).locator("h2").first).to_have_text("អត្ថបទ (ដកស្រង់ដដែល)")
    shaped(page, main(page).locator("h2").first)
    page.reload()  # the address bar alone brings it back in Khmer
    wait_for_run(page)
    expect(main(page).locator("h2").first).to_have_text("អត្ថបទ (ដកស្រង់ដដែល)")
    screenshot(page, "khmer-explore-row-opened-1400")


def test_on_a_phone_the_lists_link_opens_the_recommendation_in_khmer(page: Page):
    page.set_viewport_size({"width": 390, "height": 900})
    goto(page, "/explore?lang=km")
    link = main(page).get_by_role("link", name="បើក ›").first
    expect(link).to_be_visible()
    assert re.search(r"recommendation\?id=[^&]+&lang=km$", link.get_attribute("href") or "")
    with page.context.expect_page() as opened:  # Streamlit opens a Markdown link in a new tab
        link.click()
    tab = opened.value
    tab.set_viewport_size({"width": 390, "height": 900})
    tab.wait_for_load_state("domcontentloaded")
    wait_for_run(tab)
    assert re.search(r"/recommendation\?(.*&)?id=", tab.url) and "lang=km" in tab.url
    expect(main(tab).locator("h2").first).to_have_text("អត្ថបទ (ដកស្រង់ដដែល)")
    shaped(tab, main(tab).locator("h2").first)
    screenshot(tab, "khmer-explore-link-opened-390")
