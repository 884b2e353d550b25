"""The meeting brief in Khmer: the Word file (its words, its complex-script settings, its header and footer), the
Markdown, the rows, the command line and the page, with the recommendation texts quoted as written.

Names that have a Khmer form in the data are shown in it, English otherwise: the tests rely on the themes' Khmer
names (in data/themes.yaml) and make their own actor translations, so they hold whatever the data translates."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import openpyxl
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from sqlalchemy import delete, insert

from models.tables import TR
from recommendations import i18n
from recommendations.cli import main, translations
from recommendations.dataset.brief_file import FORMATS, brief_file
from recommendations.read.brief import (
    ROW_COLUMNS,
    brief_docx,
    brief_markdown,
    brief_rows,
    brief_sheets,
    build_brief,
    file_stem,
)
from recommendations.read.brief import lines as brief_lines
from recommendations.read.brief.rows import CHRONIC_ROW_COLUMNS, GAP_ROW_COLUMNS
from recommendations.vocabulary import STATUS_LABELS
from tests.conftest import ROOT, open_page
from tests.test_brief_layout import all_text, body

MEETING = dt.date(2022, 10, 19)
KM = i18n.translator("km")
RECRUITMENT_KM = "ការជ្រើសរើសពលករ និងថ្លៃសេវា"  # data/themes.yaml
#: Where the brief's own words are written (the catalog entries a Khmer brief must not leave in English).
BRIEF_CODE = ("recommendations/read/brief/", "recommendations/read/selection.py", "recommendations/labels.py")


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


def khmer_brief(engine, themes=("recruitment",), addressees=("molvt",), **kwargs):
    return build_brief(
        engine, themes=list(themes), addressees=list(addressees), meeting_date=MEETING, lang="km", **kwargs
    )


def khmer(text: str) -> bool:
    return i18n.in_script(text, "km")


def english_fragments() -> set[str]:
    """The English words of every interface string the brief writes (and the status labels), cut at their
    placeholders: "Meeting brief for {date}" -> "Meeting brief for". Pieces of two letters or fewer are left out."""
    out = set()
    for message in translations.template(ROOT):
        places = [path for path, _ in message.locations]
        if not any(p.startswith(BRIEF_CODE) for p in places) and message.id not in STATUS_LABELS.values():
            continue
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.split(r"\{\w+\}", msgid):
                piece = piece.strip(" .,;:()—·*“”")
                if len(re.sub(r"[^A-Za-z]", "", piece)) > 2:
                    out.add(piece)
    return out


def data_words(brief) -> str:
    """Everything in a brief that is data written in English (quoted texts, rationales, titles, names, ids)."""
    parts = [brief.organisation, *(name for _, name in brief.themes + brief.addressees + brief.wider)]
    for item in brief.items:
        parts += [item.id, item.title, item.quote, *item.problems, item.source_title, item.number or ""]
        parts += [*item.addressees, *item.themes, item.status_assessor or "", item.status_scope or ""]
        parts += [p for h in item.history for p in (h.assessor, h.rationale, h.addressee or "")]
        parts += [p for e in item.evidence for p in (e.title, e.url or "", e.citation or "", e.source_title or "")]
        parts += [p for link in item.linked for p in (link.title, link.id)]
        parts += [entry.label for entry in item.statuses]
    parts += [gap.title for gap in brief.gaps]
    return "\n".join(parts)


def english_left(text: str, brief) -> list[str]:
    """The brief's own English words found in ``text`` that are not part of its data."""
    data = data_words(brief)
    return sorted(piece for piece in english_fragments() if piece in text and piece not in data)


# --- the Word file ----------------------------------------------------------------------------------------------


