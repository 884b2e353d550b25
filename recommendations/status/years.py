"""The status rule on 31 December of every year, in SQL: one statement for the status-over-time chart and its trend,
instead of the rule asked once per year or applied in Python to every assessment.

Each addressee's verdict is worked out once for each year in which an assessment speaking for it takes effect (the
latest of that year), and holds until the next such year; rule 4 then picks, for each recommendation and year, among
its addressees' verdicts that hold then. The same rules 1-4 as ``sql.overall`` (standing assessments, scope, latest,
least advanced), with the same order for "latest" (``sql._latest_first``); an assessment dated before the year its
recommendation was made counts from that year's end. The tests check it against the pure-Python rule asked year by
year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, Select, and_, case, func, literal, select, union_all

from models.tables import AD, R, S
from recommendations.sql import in_ids, year_of
from recommendations.status.sql import _latest_first, _progress, standing
from recommendations.vocabulary import AddresseeRole


def year_ends(recommendations: Iterable[str] | None, first: int, until: int) -> Select[*tuple[Any, ...]]:
    """(year, recommendation_id, status): each recommendation's overall status on 31 December of every year from
    the year it was made (its source's start; not before ``first``) to ``until``, for the years in which it has
    one: a recommendation and year without a row is not assessed."""
    wanted = None if recommendations is None else list(recommendations)
    made = (
        select(R.c.id.label("recommendation_id"), year_of(S.c.date_start).label("made"))
        .join(S, S.c.id == R.c.source_id)
        .where(in_ids(R.c.id, wanted), year_of(S.c.date_start) <= until)
        .cte("made")
    )
    counted = standing(None, wanted, undated=True).subquery("counted")
    effective = case((year_of(counted.c.as_of_start) < made.c.made, made.c.made), else_=year_of(counted.c.as_of_start))
    # each addressee's verdict from the year an assessment takes effect (the latest of that year speaking for it)
    ranked = (
        select(
            AD.c.recommendation_id,
            AD.c.actor_id,
            AD.c.role,
            counted.c.status,
            counted.c.as_of_start,
            counted.c.recorded_at,
            counted.c.id.label("assessment_id"),
            counted.c.addressee_id.label("scope_id"),
            effective.label("year"),
            func.row_number()
            .over(
                partition_by=(AD.c.recommendation_id, AD.c.actor_id, effective),
                order_by=_latest_first(
                    counted.c.as_of_start, counted.c.addressee_id, counted.c.recorded_at, counted.c.id
                ),
            )
            .label("pick"),
        )
        .select_from(AD)
        .join(made, made.c.recommendation_id == AD.c.recommendation_id)
        .join(
            counted,
            and_(
                counted.c.recommendation_id == AD.c.recommendation_id,
                func.coalesce(counted.c.addressee_id, AD.c.actor_id) == AD.c.actor_id,
            ),
        )
        .where(year_of(counted.c.as_of_start) <= until)
        .subquery("ranked")
    )
    steps = (
        select(
            *(c for c in ranked.c if c.name != "pick"),
            (
                func.coalesce(
                    func.lead(ranked.c.year).over(
                        partition_by=(ranked.c.recommendation_id, ranked.c.actor_id), order_by=ranked.c.year
                    ),
                    until + 1,
                )
                - 1
            ).label("last_year"),
        )
        .where(ranked.c.pick == 1)
        .cte("steps")
    )
    # each addressee's verdict in every year it holds, then rule 4 for each recommendation and year
    years = union_all(*(select(literal(year, Integer).label("year")) for year in range(first, until + 1))).subquery(
        "years"
    )
    verdicts = (
        select(
            steps.c.recommendation_id,
            years.c.year,
            steps.c.status,
            func.row_number()
            .over(
                partition_by=(steps.c.recommendation_id, years.c.year),
                order_by=[
                    case((steps.c.role == AddresseeRole.RESPONSIBLE, 0), else_=1),
                    _progress(steps.c.status),
                    *_latest_first(steps.c.as_of_start, steps.c.scope_id, steps.c.recorded_at, steps.c.assessment_id),
                ],
            )
            .label("pick"),
        )
        .select_from(steps)
        .join(years, and_(years.c.year >= steps.c.year, years.c.year <= steps.c.last_year))
        .subquery("verdicts")
    )
    return select(verdicts.c.year, verdicts.c.recommendation_id, verdicts.c.status).where(verdicts.c.pick == 1)
