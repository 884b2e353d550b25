"""A reload compares only the tables written since the last load of the same files (``load_state.digests``, on
PostgreSQL): it reports and leaves exactly what comparing every table does, whatever was written and by whom."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Engine

from models import tables
from recommendations.audit import audit
from recommendations.dataset.load_state import digests
from recommendations.dataset.loader import load_folder
from recommendations.dataset.records import LOADED
from tests.conftest import _pg_database
from tests.helpers import app_assessment, content

HISTORY = ["assessment", "assessment_evidence", "assessment_review"]
ALL = [table.name for table in LOADED]


@pytest.fixture
def twins(pg_server, pg_loaded_template) -> Iterator[tuple[Engine, Engine]]:
    """Two PostgreSQL databases holding data/ as a load leaves it (its digests remembered)."""
    made = [_pg_database(pg_server, pg_loaded_template) for _ in range(2)]
    yield next(made[0]), next(made[1])
    for rest in made:
        next(rest, None)


def _forget_digests(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(tables.LOAD_STATE).where(tables.LOAD_STATE.c.name.startswith("digest ")))


def _theme_edited(conn) -> None:
    conn.execute(update(tables.T).where(tables.T.c.id == "recruitment").values(name="Edited"))
    audit(conn, "someone", "edit", "theme", "recruitment")


def _recommendation_edited(conn) -> None:
    recs = tables.R
    conn.execute(update(recs).where(recs.c.id == "mmn2016-03").values(text="Edited behind the files' back."))
    audit(conn, "someone", "edit", "recommendation", "mmn2016-03")


def _addressee_removed(conn) -> None:
    addressees = tables.AD
    first = conn.execute(select(addressees.c.recommendation_id, addressees.c.actor_id).limit(1)).one()
    conn.execute(
        delete(addressees).where(
            addressees.c.recommendation_id == first.recommendation_id, addressees.c.actor_id == first.actor_id
        )
    )
    audit(conn, "someone", "remove", "addressee", first.recommendation_id)


def _source_text_published(conn) -> None:  # a source whose YAML holds no text keeps the app's (_keep_app_texts)
    sources = tables.S
    textless = conn.execute(select(sources.c.id).where(sources.c.full_text.is_(None)).order_by(sources.c.id)).first()
    conn.execute(update(sources).where(sources.c.id == textless.id).values(full_text="Published in the app."))
    audit(conn, "someone", "publish", "source", textless.id)


def _written_and_undone(conn) -> None:
    theme = tables.T
    name = conn.execute(select(theme.c.name).where(theme.c.id == "recruitment")).scalar_one()
    _theme_edited(conn)
    conn.execute(update(theme).where(theme.c.id == "recruitment").values(name=name))


WRITES: dict[str, tuple[Callable, set[str]]] = {
    # what was written: the tables then compared (the rest were as the last load left them)
    "a theme edited": (_theme_edited, {"theme"}),
    "a recommendation edited, which a source's diff reads": (_recommendation_edited, {"recommendation", "source"}),
    "an addressee removed": (_addressee_removed, {"addressee"}),
    "a source's text published": (_source_text_published, {"source"}),
    "a write undone": (_written_and_undone, set()),
}


@pytest.mark.postgres
@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_a_reload_compares_the_tables_written_since_and_ends_as_comparing_all_does(twins, data_copy, write):
    change, compared = WRITES[write]
    with_digests, without = twins
    for engine in twins:
        with engine.begin() as conn:
            change(conn)
    _forget_digests(without)

    skipping, full = load_folder(data_copy, with_digests), load_folder(data_copy, without)
    assert sorted(set(ALL) - set(skipping.skipped)) == sorted(compared)
    assert full.skipped == []
    assert {n: vars(t) for n, t in skipping.tables.items()} == {n: vars(t) for n, t in full.tables.items()}
    assert content(with_digests) == content(without)


@pytest.mark.postgres
def test_an_assessment_recorded_in_the_app_compares_the_history_alone(twins, data_copy):
    for engine in twins:
        app_assessment(engine, "app-1", "mmn2016-03")
    with_digests, without = twins
    _forget_digests(without)
    skipping, full = load_folder(data_copy, with_digests), load_folder(data_copy, without)
    assert sorted(set(ALL) - set(skipping.skipped)) == HISTORY
    assert skipping.tables["assessment"].kept == 1 and not skipping.changed
    assert {n: vars(t) for n, t in skipping.tables.items()} == {n: vars(t) for n, t in full.tables.items()}
    assert content(with_digests) == content(without)


@pytest.mark.postgres
def test_a_table_the_load_changed_is_compared_once_more_then_trusted(twins, data_copy):
    engine = twins[0]
    with engine.begin() as conn:
        _theme_edited(conn)
    first = load_folder(data_copy, engine)
    assert first.tables["theme"].updated == 1
    with engine.connect() as conn:
        remembered = {r.name for r in conn.execute(select(tables.LOAD_STATE.c.name))}
    assert "digest theme" not in remembered and "digest actor" in remembered  # written: its digest is not trusted
    with engine.begin() as conn:  # the app writes elsewhere
        audit(conn, "someone", "edit", "nothing", "-")
    again = load_folder(data_copy, engine)
    assert sorted(set(ALL) - set(again.skipped)) == ["theme"] and not again.changed
    with engine.begin() as conn:
        audit(conn, "someone", "edit", "nothing", "-")
    assert sorted(set(ALL) - set(load_folder(data_copy, engine).skipped)) == []


@pytest.mark.postgres
def test_digests_of_other_files_are_not_used(twins, data_copy):
    engine = twins[0]
    themes = data_copy / "themes.yaml"
    themes.write_text(themes.read_text().replace("name: Recruitment and fees", "name: Recruitment, and fees", 1))
    report = load_folder(data_copy, engine)
    assert report.skipped == [] and report.tables["theme"].updated == 1


@pytest.mark.postgres
def test_a_first_load_remembers_every_tables_digest_as_it_left_it(pg_engine, data_copy):
    load_folder(data_copy, pg_engine)
    with pg_engine.connect() as conn:
        stored = {
            r.name.removeprefix("digest "): r.value
            for r in conn.execute(select(tables.LOAD_STATE.c.name, tables.LOAD_STATE.c.value))
            if r.name.startswith("digest ")
        }
        assert stored == digests(conn, LOADED) and sorted(stored) == sorted(ALL)


@pytest.mark.postgres
def test_a_digest_changes_with_any_column_and_comes_back_with_the_content(pg_loaded):
    theme, recs = tables.T, tables.R
    with pg_loaded.begin() as conn:
        before = digests(conn, [tables.T, tables.R])
        changes = [
            update(theme).where(theme.c.id == "recruitment").values(description=None),  # a value to NULL
            update(recs).where(recs.c.id == "mmn2016-03").values(problems=["x"]),  # JSON
            update(recs).where(recs.c.id == "mmn2016-03").values(text_end=5),  # the app's column
        ]
        seen = {before["theme"] + before["recommendation"]}
        for change in changes:
            savepoint = conn.begin_nested()
            conn.execute(change)
            now = digests(conn, [tables.T, tables.R])
            seen.add(now["theme"] + now["recommendation"])
            savepoint.rollback()
        assert len(seen) == 1 + len(changes)
        conn.execute(text("UPDATE theme SET name = name"))  # a new row version, the same content
        assert digests(conn, [tables.T, tables.R]) == before
        assert before["theme"].split(":")[0] == str(conn.execute(text("SELECT count(*) FROM theme")).scalar_one())


def test_sqlite_remembers_no_digest_and_compares_every_table(sqlite_engine, data_copy):
    load_folder(data_copy, sqlite_engine)
    with sqlite_engine.begin() as conn:
        _theme_edited(conn)
        assert digests(conn, LOADED) == {}
    report = load_folder(data_copy, sqlite_engine)
    assert report.skipped == [] and report.tables["theme"].updated == 1
    with sqlite_engine.connect() as conn:
        assert [r for r in conn.execute(select(tables.LOAD_STATE.c.name)) if r.name.startswith("digest ")] == []


@pytest.mark.postgres
def test_a_source_is_compared_again_when_only_the_recommendations_changed(twins, data_copy):
    """A source with a recommendation published in the app keeps the app's text (``sync._keep_app_texts``); once
    that recommendation is gone, the next reload puts the files' text back, though the source was not written."""
    with_digests, without = twins
    recs, sources = tables.R, tables.S
    with with_digests.connect() as conn:
        source, kind = conn.execute(
            select(recs.c.source_id, recs.c.kind).join(sources, sources.c.id == recs.c.source_id)
            .where(sources.c.full_text.is_not(None)).order_by(recs.c.id)
        ).first()  # fmt: skip
    for engine in twins:
        with engine.begin() as conn:
            row = {"id": "app-rec", "source_id": source, "position": 999, "text": "Published in the app.",
                   "title": "In the app", "kind": kind, "problems": [], "origin": "app"}  # fmt: skip
            conn.execute(recs.insert().values(row))
            conn.execute(update(sources).where(sources.c.id == source).values(full_text="The app's text."))
            audit(conn, "someone", "publish", "source", source)
    steps = [lambda conn: None, lambda conn: conn.execute(delete(recs).where(recs.c.id == "app-rec"))]
    for step, text_now in zip(steps, ["The app's text.", None], strict=True):
        for engine in twins:
            with engine.begin() as conn:
                step(conn)
                audit(conn, "someone", "edit", "recommendation", "app-rec")
        _forget_digests(without)
        skipping, full = load_folder(data_copy, with_digests), load_folder(data_copy, without)
        assert {n: vars(t) for n, t in skipping.tables.items()} == {n: vars(t) for n, t in full.tables.items()}
        assert content(with_digests) == content(without)
        with with_digests.connect() as conn:
            kept = conn.execute(select(sources.c.full_text).where(sources.c.id == source)).scalar_one()
        assert (kept == text_now) if text_now else (kept != "The app's text.")


