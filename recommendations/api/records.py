"""Each published recommendation's record (``open_data.records``) as JSON, kept per version of the data and day, so
that a page of the API's listing is cut from records already made instead of making 100 of them.

Why: one server answers every API client from one interpreter, so pages asked at once wait for each other's builds.
A page of 100 made afresh costs about 20 ms of it at 10,000 recommendations: 25 clients asking different pages at
once waited 0.9 s at the median and 1.8 s at the 95th percentile. Cut from kept records, a page costs well under a
millisecond.

How: a page's records missing from the shelf are made together, and kept. When a version is first asked for (the
server's start, or a request after any write), a thread makes every published record of that version ahead, in
batches, and stops if the data changes under it. A record is what the public may see (``read.open_data``), the
same for every client; the addresses of its page and API answer, which depend on the address the client used, are
added to its JSON when it is sent (``linked``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from recommendations.read import open_data
from recommendations.read.filters import Filters

log = logging.getLogger(__name__)  # app.py gives it Streamlit's handler: the server's log says when they are made
BATCH = 250  # records made together ahead: a few tens of milliseconds of the interpreter at a time
THREAD = "api-records-ahead"


def encoded(value: object) -> bytes:
    """A value as the API writes JSON (``http.as_json``)."""
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")


def linked(record: bytes, url: str, api_url: str) -> bytes:
    """``record`` with its two addresses last: the bytes ``encoded({**record, "url": url, "api_url": api_url})``
    would give."""
    return b"".join((record[:-1], b', "url": ', encoded(url), b', "api_url": ', encoded(api_url), b"}"))


Key = tuple[int, dt.date]


class Shelf:
    """The records of one version of the data and day, by id. A new version empties it and, once ``ahead`` is on
    (the app server's start turns it on: ``when_ready``), starts the thread that makes its records ahead."""

    def __init__(self, ahead: bool = False) -> None:
        self._key: Key | None = None
        self._kept: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.ahead = ahead
        self.filling: threading.Thread | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def key(self, db: Engine) -> Key:
        return open_data.kept_under(db)

    def records(self, db: Engine, ids: list[str]) -> list[tuple[str, bytes]]:
        """(id, record) of ``ids`` in their order, those not kept yet made together (and kept). An id the data no
        longer holds (a selection made before a write) is left out."""
        key = self.key(db)
        with self._lock:
            if key != self._key:
                self._key, self._kept = key, {}
                self._start_ahead(db, key)
            found = {i: self._kept[i] for i in ids if i in self._kept}
        missing = [i for i in ids if i not in found]
        if missing:
            made = {r["id"]: encoded(r) for r in open_data.records(db, missing)}
            self._keep(key, made)
            found.update(made)
        return [(i, found[i]) for i in ids if i in found]

    def _keep(self, key: Key, made: dict[str, bytes]) -> bool:
        """Keep ``made`` if it is still of the version on the shelf; whether it was."""
        with self._lock:
            if key != self._key:
                return False
            self._kept.update(made)
            return True

    def _start_ahead(self, db: Engine, key: Key) -> None:
        if self.ahead:
            self.filling = threading.Thread(target=self._fill, args=(db, key), name=THREAD, daemon=True)
            self.filling.start()

    def _fill(self, db: Engine, key: Key) -> None:
        """Make every published record of ``key``'s version ahead, a batch at a time; stop if the version changes."""
        start = time.perf_counter()
        try:
            every = open_data.selection(db, Filters())
            for at in range(0, len(every), BATCH):
                with self._lock:
                    batch = [i for i in every[at : at + BATCH] if i not in self._kept]
                made = {r["id"]: encoded(r) for r in open_data.records(db, batch)} if batch else {}
                if self.key(db) != key or not self._keep(key, made):
                    return  # the data changed: the next request starts the next version's
            log.info("API records made ahead: %d in %.1f s", len(every), time.perf_counter() - start)
        except Exception:  # the requests make what they need themselves
            log.exception("making the API's records ahead failed; pages make their own records")

    def clear(self) -> None:
        with self._lock:
            self._key, self._kept = None, {}


SHELF = Shelf()


def when_ready(
    wait: threading.Event, engine: Callable[[], Engine], timeout: float = 600, shelf: Shelf = SHELF
) -> threading.Thread:
    """At the server's start: once ``wait`` is set (the pages' warm-up has ended: the two would share the cores),
    turn on making records ahead, and make the current version's, on a thread of its own."""

    def run() -> None:
        wait.wait(timeout)
        shelf.ahead = True
        try:
            shelf.records(engine(), [])
        except Exception:  # a database that cannot be reached: the first request says so
            log.exception("the API's records were not made ahead")

    thread = threading.Thread(target=run, name=f"{THREAD}-start", daemon=True)
    thread.start()
    return thread
