"""Opening an uploaded Office file (an XLSX workbook, a DOCX document: a zip of XML parts) safely, before any
library reads it. One home for the checks both uploads make: the archive's size as declared and as compressed
(a zip bomb is refused before anything inflates), its number of parts, macros and ActiveX controls, and links
to anything outside the file (an attached template, a linked object or workbook; a plain hyperlink is text and
stays). The XML read here is read with defusedxml: a part that declares entities is refused.

Python's zipfile never inflates a part beyond the size the archive declares for it (it stops there and the
part's checksum then fails), so the declared sizes checked here bound what any library later reads."""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeXML  # type: ignore[import-untyped]

from recommendations.i18n import N_, Message

#: More parts than this is no document or workbook a person made (a DOCX with a few hundred images has ~1,000).
MAX_PARTS = 10_000
#: A part that inflates more than this many times its compressed size is refused, as zip bombs do ...
MAX_RATIO = 100
#: ... once it is this big (a small part of repeated spaces may compress well; only a big one can hurt).
RATIO_FROM = 1024 * 1024
#: Relationship types that may point outside the file: a hyperlink is a web address in the text, nothing loaded.
EXTERNAL_ALLOWED = ("hyperlink",)
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class UploadRefused(Exception):
    """The file as a whole cannot be read; nothing was written. The message says why, in words: ``message`` in
    any language (``i18n.Translator.say``), ``str()`` in English. ``cells`` names the (row, column) of each
    cell a refusal is about, when it is about cells."""

    def __init__(self, msgid: str, /, **named: object) -> None:
        self.message = Message(msgid, named)
        self.cells: list[tuple[int, str]] = []
        super().__init__(str(self.message))


def size_words(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n / 1024:.0f} KB"


def _limit_words(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n % (1024 * 1024) == 0 else size_words(n)


def open_package(data: bytes, *, max_unzipped: int) -> zipfile.ZipFile:
    """The zip archive ``data`` holds, once its declared sizes, compression ratios and number of parts are
    within bounds. UploadRefused otherwise (nothing has been inflated then)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UploadRefused(N_("The file looks like a zip archive but cannot be opened. Save it again and upload "
                               "that.")) from None  # fmt: skip
    if len(parts) > MAX_PARTS:
        raise UploadRefused(
            N_("The file holds {n} parts; more than {limit} is refused before it is opened (a zip bomb has as "
               "many)."),
            n=f"{len(parts):,}", limit=f"{MAX_PARTS:,}",
        )  # fmt: skip
    if sum(p.file_size for p in parts) > max_unzipped:
        raise UploadRefused(
            N_("The file unpacks to more than {limit}; it is refused before it is opened."),
            limit=_limit_words(max_unzipped),
        )
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise UploadRefused(
                N_("The part {part} of the file inflates {ratio} times, as a zip bomb does; the file is refused "
                   "before it is opened."),
                part=part.filename[:80], ratio=f"{part.file_size // max(part.compress_size, 1):,}",
            )  # fmt: skip
    return archive


def refuse_active_content(archive: zipfile.ZipFile) -> None:
    """UploadRefused when the package holds macros or ActiveX controls, or links to anything outside itself
    but a hyperlink (an attached template, a linked OLE object, image or workbook): it is never opened here."""
    names = archive.namelist()
    for name in names:
        lower = name.lower()
        if lower.endswith(("vbaproject.bin", "vbadata.xml")):
            raise UploadRefused(N_("The file holds macros ({part}). Macros are never opened here: save a copy "
                                   "without macros (as .docx or .xlsx) and upload that."), part=name[:80])  # fmt: skip
        if "/activex/" in f"/{lower}":
            raise UploadRefused(N_("The file holds ActiveX controls ({part}); they are never opened here. Save a "
                                   "copy without them and upload that."), part=name[:80])  # fmt: skip
    if "[Content_Types].xml" in names:
        for element in read_xml(archive, "[Content_Types].xml").iter():
            content_type = element.get("ContentType", "") if element.tag.startswith(_TYPES_NS) else ""
            if "macroenabled" in content_type.lower() or "vbaproject" in content_type.lower():
                raise UploadRefused(N_("The file is macro-enabled ({type}). Macros are never opened here: save a "
                                       "copy without macros (as .docx or .xlsx) and upload that."),
                                    type=content_type[:80])  # fmt: skip
    for name in names:
        if not name.endswith(".rels"):
            continue
        for relation in read_xml(archive, name).iter(f"{_RELS_NS}Relationship"):
            kind = relation.get("Type", "").rsplit("/", 1)[-1]
            if relation.get("TargetMode", "").lower() == "external" and kind not in EXTERNAL_ALLOWED:
                raise UploadRefused(
                    N_("The file links to something outside it ({kind}: {target}), which is never followed here. "
                       "Save a copy without the link (for an attached template: detach it; for a linked object "
                       "or workbook: break the link) and upload that."),
                    kind=kind[:40], target=relation.get("Target", "")[:80],
                )  # fmt: skip


def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes, read no further than its declared size (checked by ``open_package``)."""
    info = archive.getinfo(name)
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UploadRefused(N_("The part {part} of the file is damaged ({problem}). Save the file again and upload "
                               "that."), part=name[:80], problem=str(exc)[:80]) from None  # fmt: skip
    if len(data) > info.file_size:  # pragma: no cover - zipfile stops at the declared size
        raise UploadRefused(N_("The part {part} of the file inflates beyond its declared size; the file is refused."),
                            part=name[:80])  # fmt: skip
    return data


def read_xml(archive: zipfile.ZipFile, name: str) -> Element:
    """A part parsed with defusedxml (no DTD, no entities), read no further than its declared size."""
    try:
        root: Element = SafeXML.fromstring(read_part(archive, name), forbid_dtd=True)
    except UploadRefused:
        raise
    except Exception as exc:  # defusedxml's DTDForbidden/EntitiesForbidden, or a ParseError
        problem = (
            Message(N_("it declares XML entities, which are refused"), {})
            if "Forbidden" in type(exc).__name__
            else Message(N_("its XML is broken: {detail}"), {"detail": str(exc)[:80]})
        )
        raise UploadRefused(N_("The part {part} of the file cannot be read ({problem})."),
                            part=posixpath.basename(name)[:80], problem=problem) from None  # fmt: skip
    return root
