"""Themes over time and "chronic asks": recommendations raised again and again.

Plain Python for the Themes and recurrence page and the meeting brief. Links run
from a later recommendation (``source``) to an earlier one (``target``) that it
repeats, follows up or supersedes. A *chain* is a *lineage*: a latest
recommendation (one no later recommendation links to) together with everything
it links to, directly or through others. Links are followed from later to
earlier only, so two different 2011 asks that a broad 2022 recommendation both
repeats stay separate asks: they share that 2022 chain, but neither counts as a
repetition of the other. The chain id is the id of its latest recommendation.
"Times raised" counts the distinct documents (meetings) a chain appears in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.tables import AD, RT, L, R, S
from recommendations import dates, i18n, sql, status
from recommendations.read import translations
from recommendations.read.history import assessment_history, facts_from
from recommendations.vocabulary import STATUS_LABELS, Status

THEME_YEAR_COLUMNS = ["theme_id", "theme", "year", "count"]
CHAIN_COLUMNS = [
    "chain_id", "times_raised", "n_recommendations", "first_date", "first_year", "first_source", "first_id",
    "first_title", "years", "sources", "latest_id", "latest_title", "latest_year", "latest_status",
    "latest_status_label", "earliest_status_label", "open", "open_members", "closed_on", "years_open",
    "member_ids", "members",
]  # fmt: skip
MEMBER_COLUMNS = [
    "chain_id", "recommendation_id", "title", "source_id", "source_title", "source_date", "date_start", "year",
    "status", "status_label", "status_date",
]  # fmt: skip
LINK_COLUMNS = ["chain_id", "later_id", "later_title", "kind", "earlier_id", "earlier_title", "note"]


def _linked_recommendations(engine: Engine, ids: list[str]) -> pd.DataFrame:
    """These linked recommendations with their source and overall status (the status rule's overall answer alone,
    ``status.overall_statuses``: half the rows of every addressee's status, which it needs none of)."""
    frame = sql.frame(
        engine,
        select(
            R.c.id.label("recommendation_id"), R.c.title, R.c.kind.label("rec_kind"), R.c.position, R.c.source_id,
            S.c.title.label("source_title"), S.c.date.label("source_date"), S.c.date_start,
        )
        .join(S, S.c.id == R.c.source_id)
        .where(sql.in_ids(R.c.id, ids)),
    )  # fmt: skip
    verdicts = status.overall_statuses(engine, None, ids)
    overall = [verdicts.get(rec_id) for rec_id in frame["recommendation_id"]]
    frame["status"] = [v.status if v else Status.NOT_ASSESSED.value for v in overall]
    frame["status_date"] = [v.as_of if v else None for v in overall]
    return frame


def theme_by_year(engine: Engine, ids: list[str] | None, names: Mapping[str, str]) -> pd.DataFrame:
    """How many recommendations of ``ids`` (None: all) raised each theme, per source year: counted in SQL by theme
    and source date (a few thousand groups at most), then by year. ``names`` maps theme id to name (else the id)."""
    counted = sql.rows(
        engine,
        select(RT.c.theme_id, S.c.date_start, func.count().label("n"))
        .join(R, R.c.id == RT.c.recommendation_id)
        .join(S, S.c.id == R.c.source_id)
        .where(sql.in_ids(R.c.id, ids))
        .group_by(RT.c.theme_id, S.c.date_start),
    )
    if not counted:
        return pd.DataFrame(columns=THEME_YEAR_COLUMNS)
    frame = pd.DataFrame(
        {
            "theme_id": [r["theme_id"] for r in counted],
            "theme": [names.get(r["theme_id"]) or r["theme_id"] for r in counted],
            "year": [dates.as_date(r["date_start"]).year for r in counted],
            "count": [int(r["n"]) for r in counted],
        }
    )
    out = frame.groupby(["theme_id", "theme", "year"])["count"].sum().reset_index()
    return out.sort_values(["theme", "year"]).reset_index(drop=True)[THEME_YEAR_COLUMNS]


def _walk(graph: Mapping[str, set[str]], start: str) -> set[str]:
    """Everything reachable from ``start`` along ``graph`` (not ``start`` itself): THE chain walk."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for node in graph.get(stack.pop(), ()):
            if node not in seen and node != start:
                seen.add(node)
                stack.append(node)
    return seen


@dataclass
class Links:
    """The links as two graphs: from a later recommendation to the earlier ones it repeats or follows up, and back."""

    back: dict[str, set[str]]
    forward: dict[str, set[str]]

    @classmethod
    def of(cls, edges: Iterable[tuple[str, str]]) -> Links:
        back: dict[str, set[str]] = {}
        forward: dict[str, set[str]] = {}
        for later, earlier_id in edges:
            back.setdefault(later, set()).add(earlier_id)
            forward.setdefault(earlier_id, set()).add(later)
        return cls(back, forward)

    def earlier(self, rec_id: str) -> set[str]:
        """What ``rec_id`` repeats or follows up, directly or through others."""
        return _walk(self.back, rec_id)

    def later(self, rec_id: str) -> set[str]:
        """What repeats or follows up ``rec_id``, directly or through others."""
        return _walk(self.forward, rec_id)


def lineages(edges: Iterable[tuple[str, str]], order: Mapping[str, tuple[Any, ...]]) -> dict[str, list[str]]:
    """Latest recommendation -> itself and all it links back to, in the order raised (``order``)."""
    links = Links.of(edges)
    heads = [head for head in links.back if head not in links.forward]
    return {head: sorted({head} | links.earlier(head), key=lambda node: (order.get(node, ()), node)) for head in heads}


def related(edges: Iterable[tuple[str, str]], rec_id: str) -> tuple[set[str], set[str]]:
    """(earlier, later): what ``rec_id`` repeats or follows up, and what repeats it, directly or not."""
    links = Links.of(edges)
    return links.earlier(rec_id), links.later(rec_id)


def times_raised(members: Iterable[Mapping[str, Any]]) -> int:
    """THE count of "times raised": the distinct documents (meetings) among a recommendation and those it is
    linked to (a chain's members, or a brief item with what it repeats and what repeats it)."""
    return max(1, len({m["source_id"] for m in members}))


def _edges(engine: Engine, day: dt.date | None = None) -> list[tuple[str, str]]:
    """(later, earlier) for every link, or for links between recommendations made on or before ``day``."""
    later_rec, earlier_rec, later_src, earlier_src = R.alias(), R.alias(), S.alias(), S.alias()
    statement = select(L.c.source_id, L.c.target_id)
    if day is not None:
        statement = (
            statement.join(later_rec, later_rec.c.id == L.c.source_id)
            .join(later_src, later_src.c.id == later_rec.c.source_id)
            .join(earlier_rec, earlier_rec.c.id == L.c.target_id)
            .join(earlier_src, earlier_src.c.id == earlier_rec.c.source_id)
            .where(later_src.c.date_start <= day, earlier_src.c.date_start <= day)
        )
    return [
        (r["source_id"], r["target_id"]) for r in sql.rows(engine, statement.order_by(L.c.source_id, L.c.target_id))
    ]


def raised(engine: Engine, ids: list[str], day: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """For each of ``ids``: itself, what it repeats and what repeats it (links followed one way at a time, so a
    sibling asked alongside it in a later recommendation is not counted), among recommendations made by ``day``,
    in the order raised: member, title, source_id, source_title, source_date."""
    links = Links.of(_edges(engine, day))
    members = {rec_id: {rec_id} | links.earlier(rec_id) | links.later(rec_id) for rec_id in ids}
    needed = sorted(set().union(*members.values())) if members else []
    rows = sql.rows(
        engine,
        select(
            R.c.id.label("member"), R.c.title, R.c.source_id, S.c.title.label("source_title"),
            S.c.date.label("source_date"),
        )
        .join(S, S.c.id == R.c.source_id)
        .where(sql.in_ids(R.c.id, needed))
        .order_by(S.c.date_start, R.c.source_id, R.c.position),
    )  # fmt: skip
    rank = {r["member"]: i for i, r in enumerate(rows)}  # the order raised (one pass, not ids x rows)
    return {
        rec_id: [rows[rank[m]] for m in sorted(wanted & rank.keys(), key=rank.__getitem__)]
        for rec_id, wanted in members.items()
    }


ChainParts = tuple[pd.DataFrame, pd.DataFrame]


def chain_parts(engine: Engine, lang: str = i18n.SOURCE_LANGUAGE) -> ChainParts:
    """Every chain's members (in the order raised) and the links inside each chain, read once: what
    ``chronic_asks``, ``chain_members`` and ``chain_links`` are made from (a page that shows all three reads it
    once and passes it as ``parts``)."""
    links = sql.frame(
        engine, select(L.c.source_id, L.c.target_id, L.c.kind, L.c.note).order_by(L.c.source_id, L.c.target_id)
    )
    edges = list(zip(links["source_id"].tolist(), links["target_id"].tolist(), strict=True))
    linked = _linked_recommendations(engine, sorted({rec for edge in edges for rec in edge}))
    if linked.empty:
        return pd.DataFrame(columns=[*MEMBER_COLUMNS, "position"]), links.assign(chain_id=None)
    linked["date_start"] = linked["date_start"].map(dates.as_date)
    # the order raised: source date, source id, position in the source
    linked = linked.sort_values(["date_start", "source_id", "position", "recommendation_id"], ignore_index=True)
    order = {rec_id: (rank,) for rank, rec_id in enumerate(linked["recommendation_id"])}
    chains_of = lineages(edges, order)
    pairs = pd.DataFrame(
        [(head, rec_id) for head, ids in chains_of.items() for rec_id in ids],
        columns=["chain_id", "recommendation_id"],
    )
    members = pairs.merge(linked, on="recommendation_id", how="left")
    members["year"] = members["date_start"].map(lambda d: d.year)
    said = i18n.translator(lang)
    members["status_label"] = members["status"].map(lambda s: said.t(STATUS_LABELS[s]))
    if lang != i18n.SOURCE_LANGUAGE:  # short titles in the reader's language where the data has them
        titles = translations.labels(engine, "recommendation", "title", lang, sorted(set(members["recommendation_id"])))
        members["title"] = [
            titles[i].text if i in titles else t
            for i, t in zip(members["recommendation_id"], members["title"], strict=True)
        ]
    heads_of: dict[str, set[str]] = {}
    for head, ids in chains_of.items():
        for rec_id in ids:
            heads_of.setdefault(rec_id, set()).add(head)
    # a link belongs to every chain holding both its ends (one pass over the links, not chains x links)
    rank = {head: i for i, head in enumerate(chains_of)}
    found = [
        (rank[head], index, head, later, earlier_id)
        for index, (later, earlier_id) in enumerate(edges)
        for head in heads_of.get(later, set()) & heads_of.get(earlier_id, set())
    ]
    in_chain = [(head, later, earlier_id) for *_, head, later, earlier_id in sorted(found)]
    chain_of_link = pd.DataFrame(in_chain, columns=["chain_id", "source_id", "target_id"])
    return members, chain_of_link.merge(links, on=["source_id", "target_id"])


def chains(engine: Engine) -> pd.DataFrame:
    """(chain_id, recommendation_id) for every recommendation in a chain, members in the order raised."""
    members, _ = chain_parts(engine)
    return members[["chain_id", "recommendation_id"]].reset_index(drop=True)


def chain_members(engine: Engine, lang: str = i18n.SOURCE_LANGUAGE, parts: ChainParts | None = None) -> pd.DataFrame:
    """Every chain member with its source, year and current status, in the order raised (titles and status labels
    in ``lang``; ``parts``: ``chain_parts`` in ``lang``, already read)."""
    members, _ = parts or chain_parts(engine, lang)
    return members[MEMBER_COLUMNS]


def chain_links(engine: Engine, lang: str = i18n.SOURCE_LANGUAGE, parts: ChainParts | None = None) -> pd.DataFrame:
    """The links inside each chain, with both titles (in ``lang``) and the curators' note (as written)."""
    members, links = parts or chain_parts(engine, lang)
    if links.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    titles = dict(zip(members["recommendation_id"], members["title"], strict=True))
    out = links.rename(columns={"source_id": "later_id", "target_id": "earlier_id"})
    out["later_title"] = out["later_id"].map(titles)
    out["earlier_title"] = out["earlier_id"].map(titles)
    return out.sort_values(["chain_id", "earlier_id", "later_id"]).reset_index(drop=True)[LINK_COLUMNS]


def _closed_since(engine: Engine, ids: list[str]) -> dict[str, dt.date]:
    """For recommendations whose current status is closed: since when it has had that status.

    The rule is applied as of each date in the history, newest first, until the status differs; the
    start of that unbroken run is the answer.
    """
    if not ids:
        return {}
    history = assessment_history(engine, ids)
    addressees = sql.rows(
        engine, select(AD.c.recommendation_id, AD.c.actor_id, AD.c.role).where(sql.in_ids(AD.c.recommendation_id, ids))
    )
    pairs: dict[str, list[tuple[str, str]]] = {}
    for row in addressees:
        pairs.setdefault(row["recommendation_id"], []).append((row["actor_id"], row["role"]))
    out: dict[str, dt.date] = {}
    for rec_id, own in history.groupby("recommendation_id", sort=False):
        facts = facts_from(own)
        current = status.overall_verdict(facts, pairs.get(str(rec_id), []))
        if current.fact is None:
            continue
        since = current.fact.as_of_start
        for day in sorted({f.as_of_start for f in facts if f.as_of_start < since}, reverse=True):
            if status.overall_verdict(facts, pairs.get(str(rec_id), []), day).status != current.status:
                break
            since = day
        out[str(rec_id)] = since
    return out


def chronic_asks(
    engine: Engine,
    table: pd.DataFrame | None = None,
    today: dt.date | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
    parts: ChainParts | None = None,
) -> pd.DataFrame:
    """One row per chain of two or more recommendations, most repeated and longest open first.

    With ``table`` (a filtered recommendation table) only chains with at least one
    member in it are kept; the chain itself is always shown whole. Titles and status labels in ``lang``. The chain's
    status is the current status of its latest recommendation (the chain id).
    Years open run from the first time it was
    raised to ``today`` while that status is open, otherwise to the date the latest
    member reached its closed status.
    """
    today = today or dt.date.today()
    members, _ = parts or chain_parts(engine, lang)
    by_chain: dict[str, list[dict[str, Any]]] = {}
    columns = list(members.columns)
    for values in zip(*(members[c].tolist() for c in columns), strict=True):  # in the order raised, per chain
        member = dict(zip(columns, values, strict=True))
        by_chain.setdefault(member["chain_id"], []).append(member)
    wanted = None if table is None else set(table["id"])
    groups = [
        group
        for group in by_chain.values()
        if len(group) >= 2 and (wanted is None or any(m["recommendation_id"] in wanted for m in group))
    ]
    heads = [next(m for m in g if m["recommendation_id"] == m["chain_id"]) for g in groups]
    closed_since = _closed_since(
        engine, [h["recommendation_id"] for h in heads if not status.is_open_ask(h["status"], h["rec_kind"])]
    )
    rows = [_chain_row(group, closed_since, today) for group in groups]
    if not rows:
        return pd.DataFrame(columns=CHAIN_COLUMNS)
    out = pd.DataFrame(rows, columns=CHAIN_COLUMNS)
    out = out.sort_values(
        ["times_raised", "years_open", "first_date", "chain_id"], ascending=[False, False, True, True], kind="stable"
    )
    return out.reset_index(drop=True)


def _chain_row(group: list[dict[str, Any]], closed_since: Mapping[str, dt.date], today: dt.date) -> dict[str, Any]:
    first = group[0]
    latest = next(m for m in group if m["recommendation_id"] == m["chain_id"])
    is_open = status.is_open_ask(latest["status"], latest["rec_kind"])
    closed_on = None if is_open else closed_since.get(latest["recommendation_id"], today)
    first_of_source: dict[str, dict[str, Any]] = {}
    for member in group:
        first_of_source.setdefault(member["source_id"], member)
    sources = list(first_of_source.values())
    return {
        "chain_id": latest["recommendation_id"],
        "times_raised": times_raised(group),
        "n_recommendations": len(group),
        "first_date": first["date_start"],
        "first_year": int(first["year"]),
        "first_source": first["source_title"],
        "first_id": first["recommendation_id"],
        "first_title": first["title"],
        "years": sorted({int(m["year"]) for m in group}),
        "sources": "; ".join(f"{m['year']} · {m['source_title']}" for m in sources),
        "latest_id": latest["recommendation_id"],
        "latest_title": latest["title"],
        "latest_year": int(latest["year"]),
        "latest_status": latest["status"],
        "latest_status_label": latest["status_label"],
        "earliest_status_label": first["status_label"],
        "open": is_open,
        "open_members": sum(status.is_open_ask(m["status"], m["rec_kind"]) for m in group),
        "closed_on": closed_on,
        "years_open": dates.years_between(first["date_start"], closed_on or today),
        "member_ids": [m["recommendation_id"] for m in group],
        "members": "; ".join(f"{m['title']} ({m['recommendation_id']})" for m in group),
    }
