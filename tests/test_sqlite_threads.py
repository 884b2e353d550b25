"""models.sqlite_threads: SQLite's memory statistics are off in a process that uses the models, so its reads on
threads run side by side; never when a connection is already open, which keeps working."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

_COUNT = """
import ctypes, sqlite3
from models.sqlite_threads import _library, allocated
conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (x)").fetchall()
conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
print(allocated(_library()), conn.execute("SELECT count(*) FROM t ORDER BY x").fetchone()[0])
"""


def _python(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_process_that_uses_the_models_counts_no_allocation():
    assert _python("import models.db\n" + _COUNT) == ["0", "1000"]


def test_the_control_without_the_models_sqlite_counts_them():
    counted, rows = _python(_COUNT)
    assert int(counted) > 0 and rows == "1000"  # the same library: the connection moved its count


def test_an_open_connection_keeps_the_statistics_on_and_keeps_working():
    code = """
import sqlite3
first = sqlite3.connect(":memory:")
first.execute("CREATE TABLE t (x)")
from models.sqlite_threads import unmetered, allocated, _library
print(unmetered(), allocated(_library()) > 0)
first.execute("INSERT INTO t VALUES (1)")
print(first.execute("SELECT count(*) FROM t").fetchone()[0])
"""
    assert _python(code) == ["False", "True", "1"]


def test_turned_off_once_and_said_so_again():
    code = """
from models.sqlite_threads import unmetered
print(unmetered(), unmetered())
"""
    assert _python(code) == ["True", "True"]
