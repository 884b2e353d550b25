"""The pages in Khmer show the data's Khmer labels with the note that they await review, say in Khmer that a
search found nothing, and the Sources page counts what is translated (AppTest, ``?lang=km``)."""

from __future__ import annotations

import pytest

from recommendations import i18n
from recommendations.read.translations import FIELD_LABELS
from tests.conftest import ROOT, open_page
from tests.test_khmer_data import DATASET, WATCHDOG, coverage_by_hand, po_counts

pytestmark = pytest.mark.usefixtures("app_db")
KM = i18n.translator("km")
NOTE = "The translated names and titles on this page await review by a native speaker."
NOTHING = "No recommendation matches these filters. Loosen them in the sidebar, or use **Clear filters**."


def test_a_khmer_search_that_finds_nothing_says_so_in_khmer():
    at = open_page("pages/explore.py", lang="km", q="គ្មានពាក្យនេះទេ")
    assert not at.exception
    said = [i.value for i in at.info]
    assert said == [KM.t(NOTHING)] and i18n.in_script(said[0], "km") and "No recommendation" not in said[0]


def test_a_khmer_search_finds_the_khmer_title_and_says_it_awaits_review():
    rec = next(r for r in DATASET.recommendations if WATCHDOG in r.translations["km"].title)
    at = open_page("pages/explore.py", lang="km", q=WATCHDOG)
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["id"]) == [rec.id] and list(shown["title"]) == [rec.translations["km"].title]
    assert KM.t(NOTE) in [c.value for c in at.caption]


def test_in_english_the_titles_are_english_and_there_is_no_note():
    at = open_page("pages/explore.py", q="watchdog")
    assert not at.exception
    rec = next(r for r in DATASET.recommendations if "watchdog" in r.title.lower())
    assert list(at.dataframe[0].value["title"]) == [rec.title]
    assert not [c for c in at.caption if c.value in (NOTE, KM.t(NOTE))]


def test_the_sources_page_counts_what_is_translated_and_reviewed():
    at = open_page("pages/sources.py", lang="km")
    assert not at.exception
    entries, translated, reviewed = po_counts(ROOT / "locale/km/LC_MESSAGES/tracker.po")
    sentence = KM.t(
        "In {language}, {translated} of {total} interface strings are translated and {reviewed} of them reviewed "
        "by a native speaker.",
        language="ខ្មែរ",
        translated=KM.number(translated),
        total=KM.number(entries),
        reviewed=KM.number(reviewed),
    )  # fmt: skip  (counts as the language writes them: 1,129)
    assert sentence in [m.value for m in at.markdown]
    table = next(d.value for d in at.dataframe if KM.t("Translated") in d.value.columns)
    by_label = {row[KM.t("Data")]: (row[KM.t("Records")], row[KM.t("Translated")], row[KM.t("Reviewed")])
                for _, row in table.iterrows()}  # fmt: skip
    assert by_label == {KM.t(FIELD_LABELS[key]): counts for key, counts in coverage_by_hand().items()}
    glossary = [m.value for m in at.markdown if m.value.startswith("**MoLVT / MOLVT**")]
    assert glossary == [
        "**MoLVT / MOLVT**: ក្រសួងការងារ និងបណ្ដុះបណ្ដាលវិជ្ជាជីវៈ — "
        + next(t.translations["km"].note for t in DATASET.glossary if t.term == "MoLVT / MOLVT")
    ]
    assert KM.t(NOTE) in [c.value for c in at.caption]
