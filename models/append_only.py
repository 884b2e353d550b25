"""Tables the database itself keeps append-only: triggers that refuse UPDATE and DELETE.

The history (assessments, the evidence they cite, review decisions, the audit log) must never lose or
change a row, whatever program connects to the database. A convention in the loader is not enough, so
each such table gets triggers on SQLite and on PostgreSQL, created by the migrations through these
functions. SQLite drops a table's triggers with the table: a later migration that rebuilds one of these
tables (Alembic's batch "move and copy") must call ``create`` again.
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
