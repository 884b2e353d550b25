"""Scale benchmark: synthetic datasets of N recommendations through validate, load, reload, every page, the
browser and the brief, on SQLite and PostgreSQL; writes docs/performance.md.

Not part of the test suite: speed is measured and recorded, not asserted. `make bench` runs a quick size;
`BENCH_SIZES=1000,10000,50000 make bench` the full table. Each step runs in its own process, so its peak memory
(max RSS) is its own. Ratios to the floor (libyaml's event scan, ``yaml.parse`` with the C parser, over the same
files in the same run; PyYAML's C loader beside it) are what to read: the machine is shared, so seconds vary.

``BENCH_PAGES=0`` runs validate and load only (no pages, browser or brief) and prints the table instead of writing
docs/performance.md; ``BENCH_DATA=folder`` measures an existing data folder instead of synthesising one
(``BENCH_SIZES`` then names its size); ``BENCH_PG=0`` skips PostgreSQL, ``BENCH_C_LOADER=0`` the C loader.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "performance.md"
START, END = "<!-- scale benchmark: start -->", "<!-- scale benchmark: end -->"
PY = sys.executable

# Run a command, report wall time and the child's peak memory (ru_maxrss of its own process tree).
TIMED = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": took, "peak": peak, "rc": done.returncode, "err": done.stderr[-3000:],
                  "out": done.stdout[-3000:]}))
"""

# The floor: libyaml's event scan, the least any libyaml-based reader spends on the same files.
SCAN = """
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    with path.open(encoding="utf-8") as handle:
        for _ in yaml.parse(handle, Loader=yaml.CSafeLoader):
            pass
"""

# PyYAML's C loader (a node tree, then objects): the floor of the first pass, reported beside the scan.
C_LOADER = """
import sys, pathlib, yaml
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    with path.open(encoding="utf-8") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
"""

# A write in the app, as a coalition's reviewer makes one: an account, then an assessment published through the
# write side (its checks, its audit entry), citing an evidence item of the dataset.
APP_WRITE = """
import sys
sys.path.insert(0, sys.argv[2])
from sqlalchemy import text
from models.db import make_engine
from recommendations.permissions import Principal
from recommendations.write import accounts, auth, updates
engine = make_engine(sys.argv[1])
with engine.begin() as conn:
    org = conn.execute(text("SELECT id FROM actor WHERE type = 'cso' ORDER BY id LIMIT 1")).scalar_one()
    rec = conn.execute(text("SELECT id FROM recommendation ORDER BY id LIMIT 1")).scalar_one()
    ev, as_of = conn.execute(
        text("SELECT id, date_start FROM evidence WHERE organisation_id IS NULL ORDER BY id LIMIT 1")
    ).one()
    email = "bench-reviewer@example.org"
    accounts.create_user(conn=conn, principal=Principal.command_line(), email=email, role="reviewer",
                         password="correct horse battery staple", organisation=org)
with engine.begin() as conn:
    who = auth.principal_of_account(conn, email)
    form = updates.AssessmentForm(recommendation=rec, status="in_progress", as_of=str(as_of)[:10], publish=True,
                                  rationale="A benchmark's write.", evidence=[ev])
    updates.record_assessment(conn=conn, principal=who, form=form)
"""

PAGES = """
import json, os, statistics, sys, time
sys.path.insert(0, os.environ["ROOT"])
from streamlit.testing.v1 import AppTest
pages = json.loads(sys.argv[1])
out = []
for page, params in pages:
    at = AppTest.from_file(os.path.join(os.environ["ROOT"], "dashboard.py"), default_timeout=900)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    start = time.perf_counter(); at.switch_page(page).run(); cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter(); at.run(); warm.append(time.perf_counter() - start)
    out.append({"page": page, "params": params, "cold": cold, "warm": statistics.median(warm),
                "error": str(at.exception[0].message) if at.exception else None})
print(json.dumps(out))
"""

BRIEF = """
import json, sys, time, datetime as dt
sys.path.insert(0, sys.argv[2])
from models.db import make_engine
from recommendations.read.brief import build_brief, brief_docx
from benchmarks.bench_docx import first_listed
engine = make_engine(sys.argv[1])
start = time.perf_counter()
brief = build_brief(engine, themes=[], addressees=[], meeting_date=dt.date.today())
built = time.perf_counter() - start
groups = brief.groups = first_listed(brief.groups, 500)
start = time.perf_counter()
payload = brief_docx(brief)
print(json.dumps({"build_all": built, "open": sum(len(g.items) for g in groups), "docx": time.perf_counter() - start,
                  "bytes": len(payload)}))
"""


