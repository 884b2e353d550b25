"""The server's warm-up (recommendations/ui/warm.py): what it fills is what the default page reads, and a write after
it is still shown; a page's read ahead (``ui.ahead``), worked out once; the counts every language labels, read once."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from models.db import make_engine
from recommendations import numbers
from recommendations.read import detail, headlines, recurrence, stored
from recommendations.read import summary as overview
from recommendations.read.filters import Filters
from recommendations.ui import data, warm
from tests import conftest, helpers
from tests.test_app_progress import metric

pytestmark = pytest.mark.usefixtures("app_db")


def _never_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The read side behind the warmed caches fails from here on: what is shown must come from the caches."""

    def worked_out_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a value the warm-up had filled was worked out again")

    for target, name in [
        (overview, "summary"),
        (overview, "counted"),
        (overview, "over_time"),
        (overview, "trend_rows"),
        (headlines, "evidence_count"),
        (headlines, "options"),
        (detail, "disagreement_rows"),
    ]:
        monkeypatch.setattr(target, name, worked_out_again)


def test_the_default_page_reads_what_the_warm_up_filled(monkeypatch):
    warm.warm_up()
    _never_again(monkeypatch)
    at = conftest.open_page(None)
    assert not at.exception, at.exception
    assert at.title[0].value == "Migrant-worker recommendation tracker"


def test_the_thread_fills_every_language_and_says_it_has_ended(monkeypatch):
    expected = overview.summary(data.engine(), Filters(), "km")
    warm.start().join(timeout=60)
    assert warm.DONE.is_set()
    _never_again(monkeypatch)
    warmed = data.summary(Filters(), "km")
    assert warmed.count == expected.count and warmed.total == expected.total
    assert not data.status_over_time(Filters(), "km").empty
    assert data.trend_sentence(Filters(), "km")


def test_a_fresh_server_reads_what_an_earlier_one_stored(monkeypatch):
    """After one server's warm-up, another process (here: this one with its caches emptied) reads the whole data's
    figures from the database (``read.stored``) and works none of them out again."""
    warm.warm_up()
    stored.flush()  # stores are written behind the reader
    expected = data.summary(Filters(), "en")
    data.clear_caches()
    with data.engine().connect() as conn:
        names = {row[0] for row in conn.execute(select(stored.STORED.c.name))}
    assert names == {
        "over_time",
        "counted",
        "disagreement_rows",
        "evidence_count",
        "overall_statuses",
        "newest_evidence",
    }

    def worked_out_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a figure an earlier server stored was worked out again")

    for target, name in [(overview, "counted"), (overview, "over_time"), (headlines, "evidence_count"),
                         (detail, "disagreement_rows")]:  # fmt: skip
        monkeypatch.setattr(target, name, worked_out_again)
    at = conftest.open_page(None)
    assert not at.exception, at.exception
    assessed = sum(n for status, n in expected.count.items() if status != "not_assessed")
    assert metric(at, "Assessed") == numbers.of(assessed, expected.total, lang="en")


def test_a_write_after_the_warm_up_is_shown():
    warm.warm_up()
    warmed = data.summary(Filters(), "en")
    engine = make_engine(os.environ["DATABASE_URL"])
    helpers.publish_an_assessment(engine, "Written after the warm-up.")
    engine.dispose()
    at = conftest.open_page(None)
    assert not at.exception, at.exception
    total = warmed.total
    assessed = sum(n for status, n in warmed.count.items() if status != "not_assessed")
    assert metric(at, "Assessed") == numbers.of(assessed + 1, total, lang="en")


