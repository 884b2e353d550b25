"""The brief as a Word document: headings, quoted texts in the Quote style, a fact table per item."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING

from recommendations import dates, markdown
from recommendations.read.brief import lines
from recommendations.read.brief.model import QUESTIONS_NOTE, STATUS_NOTE, Brief, BriefItem
from recommendations.read.brief.questions import QUESTION_RULES

if TYPE_CHECKING:  # python-docx is imported when a document is made
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core properties (title, subject)


def _plain(value: object) -> str:
    """Text Word can store (XML forbids most control characters)."""
    return _CONTROL.sub("", str(value))


def _core(value: str) -> str:
    value = _plain(value)
    return value if len(value) <= CORE_PROPERTY_LIMIT else value[: CORE_PROPERTY_LIMIT - 1] + "…"


def _add_hyperlink(paragraph: Paragraph, label: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.extend([style, colour, underline])
    text_el = OxmlElement("w:t")
    text_el.text = _plain(label)
    text_el.set(qn("xml:space"), "preserve")
    run.extend([props, text_el])
    link.append(run)
    paragraph._p.append(link)


def _para(doc: DocxDocument, text: str = "", style_id: str | None = None) -> Paragraph:
    """A paragraph with a built-in style given by id (python-docx's lookup by name rescans every style)."""
    para = doc.add_paragraph(_plain(text))
    if style_id:
        para._p.style = style_id
    return para


def brief_docx(brief: Brief) -> bytes:
    """The brief as a Word document."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = _core(f"Meeting brief {brief.meeting_date.isoformat()}")
    doc.core_properties.subject = _core(brief.selection)
    _para(doc, f"Meeting brief — {dates.human(brief.meeting_date)}", "Title")
    for line in lines.header_lines(brief):
        _para(doc, line)
    _para(doc).add_run(STATUS_NOTE).italic = True
    if brief.gaps:
        _para(doc, "Known gaps", "Heading2")
        for gap in brief.gaps:
            _para(doc, lines.gap_line(gap), "ListBullet")
    if not brief.items:
        _para(doc).add_run(lines.empty_message(brief)).bold = True
    for group in brief.groups:
        _para(doc, f"{group.title} ({len(group.items)})", "Heading1")
        if not group.items:
            _para(doc, f"No open recommendations on {group.title} as of {dates.human(brief.meeting_date)}.")
        for item in group.items:
            _para(doc, item.title, "Heading2")
            _para(doc, item.quote, "Quote")
            for problem in item.problems:
                _para(doc, f"• {problem}", "Quote")
            _facts_table(doc, item, brief.meeting_date)
            _para(doc).add_run("Assessment history").bold = True
            for entry in item.history:
                _para(doc, lines.history_line(entry), "ListBullet")
            if not item.history:
                _para(doc, "No published assessment by the meeting date.", "ListBullet")
            if item.questions:
                para = _para(doc)
                para.add_run("Suggested questions").bold = True
                para.add_run(f" — {QUESTIONS_NOTE}").italic = True
                for question in item.questions:
                    rule = _para(doc, question.text, "ListBullet").add_run(f" (rule: {QUESTION_RULES[question.rule]})")
                    rule.italic, rule.font.size = True, Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _facts_table(doc: DocxDocument, item: BriefItem, meeting: dt.date) -> None:
    linked = "".join(f"\n{lines.linked_line(x)}" for x in item.linked)
    rows = [
        ("Source", lines.source_line(item)),
        ("Asked of", "; ".join(item.addressees) or "not recorded"),
        ("Themes", "; ".join(item.themes)),
        (f"Status on {dates.human(meeting)}", lines.status_value(item)),
    ]
    if len(item.statuses) > 1:
        rows.append(("Status for each addressee", "\n".join(lines.addressee_status_line(s) for s in item.statuses)))
    rows.append(("Raised", lines.raised_line(item) + linked))
    table = doc.add_table(rows=0, cols=2)
    table._tbl.tblStyle_val = "TableGrid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = _plain(value)
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run("Latest evidence").bold = True
    newest = item.latest_evidence
    para = cells[1].paragraphs[0]
    if newest is None:
        para.add_run("None on record by the meeting date")
        return
    para.add_run(_plain(f"{newest.title} ({dates.human(newest.date)}); {len(item.evidence)} item(s) on record. "))
    url = markdown.safe_url(newest.url)
    if url:
        _add_hyperlink(para, url, url)
    elif newest.reference:
        para.add_run(_plain(newest.reference))