def timed(cmd: list[str], env: dict | None = None) -> dict:
    done = subprocess.run([PY, "-c", TIMED, *cmd], capture_output=True, text=True, env={**os.environ, **(env or {})})
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result['err']}")
    return result


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def yaml_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.yaml"))


def pipeline(folder: Path, url: str) -> dict:
    """validate, first load, no-change reload, and reloads that must compare: after an assessment published in the
    app (the rows the first load kept); after what the last load left is forgotten, so every table is compared
    (kept rows); and that again, reading the files (nothing kept), as before rows were kept."""
    with tempfile.TemporaryDirectory(prefix="bench-kept-") as kept:  # each database's first load reads
        env = {"DATABASE_URL": url, "PYTHONPATH": str(ROOT), "TRACKER_LOAD_CACHE": kept}
        cli = [PY, "-m", "recommendations"]
        out = {"validate": timed([*cli, "validate", str(folder)], env)}
        out["load"] = timed([*cli, "load", str(folder)], env)
        assert "kept rows" not in out["load"]["out"], out["load"]["out"]
        out["reload"] = timed([*cli, "load", str(folder)], env)
        assert "nothing was read" in out["reload"]["out"], out["reload"]["out"]
        forget = (
            "import sys\nsys.path.insert(0, sys.argv[2])\nfrom sqlalchemy import text\n"
            "from models.db import make_engine\n"
            "with make_engine(sys.argv[1]).begin() as conn:\n    conn.execute(text('DELETE FROM load_state'))\n"
        )
        subprocess.run([PY, "-c", APP_WRITE, url, str(ROOT)], check=True, env={**os.environ, **env})
        out["compare"] = timed([*cli, "load", str(folder)], env)
        assert "kept rows were compared" in out["compare"]["out"], out["compare"]["out"]
        subprocess.run([PY, "-c", forget, url, str(ROOT)], check=True, env={**os.environ, **env})
        out["compare_all"] = timed([*cli, "load", str(folder)], env)
        assert "kept rows were compared" in out["compare_all"]["out"], out["compare_all"]["out"]
        assert "not compared" not in out["compare_all"]["out"], out["compare_all"]["out"]
        subprocess.run([PY, "-c", forget, url, str(ROOT)], check=True, env={**os.environ, **env})
        out["compare_read"] = timed([*cli, "load", str(folder)], {**env, "TRACKER_LOAD_CACHE": "off"})
        out["kept_bytes"] = sum(p.stat().st_size for p in Path(kept).glob("rows-*.sqlite"))
    return out


def page_list(folder: Path) -> list:
    first_source = sorted((folder / "sources").glob("*.yaml"))[0]
    rec_id = next(line.split(":", 1)[1].strip() for line in first_source.read_text().splitlines() if "- id:" in line)
    return [
        ("pages/overview.py", {}),
        ("pages/explore.py", {}),
        ("pages/explore.py", {"theme": "recruitment"}),
        ("pages/recommendation.py", {"id": rec_id}),
        ("pages/owners.py", {}),
        ("pages/themes.py", {}),
        ("pages/brief.py", {"theme": "recruitment"}),
        ("pages/sources.py", {}),
        ("pages/data.py", {}),
    ]


def pages(folder: Path, url: str) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": url, "ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [PY, "-c", PAGES, json.dumps(page_list(folder))], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def payloads(folder: Path, url: str) -> list[tuple[str, int]] | str:
    """Bytes the browser receives over the app's websocket for each page, cold (headless Chromium)."""
    try:
        from playwright.sync_api import sync_playwright

        from tests.e2e.conftest import serve
    except ImportError as exc:
        return f"not measured ({exc})"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return "not measured (no Chromium)"
    out = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p, serve(Path(tmp), url) as base:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for page_path, params in page_list(folder):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                received = [0]

                def on_socket(ws, received=received) -> None:  # noqa: ANN001
                    ws.on("framereceived", lambda frame: received.__setitem__(0, received[0] + len(frame)))

                page.on("websocket", on_socket)
                query = "&".join(f"{k}={v}" for k, v in params.items())
                name = page_path.removeprefix("pages/").removesuffix(".py")
                page.goto(f"{base}/{'' if name == 'overview' else name}{'?' + query if query else ''}")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=900_000)
                page.wait_for_timeout(1500)
                out.append((f"{page_path}{'?' + query if query else ''}", received[0]))
                page.close()
        finally:
            browser.close()
    return out


