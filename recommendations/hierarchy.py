"""Actors form a hierarchy: one home for "an actor and what it is part of".

An actor may be *part of* another (``part_of`` in actors.yaml): a ministry of the Royal Government of
Cambodia, the National Employment Agency of the Ministry of Labour. An ask made to the Government as a whole
is an ask of each of its ministries too, so choosing an addressee also selects the asks made to what it is part
of, transitively, each marked "asked of RGC as a whole". Counting stays with the actor an ask names.

Two forms of the one walk up the hierarchy: in Python over a mapping (``ancestors``, for records not yet in the
database: validation refuses a cycle, the loader writes parents first) and in SQL over the actor table
(``upward``, for the filters and ``reach``). A cycle never loops: the walk stops where it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, literal, select

from models.tables import ACT
from recommendations import i18n, labels, sql

#: Deeper than any real hierarchy; stops the SQL walk on a cycle written into the database by hand.
MAX_DEPTH = 20


def ancestors(parents: Mapping[str, str | None], actor: str) -> list[str]:
    """What ``actor`` is part of, nearest first (NEA -> [molvt, rgc]); stops before repeating itself."""
    out: list[str] = []
    current = parents.get(actor)
    while current is not None and current != actor and current not in out:
        out.append(current)
        current = parents.get(current)
    return out


def in_cycle(parents: Mapping[str, str | None], actor: str) -> bool:
    """True when following ``part_of`` from ``actor`` comes back to it (itself included)."""
    current, seen = parents.get(actor), set()
    while current is not None and current not in seen:
        if current == actor:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def parents_first(ids: Iterable[str], parents: Mapping[str, str | None]) -> list[str]:
    """``ids`` ordered so that each comes after what it is part of (the order rows can be inserted in)."""
    wanted = list(dict.fromkeys(ids))
    return sorted(wanted, key=lambda i: len(ancestors(parents, i)))


def upward(chosen: Iterable[str] | None) -> CTE:
    """SQL: the chosen actors (``None``: every actor) at depth 0 and everything each is part of at depth 1, 2, ...

    Columns: actor_id (the chosen actor the walk started from), id, part_of, depth.
    """
    start = select(ACT.c.id.label("actor_id"), ACT.c.id, ACT.c.part_of, literal(0).label("depth")).where(
        sql.in_ids(ACT.c.id, chosen)
    )
    walk = start.cte("actor_upward", recursive=True)
    step = (
        select(walk.c.actor_id, ACT.c.id, ACT.c.part_of, (walk.c.depth + 1).label("depth"))
        .join(walk, ACT.c.id == walk.c.part_of)
        .where(walk.c.depth < MAX_DEPTH)
    )
    return walk.union_all(step)


@dataclass(frozen=True)
class Reach:
    """Chosen addressees and what they are part of: what a selection by addressee takes in, and how a row that
    names only a wider actor is marked."""

    chosen: tuple[str, ...]
    wider: tuple[str, ...]  # what the chosen are part of and not chosen themselves, nearest first
    label: Mapping[str, str]  # short labels ("RGC") of both

    @property
    def every(self) -> tuple[str, ...]:
        return self.chosen + self.wider

    def through(self, addressee_ids: Iterable[str]) -> list[str]:
        """The wider actors a recommendation is selected through: [] when it names a chosen addressee itself."""
        named = set(addressee_ids)
        if named & set(self.chosen):
            return []
        return [w for w in self.wider if w in named]

    def note(self, addressee_ids: Iterable[str], lang: str = i18n.SOURCE_LANGUAGE) -> str:
        """ "asked of RGC as a whole" (in ``lang``) for a recommendation selected only through what the chosen are
        part of."""
        through = self.through(addressee_ids)
        return labels.as_a_whole([self.label.get(w, w) for w in through], lang=lang) if through else ""


def reach(db: sql.Source, chosen: Sequence[str]) -> Reach:
    """The chosen actors that exist and what they are part of, from the actor table (one query)."""
    if not chosen:
        return Reach((), (), {})
    walk = upward(chosen).alias("walk")
    rows = sql.rows(
        db,
        select(walk.c.id, walk.c.depth, ACT.c.name, ACT.c.acronym)
        .join(ACT, ACT.c.id == walk.c.id)
        .order_by(walk.c.depth, walk.c.id),
    )
    found = {r["id"] for r in rows if r["depth"] == 0}
    first = [i for i in dict.fromkeys(chosen) if i in found]
    wider = [r["id"] for r in rows if r["id"] not in found]
    label: dict[str, Any] = {r["id"]: labels.short(r["name"], r["acronym"]) for r in rows}
    return Reach(tuple(first), tuple(dict.fromkeys(wider)), label)
