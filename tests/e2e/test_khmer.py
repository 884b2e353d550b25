"""Khmer in a browser on a machine with no Khmer font: the app serves its own (static/fonts/, Noto Sans Khmer), and
headings in Khmer are shaped by it (a consonant with a subscript consonant is narrower than the two consonants side
by side; drawn as boxes, it is wider). Screenshots at 1400 and 390 px in test-output/screenshots/.

Run: .venv/bin/python -m pytest -q tests/e2e/test_khmer.py
"""

from __future__ import annotations

import subprocess
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto, screenshot

pytestmark = pytest.mark.e2e

FONT_URL = "/app/static/fonts/NotoSansKhmer-Regular.ttf"
#: ក្ស (ka, coeng, sa: "ksa", sa written under ka) against កស (ka, sa): shaped, the first is the narrower.
STACKED, SIDE_BY_SIDE = "\u1780\u17d2\u179f", "\u1780\u179f"

_WIDTHS_JS = """([stacked, side, family]) => {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `48px ${family}`;
    return [ctx.measureText(stacked).width, ctx.measureText(side).width];
}"""
_FAMILY_OF_JS = "(el) => getComputedStyle(el).fontFamily"
_LOADED_JS = """async () => {
    await document.fonts.ready;
    await document.fonts.load('48px tracker-khmer', '\u1780');
    return [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'tracker-khmer')
        .map(f => f.status);
}"""


def test_this_machine_has_no_khmer_font():
    """The browser tests prove the served font: they must run where no Khmer font is installed."""
    listed = subprocess.run(["fc-list", ":lang=km", "family"], capture_output=True, text=True, check=False).stdout
    assert listed.strip() == "", f"a Khmer font is installed here ({listed.strip()}); the font test would prove nothing"


def test_the_font_and_its_licence_are_served(app_url: str):
    with urllib.request.urlopen(app_url + FONT_URL, timeout=10) as response:
        body = response.read()
        assert response.status == 200 and body[:4] == b"\x00\x01\x00\x00"  # a TrueType font, not an error page


@pytest.mark.parametrize("width", [1400, 390])
def test_khmer_headings_are_shaped_by_the_served_font(page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    goto(page, "/login?lang=km")
    heading = page.get_by_test_id("stMain").locator("h1").first
    expect(heading).to_have_text("ចូលប្រើ")
    assert "loaded" in page.evaluate(_LOADED_JS)
    family = page.evaluate(_FAMILY_OF_JS, heading.element_handle())
    assert "tracker-khmer" in family
    stacked, side = page.evaluate(_WIDTHS_JS, [STACKED, SIDE_BY_SIDE, family])
    assert 0 < stacked < side * 0.9, (stacked, side)  # subscript under its consonant, not a box beside it
    # The control: the browser's own fonts draw boxes or loose marks here, one cell per character.
    bare_stacked, bare_side = page.evaluate(_WIDTHS_JS, [STACKED, SIDE_BY_SIDE, "sans-serif"])
    assert bare_stacked >= bare_side, (bare_stacked, bare_side)
    assert page.get_by_test_id("stSidebar").get_by_text("ភាសា / Language").is_visible() or width < 500
    screenshot(page, f"khmer-login-{width}")


def test_an_english_link_stays_english_and_the_switch_turns_it_khmer(page: Page):
    """The page's declared language follows too (``api.page``), so a screen reader changes voice with it."""
    goto(page, "/login?lang=en")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("stSidebar").get_by_text("ខ្មែរ").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("ចូលប្រើ")
    assert "lang=km" in page.url
    expect(page.locator("html")).to_have_attribute("lang", "km")
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize(
    ("path", "declared"),
    [("/owners?lang=km", "km"), ("/?lang=%3Cscript%3Ealert(1)%3C/script%3E", "en"), ("/?lang=fr", "en")],
)
def test_a_page_opened_by_its_address_declares_its_language(page: Page, path: str, declared: str):
    """Opened cold: the page's ``lang`` is the language it shows (WCAG 3.1.1), never what the address bar asked
    for unless it is on offer; one script of the server's own does it (the policy allows no inline script)."""
    goto(page, path)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", declared)
    assert page.locator('script[src$="page-language.js"]').count() == 1
