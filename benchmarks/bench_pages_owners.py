"""Owners, Themes and the meeting brief, cold: each page in a fresh app process, after the default page (as
``bench_scale.py``'s PAGES), with the broad brief (its "Brief on all open recommendations" box ticked) as well.

Not part of the test suite: speed is measured and recorded (docs/performance.md, "Owners, Themes and the brief,
cold"), not asserted. Usage::

    DATABASE_URL=sqlite:////tmp/10k.db python benchmarks/bench_pages_owners.py

Prints one JSON line per page: the default page's first run, the page's cold run, the median of three warm runs
and the load average beside them (the machine is shared: compare runs made in the same minute).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_PAGE = """
import json, os, statistics, sys, time
sys.path.insert(0, os.environ["ROOT"])
from streamlit.testing.v1 import AppTest
page, params = json.loads(sys.argv[1])
tick = params.pop("_check", None)
at = AppTest.from_file(os.path.join(os.environ["ROOT"], "dashboard.py"), default_timeout=900)
for key, value in params.items():
    at.query_params[key] = value
start = time.perf_counter(); at.run(); first = time.perf_counter() - start
start = time.perf_counter(); at.switch_page(page).run()
if tick:
    at.checkbox(key=tick).check().run()
cold = time.perf_counter() - start
warm = []
for _ in range(3):
    start = time.perf_counter(); at.run(); warm.append(time.perf_counter() - start)
print(json.dumps({"page": page, "params": params, "ticked": tick, "first": round(first, 2), "cold": round(cold, 2),
                  "warm": round(statistics.median(warm), 2), "load": open("/proc/loadavg").read().split()[0],
                  "error": str(at.exception[0].message) if at.exception else None}))
"""

PAGES = [
    ("pages/owners.py", {}),
    ("pages/themes.py", {}),
    ("pages/brief.py", {"theme": "recruitment"}),
    ("pages/brief.py", {"_check": "brief_all"}),  # the broad brief: every open recommendation
]


def main() -> None:
    env = {**os.environ, "ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}
    for page in PAGES:
        done = subprocess.run(
            [sys.executable, "-c", ONE_PAGE, json.dumps(page)], capture_output=True, text=True, env=env, cwd=ROOT
        )
        print(done.stdout.strip().splitlines()[-1] if done.returncode == 0 else done.stderr[-2000:], flush=True)


if __name__ == "__main__":
    main()
