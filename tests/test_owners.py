"""Owners (who is asked to act): per-actor figures against the YAML, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pandas as pd
import pytest

from recommendations import dates, status
from recommendations.dates import date_start
from recommendations.read import owners
from recommendations.read.table import recommendation_table
from tests import oracle
from tests.helpers import app_assessment, data_dataset

DATASET, _ = data_dataset()
OPEN = {"not_assessed", "no_progress", "in_progress", "partially_implemented"}
MOVING = {"in_progress", "partially_implemented", "implemented"}
TODAY = dt.date(2026, 11, 22)


def current_statuses(dataset=DATASET, extra=()) -> dict[tuple[str, str], str]:
    """Status per (recommendation, addressee), from the YAML by the pure-Python form of the rule."""
    return oracle.per_addressee(dataset, extra=extra)


def expected_summary(ids: set[str] | None = None, statuses: dict[str, str] | None = None) -> dict[str, dict]:
    statuses = statuses or current_statuses()
    out: dict[str, dict] = defaultdict(Counter)
    oldest: dict[str, int] = {}
    for source in DATASET.sources:
        for rec in source.recommendations:
            if ids is not None and rec.id not in ids:
                continue
            for ad in rec.addressees:
                status = statuses[(rec.id, ad.actor)]
                row = out[ad.actor]
                row["asks"] += 1
                row[str(ad.role)] += 1
                row["inferred"] += ad.inferred
                is_open = status in OPEN and rec.kind != "commitment"  # a commitment is no one's open ask
                row["open"] += is_open
                row["assessed"] += status != "not_assessed"
                row["moving"] += status in MOVING
                if is_open:
                    oldest[ad.actor] = min(oldest.get(ad.actor, 9999), date_start(source.date).year)
    for actor, row in out.items():
        row["oldest_open_year"] = oldest.get(actor)
    return out


def summary_as_dict(df) -> dict[str, dict]:
    fields = ["asks", "responsible", "supporting", "inferred", "open", "assessed", "moving"]
    return {
        r["actor_id"]: {
            **{f: int(r[f]) for f in fields if int(r[f])},
            "oldest_open_year": None if pd.isna(r["oldest_open_year"]) else int(r["oldest_open_year"]),
        }
        for r in df.to_dict("records")
    }  # fmt: skip


def as_plain(expected: dict[str, dict]) -> dict[str, dict]:
    return {actor: {k: v for k, v in row.items() if v or k == "oldest_open_year"} for actor, row in expected.items()}


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


def test_actor_summary_matches_yaml(loaded):
    df = owners.actor_summary(loaded)
    assert summary_as_dict(df) == as_plain(expected_summary())
    names = {a.id: a.name for a in DATASET.actors}
    assert dict(zip(df["actor_id"], df["name"], strict=True)) == {a: names[a] for a in df["actor_id"]}
    assert list(df["asks"]) == sorted(df["asks"], reverse=True)
    expected = expected_summary()  # from the YAML: the shares follow the oracle's counts, not the frame's own
    for row in df.to_dict("records"):
        wanted = expected[row["actor_id"]]
        assert row["share_open"] == pytest.approx(wanted["open"] / wanted["asks"]), row["actor_id"]
        assert row["share_moving"] == pytest.approx(wanted["moving"] / wanted["asks"]), row["actor_id"]


def test_actor_summary_of_filtered_ids(loaded):
    ids = {r.id for r in DATASET.recommendations if "recruitment" in r.themes}
    assert ids
    df = owners.actor_summary(loaded, tuple(ids))
    assert summary_as_dict(df) == as_plain(expected_summary(ids))


def test_actor_summary_of_no_ids_is_empty(loaded):
    df = owners.actor_summary(loaded, ())
    assert df.empty
    assert list(df.columns) == owners.SUMMARY_COLUMNS


def test_asked_counts_the_recommendations_that_name_someone(loaded):
    from sqlalchemy import delete

    from models.tables import AD

    named = {r.id for r in DATASET.recommendations if r.addressees}
    assert owners.asked(loaded) == len(named)
    nobody = sorted(named)[0]  # every recommendation in data/ names someone: one that names nobody, made here
    with loaded.begin() as conn:
        conn.execute(delete(AD).where(AD.c.recommendation_id == nobody))
    assert owners.asked(loaded) == len(named) - 1
    recruitment = {r.id for r in DATASET.recommendations if "recruitment" in r.themes} | {nobody}
    assert owners.asked(loaded, recruitment) == len(recruitment) - 1
    assert owners.asked(loaded, ()) == 0


def test_actor_status_counts_match_yaml(loaded):
    statuses = current_statuses()
    expected = Counter((ad.actor, statuses[(r.id, ad.actor)]) for r in DATASET.recommendations for ad in r.addressees)
    df = owners.actor_status(loaded)
    got = {(a, s): int(n) for a, s, n in zip(df["actor_id"], df["status"], df["count"], strict=True)}
    assert got == dict(expected)
    assert df["status_label"].notna().all()


def test_actor_asks_of_molvt(loaded):
    expected = {
        r.id: (str(ad.role), ad.inferred, date_start(s.date))
        for s in DATASET.sources
        for r in s.recommendations
        for ad in r.addressees
        if ad.actor == "molvt"
    }
    df = owners.actor_asks(loaded, "molvt", today=TODAY)
    assert set(df["recommendation_id"]) == set(expected)
    statuses = current_statuses()
    for row in df.to_dict("records"):
        role, inferred, start = expected[row["recommendation_id"]]
        assert (row["role"], bool(row["inferred"]), row["year"]) == (role, inferred, start.year)
        assert row["status"] == statuses[(row["recommendation_id"], "molvt")]
        assert row["open"] == (row["status"] in OPEN)
        if row["open"]:
            assert row["years_open"] == dates.years_between(start, TODAY)
    assert list(df["date_start"]) == sorted(df["date_start"])
    oldest = owners.oldest_open(df, limit=3)
    assert len(oldest) == min(3, int(df["open"].sum()))
    assert oldest["open"].all()
    assert oldest["date_start"].iloc[0] == min(v[2] for k, v in expected.items() if statuses[(k, "molvt")] in OPEN)


def test_actor_asks_respects_ids(loaded):
    asked = [r.id for r in DATASET.recommendations if any(a.actor == "rgc" for a in r.addressees)]
    df = owners.actor_asks(loaded, "rgc", ids=[*asked[:3], "mmn2016-06-not-an-id"])
    assert sorted(df["recommendation_id"]) == sorted(asked[:3])


def test_app_assessments_change_the_figures(loaded):
    """An implemented (published) assessment closes an ask; a draft does not count."""
    rec = next(r for r in DATASET.recommendations if any(a.actor == "molvt" for a in r.addressees))
    before = summary_as_dict(owners.actor_summary(loaded))["molvt"]
    app_assessment(loaded, "app-draft", rec.id, status="implemented", visibility="draft")
    assert summary_as_dict(owners.actor_summary(loaded))["molvt"] == before
    app_assessment(loaded, "app-1", rec.id, status="implemented")
    extra = [status.Fact("app-1", rec.id, "implemented", dt.date(2024, 5, 1), dt.datetime(2024, 5, 2, 10))]
    after = summary_as_dict(owners.actor_summary(loaded))["molvt"]
    assert after == as_plain(expected_summary(statuses=current_statuses(extra=extra)))["molvt"]
    assert after["open"] == before["open"] - 1
    asks = owners.actor_asks(loaded, "molvt", today=TODAY).set_index("recommendation_id")
    assert asks.loc[rec.id, "status_label"] == "Implemented"
    assert not asks.loc[rec.id, "open"]
    assert pd.isna(asks.loc[rec.id, "years_open"])


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (dt.date(2011, 11, 23), dt.date(2026, 11, 22), 14),
        (dt.date(2011, 11, 23), dt.date(2026, 11, 23), 15),
        (dt.date(2022, 8, 18), dt.date(2022, 1, 1), 0),
    ],
)
def test_years_between(start, end, years):
    assert dates.years_between(start, end) == years


def test_actor_label_prefers_acronym():
    assert owners.actor_label("Ministry of Labour", "MoLVT") == "MoLVT"
    assert owners.actor_label("Employers", None) == "Employers"
    assert owners.actor_label("Employers", float("nan")) == "Employers"


def test_actor_statuses_agree_with_the_table_and_the_rule(loaded):
    """Owners and the recommendation table read one rule: ties included (same as-of date: latest recorded, then id)."""
    same_day = {"as_of": "2024-05-01", "as_of_start": dt.date(2024, 5, 1)}
    app_assessment(loaded, "app-a", "tfamw2011-poa-4", status="no_progress", **same_day)
    app_assessment(loaded, "app-b", "tfamw2011-poa-4", status="in_progress", **same_day)  # same recorded_at: id wins
    app_assessment(loaded, "app-c", "mmn2016-03", status="implemented", recorded_at=dt.datetime(2024, 6, 1), **same_day)
    app_assessment(loaded, "app-d", "mmn2016-03", status="no_progress", recorded_at=dt.datetime(2024, 5, 3), **same_day)
    table = recommendation_table(loaded).set_index("id")
    assert table.loc["tfamw2011-poa-4", "status"] == "in_progress"
    assert table.loc["mmn2016-03", "status"] == "implemented"
    per_actor = {(rec, a["id"]): a for rec, items in table["addressee_statuses"].items() for a in items}
    for actor in {ad.actor for r in DATASET.recommendations for ad in r.addressees}:
        asks = owners.actor_asks(loaded, actor)
        assert dict(zip(asks["recommendation_id"], asks["status"], strict=True)) == {
            i: per_actor[(i, actor)]["status"] for i in asks["recommendation_id"]
        }
        dates = asks["status_date"].fillna("")
        assert dict(zip(asks["recommendation_id"], dates, strict=True)) == {
            i: per_actor[(i, actor)]["status_date"] or "" for i in asks["recommendation_id"]
        }
