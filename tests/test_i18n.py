"""Interface languages: the lookup, plurals, numbers and dates by language, the catalogs' completeness, and the
checker that finds interface strings on pages that bypass the lookup."""

from __future__ import annotations

import ast
import datetime as dt
import math
import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st_

from recommendations import dates, i18n, numbers
from recommendations.cli import translations
from tests.conftest import ROOT

KM = i18n.translator("km")
EN = i18n.translator("en")


def test_languages_are_english_and_the_catalogs_present():
    assert i18n.languages() == ("en", "km")
    assert [i18n.native_name(lang) for lang in i18n.languages()] == ["English", "ខ្មែរ"]


def test_a_sentence_is_translated_whole_with_its_named_placeholders():
    english = EN.t("Logged in as {name}: {role}.", name="Dara", role="reviewer")
    assert english == "Logged in as Dara: reviewer."
    assert KM.t("Logged in as {name}: {role}.", name="Dara", role="reviewer") == "បានចូលប្រើជា Dara៖ reviewer។"


def test_a_string_no_catalog_has_falls_back_to_english():
    assert KM.t("{n} of {total} recommendations", n=3, total=84) == "3 of 84 recommendations"
    assert i18n.translator("xx").lang == "en"  # a language not on offer is English


def test_a_placeholder_value_cannot_reach_into_its_object():
    with pytest.raises(KeyError):
        EN.t("{name.__class__}", name="x")
    assert EN.t("{name}", name="{other}", other="no") == "{other}"  # values are not formatted again


def test_plural_forms_follow_each_languages_rule():
    singular = "{n} interface string in this language awaits review by a native speaker."
    plural = "{n} interface strings in this language await review by a native speaker."
    assert EN.plural(singular, plural, 1) == "1 interface string in this language awaits review by a native speaker."
    assert EN.plural(singular, plural, 1234).startswith("1,234 interface strings")
    one, many = KM.plural(singular, plural, 1), KM.plural(singular, plural, 5)
    assert "1" in one and "5" in many and one.replace("1", "5") == many  # Khmer has one form
    assert i18n.in_script(many, "km")


@pytest.mark.parametrize("value", ["km", " KM ", "en"])
def test_the_address_bar_may_name_a_language_on_offer(value):
    assert i18n.pick(value) == value.strip().lower()


@pytest.mark.parametrize(
    "value", [None, "", "fr", "km-KH", "<script>", "k m", "km" * 10, ["km"], "../km", "km\x00", 3, "ខ្មែរ"]
)
def test_any_other_language_value_is_ignored(value):
    assert i18n.pick(value) is None


@pytest.mark.parametrize(
    ("locale", "lang"), [("km-KH", "km"), ("km", "km"), ("en-GB", "en"), ("th-TH", "en"), (None, "en"), ("", "en")]
)
def test_the_browsers_language_is_the_default_when_there_is_a_catalog_for_it(locale, lang):
    assert i18n.from_locale(locale) == lang


@given(st_.integers(min_value=-(10**12), max_value=10**12))
def test_english_numbers_are_what_the_pages_printed_before(n):
    assert EN.number(n) == f"{n:,}"


@given(st_.integers(min_value=0, max_value=100))
def test_a_whole_percentage_is_written_as_the_pages_printed_it_before(whole):
    assert EN.percent(whole / 100) == f"{whole / 100:.0%}" == f"{whole}%"


@given(st_.integers(min_value=0, max_value=2000), st_.integers(min_value=1, max_value=2000))
@example(345, 600)  # 57.5% exactly, 57.4999... as a binary float: once read 57%
@example(113, 200)  # 56.5%: halves go up, not to even
def test_a_share_of_a_count_is_its_exact_whole_percentage_halves_up(part, whole):
    exact = Fraction(min(part, whole), whole) * 100
    shown = math.floor(exact + Fraction(1, 2))
    expected = "under 1%" if shown == 0 and exact else "over 99%" if shown == 100 and exact < 100 else f"{shown}%"
    assert numbers.percent(min(part, whole) / whole) == expected


def test_one_khmer_date_style_everywhere():
    """Day, Khmer month name, year, in the digits 0-9 (README, "Languages")."""
    assert KM.date("2026-12-05") == "5 ធ្នូ 2026"
    assert KM.date("2019-07") == "កក្កដា 2019"
    assert KM.date("2019") == "2019"
    assert KM.date(dt.date(2011, 1, 1)) == "1 មករា 2011"
    assert EN.date("2026-12-05") == dates.human("2026-12-05") == "5 December 2026"
    assert KM.number(1234) == "1,234" and KM.percent(0.35) == "35%"
    assert KM.join(["ក", "ខ", "គ"]) == "ក, ខ និង គ" and EN.join(["a", "b"]) == "a and b"


