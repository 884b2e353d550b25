"""THE meeting brief as a file (DOCX, Markdown, CSV, XLSX): the page's downloads and the command line's ``brief``
both come from here, so they are the same brief."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's parser reads FORMATS without importing the brief
    from recommendations.read.brief import Brief

FORMATS = ("docx", "md", "csv", "xlsx")


def brief_file(built: Brief, fmt: str) -> bytes:
    """The brief in one of FORMATS (CSV and XLSX cells made safe for spreadsheets)."""
    from recommendations.dataset.export import to_csv_bytes, to_xlsx_bytes
    from recommendations.read import brief

    if built.detailed is not None:  # a file holds every recommendation with its history, evidence and questions
        raise ValueError("a preview brief (build_brief(detailed=...)) cannot be written as a file; build it whole")
    if fmt == "docx":
        return brief.brief_docx(built)
    if fmt == "md":
        return brief.brief_markdown(built).encode("utf-8")
    if fmt == "csv":
        return to_csv_bytes(brief.brief_rows(built))
    if fmt == "xlsx":
        return to_xlsx_bytes(brief.brief_sheets(built))
    raise ValueError(f"no brief as {fmt!r}; choose one of: {', '.join(FORMATS)}")
