"""THE verbatim rule (recommendations/verbatim.py): what does not count, where a quote stands, the closest passage."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from recommendations import verbatim
from recommendations.read import source_text

TEXT = "Intro.\n\n1. The **Royal Government** should\nact now.\n2. The Royal  Government should act now."


def test_emphasis_whitespace_and_wraps_do_not_count_and_spans_are_in_the_original_text():
    found = verbatim.occurrences(TEXT, "The Royal Government should act now.")
    assert [TEXT[s:e] for s, e in found] == [
        "The **Royal Government** should\nact now.",
        "The Royal  Government should act now.",
    ]
    assert verbatim.normalise(" a\\-b  *c*\n d ") == "a-b c d"
    assert verbatim.occurrences(TEXT, "The Royal Government should act later.") == []


def test_khmer_zero_width_spaces_and_unicode_normalisation_do_not_count():
    khmer = "ក\u200bខ\u200cគ ឃ\ufeff"
    assert verbatim.normalise(khmer) == "កខគ ឃ"
    decomposed = unicodedata.normalize("NFD", "Café déjà vu")
    found = verbatim.occurrences(f"x {decomposed} y", "Café déjà")
    assert len(found) == 1 and unicodedata.normalize("NFC", f"x {decomposed} y"[slice(*found[0])]) == "Café déjà"


def test_closest_passage_is_the_most_alike_part_of_the_text():
    text = "Workers should be paid on time. Agencies must publish their fees every year. Employers keep records."
    assert verbatim.closest(text, "Agencies should publish their fees each year.").startswith("Agencies must publish")
    assert verbatim.closest("", "anything") == ""


def test_the_sources_page_marks_the_recorded_place_when_it_still_holds_the_quote():
    quotes = {"a": "The Royal Government should act now."}
    second = verbatim.occurrences(TEXT, quotes["a"])[1]
    assert source_text.spans(TEXT, quotes, {"a": second}) == [(*second, "a")]
    first = verbatim.occurrences(TEXT, quotes["a"])[0]
    assert source_text.spans(TEXT, quotes, {"a": (0, 5)}) == [(*first, "a")]  # a stale place: found again


#: Characters and pieces the emphasis, the escapes and the whitespace are made of, and letters around them.
PIECES = [*"ab1 .*\\_-\t\n\x0b\x1c\x1f[](){}#", "**", "\\*", " *a* ", "a*b", "\\-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_a_short_ascii_text_is_compared_as_the_walk_compares_it(text: str):
    """The short texts' shortcut (ASCII: the emphasis removed, then the whitespace) gives what the walk gives."""
    assert verbatim._normalised_short.__wrapped__(text) == verbatim._mapped.__wrapped__(text)[0].strip()