def test_english_dates_are_worded_as_before():
    months = "January February March April May June July August September October November December".split()
    day = dt.date(2011, 1, 1)
    while day.year < 2023:
        assert dates.human(day.isoformat()) == f"{day.day} {months[day.month - 1]} {day.year}"
        assert dates.human(day.isoformat()[:7]) == f"{months[day.month - 1]} {day.year}"
        day += dt.timedelta(days=13)
    assert dates.human("") == "" and dates.human(None) == "" and dates.human("not a date") == "not a date"


def test_a_message_from_below_the_web_edge_is_english_in_logs_and_translated_on_the_page():
    from recommendations.write.auth import LoginRefused

    refused = LoginRefused(
        "Too many failed log-ins from this connection. Wait {minutes} minutes and try again.", minutes=15
    )
    assert str(refused) == "Too many failed log-ins from this connection. Wait 15 minutes and try again."
    assert KM.say(refused.message) == "មានការចូលបរាជ័យច្រើនពេកពីការតភ្ជាប់នេះ។ សូមរង់ចាំ 15 នាទី រួចព្យាយាមម្ដងទៀត។"


# --- a new language is a catalog, not a code change -------------------------------------------------------------


def test_adding_thai_is_a_new_catalog(tmp_path, monkeypatch):
    locale_dir = tmp_path / "locale"
    translations.update("th", ROOT, locale_dir)
    path = locale_dir / "th" / "LC_MESSAGES" / "tracker.po"
    text = path.read_text()
    assert 'msgid "Log in"\nmsgstr ""' in text and "Plural-Forms: nplurals=1" in text
    path.write_text(text.replace('msgid "Log in"\nmsgstr ""', 'msgid "Log in"\nmsgstr "เข้าสู่ระบบ"'))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    assert i18n.languages() == ("en", "th")
    assert i18n.pick("th") == "th" and i18n.from_locale("th-TH") == "th"
    thai = i18n.translator("th")
    assert thai.t("Log in") == "เข้าสู่ระบบ" and thai.t("Log out") == "Log out"
    assert i18n.in_script("เข้าสู่ระบบ", "th") and not i18n.in_script("Log in", "th")
    assert i18n.review_state("th").translated == 1


# --- the catalogs -----------------------------------------------------------------------------------------------


def catalog_entries(lang: str):
    return [m for m in i18n.catalog(lang) if m.id]


def strings(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


@pytest.mark.parametrize("lang", [lang for lang in i18n.languages() if lang != "en"])
def test_every_catalog_string_has_a_translation(lang):
    untranslated = [m.id for m in catalog_entries(lang) if not all(s and s.strip() for s in strings(m.string))]
    assert untranslated == []
    assert not [m.id for m in catalog_entries(lang) if m.fuzzy]  # gettext skips fuzzy entries: none may hide


@pytest.mark.parametrize("lang", [lang for lang in i18n.languages() if lang != "en"])
def test_every_string_the_code_marks_is_in_the_catalog(lang):
    """Run ``python -m recommendations translations`` after adding or changing an interface string."""
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in translations.template(ROOT) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog_entries(lang)}
    assert sorted(wanted - have) == []
    assert sorted(have - wanted) == []  # nothing stale either


@pytest.mark.parametrize("lang", [lang for lang in i18n.languages() if lang != "en"])
def test_translations_keep_the_placeholders_and_are_in_the_languages_script(lang):
    wrong = []
    for m in catalog_entries(lang):
        wanted = i18n.placeholders(strings(m.id)[0])
        for value in strings(m.string):
            if i18n.placeholders(value) != wanted:
                wrong.append(f"placeholders: {m.id!r}")
            if unicodedata.normalize("NFC", value) != value:
                wrong.append(f"not NFC: {m.id!r}")
            acronym = value == strings(m.id)[0] and not any(c.islower() for c in value)
            if not acronym and not i18n.in_script(value, lang):
                wrong.append(f"not in the language's script: {m.id!r}")
        try:
            i18n.review_of(m.user_comments)
        except ValueError as exc:
            wrong.append(f"review line: {exc}")
    assert wrong == []


def test_the_review_record_is_read_from_the_catalog_comments():
    assert i18n.review_of(["reviewed: by Sok Dara on 2026-11-30"]) == i18n.Review("Sok Dara", dt.date(2026, 11, 30))
    assert i18n.review_of(["a translator's note"]) is None
    with pytest.raises(ValueError, match="reviewed: by NAME on YYYY-MM-DD"):
        i18n.review_of(["reviewed by Sok"])
    state = i18n.review_state("km")
    assert state.messages == state.translated > 50
    assert state.reviewed == 0  # written by the developers, honestly unreviewed until a Khmer speaker checks them


