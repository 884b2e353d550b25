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
from recommendations.i18n import N_, Translator
from recommendations.permissions import Principal

SECRET_FIELDS = frozenset({"password", "password_hash"})
#: What each write is called in the log (the action as stored -> its words, for a page in any language).
ACTION_LABELS = {
    "add organisation": N_("add organisation"),
    "edit organisation": N_("edit organisation"),
    "add user": N_("add user"),
    "set role": N_("set role"),
    "disable user": N_("disable user"),
    "enable user": N_("enable user"),
    "set password": N_("set password"),
    "lock account": N_("lock account"),
    "record assessment": N_("record assessment"),
    "add evidence": N_("add evidence"),
    "publish": N_("publish"),
    "return": N_("return"),
    "withdraw assessment": N_("withdraw assessment"),
    "edit evidence": N_("edit evidence"),
    "propose evidence correction": N_("propose evidence correction"),
    "return evidence correction": N_("return evidence correction"),
    "load": N_("load"),
    "submit document": N_("submit document"),
    "publish document": N_("publish document"),
    "return document": N_("return document"),
}
#: The kind of record a row is about (the table as stored -> its words).
TABLE_LABELS = {
    "actor": N_("organisation or body"),
    "app_user": N_("account"),
    "assessment": N_("assessment"),
    "assessment_review": N_("review of an assessment"),
    "evidence": N_("evidence item"),
    "evidence_correction": N_("correction of evidence"),
    "curation_draft": N_("submitted source document"),
    "source": N_("source document"),
    "recommendation": N_("recommendation"),
    "recommendation_link": N_("link between recommendations"),
    "*": N_("the whole dataset"),
}
#: The fields of the values before and after, as a line names them ("as of: 2023 → 2024").
FIELD_LABELS = {
    "email": N_("email"),
    "name": N_("name"),
    "role": N_("role"),
    "organisation_id": N_("organisation id"),
    "active": N_("active"),
    "password": N_("password"),
    "sessions_ended": N_("sessions ended"),
    "locked_until": N_("locked until"),
    "id": N_("id"),
    "recommendation": N_("recommendation"),
    "addressee": N_("addressee"),
    "status": N_("status"),
    "as_of": N_("as of"),
    "assessor": N_("assessor"),
    "rationale": N_("rationale"),
    "evidence": N_("evidence"),
    "visibility": N_("visibility"),
    "supersedes": N_("supersedes"),
    "supersede_reason": N_("supersede reason"),
    "recorded_by": N_("recorded by"),
    "recorded_at": N_("recorded at"),
    "review": N_("review"),
    "date": N_("date"),
    "kind": N_("kind"),
    "title": N_("title"),
    "summary": N_("summary"),
    "url": N_("url"),
    "citation": N_("citation"),
    "source": N_("source"),
    "completeness": N_("completeness"),
    "actors": N_("actors"),
    "themes": N_("themes"),
    "recommendations": N_("recommendations"),
    "organisation": N_("organisation"),
    "acronym": N_("acronym"),
    "type": N_("type"),
    "country": N_("country"),
    "note": N_("note"),
    "part_of": N_("part of"),
    "decision": N_("decision"),
    "comment": N_("comment"),
}


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


def _shown(value: object, tr: Translator | None = None, limit: int = 300) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        words = N_("yes") if value else N_("no")
        return tr.t(words) if tr else words
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v, tr, limit) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v, tr, limit)}" for k, v in value.items())
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "…"


def readable(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, tr: Translator | None = None) -> str:
    """An audit row's values as lines a person reads, one per field: "role: contributor → reviewer" for what
    changed, "email: sok@example.org" for a new record's values (never the JSON as stored). With ``tr``, the
    field names and yes/no are in its language (the values are data, as recorded)."""
    before, after = before or {}, after or {}
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        name = key.replace("_", " ")
        if tr and key in FIELD_LABELS:
            name = tr.t(FIELD_LABELS[key])
        old, new = before.get(key), after.get(key)
        if not before:
            if new not in (None, "", []):
                lines.append(f"{name}: {_shown(new, tr)}")
        elif not after:
            lines.append(f"{name}: {_shown(old, tr)}")
        elif old != new:
            lines.append(f"{name}: {_shown(old, tr)} → {_shown(new, tr)}")
    return "\n".join(lines)
