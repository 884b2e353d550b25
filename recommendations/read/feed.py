"""What is new, for a feed reader: the latest published assessments (and withdrawals) and the newest
recommendations, newest first, for the recommendations a theme or addressee filter selects. Only records in force
(``visibility.PUBLIC``); a status judged for one addressee follows that addressee only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from models.tables import REVIEWS, A, R, S
from recommendations import labels, sql, status, visibility
from recommendations.read.filters import Filters
from recommendations.vocabulary import STATUS_LABELS, Visibility

MAX_ENTRIES = 100


@dataclass(frozen=True)
class Entry:
    """One item of the feed: an assessment made public, or a recommendation made."""

    kind: str  # "assessment", "withdrawal" or "recommendation"
    id: str  # the assessment's or the recommendation's id
    recommendation_id: str
    recommendation_title: str
    at: dt.datetime  # when it was published (an assessment) or made (a recommendation: its source's first day)
    status_label: str | None = None
    part: str | None = None  # the addressee it was judged for, or "the whole ask"
    assessor: str | None = None
    as_of: str | None = None
    rationale: str | None = None
    source_title: str | None = None


def entries(engine: Engine, filters: Filters, limit: int = MAX_ENTRIES) -> list[Entry]:
    """At most ``limit`` entries, newest first. With an addressee filter, only assessments judged for one of those
    addressees or for the whole ask."""
    limit = max(1, min(limit, MAX_ENTRIES))
    chosen = None if filters.is_empty() else filters.matching(by_index=status.picks_by_index(engine))
    published_on = (
        select(func.max(REVIEWS.c.reviewed_at))
        .where(REVIEWS.c.assessment_id == A.c.id, REVIEWS.c.decision == Visibility.PUBLISHED.value)
        .scalar_subquery()
    )
    when = func.coalesce(published_on, A.c.recorded_at).label("at")
    judged = select(
        A.c.id, A.c.recommendation_id, R.c.title, A.c.status, A.c.addressee_id, A.c.assessor_id, A.c.as_of,
        A.c.rationale, A.c.visibility, when,
    ).join(R, R.c.id == A.c.recommendation_id).where(visibility.assessments(visibility.PUBLIC, A))  # fmt: skip
    if chosen is not None:
        judged = judged.where(A.c.recommendation_id.in_(chosen.scalar_subquery()))
    if filters.addressees:
        judged = judged.where(or_(A.c.addressee_id.is_(None), sql.in_ids(A.c.addressee_id, filters.addressees)))
    made = select(R.c.id, R.c.title, S.c.title.label("source_title"), S.c.date_start).join(S, S.c.id == R.c.source_id)
    if chosen is not None:
        made = made.where(R.c.id.in_(chosen.scalar_subquery()))
    names = labels.actor_names(engine)
    out = [
        Entry(
            kind="withdrawal" if r["visibility"] == Visibility.WITHDRAWN else "assessment",
            id=r["id"],
            recommendation_id=r["recommendation_id"],
            recommendation_title=r["title"],
            at=r["at"],
            status_label=STATUS_LABELS.get(r["status"], r["status"]),
            part=names.part(r["addressee_id"]),
            assessor=names.name.get(r["assessor_id"], r["assessor_id"]),
            as_of=r["as_of"],
            rationale=r["rationale"],
        )
        for r in sql.rows(engine, judged.order_by(when.desc(), sql.bytewise(A.c.id)).limit(limit))
    ]
    out += [
        Entry(
            kind="recommendation",
            id=r["id"],
            recommendation_id=r["id"],
            recommendation_title=r["title"],
            at=dt.datetime.combine(r["date_start"], dt.time()),
            source_title=r["source_title"],
        )
        for r in sql.rows(engine, made.order_by(S.c.date_start.desc(), R.c.position).limit(limit))
    ]
    return sorted(out, key=lambda e: (e.at, e.kind != "recommendation"), reverse=True)[:limit]