def test_the_khmer_word_file_has_its_headings_labels_and_sentences_in_khmer(loaded):
    brief = khmer_brief(loaded)
    assert brief.items and brief.gaps and brief.chronic
    doc = docx.Document(io.BytesIO(brief_docx(brief)))
    parts = body(doc)
    headings = [(style, text) for kind, style, text in parts if style in ("Title", "Heading 1", "Heading 2")]
    assert headings[0] == ("Title", "ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំ៖ 19 តុលា 2022")  # one date style: 19 តុលា 2022
    assert [t for s, t in headings if s == "Heading 1"] == [
        "សំណើដែលលើកឡើងដដែលៗ",
        "អនុសាសន៍",
        "ឧបសម្ព័ន្ធ៖ ចន្លោះខ្វះខាតដែលបានដឹង",
    ]
    assert f"{RECRUITMENT_KM} ({len(brief.items)})" in [t for s, t in headings if s == "Heading 2"]
    assert all(khmer(str(text)) for _, text in headings)
    chronic = doc.tables[0]
    assert [c.text for c in chronic.rows[0].cells] == brief_lines.chronic_columns("km")
    assert all(khmer(c.text) for c in chronic.rows[0].cells)
    facts = doc.tables[1]  # the first recommendation's facts: every label in Khmer
    labels = [row.cells[0].text for row in facts.rows]
    assert labels[:3] == ["ប្រភព", "ស្នើទៅកាន់", "ប្រធានបទ"] and all(khmer(label) for label in labels)
    assert "ស្ថានភាពនៅថ្ងៃទី 19 តុលា 2022" in labels
    text = all_text(doc)
    assert brief.items[0].quote.split(" … ")[-1][:60] in text  # the texts are quoted as written
    assert "ចំនួន" in text and "នៅក្នុងកិច្ចប្រជុំចំនួន 3៖ 2011, 2016, 2022" in text  # "at 3 meetings: ..."
    header, footer = doc.sections[0].header, doc.sections[0].footer
    assert english_left(text + header.paragraphs[0].text + footer.paragraphs[0].text, brief) == []
    english = build_brief(loaded, themes=["recruitment"], addressees=["molvt"], meeting_date=MEETING)
    found = english_left(all_text(docx.Document(io.BytesIO(brief_docx(english)))), english)
    assert len(found) > 30  # the same check finds the English brief's words: it can fail
    assert doc.core_properties.title == brief_lines.title_line(brief) and khmer(doc.core_properties.subject)


def test_the_khmer_word_file_sets_the_complex_script_font_and_language_on_every_style_and_run(loaded):
    doc = docx.Document(io.BytesIO(brief_docx(khmer_brief(loaded))))
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    tags = {key: defaults.find(qn("w:lang")).get(qn(f"w:{key}")) for key in ("val", "bidi", "eastAsia")}
    assert tags == {"val": "en-GB", "bidi": "km-KH", "eastAsia": "km-KH"}  # Latin text: the English quotations
    assert doc.core_properties.language == "km-KH"
    assert doc.settings.element.find(qn("w:themeFontLang")).get(qn("w:bidi")) == "km-KH"
    section = doc.sections[0]
    runs = [
        r for part in (doc.element.body, section.header._element, section.footer._element) for r in part.iter(qn("w:r"))
    ]
    styles = [s.element for s in doc.styles if s.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER)]
    assert len(runs) > 100 and len(styles) > 10
    for element in runs + styles:
        props = element.find(qn("w:rPr"))
        assert props is not None, element
        assert props.find(qn("w:rFonts")).get(qn("w:cs")) == "Noto Sans Khmer"
        assert props.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans Khmer"
        assert props.find(qn("w:lang")).get(qn("w:bidi")) == "km-KH"
    heading = next(s for s in doc.styles if s.name == "Heading 1").element.find(qn("w:rPr"))
    assert heading.find(qn("w:bCs")) is not None and heading.find(qn("w:szCs")) is not None  # bold and sized


