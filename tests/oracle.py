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
