"""An empty database is made from the stored statements of the newest schema (``models.snapshot``): they are the
migrations' own, they build what Alembic builds, and a failure leaves the database empty."""

import pytest
from sqlalchemy import inspect, text

from models import snapshot
from models.db import HEAD, alembic_upgrade, make_engine, migrate, revision


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bare(request, tmp_path):
    """Two empty databases of one kind (nothing in them, not even a schema)."""
    if request.param == "sqlite":
        engines = [make_engine(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db")]
        yield engines
        for engine in engines:
            engine.dispose()
        return
    from tests.conftest import _pg_database

    server = request.getfixturevalue("pg_server")
    made = [_pg_database(server), _pg_database(server)]
    yield [next(m) for m in made]
    for m in made:
        next(m, None)


def _capture(engine) -> str:
    with engine.connect() as conn:
        found = snapshot.capture(conn, alembic_upgrade)
        conn.commit()
    return snapshot.render(engine.dialect.name, HEAD, found)


def test_the_stored_statements_are_those_the_migrations_run_now(bare):
    """A migration added or changed without ``make schema-snapshot`` fails here (an empty database would otherwise
    get the older schema, or none of the new revision)."""
    engine = bare[0]
    stored = snapshot.path(engine.dialect.name).read_text(encoding="utf-8")
    assert _capture(engine) == stored, "the schema file is behind the migrations: run `make schema-snapshot`"
    assert snapshot.script(engine.dialect.name, HEAD) == stored


def _schema(engine) -> dict[str, list[tuple]]:
    """Everything a schema holds, as the database describes it."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            queries = {"objects": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"}
        else:
            queries = {
                "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default, "
                "character_maximum_length FROM information_schema.columns WHERE table_schema = 'public' "
                "ORDER BY 1, 2",
                "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
                "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "ORDER BY 1, 2",
                "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE NOT tgisinternal ORDER BY 1, 2",
                "functions": "SELECT proname, pg_get_functiondef(oid) FROM pg_proc "
                "WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
                "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1",
                "sequences": "SELECT sequence_name, data_type, start_value, increment "
                "FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1",
            }
        out = {name: [tuple(row) for row in conn.execute(text(sql))] for name, sql in queries.items()}
        out["version"] = [(revision(conn),)]
    return out


def test_an_empty_database_made_from_the_statements_is_the_one_alembic_makes(bare):
    by_alembic, by_file = bare
    with by_alembic.connect() as conn:
        alembic_upgrade(conn)
        conn.commit()
    migrate(by_file)
    made = _schema(by_file)
    assert made == _schema(by_alembic)
    assert made["version"] == [(HEAD,)]
    assert len(made["objects" if by_file.dialect.name == "sqlite" else "triggers"]) > 10  # the comparison saw them


def test_a_stored_statement_that_fails_leaves_the_database_empty(bare, tmp_path, monkeypatch):
    engine = bare[0]
    folder = tmp_path / "head"
    folder.mkdir()
    good = snapshot.path(engine.dialect.name).read_text(encoding="utf-8")
    (folder / snapshot.path(engine.dialect.name).name).write_text(good + "\nCREATE TABLE actor (id INTEGER);\n")
    monkeypatch.setattr(snapshot, "FOLDER", folder)
    with pytest.raises(Exception, match="actor"):
        migrate(engine)
    assert inspect(engine).get_table_names() == []
    monkeypatch.undo()
    migrate(engine)
    with engine.connect() as conn:
        assert revision(conn) == HEAD


def test_a_file_of_another_revision_is_not_used(bare, tmp_path, monkeypatch):
    """A file older than ``HEAD`` (a migration added, the file not written again): Alembic builds the schema."""
    engine = bare[0]
    folder = tmp_path / "head"
    folder.mkdir()
    stale = (
        snapshot.path(engine.dialect.name).read_text(encoding="utf-8").replace(f"revision {HEAD}.", "revision 0001.")
    )
    (folder / snapshot.path(engine.dialect.name).name).write_text(stale)
    monkeypatch.setattr(snapshot, "FOLDER", folder)
    assert snapshot.script(engine.dialect.name, HEAD) is None
    migrate(engine)
    with engine.connect() as conn:
        assert revision(conn) == HEAD


def test_the_statements_split_where_sqlite_ends_them():
    """A trigger's body holds semicolons; the header's comments are not statements."""
    text_ = (
        "-- header\n-- more\n\nCREATE TABLE a (x TEXT DEFAULT ';');\n\n"
        "CREATE TRIGGER t BEFORE UPDATE ON a BEGIN\n SELECT RAISE(ABORT, 'no; never');\nEND;\n"
    )
    assert snapshot.statements(text_) == [
        "CREATE TABLE a (x TEXT DEFAULT ';');",
        "CREATE TRIGGER t BEFORE UPDATE ON a BEGIN\n SELECT RAISE(ABORT, 'no; never');\nEND;",
    ]
    with pytest.raises(ValueError, match="unfinished"):
        snapshot.statements("CREATE TABLE b (x TEXT\n")


def test_a_statement_with_parameters_is_not_stored(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        with pytest.raises(ValueError, match="cannot hold"):
            snapshot.capture(conn, lambda c: c.execute(text("CREATE TABLE p AS SELECT :v AS v"), {"v": 1}))
    engine.dispose()


def test_the_command_writes_the_file_of_an_empty_database_and_refuses_another(tmp_path, monkeypatch, capsys):
    stored = snapshot.path("sqlite").read_text(encoding="utf-8")
    monkeypatch.setattr(snapshot, "FOLDER", tmp_path / "head")
    url = f"sqlite:///{tmp_path / 'new.db'}"
    snapshot.main([url])
    assert (tmp_path / "head" / "sqlite.sql").read_text(encoding="utf-8") == stored
    assert capsys.readouterr().out.strip() == str(tmp_path / "head" / "sqlite.sql")
    with pytest.raises(SystemExit, match="not empty"):
        snapshot.main([url])  # now upgraded: a capture would hold nothing
