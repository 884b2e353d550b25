"""Meeting brief: the open recommendations on chosen themes or addressees, as they stood on a meeting date.

Plain Python (no Streamlit), in parts a newcomer can find:

- ``model``: what a brief holds (plain dataclasses) and date wording;
- ``build``: reading the database (``build_brief``), everything as of the meeting date, statuses from the rule;
  ``grouping``: the headings it is listed under;
- ``questions``: the fixed, named rules behind the suggested questions;
- ``lines``: the brief's sentences as plain text;
- ``markdown`` and ``word``: the Markdown (page and download) and DOCX renderings (``wordml`` writes the DOCX
  body in one pass; ``khmer_docx`` the complex-script settings);
- ``rows``: one row per listed recommendation, for CSV / XLSX.
"""

from recommendations.read.brief.build import build_brief
from recommendations.read.brief.lines import count_lines, empty_message, intro_lines
from recommendations.read.brief.markdown import brief_markdown, md_escape, md_link
from recommendations.read.brief.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    QUESTIONS_NOTE,
    STATUS_NOTE,
    AddresseeStatus,
    Brief,
    BriefGroup,
    BriefItem,
    ChronicAsk,
    EvidenceEntry,
    Gap,
    HistoryEntry,
    LinkedEntry,
    Question,
)
from recommendations.read.brief.questions import QUESTION_RULES, STALE_YEARS, questions_for, stale_count
from recommendations.read.brief.rows import ROW_COLUMNS, brief_rows, brief_sheets, chronic_rows, file_stem, gap_rows
from recommendations.read.brief.word import brief_docx

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "QUESTIONS_NOTE",
    "QUESTION_RULES",
    "ROW_COLUMNS",
    "STALE_YEARS",
    "STATUS_NOTE",
    "AddresseeStatus",
    "Brief",
    "BriefGroup",
    "BriefItem",
    "ChronicAsk",
    "EvidenceEntry",
    "Gap",
    "HistoryEntry",
    "LinkedEntry",
    "Question",
    "brief_docx",
    "brief_markdown",
    "brief_rows",
    "brief_sheets",
    "build_brief",
    "chronic_rows",
    "count_lines",
    "empty_message",
    "file_stem",
    "gap_rows",
    "intro_lines",
    "md_escape",
    "md_link",
    "questions_for",
    "stale_count",
]
