"""A first load on PostgreSQL moves each table's rows in while the files are still being read, on a thread.

Why: otherwise every row waits for the end of the read, then is read back from the scratch file and COPYed, its
table's indexes and keys are built and checked, and its statistics gathered: 0.44 s of a 1.85 s first load at
1,000 recommendations, with one of the two cores idle. Here a thread of the load COPYs each batch of rows as it is
staged, and once the read has passed every kind of record a table holds (``records.WRITES``), puts its indexes,
keys and guards back and ANALYZEs it, while the reader reads on. The thread mostly waits on the server, so the
reader keeps the interpreter.

All in one transaction that holds every loaded table alone from before the first file is read (``Filling``, all
of them or none: only a database that holds no data yet). A problem in the files, or any failure, rolls all of it
back: the database is as it was. If the server refuses anything (a duplicate key: the checks name its file and
line), or the read meets the kinds in another order than ``WRITES``, the thread stops and the load goes the usual
way, from the scratch file.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine, RootTransaction

from models.filling import Filling
from recommendations.dataset.records import LOADED, WRITES
from recommendations.dataset.sync import inserted_columns

_PLACE = {kind: place for place, kind in enumerate(WRITES)}
_ORDER = list(WRITES)
_END, _STOP = "end", "stop"


class NotAhead(Exception):
    """Why the rows did not go in during the read (the load then goes the usual way)."""


class Ahead:
    """The thread and its transaction. The reader calls ``reading``, ``rows`` and ``complete`` (through the
    staging), then ``finish`` (True: every table holds its rows, see ``copied``) or ``stop`` (all rolled back)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None
        self.transaction: RootTransaction | None = None
        self.held: Filling | None = None
        #: tables whose rows are in; tables put back and analysed (by name)
        self.copied: set[Table] = set()
        self.analysed: list[str] = []
        self.failed: BaseException | None = None
        self._at = -1  # the furthest kind read so far (its place in _ORDER)
        self._complete: set[Table] = set()
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=4)  # memory stays flat: the reader waits
        self._thread = threading.Thread(target=self._run, name="load-ahead", daemon=True)
        self._thread.start()

    # --- the reader's side ------------------------------------------------------------------------------------

    def reading(self, kind: str) -> list[Table]:
        """The tables complete now that the read has reached ``kind``: every kind before it is read whole."""
        place = _PLACE.get(kind, -1)
        if place == self._at:
            return []
        if place < self._at or place < 0:
            self.failed = self.failed or NotAhead(f"the read met {kind!r} out of the order of records.WRITES")
            return []
        self._at = place
        done = set(_ORDER[:place])
        now = [t for t in LOADED if t not in self._complete and all(k in done for k in _KINDS[t])]
        self._complete.update(now)
        return now

    def rows(self, target: Table, names: list[str], values: list[Any]) -> None:
        """A batch of staged rows of ``target``, columns ``names``, as the scratch file stores them."""
        self._put(("rows", target, names, values))

    def complete(self, targets: list[Table]) -> None:
        """Every row of ``targets`` has been given (``rows``)."""
        if targets:
            self._put(("complete", targets))

    def _put(self, item: tuple[Any, ...]) -> None:
        if self.failed is None:  # else the thread only drains what is sent: send nothing more
            self._queue.put(item)

    def finish(self) -> bool:
        """Wait for the thread to move in all it was given. True: the load goes on in ``conn``'s transaction."""
        self._queue.put((_END,))
        self._thread.join()
        return self.failed is None

    def stop(self) -> None:
        """Roll all of it back (a problem in the files, a failure, or the load going the usual way)."""
        if self._thread.is_alive():
            self._queue.put((_STOP,))
            self._thread.join()
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()  # a transaction not committed is rolled back
            self.conn = None

    # --- the thread ---------------------------------------------------------------------------------------------

    def _run(self) -> None:
        stopped = False
        try:
            self.conn = self.engine.connect()
            self.transaction = self.conn.begin()
            names = [t.name for t in LOADED]
            self.held = Filling(self.conn, names)
            if sorted(self.held.tables) != sorted(names):
                raise NotAhead("the database holds data: not a first load")
            while (item := self._queue.get())[0] not in (_END, _STOP):
                if item[0] == "rows":
                    self._copy(*item[1:])
                else:
                    self._put_back(item[1])
            stopped = item[0] == _STOP
        except BaseException as error:  # any failure: the load goes the usual way, which reports it
            self.failed = error
            while self._queue.get()[0] not in (_END, _STOP):  # the reader may still send: let it go on
                pass
        if stopped or self.failed is not None:
            self.close()

    def _copy(self, target: Table, names: list[str], values: list[Any]) -> None:
        """COPY a batch as ``sync.Staged`` COPYs a filled table's staged rows: the inserted columns, version 1."""
        assert self.conn is not None
        columns = inserted_columns(target)
        pick = itemgetter(*(names.index(c) for c in columns))
        fixed = (1,) if "version" in target.c else ()
        listed = ", ".join(f'"{c}"' for c in [*columns, *(["version"] if fixed else [])])
        # ignore: SQLAlchemy types the driver's connection as optional; on a live PostgreSQL connection it is psycopg's
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        rows: Iterable[Sequence[Any]] = values  # most tables: the rows as they are
        if columns != names or fixed:
            rows = ((*pick(row), *fixed) if len(columns) > 1 else (pick(row), *fixed) for row in values)
        # this thread holds the interpreter the reader needs while it formats the rows: no more work than that
        with cursor.copy(f"COPY {target.name} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.copied.add(target)

    def _put_back(self, targets: list[Table]) -> None:
        """The tables' indexes, keys and guards back (checked), and their statistics, in this transaction."""
        assert self.conn is not None and self.held is not None
        self.held.restore([t.name for t in targets])
        analysed = [t.name for t in targets if t in self.copied]
        if analysed:  # names from the tables, never from input
            self.conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{name}"' for name in analysed))
            self.analysed += analysed


#: table -> the kinds of record that write it
_KINDS: dict[Table, list[str]] = {t: [k for k, written in WRITES.items() if t in written] for t in LOADED}
