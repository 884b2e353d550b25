"""Edits of shared records (an evidence item, an organisation) with a version check: an edit of a version that
changed since the form was opened is refused with who changed it and when, and the person's input is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from models.tables import AUDIT
from recommendations.audit import audit
from recommendations.i18n import N_
from recommendations.permissions import Principal
from recommendations.write.errors import Conflict


def conflict(conn: Connection, table: str, record_id: str) -> Conflict:
    """The refusal of an edit of a version that changed since the form was opened, saying who changed it and when
    (from the audit log): "This record was changed by someone@example.org at 2026-12-01 09:14 UTC since you
    opened it. …" (or by a data load)."""
    row = conn.execute(
        select(AUDIT.c.who, AUDIT.c.at)
        .where(AUDIT.c.table_name == table, AUDIT.c.record_id == record_id)
        .order_by(AUDIT.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return Conflict(
            N_("This record was changed by a data load since you opened it. Your changes are kept below: compare "
               "them with the new version and save again.")
        )  # fmt: skip
    return Conflict(
        N_("This record was changed by {who} at {time} UTC since you opened it. Your changes are kept below: compare "
           "them with the new version and save again."),
        who=row.who, time=f"{row.at:%Y-%m-%d %H:%M}",
    )  # fmt: skip


def versioned_update(
    conn: Connection,
    table: Table,
    who: Principal,
    record_id: str,
    seen_version: int,
    before: dict[str, Any],
    after: dict[str, Any],
    action: str,
) -> int:
    """UPDATE ... WHERE id = :id AND version = :seen; none changed means someone else saved first."""
    result = conn.execute(
        update(table)
        .where(table.c.id == record_id, table.c.version == seen_version)
        .values(**after, version=seen_version + 1)
    )
    if result.rowcount != 1:
        raise conflict(conn, table.name, record_id)
    audit(conn, who, action, table.name, record_id, before=before, after=after)
    return seen_version + 1
