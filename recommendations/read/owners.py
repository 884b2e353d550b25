"""Who is asked to act: recommendations per addressee (actor), with their status *for that actor*.

Plain Python for the Owners page. Every function takes an optional collection of
recommendation ids (the filtered set; ``None`` means all) and aggregates in SQL over
the status rule's per-addressee answer (``status.per_addressee``), so an actor is only
ever shown a status judged for it or for the whole ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd
from sqlalchemy import exists, func, select
from sqlalchemy.engine import Engine

from models.tables import ACT, AD, R, S
from recommendations import dates, hierarchy, i18n, labels, sql, status
from recommendations.labels import short as actor_label  # noqa: F401  (re-exported: the one short label)
from recommendations.read import translations
from recommendations.vocabulary import MOVING, STATUS_LABELS, AddresseeRole, Status

SUMMARY_COLUMNS = [
    "actor_id", "name", "acronym", "type", "label", "asks", "responsible", "supporting", "inferred",
    "open", "assessed", "moving", "oldest_open_year", "share_open", "share_assessed", "share_moving",
    "also_asked", "also_asked_of", "also",
]  # fmt: skip
ASK_COLUMNS = [
    "recommendation_id", "title", "kind", "source_title", "source_date", "date_start", "year", "role", "inferred",
    "status", "status_label", "status_date", "scope", "open", "years_open", "asked_as_a_whole",
]  # fmt: skip


def _ids(ids: Iterable[str] | None) -> list[str] | None:
    return None if ids is None else list(ids)


def asks_by_actor(engine: Engine, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Asks counted in SQL, one ``GROUP BY`` over the status rule's per-addressee answer (``status.per_addressee``,
    read once): a row per actor, role, inferred, status and kind, with how many asks and the earliest source date.

    What ``actor_summary`` and ``actor_status`` add up (pass it as ``counts``, so a page showing both runs the
    rule once). Columns: actor_id, name, acronym, type, role, inferred, status, kind, n, date_start, and the orders
    the database gives (its collation, as before): ``summary_rank`` (most asked, then name) and ``status_rank``
    (actor id, then status).
    """
    pa = status.per_addressee(None, _ids(ids), by_index=status.picks_by_index(engine)).subquery("pa")
    grouped = (
        select(
            ACT.c.id.label("actor_id"), ACT.c.name, ACT.c.acronym, ACT.c.type, pa.c.role, pa.c.inferred, pa.c.status,
            R.c.kind, func.count().label("n"), func.min(S.c.date_start).label("date_start"),
            func.sum(func.count()).over(partition_by=ACT.c.id).label("asks"),
        )
        .select_from(pa)
        .join(ACT, ACT.c.id == pa.c.actor_id)
        .join(R, R.c.id == pa.c.recommendation_id)
        .join(S, S.c.id == R.c.source_id)
        .group_by(ACT.c.id, ACT.c.name, ACT.c.acronym, ACT.c.type, pa.c.role, pa.c.inferred, pa.c.status, R.c.kind)
        .subquery("grouped")
    )  # fmt: skip
    return sql.frame(
        engine,
        select(
            *(c for c in grouped.c if c.name != "asks"),
            func.dense_rank().over(order_by=[grouped.c.asks.desc(), grouped.c.name, grouped.c.actor_id])
            .label("summary_rank"),
            func.dense_rank().over(order_by=[grouped.c.actor_id, grouped.c.status]).label("status_rank"),
        ),
    )  # fmt: skip


def asked(engine: Engine, ids: Iterable[str] | None = None) -> int:
    """How many recommendations of ``ids`` (None: all) name someone to act: the base of the asks' figures."""
    named = select(func.count(func.distinct(AD.c.recommendation_id)).label("n")).where(
        sql.in_ids(AD.c.recommendation_id, _ids(ids))
    )
    return int(sql.rows(engine, named)[0]["n"])