@pytest.mark.parametrize(
    ("page", "module", "name", "heading"),
    [
        (None, overview, "over_time", "Status over time"),
        ("pages/themes.py", recurrence, "chronic_asks", "Chronic asks"),
    ],
)
def test_a_page_reads_its_longest_read_ahead_once(monkeypatch, page, module, name, heading):
    """The Overview (the status over time) and Themes (the chronic asks) start their longest read on a thread of its
    own (``data.ahead``): the page's own call then waits for it under the cache's lock, so it is worked out once, for
    the selection, and the page shows it."""
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append((threading.current_thread().name, args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    data.clear_caches()
    at = conftest.open_page(page, theme="recruitment")
    assert not at.exception, at.exception
    assert len(calls) == 1  # once: the page's own call found it, or waited for it
    thread, selection = calls[0]
    assert thread == "tracker-read-ahead" and selection is not None  # ahead (started before the page needs it)
    assert any(heading in h.value for h in at.header)


def test_every_language_labels_the_same_counts(monkeypatch):
    """The Overview's counts of a selection are read once (``data._counted``); each language only labels them, and
    says the same as a summary worked out afresh in that language."""
    chosen = Filters(themes=["recruitment"])
    fresh = {lang: overview.summary(data.engine(), chosen, lang) for lang in ("en", "km")}
    calls = []
    real = overview.counted

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(overview, "counted", counted)
    data.clear_caches()
    for lang in ("en", "km", "en"):
        shown = data.summary(chosen, lang)
        assert (shown.count, shown.sources, shown.awaits_review) == (
            fresh[lang].count,
            fresh[lang].sources,
            fresh[lang].awaits_review,
        )
        for name, frame in fresh[lang].by.items():
            assert shown.by[name].equals(frame), (lang, name)
    assert calls == [chosen]
    assert not fresh["km"].by["theme"].equals(fresh["en"].by["theme"])  # not vacuous: the languages differ


def test_the_served_app_warms_up_again_after_a_write(monkeypatch):
    """app.py's warm-up runs again when a page run finds the data changed: the next reader of the default page, in
    any language, finds the figures with the write in them."""
    warm.start(again_after_writes=True).join(timeout=60)
    try:
        before = data.summary(Filters(), "km")
        engine = make_engine(os.environ["DATABASE_URL"])
        helpers.publish_an_assessment(engine, "Written after the warm-up.")
        engine.dispose()
        at = conftest.open_page(None)  # sees the write, and starts the warm-up again
        assert not at.exception, at.exception
        assert warm.DONE.wait(timeout=60)
        _never_again(monkeypatch)
        after = data.summary(Filters(), "km")  # filled by the second warm-up, not by the page (English)
        assert after.count["in_progress"] == before.count.get("in_progress", 0) + 1
    finally:
        warm.stop_warming_again()


def test_writes_during_a_warm_up_owe_it_one_more_run(monkeypatch):
    """Writes seen while a warm-up runs: one more run after it, with the caches it filled dropped first (they may be
    from before those writes); never two warm-ups at once."""
    runs, cleared, release = [], [], threading.Event()

    def first_waits() -> float:
        runs.append(1)
        if len(runs) == 1:
            assert release.wait(timeout=60)  # the first run lasts until the test has seen the writes
        return 0.0

    monkeypatch.setattr(warm, "warm_up", first_waits)
    monkeypatch.setattr(warm.data, "clear_caches", lambda: cleared.append(len(runs)))
    thread = warm.start(again_after_writes=True)
    try:
        assert thread is not None
        warm.again(), warm.again()  # two writes seen while it runs: one more run, not two
        assert warm.start() is None  # never a second thread
        release.set()
        thread.join(timeout=60)
        assert runs == [1, 1] and cleared == [1] and warm.DONE.is_set()
    finally:
        warm.stop_warming_again()
    warm.again()  # no longer asked to
    assert runs == [1, 1] and warm.DONE.is_set()


def test_themes_works_out_every_chain_once_when_nothing_is_stored(monkeypatch):
    """The chronic asks of everything and the chain tables are made from one reading of the chains (``_chain_parts``),
    also while the stored reads' writer has not stored it yet."""
    calls = helpers.calls_to(monkeypatch, recurrence, "chain_parts")
    monkeypatch.setattr(stored._WRITER, "put", lambda *args: None)  # nothing is stored during the page's run
    data.clear_caches()
    with data.engine().begin() as conn:
        conn.execute(stored.STORED.delete())
    at = conftest.open_page("pages/themes.py")
    assert not at.exception, at.exception
    assert len(calls) == 1


def test_the_warm_up_loads_what_the_first_page_run_of_a_process_would():
    """Streamlit's table of emoji (the tab's icon), plotly's modules for a bar chart and Streamlit's once-a-process
    check of the stack: done in a fresh process by the warm-up's first use, not by the first reader's page run
    (0.58-0.61 s -> 0.39-0.40 s at 10,000; the check, 0.37-0.38 -> 0.32-0.34 s after the warm-up)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom streamlit import delta_generator\nfrom recommendations.ui import warm\n"
        "wanted = ('streamlit.emojis', 'plotly.graph_objs._bar')\n"
        "def seen(): return [m in sys.modules for m in wanted] + [delta_generator._use_warning_has_been_displayed]\n"
        "print(seen())\nwarm._first_use()\nprint(seen())\nprint('plotly.express' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=conftest.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[False, False, False]", "[True, True, True]"]
    assert done.stdout.split("\n")[2] == "False"  # plotly express not imported: the bar charts are drawn without it
