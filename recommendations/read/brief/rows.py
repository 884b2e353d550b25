"""The brief's rows: one per listed recommendation, for CSV / XLSX (through export.to_csv_bytes / to_xlsx_bytes)."""

from __future__ import annotations

import pandas as pd

from recommendations.read.brief import lines
from recommendations.read.brief.model import Brief

ROW_COLUMNS = [
    "group", "id", "title", "source", "date", "status_at_meeting", "status_date", "status_assessor",
    "status_scope", "addressee_statuses", "times_raised", "first_raised", "linked_ids", "directly_linked_ids",
    "latest_evidence_title", "latest_evidence_date", "latest_evidence_url", "latest_evidence_citation",
    "evidence_count", "themes", "addressees", "asked_as_a_whole", "text", "questions",
]  # fmt: skip


def brief_rows(brief: Brief) -> pd.DataFrame:
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
                    "status_at_meeting": item.status_label,
                    "status_date": item.status_date or "",
                    "status_assessor": item.status_assessor or "",
                    "status_scope": f"as assessed for {item.status_scope}" if item.status_scope else "",
                    "addressee_statuses": "\n".join(lines.addressee_status_line(s) for s in item.statuses),
                    "times_raised": item.times_raised,
                    "first_raised": item.first_raised,
                    "linked_ids": "; ".join(x.id for x in item.linked),
                    "directly_linked_ids": "; ".join(x.id for x in item.linked if x.relation),
                    "latest_evidence_title": newest.title if newest else "",
                    "latest_evidence_date": newest.date if newest else "",
                    "latest_evidence_url": (newest.url or "") if newest else "",
                    "latest_evidence_citation": (newest.citation or newest.reference)
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


def file_stem(brief: Brief) -> str:
    return f"brief-{brief.meeting_date.isoformat()}"
