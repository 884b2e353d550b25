"""The brief as a Word document: headings, quoted texts in the Quote style, a fact table per item; in the brief's
language, with the complex-script settings its script needs (``khmer_docx``)."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from recommendations import i18n, markdown
from recommendations.read.brief import khmer_docx, lines
from recommendations.read.brief.model import LANGUAGES, QUESTIONS_NOTE, STATUS_NOTE, Brief, BriefItem, Language
from recommendations.read.brief.questions import rule_text
from recommendations.read.brief.wordml import Body, plain

if TYPE_CHECKING:  # python-docx is imported when a document is made
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core properties (title, subject)


def _core(value: str) -> str:
    value = plain(value)
    return value if len(value) <= CORE_PROPERTY_LIMIT else value[: CORE_PROPERTY_LIMIT - 1] + "…"


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
    section.header.paragraphs[0].text = plain(lines.page_header(brief))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for place, piece in enumerate(lines.page_footer(brief.lang)):  # words, field, words, field, words
        if place % 2:
            _field(footer, piece)
        elif piece:
            footer.add_run(plain(piece))


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
    recommendations, then the known gaps as an appendix. Headings run Heading 1 -> 2 -> 3, never skipping.
    The page, language and properties through python-docx; the body written in one pass (``wordml``)."""
    from docx import Document

    tr = i18n.translator(brief.lang)
    doc = Document()
    _page(doc, brief)
    _set_language(doc, LANGUAGES[brief.lang])
    _properties(doc, brief)
    body = Body(doc, brief.lang)
    body.para(lines.title_line(brief), "Title")
    for line in lines.intro_lines(brief) + lines.count_lines(brief):
        body.para(line)
    if brief.items:
        body.para(tr.t("Chronic asks"), "Heading1")
        _chronic_table(body, brief)
        body.add(body.paragraph(body.run(tr.t("Recommendations")), style="Heading1", page_break=True))  # page two
        body.add(body.paragraph(body.run(tr.t(STATUS_NOTE), italic=True)))
        body.para(brief.grouping)
    for group in brief.groups if brief.items else []:
        body.para(f"{group.title} ({tr.number(len(group.items))})", "Heading2")
        if not group.items:
            body.para(lines.empty_group(brief, group.title))
        for item in group.items:
            _item(body, item, brief)
    if brief.gaps:
        body.para(tr.t("Appendix: known gaps"), "Heading1")
        body.para(lines.gaps_intro(brief))
        for gap in brief.gaps:
            body.para(lines.gap_line(gap, brief.lang), "ListBullet")
    body.insert()
    khmer_docx.apply(doc, brief.lang, body=False)  # the styles, header and footer; the body's runs carry it
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _chronic_table(body: Body, brief: Brief) -> None:
    """Asks raised at two or more meetings, one row each; the header row repeats on every page."""
    rows = brief.chronic
    if not rows:
        body.para(lines.no_chronic(brief))
        return
    body.para(lines.chronic_intro(brief.lang))
    columns = lines.chronic_columns(brief.lang)
    cells = [[body.paragraph(body.run(name, bold=True)) for name in columns]]
    for row in rows:
        cells.append([body.paragraph(body.run(value)) for value in lines.chronic_cells(row, brief.lang)])
    body.table(cells, len(columns), header=True)


def _item(body: Body, item: BriefItem, brief: Brief) -> None:
    tr = i18n.translator(brief.lang)
    body.para(lines.item_heading(item), "Heading3")
    body.para(item.quote, "Quote")
    for problem in item.problems:
        body.para(f"• {problem}", "Quote")
    _facts_table(body, item, brief)
    body.add(body.paragraph(body.run(tr.t("Assessment history"), bold=True)))
    for entry in item.history:
        body.para(lines.history_line(entry, brief.lang), "ListBullet")
    if not item.history:
        body.para(tr.t("No published assessment by the meeting date."), "ListBullet")
    if item.questions:
        title = body.run(tr.t("Suggested questions"), bold=True)
        body.add(body.paragraph(title, body.run(f" — {tr.t(QUESTIONS_NOTE)}", italic=True)))
        for question in item.questions:
            said = tr.t("rule: {rule}", rule=rule_text(question.rule, brief.lang))
            rule = body.run(f" ({said})", italic=True, size=18)  # 9 pt
            body.add(body.paragraph(*([body.run(question.text)] if question.text else []), rule, style="ListBullet"))


def facts(item: BriefItem, brief: Brief) -> list[tuple[str, str]]:
    """The rows of an item's fact table before its latest evidence: (label, value)."""
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
    return rows


def _facts_table(body: Body, item: BriefItem, brief: Brief) -> None:
    tr = i18n.translator(brief.lang)
    cells = [[body.paragraph(body.run(label, bold=True)), body.paragraph(body.run(value))]
             for label, value in facts(item, brief)]  # fmt: skip
    newest = item.latest_evidence
    if newest is None:
        evidence = [body.run(tr.t("None on record by the meeting date"))]
    else:
        evidence = [body.run(lines.latest_evidence(newest, len(item.evidence), brief.lang, sentence=True) + " ")]
        url = markdown.safe_url(newest.url)
        if url:
            evidence.append(body.link(url, url))
        elif reference := lines.evidence_reference(newest, brief.lang):
            evidence.append(body.run(reference))
    cells.append([body.paragraph(body.run(tr.t("Latest evidence"), bold=True)), body.paragraph(*evidence)])
    body.table(cells, 2)
