"""The brief as a Word document: headings, quoted texts in the Quote style, a fact table per item; in the brief's
language, with the complex-script settings its script needs (``khmer_docx``)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Any

from recommendations import i18n, markdown
from recommendations.read.brief import khmer_docx, lines
from recommendations.read.brief.model import LANGUAGES, QUESTIONS_NOTE, STATUS_NOTE, Brief, BriefItem, Language
from recommendations.read.brief.questions import rule_text

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
    """THE place a Word file's language is set: the default run properties (every style inherits them), the
    theme fonts' language and the document's own. Attributes a language does not name are removed, not left as
    the template's. (The complex-script fonts, sizes and ``w:bidi`` on every style and run: ``khmer_docx``.)"""
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
    doc.core_properties.language = language.of_document
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
    for place, piece in enumerate(lines.page_footer(brief.lang)):  # words, field, words, field, words
        if place % 2:
            _field(footer, piece)
        elif piece:
            footer.add_run(_plain(piece))


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

    tr = i18n.translator(brief.lang)
    doc = Document()
    _page(doc, brief)
    _set_language(doc, LANGUAGES[brief.lang])
    _properties(doc, brief)
    _para(doc, lines.title_line(brief), "Title")
    for line in lines.intro_lines(brief) + lines.count_lines(brief):
        _para(doc, line)
    if brief.items:
        _para(doc, tr.t("Chronic asks"), "Heading1")
        _chronic_table(doc, brief)
        _para(doc, tr.t("Recommendations"), "Heading1").paragraph_format.page_break_before = True  # after page one
        _para(doc).add_run(tr.t(STATUS_NOTE)).italic = True
        _para(doc, brief.grouping)
    for group in brief.groups if brief.items else []:
        _para(doc, f"{group.title} ({tr.number(len(group.items))})", "Heading2")
        if not group.items:
            _para(doc, lines.empty_group(brief, group.title))
        for item in group.items:
            _item(doc, item, brief)
    if brief.gaps:
        _para(doc, tr.t("Appendix: known gaps"), "Heading1")
        _para(doc, lines.gaps_intro(brief))
        for gap in brief.gaps:
            _para(doc, lines.gap_line(gap, brief.lang), "ListBullet")
    khmer_docx.apply(doc, brief.lang)  # complex-script font, size and language on every style and run
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
    _para(doc, lines.chronic_intro(brief.lang))
    columns = lines.chronic_columns(brief.lang)
    table = doc.add_table(rows=1, cols=len(columns))
    table._tbl.tblStyle_val = "TableGrid"
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name in zip(header.cells, columns, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, lines.chronic_cells(row, brief.lang), strict=True):
            cell.text = _plain(value)


def _item(doc: DocxDocument, item: BriefItem, brief: Brief) -> None:
    from docx.shared import Pt

    tr = i18n.translator(brief.lang)
    _para(doc, lines.item_heading(item), "Heading3")
    _para(doc, item.quote, "Quote")
    for problem in item.problems:
        _para(doc, f"• {problem}", "Quote")
    _facts_table(doc, item, brief)
    _para(doc).add_run(tr.t("Assessment history")).bold = True
    for entry in item.history:
        _para(doc, lines.history_line(entry, brief.lang), "ListBullet")
    if not item.history:
        _para(doc, tr.t("No published assessment by the meeting date."), "ListBullet")
    if item.questions:
        para = _para(doc)
        para.add_run(tr.t("Suggested questions")).bold = True
        para.add_run(f" — {tr.t(QUESTIONS_NOTE)}").italic = True
        for question in item.questions:
            said = tr.t("rule: {rule}", rule=rule_text(question.rule, brief.lang))
            rule = _para(doc, question.text, "ListBullet").add_run(_plain(f" ({said})"))
            rule.italic, rule.font.size = True, Pt(9)


def _facts_table(doc: DocxDocument, item: BriefItem, brief: Brief) -> None:
    lang = brief.lang
    tr = i18n.translator(lang)
    linked = "".join(f"\n{lines.linked_line(x, lang)}" for x in item.linked)
    rows = [
        (tr.t("Source"), lines.source_line(item, lang)),
        (tr.t("Asked of"), lines.asked_of_line(item, lang)),
        (tr.t("Themes"), "; ".join(item.themes)),
        (tr.t("Status on {date}", date=tr.date(brief.meeting_date)), lines.status_value(item, lang)),
    ]
    if len(item.statuses) > 1:
        each = "\n".join(lines.addressee_status_line(s, lang) for s in item.statuses)
        rows.append((tr.t("Status for each addressee"), each))
    rows.append((tr.t("Raised"), lines.raised_line(item, lang) + linked))
    table = doc.add_table(rows=0, cols=2)
    table._tbl.tblStyle_val = "TableGrid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = _plain(value)
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run(tr.t("Latest evidence")).bold = True
    newest = item.latest_evidence
    para = cells[1].paragraphs[0]
    if newest is None:
        para.add_run(tr.t("None on record by the meeting date"))
        return
    para.add_run(_plain(lines.latest_evidence(newest, len(item.evidence), lang, sentence=True) + " "))
    url = markdown.safe_url(newest.url)
    if url:
        _add_hyperlink(para, url, url)
    elif reference := lines.evidence_reference(newest, lang):
        para.add_run(_plain(reference))
