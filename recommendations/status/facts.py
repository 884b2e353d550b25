"""The rule in pure Python, for code that already holds the rows (the year-by-year chart, the detail page's
disagreements, the history's states) and for the tests' oracle, which checks it against the SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recommendations.status.sql import IN_FORCE, RETURNED, today
from recommendations.vocabulary import PROGRESS_RANK, AddresseeRole, Status, Visibility


@dataclass(frozen=True)
class Fact:
    """One assessment row, as the rule needs it."""

    id: str
    recommendation_id: str
    status: str
    as_of_start: dt.date
    recorded_at: dt.datetime
    addressee_id: str | None = None
    visibility: str = Visibility.PUBLISHED.value  # effective: a draft a reviewer published is "published"
    supersedes_id: str | None = None
    assessor_id: str | None = None
    as_of: str | None = None


@dataclass(frozen=True)
class Verdict:
    """A status and the assessment it comes from (None: not assessed)."""

    status: str
    fact: Fact | None = None

    @property
    def scope_id(self) -> str | None:
        return self.fact.addressee_id if self.fact else None


NOT_ASSESSED = Verdict(Status.NOT_ASSESSED.value)


def _key(fact: Fact) -> tuple[dt.date, bool, dt.datetime, str]:
    return (fact.as_of_start, fact.addressee_id is not None, fact.recorded_at, fact.id)


def standing_facts(facts: Iterable[Fact], as_of: dt.date | None = None) -> list[Fact]:
    """Rule 1 over rows already held."""
    facts = list(facts)
    day = as_of or today()
    superseded = {f.supersedes_id for f in facts if f.supersedes_id and f.visibility in IN_FORCE}
    return [
        f for f in facts if f.visibility == Visibility.PUBLISHED and f.id not in superseded and f.as_of_start <= day
    ]


def for_addressee(facts: Iterable[Fact], actor_id: str, as_of: dt.date | None = None) -> Verdict:
    """Rules 1-3 for one recommendation's rows."""
    speaking = [f for f in standing_facts(facts, as_of) if f.addressee_id in (None, actor_id)]
    if not speaking:
        return NOT_ASSESSED
    latest = max(speaking, key=_key)
    return Verdict(latest.status, latest)


def overall_verdict(
    facts: Iterable[Fact], addressees: Sequence[tuple[str, str]], as_of: dt.date | None = None
) -> Verdict:
    """Rule 4 for one recommendation's rows; ``addressees`` are its (actor_id, role) pairs."""
    facts = list(facts)
    verdicts = [(role, for_addressee(facts, actor, as_of)) for actor, role in addressees]
    known = [(role, v, v.fact) for role, v in verdicts if v.fact is not None]
    responsible = [(v, fact) for role, v, fact in known if role == AddresseeRole.RESPONSIBLE]
    pool = responsible or [(v, fact) for _, v, fact in known]
    if not pool:
        return NOT_ASSESSED
    least = min(PROGRESS_RANK[v.status] for v, _ in pool)
    return max(((v, fact) for v, fact in pool if PROGRESS_RANK[v.status] == least), key=lambda pair: _key(pair[1]))[0]


def states(facts: Iterable[Fact]) -> dict[str, str]:
    """How each record of a history stands, for showing the whole history (nothing is ever hidden but drafts).

    "standing", "superseded" (by a published correction), "withdrawn" (by a withdrawal record),
    "withdrawal" (the withdrawing record itself), "draft" or "returned" (a draft sent back by a reviewer).
    """
    facts = list(facts)
    replaced: dict[str, str] = {}
    for f in facts:
        if f.supersedes_id and f.visibility in IN_FORCE:
            replaced[f.supersedes_id] = "withdrawn" if f.visibility == Visibility.WITHDRAWN else "superseded"
    out = {}
    for f in facts:
        if f.visibility == Visibility.WITHDRAWN:
            out[f.id] = "withdrawal"
        elif f.visibility == RETURNED:
            out[f.id] = "returned"
        elif f.visibility != Visibility.PUBLISHED:
            out[f.id] = "draft"
        else:
            out[f.id] = replaced.get(f.id, "standing")
    return out
