"""The Alembic migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import SQLModel
from models.db import migrate


def test_migrations_match_models(engine):
    migrate(engine)
    migrate(engine)  # a second run is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
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
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
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
