"""The work pages in Khmer, in a browser on a machine with no Khmer font, at 1400 and 390 px: logged in as the role
that uses each, every page opens without error, keeps ``lang=km``, and its title is Khmer shaped by the served font.
Screenshots in test-output/screenshots/khmer-work-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import goto, screenshot
from tests.e2e.test_khmer_reading import KHMER, main, shaped
from tests.e2e.test_roles import new_page, sign_in

pytestmark = pytest.mark.e2e

#: page -> the account that works there
WORK = {
    "/update?id=mmn2016-04": "contrib@cwcc.example",
    "/upload": "contrib@cwcc.example",
    "/my_organisation": "contrib@cwcc.example",
    "/review": "review@cwcc.example",
    "/admin": "admin@example.org",
    "/audit": "admin@example.org",
}


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("path", list(WORK))
def test_each_work_page_opens_in_khmer_with_a_shaped_title(browser: Browser, base_url: str, path: str, width: int):
    page = new_page(browser, base_url, width)
    sign_in(page, WORK[path])
    goto(page, f"{path}{'&' if '?' in path else '?'}lang=km")
    assert "lang=km" in page.url
    expect(main(page).get_by_test_id("stException")).to_have_count(0)
    title = main(page).locator("h1").first
    expect(title).to_be_visible()
    assert KHMER.search(title.inner_text()), title.inner_text()
    shaped(page, title)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("ភាសា")
    screenshot(page, f"khmer-work{path.split('?')[0].replace('/', '-')}-{width}")
