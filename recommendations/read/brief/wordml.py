"""The brief's Word body written as WordprocessingML text in one pass and parsed once.

python-docx adds each paragraph, table, row and run as an object, and each addition searches the body for its
place (before the section properties) and the page width: the cost grows with the square of the body, about
20 s for 500 recommendations on a busy machine. ``Body`` writes the same elements as text instead, the way
python-docx would have made them (a paragraph's style, its runs' bold, italic and size; tables with python-docx's
grid and cell widths), and ``insert`` parses the text once and moves the elements into the document.

Runs carry the language's complex-script properties (``khmer_docx.set_run_properties``, the one definition of
them) from the start, so ``khmer_docx.apply`` need not walk the body afterwards. Text is stripped of the control
characters XML forbids (``plain``) and escaped; tabs and line breaks become ``w:tab`` and ``w:br`` as python-docx
makes them.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from recommendations.read.brief import khmer_docx

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"(\t|\r|\n)")
_NAMESPACE = ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def plain(value: object) -> str:
    """Text Word can store (XML forbids most control characters)."""
    return _CONTROL.sub("", str(value))


def _content(text: str) -> str:
    """A run's content as python-docx's ``Run.text`` makes it: ``w:t`` pieces, ``w:tab`` and ``w:br``."""
    out = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(out)


@functools.cache
def _run_properties(lang: str, bold: bool, italic: bool, size: int | None, link: bool) -> str:
    """A run's ``w:rPr`` as text (empty when it has none): the formatting asked for, in the schema's order, then
    the language's complex-script properties from ``khmer_docx``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library, without stubs

    rpr = OxmlElement("w:rPr")
    wanted: list[tuple[str, str | None]] = [("w:rStyle", "Hyperlink")] if link else []
    wanted += [("w:b", None)] if bold else []
    wanted += [("w:i", None)] if italic else []
    wanted += [("w:color", "0563C1")] if link else []
    wanted += [("w:sz", str(size))] if size else []
    wanted += [("w:u", "single")] if link else []
    for tag, value in wanted:
        element = OxmlElement(tag)
        if value is not None:
            element.set(qn("w:val"), value)
        rpr.append(element)
    khmer_docx.set_run_properties(rpr, lang)
    if not len(rpr):
        return ""
    return str(etree.tostring(rpr, encoding="unicode")).replace(_NAMESPACE, "")


class Body:
    """Paragraphs and tables of a document body, as text, in reading order."""

    def __init__(self, document: DocxDocument, lang: str) -> None:
        self.document = document
        self.lang = lang
        self.width = document._block_width  # the space between the margins, as python-docx's add_table reads it
        self.parts: list[str] = []
        self.links: dict[str, str] = {}  # url -> its relationship id: one relationship per address, as python-docx
        self.next_id = 1

    def run(self, text: str, *, bold: bool = False, italic: bool = False, size: int | None = None) -> str:
        """One run; ``size`` in half-points (as ``w:sz``)."""
        return f"<w:r>{_run_properties(self.lang, bold, italic, size, False)}{_content(plain(text))}</w:r>"

    def link(self, label: str, url: str) -> str:
        """A hyperlink to ``url`` (an external relationship of the document) showing ``label``."""
        rel = self._relationship(url)
        props = _run_properties(self.lang, False, False, None, True)
        text = f'<w:t xml:space="preserve">{escape(plain(label))}</w:t>'
        return f'<w:hyperlink r:id="{escape(rel)}"><w:r>{props}{text}</w:r></w:hyperlink>'

    def _relationship(self, url: str) -> str:
        """The id of the document's hyperlink relationship to ``url``, added if new with the lowest free id, as
        python-docx's ``relate_to`` does (which compares with every relationship on each call)."""
        from docx.opc.constants import RELATIONSHIP_TYPE

        rels = self.document.part.rels
        if not self.links:
            self.links = {
                r.target_ref: r.rId for r in rels.values() if r.is_external and r.reltype == RELATIONSHIP_TYPE.HYPERLINK
            }
        if url not in self.links:
            while f"rId{self.next_id}" in rels:
                self.next_id += 1
            self.links[url] = f"rId{self.next_id}"
            rels.add_relationship(RELATIONSHIP_TYPE.HYPERLINK, url, self.links[url], is_external=True)
        return self.links[url]

    def paragraph(self, *runs: str, style: str | None = None, page_break: bool = False) -> str:
        """A paragraph of ``runs`` with a built-in style given by id (not added: for a cell or ``add``)."""
        props = f'<w:pStyle w:val="{escape(style)}"/>' if style else ""
        props += "<w:pageBreakBefore/>" if page_break else ""
        inner = (f"<w:pPr>{props}</w:pPr>" if props else "") + "".join(runs)
        return f"<w:p>{inner}</w:p>" if inner else "<w:p/>"

    def para(self, text: str = "", style: str | None = None) -> None:
        """A paragraph of plain text (none: an empty paragraph), added to the body."""
        text = plain(text)
        self.add(self.paragraph(*([self.run(text)] if text else []), style=style))

    def add(self, xml: str) -> None:
        self.parts.append(xml)

    def table(self, rows: list[list[str]], columns: int, *, header: bool = False) -> None:
        """A table in the Table Grid style, each cell one paragraph (``rows`` hold the paragraphs), columns of
        equal width; with ``header`` the first row repeats on every page."""
        from docx.shared import Emu

        twips = Emu(self.width // columns).twips
        cell = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr>{{}}</w:tc>'
        grid = f'<w:gridCol w:w="{twips}"/>' * columns
        out = [
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:tblLook '
            'w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
            f'w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        ]
        for place, row in enumerate(rows):
            repeat = "<w:trPr><w:tblHeader/></w:trPr>" if header and place == 0 else ""
            out.append(f"<w:tr>{repeat}{''.join(cell.format(p) for p in row)}</w:tr>")
        self.add("".join(out) + "</w:tbl>")

    def insert(self) -> None:
        """Parse the body once and move its elements into the document, before its section properties."""
        from docx.oxml.ns import nsdecls
        from docx.oxml.parser import parse_xml

        holder = parse_xml(f"<w:body {nsdecls('w', 'r')}>{''.join(self.parts)}</w:body>")
        body = self.document.element.body
        end = body.sectPr
        for element in list(holder):
            if end is not None:
                end.addprevious(element)
            else:
                body.append(element)
        self.parts = []
