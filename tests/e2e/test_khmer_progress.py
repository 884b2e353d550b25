"""The Overview, Owners and Themes in Khmer in a browser with no Khmer font installed (issue 19): each page opens
with ``?lang=km`` at 1400 and 390 px without an error, its heading is in Khmer and shaped by the served font (a
consonant with a subscript is narrower than the two side by side: tests/e2e/test_khmer.py), and so are the words
of its charts (the legend and axis titles plotly draws in SVG use the same @font-face family). Screenshots in
test-output/screenshots/khmer-<page>-<width>.png.

Run: .venv/bin/python -m pytest -q tests/e2e/test_khmer_progress.py
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from recommendations import i18n
from tests.e2e.conftest import TAKE_SCREENSHOTS, screenshot, tour
from tests.e2e.test_khmer import _FAMILY_OF_JS, _LOADED_JS, _WIDTHS_JS, SIDE_BY_SIDE, STACKED

pytestmark = pytest.mark.e2e

KM = i18n.translator("km")
#: Each page: its address, its heading in Khmer, and English headings it must not show.
PAGES = {
    "overview": ("/?lang=km", KM.t("Migrant-worker recommendation tracker"), ["Status over time", "Known gaps"]),
    "owners": ("/owners?lang=km", KM.t("Who is asked to act"), ["Comparison across actors", "One actor in detail"]),
    "themes": ("/themes?lang=km", KM.t("Themes and recurrence"), ["When each theme was raised", "Follow one chain"]),
}
#: The chart texts plotly draws: legend entries and axis titles (SVG text elements).
CHART_TEXT = "[data-testid='stPlotlyChart'] svg text.legendtext, [data-testid='stPlotlyChart'] svg .g-xtitle text"


def shaped_by_the_served_font(page: Page, family: str) -> bool:
    """Whether ``family`` draws ក្ស narrower than កស (shaped), where the browser's own fonts draw boxes."""
    stacked, side = page.evaluate(_WIDTHS_JS, [STACKED, SIDE_BY_SIDE, family])
    return 0 < stacked < side * 0.9


@pytest.mark.parametrize("width", [1400, 390])
def test_the_progress_pages_in_khmer_are_shaped_by_the_served_font(page: Page, width: int, subtests: pytest.Subtests):
    """A reader's tour in Khmer: the Overview by its address, then Owners and Themes through the menu."""
    page.set_viewport_size({"width": width, "height": 900})
    named = {path: name for name, (path, _, _) in PAGES.items()}
    tour(page, named, lambda path: assert_progress_page_in_khmer(page, named[path], width), subtests)


def assert_progress_page_in_khmer(page: Page, name: str, width: int) -> None:
    """Its heading and its charts' words in Khmer, shaped by the served font; none of its English headings."""
    _, heading, english = PAGES[name]
    main = page.get_by_test_id("stMain")
    title = main.locator("h1").first
    expect(title).to_have_text(heading)
    assert "loaded" in page.evaluate(_LOADED_JS)
    family = page.evaluate(_FAMILY_OF_JS, title.element_handle())
    assert "tracker-khmer" in family and shaped_by_the_served_font(page, family)
    for words in english:
        expect(main.get_by_text(words, exact=True)).to_have_count(0)
    charts = main.get_by_test_id("stPlotlyChart")
    expect(charts.first).to_be_visible()
    texts = page.locator(CHART_TEXT)
    expect(texts.first).to_be_attached()
    khmer = [el for el in texts.element_handles() if any("\u1780" <= c <= "\u17ff" for c in el.text_content() or "")]
    assert khmer, "no Khmer word in the charts' legends and axis titles"
    for element in khmer[:4]:
        chart_family = page.evaluate(_FAMILY_OF_JS, element)
        assert "tracker-khmer" in chart_family, chart_family
        assert shaped_by_the_served_font(page, chart_family)
    # The control: with the browser's own fonts, the same letters are not shaped.
    assert not shaped_by_the_served_font(page, "sans-serif")
    if TAKE_SCREENSHOTS:
        page.wait_for_timeout(500)  # the charts' last layout after the font arrived
        screenshot(page, f"khmer-{name}-{width}")
