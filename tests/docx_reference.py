"""The brief's Word body made object by object through python-docx's own API, for tests: the form the one-pass
writer (recommendations/read/brief/wordml.py) must match element for element.

This is how ``brief_docx`` built the body before it wrote the XML itself; python-docx's object calls were too slow
(each searched the whole body) but are the plainest statement of what the document holds. The page, language and
properties are ``word``'s own; only the body and the Khmer walk over every run are made here.
"""

from __future__ import annotations

import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from recommendations import i18n, markdown
from recommendations.read.brief import khmer_docx, lines, word
from recommendations.read.brief.model import QUESTIONS_NOTE, STATUS_NOTE
from recommendations.read.brief.questions import rule_text
from recommendations.read.brief.wordml import plain


def reference_docx(brief) -> bytes:
    tr = i18n.translator(brief.lang)
    doc = docx.Document()
    word._page(doc, brief)
    word._set_language(doc, word.LANGUAGES[brief.lang])
    word._properties(doc, brief)
    para(doc, lines.title_line(brief), "Title")
    for line in lines.intro_lines(brief) + lines.count_lines(brief):
        para(doc, line)
    if brief.items:
        para(doc, tr.t("Chronic asks"), "Heading1")
        chronic_table(doc, brief)
        para(doc, tr.t("Recommendations"), "Heading1").paragraph_format.page_break_before = True
        para(doc).add_run(tr.t(STATUS_NOTE)).italic = True
        para(doc, brief.grouping)
    for group in brief.groups if brief.items else []:
        para(doc, f"{group.title} ({tr.number(len(group.items))})", "Heading2")
        if not group.items:
            para(doc, lines.empty_group(brief, group.title))
        for item in group.items:
            item_parts(doc, item, brief)
    if brief.gaps:
        para(doc, tr.t("Appendix: known gaps"), "Heading1")
        para(doc, lines.gaps_intro(brief))
        for gap in brief.gaps:
            para(doc, lines.gap_line(gap, brief.lang), "ListBullet")
    khmer_docx.apply(doc, brief.lang)  # every run, the body's too
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def para(doc, text: str = "", style_id: str | None = None):
    paragraph = doc.add_paragraph(plain(text))
    if style_id:
        paragraph._p.style = style_id
    return paragraph


def hyperlink(paragraph, label: str, url: str) -> None:
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run, props = OxmlElement("w:r"), OxmlElement("w:rPr")
    for tag, value in (("w:rStyle", "Hyperlink"), ("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        props.append(element)
    text = OxmlElement("w:t")
    text.text = plain(label)
    text.set(qn("xml:space"), "preserve")
    run.extend([props, text])
    link.append(run)
    paragraph._p.append(link)


def chronic_table(doc, brief) -> None:
    if not brief.chronic:
        para(doc, lines.no_chronic(brief))
        return
    para(doc, lines.chronic_intro(brief.lang))
    columns = lines.chronic_columns(brief.lang)
    table = doc.add_table(rows=1, cols=len(columns))
    table._tbl.tblStyle_val = "TableGrid"
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for row in brief.chronic:
        for cell, value in zip(table.add_row().cells, lines.chronic_cells(row, brief.lang), strict=True):
            cell.text = plain(value)


def item_parts(doc, item, brief) -> None:
    tr = i18n.translator(brief.lang)
    para(doc, lines.item_heading(item), "Heading3")
    para(doc, item.quote, "Quote")
    for problem in item.problems:
        para(doc, f"• {problem}", "Quote")
    facts_table(doc, item, brief)
    para(doc).add_run(tr.t("Assessment history")).bold = True
    for entry in item.history:
        para(doc, lines.history_line(entry, brief.lang), "ListBullet")
    if not item.history:
        para(doc, tr.t("No published assessment by the meeting date."), "ListBullet")
    if item.questions:
        paragraph = para(doc)
        paragraph.add_run(tr.t("Suggested questions")).bold = True
        paragraph.add_run(f" — {tr.t(QUESTIONS_NOTE)}").italic = True
        for question in item.questions:
            said = tr.t("rule: {rule}", rule=rule_text(question.rule, brief.lang))
            rule = para(doc, question.text, "ListBullet").add_run(plain(f" ({said})"))
            rule.italic, rule.font.size = True, Pt(9)


def facts_table(doc, item, brief) -> None:
    lang = brief.lang
    tr = i18n.translator(lang)
    rows = word.facts(item, brief)  # the wording is word's; how python-docx makes the table is here
    table = doc.add_table(rows=0, cols=2)
    table._tbl.tblStyle_val = "TableGrid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = plain(value)
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run(tr.t("Latest evidence")).bold = True
    newest = item.latest_evidence
    paragraph = cells[1].paragraphs[0]
    if newest is None:
        paragraph.add_run(tr.t("None on record by the meeting date"))
        return
    paragraph.add_run(plain(lines.latest_evidence(newest, len(item.evidence), lang, sentence=True) + " "))
    url = markdown.safe_url(newest.url)
    if url:
        hyperlink(paragraph, url, url)
    elif reference := lines.evidence_reference(newest, lang):
        paragraph.add_run(plain(reference))