def test_the_khmer_header_and_footer_keep_the_page_fields(loaded):
    doc = docx.Document(io.BytesIO(brief_docx(khmer_brief(loaded, organisation="LSCW"))))
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == "ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំថ្ងៃទី 19 តុលា 2022 · ចេញដោយ LSCW"
    footer = section.footer._element
    assert [t.text.strip() for t in footer.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    assert [c.get(qn("w:fldCharType")) for c in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"] * 2
    assert section.footer.paragraphs[0].text == "ទំព័រ 1 នៃ 1"  # "Page 1 of 1" until Word counts the pages
    assert brief_lines.page_footer("km") == ["ទំព័រ ", "PAGE", " នៃ ", "NUMPAGES", ""]
    assert brief_lines.page_footer("en") == ["Page ", "PAGE", " of ", "NUMPAGES", ""]


# --- the Markdown and the rows ------------------------------------------------------------------------------------


def test_the_khmer_markdown_is_the_same_brief_in_khmer(loaded):
    brief = khmer_brief(loaded)
    md = brief_markdown(brief)
    headings = re.findall(r"^(#{1,3}) (.+)$", md, flags=re.MULTILINE)
    assert headings[0] == ("#", "ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំ៖ 19 តុលា 2022")
    assert [h for level, h in headings if level == "##"] == [
        "សំណើដែលលើកឡើងដដែលៗ",
        "អនុសាសន៍",
        "ឧបសម្ព័ន្ធ៖ ចន្លោះខ្វះខាតដែលបានដឹង",
    ]
    assert all(khmer(h) for _, h in headings)
    for label in ("ប្រភព", "ស្នើទៅកាន់", "ប្រធានបទ", "ស្ថានភាពនៅថ្ងៃទី 19 តុលា 2022", "បានលើកឡើង", "ភស្តុតាងចុងក្រោយ"):
        assert md.count(f"- **{label}:** ") == len(brief.items)
    assert f"### {RECRUITMENT_KM} ({len(brief.items)})" in md
    assert f"ស្ដីពី {RECRUITMENT_KM} និងស្នើទៅកាន់ " in md  # the selection in words
    assert english_left(md.replace("\\", ""), brief) == []
    statuses = {KM.t(STATUS_LABELS[item.status]) for item in brief.items}
    assert all(s in md for s in statuses)


def test_rows_keep_their_column_names_and_say_their_values_in_khmer(loaded):
    """Machine column and sheet names stay as they are in every language (README, Meeting brief), so a script
    reads a Khmer brief's rows as it reads an English one's; the values are in Khmer."""
    brief = khmer_brief(loaded)
    rows = brief_rows(brief)
    assert list(rows.columns) == ROW_COLUMNS
    sheets = brief_sheets(brief)
    assert list(sheets) == ["chronic asks", "recommendations", "known gaps"]
    assert list(sheets["chronic asks"].columns) == CHRONIC_ROW_COLUMNS
    assert list(sheets["known gaps"].columns) == GAP_ROW_COLUMNS
    assert list(rows["status_at_meeting"]) == [KM.t(STATUS_LABELS[item.status]) for item in brief.items]
    assert all(khmer(s) for s in rows["status_at_meeting"])
    assert set(rows["group"]) == {RECRUITMENT_KM}
    assert all(khmer(q) for q in rows["questions"] if q)
    assert all(khmer(s) for s in sheets["known gaps"]["what_is_missing"])
    assert list(rows["text"].str[:40]) == [item.quote[:40] for item in brief.items]  # quoted, not translated
    assert list(rows["first_raised"]) == [item.first_raised for item in brief.items]  # dates stay ISO
    assert (
        file_stem(brief) == "brief-2022-10-19-km"
        and file_stem(build_brief(loaded, themes=[], addressees=[], meeting_date=MEETING)) == "brief-2022-10-19"
    )


# --- names: Khmer where the data has it, English where not --------------------------------------------------------


def test_names_are_in_khmer_where_translated_and_english_otherwise(loaded):
    with loaded.begin() as conn:  # whatever the data translates, this test decides for MoLVT and RGC
        conn.execute(delete(TR).where(TR.c.entity == "actor", TR.c.record_id.in_(["molvt", "rgc"])))
        conn.execute(
            insert(TR).values(entity="actor", record_id="molvt", field_name="name", lang="km", value="ក្រសួងការងារ")
        )
    brief = khmer_brief(loaded)
    assert brief.addressees == [("molvt", "ក្រសួងការងារ (MoLVT)")]  # the acronym stays
    assert brief.wider == [("rgc", "Royal Government of Cambodia (RGC)")]  # no translation: English
    assert brief.selection.startswith(f"ស្ដីពី {RECRUITMENT_KM} និងស្នើទៅកាន់ ក្រសួងការងារ (MoLVT) ឬទៅកាន់ Royal")
    whole = [item for item in brief.items if item.asked_as_a_whole]
    assert whole and {item.asked_as_a_whole for item in whole} == {"ស្នើទៅកាន់ RGC ទាំងមូល"}
    asked = {a for item in brief.items for a in item.addressees}
    assert "ក្រសួងការងារ (MoLVT)" in asked or "ក្រសួងការងារ (MoLVT) (តាមការសន្និដ្ឋាន)" in asked
    english = build_brief(loaded, themes=["recruitment"], addressees=["molvt"], meeting_date=MEETING)
    assert english.addressees == [("molvt", "Ministry of Labour and Vocational Training (MoLVT)")]
    assert {item.asked_as_a_whole for item in english.items if item.asked_as_a_whole} == {"asked of RGC as a whole"}


def test_short_titles_are_in_khmer_where_translated_and_the_texts_never_are(loaded):
    english = build_brief(loaded, themes=["recruitment"], addressees=[], meeting_date=MEETING)
    first = english.items[0]
    with loaded.begin() as conn:
        conn.execute(delete(TR).where(TR.c.entity == "recommendation"))
        conn.execute(
            insert(TR).values(
                entity="recommendation", record_id=first.id, field_name="title", lang="km", value="ការត្រួតពិនិត្យ"
            )
        )
    brief = build_brief(loaded, themes=["recruitment"], addressees=[], meeting_date=MEETING, lang="km")
    item = next(i for i in brief.items if i.id == first.id)
    assert item.title == "ការត្រួតពិនិត្យ" and item.quote == first.quote
    others = [(i.title, e.title) for i, e in zip(brief.items[1:], english.items[1:], strict=True)]
    assert all(mine == theirs for mine, theirs in others)  # no translation: the English short title
    assert "«ការត្រួតពិនិត្យ»" in " ".join(q.text for q in item.questions)


# --- the command line ---------------------------------------------------------------------------------------------


@pytest.fixture
def named(loaded, monkeypatch):
    """The loaded dataset, named by DATABASE_URL as the command line reads it."""
    monkeypatch.setenv("DATABASE_URL", loaded.url.render_as_string(hide_password=False))
    return loaded


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_line_writes_the_khmer_brief_in_each_format(named, tmp_path, capsys, fmt):
    out = tmp_path / f"brief-km.{fmt}"
    args = ["brief", "--theme", "recruitment", "--addressee", "molvt", "--date", MEETING.isoformat()]
    assert main([*args, "--lang", "km", "--format", fmt, "--out", str(out)]) == 0
    built = khmer_brief(named)
    written = out.read_bytes()
    if fmt == "docx":
        doc = docx.Document(io.BytesIO(written))
        assert doc.paragraphs[0].text == "ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំ៖ 19 តុលា 2022"
        assert doc.core_properties.language == "km-KH"
        assert all_text(doc) == all_text(docx.Document(io.BytesIO(brief_file(built, fmt))))
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(written))
        assert book.sheetnames == ["chronic asks", "recommendations", "known gaps"]
        header = [c.value for c in book["recommendations"][1]]
        status = [c.value for c in book["recommendations"]["F"]][1:]
        assert header == ROW_COLUMNS and header[5] == "status_at_meeting" and all(khmer(s) for s in status)
    else:
        assert written == brief_file(built, fmt)
        text = written.decode("utf-8-sig")
        assert text.startswith("# ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំ") if fmt == "md" else "មិនទាន់វាយតម្លៃ" in text
    assert capsys.readouterr().out.startswith(f"wrote {out} (")  # the command's own report stays English


# --- the page ----------------------------------------------------------------------------------------------------


def main_texts(at) -> list[str]:
    """The page's own words in its main area: titles, captions, notes, labels (not the brief's Markdown)."""
    texts = [e.value for kind in ("title", "caption", "info", "warning") for e in getattr(at.main, kind)]
    texts += [
        e.label
        for kind in ("multiselect", "date_input", "checkbox", "button", "metric", "radio")
        for e in getattr(at.main, kind)
    ]
    texts += [b.label for b in at.download_button]
    texts += [o for r in at.main.radio for o in r.options]
    return [t for t in texts if t]


@pytest.mark.usefixtures("app_db")
def test_the_brief_page_in_khmer_builds_the_khmer_brief():
    at = open_page("pages/brief.py", lang="km", theme="recruitment", addressee="molvt", brief_date=MEETING.isoformat())
    assert not at.exception
    assert at.title[0].value == "ឯកសារសង្ខេបសម្រាប់កិច្ចប្រជុំ"
    texts = main_texts(at)
    assert len(texts) > 12 and [t for t in texts if not khmer(t)] == []
    assert RECRUITMENT_KM in at.multiselect(key="brief_themes").options
    assert next(b.label for b in at.download_button) == "ទាញយកឯកសារសង្ខេប (DOCX)"
    md = "\n".join(m.value for m in at.markdown)
    assert f"ស្ដីពី {RECRUITMENT_KM} **និង** ស្នើទៅកាន់ MoLVT ឬទៅកាន់ RGC ទាំងមូល។" in md  # the combine switch
    assert "## សំណើដែលលើកឡើងដដែលៗ" in md and "- **ប្រភព:** " in md
    assert str(at.query_params["lang"]).strip("[]'") == "km"
    at.radio(key="brief_combine").set_value("either").run()
    assert not at.exception
    assert f"ស្ដីពី {RECRUITMENT_KM} **ឬ** ស្នើទៅកាន់ MoLVT ឬទៅកាន់ RGC ទាំងមូល។" in "\n".join(m.value for m in at.markdown)


@pytest.mark.usefixtures("app_db")
def test_the_brief_page_in_khmer_without_a_choice_explains_in_khmer():
    at = open_page("pages/brief.py", lang="km")
    assert not at.exception
    assert at.info and RECRUITMENT_KM in at.info[0].value and khmer(at.info[0].value)
    assert [t for t in main_texts(at) if not khmer(t)] == []
    next(b for b in at.button if b.label.startswith("សាកល្បងឧទាហរណ៍")).click().run()
    assert not at.exception
    assert at.multiselect(key="brief_themes").value == ["recruitment"]
    assert at.metric and all(khmer(m.label) for m in at.metric)
