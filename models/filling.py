"""Filling empty tables on PostgreSQL as its manual advises ("Populating a Database"): indexes and foreign keys
added after the rows, the history's insert guards off while nothing can be overwritten.

A first load inserts every row of a dozen tables. Row by row, each foreign key costs a query per inserted row and
each insert guard (``append_only.guard_inserts``) another: at 10,000 recommendations 3 s and 1.2 s of a 4.5 s
insert, and keeping five secondary indexes of the assessments in step 0.85 s more. Added back after the rows, a
foreign key is checked by one join over the table and an index is built by one sort. Primary and unique keys stay.

Only for tables that are empty once this transaction holds them alone (ACCESS EXCLUSIVE): no other session can
read or write them until it commits, an insert guard cannot be needed where no row is recorded yet (two inserted
rows with one key are still refused by the table's own primary and unique keys), and every key and guard is back,
checked, before the commit; a failure rolls all of it back. SQLite: nothing changes (its load is not slowed so).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.append_only import KEYS


def _empty(conn: Connection, tables: list[str]) -> list[str]:
    """Those of ``tables`` that hold no row, asked in one query."""
    if not tables:
        return []
    probes = ", ".join(f'EXISTS (SELECT 1 FROM "{t}")' for t in tables)  # noqa: S608 (names from the models)
    held = conn.exec_driver_sql(f"SELECT {probes}").one()
    return [table for table, any_row in zip(tables, held, strict=True) if not any_row]


def _run(conn: Connection, statements: list[str]) -> None:
    """``statements`` in one message (no parameters: the server runs them in order, in this transaction)."""
    if statements:
        conn.exec_driver_sql(";\n".join(statements))


class Filling:
    """The empty ones of ``tables`` (on ``conn``, in its transaction, held alone) without foreign keys, secondary
    indexes and insert guards, until ``restore`` puts them back (the keys checked), all at once or a few tables at a
    time (``recommendations.dataset.ahead``: each as soon as its rows are in). ``tables``: those so treated."""

    def __init__(self, conn: Connection, tables: list[str]) -> None:
        assert conn.in_transaction(), "only inside a transaction that a failure rolls back"
        self.conn = conn
        empty = _empty(conn, tables)
        if empty:  # then again once held alone: another session may have written between
            conn.exec_driver_sql("LOCK TABLE " + ", ".join(f'"{t}"' for t in empty) + " IN ACCESS EXCLUSIVE MODE")
            empty = _empty(conn, empty)
        self.tables = empty
        held = {"tables": empty}
        # names as the catalogue quotes them (regclass, quote_ident), definitions as it writes them: never from input
        self._keys = conn.execute(
            text(
                "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid), "
                "(SELECT relname FROM pg_class WHERE oid = conrelid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY 1, 2"
            ),
            held,
        ).all()
        self._indexes = conn.execute(
            text(
                "SELECT (SELECT relname FROM pg_class WHERE oid = indrelid), indexrelid::regclass::text, "
                "pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(CAST(:tables AS regclass[])) AND NOT indisunique ORDER BY 2"
            ),
            held,
        ).all()
        self._guards = [(t, f"{t}_no_overwrite_{n}") for t in empty if t in KEYS for n in range(len(KEYS[t]))]
        self._pending = set(empty)
        # each half in one message (about 130 statements at a first load): 12 ms less than a round trip for each
        _run(
            conn,
            [f"ALTER TABLE {table} DROP CONSTRAINT {name}" for table, name, _, _ in self._keys]
            + [f"DROP INDEX {name}" for _, name, _ in self._indexes]
            + [f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"' for table, name in self._guards],
        )

    def restore(self, tables: list[str] | None = None) -> None:
        """Put back the indexes, keys and guards of ``tables`` (default: all not yet put back), in one message."""
        now = self._pending if tables is None else self._pending & set(tables)
        self._pending = self._pending - now
        if not now:
            return
        _run(
            self.conn,
            [definition for table, _, definition in self._indexes if table in now]
            + [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition, bare in self._keys
               if bare in now]
            + [f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"' for table, name in self._guards if table in now],
        )  # fmt: skip


@contextmanager
def filling(conn: Connection, tables: list[str]) -> Iterator[list[str]]:
    """Within ``conn``'s transaction: the empty ones of ``tables`` without foreign keys, secondary indexes and insert
    guards until the block ends, then all of them back (the keys checked). Yields the tables so treated."""
    if conn.dialect.name != "postgresql":
        yield []
        return
    held = Filling(conn, tables)
    yield held.tables
    held.restore()
