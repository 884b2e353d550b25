"""The Alembic migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.core import metadata
from models.db import migrate


def test_migrations_match_models(engine):
    migrate(engine)
    migrate(engine)  # a second run is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(engine):
    """The newest migration can be undone and redone; the triggers go and come back with it."""
    from alembic import command
    from sqlalchemy import text

    from models.db import alembic_config

    migrate(engine)
    with engine.connect() as conn:
        command.downgrade(alembic_config(connection=conn), "0001")
        conn.commit()
    with engine.begin() as conn:  # without the triggers an UPDATE is possible again
        conn.execute(text("UPDATE actor SET name = name"))
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_alembic_command_line_works_as_alembic_users_expect(tmp_path):
    import os
    import subprocess
    import sys

    from alembic.script import ScriptDirectory

    from models.db import alembic_config
    from tests.conftest import ROOT

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    alembic = [sys.executable, "-m", "alembic"]
    up = subprocess.run([*alembic, "upgrade", "head"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert up.returncode == 0, up.stderr
    assert "Running upgrade 0001 -> 0002" in up.stderr
    history = subprocess.run([*alembic, "history"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert f"-> {head} (head)" in history.stdout
    current = subprocess.run([*alembic, "current"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert f"{head} (head)" in current.stdout


#: What 0007 and 0012 left on PostgreSQL before 0013: one guard function for every table, building its query with
#: format() and EXECUTE for each row (copied here from models/append_only.py as it was, to test the upgrade from it).
_GENERIC_GUARD = """CREATE OR REPLACE FUNCTION refuse_history_overwrite() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE taken boolean; cond text := '';
   BEGIN
     FOR i IN 1 .. TG_NARGS - 1 LOOP
       cond := cond || CASE WHEN i > 1 THEN ' AND ' ELSE '' END || format('%%I = ($1).%%I', TG_ARGV[i], TG_ARGV[i]);
     END LOOP;
     EXECUTE format('SELECT EXISTS (SELECT 1 FROM %%I.%%I WHERE %%s)', TG_TABLE_SCHEMA, TG_TABLE_NAME, cond)
       INTO taken USING NEW;
     IF taken THEN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation'; END IF;
     RETURN NEW;
   END $$"""


@pytest.mark.postgres
def test_0013_writes_the_insert_guards_out_and_they_refuse_the_same(pg_engine):
    """From the one generic guard (0012) to a guard per table and key (0013): the same inserts refused, with the
    same message, and the generic function gone."""
    from alembic import command
    from sqlalchemy import text

    from models import append_only
    from models.db import alembic_config
    from recommendations.dataset.loader import load_folder
    from tests.conftest import DATA

    load_folder(DATA, pg_engine)
    with pg_engine.connect() as conn:
        command.downgrade(alembic_config(connection=conn), "0012")
        conn.exec_driver_sql(_GENERIC_GUARD)
        for table, keys in append_only.KEYS.items():
            append_only.unguard_inserts(conn, table)
            message = f"{append_only.PREFIX} {table} is part of the history: {append_only.MESSAGES[table]}"
            for number, key in enumerate(keys):
                columns = ", ".join(f"'{c}'" for c in key)
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {table}_no_overwrite_{number} BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION refuse_history_overwrite('{message}', {columns})"
                )
        conn.commit()
    migrate(pg_engine)
    with pg_engine.connect() as conn:
        functions = set(conn.execute(text("SELECT proname FROM pg_proc WHERE proname LIKE '%overwrite%'")).scalars())
        assert functions == {f"{t}_no_overwrite_{n}" for t, keys in append_only.KEYS.items() for n in range(len(keys))}
        taken = conn.execute(text("SELECT id FROM assessment LIMIT 1")).scalar_one()
    with pytest.raises(Exception, match="assessment is part of the history") as caught, pg_engine.begin() as conn:
        conn.execute(text("INSERT INTO assessment SELECT * FROM assessment WHERE id = :id ON CONFLICT DO NOTHING"),
                     {"id": taken})  # fmt: skip
    assert append_only.MESSAGES["assessment"] in str(caught.value)


def test_a_sqlite_file_reads_while_another_connection_writes(tmp_path):
    """migrate puts a SQLite file in write-ahead-log mode: a read goes on while a write holds its lock (in the
    rollback mode it replaced, the read fails at once: the control)."""
    import sqlite3

    from models.db import make_engine

    path = tmp_path / "t.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    for mode, readable in (("wal", True), ("delete", False)):
        writer = sqlite3.connect(path, isolation_level=None)
        assert writer.execute(f"PRAGMA journal_mode={mode}").fetchone()[0] == mode
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("INSERT INTO theme (id, name, description) VALUES ('t', 'T', 'd')")
        reader = sqlite3.connect(path, timeout=0)
        try:
            assert reader.execute("SELECT count(*) FROM theme").fetchone()[0] == 0
            assert readable, mode
        except sqlite3.OperationalError as error:
            assert not readable and "locked" in str(error), (mode, error)
        finally:
            reader.close()
            writer.execute("ROLLBACK")
            writer.close()


def test_migrate_leaves_sqlite_in_write_ahead_mode_and_memory_as_it_is(tmp_path):
    import sqlite3

    from models.db import make_engine

    path = tmp_path / "t.db"
    migrate(make_engine(f"sqlite:///{path}"))
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    memory = make_engine("sqlite://")
    migrate(memory)
    with memory.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"


def test_head_is_alembics_head():
    """``migrate`` skips Alembic when a database is at ``HEAD``: a migration added without moving it fails here."""
    from alembic.script import ScriptDirectory

    from models.db import HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


_MIGRATE = """
import sys
from models.db import make_engine, migrate, revision
engine = make_engine(sys.argv[1])
migrate(engine)
with engine.connect() as conn:
    print(revision(conn), "alembic" in sys.modules)
