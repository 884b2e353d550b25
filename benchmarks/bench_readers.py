"""Many readers at once: N simultaneous sessions of the real app server (`streamlit run app.py`) opening the Overview,
Explore with a filter, a recommendation's detail page and the meeting brief, and N concurrent clients of the open-data
API asking for pages of 100 recommendations.

Each session is a websocket client speaking Streamlit's own protocol on `/_stcore/stream`, as the browser does: it
sends a `rerun_script` BackMsg naming the page (`page_name`, the page's address) and its query string, and times the
run until the `script_finished` ForwardMsg. A run fails when it shows an exception or an error box, or does not finish
in time. `--verify` opens one page in headless Chromium as well and compares what it shows with what the client got.

Not part of the test suite: measured and recorded, not asserted. `make bench-readers` (BENCH_READERS_DB names a
loaded database, which is copied first; without it a synthetic dataset of BENCH_READERS_SIZE recommendations is
made and loaded). `--write` puts the section `## Many readers at once` into docs/performance.md. Targets: every
page served, none failing, the 95th percentile under 3 s with 25 sessions at 10,000 recommendations; a page of 100
from the API under 300 ms at the 95th percentile with 25 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_api import put_section  # noqa: E402 (the same section writer as the API benchmark)

OUT = ROOT / "docs" / "performance.md"
START, END = "<!-- readers benchmark: start -->", "<!-- readers benchmark: end -->"
PY = sys.executable
PAGES = ("overview", "explore", "recommendation", "brief")  # the pages' addresses (ui.nav: pages/<name>.py)
DEFAULT = "overview"  # the default page, at the app's root address
RUN_TIMEOUT_S = 180.0  # one page run; longer counts as a failure
START_TIMEOUT_S = 120.0
TICKS = os.sysconf("SC_CLK_TCK")


# --- the server -------------------------------------------------------------------------------------------------------


@dataclass
class Server:
    base: str
    pid: int
    database: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (our own server on 127.0.0.1)
            return bool(answer.read().decode().strip() == "ok")
    except OSError:
        return False


@contextlib.contextmanager
def serve(database: Path, tmp: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """`streamlit run app.py` on a SQLite database, as `make run` serves it (tests/e2e/conftest.py `serve`)."""
    port = _free_port()
    log = tmp / f"streamlit-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "TRACKER_API_REQUESTS_PER_MINUTE": "100000",  # 25 clients on one address: the per-client limit is not measured
        **(env or {}),
    }
    cmd = [PY, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the app server did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield Server(base, proc.pid, database, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def resident_mb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory now (``VmHWM``: its peak so far), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1)) // 1024  # type: ignore[union-attr]


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in ticks (every core, every process)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Sampler:
    """Samples the server's threads and its open connections to the database file while a phase runs."""

    def __init__(self, server: Server, every: float = 0.2) -> None:
        self.server, self.every = server, every
        self.threads: list[int] = []
        self.connections: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        pid, database = self.server.pid, str(self.server.database)
        while not self._stop.wait(self.every):
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                self.threads.append(int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1)))  # type: ignore[union-attr]
                open_files = 0
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        open_files += os.readlink(fd) == database
                self.connections.append(open_files)


# --- one session: Streamlit's websocket protocol ----------------------------------------------------------------------


@dataclass
class Visit:
    page: str
    query: str
    seconds: float
    error: str = ""  # empty: served
    elements: list[str] = field(default_factory=list)  # the main area's element types, in order
    texts: list[str] = field(default_factory=list)  # the main area's headings and Markdown, as sent
    received: int = 0  # bytes
    spinner: bool = False  # the run showed a spinner: a cache was being (re)built


