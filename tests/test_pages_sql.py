"""The Overview, Explore and the status-over-time chart read counts and pages from SQL (read/summary.py,
status.year_ends) instead of filtering a table of every recommendation: they must say exactly what the table and
the pure-Python rule say, on the real data and on a small synthetic dataset."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
from sqlalchemy import select

from models.db import make_engine
from models.tables import AD
from recommendations import dates, sql, status
from recommendations.read import detail, figures, headlines, summary
from recommendations.read.filters import Filters
from recommendations.read.table import recommendation_table
from tests.helpers import synthetic_engine

FILTERS = [
    None,
    Filters(themes=["recruitment"]),
    Filters(statuses=["in_progress", "not_assessed"]),
    Filters(addressees=["molvt"], themes=["recruitment"], combine="either"),
    Filters(year_from=2016, year_to=2019),
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    engine = synthetic_engine(tmp_path_factory.mktemp("synth"), 150, seed=7)
    yield engine
    engine.dispose()


@pytest.fixture
def real(sqlite_loaded_template, tmp_path):
    """data/ loaded (SQLite; test_status.py checks the rule itself on both databases)."""
    target = tmp_path / "loaded.db"
    shutil.copy(sqlite_loaded_template, target)
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def _python_year_ends(engine, until: int) -> pd.DataFrame:
    """The pure-Python rule (status.overall_verdict) on 31 December of every year, from the rows read."""
    table = recommendation_table(engine)
    facts: dict[str, list[status.Fact]] = {}
    for r in sql.rows(engine, status.standing(None, None, undated=True)):
        facts.setdefault(r["recommendation_id"], []).append(
            status.Fact(
                id=r["id"], recommendation_id=r["recommendation_id"], status=r["status"],
                as_of_start=dates.as_date(r["as_of_start"]), recorded_at=r["recorded_at"],
                addressee_id=r["addressee_id"], assessor_id=r["assessor_id"], as_of=r["as_of"],
            )
        )  # fmt: skip
    roles: dict[str, list[tuple[str, str]]] = {}
    for r in sql.rows(engine, select(AD.c.recommendation_id, AD.c.actor_id, AD.c.role).order_by(AD.c.position)):
        roles.setdefault(r["recommendation_id"], []).append((r["actor_id"], r["role"]))
    rows = [
        (
            year,
            rec_id,
            status.overall_verdict(facts.get(rec_id, []), roles.get(rec_id, []), dt.date(year, 12, 31)).status,
        )
        for rec_id, made in zip(table["id"], table["year"], strict=True)
        for year in range(int(made), until + 1)
    ]
    return pd.DataFrame(rows, columns=["year", "recommendation_id", "status"])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["recommendation_id", "year"]).reset_index(drop=True)


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_year_ends_in_sql_equal_the_python_rule(which, request):
    engine = request.getfixturevalue(which)
    in_sql = headlines.year_end_statuses(engine, None, until=2026)
    assert set(in_sql["status"]) - {"not_assessed"}  # not vacuous
    assert _sorted(in_sql).equals(_sorted(_python_year_ends(engine, 2026)))


@pytest.mark.parametrize("which", ["real", "synthetic"])
@pytest.mark.parametrize("lang", ["en", "km"])
def test_overview_counts_in_sql_equal_the_table(which, lang, request):
    engine = request.getfixturevalue(which)
    for filters in FILTERS:
        table = recommendation_table(engine, filters, lang=lang)
        counted = summary.summary(engine, filters, lang)
        assert counted.total == len(table) == summary.selected_count(engine, filters)
        assert headlines.sentence_of(counted.count, lang) == headlines.headline_sentence(table, lang)
        assert headlines.figures_of(counted.count, counted.sources) == headlines.headline(table)
        assert counted.awaits_review == bool(table["awaits_review"].any())
        for dimension in ("theme", "source", "addressee"):
            expected = headlines.status_by(table, dimension, lang).reset_index(drop=True)
            got = counted.by[dimension][list(expected.columns)].reset_index(drop=True)
            assert got.astype(str).equals(expected.astype(str)), (filters, dimension)


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_explore_pages_are_the_table_a_page_at_a_time(which, request):
    engine = request.getfixturevalue(which)
    for filters in FILTERS:
        table = recommendation_table(engine, filters)
        pages = [summary.table_page(engine, filters, start, 40) for start in range(0, len(table) + 40, 40)]
        joined = pd.concat([p for p in pages if not p.empty], ignore_index=True) if len(table) else table
        assert list(joined["id"]) == list(table["id"]), filters  # the same rows, in the same order
        pd.testing.assert_frame_equal(joined.astype(str), table.astype(str))


@pytest.mark.parametrize("which", ["real", pytest.param("synthetic", marks=pytest.mark.slow)])  # every page size
@pytest.mark.parametrize("lang", ["en", "km"])
def test_where_assessors_disagree_a_page_at_a_time_is_the_whole_list(which, lang, request):
    """The Overview counts the list in SQL and builds a page of it: the pages, joined, are the list, and the
    recommendations counted are those whose assessors' own statuses (each assessor's rule) differ."""
    engine = request.getfixturevalue(which)
    whole = headlines.disagreements(engine, lang)
    own = sql.frame(engine, status.overall(None, None, by_assessor=True, by_index=status.picks_by_index(engine)))
    differ = own.groupby("recommendation_id")["status"].nunique()
    rows = detail.disagreement_rows(engine)
    expected = sorted(differ[differ > 1].index)
    assert list(rows["recommendation_id"]) == expected == sorted(set(whole["recommendation_id"]))
    assert int(rows["rows"].sum()) == len(whole)
    if which == "synthetic":
        assert len(rows) > 1  # not vacuous
    for size in (1, 3, 20) if lang == "en" else (20,):  # pages are cut the same in any language: its words, once
        pages = []
        for start in range(0, len(whole), size):
            ids, offset = detail.page_of(rows, start, size)
            pages.append(headlines.disagreements(engine, lang, ids).iloc[offset : offset + size])
        joined = pd.concat(pages, ignore_index=True) if pages else whole
        pd.testing.assert_frame_equal(joined.reset_index(drop=True), whole.reset_index(drop=True))


@pytest.mark.parametrize("side_by_side", [False, True])
@pytest.mark.parametrize("which", ["real", "synthetic", pytest.param("pg_loaded", marks=pytest.mark.postgres)])
def test_over_time_counts_and_trend_equal_every_year_end_row(which, side_by_side, request, monkeypatch):
    """The chart's counts grouped in SQL and the trend from its two years equal what the rows of every
    recommendation and year give (``year_end_statuses``, itself checked against the pure-Python rule above),
    worked out whole or, as for a large selection, in two halves side by side (``summary._parts``)."""
    engine = request.getfixturevalue(which)
    runs = []
    if side_by_side:
        monkeypatch.setattr(summary, "SIDE_BY_SIDE_FROM", 1)  # any selection of two or more is split
    real_rows = summary._year_end_rows
    monkeypatch.setattr(summary, "_year_end_rows", lambda *args: runs.append(args[1]) or real_rows(*args))
    for filters in FILTERS:
        ids = summary.selected(engine, filters)
        rows = headlines.year_end_statuses(engine, None if ids is None else pd.DataFrame({"id": ids}), until=2026)
        got = summary.over_time(engine, ids, until=2026)
        expected = headlines.counts_by_year(rows).drop(columns="status_label")
        assert got.counts.astype(str).equals(expected.astype(str)), filters
        made = summary.trend_rows(engine, ids)
        assert figures.trend(got.trend_years, made) == figures.trend(rows, made), filters
    assert figures.trend(summary.over_time(engine, None, until=2026).trend_years, summary.trend_rows(engine, None))
    halves = [ids for ids in runs if ids is not None]
    assert len(runs) == (2 * len(FILTERS) + 2 if side_by_side else len(FILTERS) + 1)  # every selection here has 2+
    if side_by_side:
        pairs = zip(halves[::2], halves[1::2], strict=True)
        assert all(abs(len(a) - len(b)) <= 1 and not set(a) & set(b) for a, b in pairs)  # even, apart


def test_ids_bound_when_the_statement_runs_select_what_ids_given_when_it_is_built(loaded_engine):
    """``sql.BoundIds``: one statement for every list, each run selecting what ``in_ids`` with that list selects;
    an empty list selects nothing, and a run without a list fails instead of meaning "all" or "none"."""
    from sqlalchemy.exc import StatementError

    from models.tables import R

    every = [r["id"] for r in sql.rows(loaded_engine, select(R.c.id))]
    built = select(R.c.id).where(sql.in_ids(R.c.id, sql.BoundIds("ids"))).order_by(R.c.id)
    for wanted in (every[:1], [*every[3:9], "no-such-id"], every, []):
        given = select(R.c.id).where(sql.in_ids(R.c.id, wanted)).order_by(R.c.id)
        bound = sql.rows(loaded_engine, built.params(ids=wanted))
        assert bound == sql.rows(loaded_engine, given)
        assert len(bound) == len(set(wanted) & set(every))
    with pytest.raises(StatementError):
        sql.rows(loaded_engine, built)
    with_status = detail.disagreements(loaded_engine, every[:5])  # the statement built once, bound per page
    assert set(with_status["recommendation_id"]) <= set(every[:5])


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_owners_and_themes_read_in_sql_what_they_read_of_the_table(which, request):
    """Owners and Themes no longer build the table of every selected recommendation: the base of the asks'
    figures, the review note and the grid of themes by year come from SQL, and must equal what the table said."""
    from collections import Counter

    from recommendations.read import owners, recurrence

    engine = request.getfixturevalue(which)
    names = {t: name for t, name in headlines.options(engine, "en")["themes"]}
    for filters in FILTERS:
        table = recommendation_table(engine, filters)
        ids = summary.selected(engine, filters)
        assert owners.asked(engine, ids) == int(table["addressee_ids"].map(len).gt(0).sum()), filters
        expected = Counter(
            (names.get(t, t), int(year))
            for theme_ids, year in zip(table["theme_ids"], table["year"], strict=True)
            for t in theme_ids
        )
        grid = recurrence.theme_by_year(engine, ids, names)
        assert {(t, y): n for t, y, n in zip(grid["theme"], grid["year"], grid["count"], strict=True)} == dict(
            expected
        ), filters
        for lang in ("en", "km"):
            shown = recommendation_table(engine, filters, lang=lang)
            assert summary.awaits_review(engine, ids, lang) == bool(shown["awaits_review"].any()), (filters, lang)


def test_two_overall_statuses_meet_in_one_statement(real):
    """Each ``status.overall`` is a statement of its own CTE: two (of two days, one for a list) join as separate
    statements would give them."""
    some = sorted(r["id"] for r in sql.rows(real, select(AD.c.recommendation_id.label("id")).distinct()))[:40]
    then = dt.date(2017, 12, 31)
    now_, before = (
        status.overall(None, some, by_index=status.picks_by_index(real)).subquery(),
        status.overall(then, by_index=status.picks_by_index(real)).subquery(),
    )
    joined = sql.rows(
        real,
        select(now_.c.recommendation_id, now_.c.status, before.c.status.label("then")).join(
            before, before.c.recommendation_id == now_.c.recommendation_id
        ),
    )
    alone_now = {
        r["recommendation_id"]: r["status"]
        for r in sql.rows(real, status.overall(None, some, by_index=status.picks_by_index(real)))
    }
    alone_then = {
        r["recommendation_id"]: r["status"]
        for r in sql.rows(real, status.overall(then, by_index=status.picks_by_index(real)))
    }
    assert {r["recommendation_id"]: (r["status"], r["then"]) for r in joined} == {
        i: (alone_now[i], alone_then[i]) for i in some
    }
    assert len(set(alone_now.values())) > 1 and alone_now != {i: alone_then[i] for i in some}
