"""Server-side run time of every page on the real dataset (AppTest, no browser).

Not part of the test suite: speed is measured and recorded, not asserted.
Run with `make bench`; it prints a Markdown table to paste into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = [
    ("pages/overview.py", {}),
    ("pages/overview.py", {"theme": "recruitment"}),
    ("pages/explore.py", {}),
    ("pages/recommendation.py", {"id": "tfamw2011-postarrival-5"}),
    ("pages/owners.py", {}),
    ("pages/themes.py", {}),
    ("pages/brief.py", {"theme": "recruitment"}),
    ("pages/sources.py", {}),
    ("pages/data.py", {}),
]
RUNS = 5


def main() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    rows = []
    for page, params in PAGES:
        if not (ROOT / page).exists():
            continue
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        start = time.perf_counter()
        at.switch_page(page).run()
        cold = time.perf_counter() - start
        warm = []
        for _ in range(RUNS):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"{page} raised: {at.exception}")
        query = "&".join(f"{k}={v}" for k, v in params.items())
        rows.append((page + (f"?{query}" if query else ""), cold, statistics.median(warm), max(warm)))
    print("| page | first run (s) | cached run, median of 5 (s) | cached run, max (s) |")
    print("| --- | --- | --- | --- |")
    for page, cold, median, worst in rows:
        print(f"| {page} | {cold:.3f} | {median:.3f} | {worst:.3f} |")


if __name__ == "__main__":
    main()
