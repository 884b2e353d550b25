"""Suggested follow-up questions, from fixed named rules so a reader can see why each was asked."""

from __future__ import annotations

import datetime as dt

from recommendations import dates
from recommendations.dates import date_start
from recommendations.read.brief.lines import counted, raised_line
from recommendations.read.brief.model import BriefItem, Question
from recommendations.vocabulary import Status

STALE_YEARS = 2

QUESTION_RULES: dict[str, str] = {
    "repeated": "raised more than once and still open",
    "not_assessed": "no published assessment on or before the meeting date",
    "no_progress": "latest assessment: no progress",
    "in_progress": "latest assessment: in progress",
    "partially_implemented": "latest assessment: partially implemented",
    "stale_evidence": f"latest evidence more than {STALE_YEARS} years before the meeting",
}


def questions_for(item: BriefItem, meeting: dt.date) -> list[Question]:
    """Follow-up questions from fixed, named rules (see QUESTION_RULES)."""
    topic = f"“{item.title}”"
    out: list[Question] = []
    if item.times_raised > 1:
        out.append(Question("repeated", f"This was raised {raised_line(item)}. What is the timeline for {topic}?"))
    latest = item.status_entry
    by = f"{latest.assessor}, {dates.human(latest.as_of)}" if latest else ""
    if item.status == Status.NOT_ASSESSED:
        if item.evidence:
            found = (
                f"No assessment of progress is on record, though {counted(len(item.evidence), 'evidence item')} "
                f"{'bears' if len(item.evidence) == 1 else 'bear'} on it "
                f"(latest from {dates.year_of(item.evidence[0].date)})."
            )
        else:
            found = "No evidence of progress is on record."
        out.append(Question("not_assessed", f"{found} Which body is responsible for {topic}, and what has been done?"))
    elif item.status == Status.NO_PROGRESS and latest:
        out.append(
            Question(
                "no_progress",
                f"The latest assessment ({by}) found no progress: “{latest.rationale}” "
                "What stands in the way, and who will act on it?",
            )
        )
    elif item.status == Status.IN_PROGRESS and latest:
        out.append(
            Question(
                "in_progress",
                f"Steps were under way as of {dates.human(latest.as_of)} ({latest.assessor}). "
                f"What remains to be done for {topic}, and by when?",
            )
        )
    elif item.status == Status.PARTIALLY_IMPLEMENTED and latest:
        out.append(
            Question(
                "partially_implemented",
                f"The latest assessment ({by}) found this partially implemented: “{latest.rationale}” "
                "What is being done about the part that is still missing, and by when?",
            )
        )
    newest = item.latest_evidence
    if newest and date_start(newest.date) < dates.years_before(meeting, STALE_YEARS):
        out.append(
            Question(
                "stale_evidence", f"The latest evidence is from {dates.year_of(newest.date)}. What has changed since?"
            )
        )
    return out
