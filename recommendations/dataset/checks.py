"""Rules across records that the YAML validator and the app's write module share (one definition).

``schema`` checks one record on its own (pydantic). What needs other records (the recommendation's date and
addressees, the evidence's dates, the assessment being corrected) is checked here and returned as
``(field, message)`` pairs: the validator turns them into ``path:line: field: message``, the forms show each
message beside its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from recommendations.dataset.schema import AssessmentIn
from recommendations.dates import date_start
from recommendations.vocabulary import Visibility

Finding = tuple[str, str]  # (field, message)


@dataclass(frozen=True)
class Target:
    """The assessment a correction or withdrawal supersedes, as far as the rules need it."""

    id: str
    recommendation: str
    as_of: str
    visibility: str
    superseded_by: str | None = None  # an in-force record that already supersedes it
    assessor: str | None = None


def assessment_findings(
    item: AssessmentIn,
    *,
    made: dt.date | None,
    addressees: AbstractSet[str] | None,
    evidence_dates: Mapping[str, str],
    target: Target | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """What is wrong with ``item`` given the records it refers to (None: that record is unknown or unread)."""
    out = as_of_findings(item.as_of, made=made, today=today)
    as_of = date_start(item.as_of)  # a partial date stands for its first day, as in every view
    late = [ev for ev in item.evidence if ev in evidence_dates and date_start(evidence_dates[ev]) > as_of]
    if late:
        out.append(
            (
                "evidence",
                f"{', '.join(late)} dated after as_of {item.as_of} "
                "(a partial as_of stands for its first day: write the full date)",
            )
        )
    out += addressee_findings(item, addressees)
    if item.supersedes and target is not None:
        out += supersede_findings(item, target)
    return out


def addressee_findings(item: AssessmentIn, addressees: AbstractSet[str] | None) -> list[Finding]:
    """An assessment of one addressee's part names an addressee of the recommendation."""
    if item.addressee and addressees is not None and item.addressee not in addressees:
        return [("addressee", f"{item.addressee!r} is not an addressee of {item.recommendation}")]
    return []


def as_of_findings(as_of: str, *, made: dt.date | None, today: dt.date | None = None) -> list[Finding]:
    """The as-of date is neither in the future nor before the recommendation was made."""
    out: list[Finding] = []
    day = date_start(as_of)
    if day > (today or dt.date.today()):
        out.append(("as_of", f"{as_of} is in the future"))
    if made is not None and day < made:
        out.append(("as_of", f"{as_of} is before the recommendation was made ({made.isoformat()})"))
    return out


def supersede_findings(item: AssessmentIn, target: Target) -> list[Finding]:
    """A correction or withdrawal names an earlier assessment of the same recommendation, not yet replaced."""
    out: list[Finding] = []
    if target.recommendation != item.recommendation:
        out.append(
            (
                "supersedes",
                f"{target.id} is an assessment of {target.recommendation}, not of {item.recommendation}",
            )
        )
    if target.assessor is not None and target.assessor != item.assessor:
        out.append(
            (
                "supersedes",
                f"{target.id} was assessed by {target.assessor}: only its assessor can correct or withdraw it "
                "(record an assessment of your own instead)",
            )
        )
    if date_start(target.as_of) > date_start(item.as_of):
        out.append(("supersedes", f"{target.id} is dated {target.as_of}, after this one ({item.as_of})"))
    if target.visibility == Visibility.WITHDRAWN:
        out.append(("supersedes", f"{target.id} is itself a withdrawal"))
    if target.superseded_by and target.superseded_by != item.id:
        out.append(("supersedes", f"{target.id} is already superseded by {target.superseded_by}"))
    return out


def evidence_findings(date: str, today: dt.date | None = None) -> list[Finding]:
    if date_start(date) > (today or dt.date.today()):
        return [("date", f"{date} is in the future")]
    return []
