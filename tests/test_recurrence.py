"""Themes by year and chronic asks (chains of linked recommendations), checked against the YAML."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from recommendations import dates
from recommendations.dataset.loader import load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.dates import date_start
from recommendations.read import filters, recurrence
from recommendations.read.table import recommendation_table
from tests import oracle
from tests.helpers import app_assessment, append_items, data_dataset
from tests.test_owners import OPEN

DATASET, _ = data_dataset()
TODAY = dt.date(2026, 11, 22)


def placement(dataset) -> dict[str, tuple]:
    """Recommendation id -> (source date, source id, position, source title)."""
    return {
        rec.id: (date_start(s.date), s.id, i, s.title)
        for s in dataset.sources
        for i, rec in enumerate(s.recommendations)
    }


def expected_chains(dataset) -> dict[str, list[str]]:
    """Lineages: each latest recommendation (nothing links to it) with all it links back to, in raised order."""
    back = defaultdict(set)
    for link in dataset.links:
        back[link.source].add(link.target)
    targets = {link.target for link in dataset.links}
    where = placement(dataset)
    out = {}
    for head in list(back):
        if head in targets:
            continue
        lineage, todo = set(), [head]
        while todo:
            node = todo.pop()
            if node not in lineage:
                lineage.add(node)
                todo.extend(back[node])
        out[head] = sorted(lineage, key=lambda r: (*where[r][:3], r))
    return out


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


def test_chains_are_lineages_that_keep_different_asks_apart(loaded):
    expected = expected_chains(DATASET)
    df = recurrence.chains(loaded)
    got = defaultdict(list)
    for chain_id, rec_id in zip(df["chain_id"], df["recommendation_id"], strict=True):
        got[chain_id].append(rec_id)
    assert dict(got) == expected
    # a broad 2022 ask that repeats two 2011 asks does not make them repetitions of each other
    holding = [head for head, members in got.items() if "tfamw2011-recruitment-1" in members]
    assert len(holding) >= 2
    assert len({frozenset(got[head]) for head in holding}) == len(holding)  # separate asks, not one merged set
    for head in holding:
        assert got[head][-1] == head  # each lineage ends with its own latest recommendation


def test_chronic_asks_on_the_real_data(loaded):
    expected = expected_chains(DATASET)
    where = placement(DATASET)
    statuses = oracle.overall(DATASET)
    df = recurrence.chronic_asks(loaded, today=TODAY)
    assert set(df["chain_id"]) == {k for k, v in expected.items() if len(v) >= 2}
    for row in df.to_dict("records"):
        members = expected[row["chain_id"]]
        first, latest = members[0], row["chain_id"]
        assert row["member_ids"] == members
        assert row["times_raised"] == len({where[m][1] for m in members})
        assert row["n_recommendations"] == len(members)
        assert row["first_year"] == where[first][0].year
        assert row["first_source"] == where[first][3]
        assert row["years"] == sorted({where[m][0].year for m in members})
        assert row["latest_id"] == latest
        assert row["latest_status"] == statuses[latest]
        assert row["open"] == (statuses[latest] in OPEN)
        assert row["open_members"] == sum(statuses[m] in OPEN for m in members)
        if row["open"]:
            assert row["years_open"] == dates.years_between(where[first][0], TODAY)
        for m in members:
            assert f"({m})" in row["members"]
    keys = list(zip(df["times_raised"], df["years_open"], strict=True))
    assert keys == sorted(keys, reverse=True)
    monitoring = df.set_index("chain_id").loc["afml15-2022-13"]
    assert monitoring["first_year"] == 2011
    assert monitoring["years"] == [2011, 2016, 2022]


def test_chronic_asks_of_a_filtered_table(loaded):
    table = recommendation_table(loaded, filters.Filters(themes=["recruitment"]))
    themed = {r.id for r in DATASET.recommendations if "recruitment" in r.themes}
    assert set(table["id"]) == themed
    expected = {k for k, v in expected_chains(DATASET).items() if len(v) >= 2 and themed & set(v)}
    df = recurrence.chronic_asks(loaded, table, today=TODAY)
    assert set(df["chain_id"]) == expected
    assert "afml15-2022-13" in expected
    assert recurrence.chronic_asks(loaded, table.iloc[0:0], today=TODAY).empty


def test_chain_links_keep_the_notes(loaded):
    df = recurrence.chain_links(loaded)
    expected = {(link.source, link.target): (str(link.kind), link.note) for link in DATASET.links}
    got = {(r["later_id"], r["earlier_id"]): (r["kind"], r["note"]) for r in df.to_dict("records")}
    assert got == expected
    titles = {r.id: r.title for r in DATASET.recommendations}
    assert all(df["later_title"] == df["later_id"].map(titles))
    chains = expected_chains(DATASET)
    for row in df.to_dict("records"):
        assert {row["later_id"], row["earlier_id"]} <= set(chains[row["chain_id"]])


def test_theme_by_year_matches_yaml(loaded):
    names = {t.id: t.name for t in DATASET.themes}

    def expected(recs, named):
        return Counter(
            (named.get(t, t), date_start(s.date).year)
            for s in DATASET.sources
            for r in s.recommendations
            if r.id in recs
            for t in r.themes
        )

    def counted(df):
        return {(t, y): n for t, y, n in zip(df["theme"], df["year"], df["count"], strict=True)}

    every = {r.id for r in DATASET.recommendations}
    assert counted(recurrence.theme_by_year(loaded, None, names)) == dict(expected(every, names))
    # a selection across years counts only its recommendations; a theme without a name is shown by its id
    made = sorted((s for s in DATASET.sources if s.recommendations), key=lambda s: date_start(s.date))
    some = {r.id for s in (made[0], made[-1]) for r in s.recommendations}
    df = recurrence.theme_by_year(loaded, sorted(some), {})
    assert counted(df) == dict(expected(some, {})) and len({y for _, y in counted(df)}) == 2
    assert list(df.columns) == recurrence.THEME_YEAR_COLUMNS
    assert recurrence.theme_by_year(loaded, [], names).empty


def unlinked_per_year(dataset) -> list[str]:
    """One recommendation from the 2011, 2016 and 2022 sources that no link touches yet and no one has assessed
    (so that the statuses a test records are the only ones it has)."""
    linked = {link.source for link in dataset.links} | {link.target for link in dataset.links}
    linked |= {a.recommendation for a in dataset.assessments}
    picks = []
    for year in (2011, 2016, 2022):
        source = next(s for s in dataset.sources if s.date.startswith(str(year)) and s.recommendations)
        picks.append(next(r.id for r in source.recommendations if r.id not in linked))
    return picks


@pytest.fixture
def synthetic(engine, data_copy):
    """The real data plus a new three-member chain 2011 <- 2016 <- 2022."""
    first, middle, last = unlinked_per_year(DATASET)
    append_items(
        data_copy / "links.yaml",
        "links",
        f"""  - source: {middle}
    target: {first}
    kind: repeats
    note: "Synthetic: the 2016 ask repeats the 2011 one."
  - source: {last}
    target: {middle}
    kind: follows_up
