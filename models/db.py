"""Engine and schema migrations.

The database is the URL the caller passes (``recommendations.settings`` reads it
from ``DATABASE_URL``: a SQLite file by default, PostgreSQL for multi-user
deployments). The schema is owned by Alembic: ``migrate`` brings any database
to the latest revision and is called by the loader and by the app at start-up,
so nobody runs migrations by hand. Several app servers may start at
once: ``exclusive`` serialises migrations and the first load (a PostgreSQL
advisory lock; a lock file beside a SQLite database).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, exc, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from models import snapshot
from models.sqlite_threads import unmetered

if TYPE_CHECKING:
    from alembic.config import Config

unmetered()  # before this process opens any database: reads on threads then run side by side (see that module)

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration's revision. ``migrate`` compares a database's with it and imports Alembic only when they
#: differ: importing it is about 0.08 s of the start of every command and server (a test holds this to Alembic's
#: own head, so a new migration cannot be forgotten here).
HEAD = "0014"

# PostgreSQL advisory lock keys (any two fixed 64-bit numbers unique to this application).
MIGRATE_LOCK = 7_424_001
BOOTSTRAP_LOCK = 7_424_002


SQLITE_BUSY_MS = 30_000  # several processes: wait for the writer instead of failing


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


@contextlib.contextmanager
def waiting_briefly(engine: Engine, milliseconds: int) -> Iterator[Connection]:
    """A transaction that fails after waiting ``milliseconds`` for another's lock, where every other waits up to
    ``SQLITE_BUSY_MS``: for best-effort writes that are tried again later (the stored reads' writer, ``read.stored``).
    On a SQLite file still in rollback mode (``_write_ahead``) a write that waits to commit makes new reads wait for
    it, so it must not wait long; in write-ahead-log mode it holds up only other writers."""
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            with conn.begin():
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(milliseconds)}ms'")
                yield conn
            return
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(milliseconds)}")
        conn.commit()
        try:
            with conn.begin():
                yield conn
        finally:  # the pooled connection waits as every other again
            conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            conn.commit()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine | None = None, connection: Connection | None = None) -> Config:
    """The configuration ``alembic.ini`` gives the command line, pointed at this engine or connection."""
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextlib.contextmanager
def exclusive(engine: Engine, key: int) -> Iterator[Connection]:
    """Hold an application-wide lock across processes; yield the connection that holds it.

    PostgreSQL: a session advisory lock on that connection. SQLite: an exclusive lock on a file
    beside the database (in-memory databases need none).
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
            return
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            yield conn
            return
        with open(f"{database}.lock-{key}", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield conn
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision (a no-op when current); safe from several processes.

    An empty database gets the newest schema from its stored statements (``snapshot``), without Alembic; one with an
    older schema is upgraded by Alembic. Either way in one transaction: a failure leaves the database as it was."""
    with exclusive(engine, MIGRATE_LOCK) as conn:
        current = revision(conn)
        conn.commit()
        if current != HEAD:
            stored = snapshot.script(engine.dialect.name, HEAD) if current is None else None
            if stored is None:
                alembic_upgrade(conn)
            else:
                _begin(conn)
                snapshot.replay(conn, stored)
            conn.commit()
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            _write_ahead(conn)


def alembic_upgrade(conn: Connection) -> None:
    """Alembic's upgrade to its head, in a transaction the caller commits."""
    from alembic import command

    _begin(conn)
    command.upgrade(alembic_config(connection=conn), "head")


def _begin(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # One transaction for the whole upgrade, as on PostgreSQL: Python's sqlite3 otherwise commits each DDL
        # statement on its own (a disk sync each: 0.18 of the 0.23 s an empty database took), and an upgrade that
        # failed half way left the schema half upgraded.
        conn.exec_driver_sql("BEGIN")


def revision(conn: Connection) -> str | None:
    """The database's schema revision, as Alembic records it (None: no schema yet)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return None if found is None else str(found)


def _write_ahead(conn: Connection) -> None:
    """A SQLite file in write-ahead-log mode (kept in the file): readers and the writer no longer wait for each other.

    In the default (rollback) mode a write waiting to commit makes every new read wait: the warm-up's store of a
    value it had worked out held the first Overview of a fresh server up to 1.5 s behind it (10,000 recommendations).
    The mode needs every process on one machine (not a network file system), as this default deployment is; the
    file gains two companions (``-wal``, ``-shm``), which is why a copy of a running database is made with SQLite's
    ``.backup``, not ``cp``. A database another process holds open keeps its mode until the next start."""
    conn.exec_driver_sql("PRAGMA busy_timeout=1000")  # a start is not held up long by another process's reader
    try:
        mode = conn.exec_driver_sql("PRAGMA journal_mode=WAL").scalar()
    except exc.OperationalError as error:
        log.warning("SQLite stays in its journal mode (%s): another process has the database open", error)
        return
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    if mode != "wal":
        log.warning("SQLite stays in journal mode %s", mode)


def is_empty(db: Engine | Connection) -> bool:
    """True when no sources have been loaded (or the schema is missing); on a connection, as its transaction sees it."""
    if not inspect(db).has_table("source"):
        return True
    if isinstance(db, Connection):
        return db.exec_driver_sql("SELECT 1 FROM source LIMIT 1").first() is None
    with db.connect() as conn:
        return is_empty(conn)
