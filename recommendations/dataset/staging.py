"""A scratch SQLite file beside a validation: where each record was read, what the end-of-read checks need, and
(for a load) every table row, so that neither ``validate`` nor ``load`` holds the whole dataset in memory.

Records are read one at a time; what later checks need of them goes here in batches. The checks that need every
record at once (duplicate ids, corrections) are SQL over these tables; the rows of a load are written here and
moved into the database by SQL (``loader``). The file is deleted when the ``Staging`` is closed.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Column, MetaData, Table, bindparam, create_engine, insert, select
from sqlalchemy.engine import Connection

from recommendations.dataset.kept_rows import STAGING_PREFIX, private_file

log = logging.getLogger(__name__)


class Sink(Protocol):
    """Where staged rows go besides the scratch file (``ahead.Ahead``)."""

    def rows(self, target: Table, names: list[str], values: list[Any]) -> None: ...
    def complete(self, targets: list[Table]) -> None: ...


_BATCH = 5000

_SCHEMA = """
CREATE TABLE place (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, ident TEXT NOT NULL, path TEXT NOT NULL,
                    line INTEGER NOT NULL);
CREATE TABLE assessed (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, recommendation TEXT NOT NULL,
                       as_of TEXT NOT NULL, visibility TEXT NOT NULL, assessor TEXT, supersedes TEXT,
                       path TEXT NOT NULL, line INTEGER NOT NULL);
"""


def stage_table(target: Table, metadata: MetaData, name: str | None = None, **kw: Any) -> Table:
    """A table shaped like ``target``'s (same columns and types), without keys or constraints."""
    columns = [Column(c.name, c.type) for c in target.columns]
    return Table(name or f"stage_{target.name}", metadata, *columns, **kw)


def stage_keys(target: Table) -> list[str]:
    """The columns a staged row is matched on: the table's key (a review: its assessment's)."""
    return ["assessment_id"] if target.name == "assessment_review" else [c.name for c in target.primary_key.columns]


