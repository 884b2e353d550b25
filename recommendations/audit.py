"""The audit log: one row for every write, in the same transaction as the write, and the one way to add it.

Who, when, what, which record, and the values before and after, never a password or its hash. The database
refuses to change or delete audit rows (``models/append_only.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from models.tables import AUDIT
from recommendations.permissions import Principal

SECRET_FIELDS = frozenset({"password", "password_hash"})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _json(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def audit(
    conn: Connection,
    who: Principal | str,
    action: str,
    table: str,
    record_id: str,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit row (a password or its hash is written as "(changed)", never as itself)."""
    clean = {
        name: None
        if value is None
        else {k: ("(changed)" if k in SECRET_FIELDS else _json(v)) for k, v in value.items()}
        for name, value in (("before", before), ("after", after))
    }
    conn.execute(
        insert(AUDIT).values(
            at=_now(),
            who=(who.email if isinstance(who, Principal) else who)[:400],
            user_id=who.user_id if isinstance(who, Principal) else None,
            action=action,
            table_name=table,
            record_id=str(record_id)[:120],
            **clean,
        )
    )


def _shown(value: object, limit: int = 300) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v, limit) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v, limit)}" for k, v in value.items())
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "…"


def readable(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """An audit row's values as lines a person reads, one per field: "role: contributor → reviewer" for what
    changed, "email: sok@example.org" for a new record's values (never the JSON as stored)."""
    before, after = before or {}, after or {}
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        name = key.replace("_", " ")
        old, new = before.get(key), after.get(key)
        if not before:
            if new not in (None, "", []):
                lines.append(f"{name}: {_shown(new)}")
        elif not after:
            lines.append(f"{name}: {_shown(old)}")
        elif old != new:
            lines.append(f"{name}: {_shown(old)} → {_shown(new)}")
    return "\n".join(lines)
