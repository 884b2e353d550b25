"""Reads of the whole data stored in the database (``read.stored``): they say what the read worked out afresh says,
are read instead of worked out under the same stamp, and are never used across a write, a day or a code change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text

from models.db import SQLITE_BUSY_MS
from recommendations import status
from recommendations.read import detail, evidence, headlines, owners, recurrence, stored, summary
from recommendations.read.brief import build_brief, count_lines, stale_count
from recommendations.read.filters import Filters
from tests import helpers

READS = {  # each stored read, and the read it stores
    "over_time": (stored.over_time, lambda engine: summary.over_time(engine, None)),
    "counted": (stored.counted, lambda engine: summary.counted(engine, None)),
    "disagreement_rows": (stored.disagreement_rows, detail.disagreement_rows),
    "evidence_count": (stored.evidence_count, headlines.evidence_count),
    "asks_by_actor": (stored.asks_by_actor, owners.asks_by_actor),
    "chain_parts/km": (
        lambda engine: stored.chain_parts(engine, "km"),
        lambda engine: recurrence.chain_parts(engine, "km"),
    ),
    "chronic_asks/km": (
        lambda engine: stored.chronic_asks(engine, "km"),
        lambda engine: recurrence.chronic_asks(engine, None, lang="km"),
    ),
}


def _same(kept: object, fresh: object) -> None:
    if isinstance(fresh, pd.DataFrame):
        assert isinstance(kept, pd.DataFrame)
        pd.testing.assert_frame_equal(kept, fresh)  # values, columns, dtypes and index
        for column in [c for c in fresh.columns if fresh[c].dtype == "object"]:  # the Python types inside too
            assert [type(v) for v in kept[column]] == [type(v) for v in fresh[column]], column
    elif isinstance(fresh, tuple):
        assert isinstance(kept, tuple)
        for one, other in zip(kept, fresh, strict=True):
            _same(one, other)
    elif fresh is None or isinstance(fresh, int):
        assert kept == fresh
    else:
        assert type(kept) is type(fresh)
        for field in dataclasses.fields(fresh):  # type: ignore[arg-type]
            _same(getattr(kept, field.name), getattr(fresh, field.name))


def _never_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def worked_out_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stored read was worked out again")

    for target, name in [(summary, "over_time"), (summary, "counted"), (detail, "disagreement_rows"),
                         (headlines, "evidence_count"), (owners, "asks_by_actor"), (recurrence, "chain_parts"),
                         (recurrence, "chronic_asks")]:  # fmt: skip
        monkeypatch.setattr(target, name, worked_out_again)


def _stored_rows(engine) -> list[tuple[str, str, str]]:
    stored.flush()  # stores are written behind the reader
    with engine.connect() as conn:
        return sorted(conn.execute(select(stored.STORED.c.name, stored.STORED.c.part, stored.STORED.c.stamp)).all())


@pytest.mark.parametrize("name", READS)
def test_a_stored_read_says_what_the_read_says_and_is_read_the_second_time(loaded_engine, monkeypatch, name):
    keep, read = READS[name]
    fresh = read(loaded_engine)
    _same(keep(loaded_engine), fresh)  # worked out and stored
    assert name in {row[0] for row in _stored_rows(loaded_engine)}
    _never_again(monkeypatch)
    _same(keep(loaded_engine), fresh)  # read back: the same frames, dtypes and all


def test_a_write_is_never_answered_with_the_figures_before_it(loaded_engine):
    before = stored.counted(loaded_engine)
    helpers.publish_an_assessment(loaded_engine, "Written after the read was stored.")
    after = stored.counted(loaded_engine)
    _same(after, summary.counted(loaded_engine, None))
    assert not after.rows.equals(before.rows)  # not vacuous: the write changed the counts
    assert len(_stored_rows(loaded_engine)) == 1  # the stamp before the write was dropped when the new one was stored


def test_the_stamp_is_the_data_the_day_and_the_code(loaded_engine, monkeypatch):
    today = stored.stamp(loaded_engine, dt.date(2026, 1, 2))
    assert today == f"{headlines.data_version(loaded_engine)}/2026-01-02/{stored.code_fingerprint()}"
    assert stored.stamp(loaded_engine, dt.date(2026, 1, 3)) != today
    stored.evidence_count(loaded_engine)
    expected = headlines.evidence_count(loaded_engine)
    calls = helpers.calls_to(monkeypatch, headlines, "evidence_count")
    monkeypatch.setattr(stored, "code_fingerprint", lambda: "new-code")
    assert stored.evidence_count(loaded_engine) == expected
    assert len(calls) == 1  # other code: worked out again, not read
    assert [row[2].rsplit("/", 1)[1] for row in _stored_rows(loaded_engine)] == ["new-code"]


def test_the_code_fingerprint_is_every_module(tmp_path: Path):
    for package in ("recommendations", "models"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "rule.py").write_text("LIMIT = 1\n")
    first = stored.digest(tmp_path)
    (tmp_path / "models" / "rule.py").write_text("LIMIT = 2\n")
    second = stored.digest(tmp_path)
    assert second != first
    (tmp_path / "recommendations" / "deeper").mkdir()
    (tmp_path / "recommendations" / "deeper" / "more.py").write_text("")
    assert stored.digest(tmp_path) != second  # a new module, however deep
    third = stored.digest(tmp_path)
    (tmp_path / "recommendations" / "notes.txt").write_text("not code")
    assert stored.digest(tmp_path) == third


def test_storing_the_same_stamp_twice_keeps_one(loaded_engine):
    """Two app servers that worked out the same read both store it: the second store replaces the first, no error,
    one row. (Two stores at the very same moment meet the insert's ``ON CONFLICT DO NOTHING``; not raced here.)"""
    now = stored.stamp(loaded_engine)
    rows = [{"name": "twice", "part": "n", "stamp": now, "payload": b"1"}]
    stored._WRITER.store(loaded_engine, "twice", rows)
    stored._WRITER.store(loaded_engine, "twice", rows)
    assert _stored_rows(loaded_engine) == [("twice", "n", now)]


def test_a_database_that_refuses_the_store_still_answers(loaded_engine, caplog, monkeypatch):
    """As with a database user who may only read: the value worked out is shown, the failure logged, and not tried
    again (only a busy database is)."""
    tried = helpers.calls_to(monkeypatch, stored, "waiting_briefly")
    with loaded_engine.begin() as conn:
        if loaded_engine.dialect.name == "sqlite":
            conn.execute(
                text("CREATE TRIGGER no_store BEFORE INSERT ON stored_read BEGIN SELECT RAISE(ABORT, 'no'); END")
            )
        else:
            conn.execute(text("CREATE FUNCTION no_store() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no'; END $$ "
                              "LANGUAGE plpgsql"))  # fmt: skip
            conn.execute(
                text("CREATE TRIGGER no_store BEFORE INSERT ON stored_read FOR EACH ROW EXECUTE FUNCTION no_store()")
            )
    with caplog.at_level(logging.WARNING, logger=stored.__name__):
        assert stored.evidence_count(loaded_engine) == headlines.evidence_count(loaded_engine)
        assert _stored_rows(loaded_engine) == []
    assert "could not store the read 'evidence_count'" in caplog.text
    assert len(tried) == 1


def test_a_brief_on_everything_as_of_today_reads_what_an_earlier_one_stored(loaded_engine, monkeypatch):
    """The page's default brief (everything, today): its overall statuses and newest evidence are stored, and a
    second preview says what the first said without working them out again."""
    today = dt.date.today()
    first = build_brief(loaded_engine, themes=[], addressees=[], meeting_date=today, detailed=30)
    assert stored.overall_statuses(loaded_engine, today, None) == status.overall_statuses(loaded_engine, today, None)
    assert stored.newest_evidence(loaded_engine, today) == evidence.newest(loaded_engine, None, as_of=today)
    assert {row[0] for row in _stored_rows(loaded_engine)} == {"overall_statuses", "newest_evidence"}

    def worked_out_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a stored read was worked out again")

    monkeypatch.setattr(status, "overall_statuses", worked_out_again)
    monkeypatch.setattr(evidence, "newest", worked_out_again)
    again = build_brief(loaded_engine, themes=[], addressees=[], meeting_date=today, detailed=30)
    assert [(i.id, i.status, i.status_date, i.status_assessor) for i in again.items] == [
        (i.id, i.status, i.status_date, i.status_assessor) for i in first.items
    ]
    assert count_lines(again) == count_lines(first) and stale_count(again) == stale_count(first)
    assert any(i.status_assessor for i in again.items)  # not vacuous: some open asks are assessed


@pytest.mark.parametrize("other", ["a past meeting", "some recommendations"])
def test_only_every_recommendation_as_of_today_is_stored(loaded_engine, other):
    """Other days and selections are worked out each time: stored, every meeting date anyone picks would pile up."""
    day = dt.date(2024, 5, 1) if other == "a past meeting" else dt.date.today()
    chosen = None if other == "a past meeting" else ["tfamw2011-postarrival-5", "tfamw2011-cso-6"]
    expected = status.overall_statuses(loaded_engine, day, chosen)
    assert stored.overall_statuses(loaded_engine, day, chosen) == expected
    assert expected  # not vacuous: they have statuses that day
    if chosen is None:
        assert stored.newest_evidence(loaded_engine, day) == evidence.newest(loaded_engine, None, as_of=day)
    assert _stored_rows(loaded_engine) == []


def test_a_selection_is_worked_out_and_never_stored(loaded_engine, monkeypatch):
    """Each stored read of the pages takes the selection too: a selection is answered by the read itself (as the
    page would), without storing, and its filters are read once; no filter, or empty filters, is the stored value."""
    filters = Filters(themes=["recruitment"])
    ids = filters.ids(loaded_engine)
    assert ids and len(ids) < len(status.overall_statuses(loaded_engine, dt.date.today()))  # a real selection
    chosen = tuple(sorted(ids))
    expected = summary.counted(loaded_engine, filters).rows
    matched = helpers.calls_to(monkeypatch, Filters, "ids")
    pd.testing.assert_frame_equal(stored.counted(loaded_engine, filters).rows, expected)
    assert len(matched) == 1  # summary.counted's own reading of the filters, no second one to decide
    pd.testing.assert_frame_equal(
        stored.over_time(loaded_engine, ids).counts, summary.over_time(loaded_engine, ids).counts
    )
    assert stored.evidence_count(loaded_engine, ids) == headlines.evidence_count(loaded_engine, ids)
    pd.testing.assert_frame_equal(
        stored.asks_by_actor(loaded_engine, chosen), owners.asks_by_actor(loaded_engine, chosen)
    )
    pd.testing.assert_frame_equal(
        stored.chronic_asks(loaded_engine, "en", ids=chosen),
        recurrence.chronic_asks(loaded_engine, pd.DataFrame({"id": list(chosen)}), lang="en"),
    )
    assert _stored_rows(loaded_engine) == []
    stored.counted(loaded_engine, Filters())
    assert [row[0] for row in _stored_rows(loaded_engine)] == ["counted"]


def test_a_store_waits_behind_a_long_write_and_the_reader_never_does(loaded_engine, monkeypatch):
    """While another writer holds the lock (a load's transaction holds it for minutes), the reader gets its value at
    once; the store is tried again (each try waits 0.2 s at most) and lands once the lock is free. Every other
    connection still waits as long as before."""
    monkeypatch.setattr(stored._Writer, "PAUSE", 0.05)
    holder = loaded_engine.connect()
    if loaded_engine.dialect.name == "sqlite":
        holder.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, as a load's transaction takes it
    else:
        holder.exec_driver_sql("LOCK TABLE stored_read IN EXCLUSIVE MODE")  # reads go on, writes wait
    tried = helpers.calls_to(monkeypatch, stored, "waiting_briefly")
    try:
        assert stored.evidence_count(loaded_engine) == headlines.evidence_count(loaded_engine)
        for _ in range(200):  # until the store has found the lock taken at least twice
            if len(tried) >= 2:
                break
            time.sleep(0.05)
        assert len(tried) >= 2
    finally:
        holder.rollback()
        holder.close()
    assert [row[0] for row in _stored_rows(loaded_engine)] == ["evidence_count"]  # landed once the lock was free
    if loaded_engine.dialect.name == "sqlite":
        pooled = [loaded_engine.connect() for _ in range(3)]  # the store's connection among them
        try:
            assert [c.exec_driver_sql("PRAGMA busy_timeout").scalar() for c in pooled] == [SQLITE_BUSY_MS] * 3
        finally:
            for conn in pooled:
                conn.close()


def test_a_damaged_stored_read_is_worked_out_and_stored_again(loaded_engine, monkeypatch, caplog):
    fresh = summary.over_time(loaded_engine, None)
    stored.over_time(loaded_engine)
    stored.flush()
    with loaded_engine.begin() as conn:
        conn.execute(stored.STORED.update().where(stored.STORED.c.part == "counts").values(payload=b"not arrow"))
    with caplog.at_level(logging.WARNING, logger=stored.__name__):
        _same(stored.over_time(loaded_engine), fresh)
    assert "the stored read 'over_time' could not be read" in caplog.text
    stored.flush()
    _never_again(monkeypatch)
    _same(stored.over_time(loaded_engine), fresh)  # stored again, whole
    assert len(_stored_rows(loaded_engine)) == 2


def test_a_draft_never_reaches_a_stored_read(loaded_engine):
    """Drafts (one with draft-only evidence, one returned with a comment) are a write, so every read is worked out and
    stored again: each says what it said before them, and no stored byte holds the drafts' words."""
    from tests.apiclient import MARK, record_drafts

    today = dt.date.today()

    def every_read() -> list[object]:
        found = [keep(loaded_engine) for keep, _ in READS.values()]
        return [
            *found,
            stored.overall_statuses(loaded_engine, today, None),
            stored.newest_evidence(loaded_engine, today),
        ]

    before = every_read()
    stamp = stored.stamp(loaded_engine)
    record_drafts(loaded_engine)
    assert stored.stamp(loaded_engine) != stamp  # not vacuous: the drafts changed the data's version
    after = every_read()
    for kept, fresh in zip(after[:-2], before[:-2], strict=True):
        _same(kept, fresh)
    assert after[-2:] == before[-2:]
    stored.flush()
    with loaded_engine.connect() as conn:
        payloads = conn.execute(select(stored.STORED.c.stamp, stored.STORED.c.payload)).all()
    assert payloads and all(row_stamp != stamp for row_stamp, _ in payloads)  # all stored again, after the drafts
    assert not any(MARK.encode() in bytes(payload) for _, payload in payloads)


# --- a load stores the Overview's reads when asked (``load --prepare``) ----------------------------------------------

OVERVIEW = ("counted", "disagreement_rows", "evidence_count", "over_time")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path) -> str:
    """A database that holds nothing yet, for ``load`` to fill."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'loaded.db'}"
    bare = request.getfixturevalue("pg_bare")
    return bare.url.render_as_string(hide_password=False)


def test_a_load_that_changes_the_data_stores_the_overviews_reads_for_the_first_reader(empty_url, monkeypatch):
    from models.db import make_engine
    from tests.conftest import run_cli

    url = empty_url
    result = run_cli("load", "--prepare", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "the Overview's figures of the whole data worked out and stored in" in result.stdout
    engine = make_engine(url)
    try:
        now = stored.stamp(engine)
        assert sorted({name for name, _, stamp in _stored_rows(engine) if stamp == now}) == list(OVERVIEW)
        fresh = {name: READS[name][1](engine) for name in OVERVIEW}
        _never_again(monkeypatch)  # the first reader reads them
        for name in OVERVIEW:
            _same(READS[name][0](engine), fresh[name])
        again = run_cli("load", "--prepare", env={"DATABASE_URL": url})  # nothing changed: nothing to store again
        assert again.returncode == 0 and "figures" not in again.stdout + again.stderr
    finally:
        engine.dispose()


def test_a_load_stores_them_only_when_asked(tmp_path):
    from models.db import make_engine
    from tests.conftest import run_cli

    url = f"sqlite:///{tmp_path / 'loaded.db'}"
    result = run_cli("load", env={"DATABASE_URL": url})
    assert result.returncode == 0 and "figures" not in result.stdout
    engine = make_engine(url)
    try:
        assert headlines.evidence_count(engine) > 0 and not _stored_rows(engine)
    finally:
        engine.dispose()


def test_a_load_whose_figures_cannot_be_stored_is_still_a_load(tmp_path, monkeypatch):
    from models.db import make_engine
    from tests.conftest import run_cli

    def refused(engine: object) -> None:
        raise RuntimeError("the database user may only read stored_read")

    monkeypatch.setattr(stored, "prepare", refused)
    url = f"sqlite:///{tmp_path / 'loaded.db'}"
    result = run_cli("load", "--prepare", env={"DATABASE_URL": url})
    assert result.returncode == 0
    assert "the Overview's figures were not stored (the database user may only read stored_read)" in result.stderr
    engine = make_engine(url)
    try:
        assert headlines.evidence_count(engine) > 0 and not _stored_rows(engine)
    finally:
        engine.dispose()
