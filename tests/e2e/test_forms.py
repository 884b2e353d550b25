"""The forms on a phone (390 px): an upload's problems are read in full, wrapped under the table, not cut off in a
table column; the assessment form names every problem beside its field. Screenshots in
test-output/screenshots/forms-*.png."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import goto, new_page, screenshot, wait_for_run
from tests.e2e.test_roles import main, sign_in

pytestmark = pytest.mark.e2e
PHONE = 390


def test_an_uploads_problems_are_read_whole_on_a_phone(browser: Browser, base_url: str, tmp_path):
    page = new_page(browser, base_url, width=PHONE)
    sign_in(page, "contrib@cwcc.example")
    goto(page, "/upload")
    path = tmp_path / "updates.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["recommendation_id", "addressee_id", "status", "as_of",
                                                    "rationale", "evidence"])  # fmt: skip
        writer.writeheader()
        writer.writerow({"recommendation_id": "mmn2016-09", "addressee_id": "MoLVT Cambodia", "status": "finished",
                         "as_of": "next year", "rationale": "", "evidence": "no-such-evidence-item"})  # fmt: skip
    main(page).get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_for_run(page)
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Rows with problems")).to_contain_text("1")
    heading = main(page).get_by_role("heading", name="Problems, row by row")
    expect(heading).to_be_visible()
    problems = main(page).locator("li").filter(has_text=re.compile(r"^column "))
    expect(problems).to_have_count(5)  # every problem of the row at once: addressee, status, as_of, rationale, evidence
    for item in problems.all():
        item.scroll_into_view_if_needed()
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box  # wrapped, on screen
        text = item.inner_text()
        assert not any(w in text for w in ("String should", "Input should", "pattern", "validation error"))
    expect(problems.filter(has_text="No organisation or body has the id or acronym 'MoLVT Cambodia'")).to_have_count(1)
    last = problems.last
    assert last.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # nothing hidden to the right
    screenshot(page, "forms-1-upload-problems-390px")


def test_the_assessment_form_names_every_problem_at_once_on_a_phone(browser: Browser, base_url: str):
    page = new_page(browser, base_url, width=PHONE)
    sign_in(page, "contrib@cwcc.example")
    goto(page, "/update?id=mmn2016-04")
    main(page).get_by_label(re.compile("^As of")).fill("soon")
    main(page).get_by_label(re.compile("^As of")).press("Enter")  # Enter does not send a half-filled form
    wait_for_run(page)
    expect(main(page)).not_to_contain_text("Nothing was saved")
    main(page).get_by_role("button", name="Save", exact=True).click()
    wait_for_run(page)
    expect(main(page)).to_contain_text("Nothing was saved: 3 problems to fix; each is shown beside its field.")
    expect(main(page)).to_contain_text("Choose a status.")
    expect(main(page)).to_contain_text("Write the As of date (the date of the latest evidence) as YYYY-MM-DD")
    expect(main(page)).to_contain_text("Fill in the rationale: it is empty.")
    screenshot(page, "forms-2-assessment-problems-390px")
