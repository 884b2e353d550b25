"""THE status rule: the status of a recommendation as of a date, overall and for one addressee.

Every page, export, the brief, owners, recurrence and the status-over-time chart ask here; nothing
else decides what a status is. The rule (README, "How a status is worked out"):

1. **Standing assessments.** Only published assessments count, and only those not superseded by a
   published correction or by a withdrawal, dated (``as_of``) on or before the day asked about.
   A partial date stands for its first day ("2019-07" is 1 July 2019), here as in validation.
2. **Scope.** An assessment scoped to an addressee speaks for that addressee's part of the ask only;
   an unscoped one speaks for the whole ask, so for every addressee.
3. **For one addressee:** the latest standing assessment that speaks for it. "Latest" is by as-of
   date, then a scoped one before an unscoped one of the same date, then the later recorded, then the
   greater id compared byte by byte (the same on SQLite and on any PostgreSQL locale). None: not assessed.
4. **Overall:** the least advanced of the responsible addressees' statuses, among those that have one
   (the supporting addressees' only when no responsible addressee has one); a tie goes to the latest
   assessment. The scope is kept, so a page can say "as assessed for RGC". None: not assessed.
5. **For chosen addressees** (a brief on MoLVT): the least advanced of those addressees' statuses, not
   assessed included, so an ask nobody has judged for them stays open for them; a tie goes to the latest.

A status judged for one actor therefore never appears as another actor's. The SQL (``standing``,
``per_addressee``, ``overall``), ``statuses`` (one query of rules 1-3, rules 4-5 applied to its rows: what a
page, an export or the brief asks once per request) and the pure-Python functions at the end implement the
same rule; the tests check one against the other on randomised histories, on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement

from models.tables import AD, REVIEWS, A, R
from recommendations.sql import bytewise, in_ids, rows
from recommendations.vocabulary import (
    OPEN_STATUSES,
    PROGRESS_RANK,
    AddresseeRole,
    RecommendationKind,
    Status,
    Visibility,
)

#: Records that take effect when recorded: a published assessment, or a withdrawal of one.
IN_FORCE = (Visibility.PUBLISHED, Visibility.WITHDRAWN)


def today() -> dt.date:
    return dt.date.today()


# --- SQL ------------------------------------------------------------------------------------------------


RETURNED = "returned"  # a draft a reviewer sent back: it never counts (an effective visibility, not stored)


def _decided(decision: str) -> Select:
    return select(REVIEWS.c.assessment_id).where(REVIEWS.c.decision == decision)


def published(table) -> ColumnElement[bool]:  # noqa: ANN001
    """The one test for "this assessment is published": recorded as published, or a draft a reviewer published."""
    return or_(table.c.visibility == Visibility.PUBLISHED, table.c.id.in_(_decided(Visibility.PUBLISHED.value)))


def in_force(table) -> ColumnElement[bool]:  # noqa: ANN001
    """A record that takes effect: a published assessment, or a withdrawal."""
    return or_(published(table), table.c.visibility == Visibility.WITHDRAWN)


def effective_visibility(table) -> ColumnElement[str]:  # noqa: ANN001
    """published / draft / returned / withdrawn, with review decisions applied to drafts."""
    return case(
        (table.c.visibility != Visibility.DRAFT, table.c.visibility),
        (table.c.id.in_(_decided(Visibility.PUBLISHED.value)), Visibility.PUBLISHED.value),
        (table.c.id.in_(_decided(RETURNED)), RETURNED),
        else_=Visibility.DRAFT.value,
    )


def standing(
    as_of: dt.date | None = None, recommendations: Iterable[str] | None = None, *, undated: bool = False
) -> Select:
    """Assessments that count (rule 1), as of ``as_of`` (default today); ``undated`` drops the date limit
    (for the one-pass history of every year, which applies its own dates)."""
    correction = A.alias("correction")
    superseded = select(correction.c.supersedes_id).where(correction.c.supersedes_id.is_not(None), in_force(correction))
    conditions = [published(A), A.c.id.not_in(superseded), in_ids(A.c.recommendation_id, recommendations)]
    if not undated:
        conditions.append(A.c.as_of_start <= (as_of or today()))
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
    as_of_start: ColumnElement, scope: ColumnElement, recorded_at: ColumnElement, ident: ColumnElement
) -> list:
    """ORDER BY for "latest" (rule 3): latest date, scoped before unscoped, latest recorded, greatest id."""
    return [
        as_of_start.desc(),
        case((scope.is_not(None), 1), else_=0).desc(),
        recorded_at.desc(),
        bytewise(ident).desc(),
    ]


def per_addressee(
    as_of: dt.date | None = None,
    recommendations: Iterable[str] | None = None,
    actors: Iterable[str] | None = None,
    *,
    by_assessor: bool = False,
) -> Select:
    """One row per (recommendation, addressee): its status for that addressee (rules 1-3).

    Columns: recommendation_id, actor_id, position, role, inferred, status (never NULL), as_of,
    as_of_start, recorded_at, assessment_id, assessor_id, scope_id (the assessment's addressee, NULL
    for an unscoped one). Addressees without an assessment speaking for them have status not assessed.
    ``by_assessor`` applies the rule to each assessor's assessments alone (one row per assessor too).
    """
    # Each addressee joined straight to the standing assessments that speak for it, then the latest picked: the
    # join is on the indexed assessment table (a first version ranked per scope first and joined the ranked rows,
    # which neither database can index: minutes at 10,000 recommendations on SQLite, against under a second).
    # "Scoped to this actor, or unscoped" is written without OR, which SQLite cannot use an index for.
    latest = standing(as_of, recommendations).subquery("standing")
    speaks = and_(
        latest.c.recommendation_id == AD.c.recommendation_id,
        func.coalesce(latest.c.addressee_id, AD.c.actor_id) == AD.c.actor_id,
    )
    if by_assessor:
        assessors = (
            select(A.c.recommendation_id, A.c.assessor_id.label("who"))
            .where(A.c.id.in_(select(standing(as_of, recommendations).subquery("who_standing").c.id)))
            .distinct()
            .subquery("assessors")
        )
        base = AD.join(assessors, assessors.c.recommendation_id == AD.c.recommendation_id)
        joined = base.outerjoin(latest, and_(speaks, latest.c.assessor_id == assessors.c.who))
        who, partition_by = assessors.c.who, (AD.c.recommendation_id, AD.c.actor_id, assessors.c.who)
    else:
        joined = AD.outerjoin(latest, speaks)
        who, partition_by = latest.c.assessor_id, (AD.c.recommendation_id, AD.c.actor_id)
    ranked = (
        select(
            AD.c.recommendation_id,
            AD.c.actor_id,
            AD.c.position,
            AD.c.role,
            AD.c.inferred,
            func.coalesce(latest.c.status, Status.NOT_ASSESSED.value).label("status"),
            latest.c.as_of,
            latest.c.as_of_start,
            latest.c.recorded_at,
            latest.c.id.label("assessment_id"),
            who.label("assessor_id"),
            latest.c.addressee_id.label("scope_id"),
            func.row_number()
            .over(
                partition_by=partition_by,
                order_by=_latest_first(latest.c.as_of_start, latest.c.addressee_id, latest.c.recorded_at, latest.c.id),
            )
            .label("pick"),
        )
        .select_from(joined)
        .where(in_ids(AD.c.recommendation_id, recommendations), in_ids(AD.c.actor_id, actors))
        .subquery("ranked")
    )
    return select(*(c for c in ranked.c if c.name != "pick")).where(ranked.c.pick == 1)


def _progress(column: ColumnElement) -> ColumnElement[int]:
    return case({status.value: rank for status, rank in PROGRESS_RANK.items()}, value=column, else_=0)


def overall(
    as_of: dt.date | None = None, recommendations: Iterable[str] | None = None, *, by_assessor: bool = False
) -> Select:
    """One row per recommendation: its overall status (rule 4).

    Columns: recommendation_id, status (never NULL), as_of, as_of_start, assessment_id, assessor_id,
    scope_id (NULL when the status is the whole ask's). ``by_assessor``: one row per recommendation and
    assessor with a standing assessment, each assessor's own overall status (where assessors disagree).
    """
    pa = per_addressee(as_of, recommendations, by_assessor=by_assessor).subquery("pa")
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
    chosen = select(ranked).where(ranked.c.pick == 1).subquery("overall_chosen")
    columns = [chosen.c.as_of, chosen.c.as_of_start, chosen.c.assessment_id, chosen.c.assessor_id, chosen.c.scope_id]
    if by_assessor:
        return select(chosen.c.recommendation_id, chosen.c.status, *columns)
    return (
        select(
            R.c.id.label("recommendation_id"),
            func.coalesce(chosen.c.status, Status.NOT_ASSESSED.value).label("status"),
            *columns,
        )
        .select_from(R.outerjoin(chosen, chosen.c.recommendation_id == R.c.id))
        .where(in_ids(R.c.id, recommendations))
    )


# --- one computation per request ------------------------------------------------------------------------


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
    statement = per_addressee(as_of, recommendations).order_by("recommendation_id", "position")
    for row in rows(db, statement):
        item = AddresseeStatus(
            recommendation_id=row["recommendation_id"], actor_id=row["actor_id"], position=int(row["position"]),
            role=row["role"], inferred=bool(row["inferred"]), status=row["status"], as_of=row["as_of"],
            as_of_start=_day(row["as_of_start"]), recorded_at=row["recorded_at"], assessment_id=row["assessment_id"],
            assessor_id=row["assessor_id"], scope_id=row["scope_id"],
        )  # fmt: skip
        out.setdefault(item.recommendation_id, []).append(item)
    return Statuses(out)


def _day(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- pure Python (for code that already holds the rows, and the tests' oracle) ---------------------------


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


def _key(fact: Fact) -> tuple:
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
    known = [(role, v) for role, v in verdicts if v.fact is not None]
    responsible = [v for role, v in known if role == AddresseeRole.RESPONSIBLE]
    pool = responsible or [v for _, v in known]
    if not pool:
        return NOT_ASSESSED
    least = min(PROGRESS_RANK[v.status] for v in pool)
    return max((v for v in pool if PROGRESS_RANK[v.status] == least), key=lambda v: _key(v.fact))  # type: ignore[arg-type]


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


# --- kinds: which records are asks of someone else ------------------------------------------------------

#: A commitment (``kind: commitment``) is what the authors undertake to do themselves (e.g. the 2011 CSOs'
#: International Migrants Day activities), not an ask of anyone else. It keeps its own status, shown like any
#: other, but it is never an *open ask*: the brief does not list it, and "open" counts (owners, chains) leave
#: it out. Recommendations, principles and plan-of-action items are asks. This is the one place that says so.
NOT_ASKS = frozenset({RecommendationKind.COMMITMENT})


def is_ask(kind: str | None) -> bool:
    """True for a record that asks someone else to act (every kind but a commitment)."""
    return kind not in NOT_ASKS


def is_open_ask(status: str | None, kind: str | None) -> bool:
    """THE test for "still open": an ask (not a commitment) whose status is open (not assessed, no progress,
    in progress, partially implemented). Pages, the brief, owners and chains all ask here."""
    return is_ask(kind) and (status or Status.NOT_ASSESSED) in OPEN_STATUSES


def open_ask(status_column: ColumnElement, kind_column: ColumnElement) -> ColumnElement[bool]:
    """``is_open_ask`` in SQL, for aggregating in the database."""
    return and_(status_column.in_(sorted(OPEN_STATUSES)), kind_column.not_in(sorted(NOT_ASKS)))
