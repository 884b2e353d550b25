"""The text of an uploaded document (TXT, DOCX or PDF), to be shown for correction before it is kept as a
source's full text. Recognised by its content (a name's extension that contradicts it is refused), bounded
before it is parsed, and refused with the reason, in words, when it cannot be read safely or has no text.

Pure functions: nothing is written. The text is NFC-normalised, its line breaks kept (as ``\\n``)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn

from recommendations.i18n import N_, Message
from recommendations.write import errors
from recommendations.write.office import (
    UploadRefused,
    open_package,
    read_part,
    read_xml,
    refuse_active_content,
    size_words,
)  # fmt: skip

MAX_BYTES = 50 * 1024 * 1024  # any upload: a larger file is refused before it is looked at
MAX_PAGES = 2_000  # a PDF with more pages is refused before its text is read
MAX_UNZIPPED = 200 * 1024 * 1024  # a DOCX that declares more is refused before it is inflated

Kind = Literal["txt", "docx", "pdf"]
FIELD = "file"


@dataclass(frozen=True)
class Extracted:
    """The text read from a document, what kind it was, its pages (a PDF's) and what the reader should check."""

    text: str
    kind: Kind
    pages: int | None = None
    warnings: list[Message] = field(default_factory=list)


def read_document(name: str, data: bytes) -> Extracted:
    """The text of the uploaded file ``name``; errors.Invalid (field ``file``) with the reason otherwise."""
    if len(data) > MAX_BYTES:
        _refuse(
            N_("The file is {size}; documents are limited to {limit}. Paste the text instead, or upload the part "
               "that holds the recommendations."),
            size=size_words(len(data)), limit=f"{MAX_BYTES // (1024 * 1024)} MB",
        )  # fmt: skip
    kind = _kind(data)
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if claimed in ("pdf", "docx") and kind != claimed:
        _refuse(N_("The file is named .{extension} but is not a {extension} file inside. Save it again as "
                   "{extension} and upload that, or paste the text."), extension=claimed.upper())  # fmt: skip
    try:
        if kind == "pdf":
            return _pdf(data)
        if kind == "docx":
            return _docx(data)
    except UploadRefused as refused:  # the package checks shared with workbook uploads (write/office.py)
        raise errors.Invalid([errors.FieldError(FIELD, refused.message)]) from None
    return _txt(data)


def _refuse(msgid: str, /, **named: object) -> NoReturn:
    raise errors.Invalid([errors.FieldError(FIELD, Message(msgid, named))])


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _kind(data: bytes) -> Kind:
    if not data.strip():
        _refuse(N_("The file is empty."))
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = open_package(data, max_unzipped=MAX_UNZIPPED)
        except UploadRefused as refused:
            raise errors.Invalid([errors.FieldError(FIELD, refused.message)]) from None
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            _refuse(N_("This is a spreadsheet, not a document. Upload the document's text as TXT, DOCX or PDF (a "
                       "sheet of recommendations goes in the recommendations step)."))  # fmt: skip
        _refuse(N_("This zip archive is not a DOCX document. Upload a TXT, DOCX or PDF file, or paste the text."))
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _refuse(N_("This is an old Word (.doc) file. Save it as .docx (or as plain text, UTF-8) and upload that."))
    if data.startswith(b"{\\rtf"):
        _refuse(N_("This is an RTF file. Save it as .docx (or as plain text, UTF-8) and upload that."))
    if b"\x00" in data[:4096] and not data.startswith(_UTF16_BOMS):
        _refuse(N_("This is not a TXT, DOCX or PDF file (it holds binary data). Upload one of those, or paste the "
                   "text."))  # fmt: skip
    return "txt"


# --- plain text ------------------------------------------------------------------------------------------------


def _txt(data: bytes) -> Extracted:
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        _refuse(
            N_("The text file is not UTF-8: the byte {byte} at position {position} (counting from 0) is not UTF-8. "
               "Save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8) and upload it again, or paste the text."),
            byte=f"{exc.object[exc.start]:#04x}", position=f"{exc.start:,}",
        )  # fmt: skip
    return Extracted(_tidy(text), "txt")


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _tidy(text: str, *, kind: Kind = "txt") -> str:
    """NFC, every line break as \\n (a form feed or page break too), no other control character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = unicodedata.normalize("NFC", _CONTROLS.sub("", text))
    if not text.strip():
        if kind == "txt":
            _refuse(N_("The file holds no text."))
        _refuse(N_("The document holds no text. Paste the text instead."))
    return text


# --- DOCX -------------------------------------------------------------------------------------------------------


def _docx(data: bytes) -> Extracted:
    """Paragraphs and tables of the body in document order (a table's cells one per line, row by row; a merged
    cell once). Headers, footers, footnotes, comments and text boxes are not read: a warning says so when the
    document has them. The package is checked first (write/office.py)."""
    archive = open_package(data, max_unzipped=MAX_UNZIPPED)
    refuse_active_content(archive)
    names = set(archive.namelist())
    for part in ("word/document.xml", "[Content_Types].xml"):
        if part in names:
            _xml_prolog(read_part(archive, part), part)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_blocks(document))
    except Exception as exc:  # python-docx raises many kinds; each gets the same plain answer, with its reason
        _refuse(N_("The document cannot be read ({problem}). Save it again as .docx, or paste the text."),
                problem=f"{type(exc).__name__}: {' '.join(str(exc).split())[:100]}")  # fmt: skip
    warnings = []
    numbered = sum(1 for p in document.element.body.iter(_W + "numPr"))
    if numbered:
        warnings.append(Message(N_("{n} paragraphs are numbered by Word's automatic numbering; those numbers are not "
                                   "part of the text read. Check the numbers in your sheet against the document."),
                                {"n": numbered}))  # fmt: skip
    if _notes(archive, names):
        warnings.append(Message(N_("The document's footnotes and endnotes are not read. Paste any recommendation "
                                   "they hold into the text."), {}))  # fmt: skip
    if any(True for _ in document.element.body.iter(_W + "txbxContent")):
        warnings.append(Message(N_("The document has text boxes, whose text is not read. Paste any recommendation "
                                   "they hold into the text."), {}))  # fmt: skip
    return Extracted(_tidy("\n".join(lines), kind="docx"), "docx", warnings=warnings)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _notes(archive: Any, names: set[str]) -> int:
    """How many footnotes and endnotes the document has (Word's separators, which every such part holds, not
    counted)."""
    count = 0
    for part, tag in (("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")):
        if part in names:
            count += sum(1 for note in read_xml(archive, part).iter(_W + tag) if note.get(_W + "type") is None)
    return count


def _xml_prolog(data: bytes, part: str) -> None:
    """Refuse a part that declares a DTD (entities): python-docx's parser would read it. A DOCTYPE can only stand
    before the root element, so defusedxml reads the prolog and stops at the first element."""
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

    try:
        for _ in iterparse(io.BytesIO(data), events=("start",), forbid_dtd=True):
            break
    except Exception as exc:
        if "Forbidden" in type(exc).__name__:
            _refuse(N_("The part {part} of the file cannot be read ({problem})."), part=part,
                    problem=Message(N_("it declares XML entities, which are refused"), {}))  # fmt: skip
        _refuse(N_("The part {part} of the file cannot be read ({problem})."), part=part,
                problem=Message(N_("its XML is broken: {detail}"), {"detail": str(exc)[:80]}))  # fmt: skip


def _blocks(container: Any) -> Iterator[str]:
    """The lines of a document body or table cell, in order (python-docx's Paragraph and Table)."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell)
        else:
            yield block.text


# --- PDF --------------------------------------------------------------------------------------------------------


def _pdf(data: bytes) -> Extracted:
    """The text layer of each page, pages separated by a blank line. No text layer (a scan): refused."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        _pdf_unreadable(exc)
    if encrypted:
        _refuse(N_("The PDF is encrypted (protected by a password), so its text is not read here. Paste the text, "
                   "or upload a copy saved without protection."))  # fmt: skip
    if pages > MAX_PAGES:
        _refuse(N_("The PDF has {n} pages; documents are limited to {limit} pages. Upload the part that holds the "
                   "recommendations, or paste the text."), n=f"{pages:,}", limit=f"{MAX_PAGES:,}")  # fmt: skip
    texts: list[str] = []
    try:
        for page in reader.pages:
            texts.append(page.extract_text() or "")
    except Exception as exc:
        _pdf_unreadable(exc)
    if not any(t.strip() for t in texts):
        _refuse(N_("The PDF has no text layer (its pages are images, as a scan is), so there is no text to read. "
                   "Paste the text instead (typed, or from a text-recognition tool you have checked)."))  # fmt: skip
    warnings = []
    empty = [str(i) for i, t in enumerate(texts, 1) if not t.strip()]
    if empty:
        shown = ", ".join(empty[:10]) + (" …" if len(empty) > 10 else "")
        warnings.append(Message(N_("Pages without text (images or scans, not read): {pages}. Type in any "
                                   "recommendation they hold."), {"pages": shown}))  # fmt: skip
    text = _tidy("\n\n".join(t.strip("\n") for t in texts), kind="pdf")
    if any("\u1780" <= c <= "\u17ff" for c in text):
        warnings.append(Message(N_("Khmer text taken from a PDF is often out of order (vowel signs and subscript "
                                   "consonants placed before their consonant) or missing letters. Compare it with "
                                   "the document and correct it before you keep it."), {}))  # fmt: skip
    return Extracted(text, "pdf", pages=len(texts), warnings=warnings)


def _pdf_unreadable(exc: BaseException) -> NoReturn:
    _refuse(N_("The PDF cannot be read ({problem}). Save it again as PDF, or paste the text."),
            problem=f"{type(exc).__name__}: {' '.join(str(exc).split())[:100]}")  # fmt: skip
