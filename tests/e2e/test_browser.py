"""The real app in a real browser: every page opens, filters travel in the URL, a recommendation
opens from Explore, the meeting brief downloads as a DOCX, and the overview draws its charts.

Run: .venv/bin/python -m pytest -q tests/e2e   (screenshots land in test-output/screenshots/)
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OUTPUT, goto, screenshot, wait_for_run

pytestmark = pytest.mark.e2e

DEFAULT_PAGE = "pages/overview.py"  # dashboard.py: default=path == "pages/overview.py", served at /
REC_ID = "mmn2016-03"
REC_TITLE = "Strict monitoring of recruitment agencies"  # curators' short title, data/sources/2016-mmn-*.yaml
REC_TEXT = "Implement a strict monitoring mechanism for recruitment agencies and follow up."
THEME, THEME_LABEL = "recruitment", "Recruitment and fees"  # data/themes.yaml


def url_of(path: str) -> str:
    return "/" if path == DEFAULT_PAGE else "/" + Path(path).stem


def main(page: Page):
    return page.get_by_test_id("stMain")


def shown_count(page: Page) -> int:
    """N from the Explore caption "<N> recommendations ..."."""
    caption = main(page).get_by_test_id("stCaptionContainer").filter(has_text=re.compile(r"\d+ recommendations"))
    expect(caption.first).to_be_visible()
    return int(re.search(r"(\d+)(?: of \d+)? recommendations", caption.first.inner_text()).group(1))


def test_filter_in_the_url_narrows_explore(page: Page):
    goto(page, "/explore")
    everything = shown_count(page)

    goto(page, f"/explore?theme={THEME}")
    filtered = shown_count(page)
    assert 0 < filtered < everything
    theme_filter = (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stMultiSelect")
        .filter(has=page.get_by_text("Theme", exact=True))
    )
    expect(theme_filter).to_contain_text(THEME_LABEL)
    assert f"theme={THEME}" in page.url  # the filter stays in the shareable URL
    screenshot(page, f"explore-theme-{THEME}")


def test_recommendation_by_url_shows_verbatim_text(page: Page):
    goto(page, f"/recommendation?id={REC_ID}")
    expect(main(page)).to_contain_text(REC_TEXT)
    expect(main(page).locator("h1").first).to_contain_text(REC_TITLE)
    screenshot(page, f"recommendation-{REC_ID}")


def test_open_recommendation_from_explore(page: Page):
    goto(page, "/explore")
    search = main(page).get_by_label("Open a recommendation by searching for it")
    search.fill(REC_TITLE)
    search.press("Enter")
    chooser = main(page).get_by_test_id("stSelectbox").filter(has_text="found")
    chooser.locator("input").click()
    page.keyboard.type(REC_TITLE)
    page.get_by_role("option", name=re.compile(re.escape(REC_TITLE))).first.click()
    link = main(page).get_by_role("link", name=re.compile("Open detail"))
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(rf"/recommendation\?(.*&)?id={REC_ID}\b"))
    wait_for_run(page)
    expect(main(page)).to_contain_text(REC_TEXT)


def test_brief_downloads_as_docx(page: Page):
    goto(page, f"/brief?theme={THEME}")
    button = main(page).get_by_role("button", name="Download brief (DOCX)")
    expect(button).to_be_visible()
    screenshot(page, f"brief-{THEME}")
    with page.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    assert download.failure() is None
    target = OUTPUT / f"brief-{THEME}.docx"
    download.save_as(target)

    assert zipfile.is_zipfile(target)
    with zipfile.ZipFile(target) as archive:
        assert "word/document.xml" in archive.namelist()
    document = docx.Document(str(target))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "Meeting brief" in text or REC_TEXT in text


def test_typing_an_acronym_and_enter_chooses_only_that_actor(page: Page):
    """Issue 18: "MoLVT" + Enter in the brief's addressee box chose every match (NEA and MoSVY too)."""
    goto(page, "/brief")
    box = main(page).get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Asked of (addressees)", exact=True))
    box.locator("input").click()
    page.keyboard.type("MoLVT")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_run(page)
    chosen = box.get_by_test_id("stMultiSelectTagsContainer")
    expect(chosen).to_contain_text("MoLVT · Ministry of Labour and Vocational Training")
    expect(chosen).not_to_contain_text("NEA")
    expect(chosen).not_to_contain_text("MoSVY")
    expect(page).to_have_url(re.compile(r"[?&]addressee=molvt(&|$)"))
    assert "addressee=nea" not in page.url and "addressee=mosavy" not in page.url


def test_overview_chart_and_known_gap(page: Page):
    goto(page, "/")
    chart = main(page).get_by_test_id("stPlotlyChart").first
    expect(chart).to_be_visible()
    expect(chart.locator(".main-svg").first).to_be_attached()  # plotly has drawn, not just a placeholder
    assert chart.locator(".barlayer .point").count() > 0, "the status-over-time chart has no bars"
    # the known gaps: one sentence (the 13 national recommendations of 2019 among those counted) and a link
    gaps = main(page).get_by_text(re.compile(r"^The tracker knows \d+ source documents"))
    expect(gaps).to_be_visible()
    expect(gaps).to_contain_text("(32 recommendations)")
    expect(main(page).get_by_role("link", name=re.compile("what is missing and where its text is"))).to_be_visible()


def test_a_deep_link_as_first_request_runs_inside_the_dashboard(page: Page, fresh_app_url: str):
    # With a pages/ folder, Streamlit's legacy router would run the page alone for the first visitor
    # (no navigation groups, no shared filters) until some run calls st.navigation.
    goto(page, f"{fresh_app_url}/recommendation?id={REC_ID}")
    expect(main(page)).to_contain_text(REC_TEXT)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text("Filters")
    expect(sidebar).to_contain_text("Prepare a meeting")
    assert f"id={REC_ID}" in page.url