async def visit(ws: object, page: str, query: str) -> Visit:
    """Ask for one run of ``page`` with ``query`` on an open session; wait for its end; read what it drew."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = "" if page == DEFAULT else page  # the address, as the browser sends it for /explore
    msg.rerun_script.page_script_hash = ""
    out = Visit(page, query, 0.0)
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())  # type: ignore[attr-defined]
    try:
        async with asyncio.timeout(RUN_TIMEOUT_S):
            while True:
                data = await ws.recv()  # type: ignore[attr-defined]
                out.received += len(data)
                forward = ForwardMsg.FromString(data)
                kind = forward.WhichOneof("type")
                if kind == "new_session":  # a new run (the first, or one after st.rerun): what it draws counts
                    out.elements.clear()
                    out.texts.clear()
                elif kind == "delta" and forward.delta.WhichOneof("type") == "new_transient":
                    out.spinner = True
                elif kind == "page_not_found":
                    out.error = "page not found"
                elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    what = str(element.WhichOneof("type"))
                    if what == "exception":
                        out.error = f"exception: {element.exception.type}: {element.exception.message[:200]}"
                    elif what == "alert" and element.alert.format == Alert.ERROR:
                        out.error = out.error or f"error box: {element.alert.body[:200]}"
                    if forward.metadata.delta_path[:1] == [0]:  # the main area (1 is the sidebar)
                        out.elements.append(what)
                        if what in ("heading", "markdown"):
                            out.texts.append(getattr(element, what).body)
                elif kind == "script_finished":
                    status = forward.script_finished
                    if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                        break
                    if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun: the next run follows
                        out.error = out.error or f"script finished: {ForwardMsg.ScriptFinishedStatus.Name(status)}"
                        break
    except TimeoutError:
        out.error = f"no end of the run after {RUN_TIMEOUT_S:.0f} s"
    out.seconds = time.perf_counter() - start
    return out


def stream_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/_stcore/stream"


@contextlib.asynccontextmanager
async def session(base: str) -> object:  # type: ignore[misc]
    import websockets

    # No pings from the client: a browser sends none (it answers the server's, as this client does).
    async with websockets.connect(
        stream_url(base), subprotocols=["streamlit"], max_size=None, ping_interval=None
    ) as ws:  # type: ignore[list-item]
        yield ws


# --- the plan: what each reader opens ---------------------------------------------------------------------------------


def page_queries(database: Path, readers: int) -> list[dict[str, str]]:
    """For each reader, the query string of each page: a theme filter for Explore and the brief, its own
    recommendation for the detail page (the themes and ids are the database's own)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        themes = [r[0] for r in db.execute("SELECT id FROM theme ORDER BY id")]
        ids = [r[0] for r in db.execute("SELECT id FROM recommendation ORDER BY id LIMIT ?", (readers,))]
    first = "recruitment" if "recruitment" in themes else themes[0]
    themes = [first, *(t for t in themes if t != first)]
    plan = []
    for i in range(readers):
        theme = themes[i % len(themes)]
        plan.append({"overview": "", "explore": f"theme={theme}", "recommendation": f"id={ids[i % len(ids)]}",
                     "brief": f"theme={theme}"})  # fmt: skip
    return plan


async def reader(base: str, queries: dict[str, str], offset: int, rounds: int, go: asyncio.Event) -> list[Visit]:
    """One browser tab: connect, wait for the others, then open the four pages ``rounds`` times (starting at
    ``offset``, so that at every moment the sessions are spread over the pages)."""
    visits = []
    try:
        async with session(base) as ws:
            await go.wait()
            for k in range(rounds * len(PAGES)):
                page = PAGES[(offset + k) % len(PAGES)]
                visits.append(await visit(ws, page, queries[page]))
    except Exception as exc:  # a refused or dropped connection is a failure to record, not to raise
        visits.append(Visit("(connection)", "", 0.0, error=f"{type(exc).__name__}: {exc}"[:200]))
    return visits


@dataclass
class Level:
    sessions: int
    visits: list[Visit]
    wall: float
    server_cpu: float
    machine_cpu: float  # share of all cores busy (every process on the machine)
    client_cpu: float
    load: tuple[float, float]
    threads: int
    connections: int
    memory: int  # the server's resident memory at the end, MB


async def _level(bases: list[str], plan: list[dict[str, str]], rounds: int) -> list[Visit]:
    """Session i talks to server i mod n, as readers from many addresses are spread by the proxy (deploy/nginx.conf:
    ``ip_hash``, one reader, one server)."""
    go = asyncio.Event()
    tasks = [asyncio.create_task(reader(bases[i % len(bases)], plan[i], i, rounds, go)) for i in range(len(plan))]
    await asyncio.sleep(0.5 + 0.05 * len(plan))  # every session connected before the first page is asked for
    go.set()
    return [v for t in await asyncio.gather(*tasks) for v in t]


def run_level(servers: list[Server], plan: list[dict[str, str]], rounds: int) -> Level:
    load0 = os.getloadavg()[0]
    cpu0, busy0, client0 = sum(cpu_seconds(s.pid) for s in servers), machine_busy(), time.process_time()
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        samplers = [stack.enter_context(Sampler(server)) for server in servers]
        visits = asyncio.run(_level([s.base for s in servers], plan, rounds))
    wall = time.perf_counter() - start
    busy1 = machine_busy()
    return Level(
        sessions=len(plan),
        visits=visits,
        wall=wall,
        server_cpu=sum(cpu_seconds(s.pid) for s in servers) - cpu0,
        machine_cpu=(busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
        client_cpu=time.process_time() - client0,
        load=(load0, os.getloadavg()[0]),
        threads=max((max(sm.threads, default=0) for sm in samplers), default=0),
        connections=max((max(sm.connections, default=0) for sm in samplers), default=0),
        memory=sum(resident_mb(s.pid) for s in servers),
    )


async def _warm(base: str, plan: list[dict[str, str]], rounds: int) -> list[Visit]:
    """Each reader's own visits, one reader after another, each in a session of its own (the caches filled). The
    order matters: a reader's filters go with it from page to page (Explore's theme is then the Overview's), so
    only the same visits fill what the levels will ask for."""
    seen: list[Visit] = []
    for offset, queries in enumerate(plan):
        async with session(base) as ws:
            for k in range(rounds * len(PAGES)):
                page = PAGES[(offset + k) % len(PAGES)]
                seen.append(await visit(ws, page, queries[page]))
    return seen


# --- the API ----------------------------------------------------------------------------------------------------------


@dataclass
class ApiLevel:
    clients: int
    built: list[float]
    kept: list[float]
    failures: list[str]
    load: tuple[float, float]
    server_cpu: float
    wall: float


async def _api(base: str, clients: int, paths: list[str]) -> tuple[list[float], list[str]]:
    """Every path once, ``clients`` at a time; each answer checked after the run (200, a page of 100), so that the
    clients, on the same cores as the server, spend the timed run on asking and reading only."""
    import httpx

    times: list[float] = []
    failures: list[str] = []
    answers: list[tuple[str, httpx.Response]] = []
    queue = list(paths)

    async def client(http: httpx.AsyncClient) -> None:
        while queue:
            path = queue.pop()
            start = time.perf_counter()
            try:
                answer = await http.get(path)
            except httpx.HTTPError as exc:
                failures.append(f"{path}: {type(exc).__name__}")
                continue
            times.append(time.perf_counter() - start)
            answers.append((path, answer))

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    for path, answer in answers:
        if answer.status_code != 200 or len(answer.json()["items"]) != 100:
            failures.append(f"{path}: HTTP {answer.status_code}")
    return times, failures


def warmed_up(server: Server, timeout: float = START_TIMEOUT_S, done: str = "API records made ahead: ") -> None:
    """Wait until the server's warm-up has ended and it has made the API's records ahead (its log says so): the
    levels measure many readers, not a fresh server's warm-up, which works the status rule out over every
    recommendation on the same cores."""
    deadline = time.monotonic() + timeout
    while done not in server.log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise SystemExit(f"the server's warm-up did not end:\n{server.log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.25)


def api_level(database: Path, tmp: Path, clients: int, url: str | None = None) -> ApiLevel:
    """A fresh server (the answers it keeps are per process), warmed up, one request to open the database, then every
    page of 100 once (each answer built: ``clients`` at a time), then the same pages again (the answers kept).
    ``url``: serve that database (PostgreSQL, loaded already) instead of the SQLite copy."""
    if url is None:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            count = db.execute("SELECT count(*) FROM recommendation").fetchone()[0]
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM recommendation")).scalar_one()
        engine.dispose()
    paths = [f"/api/v1/recommendations?per_page=100&page={n}" for n in range(1, min(count // 100, 100) + 1)]
    with serve(database, tmp, env={"DATABASE_URL": url} if url else None) as server:
        warmed_up(server)
        with urllib.request.urlopen(f"{server.base}/api/v1/recommendations?per_page=99", timeout=300) as first:  # noqa: S310
            first.read()
        load0, cpu0, start = os.getloadavg()[0], cpu_seconds(server.pid), time.perf_counter()
        built, failures = asyncio.run(_api(server.base, clients, paths))
        wall, cpu = time.perf_counter() - start, cpu_seconds(server.pid) - cpu0
        kept, more = asyncio.run(_api(server.base, clients, paths))
        return ApiLevel(clients, built, kept, failures + more, (load0, os.getloadavg()[0]), cpu, wall)


# --- checking the client against a browser ----------------------------------------------------------------------------


def plain(markdown: str) -> str:
    """The first line of a Markdown text as a browser shows it (no emphasis, links or icons)."""
    line = markdown.strip().splitlines()[0] if markdown.strip() else ""
    line = re.sub(r":material/[a-z_]+:", "", line)
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"[*_`#>]|^\s*[-+] ", "", line)
    line = line.replace("\\", "")
    return re.sub(r"\s+", " ", line).strip()


def verify(server: Server, page: str, query: str) -> str:
    """Open ``page`` in headless Chromium and in the websocket client; say whether they agree."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return "not verified (no Chromium)"
    from playwright.sync_api import sync_playwright

    async def client_visit() -> Visit:
        async with session(server.base) as ws:
            return await visit(ws, page, query)

    ours = asyncio.run(client_visit())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 900})
            tab.goto(f"{server.base}/{'' if page == DEFAULT else page}?{query}")
            tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=300_000)
            tab.wait_for_timeout(1000)
            main = tab.locator("[data-testid='stMain']")
            shown = " ".join((main.text_content() or "").split())  # hidden text too (the list shown on a phone)
            boxes = tab.locator("[data-testid='stMain'] [data-testid='stElementContainer']").count()
            exceptions = tab.locator("[data-testid='stException']").count()
        finally:
            browser.close()
    texts = [plain(t) for t in ours.texts if plain(t)]
    found = sum(t in shown for t in texts)
    missing = [t for t in texts if t not in shown]
    agree = found == len(texts) and exceptions == 0 and not ours.error and len(ours.elements) == boxes
    verdict = "agree" if agree else "DISAGREE"
    detail = f"; not in the browser: {missing[:3]}" if missing else ""
    return (f"{verdict}: /{page}?{query}: {len(ours.elements)} elements in the main area over the websocket, "
            f"{boxes} in Chromium; {found} of {len(texts)} headings and texts found in the page{detail}")  # fmt: skip


# --- report -----------------------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else float("nan")


def stats(values: list[float]) -> str:
    if not values:
        return "– | – | –"
    return f"{statistics.median(values):.2f} | {pct(values, 95):.2f} | {max(values):.2f}"


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def header(*names: str) -> list[str]:
    """A Markdown table's head: the first column left, numbers right (a name ending in '<' is text)."""
    return [row(*(n.rstrip("<") for n in names)), row(*("---" if n.endswith("<") else "---:" for n in names))]


def tables(levels: list[Level], warm: list[Visit], api: list[ApiLevel], note: str) -> list[str]:
    lines = ["### Pages: sessions at once", "", *header("sessions", "page<", "runs", "failed", "p50 (s)", "p95 (s)",
                                                      "max (s)")] if levels else []  # fmt: skip
    for level in levels:
        for page in (*PAGES, "all"):
            got = [v for v in level.visits if page in ("all", v.page)]
            served = [v.seconds for v in got if not v.error]
            name = "**all pages**" if page == "all" else page
            lines.append(row(level.sessions, name, len(got), sum(bool(v.error) for v in got), stats(served)))
    if levels:
        lines += ["", *header("sessions", "page runs per second", "server CPU (cores)", "machine busy (all cores)",
                              "server CPU per run (s)", "runs with a spinner", "benchmark client CPU (cores)",
                              "server threads (max)", "open SQLite connections (max)", "server memory (MB, all)",
                              "load average (start → end)<")]  # fmt: skip
    for level in levels:
        lines.append(
            row(level.sessions, f"{len(level.visits) / level.wall:.2f}", f"{level.server_cpu / level.wall:.2f}",
                f"{level.machine_cpu * 100:.0f}%", f"{level.server_cpu / max(1, len(level.visits)):.2f}",
                sum(v.spinner for v in level.visits), f"{level.client_cpu / level.wall:.2f}", level.threads,
                level.connections, level.memory, f"{level.load[0]:.1f} → {level.load[1]:.1f}")
        )  # fmt: skip
    if warm:
        cold = [
            f"{p} {statistics.median([v.seconds for v in warm if v.page == p]):.2f} s "
            f"(median of {sum(v.page == p for v in warm)}, slowest {max(v.seconds for v in warm if v.page == p):.2f} s)"
            for p in PAGES
            if any(v.page == p for v in warm)
        ]
        lines += ["", f"Filling the caches before the levels (each reader's visits, one run after another, on each "
                      f"server; the first is the first page of a fresh process): {', '.join(cold)}."]  # fmt: skip
    if api:
        lines += ["", "### The API: a page of 100, concurrent clients", ""]
        lines += [*header("API clients", "requests", "failed", "built: p50 (ms)", "built: p95 (ms)",
                              "built: max (ms)", "kept: p50 (ms)", "kept: p95 (ms)", "server CPU (cores)",
                              "load average (start → end)<")]  # fmt: skip
        for a in api:
            ms = [x * 1e3 for x in a.built]
            kept = [x * 1e3 for x in a.kept]
            lines.append(
                row(a.clients, len(a.built) + len(a.kept), len(a.failures), f"{statistics.median(ms):,.0f}",
                    f"{pct(ms, 95):,.0f}", f"{max(ms):,.0f}", f"{statistics.median(kept):,.0f}",
                    f"{pct(kept, 95):,.0f}", f"{a.server_cpu / a.wall:.2f}", f"{a.load[0]:.1f} → {a.load[1]:.1f}")
            )  # fmt: skip
    if note:
        lines += ["", note]
    return lines


def failures(levels: list[Level], api: list[ApiLevel]) -> list[str]:
    out = [f"{lv.sessions} sessions: /{v.page}?{v.query}: {v.error}" for lv in levels for v in lv.visits if v.error]
    out += [f"{a.clients} API clients: {f}" for a in api for f in a.failures]
    return out


def section(body: list[str], args: argparse.Namespace, count: int) -> str:
    processes = (
        "one process"
        if args.servers == 1
        else f"{args.servers} processes, the sessions spread over them as deploy/'s proxy spreads readers"
    )
    head = [
        START,
        "## Many readers at once",
        "",
        f"Measured by `make bench-readers` on {dt.date.today().isoformat()}: the real app server (`streamlit run "
        f"app.py`, {processes}) on {'a PostgreSQL database' if args.database_url else 'a copy of a SQLite database'} "
        f"of {count:,} recommendations, on this {os.cpu_count()}-"
        "core machine, with the benchmark's clients on the same cores. Each session is a websocket client speaking "
        "Streamlit's protocol as a browser tab does (a `rerun_script` message naming the page and its query string; "
        "timed until `script_finished`; failed if the run shows an exception or an error box, or does not end); all "
        "sessions start together and each opens the Overview, Explore filtered by a theme, a recommendation's detail "
        f"page (its own) and the brief for a theme, {args.rounds} times over, each session starting on a different "
        "page. The caches are filled first (each reader's visits, one reader after another; their times are given "
        "below), so the "
        "levels measure what many readers cost, not the first visit. *Server CPU* is the app processes' CPU time over "
        "the level's wall time; *machine busy* counts every process on the machine (other work included). The API: "
        "a fresh server per level, once its warm-up has ended and it has made the API's records ahead (its log says "
        "both), every page of 100 of the recommendations asked for once by that many concurrent clients (*built*: "
        "each answer made, from the records kept for the data's version), then again (*kept*: whole answers are kept "
        "per version of the data); each answer is checked after the level, not while the clients run. "
        "Targets: no failures, the 95th percentile under 3 s with 25 sessions; an API page of 100 under 300 ms at the "
        "95th percentile with 25 clients.",
        "",
    ]
    return "\n".join([*head, *body, END])


def database_for(args: argparse.Namespace, tmp: Path) -> Path:
    """A copy of the named database (the server writes nothing, but a copy keeps the original safe), or a synthetic
    dataset loaded into a new one."""
    copy = tmp / "readers.db"
    if args.db:
        shutil.copyfile(args.db, copy)
        return copy
    folder = tmp / "synth"
    print(f"[readers] synthesising and loading {args.size:,} recommendations", file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{copy}"}
    subprocess.run([PY, "-m", "recommendations", "synth", "--recommendations", str(args.size), "--out", str(folder)],
                   check=True, capture_output=True, cwd=ROOT, env=env)  # fmt: skip
    subprocess.run(
        [PY, "-m", "recommendations", "load", str(folder)], check=True, capture_output=True, cwd=ROOT, env=env
    )
    return copy


def pages_phase(
    database: Path, tmp: Path, plan: list[dict[str, str]], levels_n: list[int], args: argparse.Namespace
) -> tuple[list[Visit], list[Level], str]:
    """``args.servers`` servers on the database (as deploy/ runs two behind the proxy): the caches of each filled,
    the client checked against a browser, then each level of sessions, spread over the servers."""
    levels: list[Level] = []
    note = ""
    with contextlib.ExitStack() as stack:
        env = {"DATABASE_URL": args.database_url} if args.database_url else None
        servers = [stack.enter_context(serve(database, tmp, env)) for _ in range(args.servers)]
        warm: list[Visit] = []
        for server in servers:  # each process has caches of its own
            print(f"[readers] filling the caches ({server.base})", file=sys.stderr, flush=True)
            warm += asyncio.run(_warm(server.base, plan, args.rounds))
        if args.verify:
            note = f"The client checked against headless Chromium: {verify(servers[0], 'explore', plan[0]['explore'])}."
            print(f"[readers] {note}", file=sys.stderr, flush=True)
        for n in levels_n:
            print(f"[readers] {n} sessions", file=sys.stderr, flush=True)
            levels.append(run_level(servers, plan[:n], args.rounds))
            print("\n".join(tables(levels[-1:], [], [], "")[4:9]), file=sys.stderr, flush=True)
    return warm, levels, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_READERS_DB") or None, help="a loaded SQLite database")
    parser.add_argument("--size", type=int, default=int(os.environ.get("BENCH_READERS_SIZE", "10000")))
    parser.add_argument("--sessions", default=os.environ.get("BENCH_READERS_SESSIONS", "1,5,10,25"))
    parser.add_argument("--rounds", type=int, default=2, help="times each session opens the four pages")
    parser.add_argument("--servers", type=int, default=1, help="app server processes, the sessions spread over them")
    parser.add_argument("--api-clients", default="1,5,10,25", help="'' to leave the API out")
    parser.add_argument("--database-url", default=None,
                        help="serve this database (PostgreSQL, loaded from the same files as --db, whose ids the "
                             "readers ask for) instead of the SQLite copy")  # fmt: skip
    parser.add_argument("--verify", action=argparse.BooleanOptionalAction, default=True,
                        help="compare the client with headless Chromium on one page")  # fmt: skip
    parser.add_argument("--write", action="store_true", help="write the section into docs/performance.md")
    args = parser.parse_args()
    levels_n = [int(n) for n in args.sessions.split(",") if n.strip()]
    api_n = [int(n) for n in args.api_clients.split(",") if n.strip()]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        database = database_for(args, tmp)
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            count = db.execute("SELECT count(*) FROM recommendation").fetchone()[0]
        plan = page_queries(database, max(levels_n, default=1))
        warm, levels, note = pages_phase(database, tmp, plan, levels_n, args) if levels_n else ([], [], "")
        api = []
        for n in api_n:
            print(f"[readers] {n} API clients", file=sys.stderr, flush=True)
            api.append(api_level(database, tmp, n, args.database_url))
            print("\n".join(tables([], [], api[-1:], "")[-1:]), file=sys.stderr, flush=True)
    body = tables(levels, warm, api, note)
    print("\n".join(body))
    for problem in failures(levels, api)[:20]:
        print(f"FAILED {problem}")
    if args.write:
        put_section(section(body, args, count), START, END)
        print(f"wrote the section 'Many readers at once' of {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
