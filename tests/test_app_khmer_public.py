"""Explore, the recommendation detail, Sources and Download data in Khmer (issue 19): with ``?lang=km`` no English
interface string of the catalog is shown (headings, captions, Markdown, labels, help, column headers), the
headings are in Khmer script, a search that finds nothing says so in Khmer, and links keep ``lang=km``. The
sentences the read side builds for these pages (the filters in words, the status of each addressee, the links
to other recommendations) are checked in Khmer and, unchanged, in English."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Expander, Node

from recommendations import i18n
from recommendations.read.filters import Filters
from recommendations.read.selection import EITHER
from recommendations.vocabulary import RESEARCH_SCOPE_LABELS
from tests.conftest import ROOT, open_page
from tests.helpers import app_assessment, data_dataset

KM = i18n.translator("km")
DATASET, _ = data_dataset()
ASSESSED = {a.recommendation for a in DATASET.assessments}
LOGGED = {e.recommendation for e in DATASET.research_log}
#: Detail pages: one with a long history (corrections) and a research log, the one whose log holds searches of
#: every kind, one never assessed, one with an addressee the tracker inferred, one that others repeat.
HISTORY = "tfamw2011-postarrival-5"
DETAILS = list(
    dict.fromkeys(
        [
            HISTORY,
            max(sorted(LOGGED), key=lambda i: len({e.scope for e in DATASET.research_log if e.recommendation == i})),
            next(r.id for r in DATASET.recommendations if r.id not in ASSESSED),
            next(r.id for r in DATASET.recommendations if any(a.inferred for a in r.addressees)),
            "mmn2016-03",
        ]
    )
)
#: The first sentence of the maintainers' data format (docs/data-format.md), which Download data shows as written.
DOCS = next(line for line in (ROOT / "docs" / "data-format.md").read_text().splitlines() if line and line[0] != "#")
KHMER_LETTER = re.compile("[\u1780-\u17ff]")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: Placeholders that hold a count or a year, and what they look like on a page.
NUMBERS, NUMBER = {"n", "total", "first", "last", "pages", "located", "expected", "missing", "limit", "year"}, r"[\d,]+"


# --- what a reader is shown ------------------------------------------------------------------------------------


def shown(node: Node) -> Iterator[tuple[str, str]]:
    """(kind, text) of everything a reader reads under ``node``: bodies of headings, Markdown, captions and alerts,
    labels, help and placeholders of widgets, metrics, expander labels and a table's column headers. Verbatim data
    shown as such is left out: ``st.text`` and ``st.code`` (rationales, summaries, ids) and the quotation."""
    proto = getattr(node, "proto", None)
    kind = type(node).__name__
    if isinstance(node, Block):
        if isinstance(node, Expander):
            yield "expander", node.label
        for child in node.children.values():
            yield from shown(child)
        return
    if proto is None or kind in ("Text", "Code"):
        return
    if kind == "Info" and proto.icon == ":material/format_quote:":
        return  # the recommendation's text: a quotation, never translated
    if kind == "Dataframe":
        for column in json.loads(proto.columns or "{}").values():
            for key in ("label", "help"):
                if column.get(key):
                    yield "column", column[key]
            if column.get("type_config", {}).get("display_text"):
                yield "column", column["type_config"]["display_text"]
        return
    if kind == "Metric":
        yield "label", proto.label
        yield "metric", proto.body
        return
    if kind in ("Title", "Header", "Subheader"):
        yield kind.lower(), proto.body
        return
    if kind == "Markdown" and DOCS[:60] in proto.body:
        return  # the maintainers' documentation of the data format, in English (the page says so in Khmer)
    for field in ("body", "label", "help", "placeholder"):
        value = getattr(proto, field, "")
        if isinstance(value, str) and value:
            yield "label" if field == "label" else field, value


def texts(at: AppTest) -> list[tuple[str, str]]:
    return [(kind, text.replace("\\", "")) for root in (at.main, at.sidebar) for kind, text in shown(root) if text]


def english_messages() -> list[tuple[str, re.Pattern[str], list[str]]]:
    """Every English msgid whose Khmer differs: (msgid, a pattern of the whole sentence with any value in its
    placeholders, its fragments of four words or more between placeholders). A sentence with values is found
    inside a longer text by its fragments; one without, only as the whole text (a source's title may hold the
    words of a label: "4th ASEAN Forum on Migrant Labour")."""
    out = []
    for message in i18n.catalog("km"):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if english in strings or not re.search(r"[A-Za-z]", re.sub(r"\{[a-z_]+\}", "", english)):
                continue  # the same in both languages, or only values ("{field} {problem}"): nothing to translate
            parts = re.split(r"\{[a-z_]+\}", english)
            values = [NUMBER if name in NUMBERS else ".+?" for name in PLACEHOLDER.findall(english)]
            pattern = re.compile("".join(re.escape(p) + v for p, v in zip(parts, [*values, ""], strict=True)), re.S)
            long = [p.strip() for p in parts if len(re.findall(r"[A-Za-z]+", p)) >= 4] if len(parts) > 1 else []
            out.append((english, pattern, long))
    return out


ENGLISH = english_messages()
#: Each sentence's longest run of words between placeholders: a text that lacks it cannot be the sentence, and
#: a substring test is far cheaper than the pattern (a page has hundreds of texts, the catalog hundreds of sentences).
LONGEST_PART = [max(re.split(r"\{[a-z_]+\}", english), key=len) for english, _, _ in ENGLISH]


def whole_english(text: str) -> list[str]:
    """The catalog sentences that ``text`` is (with any values)."""
    text = text.strip()
    return [
        english
        for (english, pattern, _), part in zip(ENGLISH, LONGEST_PART, strict=True)
        if part in text and pattern.fullmatch(text)
    ]


def english_in(at: AppTest) -> list[str]:
    """The English interface strings on the page: a text that is one of them (with any values), or that holds a
    run of four words or more of one with values."""
    found = []
    for kind, text in texts(at):
        if ":orange-background[" in text:
            continue  # a passage of the source document, quoted
        whole = whole_english(text)
        for english, _, long in ENGLISH:
            if english in whole or any(fragment in text for fragment in long):
                found.append(f"{kind}: {english!r} in {text[:120]!r}")
    return found


def headings_not_khmer(at: AppTest, *, skip_title: bool = False) -> list[str]:
    """Headings, labels, column headers and metric labels without a Khmer letter (the detail page's title is the
    short title, data: ``skip_title``)."""
    kinds = {"header", "subheader", "label", "column"} | (set() if skip_title else {"title"})
    return [f"{k}: {t!r}" for k, t in texts(at) if k in kinds and not KHMER_LETTER.search(t) and t != "ភាសា / Language"]


def test_the_check_finds_english_when_there_is_some():
    """Control: the same page in English is caught by both checks (so a pass in Khmer means something)."""
    at = open_page("pages/explore.py", lang="en")
    assert not at.exception
    found = english_in(at)
    assert any("'Explore recommendations'" in f for f in found)
    assert any("Click a row to open it" in f for f in found)
    assert any("'Recommendation (short title)'" in f for f in found)  # a column header
    assert headings_not_khmer(at)


# --- the pages in Khmer ----------------------------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("app_db")


@pytest.mark.parametrize("params", [{}, {"theme": "recruitment", "addressee": "molvt", "combine": EITHER}])
def test_explore_in_khmer(params):
    at = open_page("pages/explore.py", lang="km", **params)
    assert not at.exception
    assert english_in(at) == []
    assert headings_not_khmer(at) == []
    assert at.title[0].value == "រុករកអនុសាសន៍"
    caption = at.caption[0].value
    assert KHMER_LETTER.search(caption) and "Filtered by" not in caption and "All recommendations" not in caption
    if params:
        assert "បានត្រងតាម៖" in caption and "RGC" in caption  # the filters in words, in Khmer; acronyms stay
        assert at.radio(key="explore_combine").label == "របៀបផ្សំប្រធានបទ និងភាគីទទួលអនុសាសន៍"
    links = at.dataframe[0].value["open_link"]
    assert len(links) and all(link.endswith("&lang=km") and link.startswith("recommendation?id=") for link in links)


def test_explore_says_nothing_was_found_in_khmer():
    at = open_page("pages/explore.py", lang="km", q="zzzz-no-such-words")
    assert not at.exception
    assert [i.value for i in at.info] == [
        KM.t("No recommendation matches these filters. Loosen them in the sidebar, or use **Clear filters**.")
    ]
    assert at.info[0].value.startswith("គ្មានអនុសាសន៍") and "Clear filters" not in at.info[0].value
    assert english_in(at) == [] and not at.dataframe


def test_the_search_for_one_recommendation_answers_in_khmer_and_its_link_keeps_the_language():
    at = open_page("pages/explore.py", lang="km")
    at.text_input(key="explore_find").set_value("zzzz-no-such-words").run()
    assert [i.value for i in at.info] == ["គ្មានអនុសាសន៍ណាត្រូវគ្នាទេ។ សូមសាកល្បងពាក្យផ្សេងទៀត។"]
    at.text_input(key="explore_find").set_value("sub-licenses").run()
    chooser = at.selectbox(key="explore_find_choice")
    assert chooser.label == "រកឃើញ 1"
    chooser.set_value(next(r.id for r in DATASET.recommendations if "sub-licenses" in r.text)).run()
    assert not at.exception
    links = [link.proto for link in at.get("page_link")]
    assert any(p.label == "បើកព័ត៌មានលម្អិត" and "lang=km" in p.query_string for p in links), links


@pytest.mark.parametrize("rec_id", DETAILS)
def test_recommendation_detail_in_khmer(rec_id):
    at = open_page("pages/recommendation.py", lang="km", id=rec_id)
    assert not at.exception
    assert english_in(at) == []
    assert headings_not_khmer(at, skip_title=True) == []
    assert [h.value for h in at.header][:2] == ["អត្ថបទ (ដកស្រង់ដដែល)", "ស្នើទៅកាន់ និងស្ថានភាពសម្រាប់ភាគីនីមួយៗ"]
    rec = next(r for r in DATASET.recommendations if r.id == rec_id)
    assert any(rec.text in i.value.replace("\\", "") for i in at.info)  # the quotation, as written
    searches = [e for e in DATASET.research_log if e.recommendation == rec_id]
    scopes = [KM.t(label) for label in RESEARCH_SCOPE_LABELS.values()]
    logged = [e.label for e in at.expander if any(scope in e.label for scope in scopes)]
    assert len(logged) == len(searches)  # the research log, each search said in Khmer
    if rec_id not in ASSESSED:
        assert next(m.value for m in at.metric if m.label == "ស្ថានភាពបច្ចុប្បន្ន") == "មិនទាន់វាយតម្លៃ"


def test_the_history_and_research_log_read_in_khmer():
    at = open_page("pages/recommendation.py", lang="km", id=HISTORY)
    markdown = "\n".join(m.value for m in at.markdown)
    history = [a for a in DATASET.assessments if a.recommendation == HISTORY]
    assert markdown.count("· គិតត្រឹម ") >= len(history)  # every record's line: "· as of" in Khmer
    assert "as of" not in markdown and "for the whole ask" not in markdown
    assert re.search(r"\d{1,2} (មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ) 20\d\d", markdown)
    captions = "\n".join(c.value for c in at.caption)
    assert "ត្រូវបានជំនួស៖" in captions and "superseded" not in captions  # the corrected records say so in Khmer
    date_metric = next(m.value for m in at.metric if m.label == "ស្ថានភាពគិតត្រឹម")
    assert KHMER_LETTER.search(date_metric) and re.search(r"\b20\d\d\b", date_metric)  # "31 មករា 2021"


def test_where_assessors_disagree_the_table_is_in_khmer():
    open_page()  # the app builds its database
    app_assessment(
        create_engine(os.environ["DATABASE_URL"]), "app-other-view", HISTORY, status="no_progress",
        as_of="2021-02", assessor_id="lscw",
    )  # fmt: skip
    import streamlit as st

    st.cache_data.clear()
    at = open_page("pages/recommendation.py", lang="km", id=HISTORY)
    assert not at.exception
    assert "អ្នកវាយតម្លៃមានមតិខុសគ្នាលើស្ថានភាពបច្ចុប្បន្ន៖" in [w.value for w in at.warning]
    table = next(d for d in at.dataframe if "status_label" in d.value.columns).value
    assert len(table) == 2 and KM.t("No progress") in set(table["status_label"])
    assert all(KHMER_LETTER.search(s) for s in [*table["status_label"], *table["scope"], *table["as_of"]])
    assert english_in(at) == [] and headings_not_khmer(at, skip_title=True) == []


def test_a_linked_recommendation_opens_in_khmer():
    at = open_page("pages/recommendation.py", lang="km", id="mmn2016-03")
    buttons = [b for b in at.button if b.key and b.key.startswith("linked_")]
    assert buttons and all(b.label.startswith(("បានលើកឡើងម្ដងទៀត", "លើកឡើងម្ដងទៀតនូវ")) for b in buttons)
    buttons[0].click().run()
    assert not at.exception
    assert at.query_params["id"] != "mmn2016-03" and str(at.query_params["lang"]).strip("[]'") == "km"
    assert at.header[0].value == "អត្ថបទ (ដកស្រង់ដដែល)"


def test_an_unknown_id_is_said_in_khmer():
    at = open_page("pages/recommendation.py", lang="km", id="<b>no-such-id</b>")
    assert not at.exception
    assert at.error[0].value.startswith("គ្មានអនុសាសន៍ណាមានលេខសម្គាល់") and "<b>" not in at.error[0].value
    assert english_in(at) == []


def test_sources_in_khmer_and_its_link_to_explore_keeps_the_language():
    at = open_page("pages/sources.py", lang="km")
    assert not at.exception
    for toggle in at.toggle[:2]:
        toggle.set_value(True)
    at.run()
    assert english_in(at) == []
    assert headings_not_khmer(at) == []
    captions = " ".join(c.value for c in at.caption)
    assert "បានរកឃើញអនុសាសន៍" in captions  # "{located} of {total} recommendations located in the text"
    assert "ខ្វះអត្ថបទ" in captions and "texts missing" not in captions
    curators = KM.t("For curators: how this gap was researched")
    assert curators in [e.label for e in at.expander]
    button = next(b for b in at.button if b.key and b.key.startswith("explore_"))
    button.click().run()
    assert not at.exception
    assert at.title[0].value == "រុករកអនុសាសន៍"
    assert str(at.query_params["lang"]).strip("[]'") == "km" and at.query_params["source"]


@pytest.mark.parametrize("params", [{}, {"theme": "recruitment"}])
def test_download_data_in_khmer_says_the_files_keep_english_column_names(params):
    at = open_page("pages/data.py", lang="km", **params)
    assert not at.exception
    assert english_in(at) == []
    assert headings_not_khmer(at) == []
    labels = [b.proto.label for b in at.get("download_button")]
    assert "ទាញយក CSV (ទាំងអស់)" in labels and "ទាញយកទម្រង់ YAML (zip)" in labels
    assert ("ទាញយក XLSX (សំណុំដែលបានត្រង)" in labels) == bool(params)
    caption = at.caption[0].value
    assert "ភាសាអង់គ្លេស" in caption and "CSV" in caption  # column names stay English, said in Khmer


def test_in_english_the_pages_have_no_khmer_interface_string():
    for page, params in [("pages/explore.py", {}), ("pages/recommendation.py", {"id": HISTORY}),
                         ("pages/sources.py", {}), ("pages/data.py", {"theme": "recruitment"})]:  # fmt: skip
        at = open_page(page, lang="en", **params)
        assert not at.exception, page
        khmer = [(k, t) for k, t in texts(at) if KHMER_LETTER.search(t.replace("ខ្មែរ", "")) and "/ Language" not in t]
        assert khmer == [], page
        if page == "pages/explore.py":
            assert all(link.endswith("&lang=en") for link in at.dataframe[0].value["open_link"])


# --- the sentences the read side builds ------------------------------------------------------------------------


def test_the_filters_in_words_in_khmer_and_unchanged_in_english():
    filters = Filters(themes=["recruitment"], statuses=["in_progress"], year_from=2016, text="ការងារ")
    words = {"themes": {"recruitment": "ការជ្រើសរើស"}, "statuses": {"in_progress": KM.t("In progress")}}
    khmer = filters.words(words, lang="km")
    assert khmer.startswith("បានត្រងតាម៖ ស្ដីពី ការជ្រើសរើស") and khmer.endswith("។")
    assert "ស្ថានភាព៖ កំពុងដំណើរការ" in khmer and "ឆ្នាំ 2016–…" in khmer and "«ការងារ»" in khmer
    assert not re.search(r"[A-Za-z]", khmer)
    english = Filters(themes=["recruitment"], statuses=["in_progress"], year_from=2016, text="fees").words(
        {"themes": {"recruitment": "Recruitment and fees"}, "statuses": {"in_progress": "In progress"}}
    )
    assert english == (
        "Filtered by: On Recruitment and fees, asked of anyone; status: In progress; years 2016–…; "
        "text contains “fees”."
    )
    assert Filters().words({}, lang="km") == "អនុសាសន៍ទាំងអស់ (គ្មានតម្រង)។"
