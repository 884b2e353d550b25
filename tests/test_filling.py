"""models.filling: a first load on PostgreSQL fills its empty tables without a key check per row, held alone, and
every foreign key, index and insert guard is back, checked, when the transaction ends (committed or not)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from models.append_only import refusal
from models.filling import Filling, filling
from recommendations.dataset.loader import load_folder
from tests.conftest import DATA


def _schema(engine: Engine) -> tuple[list[tuple[str, ...]], ...]:
    """The foreign keys, indexes and triggers (with whether each is on) of the database's own tables."""
    with engine.connect() as conn:
        keys = conn.execute(
            text("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE contype = 'f'")
        ).all()  # fmt: skip
        indexes = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")).all()
        triggers = conn.execute(text("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal")).all()
    return sorted(map(tuple, keys)), sorted(map(tuple, indexes)), sorted(map(tuple, triggers))


def _filled_by(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables a load fills in bulk, as ``Filling`` holds them (during the read or after it)."""
    seen: list[str] = []
    made = Filling.__init__

    def watched(self: Filling, conn, tables: list[str]) -> None:
        made(self, conn, tables)
        seen.extend(self.tables)

    monkeypatch.setattr(Filling, "__init__", watched)
    return seen


@pytest.mark.postgres
def test_a_first_load_fills_in_bulk_and_leaves_every_key_index_and_guard_as_the_migrations_made_them(
    pg_engine, monkeypatch
):
    before = _schema(pg_engine)
    assert any(enabled == "O" for name, enabled in before[2] if "no_overwrite" in name)  # the control: guards on
    filled = _filled_by(monkeypatch)
    load_folder(DATA, pg_engine)
    assert {"recommendation", "evidence", "assessment", "assessment_evidence"} <= set(filled)
    assert _schema(pg_engine) == before
    with pytest.raises(DBAPIError) as caught, pg_engine.begin() as conn:  # and the guard answers again
        conn.execute(text("INSERT INTO assessment SELECT * FROM assessment LIMIT 1"))
    assert "part of the history" in (refusal(caught.value) or "")


@pytest.mark.postgres
def test_a_reload_fills_nothing_in_bulk_not_even_a_table_left_empty(pg_loaded, monkeypatch):
    with pg_loaded.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessment_review")).scalar_one() == 0  # empty, yet:
        conn.execute(text("DELETE FROM load_state"))  # the next load compares everything, as after an app write
    filled = _filled_by(monkeypatch)
    report = load_folder(DATA, pg_loaded)  # a reload: nothing filled in bulk, no table held from the readers
    assert "assessment_review" in report.tables and filled == []
    with pytest.raises(IntegrityError), pg_loaded.begin() as conn:
        with filling(conn, ["assessment_evidence"]) as treated:
            assert treated == []
            conn.execute(text("INSERT INTO assessment_evidence VALUES ('no-such', 'nothing', 0)"))


def test_sqlite_is_left_as_it_is(sqlite_engine):
    with pytest.raises(IntegrityError), sqlite_engine.begin() as conn:
        with filling(conn, ["assessment_evidence"]) as treated:
            assert treated == []
            conn.execute(text("INSERT INTO assessment_evidence VALUES ('no-such', 'nothing', 0)"))


@pytest.mark.postgres
def test_a_row_that_breaks_a_key_is_refused_when_the_key_comes_back_and_nothing_stays(pg_engine):
    before = _schema(pg_engine)
    with pytest.raises(IntegrityError, match="assessment_evidence"), pg_engine.begin() as conn:
        with filling(conn, ["assessment_evidence"]) as treated:
            assert treated == ["assessment_evidence"]
            conn.execute(text("INSERT INTO assessment_evidence VALUES ('no-such', 'nothing', 0)"))  # not checked yet
            assert conn.execute(text("SELECT count(*) FROM assessment_evidence")).scalar_one() == 1
    assert _schema(pg_engine) == before
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessment_evidence")).scalar_one() == 0


@pytest.mark.postgres
def test_two_rows_with_one_key_are_still_refused_while_filling(pg_engine):
    with pytest.raises(IntegrityError, match="duplicate key"), pg_engine.begin() as conn:
        with filling(conn, ["assessment_evidence"]):
            conn.execute(text("INSERT INTO assessment_evidence VALUES ('a', 'e', 0), ('a', 'e', 1)"))


@pytest.mark.postgres
def test_a_failure_while_filling_puts_everything_back(pg_engine):
    before = _schema(pg_engine)
    with pytest.raises(RuntimeError), pg_engine.begin() as conn:
        with filling(conn, ["assessment", "assessment_evidence", "evidence"]):
            raise RuntimeError("stopped half way")
    assert _schema(pg_engine) == before


@pytest.mark.postgres
def test_no_other_session_reads_or_writes_a_table_while_it_is_filled(pg_engine):
    with pg_engine.begin() as conn, filling(conn, ["assessment"]) as treated:
        assert treated == ["assessment"]
        with pg_engine.connect() as other:
            other.execute(text("SET lock_timeout = '200ms'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                other.execute(text("SELECT count(*) FROM assessment"))
            other.rollback()
            other.execute(text("SET lock_timeout = '200ms'"))
            # the control: a table neither filled nor referred to by one that is (those a foreign key names are
            # locked too, while it is dropped and added back)
            assert other.execute(text("SELECT count(*) FROM theme")).scalar_one() == 0


@pytest.mark.postgres
def test_a_first_load_on_postgresql_writes_what_it_writes_on_sqlite(pg_engine, sqlite_engine):
    """Row for row, every loaded table: the staged rows that went straight into their empty tables (COPY) are the
    rows the diff inserts, versions and review numbers included."""
    from sqlalchemy import select

    from models import tables
    from recommendations import sql
    from recommendations.dataset.records import LOADED

    for engine in (pg_engine, sqlite_engine):
        load_folder(DATA, engine)

    def rows(engine: Engine, table) -> list[tuple[str, ...]]:
        return sorted(tuple(str(v) for v in row.values()) for row in sql.rows(engine, select(table)))

    for table in LOADED:
        on_pg, on_sqlite = rows(pg_engine, table), rows(sqlite_engine, table)
        assert on_pg == on_sqlite, table.name
    assert rows(pg_engine, tables.A) and rows(pg_engine, tables.AE)  # the control: the history was loaded


@pytest.mark.postgres
def test_the_keys_indexes_and_guards_go_and_come_back_in_one_message_each(pg_engine):
    from sqlalchemy import event

    sent: list[str] = []

    def seen(_conn, _cursor, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(pg_engine, "before_cursor_execute", seen)
    try:
        with pg_engine.begin() as conn:
            with filling(conn, ["assessment", "assessment_evidence", "evidence"]) as treated:
                assert treated == ["assessment", "assessment_evidence", "evidence"]
                entered = len(sent)
    finally:
        event.remove(pg_engine, "before_cursor_execute", seen)
    dropped = [statement for statement in sent[:entered] if "DROP" in statement]
    assert len(dropped) == 1
    assert all(part in dropped[0] for part in ("DROP CONSTRAINT", "DROP INDEX", "DISABLE TRIGGER"))
    assert len(sent) == entered + 1  # the block's end: one message
    assert all(part in sent[-1] for part in ("CREATE INDEX", "ADD CONSTRAINT", "ENABLE TRIGGER"))
    asked = [statement for statement in sent if "EXISTS (SELECT 1 FROM" in statement]  # empty? before and after
    assert len(asked) == 2 and all(statement.count("EXISTS (SELECT 1 FROM") == 3 for statement in asked)  # the LOCK
