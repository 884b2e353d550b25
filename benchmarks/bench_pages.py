"""Pages benchmark: the first page of a fresh process, then the Overview, Explore (with and without a filter) and
the detail page cold (each in its own fresh process, after the default page) and warm; and the API's page of 100.

Not part of the test suite: measured and recorded, not asserted (docs/performance.md, "Pages in SQL").
``python benchmarks/bench_pages.py DATABASE_URL [REC_ID]``: the database must be loaded already (REC_ID: the
detail page's recommendation; default the first in the sources' order). Prints one JSON line per measurement.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# bench_scale.py's PAGES snippet, with the first page timed too, and one page per process
PAGE = """
import json, os, statistics, sys, time
sys.path.insert(0, os.environ["ROOT"])
from streamlit.testing.v1 import AppTest
page, params = json.loads(sys.argv[1])
at = AppTest.from_file(os.path.join(os.environ["ROOT"], "dashboard.py"), default_timeout=900)
for key, value in params.items():
    at.query_params[key] = value
start = time.perf_counter(); at.run(); first = time.perf_counter() - start
start = time.perf_counter(); at.switch_page(page).run(); cold = time.perf_counter() - start
warm = []
for _ in range(3):
    start = time.perf_counter(); at.run(); warm.append(time.perf_counter() - start)
print(json.dumps({"page": page, "params": params, "first": first, "cold": cold, "warm": statistics.median(warm),
                  "error": str(at.exception[0].message) if at.exception else None}))
"""

API = """
import json, os, statistics, sys, time, warnings
sys.path.insert(0, os.environ["ROOT"])
from starlette.applications import Starlette
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from models.db import make_engine
from recommendations import settings
from recommendations.api import http
from recommendations.api.routes import middleware, routes
url = os.environ["DATABASE_URL"]
settings.use(settings.Settings(database_url=url, api_requests_per_minute=100_000))
engine = make_engine(url)
http.use_engine(engine)
client = TestClient(Starlette(routes=routes(), middleware=middleware()))
PATH = "/api/v1/recommendations?per_page=100&page={n}"
for name, path in [("api page of 100", PATH), ("api page of 100, theme=recruitment", PATH + "&theme=recruitment")]:
    start = time.perf_counter(); assert client.get(path.format(n=1)).status_code == 200
    cold = time.perf_counter() - start
    built = []
    for i in range(9):
        http.ANSWERS.clear()
        start = time.perf_counter(); assert client.get(path.format(n=1 + i % 2)).status_code == 200
        built.append(time.perf_counter() - start)
    print(json.dumps({"page": name, "cold": cold, "built": statistics.median(built)}))
"""


def first_id(url: str) -> str:
    code = (
        "import sys\nsys.path.insert(0, sys.argv[2])\nfrom sqlalchemy import select\n"
        "from models.db import make_engine\n"
        "from models.tables import R, S\nfrom recommendations import sql\n"
        "q = select(R.c.id).join(S, S.c.id == R.c.source_id).order_by(S.c.date_start, R.c.source_id, R.c.position)"
        ".limit(1)\nprint(sql.rows(make_engine(sys.argv[1]), q)[0]['id'])\n"
    )
    return subprocess.run([PY, "-c", code, url, str(ROOT)], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    url = sys.argv[1]
    rec_id = sys.argv[2] if len(sys.argv) > 2 else first_id(url)
    env = {**os.environ, "DATABASE_URL": url, "ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}
    pages = [
        ("pages/overview.py", {}),
        ("pages/explore.py", {}),
        ("pages/explore.py", {"theme": "recruitment"}),
        ("pages/recommendation.py", {"id": rec_id}),
    ]
    for page in pages:
        done = subprocess.run([PY, "-c", PAGE, json.dumps(page)], capture_output=True, text=True, env=env, cwd=ROOT)
        print(done.stdout.strip().splitlines()[-1] if done.returncode == 0 else done.stderr[-2000:], flush=True)
    done = subprocess.run([PY, "-c", API], capture_output=True, text=True, env=env, cwd=ROOT)
    print(done.stdout.strip() if done.returncode == 0 else done.stderr[-2000:], flush=True)
    with open("/proc/loadavg") as handle:
        print(json.dumps({"loadavg": handle.read().split()[:3]}))


if __name__ == "__main__":
    main()
