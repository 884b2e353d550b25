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
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_readers import _free_port as free_port  # noqa: E402
from benchmarks.bench_readers import session, visit  # noqa: E402

WARMED = "warm-up:"  # the warm-up's log line (its end, filled or failed)


def one(repo: Path, database: Path, wait_for_warm_up: bool) -> str:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.db"
        shutil.copy(database, copy)
        log_path = Path(tmp) / "server.log"
        start = time.perf_counter()
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [str(repo / ".venv/bin/python"), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1"],
                cwd=repo, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "DATABASE_URL": f"sqlite:///{copy}"},
            )  # fmt: skip
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as answer:
                        if answer.read() == b"ok":
                            break
                except OSError:
                    time.sleep(0.05)
            healthy = time.perf_counter() - start
            while wait_for_warm_up and WARMED not in log_path.read_text():
                time.sleep(0.05)
            asked = time.perf_counter() - start

            async def twice() -> tuple[float, float]:
                async with session(f"http://127.0.0.1:{port}") as ws:
                    first, second = await visit(ws, "overview", ""), await visit(ws, "overview", "")
                    if first.error or second.error:
                        raise SystemExit(f"the Overview failed: {first.error or second.error}")
                    return first.seconds, second.seconds

            first, second = asyncio.run(twice())
            served = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait()
    when = "after the warm-up" if wait_for_warm_up else "at once"
    return (
        f"{repo}: health {healthy:.2f} s; asked {when} ({asked:.2f} s): first Overview {first:.2f} s, "
        f"second {second:.2f} s; served {served:.2f} s after the start"
    )


def after_a_load(database: Path, prepare: bool) -> str:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.db"
        shutil.copy(database, copy)
        log_path = Path(tmp) / "server.log"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{copy}", "PYTHONPATH": str(ROOT)}
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [str(ROOT / ".venv/bin/python"), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip
        try:
            while WARMED not in log_path.read_text():
                time.sleep(0.1)
            asyncio.run(overviews(port, 1))  # a reader before the load
            with sqlite3.connect(copy) as db:  # what every load writes last
                db.execute(
                    "INSERT INTO audit_log (at, who, action, table_name, record_id) "
                    "VALUES (datetime('now'), 'benchmark', 'load', 'source', 'bench')"
                )
            start = time.perf_counter()
            if prepare:
                subprocess.run(
                    [str(ROOT / ".venv/bin/python"), "-c",
                     "import sys\nfrom models.db import make_engine\nfrom recommendations.read import stored\n"
                     "stored.prepare(make_engine(sys.argv[1]))", f"sqlite:///{copy}"],
                    check=True, cwd=ROOT, env=env,
                )  # fmt: skip
            prepared = time.perf_counter() - start
            first, second = asyncio.run(overviews(port, 2))
        finally:
            server.terminate()
            server.wait()
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
