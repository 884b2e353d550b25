"""Who is asked to act: recommendations per addressee (actor), with their status *for that actor*.

Plain Python for the Owners page. Every function takes an optional collection of
recommendation ids (the filtered set; ``None`` means all) and aggregates in SQL over
the status rule's per-addressee answer (``status.per_addressee``), so an actor is only
ever shown a status judged for it or for the whole ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Integer, case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement

from models.tables import ACT, R, S
from recommendations import dates, sql, status
from recommendations.labels import short as actor_label
from recommendations.vocabulary import MOVING, STATUS_LABELS, AddresseeRole, Status

SUMMARY_COLUMNS = [
    "actor_id", "name", "acronym", "type", "label", "asks", "responsible", "supporting", "inferred",
    "open", "assessed", "moving", "oldest_open_year", "share_open", "share_assessed", "share_moving",
]  # fmt: skip
ASK_COLUMNS = [
    "recommendation_id", "title", "kind", "source_title", "source_date", "date_start", "year", "role", "inferred",
    "status", "status_label", "status_date", "scope", "open", "years_open",
]  # fmt: skip


def _ids(ids: Iterable[str] | None) -> list[str] | None:
    return None if ids is None else list(ids)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0)).cast(Integer)


def actor_summary(engine: Engine, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per actor that is an addressee of at least one of ``ids``, most asked first."""
    pa = status.per_addressee(None, _ids(ids)).subquery("pa")
    df = sql.frame(
        engine,
        select(
            ACT.c.id.label("actor_id"), ACT.c.name, ACT.c.acronym, ACT.c.type,
            func.count().label("asks"),
            _count(pa.c.role == AddresseeRole.RESPONSIBLE).label("responsible"),
            _count(pa.c.role == AddresseeRole.SUPPORTING).label("supporting"),
            _count(pa.c.inferred.is_(True)).label("inferred"),
            _count(status.open_ask(pa.c.status, R.c.kind)).label("open"),  # commitments are not open asks
            _count(pa.c.status != Status.NOT_ASSESSED).label("assessed"),
            _count(pa.c.status.in_(sorted(MOVING))).label("moving"),
            func.min(case((status.open_ask(pa.c.status, R.c.kind), S.c.date_start))).label("oldest_open"),
        )
        .select_from(pa)
        .join(ACT, ACT.c.id == pa.c.actor_id)
        .join(R, R.c.id == pa.c.recommendation_id)
        .join(S, S.c.id == R.c.source_id)
        .group_by(ACT.c.id, ACT.c.name, ACT.c.acronym, ACT.c.type)
        .order_by(func.count().desc(), ACT.c.name),
    )  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    for column in ("asks", "responsible", "supporting", "inferred", "open", "assessed", "moving"):
        df[column] = df[column].fillna(0).astype(int)
    # An actor with nothing open has no oldest open ask: a missing value, never NaN passed on as a date.
    df["oldest_open_year"] = pd.array(
        [dates.as_date(v).year if v is not None and not pd.isna(v) else None for v in df["oldest_open"]], dtype="Int64"
    )
    df["label"] = [actor_label(n, a) for n, a in zip(df["name"], df["acronym"], strict=True)]
    for column in ("open", "assessed", "moving"):
        df[f"share_{column}"] = df[column] / df["asks"]
    return df[SUMMARY_COLUMNS]


def actor_status(engine: Engine, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Asks per actor and its status for that actor (a stacked bar): actor_id, label, status, status_label, count."""
    pa = status.per_addressee(None, _ids(ids)).subquery("pa")
    df = sql.frame(
        engine,
        select(ACT.c.id.label("actor_id"), ACT.c.name, ACT.c.acronym, pa.c.status, func.count().label("count"))
        .select_from(pa)
        .join(ACT, ACT.c.id == pa.c.actor_id)
        .group_by(ACT.c.id, ACT.c.name, ACT.c.acronym, pa.c.status)
        .order_by(ACT.c.id, pa.c.status),
    )
    if df.empty:
        return pd.DataFrame(columns=["actor_id", "label", "status", "status_label", "count"])
    df["count"] = df["count"].astype(int)
    df["label"] = [actor_label(n, a) for n, a in zip(df["name"], df["acronym"], strict=True)]
    df["status_label"] = df["status"].map(STATUS_LABELS)
    return df[["actor_id", "label", "status", "status_label", "count"]]


def actor_asks(
    engine: Engine, actor_id: str, ids: Iterable[str] | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """What is asked of one actor, oldest first: role, whether inferred, its status for this actor, years open."""
    today = today or dt.date.today()
    pa = status.per_addressee(None, _ids(ids), actors=[actor_id]).subquery("pa")
    scope = ACT.alias("scope")
    df = sql.frame(
        engine,
        select(
            pa.c.recommendation_id, R.c.title, R.c.kind, R.c.position, S.c.title.label("source_title"),
            S.c.date.label("source_date"), S.c.date_start, pa.c.role, pa.c.inferred, pa.c.status,
            pa.c.as_of.label("status_date"), scope.c.name.label("scope_name"), scope.c.acronym.label("scope_acronym"),
        )
        .select_from(pa)
        .join(R, R.c.id == pa.c.recommendation_id)
        .join(S, S.c.id == R.c.source_id)
        .outerjoin(scope, scope.c.id == pa.c.scope_id)
        .order_by(S.c.date_start, R.c.position, R.c.id),
    )  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=ASK_COLUMNS)
    df["date_start"] = df["date_start"].map(dates.as_date)
    df["year"] = df["date_start"].map(lambda d: d.year)
    df["inferred"] = df["inferred"].astype(bool)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    df["scope"] = [
        "" if not isinstance(n, str) else f"as assessed for {actor_label(n, a)}"
        for n, a in zip(df["scope_name"], df["scope_acronym"], strict=True)
    ]
    df["open"] = [status.is_open_ask(s, k) for s, k in zip(df["status"], df["kind"], strict=True)]
    df["years_open"] = pd.array(
        [dates.years_between(s, today) if o else None for s, o in zip(df["date_start"], df["open"], strict=True)],
        dtype="Int64",
    )
    df["status_date"] = df["status_date"].astype(object).where(df["status_date"].notna(), None)
    return df[ASK_COLUMNS]


def oldest_open(asks: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """The open asks of an ``actor_asks`` frame, oldest (by source date) first."""
    open_asks = asks[asks["open"].astype(bool)]
    return open_asks.sort_values("date_start", kind="stable").head(limit).reset_index(drop=True)
