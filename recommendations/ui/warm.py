"""The server's warm-up: as `streamlit run app.py` starts (app.py's lifespan), and again after every write a page run
sees (``again``), a thread fills the caches that the default page (the Overview, no filters) reads, so the first
reader of a fresh server, or the first after a write, does not wait for them.

Why: those caches work the status rule out over every recommendation (the counts, the year-end statuses, where
assessors disagree); at 10,000 recommendations that is about 5 s of one core, which the first reader of a fresh
process used to wait for, after 2 s of imports. The caches are the pages' own (``ui.data``), shared by every session;
a reader who arrives while the warm-up is still working waits for the same computation (Streamlit computes a value
once, under a lock per value), never for a second one. Nothing here is shown to anyone: a failure is logged, and the
first page then works the value out and shows any error itself.

The two longest values (the status over time, where assessors disagree) are worked out on threads of their own beside
the rest (``sql.beside``): at 10,000 recommendations the warm-up ends about 0.7 s sooner on two cores.

The values of the whole data are stored in the database (``read.stored``): a server that starts after another has
warmed up, with no write since, reads them instead (10,000: its warm-up 3.7 s -> 0.8 s). Last, it stores the brief
page's default (everything, today)'s two longest reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time

from streamlit import delta_generator, string_util
from streamlit.logger import get_logger

from recommendations import i18n, sql
from recommendations.read import stored
from recommendations.read.filters import Filters
from recommendations.ui import data
from recommendations.ui.charts import first_figure
from recommendations.ui.nav import APP_ICON

log = get_logger(__name__)  # Streamlit's handler and level: the server's log says when the warm-up has ended
DONE = threading.Event()  # set when a warm-up has ended (filled or failed): for tests and the benchmark
THREAD = "tracker-warm-up"


class _NotAScriptRun(logging.Filter):
    """Streamlit warns once per cached function called outside a page's run ("missing ScriptRunContext"); in the
    warm-up's thread that is what is meant, so its warnings there are dropped (nowhere else)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not threading.current_thread().name.startswith(THREAD) or "ScriptRunContext" not in record.getMessage()


_QUIET = _NotAScriptRun()


def warm_up() -> float:
    """Fill the default page's caches, in every language on offer; the seconds it took."""
    start = time.perf_counter()
    # Note the data's version first, as every page run does: a write after this clears what is built here at the
    # next page run, as it would have cleared values built by a page.
    data.refresh_if_changed()
    everything = Filters()  # the default page's filters: what ``ui.current_filters()`` gives a new session
    over_time = sql.beside(_over_time, everything, thread=THREAD)
    disagreeing = sql.beside(data.disagreement_rows, thread=THREAD)
    first_use = sql.beside(_first_use, thread=THREAD)
    # the rest in the order the default page asks for it
    data.summary(everything, i18n.SOURCE_LANGUAGE)
    data.counts()
    data.evidence_in(None)
    data.sources_with_texts()
    data.year_bounds()
    data.gaps()
    over_time.result()  # their errors, if any, are the warm-up's
    disagreeing.result()
    first_use.result()
    for lang in i18n.languages():
        data.options(lang)
        data.summary(everything, lang)
        data.status_over_time(everything, lang)
        data.trend_sentence(everything, lang)
    # The brief page's default (everything, as of today): its two longest reads, stored for every server.
    today = dt.date.today()
    newest = sql.beside(stored.newest_evidence, data.engine(), today, thread=THREAD)
    stored.overall_statuses(data.engine(), today, None)
    newest.result()
    return time.perf_counter() - start


@functools.cache  # once a process: a warm-up after a write finds them loaded
def _first_use() -> None:
    """What the first page run of a process paid once, done here instead: Streamlit's table of emoji (the page's
    icon: 0.1 s of regular expressions), plotly's first figure (its modules, loaded at first use), and Streamlit's
    check that it is not in a console (once a process, at the first element: it reads the source of every frame of
    the stack, about 0.05 s under a page run and next to nothing on this thread)."""
    string_util.is_emoji(APP_ICON)
    getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()  # Streamlit's own, private: if it is there
    first_figure()


def _over_time(everything: Filters) -> None:
    data.trend_sentence(everything, i18n.SOURCE_LANGUAGE)  # the page's first reader of the status over time
    data.status_over_time(everything, i18n.SOURCE_LANGUAGE)


class _Again:
    """Whether this server warms up again after each write it sees, and whether a warm-up is running or owed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.on = False
        self.running = False
        self.owed = False


_AGAIN = _Again()


def _run() -> None:
    while True:
        try:
            log.info("warm-up: the default page's caches filled in %.1f s", warm_up())
        except Exception:  # the first page works it out again, and shows the error there
            log.exception("warm-up failed; the first page will fill its caches itself")
        with _AGAIN.lock:
            if not _AGAIN.owed:
                _AGAIN.running = False
                DONE.set()
                return
            _AGAIN.owed = False
        # another write came while this one ran: what it filled may be from before that write
        data.clear_caches()


def start(*, again_after_writes: bool = False) -> threading.Thread | None:
    """Start the warm-up in a thread of its own (the server answers meanwhile); ``again_after_writes``: and again
    whenever a page run finds the data changed (``again``). None when one is running already (it runs once more)."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_QUIET)
    with _AGAIN.lock:
        _AGAIN.on = _AGAIN.on or again_after_writes
        if _AGAIN.running:
            _AGAIN.owed = True
            return None
        _AGAIN.running = True
        DONE.clear()
    thread = threading.Thread(target=_run, name=THREAD, daemon=True)
    thread.start()
    return thread


def again() -> None:
    """After a write (on any server, or a load): fill the default page's caches again in the background, so the next
    reader does not wait for the status rule over every recommendation (at 50,000 about 10 s on two cores). Values
    another server has stored since are read, not worked out (``read.stored``). Only where ``start`` was asked to."""
    if _AGAIN.on:
        start()


def stop_warming_again() -> None:
    """Writes no longer start a warm-up (for tests that started the served app's)."""
    with _AGAIN.lock:
        _AGAIN.on = False
