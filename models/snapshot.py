"""The schema at ``HEAD`` for each database, as the statements Alembic's upgrade of an empty database runs.

Why: a new database (a first load, a new server's start) was brought up by Alembic one revision at a time: importing
it and running the 14 revisions' operations took 0.19 s on PostgreSQL, of which 0.05 s in the server, and about
0.13 s on SQLite, a tenth of a first load at 1,000 recommendations. ``migrate`` now runs the same statements from a
file, in one transaction (on PostgreSQL in one round trip), and Alembic only for a database that already has a
schema. The migrations stay the one definition of the schema: the files are captured from a real upgrade
(``capture``, ``python -m models.snapshot``, ``make schema-snapshot``), and tests/test_snapshot.py captures again
and fails when a file is behind, and builds a database both ways and compares them.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

FOLDER = Path(__file__).resolve().parent / "migrations" / "head"
_READS = ("SELECT", "PRAGMA")  # Alembic's look at the database (is there a version table?), not part of the schema
_WRITES = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "COMMENT")


def path(dialect: str) -> Path:
    return FOLDER / f"{dialect}.sql"


def _header(dialect: str, revision: str) -> str:
    return (
        f"-- The statements `alembic upgrade head` runs on an empty {dialect} database, revision {revision}.\n"
        "-- Written by `make schema-snapshot` (models/snapshot.py); tests/test_snapshot.py holds it to the "
        "migrations.\n"
    )


def render(dialect: str, revision: str, statements: list[str]) -> str:
    """The file's text: a header naming the revision, then each statement ended by a semicolon."""
    return _header(dialect, revision) + "".join(f"\n{s.strip().rstrip(';').strip()};\n" for s in statements)


def script(dialect: str, revision: str) -> str | None:
    """The stored statements for ``dialect`` if they are those of ``revision`` (None: no such file, or older)."""
    try:
        text = path(dialect).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return text if text.startswith(_header(dialect, revision)) else None


def statements(text: str) -> list[str]:
    """``text`` (a stored file) split into its statements, as SQLite's own parser ends them (a trigger's body holds
    semicolons); the header's comments dropped."""
    out: list[str] = []
    pending = ""
    for line in text.splitlines(keepends=True):
        if not pending and (line.startswith("--") or not line.strip()):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"an unfinished statement at the end of the schema file: {pending[:80]!r}")
    return out


def replay(conn: Connection, text: str) -> None:
    """Run a stored file's statements on ``conn``, in its transaction (the caller began it and commits)."""
    if conn.dialect.name == "postgresql":
        # one message: the server runs the statements in order, in the transaction psycopg began (no parameters, so
        # psycopg sends it as it is, several statements at once)
        conn.exec_driver_sql("SELECT 1")  # SQLAlchemy's transaction begun, so the caller's commit commits this
        conn.connection.driver_connection.execute(text)  # type: ignore[union-attr]
        return
    for statement in statements(text):
        conn.exec_driver_sql(statement)


def capture(conn: Connection, upgrade: Callable[[Connection], object]) -> list[str]:
    """The statements ``upgrade(conn)`` (Alembic's, on an empty database) runs that make the schema, in order.

    A statement with parameters cannot be stored as SQL: it is refused, as is any statement neither a read nor one
    of ``_WRITES``, so that a migration doing something new is looked at before it is stored."""
    found: list[str] = []

    def seen(_conn: Connection, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        verb = statement.split(None, 1)[0].upper()
        if verb in _READS or (verb == "BEGIN" and not found):
            return
        if verb not in _WRITES or parameters:
            raise ValueError(f"a statement the schema file cannot hold: {statement[:120]!r}")
        found.append(statement)

    event.listen(conn, "before_cursor_execute", seen)
    try:
        upgrade(conn)
    finally:
        event.remove(conn, "before_cursor_execute", seen)
    return found


def write(engine: Engine) -> Path:
    """Capture an upgrade of ``engine``'s empty database (left upgraded) and store it as its dialect's file."""
    from models.db import HEAD, alembic_upgrade, revision

    with engine.connect() as conn:
        if revision(conn) is not None:
            raise SystemExit(f"{engine.url!r} is not empty: the schema file is captured from an empty database")
        found = capture(conn, alembic_upgrade)
        conn.commit()  # as Alembic commits on PostgreSQL: the database is left upgraded, on either
    target = path(engine.dialect.name)
    target.parent.mkdir(exist_ok=True)
    target.write_text(render(engine.dialect.name, HEAD, found), encoding="utf-8")
    return target


def main(argv: list[str]) -> None:
    """``python -m models.snapshot [URL...]``: write the file of each (empty) database's dialect; with no URL, of a new
    SQLite file and of a throw-away PostgreSQL server, as the tests start one (``make schema-snapshot``)."""
    import contextlib
    import importlib
    import tempfile

    from models.db import make_engine

    with contextlib.ExitStack() as stack:
        if not argv:  # the tests' own throw-away server (a developer's tool: the tests are not part of the app)
            pg_cluster = importlib.import_module("tests.conftest").pg_cluster
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            argv = [f"sqlite:///{folder}/empty.db", f"{stack.enter_context(pg_cluster())}/postgres"]
        for url in argv:
            engine = make_engine(url)
            try:
                print(write(engine))
            finally:
                engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
