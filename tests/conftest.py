"""Shared fixtures: real SQLite and real PostgreSQL databases.

PostgreSQL: the suite starts a throw-away cluster with the machine's pg_ctl.
initdb refuses to run as root, so under root (as in CI) the cluster runs as the
unprivileged ``postgres`` user via runuser. PostgreSQL tests are skipped only
when no server binary exists at all, and the run then says so loudly.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from models.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
_PG_SKIP_REASON: list[str] = []
#: Free memory /dev/shm must have to take the tests' temporary files: a whole run writes up to about 1 GB there (a
#: passing test's files are removed as it ends: pyproject.toml), and each PostgreSQL cluster keeps its WAL.
SHM_MIN_FREE = 2 * 2**30


def _temporary_files_in_memory(shm: Path = Path("/dev/shm")) -> None:
    """Put the tests' temporary files (the PostgreSQL clusters, each test's tmp_path with its SQLite copies, the
    servers' logs, the browser's profiles) in memory when the machine has room, unless TMPDIR says where.

    On this disk (ext4 mounted with ``discard``) each PostgreSQL database a test copies from its template and drops
    cost the server 0.3-0.5 CPU-seconds, most of it creating and deleting files; in memory, 0.05-0.07.
    """
    if os.environ.get("TMPDIR") or not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        return
    if shutil.disk_usage(shm).free < SHM_MIN_FREE:
        return
    root = shm / f"tracker-tests-{os.getuid()}"
    root.mkdir(mode=0o755, exist_ok=True)  # (the cluster's own folder in it belongs to the postgres user)
    os.environ["TMPDIR"] = str(root)  # for the servers, the browser and the command lines the tests start
    tempfile.tempdir = None  # read again: pytest's tmp_path and tempfile in this process follow


_temporary_files_in_memory()


def _kept_rows_per_process() -> None:
    """Loads keep the rows they read (``kept_rows.kept``) in a directory of this test process's own, removed at
    its end: never the user's cache, and never another worker's."""
    directory = tempfile.mkdtemp(prefix="tracker-kept-rows-")
    os.environ["TRACKER_LOAD_CACHE"] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


_kept_rows_per_process()


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_pg_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextlib.contextmanager
def pg_cluster() -> Iterator[str]:
    """A throw-away PostgreSQL cluster; yields its base URL. RuntimeError when the server binaries are missing."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("NO PostgreSQL server binary (initdb/pg_ctl) found: PostgreSQL tests SKIPPED")
    base = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    datadir = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_pg_user([initdb, "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_pg_user(
            [
                pg_ctl, "-D", str(datadir), "-w", "-l", str(base / "log"), "start", "-o",
                f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
            ]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_pg_user([pg_ctl, "-D", str(datadir), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """(host, port) of a throw-away PostgreSQL cluster for this test session."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    try:
        cluster = pg_cluster()
        url = cluster.__enter__()
    except RuntimeError as exc:
        _PG_SKIP_REASON.append(str(exc))
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


def _pg_database(pg_server: str, template: str | None = None):
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = pg_server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    engine = make_engine(f"{pg_server}/{name}")
    yield engine
    engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def pg_bare(pg_server):
    """A fresh PostgreSQL database with nothing in it, not even the schema (for the app's own first start)."""
    yield from _pg_database(pg_server)


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server):
    """An empty PostgreSQL database at the newest schema, as `migrate` leaves it, to copy per test."""
    return _pg_template(pg_server, migrate)


@pytest.fixture
def pg_engine(pg_server, pg_migrated_template):
    """A fresh, empty PostgreSQL database at the newest schema (a copy: the migrations cost a few tenths
    of a second per database; they are tested from nothing in test_migrations and by the app's first start)."""
    yield from _pg_database(pg_server, pg_migrated_template)


@pytest.fixture(scope="session")
def pg_loaded_template(pg_server):
    """A PostgreSQL database holding data/ as `load` leaves it, to copy per test (CREATE DATABASE ... TEMPLATE)."""
    from recommendations.dataset.loader import load_folder

    return _pg_template(pg_server, functools.partial(load_folder, DATA))


@pytest.fixture
def pg_loaded(pg_server, pg_loaded_template):
    """A PostgreSQL database holding data/ (a copy), for PostgreSQL's own behaviour after a load."""
    yield from _pg_database(pg_server, pg_loaded_template)


def _pg_template(pg_server: str, fill: Callable[[Engine], object]) -> str:
    """The name of a new database that ``fill`` filled (no connection left open: a template must have none)."""
    import psycopg

    name = f"tmpl_{uuid.uuid4().hex[:8]}"
    admin = pg_server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(f"{pg_server}/{name}")
    try:
        fill(engine)
    finally:
        engine.dispose()
        # A fill that read the settings (a load reads where to keep its rows) left them cached with the environment
        # of the test that first asked for the template, its DATABASE_URL included: the test then pointed the app
        # at its own database, and the app read the other one ("Your session has ended").
        from recommendations import settings

        settings.reset()
    return name


@pytest.fixture(scope="session")
def sqlite_loaded_template(tmp_path_factory):
    from recommendations import settings
    from recommendations.dataset.loader import load_folder

    path = tmp_path_factory.mktemp("template") / "loaded.db"
    engine = make_engine(f"sqlite:///{path}")
    load_folder(DATA, engine)
    engine.dispose()
    settings.reset()  # as ``_pg_template``: the load read the settings under the first asking test's environment
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded_engine(request, tmp_path):
    """A database with data/ loaded (a copy of one loaded once per session), on SQLite and on PostgreSQL.

    For tests of what is read or written after a load; tests of loading itself load for real.
    """
    if request.param == "sqlite":
        target = tmp_path / "loaded.db"
        shutil.copy(request.getfixturevalue("sqlite_loaded_template"), target)
        engine = make_engine(f"sqlite:///{target}")
        yield engine
        engine.dispose()
    else:
        template = request.getfixturevalue("pg_loaded_template")
        yield from _pg_database(request.getfixturevalue("pg_server"), template)


@pytest.fixture(scope="session")
def sqlite_migrated_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("migrated") / "empty.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_engine(tmp_path, sqlite_migrated_template):
    """A fresh, empty SQLite database at the newest schema (a copy, as ``pg_engine``)."""
    target = tmp_path / "tracker.db"
    shutil.copy(sqlite_migrated_template, target)
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request):
    """Each test using this runs on SQLite and on a real PostgreSQL server."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


def _app_hasher():
    from recommendations.write import auth

    return auth._HASHER


#: The app's own password hasher (argon2id, 64 MiB, 3 passes: about a tenth of a second a hash, on purpose).
APP_HASHER = _app_hasher()


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """Tests in this process hash with argon2id at its smallest cost: hundreds of accounts and log-ins would
    otherwise spend a minute of CPU. test_updates checks the app's own cost; the command line run in a
    subprocess and the servers that the tests start hash at full cost."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from recommendations.write import auth

    monkeypatch.setattr(auth, "_HASHER", PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),)))


