"""The Owners and Themes pages' counts, made in SQL (one GROUP BY over the status rule) or from the rule's one
query (``status.statuses``), against the pure-Python rule (``tests.oracle``): on the real data and on a small
synthetic dataset (``recommendations synth``), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from recommendations.dataset.loader import load_folder
from recommendations.dataset.synth import synthesise
from recommendations.dataset.validate import read_dataset
from recommendations.read import owners, recurrence
from tests import oracle
from tests.conftest import DATA

OPEN = {"not_assessed", "no_progress", "in_progress", "partially_implemented"}


def expected_counts(dataset, ids: set[str] | None = None) -> Counter:
    """(actor, role, inferred, status, kind) -> asks, by the pure-Python rule."""
    statuses = oracle.per_addressee(dataset)
    return Counter(
        (ad.actor, str(ad.role), bool(ad.inferred), statuses[(rec.id, ad.actor)], str(rec.kind))
        for rec in dataset.recommendations
        if ids is None or rec.id in ids
        for ad in rec.addressees
    )


def got_counts(frame) -> Counter:
    return Counter(
        {
            (r["actor_id"], r["role"], bool(r["inferred"]), r["status"], r["kind"]): int(r["n"])
            for r in frame.to_dict("records")
        }
    )


def check(engine, dataset, ids: set[str] | None = None) -> None:
    counts = owners.asks_by_actor(engine, None if ids is None else sorted(ids))
    expected = expected_counts(dataset, ids)
    assert got_counts(counts) == expected
    # the summary and the status mix made from those counts are the rule's too
    summary = owners.actor_summary(engine, ids, counts=counts).set_index("actor_id")
    for actor in {key[0] for key in expected}:
        mine = {key: n for key, n in expected.items() if key[0] == actor}
        assert summary.loc[actor, "asks"] == sum(mine.values())
        assert summary.loc[actor, "open"] == sum(n for k, n in mine.items() if k[3] in OPEN and k[4] != "commitment")
    assert list(summary["asks"]) == sorted(summary["asks"], reverse=True)
    mix = owners.actor_status(engine, ids, counts=counts)
    got = {(a, s): int(n) for a, s, n in zip(mix["actor_id"], mix["status"], mix["count"], strict=True)}
    assert got == dict(_by_status(expected))


def _by_status(expected: Counter) -> Counter:
    out: Counter = Counter()
    for key, n in expected.items():
        out[(key[0], key[3])] += n
    return out


def check_chain_statuses(engine, dataset) -> None:
    """Every chain member's status is the pure-Python rule's overall status."""
    overall = oracle.overall(dataset)
    members = recurrence.chain_members(engine)
    assert not members.empty
    assert {r: s for r, s in zip(members["recommendation_id"], members["status"], strict=True)} == {
        r: overall[r] for r in members["recommendation_id"]
    }
    parts = recurrence.chain_parts(engine)  # read once, the same answers as reading for each
    assert recurrence.chain_members(engine, parts=parts).equals(members)
    assert recurrence.chain_links(engine, parts=parts).equals(recurrence.chain_links(engine))
    day = dt.date(2026, 12, 1)
    assert recurrence.chronic_asks(engine, today=day, parts=parts).equals(recurrence.chronic_asks(engine, today=day))


def test_counts_match_the_rule_on_the_real_data(loaded_engine):
    dataset, _ = read_dataset(DATA)
    check(loaded_engine, dataset)
    check(loaded_engine, dataset, {r.id for r in dataset.recommendations if "recruitment" in r.themes})
    check_chain_statuses(loaded_engine, dataset)


@pytest.fixture
def synthetic(engine, tmp_path: Path):
    synthesise(tmp_path / "synth", 120, assessments_per_recommendation=4, seed=7)
    dataset, problems = read_dataset(tmp_path / "synth")
    assert problems == []
    load_folder(tmp_path / "synth", engine)
    return engine, dataset


def test_counts_match_the_rule_on_a_synthetic_dataset(synthetic):
    engine, dataset = synthetic
    check(engine, dataset)
    check(engine, dataset, {r.id for r in dataset.recommendations[::3]})
    assert owners.asks_by_actor(engine, []).empty
    check_chain_statuses(engine, dataset)
