"""The brief as a Word document: headings, quoted texts in the Quote style, a fact table per item."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Any

from recommendations import dates, markdown
from recommendations.read.brief import lines
from recommendations.read.brief.model import LANGUAGES, QUESTIONS_NOTE, STATUS_NOTE, Brief, BriefItem, Language
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


def _set_language(doc: DocxDocument, language: Language) -> None:
    """THE place a Word file's language is set: the default run properties (every style inherits them) and the
    theme fonts' language. Attributes a language does not name are removed, not left as the template's."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tags = {"w:val": language.tag, "w:eastAsia": language.east_asia, "w:bidi": language.complex_script}

    def child(parent: Any, tag: str) -> Any:  # python-docx has no classes for these elements: lxml's own
        found = parent.find(qn(tag))
        if found is None:
            found = OxmlElement(tag)
            parent.insert(0, found) if tag == "w:docDefaults" else parent.append(found)
        return found

    defaults = child(doc.styles.element, "w:docDefaults")
    targets = [child(child(child(defaults, "w:rPrDefault"), "w:rPr"), "w:lang")]
    font_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if font_lang is not None:
        targets.append(font_lang)
    for element in targets:
        for name, value in tags.items():
            if value:
                element.set(qn(name), value)
            elif qn(name) in element.attrib:
                del element.attrib[qn(name)]
    doc.core_properties.language = language.tag
    for rel_id, rel in list(doc.part.rels.items()):  # the template's copy of the styles for Word 2010 (en-US)
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        run = paragraph.add_run()
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run._r.append(mark)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run("1")  # shown until Word updates the field
    char("end")


def _page(doc: DocxDocument, brief: Brief) -> None:
    """A4 with 2 cm margins; the meeting and the issuing organisation above, "Page X of Y" below."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    section.header.paragraphs[0].text = _plain(lines.page_header(brief))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _properties(doc: DocxDocument, brief: Brief) -> None:
    made = dt.datetime.combine(brief.generated_on, dt.time())
    props = doc.core_properties
    props.title = _core(lines.title_line(brief))
    props.subject = _core(brief.selection)
    props.author = props.last_modified_by = _core(brief.organisation)
    props.comments = ""
    props.created = props.modified = made


def brief_docx(brief: Brief) -> bytes:
    """The brief as a Word document to hand out: the selection, counts and chronic asks first, then the
    recommendations, then the known gaps as an appendix. Headings run Heading 1 -> 2 -> 3, never skipping."""
    from docx import Document

    doc = Document()
    _page(doc, brief)
    _set_language(doc, LANGUAGES[brief.lang])
    _properties(doc, brief)
    _para(doc, lines.title_line(brief), "Title")
    for line in lines.intro_lines(brief) + lines.count_lines(brief):
        _para(doc, line)
    if brief.items:
        _para(doc, "Chronic asks", "Heading1")
        _chronic_table(doc, brief)
        _para(doc, "Recommendations", "Heading1").paragraph_format.page_break_before = True  # after page one
        _para(doc).add_run(STATUS_NOTE).italic = True
        _para(doc, brief.grouping)
    for group in brief.groups if brief.items else []:
        _para(doc, f"{group.title} ({len(group.items)})", "Heading2")
        if not group.items:
            _para(doc, f"No open recommendations on {group.title} as of {dates.human(brief.meeting_date)}.")
        for item in group.items:
            _item(doc, item, brief.meeting_date)
    if brief.gaps:
        _para(doc, "Appendix: known gaps", "Heading1")
        _para(doc, lines.gaps_intro(brief))
        for gap in brief.gaps:
            _para(doc, lines.gap_line(gap), "ListBullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _chronic_table(doc: DocxDocument, brief: Brief) -> None:
    """Asks raised at two or more meetings, one row each; the header row repeats on every page."""
    from docx.oxml import OxmlElement

    rows = brief.chronic
    if not rows:
        _para(doc, lines.no_chronic(brief))
        return
    _para(doc, lines.CHRONIC_INTRO)
    table = doc.add_table(rows=1, cols=len(lines.CHRONIC_COLUMNS))
    table._tbl.tblStyle_val = "TableGrid"
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name in zip(header.cells, lines.CHRONIC_COLUMNS, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, lines.chronic_cells(row), strict=True):
            cell.text = _plain(value)


def _item(doc: DocxDocument, item: BriefItem, meeting: dt.date) -> None:
    from docx.shared import Pt

    _para(doc, lines.item_heading(item), "Heading3")
    _para(doc, item.quote, "Quote")
    for problem in item.problems:
        _para(doc, f"• {problem}", "Quote")
    _facts_table(doc, item, meeting)
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


def _facts_table(doc: DocxDocument, item: BriefItem, meeting: dt.date) -> None:
    linked = "".join(f"\n{lines.linked_line(x)}" for x in item.linked)
    rows = [
        ("Source", lines.source_line(item)),
        ("Asked of", lines.asked_of_line(item)),
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
    on_record = lines.counted(len(item.evidence), "item")
    para.add_run(_plain(f"{newest.title} ({dates.human(newest.date)}); {on_record} on record. "))
    url = markdown.safe_url(newest.url)
    if url:
        _add_hyperlink(para, url, url)
    elif newest.reference:
        para.add_run(_plain(newest.reference))
