"""The status rule applied to the YAML, for tests: the pure-Python form of recommendations.status.

Tests of the read side compare what the database returns (the SQL form of the rule) with this, computed
from the YAML files alone. The two forms are checked against each other in tests/test_status.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from recommendations import status
from recommendations.dataset.validate import Dataset
from recommendations.dates import date_start
from recommendations.vocabulary import OPEN_STATUSES, PROGRESS_RANK


def facts_of(dataset: Dataset, extra: Iterable[status.Fact] = ()) -> dict[str, list[status.Fact]]:
    """Each recommendation's assessments as the rule sees them."""
    out: dict[str, list[status.Fact]] = defaultdict(list)
    for a in dataset.assessments:
        out[a.recommendation].append(
            status.Fact(
                id=a.id,
                recommendation_id=a.recommendation,
                status=str(a.status),
                as_of_start=date_start(a.as_of),
                recorded_at=a.recorded_at.replace(tzinfo=None),
                addressee_id=a.addressee,
                visibility=str(a.visibility),
                supersedes_id=a.supersedes,
                assessor_id=a.assessor,
                as_of=a.as_of,
            )
        )
    for fact in extra:
        out[fact.recommendation_id].append(fact)
    return out


def addressees_of(dataset: Dataset) -> dict[str, list[tuple[str, str]]]:
    return {r.id: [(a.actor, str(a.role)) for a in r.addressees] for r in dataset.recommendations}


def overall(dataset: Dataset, as_of: dt.date | None = None, extra: Iterable[status.Fact] = ()) -> dict[str, str]:
    """recommendation id -> overall status."""
    facts, pairs = facts_of(dataset, extra), addressees_of(dataset)
    return {rec: status.overall_verdict(facts.get(rec, []), pairs[rec], as_of).status for rec in pairs}


def per_addressee(
    dataset: Dataset, as_of: dt.date | None = None, extra: Iterable[status.Fact] = ()
) -> dict[tuple[str, str], str]:
    """(recommendation id, actor id) -> that addressee's status."""
    facts, pairs = facts_of(dataset, extra), addressees_of(dataset)
    return {
        (rec, actor): status.for_addressee(facts.get(rec, []), actor, as_of).status
        for rec, actors in pairs.items()
        for actor, _ in actors
    }


def taken_in(dataset: Dataset, chosen: Iterable[str]) -> set[str]:
    """The chosen actors and everything they are part of (``part_of``, followed in the YAML)."""
    parent = {a.id: a.part_of for a in dataset.actors}
    out: set[str] = set()
    todo = list(chosen)
    while todo:
        actor = todo.pop()
        if actor not in out:
            out.add(actor)
            if parent.get(actor):
                todo.append(parent[actor])
    return out


def selected(dataset: Dataset, themes: list[str], chosen: list[str], combine: str = "overlap") -> set[str]:
    """What ``Filters`` selects: on a chosen theme, asked of a chosen addressee or of anything it is part of;
    both ("overlap") or either ("either") when themes and addressees are chosen."""
    wanted = taken_in(dataset, chosen)
    out = set()
    for rec in dataset.recommendations:
        on = bool(set(themes) & set(rec.themes)) if themes else None
        asked = bool(wanted & {a.actor for a in rec.addressees}) if chosen else None
        tests = [t for t in (on, asked) if t is not None]
        if not tests or (any(tests) if combine == "either" and len(tests) == 2 else all(tests)):
            out.add(rec.id)
    return out


def open_in_brief(
    dataset: Dataset, rec_id: str, chosen: set[str], wider: set[str], statuses: dict[tuple[str, str], str]
) -> bool:
    """Open at the meeting by the brief's rule: the least advanced status for the chosen addressees it names,
    else for what they are part of that it names (``statuses``: ``per_addressee`` as of the meeting)."""
    rec = next(r for r in dataset.recommendations if r.id == rec_id)
    named = {a.actor for a in rec.addressees}
    pool = [statuses[(rec_id, a)] for a in named & chosen] or [statuses[(rec_id, a)] for a in named & wider]
    least = min(pool, key=PROGRESS_RANK.__getitem__)
    return rec.kind != "commitment" and least in OPEN_STATUSES


def brief_ids(dataset: Dataset, themes: list[str], chosen: list[str], meeting: dt.date) -> set[str]:
    """The recommendations a brief on these themes and addressees (overlap) lists for ``meeting``."""
    made = {r.id for s in dataset.sources if date_start(s.date) <= meeting for r in s.recommendations}
    statuses = per_addressee(dataset, as_of=meeting)
    wider = taken_in(dataset, chosen) - set(chosen)
    return {
        r for r in selected(dataset, themes, chosen) & made if open_in_brief(dataset, r, set(chosen), wider, statuses)
    }
