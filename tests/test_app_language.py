"""The language of the app: the switch on every page, ``?lang=`` in the address bar, and the wrapped pages
(the menu, the sidebar, the log-in page) in Khmer and in English."""

from __future__ import annotations

import pytest

from recommendations import i18n
from recommendations.ui.language import SWITCH_LABEL
from recommendations.ui.nav import LOGIN, PAGES
from tests.conftest import open_page

pytestmark = pytest.mark.usefixtures("app_db")


def main_texts(at) -> list[str]:
    """What the main area of the log-in page says to a reader."""
    texts = [e.value for kind in ("title", "markdown", "caption", "success", "error") for e in getattr(at.main, kind)]
    texts += [e.label for kind in ("text_input", "button") for e in getattr(at.main, kind)]
    return [t for t in texts if t]


def test_khmer_from_the_address_bar_is_kept_and_the_log_in_page_is_in_khmer():
    at = open_page("pages/login.py", lang="km")
    assert not at.exception
    assert at.query_params["lang"] == ["km"] or at.query_params["lang"] == "km"
    texts = main_texts(at)
    assert texts and all(i18n.in_script(text, "km") for text in texts), texts
    assert at.title[0].value == "ចូលប្រើ"
    switch = at.sidebar.radio[0]
    assert switch.label == SWITCH_LABEL and switch.value == "km"


def test_english_is_the_default_and_has_no_khmer():
    at = open_page("pages/login.py")
    assert not at.exception
    texts = main_texts(at)
    assert at.title[0].value == "Log in"
    assert not [t for t in texts if i18n.in_script(t, "km")]
    assert str(at.query_params["lang"]).strip("[]'") == "en"


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "fr", "km' OR 1=1", "../../etc/passwd", "KM" * 50])
def test_a_hostile_language_value_is_ignored(hostile):
    at = open_page("pages/login.py", lang=hostile)
    assert not at.exception
    assert at.title[0].value == "Log in"
    assert str(at.query_params["lang"]).strip("[]'") == "en"


def test_the_switch_changes_the_language_and_the_address_bar():
    at = open_page("pages/login.py")
    at.sidebar.radio[0].set_value("km").run()
    assert not at.exception
    assert at.title[0].value == "ចូលប្រើ"
    assert str(at.query_params["lang"]).strip("[]'") == "km"
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Log in"


def test_the_language_survives_a_change_of_page_that_drops_the_address_bar():
    at = open_page("pages/login.py", lang="km")
    at.query_params.clear()  # the menu drops the parameters when it changes page
    at.switch_page("pages/login.py").run()
    assert at.title[0].value == "ចូលប្រើ"
    assert str(at.query_params["lang"]).strip("[]'") == "km"


def test_menu_titles_and_sections_are_translated():
    translator = i18n.translator("km")
    titles = {translator.t(page.title) for page in (*PAGES, LOGIN)}
    sections = {translator.t(page.section) for page in (*PAGES, LOGIN)}
    assert all(i18n.in_script(title, "km") for title in titles | sections)
    assert len(titles) == len(PAGES) + 1  # no two pages share a Khmer title


def test_a_page_for_others_says_who_it_is_for_in_khmer():
    at = open_page("pages/review.py", lang="km")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert "សូមចូលប្រើ ដើម្បីប្រើទំព័រនេះ។" in warnings


@pytest.mark.parametrize("page", ["pages/brief.py", "pages/explore.py"])
def test_every_multiple_choice_says_choose_in_the_page_language(page):
    """Streamlit's own placeholder ("Choose options") is English only: each list of choices names its own, from the
    catalog (the brief's two did not)."""
    at = open_page(page, lang="km")
    boxes = at.multiselect
    assert len(boxes) >= 2
    assert {box.placeholder for box in boxes} == {i18n.translator("km").t("Choose")} != {"Choose"}
