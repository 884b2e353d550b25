"""Khmer in a Word document: the complex-script settings python-docx does not make.

Word and LibreOffice draw Khmer with a run's *complex-script* properties, not the Latin ones python-docx sets:
the font in ``w:rFonts/@w:cs`` (a theme's ``w:cstheme`` would override it), the language in ``w:lang/@w:bidi``,
and the size, bold and italic in ``w:szCs``, ``w:bCs`` and ``w:iCs``. Without them a Khmer heading comes out in
whatever font the reader's Word picks for complex scripts, at the default size, not bold.

``apply(document, "km")`` sets them on the document defaults, on every style and on every run of the body,
tables, headers and footers; call it once the document is built, before ``save``. It names a free font (Noto Sans
Khmer, SIL Open Font License; the web app serves the same one) rather than embedding it: a reader without it gets
their system's Khmer font (Khmer UI, Khmer OS, Leelawadee UI). Languages without an entry in ``SCRIPT_FONTS`` are
left alone, so calling it for English is harmless.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

#: Language -> (its tag in ``w:lang/@w:bidi``, the free font named for its script).
SCRIPT_FONTS: dict[str, tuple[str, str]] = {"km": ("km-KH", "Noto Sans Khmer")}

#: The order of a run's properties (ECMA-376 CT_RPr): Word refuses a file whose properties are out of order.
_ORDER = (
    "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline w:shadow w:emboss "
    "w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing w:w w:kern w:position w:sz w:szCs "
    "w:highlight w:u w:effect w:bdr w:shd w:fitText w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout "
    "w:specVanish w:oMath"
).split()


def _child(rpr: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    """``rpr``'s child ``tag``, added in its place in the order if missing."""
    found = rpr.find(qn(tag))
    if found is not None:
        return found  # type: ignore[no-any-return]
    element = OxmlElement(tag)
    rpr.insert_element_before(element, *_ORDER[_ORDER.index(tag) + 1 :])
    return element


def set_run_properties(rpr: BaseOxmlElement, lang: str) -> None:
    """Complex-script font, language, size, bold and italic on one ``w:rPr`` (a run's, a style's, the defaults')."""
    if lang not in SCRIPT_FONTS:
        return
    tag, font = SCRIPT_FONTS[lang]
    fonts = _child(rpr, "w:rFonts")
    for theme in ("w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the named one
    fonts.set(qn("w:cs"), font)
    fonts.set(qn("w:eastAsia"), font)  # where a program files Khmer under East Asian text, it finds the font too
    for latin, complex_ in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
        source = rpr.find(qn(latin))
        if source is not None:
            target = _child(rpr, complex_)
            for name, value in source.attrib.items():
                target.set(name, value)
    _child(rpr, "w:lang").set(qn("w:bidi"), tag)


def apply(document: Document, lang: str, *, body: bool = True) -> None:
    """Khmer (or another complex script in ``SCRIPT_FONTS``) set up on the whole document; see the module doc.
    ``body=False`` leaves the body's runs alone: for a body written with these properties already (``wordml``)."""
    if lang not in SCRIPT_FONTS:
        return
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    holder = defaults.find(qn("w:rPrDefault"))
    if holder is None:
        holder = OxmlElement("w:rPrDefault")
        defaults.insert(0, holder)
    rpr = holder.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        holder.append(rpr)
    set_run_properties(rpr, lang)
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):  # the styles that carry run properties
            set_run_properties(style.element.get_or_add_rPr(), lang)
    parts = [document.element.body] if body else []
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                parts.append(part.part.element)
    for part in parts:
        for run in part.iter(qn("w:r")):
            set_run_properties(run.get_or_add_rPr(), lang)
