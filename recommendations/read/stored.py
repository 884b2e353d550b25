"""Reads of the whole data, stored in the database (``stored_read``) for one version of the data, one day and one
version of the code, so that a fresh process, or a second app server, reads them instead of working them out again.

Why: the Overview's figures on every recommendation (the status over time, where assessors disagree, the counts)
run the status rule over the whole history: at 10,000 recommendations about 3 s of CPU, which every app server
spent again after each start and after each write, and which the first reader of a fresh server waited for. Stored,
they cost one indexed read of a few hundred kilobytes.

When a stored read is used: only under the stamp it was worked out under, which changes with
- any write, by any server or a load (``headlines.data_version``: the newest audit row);
- the day (what is open, or stale, and which years are shown depend on today's date);
- the code (a fingerprint of every module of ``recommendations`` and ``models``: an upgrade that changes a rule is
  never answered with the old rule's figures).
Storing drops the same read's other stamps (and a damaged value: it is worked out again). A database edited by
hand, outside the app and ``load``, writes no audit row: clear the table then (``DELETE FROM stored_read``; README,
"Scale and bad input").

Every stored read is what the public sees (the status rule counts only what is in force, for every reader; evidence
as ``visibility.PUBLIC`` sees it), as the pages' caches, which every session shares, always were.

Values are Arrow IPC streams of DataFrames (no pickle: a stored value is data, never code to run). Storing is behind
the reader and best effort (``_Writer``): the value worked out is returned at once; the store is retried while the
database is busy, and a failure (a read-only database user) is logged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from models.db import waiting_briefly
from models.tables import table
from recommendations import sql, status
from recommendations.read import detail, evidence, headlines, owners, recurrence, summary
from recommendations.read.filters import Filters
from recommendations.read.headlines import data_version

STORED = table("stored_read")
_CODE_ROOTS = ("recommendations", "models")
# What a store waits for another's lock, per try: on SQLite, while it waits to commit, new reads wait for it.
_WAIT_MS = 200
log = logging.getLogger(__name__)


@functools.cache
def code_fingerprint() -> str:
    """``digest`` of this checkout, once per process."""
    return digest(Path(__file__).resolve().parents[2])


def digest(root: Path) -> str:
    """A digest of every module, names and contents, of the packages holding the rules under ``root``."""
    found = hashlib.sha256()
    for package in _CODE_ROOTS:
        for path in sorted((root / package).rglob("*.py")):
            found.update(str(path.relative_to(root)).encode())
            found.update(path.read_bytes())
    return found.hexdigest()[:16]


def stamp(engine: Engine, today: dt.date | None = None) -> str:
    """What a stored read is valid for: the data's version, the day and the code."""
    return f"{data_version(engine)}/{(today or dt.date.today()).isoformat()}/{code_fingerprint()}"


def frames(
    engine: Engine, name: str, work_out: Callable[[], Mapping[str, pd.DataFrame]], today: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """The read ``name`` (named tables) as stored under the current stamp; else ``work_out()``, stored.

    The stamp is taken before the read is worked out: a write meanwhile stores the value under the stamp before
    it, which no reader asks for again (the data's version only grows). ``today``: the day the read is as of, when
    it is given one (it must be today's date: the stamp's day)."""
    now = stamp(engine, today)
    with engine.connect() as conn:
        found = conn.execute(
            select(STORED.c.part, STORED.c.payload).where(STORED.c.name == name, STORED.c.stamp == now)
        ).all()
    if found:
        try:
            return {part: _decoded(payload) for part, payload in found}
        except pa.ArrowException as error:  # damaged (by hand, or a disk): worked out and stored again
            log.warning("the stored read %r could not be read; it is worked out again: %s", name, error)
    value = dict(work_out())
    _WRITER.put(
        engine, name, [{"name": name, "part": p, "stamp": now, "payload": _encoded(v)} for p, v in value.items()]
    )
    return value


class _Writer:
    """Stores values behind the readers, one at a time, on a thread of its own, retrying while the database is busy.

    Why behind: a reader's page never waits to store. Why retried: another process may be writing (or, on a SQLite
    file still in rollback mode, reading: such a file commits a write only when no read is running, and the values
    are worked out beside one another, so a store waiting 0.2 s often found another read still running). Each try
    waits 0.2 s at most for locks; after ``TRIES`` the value is left (logged), and worked out again by the next
    process that needs it. Errors other than a busy database (a user who may only read) are logged at once."""

    TRIES, PAUSE = 20, 0.5  # seconds between tries: 10 s in all

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Engine, str, list[dict[str, object]]]] = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def put(self, engine: Engine, name: str, rows: list[dict[str, object]]) -> None:
        """Store ``rows`` (the parts of one read, encoded: a snapshot the caller may go on changing) as ``name``."""
        self.queue.put((engine, name, rows))
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="tracker-store", daemon=True)
                self.thread.start()

    def flush(self) -> None:
        """Wait until every value handed over has been stored or left (for tests and benchmarks)."""
        self.queue.join()

    def _run(self) -> None:
        while True:
            engine, name, rows = self.queue.get()
            try:
                self.store(engine, name, rows)
            except Exception as error:  # never the end of the thread: the values behind it still wait to be stored
                log.error("could not store the read %r: %r", name, error)
            finally:
                self.queue.task_done()

    def store(self, engine: Engine, name: str, rows: list[dict[str, object]]) -> None:
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        for attempt in range(1, self.TRIES + 1):
            try:
                with waiting_briefly(engine, _WAIT_MS) as conn:
                    conn.execute(delete(STORED).where(STORED.c.name == name))  # other stamps, or a damaged value
                    if rows:  # another process storing the same stamp at once stored the same value
                        conn.execute(dialect.insert(STORED).on_conflict_do_nothing(), rows)
                return
            except SQLAlchemyError as error:
                if _busy(error) and attempt < self.TRIES:
                    time.sleep(self.PAUSE)
                    continue
                # The error alone, no traceback: formatting one parses source (Python 3.11's carets), and parsing on
                # two threads at once can fail in CPython 3.11 ("AST constructor recursion depth mismatch").
                log.warning("could not store the read %r; it is worked out again until it can be: %s", name, error)
                return