class Staging:
    """The scratch database of one read. ``rows`` is None unless the read stages table rows for a load."""

    def __init__(
        self,
        targets: list[Table] | None = None,
        directory: Path | None = None,
        *,
        path: Path | None = None,
        sink: Sink | None = None,
    ) -> None:
        """A new scratch file (in ``directory``, default the temporary one), or the kept file ``path`` reopened.
        ``sink`` is given each batch of rows as it is written, and the tables whose rows are all given
        (``complete``)."""
        if path is None:
            handle, name = tempfile.mkstemp(prefix=STAGING_PREFIX, suffix=".sqlite", dir=directory)
            os.close(handle)
        self.path = Path(name) if path is None else path
        self._engine = create_engine(f"sqlite:///{self.path}")
        self._conn: Connection = self._engine.connect()
        # ignore: SQLAlchemy types the driver's connection as a generic DBAPI one; this engine is always sqlite3's
        self.db: sqlite3.Connection = self._conn.connection.driver_connection  # type: ignore[assignment]
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-16000;")
        if path is None:
            self.db.executescript(_SCHEMA)
        self._places: list[tuple[str, str, str, int]] = []
        self._assessed: list[tuple[Any, ...]] = []
        self.metadata = MetaData()
        self.sink = sink
        self.rows: dict[Table, Table] | None = None
        self._pending: dict[Table, list[dict[str, Any]]] = {}
        self._inserts: dict[Table, tuple[str, list[str], list[tuple[int, Any]]]] = {}
        if targets is not None:
            self.rows = {m: stage_table(m, self.metadata) for m in targets}
            if path is None:
                self.metadata.create_all(self._conn)
                self._conn.commit()

    @classmethod
    def reopen(cls, kept: Path, targets: list[Table], key: str) -> Staging | None:
        """The rows a load kept in ``kept`` (see ``kept_rows.Kept``), or None when it is missing, not this user's
        own, or not of ``key``. Read through a hard link of its own, so a load that replaces the file meanwhile
        does not change what this one reads; the link goes at ``close``."""
        link = kept.with_name(f"{kept.name}.{os.getpid()}.{uuid.uuid4().hex}")
        try:
            os.link(kept, link, follow_symlinks=False)  # a link put in its place is read past (private_file)
        except OSError:
            return None
        staging: Staging | None = None
        try:
            if private_file(link):
                staging = cls(targets, path=link)
                found = staging.db.execute("SELECT key FROM kept").fetchone()
                if found is not None and found[0] == key:
                    return staging
        except sqlite3.Error:
            pass
        if staging is not None:
            staging.close()
        link.unlink(missing_ok=True)
        return None

    def mark(self, key: str) -> None:
        """Say whose rows these are (``kept_rows.Kept.key``), before the file is kept."""
        self.db.executescript("DROP TABLE IF EXISTS kept; CREATE TABLE kept (key TEXT NOT NULL);")
        self.db.execute("INSERT INTO kept (key) VALUES (?)", (key,))
        self.db.commit()

    # --- what the checks need ---------------------------------------------------------------------------------

    def place(self, kind: str, ident: str, path: str, line: int) -> None:
        self._places.append((kind, ident, path, line))
        if len(self._places) >= _BATCH:
            self._flush_places()

    def assessed(self, row: tuple[Any, ...]) -> None:
        """(id, recommendation, as_of, visibility, assessor, supersedes, path, line) of an assessment."""
        self._assessed.append(row)
        if len(self._assessed) >= _BATCH:
            self._flush_assessed()

    def _flush_places(self) -> None:
        self.db.executemany("INSERT INTO place (kind, ident, path, line) VALUES (?, ?, ?, ?)", self._places)
        self._places.clear()

    def _flush_assessed(self) -> None:
        self.db.executemany(
            "INSERT INTO assessed (id, recommendation, as_of, visibility, assessor, supersedes, path, line) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            self._assessed,
        )
        self._assessed.clear()

    def finish_reading(self) -> None:
        """Write what is still buffered and index it, for the checks across records."""
        self._flush_places()
        self._flush_assessed()
        self.db.executescript(
            "CREATE INDEX place_key ON place (kind, ident, seq); CREATE INDEX assessed_id ON assessed (id, seq); "
            "CREATE INDEX assessed_sup ON assessed (supersedes, seq);"
        )
        for target in list(self._pending):
            self._flush_rows(target)
        for target, table in (self.rows or {}).items():
            keys = ", ".join(f'"{k}"' for k in stage_keys(target))
            self.db.execute(f"CREATE INDEX {table.name}_key ON {table.name} ({keys})")
        self.db.commit()  # the driver's own transaction: a load's connection writes to this file next

    def duplicates(self) -> Iterator[tuple[str, str, str, int, str, int]]:
        """(kind, ident, path, line, first path, first line) of each record whose id was read before."""
        yield from self.db.execute(
            "WITH twice AS (SELECT kind, ident, min(seq) AS first FROM place GROUP BY kind, ident HAVING count(*) > 1) "
            "SELECT p.kind, p.ident, p.path, p.line, f.path, f.line FROM twice "
            "JOIN place p ON p.kind = twice.kind AND p.ident = twice.ident AND p.seq > twice.first "
            "JOIN place f ON f.seq = twice.first"
        )

    def where(self, kind: str, ident: str) -> tuple[str, int] | None:
        """Where the record ``kind``/``ident`` was first read."""
        found = self.db.execute(
            "SELECT path, line FROM place WHERE kind = ? AND ident = ? ORDER BY seq LIMIT 1", (kind, ident)
        ).fetchone()
        return (found[0], found[1]) if found else None

    def size(self, target: Table) -> int:
        """How many rows of ``target`` are staged."""
        assert self.rows is not None
        return int(self.db.execute(f'SELECT count(*) FROM "{self.rows[target].name}"').fetchone()[0])  # noqa: S608

    def count(self, kind: str) -> int:
        return int(self.db.execute("SELECT count(*) FROM place WHERE kind = ?", (kind,)).fetchone()[0])

    # --- rows for a load --------------------------------------------------------------------------------------

    def add_rows(self, target: Table, rows: list[dict[str, Any]]) -> None:
        if self.rows is None or not rows:
            return
        pending = self._pending.setdefault(target, [])
        pending += rows
        if len(pending) >= _BATCH:
            self._flush_rows(target)

    def _flush_rows(self, target: Table) -> None:
        """Write the buffered rows of ``target``, each value as SQLAlchemy stores it (its type's bind processor)."""
        pending = self._pending.pop(target, [])
        if not pending or self.rows is None:
            return
        table = self.rows[target]
        if target not in self._inserts:
            dialect = self._engine.dialect
            processors = [(i, c.type.bind_processor(dialect)) for i, c in enumerate(table.columns)]
            statement = insert(table).values({c.name: bindparam(c.name) for c in table.columns})
            sql = str(statement.compile(dialect=dialect))  # qmark, in column order
            self._inserts[target] = (sql, [c.name for c in table.columns], [(i, f) for i, f in processors if f])
        sql, names, converts = self._inserts[target]
        try:  # most rows have every column: one C call a row (at 1,000 recommendations, 47,000 rows: 10 ms less)
            values: list[Any] = list(map(itemgetter(*names), pending)) if len(names) > 1 else []
        except KeyError:  # some column is left to its default (None)
            values = []
        if not values:
            values = [tuple(map(row.get, names)) for row in pending]
        if converts:  # a column at a time: few convert (JSON to text, booleans to 0 and 1)
            values = list(map(list, values))
            for i, convert in converts:
                for row_values in values:
                    if (v := row_values[i]) is not None:
                        row_values[i] = convert(v)
        self.db.executemany(sql, values)
        if self.sink is not None:
            self.sink.rows(target, names, values)

    def complete(self, targets: list[Table]) -> None:
        """Every row of ``targets`` has been added: the sink is given the last of them, then told."""
        if self.sink is None or not targets:
            return
        for target in targets:
            self._flush_rows(target)
        self.sink.complete(targets)

    def read(self, table: Table) -> Iterator[Any]:
        """The staged rows of ``table``, a batch at a time (typed: dates as dates, JSON as lists)."""
        yield from self._conn.execution_options(yield_per=_BATCH).execute(select(table))

    def raw_rows(
        self, table: Table, columns: list[str], fixed: dict[str, int] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """The staged rows of ``table`` as stored (untyped: dates and JSON as text), ``columns`` in that order, then
        the values ``fixed`` (the same in every row)."""
        names = ", ".join([*(f'"{name}"' for name in columns), *(str(int(v)) for v in (fixed or {}).values())])
        cursor = self.db.execute(f'SELECT {names} FROM "{table.name}"')  # noqa: S608 (the tables' own names)
        while batch := cursor.fetchmany(_BATCH):
            yield from batch

    def close(self, keep: Path | None = None) -> None:
        """Close the file and delete it, or move it to ``keep`` (it replaces what was there in one step)."""
        self._conn.close()
        self._engine.dispose()
        if keep is not None:
            try:
                os.replace(self.path, keep)
                return
            except OSError as error:
                log.warning("rows of the load are not kept: %s", error)
        self.path.unlink(missing_ok=True)
