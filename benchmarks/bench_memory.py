"""The app server's memory with every public page opened: `streamlit run app.py` on a loaded SQLite database, its
warm-up awaited, then the broad brief in English and in Khmer (a session each: the box is ticked from the link), then
one session opening every public page in English and then in Khmer, then (once the server has made the API's records
ahead) every page of 100 of the API's listing, whose answers the server keeps too. Prints each visit's seconds, the
server's resident memory after it and its peak so far.

Not part of the test suite: measured and recorded in docs/performance.md ("The app's memory at 50,000"). Target: the
app process under 1 GB at 50,000 recommendations after every page has been opened.
Usage: python benchmarks/bench_memory.py DATABASE.db [RECOMMENDATION_ID] (default: the first by id).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_readers import resident_mb, serve, session, visit, warmed_up  # noqa: E402

WARM_UP_TIMEOUT_S = 300


def public_pages(rec_id: str) -> list[tuple[str, str]]:
    return [
        ("overview", ""), ("owners", ""), ("themes", ""), ("explore", ""), ("explore", "theme=recruitment"),
        ("recommendation", f"id={rec_id}"), ("brief", "theme=recruitment"), ("sources", ""), ("data", ""),
    ]  # fmt: skip


async def opened(base: str, pid: int, rec_id: str) -> None:
    def said(what: str, seconds: float, error: str) -> None:
        print(
            f"{what:48s} {seconds:6.2f} s  {resident_mb(pid)} MB  peak {resident_mb(pid, 'VmHWM')} MB  {error}",
            flush=True,
        )

    for lang in ("en", "km"):
        async with session(base) as ws:
            done = await visit(ws, "brief", f"brief_all=1&lang={lang}")
            said(f"{lang} brief?brief_all=1", done.seconds, done.error)
    async with session(base) as ws:
        for lang in ("en", "km"):
            for page, query in public_pages(rec_id):
                done = await visit(ws, page, "&".join(q for q in (query, f"lang={lang}") if q))
                said(f"{lang} {page}?{query}", done.seconds, done.error)


def main() -> None:
    database = Path(sys.argv[1]).resolve()
    if len(sys.argv) > 2:
        rec_id = sys.argv[2]
    else:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            rec_id = db.execute("SELECT min(id) FROM recommendation").fetchone()[0]
    with tempfile.TemporaryDirectory() as tmp, serve(database, Path(tmp)) as server:
        start = time.monotonic()
        while "warm-up" not in server.log.read_text(errors="replace"):
            if time.monotonic() - start > WARM_UP_TIMEOUT_S:
                raise SystemExit("no warm-up line in the server's log")
            time.sleep(1)
        print(f"warm-up ended after {time.monotonic() - start:.0f} s; {resident_mb(server.pid)} MB", flush=True)
        asyncio.run(opened(server.base, server.pid, rec_id))
        warmed_up(server, WARM_UP_TIMEOUT_S)
        print(f"API records made ahead; {resident_mb(server.pid)} MB", flush=True)
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            count = db.execute("SELECT count(*) FROM recommendation").fetchone()[0]
        start = time.monotonic()
        for n in range(1, count // 100 + 2):
            with urllib.request.urlopen(f"{server.base}/api/v1/recommendations?page={n}", timeout=300) as answer:  # noqa: S310
                answer.read()
        print(
            f"{'every API page of 100':48s} {time.monotonic() - start:6.2f} s  {resident_mb(server.pid)} MB  "
            f"peak {resident_mb(server.pid, 'VmHWM')} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
