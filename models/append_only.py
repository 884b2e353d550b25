"""Tables the database itself keeps append-only: triggers that refuse UPDATE, DELETE and an INSERT over a row.

The history (assessments, the evidence they cite, review decisions, the audit log) must never lose or
change a row, whatever program connects to the database. A convention in the loader is not enough, so
each such table gets triggers on SQLite and on PostgreSQL, created by the migrations through these
functions. SQLite drops a table's triggers with the table: a later migration that rebuilds one of these
tables (Alembic's batch "move and copy") must call ``create`` and ``guard_inserts`` again.

UPDATE and DELETE are not the only ways to change a row: SQLite's ``INSERT OR REPLACE`` (and ``REPLACE``)
deletes the row in the way without firing a DELETE trigger, and an upsert (``INSERT ... ON CONFLICT DO
UPDATE``) rewrites it. ``guard_inserts`` adds a BEFORE INSERT trigger that refuses an insert whose key is
already taken, on both databases, so every SQL verb that could change a recorded row is refused.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

PREFIX = "append-only:"

#: table -> what the refusal says (after "<table>: UPDATE refused. ")
MESSAGES: dict[str, str] = {
    "assessment": "an assessment cannot be changed or deleted; record a new assessment that supersedes it",
    "assessment_evidence": "the evidence an assessment cites cannot be changed; record a new assessment",
    "assessment_review": "a review decision cannot be changed or deleted; a published assessment can be withdrawn",
    "audit_log": "the audit log cannot be changed or deleted",
    "curation_draft": "a submitted document cannot be changed or deleted; submit a new version",
    "curation_review": "a decision on a submitted document cannot be changed or deleted",
    "evidence_correction": "a proposed correction cannot be changed or deleted; propose another",
    "evidence_correction_review": "a decision on a correction cannot be changed or deleted",
    "sso_login": "the record of a single sign-on cannot be changed or deleted",
}

#: table -> the keys an insert may not take again (each a tuple of columns).
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "assessment": (("id",),),
    "assessment_evidence": (("assessment_id", "evidence_id"),),
    "assessment_review": (("id",), ("assessment_id",)),
    "audit_log": (("id",),),
    "curation_draft": (("id",), ("source_id", "version")),
    "curation_review": (("id",), ("draft_id",)),
    "evidence_correction": (("id",),),
    "evidence_correction_review": (("id",), ("correction_id",)),
    "sso_login": (("token_id",),),
}


def _message(table: str, what: str) -> str:
    return f"{PREFIX} {table} is part of the history: {what}"


def create(conn: Connection, table: str, what: str | None = None) -> None:
    """Refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) on ``table`` from now on."""
    message = _message(table, what or MESSAGES[table]).replace("'", "''")
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        return
    conn.exec_driver_sql(
        """CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
           END $$"""
    )
    conn.exec_driver_sql(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION refuse_history_change('{message}')"
    )
    conn.exec_driver_sql(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change('{message}')"
    )


def guard_inserts(conn: Connection, table: str) -> None:
    """Refuse an INSERT (or REPLACE, or upsert) whose key is already recorded in ``table``."""
    message = _message(table, MESSAGES[table]).replace("'", "''")
    if conn.dialect.name == "sqlite":
        for number, key in enumerate(KEYS[table]):
            taken = " AND ".join(f"{c} = NEW.{c}" for c in key)
            # the table and its columns come from KEYS, a constant of this module, never from input
            statement = f"CREATE TRIGGER {table}_no_overwrite_{number} BEFORE INSERT ON {table} WHEN EXISTS "
            statement += f"(SELECT 1 FROM {table} WHERE {taken}) BEGIN SELECT RAISE(ABORT, '{message}'); END"  # noqa: S608
            conn.exec_driver_sql(statement)
        return
    # One function per table and key, its query written out (the table and columns come from KEYS, a constant
    # of this module, never from input): PL/pgSQL prepares it once per connection. A single function that built
    # the query with format() and EXECUTE planned it again for every row inserted; the two inserts it guarded
    # most were three quarters of a first load's SQL on PostgreSQL (0.87 s and 0.56 s of 1.9 s, for 17,861 cited
    # evidence items and 10,000 assessments, at 1,000 recommendations).
    for number, key in enumerate(KEYS[table]):
        taken = " AND ".join(f"{c} = NEW.{c}" for c in key)
        function = f"{table}_no_overwrite_{number}"
        check = f"IF EXISTS (SELECT 1 FROM {table} WHERE {taken}) THEN"  # noqa: S608
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {check} "
            f"RAISE EXCEPTION USING MESSAGE = '{message}', ERRCODE = 'integrity_constraint_violation'; END IF; "
            "RETURN NEW; END $$"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {function} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def unguard_inserts(conn: Connection, table: str) -> None:
    """For downgrades, and for migrations that write the guards again."""
    for number in range(len(KEYS[table])):
        suffix = "" if conn.dialect.name == "sqlite" else f" ON {table}"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_overwrite_{number}{suffix}")
        if conn.dialect.name != "sqlite":
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_no_overwrite_{number}()")


def drop(conn: Connection, table: str) -> None:
    """For downgrades only."""
    if conn.dialect.name == "sqlite":
        for op in ("update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        return
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def refusal(exc: BaseException) -> str | None:
    """The plain-words refusal inside a database error raised by these triggers, else None."""
    text = str(getattr(exc, "orig", exc))
    start = text.find(PREFIX)
    if start < 0:
        return None
    return text[start + len(PREFIX) :].strip().splitlines()[0]
