"""The one rule for free text, and for the names that identify people and organisations."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommendations import text

KHMER = "ការងារ\u200bចំណាកស្រុក"  # "migrant work", with a zero-width space between the words, as Khmer writes


def test_khmer_and_zero_width_spaces_are_kept():
    assert text.clean(KHMER) == KHMER
    assert "\u200b" in text.clean(KHMER)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("line one\r\nline two", "line one\nline two"),
        ("old mac\rline", "old mac\nline"),
        ("next line\x85here", "next line\nhere"),
        ("line\u2028separator", "line\nseparator"),
        ("para\u2029separator", "para\nseparator"),
        ("Cafe\u0301", "Café"),  # decomposed: stored composed (NFC)
        ("tab\tkept", "tab\tkept"),
    ],
)
def test_line_breaks_and_letters_are_stored_one_way(typed, stored):
    assert text.clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("nul\x00byte", "U+0000"),
        ("escape\x1b[31m", "U+001B"),
        ("bell\x07", "U+0007"),
        ("right-to-left override \u202e", "U+202E"),
        ("private use \ue000", "U+E000"),
        ("unassigned \U000e0fff", "U+E0FFF"),
    ],
)
def test_control_and_invisible_characters_are_refused_by_name(typed, words):
    with pytest.raises(text.TextProblem, match=re.escape(words)):
        text.clean(typed)


def test_length_limits_and_single_lines():
    assert text.clean("x" * 300, limit=300) == "x" * 300
    with pytest.raises(text.TextProblem, match="301 characters long; at most 300"):
        text.clean("x" * 301, limit=300)
    with pytest.raises(text.TextProblem, match="single line"):
        text.clean("a title\nwith a break", multiline=False)


@pytest.mark.parametrize(
    ("typed", "key"),
    [("  Sok@CWCC.Example ", "sok@cwcc.example"), ("a.b+c@mail.example.org", "a.b+c@mail.example.org")],
)
def test_emails_are_account_keys(typed, key):
    assert text.email(typed) == key


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("sok\u200b@cwcc.example", "invisible"),  # looks exactly like sok@cwcc.example
        ("sok\u00a0@cwcc.example", "invisible"),
        ("sоk@cwcc.example", "non-ASCII"),  # a Cyrillic о
        ("sok@cwcc", "not an email"),
        ("sok@@cwcc.example", "not an email"),
        ("sok@cwcc.example\x00", "invisible"),
    ],
)
def test_look_alike_and_malformed_emails_are_refused(typed, words):
    with pytest.raises(text.TextProblem, match=words):
        text.email(typed)


def test_names_refuse_invisible_characters_and_mixed_scripts_but_keep_real_ones():
    assert text.name("  Legal Support for Children   and Women ") == "Legal Support for Children and Women"
    assert text.name("សម្ព័ន្ធ ការងារ") == "សម្ព័ន្ធ ការងារ"  # Khmer alone is a name like any other
    with pytest.raises(text.TextProblem, match="invisible"):
        text.name("CW\u200bCC")
    with pytest.raises(text.TextProblem, match="look-alike"):
        text.name("СWCC")  # a Cyrillic С


def test_skeletons_make_look_alikes_collide():
    assert text.skeleton("CWCC") == text.skeleton("С W С С") == text.skeleton("cwcc") == text.skeleton("Cwcc!")
    assert text.skeleton("Caf\u00e9") == text.skeleton("Cafe")
    assert text.skeleton("CWCC") != text.skeleton("LSCW")


# Any text a person could type: every Unicode category but the ones the rule refuses, Khmer made likely.
TYPED = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf")),
        st.sampled_from(list(KHMER + "\n\t\u200b\u200c\u200d\r\u2028\u0085")),
    ),
    min_size=1,
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_clean_is_stable_and_never_lets_a_refused_character_through(value):
    cleaned = text.clean(value)
    assert text.clean(cleaned) == cleaned  # what is stored comes back the same when read again
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(c in cleaned for c in "\r\x85\u2028\u2029")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \r\n\t\x85\u2028\u2029é", max_size=40))
def test_line_breaks_become_one_newline_each_on_the_fast_path_and_the_other(value):
    """\\r\\n, \\r, NEL, U+2028 and U+2029 each become one \\n, whether the text is ASCII (a plain replace) or not
    (the expression): the two ways give what the expression gives."""
    assert text.clean(value) == re.sub(r"\r\n|[\r\x85\u2028\u2029]", "\n", value)


@settings(max_examples=300, deadline=None)
@given(st.lists(TYPED, min_size=1, max_size=4))
def test_what_is_stored_survives_the_yaml_backup_unchanged(tmp_path_factory, values):
    """A value as the database holds it (cleaned, stripped as the schema strips) is read back from the YAML
    backup exactly: export -> validate -> load gives the same database."""
    from recommendations.dataset.yamlio import dump_yaml, read_yaml

    stored = [text.clean(v).strip() or "x" for v in values]
    path = tmp_path_factory.mktemp("yaml") / "assessments.yaml"
    dump_yaml({"assessments": [{"rationale": v} for v in stored]}, path)
    back = [record["rationale"] for record in read_yaml(path)["assessments"]]
    assert back == stored
