"""The brief as a document to hand out: A4, page numbers, a header, headings in order, the document language;
the selection, counts and chronic asks first, then the recommendations, the known gaps short and last; counts
worded so that they add up; plain words. Runs on the real dataset; expected values come from the YAML."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import docx
import pytest
from docx.oxml.ns import qn

from recommendations.dates import date_start
from recommendations.read.brief import (
    LANGUAGES,
    brief_docx,
    brief_markdown,
    brief_rows,
    brief_sheets,
    build_brief,
    chronic_rows,
    gap_rows,
)
from recommendations.read.brief.lines import CHRONIC_COLUMNS
from tests.helpers import data_dataset
from tests.plain_words import process_words_in
from tests.test_brief import component, meeting_years, meetings

DATASET, _ = data_dataset()
SOURCE_OF = {r.id: s for s in DATASET.sources for r in s.recommendations}
POSITION = {r.id: (date_start(s.date), s.id, i) for s in DATASET.sources for i, r in enumerate(s.recommendations)}
ACTOR_TYPE = {a.id: a.type for a in DATASET.actors}
MEETING = dt.date(2022, 10, 19)
CASES = {"recruitment and MoLVT": (["recruitment"], ["molvt"]), "one theme": (["recruitment"], [])}


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


def brief_for(engine, case: str, **kwargs):
    themes, addressees = CASES[case]
    return build_brief(engine, themes=themes, addressees=addressees, meeting_date=MEETING, **kwargs)


def document(brief) -> docx.document.Document:
    return docx.Document(io.BytesIO(brief_docx(brief)))


def body(doc) -> list[tuple[str, str, object]]:
    """The body in reading order: ("p", style, text) for a paragraph, ("t", "", table) for a table."""
    out: list[tuple[str, str, object]] = []
    paragraphs = iter(doc.paragraphs)
    tables = iter(doc.tables)
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            para = next(paragraphs)
            out.append(("p", para.style.name, para.text))
        elif element.tag == qn("w:tbl"):
            out.append(("t", "", next(tables)))
    return out


def table_text(table) -> str:
    return "\n".join(cell.text for row in table.rows for cell in row.cells)


def all_text(doc) -> str:
    return "\n".join(str(x) if kind == "p" else table_text(x) for kind, _, x in body(doc))


def words(text: str) -> int:
    return len(text.split())


def known_gaps(meeting: dt.date) -> list:
    """Sources missing texts (fewer held than known, or a note and none held), dated by the meeting."""
    return sorted(
        (
            s
            for s in DATASET.sources
            if date_start(s.date) <= meeting
            and (
                (s.expected_recommendations or 0) > len(s.recommendations)
                or (s.expected_recommendations is None and s.gap_note and not s.recommendations)
            )
        ),
        key=lambda s: (date_start(s.date), s.id),
    )


# --- the page ------------------------------------------------------------------------------------------------


def test_a4_with_margins_and_a_page_number_field(loaded):
    doc = document(brief_for(loaded, "recruitment and MoLVT"))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert 15 <= margin.mm <= 30
    footer = section.footer._element
    fields = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert [c.get(qn("w:fldCharType")) for c in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"] * 2
    assert section.footer.paragraphs[0].text == "Page 1 of 1"  # what shows until Word counts the pages


def test_header_names_the_meeting_and_the_issuing_organisation(loaded, configure):
    unnamed = brief_for(loaded, "recruitment and MoLVT")
    doc = document(unnamed)
    assert doc.sections[0].header.paragraphs[0].text == "Meeting brief for 19 October 2022"
    assert "Issued by" not in all_text(doc) + brief_markdown(unnamed)
    configure(organisation="Legal Support for Children and Women")
    named = brief_for(loaded, "recruitment and MoLVT")
    doc = document(named)
    header = doc.sections[0].header.paragraphs[0].text
    assert header == "Meeting brief for 19 October 2022 · Issued by Legal Support for Children and Women"
    assert "Issued by Legal Support for Children and Women." in [p.text for p in doc.paragraphs[:3]]
    assert "Issued by Legal Support for Children and Women." in brief_markdown(named)
    assert doc.core_properties.author == "Legal Support for Children and Women"


@pytest.mark.parametrize("case", [*CASES, "everything", "nothing open"])
def test_headings_run_one_two_three_in_order(loaded, case):
    if case == "everything":
        brief = build_brief(loaded, themes=[], addressees=[], meeting_date=MEETING)
    elif case == "nothing open":
        brief = build_brief(loaded, themes=["recruitment"], addressees=[], meeting_date=dt.date(2010, 1, 1))
    else:
        brief = brief_for(loaded, case)
    levels = [int(style.split()[-1]) for kind, style, _ in body(document(brief)) if style.startswith("Heading")]
    md_levels = [len(m) for m in re.findall(r"^(#+) ", brief_markdown(brief), flags=re.MULTILINE)]
    if brief.items or brief.gaps:
        assert levels[0] == 1
        assert md_levels[:2] == [1, 2]  # the title, then the Word file's Heading 1 as ##
    else:  # nothing open and no gap: the title and a sentence
        assert (levels, md_levels) == ([], [1])
    for found in (levels, md_levels):
        for before, after in itertools.pairwise(found):
            assert after <= before + 1, found


def test_the_document_language_is_set_in_one_place(loaded):
    brief = brief_for(loaded, "recruitment and MoLVT")
    doc = document(brief)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    every = {e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))}
    assert every == {"en-GB"}
    assert doc.settings.element.find(qn("w:themeFontLang")).get(qn("w:val")) == "en-GB"
    assert doc.core_properties.language == "en-GB"
    assert doc.core_properties.title == "Meeting brief: 19 October 2022"
    assert doc.core_properties.subject == brief.selection
    assert b"stylesWithEffects" not in brief_docx(brief)  # the template's second, en-US copy of the styles is gone
    assert list(LANGUAGES) == ["en", "km"]  # a Khmer brief: tests/test_brief_khmer.py
    with pytest.raises(ValueError, match="no brief in 'th'"):
        build_brief(loaded, themes=["recruitment"], addressees=[], meeting_date=MEETING, lang="th")


# --- the order: first page, recommendations, appendix ---------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_first_page_then_the_recommendations_then_the_gaps(loaded, case):
    brief = brief_for(loaded, case)
    doc = document(brief)
    parts = body(doc)
    ones = [(i, text) for i, (kind, style, text) in enumerate(parts) if style == "Heading 1"]
    assert [text for _, text in ones] == ["Chronic asks", "Recommendations", "Appendix: known gaps"]
    chronic_at, recommendations_at, gaps_at = (i for i, _ in ones)
    first_item = next(i for i, (_, style, _) in enumerate(parts) if style == "Heading 3")
    table_at = next(i for i, (kind, _, x) in enumerate(parts) if kind == "t")
    assert chronic_at < table_at < recommendations_at < first_item < gaps_at
    first_table = parts[table_at][2]
    assert [c.text for c in first_table.rows[0].cells] == CHRONIC_COLUMNS
    before_chronic = "\n".join(str(x) for _, _, x in parts[:chronic_at])
    assert brief.selection in before_chronic
    assert f"{len(brief.items)} open recommendations on this selection" in before_chronic
    heading = next(p for p in doc.paragraphs if p.text == "Recommendations")
    assert heading.paragraph_format.page_break_before  # the first page is the summary
    after_gaps = [(kind, style) for kind, style, _ in parts[gaps_at + 1 :]]
    assert after_gaps == [("p", "Normal")] + [("p", "List Bullet")] * len(brief.gaps)
    md = brief_markdown(brief)
    assert md.index("## Chronic asks") < md.index("## Recommendations") < md.index("####")
    assert md.index("####") < md.index("## Appendix: known gaps")


def test_chronic_asks_are_the_listed_asks_raised_at_two_or_more_meetings(loaded):
    brief = brief_for(loaded, "one theme")
    listed = {i.id for i in brief.items}
    expected = {}
    for rec in listed:
        chain = component(rec, MEETING)
        later_listed = [r for r in chain & listed if POSITION[r] > POSITION[rec]]
        if meetings(chain) >= 2 and not later_listed:
            first = min(date_start(SOURCE_OF[r].date) for r in chain)
            years = MEETING.year - first.year - ((MEETING.month, MEETING.day) < (first.month, first.day))
            expected[rec] = (meetings(chain), meeting_years(chain), years)
    assert "afml15-2022-13" in expected  # issue 18's example: raised in 2011, 2016 and 2022
    assert "tfamw2011-recruitment-1" not in expected  # the same ask, carried by its later repetitions
    rows = brief.chronic
    assert {r.item.id: (r.item.times_raised, meeting_years_of(r), r.years_open) for r in rows} == expected
    order = [(-r.item.times_raised, -r.years_open) for r in rows]
    assert order == sorted(order)
    table = next(t for t in document(brief).tables if [c.text for c in t.rows[0].cells] == CHRONIC_COLUMNS)
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [c[0].split(" (")[0] for c in cells] == [r.item.id for r in rows]
    joint = next(c for c in cells if c[0].startswith("afml15-2022-13"))
    assert joint[3] == f"3 ({meeting_years(component('afml15-2022-13', MEETING))})" == "3 (2011, 2016, 2022)"
    assert joint[0] == "afml15-2022-13 (also listed: tfamw2011-recruitment-1, mmn2016-03)"
    assert joint[4] == next(i.status_label for i in brief.items if i.id == "afml15-2022-13")
    md = brief_markdown(brief)  # the same asks as a list, which wraps on a phone
    listed = re.findall(r"^- \*\*.+?\*\* \(([^;)]+).*?raised at (\d+) meetings: ([\d, ]+);", md, flags=re.MULTILINE)
    assert listed == [(r.item.id, str(r.item.times_raised), meeting_years_of(r)) for r in rows]


def meeting_years_of(row) -> str:
    return ", ".join(d[:4] for d in row.item.meetings)


# --- the known gaps --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_known_gaps_are_short_and_under_15_percent_of_the_words(loaded, case):
    brief = brief_for(loaded, case)
    parts = body(document(brief))
    start = next(i for i, (_, style, text) in enumerate(parts) if text == "Appendix: known gaps")
    total = sum(words(str(x)) if kind == "p" else words(table_text(x)) for kind, _, x in parts)
    appendix = sum(words(str(x)) for _, _, x in parts[start:])
    assert brief.gaps
    assert appendix / total < 0.15, f"{appendix} of {total} words"
    for _, _, text in parts[start + 2 :]:
        sentence = str(text).split("): ", 1)[-1] if "): " in str(text) else str(text).split(": ", 1)[-1]
        assert len(re.findall(r"[.!?](\s|$)", sentence)) == 1, text
        assert words(str(text)) <= 45, text


@pytest.mark.parametrize(
    ("addressees", "regional"),
    [([], True), (["molvt"], False), (["molvt", "local-authorities-kh"], False),
     (["molvt", "asean-member-states"], True), (["recruitment-agencies"], True)],
)  # fmt: skip
def test_known_gaps_bear_on_the_chosen_addressees(loaded, addressees, regional):
    """A regional Forum's missing texts are left out only when every chosen addressee is one country's own body."""
    national = all(ACTOR_TYPE[a] in ("government_origin", "local_authority") for a in addressees)
    assert regional == (not addressees or not national)
    brief = build_brief(loaded, themes=["recruitment"], addressees=addressees, meeting_date=MEETING)
    expected = [s.title for s in known_gaps(MEETING) if regional or s.kind != "afml"]
    assert [g.title for g in brief.gaps] == expected
    assert any(s.kind == "afml" for s in known_gaps(MEETING))
    assert any(s.kind != "afml" for s in known_gaps(MEETING))
    earlier = build_brief(loaded, themes=["recruitment"], addressees=addressees, meeting_date=dt.date(2019, 7, 29))
    assert [g.title for g in earlier.gaps] == [
        s.title for s in known_gaps(dt.date(2019, 7, 29)) if regional or s.kind != "afml"
    ]


# --- counts and words ------------------------------------------------------------------------------------------


def test_every_count_is_worded_so_it_adds_up(loaded):
    brief = build_brief(loaded, themes=[], addressees=[], meeting_date=MEETING)
    md = brief_markdown(brief)
    text = all_text(document(brief))
    for item in brief.items:
        chain = component(item.id, MEETING)
        n = meetings(chain)
        raised = f"at {n} meeting{'s' if n > 1 else ''}: {meeting_years(chain)}"
        assert len(meeting_years(chain).split(", ")) == n
        assert f"**Raised:** {raised}\n" in md
        assert f"Raised\n{raised}" in text
    statuses = re.search(r"(\d+) open recommendations on this selection, from (\d+) documents: ([^.]+)\.", md)
    assert int(statuses[1]) == len(brief.items)
    assert int(statuses[2]) == len({i.source_id for i in brief.items})
    assert sum(int(part.split()[0]) for part in statuses[3].split(", ")) == len(brief.items)
    repeated = sum(1 for i in brief.items if meetings(component(i.id, MEETING)) > 1)
    assert f"{repeated} of the {len(brief.items)} were raised at two or more meetings" in md
    assert len(brief.chronic) < repeated  # asks that repeat one another are one row
    assert f"; some repeat one another, so Chronic asks lists them as {len(brief.chronic)} asks." in md
    assert "(s)" not in md and "(s)" not in text
    assert "meetings or documents" not in md


@pytest.mark.parametrize("case", [*CASES, "everything"])
def test_no_process_words_in_the_brief(loaded, case):
    if case == "everything":
        brief = build_brief(loaded, themes=[], addressees=[], meeting_date=dt.date(2026, 11, 22))
    else:
        brief = brief_for(loaded, case)
    doc = document(brief)
    header = doc.sections[0].header.paragraphs[0].text + doc.sections[0].footer.paragraphs[0].text
    assert process_words_in(all_text(doc) + header) == []
    assert process_words_in(brief_markdown(brief)) == []


def test_rows_follow_the_document(loaded):
    brief = brief_for(loaded, "one theme")
    rows = brief_rows(brief)
    assert list(rows["id"]) == [i.id for i in brief.items]  # the document's order
    assert list(rows["raised_at"]) == ["; ".join(d[:4] for d in i.meetings) for i in brief.items]
    sheets = brief_sheets(brief)
    assert list(sheets) == ["chronic asks", "recommendations", "known gaps"]
    assert list(chronic_rows(brief)["id"]) == [r.item.id for r in brief.chronic]
    assert list(gap_rows(brief)["document"]) == [g.title for g in brief.gaps]
    assert sheets["recommendations"].equals(rows)
