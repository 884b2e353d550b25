"""Suggested follow-up questions, from fixed named rules so a reader can see why each was asked."""

from __future__ import annotations

import datetime as dt

from recommendations import dates, i18n
from recommendations.dates import date_start
from recommendations.i18n import N_
from recommendations.read.brief.lines import raised_line
from recommendations.read.brief.model import DEFAULT_LANGUAGE, Brief, BriefItem, Question
from recommendations.vocabulary import Status

STALE_YEARS = 2

#: Rule -> what it looks for, in English ({n}: STALE_YEARS); ``rule_text`` says it in a language.
QUESTION_RULES: dict[str, str] = {
    "repeated": N_("raised more than once and still open"),
    "not_assessed": N_("no published assessment on or before the meeting date"),
    "no_progress": N_("latest assessment: no progress"),
    "in_progress": N_("latest assessment: in progress"),
    "partially_implemented": N_("latest assessment: partially implemented"),
    "stale_evidence": N_("latest evidence more than {n} years before the meeting"),
}


#: What the latest assessment found, quoted, and the question it raises (the rule is the status).
_LATEST_FOUND = {
    Status.NO_PROGRESS: N_(
        "The latest assessment ({assessor}, {date}) found no progress: “{rationale}” What stands in the way, and who "
        "will act on it?"
    ),
    Status.PARTIALLY_IMPLEMENTED: N_(
        "The latest assessment ({assessor}, {date}) found this partially implemented: “{rationale}” What is being "
        "done about the part that is still missing, and by when?"
    ),
}


def rule_text(rule: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The rule behind a question, in ``lang``: "latest evidence more than 2 years before the meeting"."""
    tr = i18n.translator(lang)
    return tr.t(QUESTION_RULES[rule], n=tr.number(STALE_YEARS))


def stale(newest: dt.date | None, meeting: dt.date) -> bool:
    """The stale-evidence rule: the newest evidence bearing on it (its first day) is more than STALE_YEARS before
    the meeting. An ask with no evidence at all is not asked this question."""
    return newest is not None and newest < dates.years_before(meeting, STALE_YEARS)


def stale_count(brief: Brief) -> int:
    """How many listed recommendations the stale-evidence rule asks about (every item, a preview's too)."""
    return sum(1 for item in brief.items if stale(item.newest_evidence, brief.meeting_date))


def questions_for(item: BriefItem, meeting: dt.date, lang: str = DEFAULT_LANGUAGE) -> list[Question]:
    """Follow-up questions from fixed, named rules (see QUESTION_RULES), in ``lang``. The item's short title is
    already in it; a rationale is quoted as written."""
    tr = i18n.translator(lang)
    title = item.title
    out: list[Question] = []
    if item.times_raised > 1:
        out.append(
            Question(
                "repeated",
                tr.t(
                    "This was raised {raised}. What is the timeline for “{title}”?",
                    raised=raised_line(item, lang),
                    title=title,
                ),
            )
        )
    latest = item.status_entry
    if item.status == Status.NOT_ASSESSED:
        if item.evidence:
            found = tr.plural(
                "No assessment of progress is on record, though {n} evidence item bears on it (latest from {year}). "
                "Which body is responsible for “{title}”, and what has been done?",
                "No assessment of progress is on record, though {n} evidence items bear on it (latest from {year}). "
                "Which body is responsible for “{title}”, and what has been done?",
                len(item.evidence),
                year=dates.year_of(item.evidence[0].date),
                title=title,
            )
        else:
            found = tr.t(
                "No evidence of progress is on record. Which body is responsible for “{title}”, and what has been "
                "done?",
                title=title,
            )
        out.append(Question("not_assessed", found))
    elif item.status in _LATEST_FOUND and latest:
        said = tr.t(
            _LATEST_FOUND[Status(item.status)],
            assessor=latest.assessor,
            date=tr.date(latest.as_of),
            rationale=latest.rationale,
        )
        out.append(Question(item.status, said))
    elif item.status == Status.IN_PROGRESS and latest:
        out.append(
            Question(
                "in_progress",
                tr.t(
                    "Steps were under way as of {date} ({assessor}). What remains to be done for “{title}”, and by "
                    "when?",
                    date=tr.date(latest.as_of),
                    assessor=latest.assessor,
                    title=title,
                ),
            )
        )
    newest = item.latest_evidence
    if newest and stale(date_start(newest.date), meeting):
        out.append(
            Question(
                "stale_evidence",
                tr.t("The latest evidence is from {year}. What has changed since?", year=dates.year_of(newest.date)),
            )
        )
    return out
