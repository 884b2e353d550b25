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


def _empty(conn: Connection, table: str) -> bool:
    # the table's name comes from the models, never from input
    return not conn.exec_driver_sql(f'SELECT EXISTS (SELECT 1 FROM "{table}")').scalar_one()  # noqa: S608


@contextmanager
def filling(conn: Connection, tables: list[str]) -> Iterator[list[str]]:
    """Within ``conn``'s transaction: the empty ones of ``tables`` without foreign keys, secondary indexes and insert
    guards until the block ends, then all of them back (the keys checked). Yields the tables so treated."""
    if conn.dialect.name != "postgresql":
        yield []
        return
    assert conn.in_transaction(), "only inside a transaction that a failure rolls back"
    empty = [t for t in tables if _empty(conn, t)]
    if empty:  # then again once held alone: another session may have written between
        conn.exec_driver_sql("LOCK TABLE " + ", ".join(f'"{t}"' for t in empty) + " IN ACCESS EXCLUSIVE MODE")
        empty = [t for t in empty if _empty(conn, t)]
    held = {"tables": empty}
    # names as the catalogue quotes them (regclass, quote_ident), definitions as it writes them: never from input
    keys = conn.execute(
        text(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY 1, 2"
        ),
        held,
    ).all()
    indexes = conn.execute(
        text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(CAST(:tables AS regclass[])) AND NOT indisunique ORDER BY 1"
        ),
        held,
    ).all()
    guards = [(t, f"{t}_no_overwrite_{n}") for t in empty if t in KEYS for n in range(len(KEYS[t]))]
    for table, name, _ in keys:
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    for table, name in guards:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    yield empty
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for table, name, definition in keys:
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for table, name in guards:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
