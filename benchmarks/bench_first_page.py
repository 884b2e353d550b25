"""The first page of a fresh server: `streamlit run app.py` started on a copy of a loaded SQLite database, and one
session (Streamlit's websocket protocol, as in bench_readers.py) opening the Overview twice, either as soon as the
health check answers or once the server's log says its warm-up has ended (recommendations/ui/warm.py).

With --after-a-load: the first Overview after a load on a server that was running and warmed up (a reader has
opened it), the load being an audit row written by another process, as every load writes, with and without the
Overview's figures then stored as `load --prepare` stores them (read.stored.prepare).

Not part of the test suite: measured and recorded in docs/performance.md ("The first page of a fresh server",
"`load --prepare`").
Usage: python benchmarks/bench_first_page.py DATABASE.db [--rounds N] [--repo DIR] [--after-a-load] (DIR: another
checkout, e.g. the commit before, to compare; its .venv is used).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_readers import _free_port as free_port  # noqa: E402
from benchmarks.bench_readers import session, visit  # noqa: E402

WARMED = "warm-up:"  # the warm-up's log line (its end, filled or failed)


@dataclass
class Server:
    port: int
    database: Path  # the copy this server serves
    log: Path
    started: float  # time.perf_counter() when it was started


@contextlib.contextmanager
def served(repo: Path, database: Path) -> Iterator[Server]:
    """``streamlit run app.py`` of ``repo`` (its .venv) on a copy of ``database``, stopped at the end."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.db"
        shutil.copy(database, copy)
        log_path = Path(tmp) / "server.log"
        started = time.perf_counter()
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [str(repo / ".venv/bin/python"), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1"],
                cwd=repo, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "DATABASE_URL": f"sqlite:///{copy}", "PYTHONPATH": str(repo)},
            )  # fmt: skip
        try:
            yield Server(port, copy, log_path, started)
        finally:
            server.terminate()
            server.wait()


def healthy(server: Server) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/_stcore/health", timeout=1) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.05)


def warmed(server: Server) -> None:
    while WARMED not in server.log.read_text():
        time.sleep(0.05)


def one(repo: Path, database: Path, wait_for_warm_up: bool) -> str:
    with served(repo, database) as server:
        healthy(server)
        health = time.perf_counter() - server.started
        if wait_for_warm_up:
            warmed(server)
        asked = time.perf_counter() - server.started
        first, second = asyncio.run(overviews(server.port, 2))
        done = time.perf_counter() - server.started
    when = "after the warm-up" if wait_for_warm_up else "at once"
    return (
        f"{repo}: health {health:.2f} s; asked {when} ({asked:.2f} s): first Overview {first:.2f} s, "
        f"second {second:.2f} s; served {done:.2f} s after the start"
    )


def after_a_load(database: Path, prepare: bool) -> str:
    with served(ROOT, database) as server:
        warmed(server)
        asyncio.run(overviews(server.port, 1))  # a reader before the load
        with sqlite3.connect(server.database) as db:  # what every load writes last
            db.execute(
                "INSERT INTO audit_log (at, who, action, table_name, record_id) "
                "VALUES (datetime('now'), 'benchmark', 'load', 'source', 'bench')"
            )
        start = time.perf_counter()
        if prepare:
            subprocess.run(
                [str(ROOT / ".venv/bin/python"), "-c",
                 "import sys\nfrom models.db import make_engine\nfrom recommendations.read import stored\n"
                 "stored.prepare(make_engine(sys.argv[1]))", f"sqlite:///{server.database}"],
                check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
        prepared = time.perf_counter() - start
        first, second = asyncio.run(overviews(server.port, 2))
    how = f"figures prepared ({prepared:.2f} s, a process of its own)" if prepare else "nothing prepared"
    return f"after a load, {how}: first Overview {first:.2f} s, second {second:.2f} s"


async def overviews(port: int, times: int) -> list[float]:
    async with session(f"http://127.0.0.1:{port}") as ws:
        seen = [await visit(ws, "overview", "") for _ in range(times)]
    if any(one.error for one in seen):
        raise SystemExit(f"the Overview failed: {next(one.error for one in seen if one.error)}")
    return [one.seconds for one in seen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a loaded SQLite database (copied for each server)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repo", type=Path, action="append", help="checkouts to compare (default: this one)")
    parser.add_argument("--after-a-load", action="store_true", help="a running server's first Overview after a load")
    args = parser.parse_args()
    for _ in range(args.rounds):
        if args.after_a_load:
            for prepare in (False, True):
                print(after_a_load(args.database, prepare), flush=True)
            continue
        for repo in args.repo or [ROOT]:
            print(one(repo.resolve(), args.database, wait_for_warm_up=False), flush=True)
            if (repo / "recommendations/ui/warm.py").exists():
                print(one(repo.resolve(), args.database, wait_for_warm_up=True), flush=True)


if __name__ == "__main__":
    main()