def _busy(error: SQLAlchemyError) -> bool:
    """Whether another connection's lock refused the store (worth trying again), not the database (read-only...)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.orig
    return "database is locked" in str(cause) or getattr(cause, "sqlstate", None) in _PG_BUSY


_PG_BUSY = {"55P03", "40P01"}  # lock_not_available (``lock_timeout``), deadlock_detected
_WRITER = _Writer()
flush = _WRITER.flush


def _encoded(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    data = pa.Table.from_pandas(frame)
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return bytes(sink.getvalue().to_pybytes())


def _decoded(payload: bytes) -> pd.DataFrame:
    with pa.ipc.open_stream(payload) as reader:
        data = reader.read_all()
    frame: pd.DataFrame = data.to_pandas()
    for name in data.column_names:  # lists come back as NumPy arrays: as lists, as they were stored
        if pa.types.is_list(data.schema.field(name).type):
            frame[name] = pd.Series(data.column(name).to_pylist(), index=frame.index, dtype=object)
    return frame


# --- the stored reads: the whole data's figures of the Overview (``ui.warm`` fills them), Owners and Themes -----


def over_time(engine: Engine, ids: list[str] | None = None) -> summary.OverTime:
    """``summary.over_time``: stored for every recommendation (``ids`` None)."""
    if ids is not None:
        return summary.over_time(engine, ids)

    def work_out() -> dict[str, pd.DataFrame]:
        value = summary.over_time(engine, None)
        return {"counts": value.counts, "trend_years": value.trend_years}

    parts = frames(engine, "over_time", work_out)
    return summary.OverTime(counts=parts["counts"], trend_years=parts["trend_years"])


def counted(engine: Engine, filters: Filters | None = None) -> summary.Counted:
    """``summary.counted``: stored for every recommendation (no filter)."""
    if filters is not None and not filters.is_empty():
        return summary.counted(engine, filters)
    parts = frames(engine, "counted", lambda: {"rows": summary.counted(engine, None).rows})
    return summary.Counted(ids=None, rows=parts["rows"])


def disagreement_rows(engine: Engine) -> pd.DataFrame:
    """``detail.disagreement_rows``: where assessors disagree."""
    return frames(engine, "disagreement_rows", lambda: {"rows": detail.disagreement_rows(engine)})["rows"]


def evidence_count(engine: Engine, ids: list[str] | None = None) -> int:
    """``headlines.evidence_count``: stored for every recommendation (``ids`` None)."""
    if ids is not None:
        return headlines.evidence_count(engine, ids)
    parts = frames(engine, "evidence_count", lambda: {"n": pd.DataFrame({"n": [headlines.evidence_count(engine)]})})
    return int(parts["n"]["n"].iloc[0])


def asks_by_actor(engine: Engine, ids: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``owners.asks_by_actor``, the Owners page's counts: stored for every recommendation (``ids`` None)."""
    if ids is not None:
        return owners.asks_by_actor(engine, ids)
    return frames(engine, "asks_by_actor", lambda: {"rows": owners.asks_by_actor(engine)})["rows"]