# --- interface strings on pages that bypass t() ------------------------------------------------------------------

#: Streamlit calls that show a string to the reader (the label, body or help of an element).
DISPLAY = frozenset(
    "title header subheader markdown write caption text info warning error success toast exception button "
    "form_submit_button download_button link_button page_link text_input text_area number_input selectbox "
    "multiselect radio checkbox toggle slider select_slider date_input file_uploader metric expander tabs popover "
    "dialog TextColumn NumberColumn DateColumn LinkColumn ListColumn Column Page".split()
)
TEXT_KEYWORDS = frozenset({"label", "help", "placeholder", "body", "title", "caption", "value"})
#: Calls that show data, whose column headers (``column_config``) are interface strings.
TABLES = frozenset({"dataframe", "data_editor", "table"})
#: Pages whose strings all go through t() (the others are wrapped once issue 18's changes are in).
WRAPPED = [
    "dashboard.py", "pages/brief.py", "pages/login.py", "pages/update.py", "pages/upload.py", "pages/review.py",
    "pages/my_organisation.py", "pages/evidence_edit.py", "pages/admin.py", "pages/audit.py",
    "pages/explore.py", "pages/recommendation.py", "pages/sources.py", "pages/data.py",
    "pages/overview.py", "pages/owners.py", "pages/themes.py", "pages/add_document.py",
    "recommendations/ui/charts.py", "recommendations/ui/tables.py", "recommendations/ui/widgets.py",
    "recommendations/ui/curation.py", "recommendations/ui/curation_review.py",
]  # fmt: skip


def _has_words(text: str) -> bool:
    icon = text.startswith(":material/") and text.endswith(":")
    return any(c.isalpha() for c in text) and not icon and not text.endswith(".py")  # a page's file is no text


def _bare(node: ast.AST) -> list[str]:
    """Literal text in ``node`` that reaches the reader without t(): a string, an f-string's text, a sum."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if _has_words(node.value) else []
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return [text] if _has_words(text) else []
    if isinstance(node, ast.BinOp):
        return _bare(node.left) + _bare(node.right)
    if isinstance(node, ast.IfExp):
        return _bare(node.body) + _bare(node.orelse)
    if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("esc", "join"):
        return [s for arg in node.args for s in _bare(arg)]
    if isinstance(node, ast.Dict):  # column_config={"col": "Header"}
        return [s for value in node.values if value is not None for s in _bare(value)]
    return []


def untranslated(path: Path) -> list[str]:
    """``file:line: text`` for every literal shown by a Streamlit call without going through t()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name in DISPLAY:
            args = list(node.args) + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS | {"column_config"}]
        elif name in TABLES:
            args = [k.value for k in node.keywords if k.arg == "column_config"]
        else:
            continue
        found += [f"{path.name}:{node.lineno}: {text!r}" for arg in args for text in _bare(arg)]
    return found


def test_the_checker_finds_strings_that_bypass_the_lookup(tmp_path):
    page = tmp_path / "sample.py"
    page.write_text(
        'st.title("Hello")\nst.caption(ui.esc(f"Citation: {x}"))\ncols[0].metric("Assessed", f"{v:.0%}")\n'
        'st.dataframe(f, column_config={"a": "Header"})\nst.button(t("Fine"), icon=":material/key:")\n'
        'st.markdown(f"**{ui.esc(title)}**")\nst.text_input(label="Email" if a else t("E"), key="k")\n'
    )
    found = [line.split(": ", 1)[1] for line in untranslated(page)]
    assert found == ["'Hello'", "'Citation: '", "'Assessed'", "'Header'", "'Email'"]


@pytest.mark.parametrize("name", WRAPPED)
def test_wrapped_pages_show_no_string_that_bypasses_the_lookup(name):
    assert untranslated(ROOT / name) == []


def test_every_page_and_the_dashboard_are_checked_for_strings_outside_the_catalog():
    """Every page is in WRAPPED, so the check above covers each: a new page must be added there."""
    paths = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
    assert {str(p.relative_to(ROOT)) for p in paths} <= set(WRAPPED)


@pytest.mark.parametrize(("code", "why"), [("en", "English is the language"), ("xx", "not a language code")])
def test_the_command_refuses_a_catalog_for_english_or_an_unknown_code(code, why, capsys):
    from recommendations.cli import main

    assert main(["translations", "--add", code]) == 1
    assert why in capsys.readouterr().out
    assert not (ROOT / "locale" / code).exists()
