"""How good the suggestions are on the links curators made: for each link (a later recommendation to the earlier
one it repeats or follows up), is the earlier one among the later one's top suggestions?

Each later recommendation is put to ``suggest`` as a curator adding its document would: its own text, title,
lead-in, themes and addressees, ``before`` the day after its source's date, and its own document's
recommendations excluded (a document being added is not yet in the public tables). The link itself is never
an input. ``pair_ranks`` does the same for any pairs, such as those curators examined and did not link.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.tables import AD, RT, L, R, S
from recommendations import sql
from recommendations.read.suggest import Suggestion, suggest


@dataclass(frozen=True)
class Ranked:
    """A (later, earlier) pair and where ``earlier`` stands among ``later``'s suggestions (None: past ``depth``)."""

    source: str
    target: str
    rank: int | None
    top: list[str]
    score: float | None = None  # the earlier one's score, when ranked

    def within(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k


@dataclass(frozen=True)
class Recall:
    """The share of pairs whose earlier recommendation is among the later one's top ``k`` suggestions."""

    k: int
    pairs: list[Ranked]

    @property
    def hits(self) -> int:
        return sum(p.within(self.k) for p in self.pairs)

    @property
    def share(self) -> float:
        return self.hits / len(self.pairs) if self.pairs else 0.0


def _recommendations(engine: Engine, ids: list[str]) -> dict[str, dict[str, Any]]:
    """These recommendations as ``suggest`` is asked about them: fields, date, themes, addressees, siblings."""
    recs = {
        r["id"]: {**r, "themes": set(), "addressees": set(), "siblings": set()}
        for r in sql.rows(
            engine,
            select(R.c.id, R.c.text, R.c.title, R.c.lead_in, R.c.source_id, S.c.date_start)
            .join(S, S.c.id == R.c.source_id)
            .where(sql.in_ids(R.c.id, ids)),
        )
    }
    for row in sql.rows(
        engine, select(RT.c.recommendation_id, RT.c.theme_id).where(sql.in_ids(RT.c.recommendation_id, ids))
    ):
        recs[row["recommendation_id"]]["themes"].add(row["theme_id"])
    for row in sql.rows(
        engine, select(AD.c.recommendation_id, AD.c.actor_id).where(sql.in_ids(AD.c.recommendation_id, ids))
    ):
        recs[row["recommendation_id"]]["addressees"].add(row["actor_id"])
    sources = sorted({r["source_id"] for r in recs.values()})
    siblings: dict[str, set[str]] = defaultdict(set)
    for row in sql.rows(engine, select(R.c.id, R.c.source_id).where(sql.in_ids(R.c.source_id, sources))):
        siblings[row["source_id"]].add(row["id"])
    for rec in recs.values():
        rec["siblings"] = siblings[rec["source_id"]]
    return recs


def ranking(engine: Engine, rec: Mapping[str, Any], depth: int = 50) -> list[Suggestion]:
    """The ids ``suggest`` proposes for ``rec`` (from ``_recommendations``) as a curator adding its document
    would see them: its source's own recommendations excluded, sources up to its date."""
    return suggest(
        engine,
        text=rec["text"],
        title=rec["title"],
        lead_in=rec["lead_in"],
        themes=sorted(rec["themes"]),
        addressees=sorted(rec["addressees"]),
        before=rec["date_start"] + dt.timedelta(days=1),
        exclude=rec["siblings"],
        limit=depth,
    )


def pair_ranks(engine: Engine, pairs: Iterable[tuple[str, str]], k: int = 5, depth: int = 50) -> list[Ranked]:
    """Where each pair's earlier recommendation ranks among the later one's suggestions (pairs with an unknown
    id are left out)."""
    wanted = list(dict.fromkeys(pairs))
    recs = _recommendations(engine, sorted({i for pair in wanted for i in pair}))
    rankings: dict[str, list[Suggestion]] = {}
    out = []
    for source, target in wanted:
        if source in recs and target in recs:
            ranked = rankings.setdefault(source, ranking(engine, recs[source], depth))
            ids = [s.id for s in ranked]
            rank = ids.index(target) + 1 if target in ids else None
            out.append(Ranked(source, target, rank, ids[:k], ranked[rank - 1].score if rank else None))
    return out


def link_recall(engine: Engine, k: int = 5) -> Recall:
    """For every link in the database (those of data/links.yaml once loaded, and any published in the app): is
    its earlier recommendation among the later one's top ``k`` suggestions?"""
    links = [(r["source_id"], r["target_id"]) for r in sql.rows(engine, select(L.c.source_id, L.c.target_id))]
    return Recall(k, pair_ranks(engine, sorted(links), k))


_PAIR = re.compile(r"([\w-]+(?:\s*/\s*[\w-]+)*)\s*->\s*([\w-]+(?:\s*/\s*[\w-]+)*)")


def examined_not_linked(links_yaml: Path) -> list[tuple[str, str]]:
    """(later, earlier) pairs curators examined and did not link: every ``A -> B`` (``A / B -> C / D`` for each
    combination) written in a comment of links.yaml, and the optional ``examined_not_linked:`` list. Pairs that
    are links, or whose ids are not recommendations, are dropped by the caller (``pair_ranks`` skips unknown
    ids)."""
    import yaml

    raw = links_yaml.read_text(encoding="utf-8")
    pairs: list[tuple[str, str]] = []
    for line in raw.splitlines():
        comment = line.partition("#")[2]
        for later, earlier in _PAIR.findall(comment):
            pairs += [(a.strip(), b.strip()) for a in later.split("/") for b in earlier.split("/")]
    listed = (yaml.safe_load(raw) or {}).get("examined_not_linked") or []
    pairs += [(str(item["source"]), str(item["target"])) for item in listed if isinstance(item, dict)]
    return list(dict.fromkeys(pairs))
