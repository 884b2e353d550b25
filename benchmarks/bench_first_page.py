"""The first page of a fresh server: `streamlit run app.py` started on a copy of a loaded SQLite database, and one
session (Streamlit's websocket protocol, as in bench_readers.py) opening the Overview twice, either as soon as the
health check answers or once the server's log says its warm-up has ended (recommendations/ui/warm.py).

Not part of the test suite: measured and recorded in docs/performance.md ("The first page of a fresh server").
Usage: python benchmarks/bench_first_page.py DATABASE.db [--rounds N] [--repo DIR] (DIR: another checkout, e.g. the
commit before, to compare; its .venv is used).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a loaded SQLite database (copied for each server)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repo", type=Path, action="append", help="checkouts to compare (default: this one)")
    args = parser.parse_args()
    for _ in range(args.rounds):
        for repo in args.repo or [ROOT]:
            print(one(repo.resolve(), args.database, wait_for_warm_up=False), flush=True)
            if (repo / "recommendations/ui/warm.py").exists():
                print(one(repo.resolve(), args.database, wait_for_warm_up=True), flush=True)


if __name__ == "__main__":
    main()
