"""API benchmark: server time of the open-data routes (app.py's routes and middleware, in process, through
Starlette's test client) on the real data and on a synthetic dataset of N recommendations (default 10,000), on
SQLite and, when a PostgreSQL server binary exists, PostgreSQL. Writes its section of docs/performance.md.

Not part of the test suite: measured and recorded, not asserted. `make bench-api` (or `make bench`, which runs
it after the scale benchmark). The target: a page of 100 recommendations in under 100 ms on the real data and
under 300 ms at 10,000 (server time, warm). *Built* is the time to build an answer with a warm process (the
answers kept per version of the data are dropped before each request); *kept* is the same request again.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "performance.md"
START, END = "<!-- api benchmark: start -->", "<!-- api benchmark: end -->"
PY = sys.executable
REPEAT = 9


def measure(engine_url: str) -> list[tuple[str, float, float, float]]:
    """(request, cold, built, kept) in seconds for each request, in a fresh engine."""
    from starlette.applications import Starlette

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from models.db import make_engine
    from recommendations import settings
    from recommendations.api import http
    from recommendations.api.routes import middleware, routes
    from recommendations.read.table import recommendation_table

    settings.use(settings.Settings(database_url=engine_url, api_requests_per_minute=100_000))
    engine = make_engine(engine_url)
    http.use_engine(engine)
    client = TestClient(Starlette(routes=routes(), middleware=middleware()))
    first = str(recommendation_table(engine).iloc[0]["id"])  # (not timed)
    requests = [
        ("a page of 100", "/api/v1/recommendations?per_page=100&page={n}"),
        ("a page of 100, theme=recruitment", "/api/v1/recommendations?theme=recruitment&per_page=100&page={n}"),
        ("one recommendation", f"/api/v1/recommendations/{first}?lang={{lang}}"),
        ("status over time", "/api/v1/status-over-time?lang={lang}"),
        ("the feed", "/feed.atom?lang={lang}"),
        ("recommendations.csv", "/api/v1/data/recommendations.csv?lang={lang}"),
    ]
    out = []
    for name, pattern in requests:
        cold = _timed(lambda p=pattern: client.get(p.format(n=1, lang="en")))
        built = []
        for i in range(REPEAT):
            http.ANSWERS.clear()  # build the answer again (a warm process: engine, caches of the database)
            built.append(_timed(lambda p=pattern, i=i: client.get(p.format(n=1 + i % 2, lang="en"))))
        kept = [_timed(lambda p=pattern: client.get(p.format(n=1, lang="en"))) for _ in range(REPEAT)]
        out.append((name, cold, statistics.median(built), statistics.median(kept)))
    http.use_engine(None)
    engine.dispose()
    return out


def _timed(request: Callable[[], object]) -> float:
    start = time.perf_counter()
    answer = request()
    took = time.perf_counter() - start
    assert getattr(answer, "status_code", 0) == 200, getattr(answer, "text", "")[:300]
    return took


def load(folder: Path, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    subprocess.run([PY, "-m", "recommendations", "load", str(folder)], check=True, capture_output=True, env=env)


def run_measure(url: str) -> list[tuple[str, float, float, float]]:
    """``measure`` in a process of its own (a fresh process: cold means cold)."""
    code = f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from benchmarks.bench_api import measure; " \
           f"print(json.dumps(measure({url!r})))"  # fmt: skip
    done = subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    import json

    return [tuple(r) for r in json.loads(done.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


def main() -> None:
    size = int(os.environ.get("BENCH_API_SIZE", "10000"))
    loads = [os.getloadavg()[0]]
    results: list[tuple[str, str, list[tuple[str, float, float, float]]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        synth = Path(tmp) / "synth"
        print(f"[api] synthesising {size:,}", file=sys.stderr, flush=True)
        subprocess.run([PY, "-m", "recommendations", "synth", "--recommendations", str(size), "--out", str(synth)],
                       check=True, capture_output=True, cwd=ROOT)  # fmt: skip
        datasets = [("the real data (data/)", ROOT / "data"), (f"{size:,} synthetic recommendations", synth)]
        for label, folder in datasets:
            url = f"sqlite:///{tmp}/{folder.name}.db"
            print(f"[api] {label}, SQLite", file=sys.stderr, flush=True)
            load(folder, url)
            results.append((label, "SQLite", run_measure(url)))
        try:
            from benchmarks.bench_scale import pg_url
        except ImportError:
            pg = None
        else:
            pg = pg_url()
        if pg:
            cluster, base = pg
            try:
                for n, (label, folder) in enumerate(datasets):
                    url = f"{base}{n}" if n else base
                    if n:
                        import psycopg

                        admin = base.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://") + "/postgres"
                        with psycopg.connect(admin, autocommit=True) as conn:
                            conn.execute(f'CREATE DATABASE "bench{n}"')
                    print(f"[api] {label}, PostgreSQL", file=sys.stderr, flush=True)
                    load(folder, url)
                    results.append((label, "PostgreSQL", run_measure(url)))
            finally:
                cluster.__exit__(None, None, None)  # type: ignore[attr-defined]
    loads.append(os.getloadavg()[0])
    write(results, loads)
    print(f"wrote the API section of {OUT.relative_to(ROOT)}", file=sys.stderr)


def section(results: list[tuple[str, str, list[tuple[str, float, float, float]]]], loads: list[float]) -> str:
    lines = [
        START,
        "## The open-data API (server time)",
        "",
        f"Measured by `make bench-api` on {dt.date.today().isoformat()}: app.py's routes and middleware in one process "
        "(Starlette's test client, no network). *Cold*: the first request of a fresh process (the engine, the "
        f"database's caches); *built*: the median of {REPEAT} requests in a warm process with the kept answers "
        "dropped first, so the answer is built again; *kept*: the same request again (answers are kept per version "
        "of the data, so a write anywhere makes new ones). Targets: a page of 100 in under 100 ms on the real data "
        f"and under 300 ms at 10,000 (built). The machine ({os.cpu_count()} cores) is shared: its load average was "
        f"{loads[0]:.1f} when the run began and {loads[-1]:.1f} when it ended; the milliseconds vary from run to "
        "run.",
        "",
    ]
    for label, db, rows in results:
        header = ["| request | cold (ms) | built (ms) | kept (ms) |", "| --- | --- | --- | --- |"]
        lines += [f"### {label}, {db}", "", *header]
        for name, cold, built, kept in rows:
            lines.append(f"| {name} | {cold * 1e3:,.0f} | {built * 1e3:,.0f} | {kept * 1e3:,.1f} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write(results: list[tuple[str, str, list[tuple[str, float, float, float]]]], loads: list[float]) -> None:
    put_section(section(results, loads), START, END)


def put_section(new: str, start: str, end: str) -> None:
    """Replace the section of docs/performance.md between ``start`` and ``end`` (``new`` holds both), or add it."""
    text = OUT.read_text(encoding="utf-8") if OUT.exists() else "# Performance\n"
    if start in text and end in text:
        text = text[: text.index(start)] + new + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + new + "\n"
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
