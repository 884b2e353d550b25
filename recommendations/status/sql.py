"""The status rule in SQL (see the package's docstring for the rule): statements to run or to aggregate over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, case, exists, func, literal, null, or_, select, union_all
from sqlalchemy.sql import ColumnElement, FromClause

from models.tables import AD, REVIEWS, A, R
from recommendations.sql import Source, bytewise, in_ids
from recommendations.vocabulary import (
    PROGRESS_RANK,
    AddresseeRole,
    Status,
    Visibility,
)

#: Records that take effect when recorded: a published assessment, or a withdrawal of one.
IN_FORCE = (Visibility.PUBLISHED, Visibility.WITHDRAWN)


def today() -> dt.date:
    return dt.date.today()


# --- SQL ------------------------------------------------------------------------------------------------


RETURNED = "returned"  # a draft a reviewer sent back: it never counts (an effective visibility, not stored)


def _decided(decision: str) -> Select[*tuple[Any, ...]]:
    return select(REVIEWS.c.assessment_id).where(REVIEWS.c.decision == decision)


def published(table: FromClause) -> ColumnElement[bool]:
    """The one test for "this assessment is published": recorded as published, or a draft a reviewer published."""
    return or_(table.c.visibility == Visibility.PUBLISHED, table.c.id.in_(_decided(Visibility.PUBLISHED.value)))


def in_force(table: FromClause) -> ColumnElement[bool]:
    """A record that takes effect: a published assessment, or a withdrawal."""
    return or_(published(table), table.c.visibility == Visibility.WITHDRAWN)


def effective_visibility(table: FromClause) -> ColumnElement[str]:
    """published / draft / returned / withdrawn, with review decisions applied to drafts."""
    return case(
        (table.c.visibility != Visibility.DRAFT, table.c.visibility),
        (table.c.id.in_(_decided(Visibility.PUBLISHED.value)), Visibility.PUBLISHED.value),
        (table.c.id.in_(_decided(RETURNED)), RETURNED),
        else_=Visibility.DRAFT.value,
    )


def _counts(table: FromClause, as_of: dt.date | None) -> list[ColumnElement[bool]]:
    """Rule 1 for the assessments of ``table`` (``A`` or an alias of it): published, not superseded by a record in
    force, dated on or before ``as_of`` (None: any date)."""
    correction = A.alias("correction")
    # NOT EXISTS per assessment, through the index on supersedes_id: a list of every superseded id (NOT IN) was
    # built by reading every in-force assessment first, half the time of a page of 100 recommendations
    superseded = exists().where(correction.c.supersedes_id == table.c.id, in_force(correction))
    dated = [] if as_of is None else [table.c.as_of_start <= as_of]
    return [published(table), ~superseded, *dated]


def standing(
    as_of: dt.date | None = None, recommendations: Iterable[str] | None = None, *, undated: bool = False
) -> Select[*tuple[Any, ...]]:
    """Assessments that count (rule 1), as of ``as_of`` (default today); ``undated`` drops the date limit
    (for the one-pass history of every year, which applies its own dates)."""
    conditions = [*_counts(A, None if undated else as_of or today()), in_ids(A.c.recommendation_id, recommendations)]
    return select(
        A.c.id,
        A.c.recommendation_id,
        A.c.addressee_id,
        A.c.status,
        A.c.as_of,
        A.c.as_of_start,
        A.c.recorded_at,
        A.c.assessor_id,
    ).where(*conditions)


def _latest_first(
    as_of_start: ColumnElement[Any],
    scope: ColumnElement[Any],
    recorded_at: ColumnElement[Any],
    ident: ColumnElement[Any],
) -> list[ColumnElement[Any]]:
    """ORDER BY for "latest" (rule 3): latest date, scoped before unscoped, latest recorded, greatest id."""
    return [
        as_of_start.desc(),
        case((scope.is_not(None), 1), else_=0).desc(),
        recorded_at.desc(),
        bytewise(ident).desc(),
    ]


def picks_by_index(db: Source) -> bool:
    """Whether ``per_addressee`` should pick each addressee's latest assessment by an index lookup per addressee
    (``by_index``) on this database. Both forms give the same rows; their speed differs by database. At 10,000
    recommendations, every addressee's status: SQLite 0.13 s by index against 0.57 s by ranking; PostgreSQL
    0.33 s by ranking against 0.6-0.9 s by index (it runs the lookup as a subplan per addressee)."""
    return db.dialect.name == "sqlite"


def per_addressee(
    as_of: dt.date | None = None,
    recommendations: Iterable[str] | None = None,
    actors: Iterable[str] | None = None,
    *,
    by_assessor: bool = False,
    by_index: bool,
) -> Select[*tuple[Any, ...]]:
    """One row per (recommendation, addressee): its status for that addressee (rules 1-3).

    Columns: recommendation_id, actor_id, position, role, inferred, status (never NULL), as_of,
    as_of_start, recorded_at, assessment_id, assessor_id, scope_id (the assessment's addressee, NULL
    for an unscoped one). Addressees without an assessment speaking for them have status not assessed.
    ``by_assessor`` applies the rule to each assessor's assessments alone (one row per assessor too).
    ``by_index``: how the latest is picked (the same rows; ``picks_by_index(db)`` says which is faster on the
    database that will run it). It has no default, so that no caller can leave it out by mistake.
    """
    # Each addressee is matched straight to the assessments that count and speak for it, through the index on
    # (recommendation_id, as_of_start) (a first version ranked per scope first and joined the ranked rows, which
    # neither database can index: minutes at 10,000 recommendations on SQLite). "Scoped to this actor, or
    # unscoped" is written without OR, which SQLite cannot use an index for.
    columns: list[ColumnElement[Any]] = [AD.c.recommendation_id, AD.c.actor_id, AD.c.position, AD.c.role, AD.c.inferred]
    base: FromClause = AD
    who: ColumnElement[Any] | None = None
    if by_assessor:
        counted = standing(as_of, recommendations).subquery("who_standing")
        assessors = (
            select(A.c.recommendation_id, A.c.assessor_id.label("who"))
            .where(A.c.id.in_(select(counted.c.id)))
            .distinct()
            .subquery("assessors")
        )
        base = AD.join(assessors, assessors.c.recommendation_id == AD.c.recommendation_id)
        who = assessors.c.who
    wanted = [in_ids(AD.c.recommendation_id, recommendations), in_ids(AD.c.actor_id, actors)]
    if by_index:
        return _picked_by_index(as_of, base, columns, who, wanted)
    latest = standing(as_of, recommendations).subquery("standing")
    speaks = [
        latest.c.recommendation_id == AD.c.recommendation_id,
        func.coalesce(latest.c.addressee_id, AD.c.actor_id) == AD.c.actor_id,
        *([] if who is None else [latest.c.assessor_id == who]),
    ]
    ranked = (
        select(
            *columns,
            *_verdict_of(latest, latest.c.id, who),
            func.row_number()
            .over(
                partition_by=[AD.c.recommendation_id, AD.c.actor_id, *([] if who is None else [who])],
                order_by=_latest_first(latest.c.as_of_start, latest.c.addressee_id, latest.c.recorded_at, latest.c.id),
            )
            .label("pick"),
        )
        .select_from(base.outerjoin(latest, and_(*speaks)))
        .where(*wanted)
        .subquery("ranked")
    )
    return select(*(c for c in ranked.c if c.name != "pick")).where(ranked.c.pick == 1)


def _picked_by_index(
    as_of: dt.date | None,
    base: FromClause,
    columns: list[ColumnElement[Any]],
    who: ColumnElement[Any] | None,
    wanted: list[ColumnElement[bool]],
) -> Select[*tuple[Any, ...]]:
    """``per_addressee`` by index: for each addressee, the id of the latest assessment that speaks for it (ORDER BY
    rule 3's "latest", LIMIT 1), then that assessment joined by its id."""
    candidate = A.alias("candidate")
    speaks = [
        candidate.c.recommendation_id == AD.c.recommendation_id,
        func.coalesce(candidate.c.addressee_id, AD.c.actor_id) == AD.c.actor_id,
        *_counts(candidate, as_of or today()),
        *([] if who is None else [candidate.c.assessor_id == who]),
    ]
    latest = (
        select(candidate.c.id)
        .where(*speaks)
        .order_by(
            *_latest_first(candidate.c.as_of_start, candidate.c.addressee_id, candidate.c.recorded_at, candidate.c.id)
        )
        .limit(1)
        .scalar_subquery()
    )
    picked = (
        select(*columns, *([] if who is None else [who]), latest.label("picked"))
        .select_from(base)
        .where(*wanted)
        .subquery("picked")
    )
    chosen = A.alias("chosen")
    return select(
        *(picked.c[c.name] for c in columns),
        *_verdict_of(chosen, chosen.c.id, None if who is None else picked.c.who),
    ).select_from(picked.outerjoin(chosen, chosen.c.id == picked.c.picked))


def _verdict_of(
    assessment: FromClause, ident: ColumnElement[Any], who: ColumnElement[Any] | None
) -> list[ColumnElement[Any]]:
    """``per_addressee``'s columns from the picked assessment (None where none speaks for the addressee)."""
    return [
        func.coalesce(assessment.c.status, Status.NOT_ASSESSED.value).label("status"),
        assessment.c.as_of,
        assessment.c.as_of_start,
        assessment.c.recorded_at,
        ident.label("assessment_id"),
        (assessment.c.assessor_id if who is None else who).label("assessor_id"),
        assessment.c.addressee_id.label("scope_id"),
    ]


def _progress(column: ColumnElement[Any]) -> ColumnElement[int]:
    return case({Status(status).value: rank for status, rank in PROGRESS_RANK.items()}, value=column, else_=0)


def overall(
    as_of: dt.date | None = None,
    recommendations: Iterable[str] | None = None,
    *,
    by_assessor: bool = False,
    addressees: FromClause | None = None,
    by_index: bool,
) -> Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]:
    """One row per recommendation: its overall status (rule 4).

    Columns: recommendation_id, status (never NULL), as_of, as_of_start, assessment_id, assessor_id,
    scope_id (NULL when the status is the whole ask's). ``by_assessor``: one row per recommendation and
    assessor with a standing assessment, each assessor's own overall status (where assessors disagree).
    ``addressees``: the ``per_addressee`` rows of the same day and recommendations, when the caller already has
    them as a CTE (one statement that counts both per addressee and overall works the rule out once).
    ``by_index``: as ``per_addressee``'s (unused when ``addressees`` is given).
    """
    pa = (
        addressees
        if addressees is not None
        else per_addressee(as_of, recommendations, by_assessor=by_assessor, by_index=by_index).subquery("pa")
    )
    ranked = (
        select(
            pa,
            func.row_number()
            .over(
                partition_by=[pa.c.recommendation_id, *([pa.c.assessor_id] if by_assessor else [])],
                order_by=[
                    case((pa.c.role == AddresseeRole.RESPONSIBLE, 0), else_=1),
                    _progress(pa.c.status),
                    *_latest_first(pa.c.as_of_start, pa.c.scope_id, pa.c.recorded_at, pa.c.assessment_id),
                ],
            )
            .label("pick"),
        )
        .where(pa.c.assessment_id.is_not(None))
        .subquery("chosen")
    )
    if by_assessor:
        chosen = select(ranked).where(ranked.c.pick == 1).subquery("overall_chosen")
        return select(chosen.c.recommendation_id, chosen.c.status, *_verdict_columns(chosen))
    # The recommendations with a verdict, then those without one (not assessed): a LEFT JOIN of the recommendations
    # to the verdicts made SQLite scan every verdict for each recommendation when ``recommendations`` was a list
    # (seconds for a theme's 5,577 at 50,000); ``NOT IN`` reads the verdicts' ids once.
    verdicts = select(ranked).where(ranked.c.pick == 1).cte()  # anonymous: two of these may meet in one statement
    unassessed = (
        select(R.c.id.label("recommendation_id"), literal(Status.NOT_ASSESSED.value).label("status"))
        .add_columns(*(null().label(c.name) for c in _verdict_columns(verdicts)))
        .where(in_ids(R.c.id, recommendations), R.c.id.not_in(select(verdicts.c.recommendation_id)))
    )
    return union_all(select(verdicts.c.recommendation_id, verdicts.c.status, *_verdict_columns(verdicts)), unassessed)


def _verdict_columns(chosen: FromClause) -> list[ColumnElement[Any]]:
    return [chosen.c.as_of, chosen.c.as_of_start, chosen.c.assessment_id, chosen.c.assessor_id, chosen.c.scope_id]


# --- one computation per request ------------------------------------------------------------------------


# --- pure Python (for code that already holds the rows, and the tests' oracle) ---------------------------


# --- kinds: which records are asks of someone else ------------------------------------------------------
