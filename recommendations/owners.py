"""Who is asked to act: recommendations per addressee (actor), with their current status.

Plain Python for the Owners page. Every function takes an optional collection of
recommendation ids (the filtered set; ``None`` means all) and aggregates in SQL
on ``addressee`` joined to ``actor``, in SQL that runs on SQLite and PostgreSQL.
Current status is the queries module's rule: the latest published assessment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

from recommendations.queries import as_date, latest_published
from recommendations.schema import OPEN_STATUSES, STATUS_LABELS, Status

OPEN = sorted(OPEN_STATUSES)
MOVING = sorted({Status.IMPLEMENTED, Status.PARTIALLY_IMPLEMENTED, Status.IN_PROGRESS})


# Current status of each recommendation (filtered by ``{ids}``), computed once per recommendation;
# MATERIALIZED (SQLite >= 3.35, PostgreSQL >= 12) keeps it from being recomputed in every aggregate.
_CURRENT = f"""
    WITH cur AS MATERIALIZED (
        SELECT r.id AS recommendation_id, s.date_start, COALESCE({latest_published("status")}, 'not_assessed') AS status
        FROM recommendation r JOIN source s ON s.id = r.source_id
        {{ids}}
    )
"""
# One row per ask of one actor (``:actor``), with the recommendation's current status.
_ASKS = f"""
    SELECT r.id AS recommendation_id, r.title, r.position, s.title AS source_title, s.date AS source_date,
           s.date_start, ad.role, ad.inferred, COALESCE({latest_published("status")}, 'not_assessed') AS status,
           {latest_published("as_of")} AS status_date
    FROM addressee ad
    JOIN recommendation r ON r.id = ad.recommendation_id
    JOIN source s ON s.id = r.source_id
    WHERE ad.actor_id = :actor {{and_ids}}
    ORDER BY s.date_start, r.position, r.id
"""

SUMMARY_COLUMNS = [
    "actor_id", "name", "acronym", "type", "label", "asks", "responsible", "supporting", "inferred",
    "open", "assessed", "moving", "oldest_open_year", "share_open", "share_assessed", "share_moving",
]  # fmt: skip


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (0 when end is earlier)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(0, years)


def id_condition(engine: Engine, column: str, ids: list[str]) -> tuple[str, object]:
    """``column`` is one of ``ids``, as one bound parameter (no limit on how many ids)."""
    if engine.dialect.name == "postgresql":
        return f"{column} = ANY(:ids)", ids
    return f"{column} IN (SELECT value FROM json_each(:ids))", json.dumps(ids)


def _run(engine: Engine, sql: str, ids: Iterable[str] | None, **params: object) -> pd.DataFrame:
    """Run ``sql`` with the id filter in its ``{ids}`` (WHERE) or ``{and_ids}`` (AND) slot."""
    expanding = [bindparam(name, expanding=True) for name, value in params.items() if isinstance(value, list)]
    condition = ""
    if ids is not None:
        id_list = sorted(set(ids))
        if id_list:
            condition, params["ids"] = id_condition(engine, "r.id", id_list)
        else:
            condition = "1 = 0"
    sql = sql.replace("{ids}", f"WHERE {condition}" if condition else "")
    statement = text(sql.replace("{and_ids}", f"AND {condition}" if condition else ""))
    if expanding:
        statement = statement.bindparams(*expanding)
    with engine.connect() as conn:
        result = conn.execute(statement, params)
        return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def actor_label(name: str, acronym: object) -> str:
    """The short name shown in charts: the acronym when there is one."""
    return str(acronym) if isinstance(acronym, str) and acronym.strip() else name


def actor_summary(engine: Engine, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per actor that is an addressee of at least one of ``ids``, most asked first."""
    df = _run(
        engine,
        f"""{_CURRENT}
        SELECT a.id AS actor_id, a.name, a.acronym, a.type,
               COUNT(*) AS asks,
               SUM(CASE WHEN ad.role = 'responsible' THEN 1 ELSE 0 END) AS responsible,
               SUM(CASE WHEN ad.role = 'supporting' THEN 1 ELSE 0 END) AS supporting,
               SUM(CASE WHEN ad.inferred THEN 1 ELSE 0 END) AS inferred,
               SUM(CASE WHEN cur.status IN :open THEN 1 ELSE 0 END) AS open,
               SUM(CASE WHEN cur.status <> 'not_assessed' THEN 1 ELSE 0 END) AS assessed,
               SUM(CASE WHEN cur.status IN :moving THEN 1 ELSE 0 END) AS moving,
               MIN(CASE WHEN cur.status IN :open THEN cur.date_start END) AS oldest_open
        FROM cur
        JOIN addressee ad ON ad.recommendation_id = cur.recommendation_id
        JOIN actor a ON a.id = ad.actor_id
        GROUP BY a.id, a.name, a.acronym, a.type
        ORDER BY COUNT(*) DESC, a.name
        """,
        ids,
        open=OPEN,
        moving=MOVING,
    )
    if df.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    for column in ("asks", "responsible", "supporting", "inferred", "open", "assessed", "moving"):
        df[column] = df[column].astype(int)
    df["oldest_open_year"] = df["oldest_open"].map(lambda v: as_date(v).year if v is not None else None)
    df["oldest_open_year"] = df["oldest_open_year"].astype("Int64")
    df["label"] = [actor_label(n, a) for n, a in zip(df["name"], df["acronym"], strict=True)]
    for column in ("open", "assessed", "moving"):
        df[f"share_{column}"] = df[column] / df["asks"]
    return df[SUMMARY_COLUMNS]


def actor_status(engine: Engine, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Asks per actor and current status (for a stacked bar): actor_id, label, status, status_label, count."""
    df = _run(
        engine,
        f"""{_CURRENT}
        SELECT a.id AS actor_id, a.name, a.acronym, cur.status, COUNT(*) AS count
        FROM cur
        JOIN addressee ad ON ad.recommendation_id = cur.recommendation_id
        JOIN actor a ON a.id = ad.actor_id
        GROUP BY a.id, a.name, a.acronym, cur.status
        ORDER BY a.id, cur.status
        """,
        ids,
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
    """What is asked of one actor, oldest first: role, whether inferred, current status, years open."""
    today = today or dt.date.today()
    df = _run(engine, _ASKS, ids, actor=actor_id)
    columns = [
        "recommendation_id", "title", "source_title", "source_date", "date_start", "year", "role", "inferred",
        "status", "status_label", "status_date", "open", "years_open",
    ]  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=columns)
    df["date_start"] = df["date_start"].map(as_date)
    df["year"] = df["date_start"].map(lambda d: d.year)
    df["inferred"] = df["inferred"].astype(bool)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    df["open"] = df["status"].isin(OPEN)
    df["years_open"] = [
        years_between(s, today) if o else None for s, o in zip(df["date_start"], df["open"], strict=True)
    ]
    df["years_open"] = df["years_open"].astype("Int64")
    return df[columns]


def oldest_open(asks: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """The open asks of an ``actor_asks`` frame, oldest (by source date) first."""
    open_asks = asks[asks["open"].astype(bool)]
    return open_asks.sort_values("date_start", kind="stable").head(limit).reset_index(drop=True)