def actor_summary(
    engine: Engine,
    ids: Iterable[str] | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per actor that is an addressee of at least one of ``ids``, most asked first; names, short labels
    and the note on asks made to what it is part of in ``lang`` (English where the data has no translation).
    ``counts``: ``asks_by_actor`` of the same ``ids``, already read."""
    grouped = asks_by_actor(engine, ids) if counts is None else counts
    if grouped.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    g = grouped.sort_values("summary_rank", kind="stable").reset_index(drop=True)
    n = g["n"].astype(int)
    is_open = pd.Series([status.is_open_ask(s, k) for s, k in zip(g["status"], g["kind"], strict=True)])
    flags = {  # commitments are not open asks
        "asks": n, "responsible": n.where(g["role"] == AddresseeRole.RESPONSIBLE, 0),
        "supporting": n.where(g["role"] == AddresseeRole.SUPPORTING, 0),
        "inferred": n.where(g["inferred"].astype(bool), 0),
        "open": n.where(is_open, 0), "assessed": n.where(g["status"] != Status.NOT_ASSESSED, 0),
        "moving": n.where(g["status"].isin(sorted(MOVING)), 0),
    }  # fmt: skip
    df = pd.DataFrame(flags).groupby(g["actor_id"], sort=False).sum().astype(int).reset_index()
    first = g.drop_duplicates("actor_id").set_index("actor_id")
    for column in ("name", "acronym", "type"):
        df[column] = df["actor_id"].map(first[column])
    oldest = g["date_start"].map(dates.as_date)[is_open].groupby(g["actor_id"][is_open]).min()
    # An actor with nothing open has no oldest open ask: a missing value, never NaN passed on as a date.
    df["oldest_open_year"] = pd.array([oldest[a].year if a in oldest else None for a in df["actor_id"]], dtype="Int64")
    names = translations.actor_names(engine, lang)
    df["name"] = [names.name.get(a, n) for a, n in zip(df["actor_id"], df["name"], strict=True)]
    df["label"] = [names.label.get(a, n) for a, n in zip(df["actor_id"], df["name"], strict=True)]
    for column in ("open", "assessed", "moving"):
        df[f"share_{column}"] = df[column] / df["asks"]
    also, also_of = _also_asked(engine, ids, names)
    df["also_asked"] = df["actor_id"].map(also).fillna(0).astype(int)
    df["also_asked_of"] = df["actor_id"].map(lambda a: ", ".join(also_of.get(a, [])))
    tr = i18n.translator(lang)
    df["also"] = [
        tr.t("also {asked}: {n}", asked=labels.as_a_whole(also_of[a], joiner="or", lang=lang), n=tr.number(n))
        if a in also_of
        else ""
        for a, n in zip(df["actor_id"], df["also_asked"], strict=True)
    ]
    return df[SUMMARY_COLUMNS]


def _also_asked(
    engine: Engine, ids: Iterable[str] | None, names: labels.ActorNames
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Per actor: how many of ``ids`` are asked of what it is part of but do not name it (counted apart from its
    own asks), and the short labels of what it is part of, nearest first (``hierarchy``)."""
    up = hierarchy.upward(None).alias("up")
    named = AD.alias("named")
    counts = sql.rows(
        engine,
        select(up.c.actor_id, func.count(AD.c.recommendation_id.distinct()).label("n"))
        .join(AD, AD.c.actor_id == up.c.id)
        .where(
            up.c.depth > 0,
            sql.in_ids(AD.c.recommendation_id, _ids(ids)),
            ~exists().where(named.c.recommendation_id == AD.c.recommendation_id, named.c.actor_id == up.c.actor_id),
        )
        .group_by(up.c.actor_id),
    )
    parents = sql.rows(
        engine,
        select(up.c.actor_id, up.c.id)
        .join(ACT, ACT.c.id == up.c.id)
        .where(up.c.depth > 0)
        .order_by(up.c.actor_id, up.c.depth),
    )
    of: dict[str, list[str]] = {}
    for row in parents:
        of.setdefault(row["actor_id"], []).append(names.label.get(row["id"], row["id"]))
    return {r["actor_id"]: int(r["n"]) for r in counts}, of


def actor_status(
    engine: Engine,
    ids: Iterable[str] | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Asks per actor and its status for that actor (a stacked bar): actor_id, label, status, status_label, count;
    the labels in ``lang``. ``counts``: ``asks_by_actor`` of the same ``ids``, already read."""
    grouped = asks_by_actor(engine, ids) if counts is None else counts
    if grouped.empty:
        return pd.DataFrame(columns=["actor_id", "label", "status", "status_label", "count"])
    df = (
        grouped.groupby(["status_rank", "actor_id", "name", "status"], sort=True)["n"]
        .sum()
        .reset_index()
        .rename(columns={"n": "count"})
    )
    df["count"] = df["count"].astype(int)
    names = translations.actor_names(engine, lang)
    df["label"] = [names.label.get(a, n) for a, n in zip(df["actor_id"], df["name"], strict=True)]
    df["status_label"] = df["status"].map(_status_labels(lang))
    return df[["actor_id", "label", "status", "status_label", "count"]]


def _status_labels(lang: str) -> dict[str, str]:
    tr = i18n.translator(lang)
    return {status: tr.t(label) for status, label in STATUS_LABELS.items()}


def actor_asks(
    engine: Engine,
    actor_id: str,
    ids: Iterable[str] | None = None,
    today: dt.date | None = None,
    *,
    wider: bool = False,
    lang: str = i18n.SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """What is asked of one actor, oldest first: role, whether inferred, its status for this actor, years open.

    ``wider``: also what is asked of what it is part of as a whole (``hierarchy``), each such row with its status
    for that actor and ``asked_as_a_whole`` saying so ("asked of RGC as a whole"). Short titles, actors' names,
    status labels and those notes in ``lang`` (English where the data has no translation).
    """
    today = today or dt.date.today()
    names = translations.actor_names(engine, lang)
    reach = hierarchy.reach(engine, [actor_id]) if wider else hierarchy.Reach((actor_id,), (), {})
    reach = replace(reach, label={a: names.label.get(a, label) for a, label in reach.label.items()})
    by_index = status.picks_by_index(engine)
    pa = status.per_addressee(None, _ids(ids), actors=reach.every, by_index=by_index).subquery("pa")
    df = sql.frame(
        engine,
        select(
            pa.c.actor_id, pa.c.recommendation_id, R.c.title, R.c.kind, R.c.position, S.c.title.label("source_title"),
            S.c.date.label("source_date"), S.c.date_start, pa.c.role, pa.c.inferred, pa.c.status,
            pa.c.as_of.label("status_date"), pa.c.scope_id,
        )
        .select_from(pa)
        .join(R, R.c.id == pa.c.recommendation_id)
        .join(S, S.c.id == R.c.source_id)
        .order_by(S.c.date_start, R.c.position, R.c.id),
    )  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=ASK_COLUMNS)
    # one row per recommendation: the actor's own, else that of the nearest actor it is part of
    named = df.groupby("recommendation_id")["actor_id"].agg(list)
    df["asked_as_a_whole"] = df["recommendation_id"].map(named).map(lambda ids: reach.note(ids, lang))
    nearest = df["actor_id"].map({a: i for i, a in enumerate(reach.every)})
    df = df.loc[nearest.groupby(df["recommendation_id"]).idxmin().sort_values()].reset_index(drop=True)
    df["date_start"] = df["date_start"].map(dates.as_date)
    df["year"] = df["date_start"].map(lambda d: d.year)
    df["inferred"] = df["inferred"].astype(bool)
    df["status_label"] = df["status"].map(_status_labels(lang))
    df["scope"] = [
        labels.scope_words(names.label.get(scope_id, scope_id), lang) if isinstance(scope_id, str) else ""
        for scope_id in df["scope_id"]
    ]
    if lang != i18n.SOURCE_LANGUAGE:
        titles = translations.labels(engine, "recommendation", "title", lang, list(df["recommendation_id"]))
        df["title"] = [
            titles[i].text if i in titles else t for i, t in zip(df["recommendation_id"], df["title"], strict=True)
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
