"""Suggested follow-up questions, from fixed named rules so a reader can see why each was asked."""

from __future__ import annotations

import datetime as dt

from recommendations.dataset.schema import Status, date_start
from recommendations.read.brief.model import BriefItem, Question, human_date, year_of

STALE_YEARS = 2

QUESTION_RULES: dict[str, str] = {
    "repeated": "raised more than once and still open",
    "not_assessed": "no published assessment on or before the meeting date",
    "no_progress": "latest assessment: no progress",
    "in_progress": "latest assessment: in progress",
    "partially_implemented": "latest assessment: partially implemented",
    "stale_evidence": f"latest evidence more than {STALE_YEARS} years before the meeting",
}


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def questions_for(item: BriefItem, meeting: dt.date) -> list[Question]:
    """Follow-up questions from fixed, named rules (see QUESTION_RULES)."""
    topic = f"“{item.title}”"
    out: list[Question] = []
    if item.times_raised > 1:
        dates = [item.first_raised, item.source_date, *(link.date for link in item.linked)]
        out.append(
            Question(
                "repeated",
                f"This was first asked in {year_of(item.first_raised)} and has been raised at {item.times_raised} "
                f"meetings or documents in all, most recently in {year_of(max(dates))}. "
                f"What is the timeline for {topic}?",
            )
        )
    latest = item.status_entry
    by = f"{latest.assessor}, {human_date(latest.as_of)}" if latest else ""
    if item.status == Status.NOT_ASSESSED:
        if item.evidence:
            found = (
                f"No assessment of progress is on record, though {len(item.evidence)} evidence item(s) bear on it "
                f"(latest from {year_of(item.evidence[0].date)})."
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
                f"Steps were under way as of {human_date(latest.as_of)} ({latest.assessor}). "
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
    if newest and date_start(newest.date) < years_before(meeting, STALE_YEARS):
        out.append(
            Question("stale_evidence", f"The latest evidence is from {year_of(newest.date)}. What has changed since?")
        )
    return out