@pytest.mark.postgres
def test_an_edit_no_audit_or_count_sees_is_found_and_undone_by_the_next_load(pg_engine, data_copy):
    """The audit version (the last audit entry, the row counts) misses a recommendation's text edited by SQL; the
    digests do not, so the load compares, and the verbatim text comes back from the files."""
    recs = tables.R
    load_folder(data_copy, pg_engine)
    assert load_folder(data_copy, pg_engine).unchanged_files  # nothing written: the digests agree
    with pg_engine.begin() as conn:
        verbatim = conn.execute(select(recs.c.text).where(recs.c.id == "mmn2016-03")).scalar_one()
        conn.execute(update(recs).where(recs.c.id == "mmn2016-03").values(text="Reworded behind the files' back."))
    report = load_folder(data_copy, pg_engine)
    assert not report.unchanged_files and report.tables["recommendation"].updated == 1
    assert sorted(set(ALL) - set(report.skipped)) == ["recommendation", "source"]
    with pg_engine.connect() as conn:
        assert conn.execute(select(recs.c.text).where(recs.c.id == "mmn2016-03")).scalar_one() == verbatim


@pytest.mark.postgres
def test_such_an_edit_is_found_too_in_a_table_the_last_load_wrote(pg_engine, data_copy):
    """A table the last load changed has no digest to skip it by, but the one it had at that load's end still tells
    the no-change check that it was edited since."""
    recs = tables.R
    load_folder(data_copy, pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(update(recs).where(recs.c.id == "mmn2016-03").values(text="Reworded in the app."))
        audit(conn, "someone", "edit", "recommendation", "mmn2016-03")
    assert load_folder(data_copy, pg_engine).tables["recommendation"].updated == 1  # the files' text back
    with pg_engine.connect() as conn:
        verbatim = conn.execute(select(recs.c.text).where(recs.c.id == "mmn2016-03")).scalar_one()
        names = {r.name for r in conn.execute(select(tables.LOAD_STATE.c.name))}
    assert "digest recommendation" not in names and "seen recommendation" in names
    with pg_engine.begin() as conn:  # by SQL: no audit entry, every count the same
        conn.execute(update(recs).where(recs.c.id == "mmn2016-03").values(text="Reworded behind the files' back."))
    report = load_folder(data_copy, pg_engine)
    assert not report.unchanged_files and report.tables["recommendation"].updated == 1
    with pg_engine.connect() as conn:
        assert conn.execute(select(recs.c.text).where(recs.c.id == "mmn2016-03")).scalar_one() == verbatim
    assert load_folder(data_copy, pg_engine).unchanged_files  # nothing written since: the digests seen agree
