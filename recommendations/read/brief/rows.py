"""The brief's rows, for CSV / XLSX (through ``dataset.export.brief_file``): one per listed recommendation, in the
Word file's order and with its wording; the XLSX adds the chronic asks and the known gaps as sheets of their own.

The column names and sheet names are the same in every language (English machine names, as in every export of
the tracker), so a script that reads a brief's rows reads a Khmer brief's too; the values are in the brief's
language (statuses, sentences, names, short titles), except dates (ISO), ids, counts and the quoted texts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from recommendations import dates, labels
from recommendations.read.brief import lines
from recommendations.read.brief.model import DEFAULT_LANGUAGE, Brief

ROW_COLUMNS = [
    "group", "id", "title", "source", "date", "status_at_meeting", "status_date", "status_assessor",
    "status_scope", "addressee_statuses", "times_raised", "raised_at", "first_raised", "linked_ids",
    "directly_linked_ids", "latest_evidence_title", "latest_evidence_date", "latest_evidence_url",
    "latest_evidence_citation", "evidence_count", "themes", "addressees", "asked_as_a_whole", "text", "questions",
]  # fmt: skip
CHRONIC_ROW_COLUMNS = [
    "id", "also_listed", "title", "first_raised", "times_raised", "raised_at", "status_at_meeting", "years_open",
]  # fmt: skip
GAP_ROW_COLUMNS = ["document", "date", "recommendations_known", "recommendations_held", "what_is_missing"]


def _years(meetings: Sequence[str]) -> str:
    return "; ".join(dates.year_of(d) for d in meetings)


def brief_rows(brief: Brief) -> pd.DataFrame:
    lang = brief.lang
    rows = []
    for group in brief.groups:
        for item in group.items:
            newest = item.latest_evidence
            rows.append(
                {
                    "group": group.title,
                    "id": item.id,
                    "title": item.title,
                    "source": item.source_title,
                    "date": item.source_date,
                    "status_at_meeting": lines.status_label(item.status, lang),
                    "status_date": item.status_date or "",
                    "status_assessor": item.status_assessor or "",
                    "status_scope": labels.scope_words(item.status_scope, lang),
                    "addressee_statuses": "\n".join(lines.addressee_status_line(s, lang) for s in item.statuses),
                    "times_raised": item.times_raised,
                    "raised_at": _years(item.meetings),
                    "first_raised": item.first_raised,
                    "linked_ids": "; ".join(x.id for x in item.linked),
                    "directly_linked_ids": "; ".join(x.id for x in item.linked if x.relation),
                    "latest_evidence_title": newest.title if newest else "",
                    "latest_evidence_date": newest.date if newest else "",
                    "latest_evidence_url": (newest.url or "") if newest else "",
                    "latest_evidence_citation": (newest.citation or lines.evidence_reference(newest, lang))
                    if newest and not newest.url
                    else "",
                    "evidence_count": len(item.evidence),
                    "themes": "; ".join(item.themes),
                    "addressees": "; ".join(item.addressees),
                    "asked_as_a_whole": item.asked_as_a_whole,
                    "text": item.quote + "".join(f"\n• {p}" for p in item.problems),
                    "questions": "\n".join(q.text for q in item.questions),
                }
            )
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def chronic_rows(brief: Brief) -> pd.DataFrame:
    """The first page's chronic-asks table, one row per ask."""
    rows = [
        {
            "id": row.item.id,
            "also_listed": "; ".join(row.also),
            "title": row.item.title,
            "first_raised": row.item.first_raised,
            "times_raised": row.item.times_raised,
            "raised_at": _years(row.item.meetings),
            "status_at_meeting": lines.status_label(row.item.status, brief.lang),
            "years_open": row.years_open,
        }
        for row in brief.chronic
    ]
    return pd.DataFrame(rows, columns=CHRONIC_ROW_COLUMNS)


def gap_rows(brief: Brief) -> pd.DataFrame:
    """The appendix's known gaps, one row per document."""
    rows = [
        {
            "document": gap.title,
            "date": gap.date,
            "recommendations_known": "" if gap.expected is None else gap.expected,
            "recommendations_held": gap.recorded,
            "what_is_missing": lines.gap_sentence(gap, brief.lang),
        }
        for gap in brief.gaps
    ]
    return pd.DataFrame(rows, columns=GAP_ROW_COLUMNS)


def brief_sheets(brief: Brief) -> dict[str, pd.DataFrame]:
    """The XLSX: the sheets in the Word file's order."""
    return {"chronic asks": chronic_rows(brief), "recommendations": brief_rows(brief), "known gaps": gap_rows(brief)}


def file_stem(brief: Brief) -> str:
    """ "brief-2022-10-19"; a brief in another language says which: "brief-2022-10-19-km"."""
    suffix = "" if brief.lang == DEFAULT_LANGUAGE else f"-{brief.lang}"
    return f"brief-{brief.meeting_date.isoformat()}{suffix}"