def chain_parts(engine: Engine, lang: str) -> recurrence.ChainParts:
    """``recurrence.chain_parts`` in ``lang``: every chain's members and links (Themes)."""

    def work_out() -> dict[str, pd.DataFrame]:
        members, links = recurrence.chain_parts(engine, lang)
        return {"members": members, "links": links}

    parts = frames(engine, f"chain_parts/{lang}", work_out)
    return parts["members"], parts["links"]


def chronic_asks(
    engine: Engine,
    lang: str,
    parts: Callable[[], recurrence.ChainParts] | None = None,
    ids: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """``recurrence.chronic_asks`` in ``lang`` (Themes): stored for every recommendation (``ids`` None). ``parts``:
    where the caller keeps ``chain_parts`` (the page's cache: a value still waiting to be stored is then not worked
    out twice)."""
    if ids is not None:
        chains = parts() if parts is not None else recurrence.chain_parts(engine, lang)
        return recurrence.chronic_asks(engine, pd.DataFrame({"id": list(ids)}), lang=lang, parts=chains)

    def work_out() -> dict[str, pd.DataFrame]:
        chains = parts() if parts is not None else chain_parts(engine, lang)
        return {"rows": recurrence.chronic_asks(engine, None, lang=lang, parts=chains)}

    return frames(engine, f"chronic_asks/{lang}", work_out)["rows"]


# --- what a brief on everything reads, as of today (the page's default meeting date) ------------------------------

_OVERALL = [field.name for field in dataclasses.fields(status.Overall)]


def overall_statuses(engine: Engine, as_of: dt.date, recommendations: list[str] | None) -> dict[str, status.Overall]:
    """``status.overall_statuses``: stored for every recommendation (None) as of today."""
    if recommendations is not None or as_of != dt.date.today():
        return status.overall_statuses(engine, as_of, recommendations)

    def work_out() -> dict[str, pd.DataFrame]:
        found = status.overall_statuses(engine, as_of)
        return {
            "rows": pd.DataFrame([[getattr(o, name) for name in _OVERALL] for o in found.values()], columns=_OVERALL)
        }

    rows = _nulls_as_none(frames(engine, "overall_statuses", work_out, today=as_of)["rows"])
    return {row[0]: status.Overall(*row) for row in rows.itertuples(index=False, name=None)}


def newest_evidence(engine: Engine, as_of: dt.date) -> dict[str, dt.date]:
    """``evidence.newest`` of every recommendation on ``as_of`` (the public's evidence): stored when that is today."""
    if as_of != dt.date.today():
        return evidence.newest(engine, None, as_of=as_of)

    def work_out() -> dict[str, pd.DataFrame]:
        found = evidence.newest(engine, None, as_of=as_of)
        return {"rows": pd.DataFrame({"recommendation_id": list(found), "newest": list(found.values())})}

    rows = frames(engine, "newest_evidence", work_out, today=as_of)["rows"]
    return dict(zip(rows["recommendation_id"], rows["newest"], strict=True))


def _nulls_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as ``None``, as the database gave them (pandas reads a missing text back as NaN, which is
    true in a test of truth)."""
    return frame.astype(object).where(frame.notna(), None)


# --- the default page's, at once: after a load (``load --prepare``) -----------------------------------------------


def prepare(engine: Engine) -> None:
    """Work out and store the Overview's reads of the whole data (the default page), and wait until they are stored.

    Why: after a load that changed the data, the first reader of the Overview, on a fresh server or on one that was
    running, waits while the server works these out (10,000 recommendations: about 1.9 s of CPU; the first Overview
    asked at once of a fresh server took 1.7-2.1 s, and 0.7-0.9 s with them stored). Not done by every load: it adds
    time and memory in proportion to the data (10,000: about 1.3 s and 100 MB; 50,000: 7.5 s, and a peak of 391 MB
    against 211 MB, near ``load``'s 400 MB). The other pages' reads (Owners, Themes, the brief) are left to the
    servers (``ui.warm``, or their first reader). The two longest run beside the rest."""
    years = sql.beside(over_time, engine)
    disagreeing = sql.beside(disagreement_rows, engine)
    counted(engine)
    evidence_count(engine)
    years.result()  # their errors, if any, are the caller's
    disagreeing.result()
    flush()
