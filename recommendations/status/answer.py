"""Rule 1-3 read once, rules 4-5 applied to its rows: the status of some recommendations on one day, as every
page, export and the brief ask it once per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from recommendations.sql import rows
from recommendations.status.sql import overall, per_addressee, picks_by_index
from recommendations.vocabulary import PROGRESS_RANK, AddresseeRole


@dataclass(frozen=True)
class AddresseeStatus:
    """One addressee's status for one recommendation (rules 1-3), as ``per_addressee`` gives it."""

    recommendation_id: str
    actor_id: str
    position: int
    role: str
    inferred: bool
    status: str
    as_of: str | None = None
    as_of_start: dt.date | None = None
    recorded_at: dt.datetime | None = None
    assessment_id: str | None = None
    assessor_id: str | None = None
    scope_id: str | None = None  # the assessment's addressee; None when it judged the whole ask

    @property
    def assessed(self) -> bool:
        return self.assessment_id is not None

    def latest_key(self) -> tuple[dt.date, bool, dt.datetime, str]:
        """Rule 3's "latest", as a sort key (the same order as ``_latest_first`` in SQL)."""
        return (
            self.as_of_start or dt.date.min,
            self.scope_id is not None,
            self.recorded_at or dt.datetime.min,
            self.assessment_id or "",
        )


def least_advanced(items: Iterable[AddresseeStatus]) -> AddresseeStatus | None:
    """The least advanced of ``items``; among equals, the latest assessment (rule 4's choice)."""
    pool = list(items)
    if not pool:
        return None
    least = min(PROGRESS_RANK[a.status] for a in pool)
    return max((a for a in pool if PROGRESS_RANK[a.status] == least), key=AddresseeStatus.latest_key)


@dataclass
class Statuses:
    """The rule's whole answer for some recommendations on one day, from one query: each addressee's status
    (rules 1-3) and, from those, the overall status (rule 4) or the status for chosen addressees (rule 5)."""

    by_recommendation: dict[str, list[AddresseeStatus]]

    def addressees(self, rec_id: str) -> list[AddresseeStatus]:
        return self.by_recommendation.get(rec_id, [])

    def overall(self, rec_id: str) -> AddresseeStatus | None:
        """Rule 4: the least advanced of the responsible addressees' statuses among those assessed (the
        supporting addressees' when no responsible one is); None: not assessed."""
        assessed = [a for a in self.addressees(rec_id) if a.assessed]
        responsible = [a for a in assessed if a.role == AddresseeRole.RESPONSIBLE]
        return least_advanced(responsible or assessed)

    def for_addressees(self, rec_id: str, chosen: Iterable[str]) -> AddresseeStatus | None:
        """Rule 5, for a selection of addressees (the brief): the least advanced of the chosen addressees'
        statuses, *not assessed included*: an ask nobody has judged for a chosen addressee is open for it.
        None when the recommendation names none of them."""
        wanted = set(chosen)
        return least_advanced(a for a in self.addressees(rec_id) if a.actor_id in wanted)


def statuses(
    db: Engine | Connection, as_of: dt.date | None = None, recommendations: Iterable[str] | None = None
) -> Statuses:
    """Every addressee's status for ``recommendations`` (None: all) on ``as_of`` (default today), in one query."""
    out: dict[str, list[AddresseeStatus]] = {}
    statement = per_addressee(as_of, recommendations, by_index=picks_by_index(db))
    statement = statement.order_by("recommendation_id", "position")
    for row in rows(db, statement):
        item = AddresseeStatus(
            recommendation_id=row["recommendation_id"], actor_id=row["actor_id"], position=int(row["position"]),
            role=row["role"], inferred=bool(row["inferred"]), status=row["status"], as_of=row["as_of"],
            as_of_start=_day(row["as_of_start"]), recorded_at=row["recorded_at"], assessment_id=row["assessment_id"],
            assessor_id=row["assessor_id"], scope_id=row["scope_id"],
        )  # fmt: skip
        out.setdefault(item.recommendation_id, []).append(item)
    return Statuses(out)


@dataclass(frozen=True)
class Overall:
    """One recommendation's overall status (rule 4) when it has one, as ``overall_statuses`` gives it."""

    recommendation_id: str
    status: str
    as_of: str | None
    assessment_id: str
    assessor_id: str | None
    scope_id: str | None  # the addressee it was judged for; None when it judged the whole ask

    @property
    def assessed(self) -> bool:
        return True


def overall_statuses(
    db: Engine | Connection, as_of: dt.date | None = None, recommendations: Iterable[str] | None = None
) -> dict[str, Overall]:
    """The overall status of each of ``recommendations`` (None: all) that has one on ``as_of``, from the rule's SQL
    form alone: for a caller that needs no addressee's own status (half the rows ``statuses`` reads)."""
    statement = overall(as_of, recommendations, by_index=picks_by_index(db))
    names = ("recommendation_id", "status", "as_of", "assessment_id", "assessor_id", "scope_id")
    return {
        row["recommendation_id"]: Overall(*(row[name] for name in names))
        for row in rows(db, statement)
        if row["assessment_id"] is not None
    }


def _day(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
