"""The brief's Word file written in one pass (recommendations/read/brief/wordml.py) holds what python-docx's own
object calls make (tests/docx_reference.py): every part of the file element for element, and read back with
python-docx the same paragraphs, runs, tables and links; hostile text kept as written, less the control
characters XML forbids. In English and Khmer, on the real data with hostile text put into the first items."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import docx
import pytest
from lxml import etree

from recommendations.read.brief import QUESTION_RULES, Question, brief_docx, build_brief, lines
from recommendations.read.brief.wordml import Body
from tests.docx_reference import reference_docx

MEETING = dt.date(2022, 10, 19)
FORMULA = '=HYPERLINK("http://evil.example","x")'
HOSTILE = f"{FORMULA} <b>&amp;</b> \x07bell\ttab\nnew line  "
URL = "https://example.org/report?a=1&b=2"


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


def hostile_brief(engine, lang: str):
    brief = build_brief(engine, themes=["recruitment"], addressees=["molvt"], meeting_date=MEETING, lang=lang)
    first, second, third = [item for group in brief.groups for item in group.items][:3]
    first.title, first.text, first.lead_in = "+1+1 @SUM(A1) -2", HOSTILE, "  leading \x1b and trailing "
    first.problems = ["\x0bvertical tab; -cmd|' /C calc'!A0"]
    first.questions = [Question(rule=next(iter(QUESTION_RULES)), text=""), *first.questions]
    for item, url in ((first, URL), (second, URL), (third, "javascript:alert(1)")):  # one address twice
        newest = item.evidence[0] if item.evidence else None
        if newest is not None:
            item.evidence[0] = dataclasses.replace(newest, url=url, title=f"{newest.title} <&>")
    return brief


def parts(data: bytes) -> dict[str, list[tuple]]:
    """Every XML part of the file as (tag, attributes, text, tail) in document order."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            name: [(e.tag, sorted(e.attrib.items()), e.text or "", e.tail or "") for e in root.iter()]
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
            for root in [etree.fromstring(package.read(name))]
        }


def read_back(data: bytes) -> tuple[list, list, list[str]]:
    doc = docx.Document(io.BytesIO(data))
    paragraphs = [
        (p.style.name, p.text, p.paragraph_format.page_break_before, [(r.text, r.bold, r.italic, r.font.size)
                                                                         for r in p.runs])
        for p in doc.paragraphs
    ]  # fmt: skip
    tables = [[[(c.text, [r.bold for p in c.paragraphs for r in p.runs]) for c in row.cells] for row in t.rows]
              for t in doc.tables]  # fmt: skip
    links = [r.target_ref for r in doc.part.rels.values() if r.is_external]
    return paragraphs, tables, links


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_one_pass_writer_makes_what_python_docx_makes(loaded, lang):
    brief = hostile_brief(loaded, lang)
    fast, reference = brief_docx(brief), reference_docx(brief)
    assert parts(fast) == parts(reference)
    assert read_back(fast) == read_back(reference)
    paragraphs, tables, links = read_back(fast)
    first = brief.groups[0].items[0]
    at = next(i for i, p in enumerate(paragraphs) if p[:2] == ("Heading 3", lines.item_heading(first)))
    assert paragraphs[at][1] == "+1+1 @SUM(A1) -2 (" + first.id + ")"  # a formula prefix is text in Word
    quote = paragraphs[at + 1]
    assert quote[0] == "Quote"
    assert quote[1] == f"  leading  and trailing  … {FORMULA} <b>&amp;</b> bell\ttab\nnew line  "  # less \x1b \x07
    assert paragraphs[at + 2][:2] == ("Quote", "• vertical tab; -cmd|' /C calc'!A0")
    facts = tables[1]  # the chronic asks first, then this item's facts
    assert facts[0][0] == (lines_label(lang, "Source"), [True])
    assert facts[0][1] == (lines.source_line(first, lang), [None])
    assert links.count(URL) == 1  # the address used twice is one relationship
    assert "javascript:alert(1)" not in links  # only http(s) addresses are links
    assert URL in facts[-1][1][0]
    questions = [p for p in paragraphs[at:] if p[0] == "List Bullet" and p[3] and p[3][-1][2]]
    assert questions[0][3][0][0].startswith(" (")  # the empty question: only its rule, italic, 9 pt
    assert questions[0][3][0][3] == docx.shared.Pt(9)


def lines_label(lang: str, label: str) -> str:
    from recommendations import i18n

    return i18n.translator(lang).t(label)


@pytest.mark.parametrize(
    "text", ["", " ", "plain", " both ", "a\tb", "\tlead", "end\n", "a\r\nb", "\n\n", "<&>\"'", "ក\u200bខ ", "\xa0nb"]
)
def test_a_run_is_split_as_python_docx_splits_it(text):
    made = docx.Document().add_paragraph().add_run(text)._r
    document = docx.Document()
    body = Body(document, "en")
    body.add(body.paragraph(body.run(text)))
    body.insert()
    ours = document.element.body[0][0]
    assert etree.tostring(ours, method="c14n") == etree.tostring(made, method="c14n")
