"""The work pages in Khmer, in a browser on a machine with no Khmer font, at 1400 and 390 px: logged in as the least
role that may use each, every page opens without error, keeps ``lang=km``, its title is Khmer shaped by the served
font, and its headings run in order. Screenshots in test-output/screenshots/khmer-work-*.png.

The order of the headings does not depend on the language, so it is checked here, on the loads that open every work
page at both widths, rather than on a second load of each in English (the English work pages are opened in the
browser by the flows in test_roles, test_forms, test_curation_browser and test_servers).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, expect

from recommendations import i18n
from recommendations.permissions import PERMISSIONS, Role
from recommendations.ui.nav import PAGES
from tests.conftest import DATA
from tests.e2e.conftest import ACCOUNTS, screenshot, tour
from tests.e2e.test_khmer_reading import KHMER, main, shaped
from tests.e2e.test_readers import assert_headings_in_order
from tests.e2e.test_roles import new_page, sign_in

pytestmark = pytest.mark.e2e

KM = i18n.translator("km")


def work_pages() -> dict[str, str]:
    """Every page that needs a log-in (the one table of pages), where it is opened -> an account of the least role
    that may open it."""
    first = yaml.safe_load((DATA / "evidence.yaml").read_text())["evidence"][0]["id"]
    opened_at = {"pages/update.py": "/update?id=mmn2016-04", "pages/evidence_edit.py": f"/evidence_edit?id={first}"}
    out = {}
    for entry in PAGES:
        if entry.action is not None:
            role = next(r for r in Role if entry.action in PERMISSIONS[r])
            email = next(e for e, (r, _) in ACCOUNTS.items() if r == role and not e.startswith("locked"))
            out[opened_at.get(entry.path, "/" + Path(entry.path).stem)] = email
    return out


WORK = work_pages()
#: Each account's pages, the ones opened without an id first (each after the first through the menu).
TOURS = {email: sorted((p for p in WORK if WORK[p] == email), key=lambda p: "?" in p) for email in set(WORK.values())}


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("email", sorted(TOURS))
def test_each_work_page_opens_in_khmer_with_a_shaped_title(
    browser: Browser, base_url: str, email: str, width: int, subtests: pytest.Subtests
):
    """Each account's tour of the pages it is the least role for: the first by its address in Khmer, then through
    the Khmer menu (a page that needs an id, by its address)."""
    page = new_page(browser, base_url, width)
    sign_in(page, email)

    def check(path: str) -> None:
        assert "lang=km" in page.url
        expect(main(page).get_by_test_id("stException")).to_have_count(0)
        title = main(page).locator("h1").first
        expect(title).to_be_visible()
        assert KHMER.search(title.inner_text()), title.inner_text()
        shaped(page, title)
        expect(page.get_by_test_id("stSidebar")).to_contain_text("ភាសា")
        expect(page.get_by_test_id("stSidebar").get_by_role("button", name=KM.t("Log out"))).to_be_visible()
        assert_headings_in_order(page, f"{path} in Khmer as {email} at {width} px")
        screenshot(page, f"khmer-work{path.split('?')[0].replace('/', '-')}-{width}")

    tour(page, [f"{path}{'&' if '?' in path else '?'}lang=km" for path in TOURS[email]], check, subtests)
