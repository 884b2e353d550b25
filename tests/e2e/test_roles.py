"""Each role's path in the real browser: log in, record with new evidence, see the draft, review, publish,
see it public, correct it, log out; and the refusals (wrong password, lock-out, another organisation,
a future date, a status without evidence). Screenshots in test-output/screenshots/roles-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, TABS, goto, new_page, screenshot, through_menu, wait_for_run

pytestmark = pytest.mark.e2e

REC = "mmn2016-04"  # not assessed in the dataset
HOSTILE = "<script>window.hacked=1</script> ![x](http://127.0.0.1:1/x.png) [click](javascript:alert(1)) # heading =1+1"


def main(page: Page):
    return page.get_by_test_id("stMain")


def log_in(page: Page, email: str, password: str = PASSWORD, *, refused: bool = False) -> None:
    """Log in through the form; unless ``refused``, wait until the server has set the session cookie (the app
    sends the browser through /session/start, which sets it HttpOnly: no script can see it, so ask the browser)
    and the page it came back to says so."""

    def held() -> str | None:
        return next((c["value"] for c in page.context.cookies() if c["name"] == "tracker_session"), None)

    goto(page, "/login")
    before = held()
    main(page).get_by_label("Email").fill(email)
    main(page).get_by_label("Password", exact=True).fill(password)
    main(page).get_by_role("button", name="Log in").click()
    if refused:
        wait_for_run(page)
        return
    for _ in range(150):
        if held() not in (None, before):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the server set no session cookie within 15 s of logging in")
    page.wait_for_url(lambda url: "/login" not in url and "/session/" not in url)  # back on the role's own page
    wait_for_run(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Logged in as")


_SESSIONS: dict[tuple[str, str], dict] = {}  # (server, email) -> the session cookie a log-in through the form got


def sign_in(page: Page, email: str) -> None:
    """Be logged in as ``email`` from the next page opened: through the form the first time on this server, then
    with the session cookie that log-in got (three page loads fewer). For tests where logging in is not the
    subject: the form, the cookie and log-out are tested above, in test_open_data_browser and in test_servers.
    """
    key = (TABS.server_of(page), email)
    if key in _SESSIONS:
        page.context.add_cookies([_SESSIONS[key]])
        return
    log_in(page, email)
    _SESSIONS[key] = next(c for c in page.context.cookies() if c["name"] == "tracker_session")


def choose(page: Page, label: str, option: str) -> None:
    box = main(page).get_by_test_id("stSelectbox").filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()


def pick_evidence(page: Page, words: str = "CENTRAL") -> None:
    pick(page, "Evidence it rests on", words)


def pick(page: Page, label: str, words: str) -> None:
    """Type into the multiselect ``label`` and take the first match (more reliable than clicking a listed option)."""
    box = main(page).get_by_test_id("stMultiSelect").filter(has_text=label)
    field = box.locator("input")
    field.click()
    field.fill(words)
    page.get_by_role("option", name=re.compile(re.escape(words))).first.click()
    page.keyboard.press("Escape")  # close the list, which would otherwise catch the next click
    expect(box.get_by_text(re.compile(re.escape(words))).first).to_be_visible()  # the chosen item's chip


def fill_assessment(page: Page, *, rationale: str, as_of: str = "2023-03-01", status: str = "In progress") -> None:
    choose(page, "Status", status)
    field = main(page).get_by_label(re.compile("^As of"))
    field.fill(as_of)
    main(page).get_by_label(re.compile("^Rationale")).fill(rationale)


def save(page: Page) -> None:
    main(page).get_by_role("button", name="Save", exact=True).click()
    wait_for_run(page)


def no_injection(page: Page) -> None:
    """Hostile data shows as text: no script ran, no image or javascript link came from data, no heading."""
    assert page.evaluate("() => window.hacked === undefined")
    assert main(page).locator("img[src*='127.0.0.1:1']").count() == 0
    assert main(page).locator("a[href^='javascript:']").count() == 0
    assert main(page).locator("h1:has-text('heading'), h2:has-text('heading')").count() == 0


def test_contributor_reviewer_public_path(browser: Browser, base_url: str):
    contributor = new_page(browser, base_url)
    log_in(contributor, "contrib@cwcc.example")
    expect(main(contributor)).to_contain_text("My organisation")
    expect(contributor.get_by_test_id("stSidebar")).to_contain_text("Logged in as")
    expect(contributor.get_by_test_id("stSidebar")).to_contain_text("Update status")
    expect(contributor.get_by_test_id("stSidebar")).not_to_contain_text("Review queue")
    screenshot(contributor, "roles-1-contributor-logged-in")

    # a status without evidence, dated in the future: both named, nothing saved
    goto(contributor, f"/update?id={REC}")
    fill_assessment(contributor, rationale="Nothing cited yet.", as_of="2099-01-01")
    save(contributor)
    expect(main(contributor)).to_contain_text("2099-01-01 is in the future")
    expect(main(contributor)).to_contain_text("Cite at least one evidence item, or add a new one")
    screenshot(contributor, "roles-2-refused-future-date-no-evidence")

    # record with a new evidence item (hostile text in every free field)
    goto(contributor, f"/update?id={REC}")
    main(contributor).get_by_role("button", name="Add a new evidence item").click()
    wait_for_run(contributor)
    fill_assessment(contributor, rationale=HOSTILE)
    main(contributor).get_by_label("Title").fill("Circular on bilingual contracts " + HOSTILE)
    main(contributor).get_by_label("Date (YYYY, YYYY-MM or YYYY-MM-DD)").fill("2023-02-10")
    main(contributor).get_by_label("Web address (http or https)").fill("https://example.org/circular")
    main(contributor).get_by_label("Summary, in your own words").fill('=HYPERLINK("http://evil") ' + HOSTILE)
    save(contributor)
    expect(main(contributor)).to_contain_text("as a draft")
    no_injection(contributor)
    screenshot(contributor, "roles-3-draft-saved")

    through_menu(contributor, "/my_organisation")
    expect(main(contributor)).to_contain_text("Drafts waiting for review")
    expect(main(contributor).get_by_test_id("stMetric").filter(has_text="Drafts waiting")).to_contain_text("1")

    public = new_page(browser, base_url)
    goto(public, f"/recommendation?id={REC}")
    expect(main(public)).to_contain_text("Not assessed")  # a draft is not public
    expect(main(public)).not_to_contain_text("Circular on bilingual contracts")

    other = new_page(browser, base_url)  # a reviewer of another organisation sees nothing to review
    log_in(other, "review@lscw.example")
    through_menu(other, "/review")
    expect(main(other)).to_contain_text("Nothing is waiting for review")

    reviewer = new_page(browser, base_url)
    log_in(reviewer, "review@cwcc.example")
    through_menu(reviewer, "/review")
    expect(main(reviewer)).to_contain_text("Waiting (1)")
    no_injection(reviewer)
    screenshot(reviewer, "roles-4-review-queue")
    main(reviewer).get_by_role("button", name="Publish").click()
    wait_for_run(reviewer)
    expect(main(reviewer)).to_contain_text("Published")

    goto(public, f"/recommendation?id={REC}")
    expect(main(public).get_by_test_id("stMetric").first).to_contain_text("In progress")
    expect(main(public)).to_contain_text("Circular on bilingual contracts")
    no_injection(public)
    screenshot(public, "roles-5-published-public")

    # correct it: a new record that supersedes the published one
    goto(contributor, f"/recommendation?id={REC}")
    main(contributor).get_by_role("link", name="Correct this assessment").click()
    contributor.wait_for_url(re.compile(r"corrects="))
    wait_for_run(contributor)
    fill_assessment(contributor, rationale="The circular was never applied.", status="No progress")
    main(contributor).get_by_label(re.compile("^Why the earlier assessment")).fill("The pilot was cancelled.")
    pick_evidence(contributor)
    save(contributor)
    expect(main(contributor)).to_contain_text("as a draft")
    goto(reviewer, "/review")
    main(reviewer).get_by_role("button", name="Publish").click()
    wait_for_run(reviewer)
    goto(public, f"/recommendation?id={REC}")
    expect(main(public).get_by_test_id("stMetric").first).to_contain_text("No progress")
    expect(main(public)).to_contain_text("superseded")
    screenshot(public, "roles-6-corrected-history")

    # log out: the write pages leave the menu, and a deep link asks to log in
    contributor.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    wait_for_run(contributor)
    expect(contributor.get_by_test_id("stSidebar")).not_to_contain_text("Update status")
    goto(contributor, f"/update?id={REC}")
    expect(main(contributor)).to_contain_text("Log in to use this page")
    screenshot(contributor, "roles-7-logged-out")


def test_wrong_password_then_lock_out(browser: Browser, base_url: str):
    page = new_page(browser, base_url, width=390)
    for _ in range(4):
        log_in(page, "locked@cwcc.example", "not the right password", refused=True)
        expect(main(page)).to_contain_text("Wrong email or password.")
    log_in(page, "locked@cwcc.example", "not the right password", refused=True)
    expect(main(page)).to_contain_text("locked for 15 minutes after 5 failed log-ins")
    log_in(page, "locked@cwcc.example", refused=True)
    expect(main(page)).to_contain_text("locked for 15 minutes")
    expect(page.get_by_test_id("stSidebar")).not_to_contain_text("Logged in as")
    screenshot(page, "roles-8-locked-390px")


def test_admin_sees_accounts_and_the_audit_log(browser: Browser, base_url: str):
    page = new_page(browser, base_url)
    log_in(page, "admin@example.org")
    through_menu(page, "/audit")
    expect(main(page)).to_contain_text("Audit log")
    expect(main(page).get_by_role("button", name="Download CSV")).to_be_visible()
    screenshot(page, "roles-9-audit-log")
    through_menu(page, "/admin")
    expect(main(page)).to_contain_text("contrib@cwcc.example")
    expect(main(page)).not_to_contain_text("argon2")
    screenshot(page, "roles-10-admin")


def test_upload_previews_rows_then_records_the_valid_ones(browser: Browser, base_url: str, tmp_path):
    import csv

    from recommendations.dataset.schema import ASSESSMENT_SHEET_COLUMNS

    page = new_page(browser, base_url)
    log_in(page, "contrib@cwcc.example")
    through_menu(page, "/upload")
    expect(main(page).get_by_role("button", name=re.compile("Template \\(XLSX"))).to_be_visible()
    path = tmp_path / "updates.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ASSESSMENT_SHEET_COLUMNS)
        writer.writeheader()
        base = {"recommendation_id": "mmn2016-09", "status": "in_progress", "evidence": "eight-prakas-launched-2013"}
        writer.writerow({**base, "as_of": "2023-04-01", "rationale": "Uploaded " + HOSTILE})
        writer.writerow({**base, "as_of": "2099-04-01", "rationale": "A date in the future"})
    main(page).get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_for_run(page)
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Rows to record")).to_contain_text("1")
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Rows with problems")).to_contain_text("1")
    no_injection(page)
    screenshot(page, "roles-11-upload-preview")
    main(page).get_by_role("button", name=re.compile("Record the 1 valid row")).click()
    wait_for_run(page)
    expect(main(page)).to_contain_text("Recorded 1 row(s) as drafts")
    through_menu(page, "/my_organisation")
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Drafts waiting")).not_to_contain_text("0")


def test_a_reload_keeps_the_log_in_but_a_forged_cookie_does_not(browser: Browser, base_url: str):
    page = new_page(browser, base_url)
    log_in(page, "review@cwcc.example")
    goto(page, "/review")  # a full page load: a new Streamlit session, carried over by the signed cookie
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Logged in as")
    cookie = next(c for c in page.context.cookies() if c["name"] == "tracker_session")
    assert cookie["sameSite"] == "Strict" and cookie["httpOnly"] and cookie["path"] == "/"
    assert "tracker_session" not in page.evaluate("() => document.cookie")  # no script can read it
    forged = new_page(browser, base_url)
    token, _, mac = cookie["value"].rpartition(".")
    forged.context.add_cookies([{**cookie, "value": token[:-2] + "xx." + mac}])
    goto(forged, "/review")
    expect(main(forged)).to_contain_text("Log in to use this page")