""",
    )
    data, problems = read_dataset(data_copy)
    assert problems == []
    load_folder(data_copy, engine)
    return engine, data, (first, middle, last)


def test_synthetic_three_member_chain(synthetic):
    engine, data, (first, middle, last) = synthetic
    where = placement(data)
    df = recurrence.chronic_asks(engine, today=TODAY).set_index("chain_id")
    assert len(df) == sum(len(c) >= 2 for c in expected_chains(DATASET).values()) + 1
    row = df.loc[last]
    assert row["member_ids"] == [first, middle, last]
    assert row["times_raised"] == 3
    assert row["first_year"] == where[first][0].year == 2011
    assert row["years"] == [2011, 2016, 2022]
    assert row["latest_id"] == last
    assert row["open"]
    assert row["years_open"] == dates.years_between(where[first][0], TODAY)
    members = recurrence.chain_members(engine)
    assert members[members["chain_id"] == last]["recommendation_id"].tolist() == [first, middle, last]
    notes = recurrence.chain_links(engine).set_index(["later_id", "earlier_id"])
    assert notes.loc[(middle, first), "note"].startswith("Synthetic")


def test_synthetic_chain_closes_when_its_latest_ask_is_implemented(synthetic):
    engine, data, (first, _middle, last) = synthetic
    start = placement(data)[first][0]
    for ident, status, as_of in (
        ("app-1", "in_progress", dt.date(2023, 1, 1)),
        ("app-2", "implemented", dt.date(2024, 5, 1)),
        ("app-3", "implemented", dt.date(2025, 3, 1)),
    ):
        app_assessment(engine, ident, last, status=status, as_of=as_of.isoformat(), as_of_start=as_of)
    app_assessment(engine, "app-draft", last, status="in_progress", as_of="2026-01-01",
                   as_of_start=dt.date(2026, 1, 1), visibility="draft")  # fmt: skip
    row = recurrence.chronic_asks(engine, today=TODAY).set_index("chain_id").loc[last]
    assert row["latest_status_label"] == "Implemented"
    assert not row["open"]
    assert row["closed_on"] == dt.date(2024, 5, 1)
    assert row["years_open"] == dates.years_between(start, dt.date(2024, 5, 1)) == 12


def test_no_links_no_chains(engine, data_copy):
    (data_copy / "links.yaml").write_text("links: []\n")
    load_folder(data_copy, engine)
    assert recurrence.chains(engine).empty
    df = recurrence.chronic_asks(engine, today=TODAY)
    assert df.empty
    assert list(df.columns) == recurrence.CHAIN_COLUMNS
    assert recurrence.chain_links(engine).empty


def test_lineages_and_related():
    edges = [("c", "b"), ("b", "a"), ("d", "b"), ("x", "y")]
    order = {"a": (0,), "b": (1,), "c": (2,), "d": (3,), "y": (0,), "x": (1,)}
    assert recurrence.lineages(edges, order) == {"c": ["a", "b", "c"], "d": ["a", "b", "d"], "x": ["y", "x"]}
    assert recurrence.lineages(reversed(edges), order) == recurrence.lineages(edges, order)
    earlier, later = recurrence.related(edges, "b")
    assert (earlier, later) == ({"a"}, {"c", "d"})
    # c and d both repeat b, but neither is related to the other
    assert recurrence.related(edges, "c") == ({"a", "b"}, set())