@pytest.fixture(autouse=True)
def _stores_settled():
    """What a test's reads handed to the stored reads' writer (``read.stored``) is written before the next test."""
    yield
    from recommendations.read import stored

    stored.flush()


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Every test reads the settings again from its own environment (they are read once per process)."""
    from recommendations import settings

    settings.reset()
    yield
    settings.reset()


@pytest.fixture
def configure():
    """Change some settings for one test: ``configure(client_failure_limit=3)``."""
    import dataclasses

    from recommendations import settings

    def change(**values):
        settings.use(dataclasses.replace(settings.current(), **values))

    return change


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ to break on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def pytest_terminal_summary(terminalreporter):
    for reason in _PG_SKIP_REASON[:1]:
        terminalreporter.section("WARNING", sep="!", red=True, bold=True)
        terminalreporter.line(reason, red=True, bold=True)


@pytest.fixture
def app_db(app_db_empty, request, tmp_path):
    """For AppTests: a copy of the database as the app leaves it on first start (data/ loaded once per test
    session), so each test does not load data/ again. A test marked ``first_start`` gets the empty database and
    sees the app build it."""
    if request.node.get_closest_marker("first_start") is None:
        shutil.copy(request.getfixturevalue("sqlite_loaded_template"), tmp_path / "app.db")


@pytest.fixture
def app_db_empty(tmp_path, monkeypatch):
    """For AppTests: an empty database that the app builds itself, and clean Streamlit caches.

    AppTest shares caches across tests in one process, so they are cleared before and after. AppTest also
    resets Streamlit's process-wide "pages/ folder, legacy mode" flag before every run, which a real server
    clears for good on its first run (ui.through_entrypoint); each run would then start without the
    entrypoint and rerun, dropping a pressed button. Runs here start as on a server that is up and running.
    The first-visit case is covered in the browser (tests/e2e, a fresh server's first request).
    """
    import streamlit as st
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class RunningServerPages(PagesManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", RunningServerPages)
    components = _installed_components()  # (before the patch: the first call scans for real)
    monkeypatch.setattr(manifest_scanner, "scan_component_manifests", lambda: components)
    from streamlit import config

    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")  # visitors see a redacted message; tests want the error
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    config.set_option("client.showErrorDetails", shown)
    st.cache_data.clear()
    st.cache_resource.clear()


@functools.cache
def _installed_components() -> list:
    """Streamlit's scan of every installed distribution for component manifests, done once per test process.

    AppTest scans again on every run (a quarter of a second each); a server scans once, at start. What is
    installed does not change while the tests run.
    """
    from streamlit.components.v2 import manifest_scanner

    return manifest_scanner.scan_component_manifests()


def open_page(page: str | None = None, **params):
    """Open ``page`` (None: the default page) with query ``params`` as a deep link does: the first run of a new
    session goes straight to it (st.navigation picks it by its file name), without running the default page first."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)
    return at.run()


def run_cli(*args: str, env: dict[str, str | None] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m recommendations ARGS`` run in this process: the same parser, commands, exit codes and output,
    without a new interpreter for each call (about 0.7 s of imports, and the full-cost password hash, each).

    ``env`` is laid over this process's environment for the call, as a subprocess's would be (None: unset); the
    settings are read again from it. Engines the command opens are closed after it (a PostgreSQL database must
    be dropped at the end of its test). Tests of the real entry point (``python -m``) run it in a subprocess.
    """
    import io
    import sys

    from models import db
    from recommendations import settings
    from recommendations.cli import main

    engines = []

    def tracked(url: str):
        engines.append(make_engine(url))
        return engines[-1]

    out, err, saved = io.StringIO(), io.StringIO(), {k: os.environ.get(k) for k in (env or {})}
    real_stdin, real_make = sys.stdin, db.make_engine
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    sys.stdin, db.make_engine = io.StringIO(stdin), tracked  # commands import it when they run
    settings.reset()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.stdin, db.make_engine = real_stdin, real_make
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        settings.reset()
        for engine in engines:
            engine.dispose()
    return subprocess.CompletedProcess(["python", "-m", "recommendations", *args], code, out.getvalue(), err.getvalue())