"""


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_current_database_is_migrated_without_importing_alembic(db, request, tmp_path):
    """A command's start: a database at the newest revision needs nothing of Alembic, nor does an empty one (made
    from the stored statements, ``models.snapshot``); one a revision behind, the control, is upgraded by it."""
    import subprocess
    import sys

    from models.db import HEAD, alembic_config, make_engine
    from tests.conftest import ROOT

    if db == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.db'}"
    else:
        url = request.getfixturevalue("pg_bare").url.render_as_string(hide_password=False)

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", _MIGRATE, url], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run() == f"{HEAD} False"  # empty: made from the stored statements
    assert run() == f"{HEAD} False"  # current: nothing imported
    from alembic import command

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            command.downgrade(alembic_config(connection=conn), "-1")
            conn.commit()
    finally:
        engine.dispose()
    assert run() == f"{HEAD} True"  # a revision behind: upgraded again


def test_an_upgrade_that_fails_half_way_leaves_a_sqlite_database_as_it_was(tmp_path, monkeypatch):
    """One transaction for a whole upgrade on SQLite too: a migration that fails after others have run undoes them
    all, and the next start upgrades from where the database was."""
    import shutil

    from sqlalchemy import inspect

    import models.db as db

    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0099_fails.py").write_text(
        'revision = "0099"\ndown_revision = "' + db.HEAD + '"\nbranch_labels = None\ndepends_on = None\n\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n\n"
        "def upgrade() -> None:\n    op.create_table('half_way', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    raise RuntimeError('this migration fails')\n"
    )
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with monkeypatch.context() as patch:
        patch.setattr(db, "MIGRATIONS", scripts)
        patch.setattr(db, "HEAD", "0099")  # newer than the stored statements: Alembic upgrades
        with pytest.raises(RuntimeError, match="this migration fails"):
            db.migrate(engine)
    assert inspect(engine).get_table_names() == []  # not the 14 revisions before it, nor half of the last
    db.migrate(engine)
    with engine.connect() as conn:
        assert db.revision(conn) == db.HEAD
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
