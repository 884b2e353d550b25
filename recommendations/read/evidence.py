"""THE definition of "evidence bearing on a recommendation": linked to it directly in the data, or cited by an
assessment of it that the reader may see (for the public: one in force). Counts, the detail page, the brief,
the exports and the forms' choices all ask here, and only see evidence the reader may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select, true, union
from sqlalchemy.engine import Engine

from models.tables import AE, ER, A, E, S
from recommendations import dates, sql, visibility
from recommendations.read.history import none_for_null

EVIDENCE_COLUMNS = [
    "id", "date", "date_start", "kind", "title", "summary", "url", "citation", "completeness", "source_title",
]  # fmt: skip


def bearing(
    recommendations: Iterable[str] | None = None,
    viewer: visibility.Viewer = visibility.PUBLIC,
    as_of: dt.date | None = None,
) -> Select[*tuple[Any, ...]]:
    """(recommendation_id, evidence_id) for evidence bearing on ``recommendations`` (None: all) that ``viewer``
    may see, dated on or before ``as_of`` when given (a brief: what was known by the meeting)."""
    ids = None if recommendations is None else list(recommendations)
    # the assessments of ``ids`` by their own index first: asked as one condition beside the visibility test,
    # SQLite (no statistics) read every published assessment to keep a page's 100 recommendations (60 ms, not 2)
    theirs = A.alias("theirs")
    listed = select(theirs.c.id).where(sql.in_ids(theirs.c.recommendation_id, ids))
    of_ids = true() if ids is None else A.c.id.in_(listed)
    cited = (
        select(A.c.recommendation_id, AE.c.evidence_id)
        .join(AE, AE.c.assessment_id == A.c.id)
        .where(visibility.assessments(viewer, A), of_ids)
    )
    linked = select(ER.c.recommendation_id, ER.c.evidence_id).where(sql.in_ids(ER.c.recommendation_id, ids))
    pairs = union(cited, linked).subquery("pairs")
    statement = (
        select(pairs.c.recommendation_id, pairs.c.evidence_id)
        .join(E, E.c.id == pairs.c.evidence_id)
        .where(visibility.evidence(viewer, E))
    )
    return statement.where(E.c.date_start <= as_of) if as_of is not None else statement


def counts(engine: sql.Source, recommendations: list[str] | None = None) -> dict[str, tuple[int, Any]]:
    """Per recommendation with any: how many evidence items bear on it, and the date of the latest (as written)."""
    pairs = bearing(recommendations).subquery("bearing")
    statement = (
        select(
            pairs.c.recommendation_id,
            func.count(func.distinct(E.c.id)).label("evidence_count"),
            func.max(E.c.date).label("last_date"),
        )
        .join(E, E.c.id == pairs.c.evidence_id)
        .group_by(pairs.c.recommendation_id)
    )
    return {r["recommendation_id"]: (int(r["evidence_count"]), r["last_date"]) for r in sql.rows(engine, statement)}


def newest(engine: sql.Source, recommendations: list[str] | None, as_of: dt.date | None = None) -> dict[str, dt.date]:
    """Per recommendation with any (of ``recommendations``, None: all): the first day of the newest evidence bearing
    on it (dated by ``as_of``), the one fact of its evidence a brief's counts need (``items`` holds the entries)."""
    pairs = bearing(recommendations, as_of=as_of).subquery("bearing")
    statement = (
        select(pairs.c.recommendation_id, func.max(E.c.date_start).label("newest"))
        .join(E, E.c.id == pairs.c.evidence_id)
        .group_by(pairs.c.recommendation_id)
    )
    return {row["recommendation_id"]: dates.as_date(row["newest"]) for row in sql.rows(engine, statement)}


def total(engine: Engine, recommendations: list[str] | None = None) -> int:
    """How many distinct evidence items bear on any of ``recommendations``."""
    pairs = bearing(recommendations).subquery("bearing")
    return int(sql.rows(engine, select(func.count(func.distinct(pairs.c.evidence_id)).label("n")))[0]["n"])


def items(engine: Engine, recommendations: list[str], as_of: dt.date | None = None) -> pd.DataFrame:
    """The items bearing on ``recommendations``, one row per (recommendation, item), newest first."""
    pairs = bearing(recommendations, as_of=as_of).subquery("bearing")
    frame = sql.frame(
        engine,
        select(pairs.c.recommendation_id, *(E.c[c] for c in EVIDENCE_COLUMNS[:-1]), S.c.title.label("source_title"))
        .select_from(pairs.join(E, E.c.id == pairs.c.evidence_id).outerjoin(S, S.c.id == E.c.source_id))
        .order_by(pairs.c.recommendation_id, E.c.date_start.desc(), E.c.id),
    )
    return none_for_null(frame, ["url", "citation", "completeness", "source_title"])
