"""Khmer in a Word document: the complex-script font, language, size and weight on the defaults, every style and
every run (recommendations/read/brief/khmer_docx.py), checked by reopening the file with python-docx."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from recommendations.read.brief import khmer_docx

HEADING = "ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំ"  # "meeting brief"
BODY = "ការងារ\u200bសមរម្យ សម្រាប់ពលករចំណាកស្រុក"


def built(lang: str = "km") -> docx.Document:
    doc = docx.Document()
    doc.add_heading(HEADING, level=1)
    para = doc.add_paragraph("MoLVT: ")
    para.add_run(BODY).bold = True
    big = para.add_run("ក្សេត្រ")
    big.font.size = Pt(14)
    doc.add_table(rows=1, cols=1).cell(0, 0).text = BODY
    doc.sections[0].footer.is_linked_to_previous = False
    doc.sections[0].footer.paragraphs[0].text = HEADING
    khmer_docx.apply(doc, lang)
    out = io.BytesIO()
    doc.save(out)
    return docx.Document(io.BytesIO(out.getvalue()))


def every_run(doc) -> list:
    runs = list(doc.element.body.iter(qn("w:r")))
    runs += list(doc.sections[0].footer.part.element.iter(qn("w:r")))
    return runs


def test_every_run_names_the_khmer_font_and_language():
    doc = built()
    runs = every_run(doc)
    assert len(runs) >= 5
    for run in runs:
        rpr = run.find(qn("w:rPr"))
        assert rpr.find(qn("w:rFonts")).get(qn("w:cs")) == "Noto Sans Khmer"
        assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "km-KH"


def test_size_and_bold_reach_the_complex_script_text():
    doc = built()
    runs = doc.paragraphs[1].runs
    bold, big = runs[1]._r.rPr, runs[2]._r.rPr
    assert bold.find(qn("w:bCs")) is not None
    assert big.find(qn("w:szCs")).get(qn("w:val")) == "28"  # half-points, as w:sz
    heading = doc.styles["Heading 1"].element.rPr
    assert heading.find(qn("w:szCs")) is not None and heading.find(qn("w:bCs")) is not None
    assert heading.find(qn("w:rFonts")).get(qn("w:cstheme")) is None  # a theme font would override the named one


def test_defaults_and_styles_carry_it_too():
    doc = built()
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:cs")) == "Noto Sans Khmer"
    assert doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:bidi")) == "km-KH"


def test_run_properties_stay_in_the_order_word_requires():
    order = khmer_docx._ORDER
    for run in every_run(built()):
        tags = [child.tag.split("}")[1] for child in run.find(qn("w:rPr"))]
        positions = [order.index(f"w:{tag}") for tag in tags]
        assert positions == sorted(positions), tags


def test_applying_twice_changes_nothing_and_english_is_left_alone():
    doc = built()
    before = doc.element.xml
    khmer_docx.apply(doc, "km")
    assert doc.element.xml == before
    english = built("en")
    assert not [r for r in every_run(english) if r.find(qn("w:rPr")) is not None and
                r.find(qn("w:rPr")).find(qn("w:lang")) is not None]  # fmt: skip
