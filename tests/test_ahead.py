"""A first load on PostgreSQL moves the rows in during the read (``dataset.ahead``): the same database as the usual
way, statistics gathered, and on any problem nothing kept and the usual way's answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models import tables
from models.db import is_empty
from recommendations.dataset import ahead as ahead_module
from recommendations.dataset.ahead import Ahead
from recommendations.dataset.loader import DataInvalid, load_folder
from recommendations.dataset.records import LOADED, WRITES
from tests.conftest import DATA
from tests.helpers import snapshot
from tests.test_filling import _schema

pytestmark = pytest.mark.postgres
NAMES = [t.name for t in LOADED]


@pytest.fixture(autouse=True)
def _reading(configure):
    """Every load reads the files: rows kept by an earlier test's load would be moved in the usual way."""
    configure(load_cache=None)


def _spied(monkeypatch: pytest.MonkeyPatch) -> list[Ahead]:
    """Every ``Ahead`` a load starts (as it is left when the load ends)."""
    made: list[Ahead] = []
    real = Ahead.__init__

    def init(self: Ahead, engine: Engine) -> None:
        real(self, engine)
        made.append(self)

    monkeypatch.setattr(Ahead, "__init__", init)
    return made


def test_a_first_load_moves_the_rows_in_during_the_read_and_leaves_what_the_usual_way_leaves(
    pg_engine, sqlite_engine, monkeypatch
):
    made = _spied(monkeypatch)
    schema = _schema(pg_engine)
    load_folder(DATA, pg_engine)
    [ahead] = made
    assert ahead.failed is None
    # every table with rows went in during the read; all but the last kinds' were put back and analysed in it
    assert {t.name for t in ahead.copied} >= {"actor", "source", "recommendation", "evidence", "assessment"}
    assert {"actor", "recommendation", "evidence", "assessment"} <= set(ahead.analysed)
    load_folder(DATA, sqlite_engine)  # the usual way (SQLite has no ahead): the same rows
    assert snapshot(pg_engine, *NAMES) == snapshot(sqlite_engine, *NAMES)
    assert _schema(pg_engine) == schema  # every key, index and guard back
    with pg_engine.connect() as conn:  # statistics (pg_statistic: written in the load's transaction) of every table
        held = {n for n in NAMES if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{n}")')).scalar_one()}
        known = set(conn.execute(text("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'")).scalars())
    assert held >= {"actor", "assessment", "evidence"} and held <= known, held - known


def _duplicate_first_assessment(folder: Path) -> int:
    """Append a copy of the first assessment (same id) to assessments.yaml; its line."""
    path = folder / "assessments.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  - id:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  - id:"))
    block = [line for line in lines[start:end] if line.strip()]
    path.write_text("".join(lines) + "\n" + "".join(block), encoding="utf-8")
    return len(lines) + 2


def test_a_key_the_server_refuses_during_the_read_is_reported_with_its_line_and_nothing_is_kept(
    pg_engine, data_copy, monkeypatch
):
    made = _spied(monkeypatch)
    schema = _schema(pg_engine)
    line = _duplicate_first_assessment(data_copy)
    with pytest.raises(DataInvalid) as caught:
        load_folder(data_copy, pg_engine)
    assert made and made[0].failed is not None  # the server refused the second row with that key
    assert "duplicate key" in str(made[0].failed)
    said = [f"{p.path}:{p.line}" for p in caught.value.problems]
    assert f"data/assessments.yaml:{line}" in said, said
    assert is_empty(pg_engine) and _schema(pg_engine) == schema


def test_a_problem_found_after_rows_went_in_leaves_the_database_as_it_was(pg_engine, data_copy):
    path = data_copy / "assessments.yaml"
    text_ = path.read_text(encoding="utf-8")
    path.write_text(text_.replace("evidence: [eight-prakas-launched-2013,", "evidence: [no-such-evidence,", 1))
    schema = _schema(pg_engine)
    with pytest.raises(DataInvalid) as caught:
        load_folder(data_copy, pg_engine)
    assert any("no-such-evidence" in p.message for p in caught.value.problems)
    assert is_empty(pg_engine) and _schema(pg_engine) == schema
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM actor")).scalar_one() == 0  # copied early, rolled back


def test_a_failure_of_the_thread_sends_the_load_the_usual_way(pg_engine, sqlite_engine, monkeypatch):
    made = _spied(monkeypatch)

    def broken(self: Ahead, *_: object) -> None:
        raise RuntimeError("the connection went away")

    monkeypatch.setattr(Ahead, "_copy", broken)
    report = load_folder(DATA, pg_engine)
    assert made[0].failed is not None and report.changed
    load_folder(DATA, sqlite_engine)
    assert snapshot(pg_engine, *NAMES) == snapshot(sqlite_engine, *NAMES)


def test_a_database_that_holds_data_is_not_loaded_ahead(pg_loaded, monkeypatch):
    made = _spied(monkeypatch)
    with pg_loaded.begin() as conn:
        conn.execute(text("DELETE FROM load_state"))  # the next load compares everything
    load_folder(DATA, pg_loaded)
    assert made == []


def test_the_kinds_complete_their_tables_in_the_order_of_the_read(pg_engine):
    ahead = Ahead(pg_engine)
    try:
        assert ahead.reading("actors") == []
        assert ahead.reading("actors") == []
        assert ahead.reading("themes") == [tables.ACT]
        assert ahead.reading("evidence") == [tables.T, tables.G, tables.S, tables.R, tables.RT, tables.AD, tables.TR]
        assert ahead.failed is None
        assert ahead.reading("actors") == [] and isinstance(ahead.failed, ahead_module.NotAhead)  # out of order
        assert not ahead.finish()
    finally:
        ahead.stop()
    assert is_empty(pg_engine)


def test_the_order_of_the_kinds_is_the_order_of_the_read_and_every_table_is_written_by_one():
    """``records.WRITES`` lists the kinds as ``validate`` meets them and the tables each writes (``record_rows``)."""
    from recommendations.dataset import records

    met: list[str] = []
    written: dict[str, set[str]] = {}
    real = records.record_rows

    def watched(kind, record, root, positions):
        if not met or met[-1] != kind:
            met.append(kind)
        out = real(kind, record, root, positions)
        written.setdefault(kind, set()).update(t.name for t, rows in out if rows)
        return out

    from recommendations.dataset.staging import Staging
    from recommendations.dataset.validate import read_dataset

    staging = Staging(LOADED)
    positions: dict[str, int] = {}
    try:
        read_dataset(DATA, None, keep=False, staging=staging, rows=lambda k, r: watched(k, r, DATA, positions))
    finally:
        staging.close()
    assert met == [k for k in WRITES if k in met] and len(met) == len(set(met))
    for kind, names in written.items():
        assert names <= {t.name for t in WRITES[kind]}, kind
    assert {t for kinds in WRITES.values() for t in kinds} == set(LOADED)


def test_an_engine_that_cannot_connect_leaves_nothing_running():
    from models.db import make_engine

    engine: Engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    ahead = Ahead(engine)
    assert not ahead.finish() and ahead.failed is not None
    ahead.stop()