def pg_url() -> tuple[object, str] | None:
    try:
        from tests.conftest import pg_cluster
    except ImportError:
        return None
    cluster = pg_cluster()
    try:
        server = cluster.__enter__()
    except RuntimeError:
        return None
    import psycopg

    admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE DATABASE bench")
    return cluster, f"{server}/bench"


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000").split(",") if s.strip()]
    per_rec = int(os.environ.get("BENCH_ASSESSMENTS", "10"))
    with_pages = os.environ.get("BENCH_PAGES", "1") != "0"
    with_pg = os.environ.get("BENCH_PG", "1") != "0"
    given = os.environ.get("BENCH_DATA")
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(given) if given else Path(tmp) / "data"
            row: dict = {"n": n, "load_average": _load_average()}
            if not given:
                print(f"[{n:,}] synthesising", file=sys.stderr, flush=True)
                row["synth"] = timed([PY, "-m", "recommendations", "synth", "--recommendations", str(n),
                                      "--assessments-per-recommendation", str(per_rec), "--out", str(folder)],
                                     {"PYTHONPATH": str(ROOT)})  # fmt: skip
            row["yaml"] = yaml_size(folder)
            print(f"[{n:,}] event scan and C loader", file=sys.stderr, flush=True)
            row["floor"] = timed([PY, "-c", SCAN, str(folder)])
            if os.environ.get("BENCH_C_LOADER", "1") != "0":  # 6 GB and minutes at 50,000: may be skipped
                row["c_loader"] = timed([PY, "-c", C_LOADER, str(folder)])
            print(f"[{n:,}] SQLite", file=sys.stderr, flush=True)
            sqlite_url = f"sqlite:///{tmp}/bench.db"
            row["sqlite"] = pipeline(folder, sqlite_url)
            if with_pages:
                print(f"[{n:,}] pages", file=sys.stderr, flush=True)
                row["pages"] = pages(folder, sqlite_url)
                print(f"[{n:,}] browser", file=sys.stderr, flush=True)
                row["payloads"] = payloads(folder, sqlite_url)
                print(f"[{n:,}] brief", file=sys.stderr, flush=True)
                brief = subprocess.run([PY, "-c", BRIEF, sqlite_url, str(ROOT)], capture_output=True, text=True)
                row["brief"] = json.loads(brief.stdout) if brief.returncode == 0 else {"error": brief.stderr[-500:]}
            pg = pg_url() if with_pg else None
            if pg:
                cluster, url = pg
                print(f"[{n:,}] PostgreSQL", file=sys.stderr, flush=True)
                try:
                    row["postgresql"] = pipeline(folder, url)
                    if with_pages:
                        row["pg_pages"] = pages(folder, url)
                finally:
                    cluster.__exit__(None, None, None)
            row["load_average_after"] = _load_average()
            results.append(row)
    if not with_pages:
        print("\n".join(load_table(results)))
        return
    write(results, per_rec)
    print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def load_table(results: list[dict]) -> list[str]:
    """The validate-and-load table: seconds, the ratio to the event scan (and to the C loader), peak memory."""
    lines = [
        "| recommendations | database | YAML | event scan | C loader | validate | first load | no-change reload | "
        "reload after an app write (kept rows) | reload that compares every table (kept rows) | "
        "reload that compares, reading the files | kept rows | peak memory (validate / load / compare) | "
        "load average |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        scan = r["floor"]["seconds"]
        c_loader = r["c_loader"]["seconds"] if "c_loader" in r else None
        for db in ("sqlite", "postgresql"):
            if db not in r:
                continue
            p = r[db]

            def cell(step: str, p: dict = p, scan: float = scan, c_loader: float | None = c_loader) -> str:
                took = p[step]["seconds"]
                return f"{took:.1f} s ({took / scan:.1f}×" + (f"; {took / c_loader:.2f}× C)" if c_loader else ")")

            worst = "compare_all" if "compare_all" in p else "compare"  # every table compared
            peaks = " / ".join(mb(p[step]["peak"]) for step in ("validate", "load", worst))
            lines.append(
                f"| {r['n']:,} | {'SQLite' if db == 'sqlite' else 'PostgreSQL'} | {mb(r['yaml'])} | {scan:.1f} s | "
                f"{'not run' if c_loader is None else f'{c_loader:.1f} s'} | "
                f"{cell('validate')} | {cell('load')} | {cell('reload')} | {cell('compare')} | "
                f"{cell('compare_all') if 'compare_all' in p else '–'} | "
                f"{cell('compare_read') if 'compare_read' in p else '–'} | {mb(p.get('kept_bytes', 0))} | {peaks} | "
                f"{r['load_average']}–{r['load_average_after']} |"
            )
    return lines


def write(results: list[dict], per_rec: int) -> None:
    cpu = os.cpu_count()
    lines = [
        START,
        "## The latest `make bench`",
        "",
        f"Measured by `make bench` ({'BENCH_SIZES=' + ','.join(str(r['n']) for r in results)}) on "
        f"{dt.date.today().isoformat()}: {platform.platform()}, {cpu} cores, Python {platform.python_version()}. "
        f"Synthetic datasets from `python -m recommendations synth` with {per_rec} assessments per "
        "recommendation (about 7 evidence items each). Every step runs in its own process; peak memory is that "
        "process's maximum resident set. The machine is shared and small: read the ratios to the event scan "
        "(libyaml's parser reading the same files in the same run), not the seconds.",
        "",
        "Reproduce: `make bench` (a quick size), or `BENCH_SIZES=1000,10000,50000 make bench` for the full table.",
        "",
        "### Validate and load",
        "",
    ]
    lines += load_table(results)
    lines += [
        "",
        "Ratios: to the event scan (libyaml's `yaml.parse` over the same files, same run), and to PyYAML's C loader "
        "(× C). Targets: validate ≤ 3×, first load ≤ 4×, reload that compares ≤ 2× the scan; peak memory under "
        "400 MB at every size. A *no-change reload* finds the files and the database as the last load left them "
        "and reads nothing. A *reload after an app write* follows an assessment published through the write side: "
        "it compares the rows the first load kept (`TRACKER_LOAD_CACHE`) with the tables written since (on "
        "PostgreSQL, those whose digest moved: the assessment history; on SQLite, every table). A *reload that "
        "compares every table* follows the load's own record being deleted, the worst case; *reading the files* is "
        "that with nothing kept: it reads, validates and compares everything again.",
        "",
        "### Pages (server side, AppTest)",
        "",
        "*Cold*: the page's first run in a fresh app process, after the default page; *warm*: median of three "
        "runs with the caches filled. Targets: under 1 s at 10,000 and under 2 s at 50,000.",
        "",
    ]
    for r in results:
        for key, db in (("pages", "SQLite"), ("pg_pages", "PostgreSQL")):
            if key not in r:
                continue
            lines += [
                f"#### {r['n']:,} recommendations, {db}",
                "",
                "| page | cold (s) | warm (s) |",
                "| --- | --- | --- |",
            ]
            for p in r[key]:
                query = "&".join(f"{k}={v}" for k, v in p["params"].items())
                name = p["page"] + (f"?{query}" if query else "")
                note = f" (error: {p['error']})" if p["error"] else ""
                lines.append(f"| {name}{note} | {p['cold']:.2f} | {p['warm']:.2f} |")
            lines.append("")
    lines += ["### What the browser receives", "", "Bytes over the app's websocket for a cold visit to each page "
              "(headless Chromium). Target: under 1 MB at 50,000.", ""]  # fmt: skip
    for r in results:
        lines.append(f"#### {r['n']:,} recommendations")
        lines.append("")
        if isinstance(r["payloads"], str):
            lines += [r["payloads"], ""]
            continue
        lines += ["| page | received |", "| --- | --- |"]
        lines += [f"| {page} | {size / 1e3:,.0f} kB |" for page, size in r["payloads"]]
        lines.append("")
    lines += ["### The brief", "", "Target: the DOCX of 500 open recommendations in under 2 s.", "",
              "| recommendations | build the broad brief | open recommendations in the DOCX | DOCX | size |",
              "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in results:
        b = r["brief"]
        if "error" in b:
            lines.append(f"| {r['n']:,} | error: {b['error']} | | | |")
        else:
            size = f"{b['bytes'] / 1e3:,.0f} kB"
            lines.append(f"| {r['n']:,} | {b['build_all']:.1f} s | {b['open']} | {b['docx']:.2f} s | {size} |")
    notes = ROOT / "benchmarks" / "performance-notes.md"
    if notes.exists():
        lines += ["", re.sub(r"(?m)^## ", "### ", notes.read_text().rstrip())]  # headings under this section
    lines.append(END)
    # its own section only: the rest of docs/performance.md (the other benchmarks', each session's record) stays
    from benchmarks.bench_api import put_section

    put_section("\n".join(lines), START, END)


if __name__ == "__main__":
    main()
