"""Accounts and organisations: who may log in, with which role, for which organisation. Admins only.

Every function asks ``auth.require`` first; a new role, a new password or a disabled account ends the account's
sessions; the last active admin cannot be disabled or given another role; an email or organisation name that
would look like another one is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Row

from models.tables import ACT, U
from recommendations import text
from recommendations.audit import audit
from recommendations.dataset import records
from recommendations.dataset.schema import ActorIn
from recommendations.i18n import N_, Message
from recommendations.permissions import ROLE_NAMES, Action, Principal, Role
from recommendations.write import auth
from recommendations.write.errors import FieldError, Invalid, pydantic_errors, text_problem
from recommendations.write.versions import versioned_update

EDITABLE_ORGANISATION = ("name", "acronym", "country", "note")
LOOKS_THE_SAME = N_("the name looks the same as the existing organisation {organisation}")
TAKEN_ID = N_("an organisation or body with the id {id} already exists")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _slug(value: str, limit: int = 24) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:limit].strip("-") or "x"


# --- organisations ---------------------------------------------------------------------------------------


def look_alike(conn: Connection, name: str, acronym: str | None, *, besides: str | None = None) -> str | None:
    """An existing organisation whose name or acronym would be taken for this one's, or None."""
    wanted = {text.skeleton(v) for v in (name, acronym) if v}
    for row in conn.execute(select(ACT.c.id, ACT.c.name, ACT.c.acronym)):
        if row.id != besides and wanted & {text.skeleton(v) for v in (row.name, row.acronym) if v}:
            return f"{row.name}" + (f" ({row.acronym})" if row.acronym else "")
    return None


def add_organisation(*, conn: Connection, principal: Principal | None, data: Mapping[str, Any]) -> str:
    """An admin adds an organisation (an actor: a coalition, a CSO, a union...)."""
    who = auth.require(conn, principal, Action.MANAGE_ORGANISATIONS)
    values = {k: (data.get(k) or None) for k in ("id", "name", "acronym", "type", "country", "note")}
    values["id"] = values["id"] or _slug(values.get("acronym") or values.get("name") or "", 60)
    try:
        actor = ActorIn(**values)
    except ValidationError as exc:
        raise Invalid(pydantic_errors(exc)) from None
    if conn.execute(select(ACT.c.id).where(ACT.c.id == actor.id)).first():
        raise Invalid([FieldError("id", TAKEN_ID, id=repr(actor.id))])
    if twin := look_alike(conn, actor.name, actor.acronym):
        raise Invalid([FieldError("name", LOOKS_THE_SAME, organisation=twin)])
    conn.execute(insert(ACT).values(**records.actor_row(actor), version=1))
    audit(
        conn, who, "add organisation", "actor", actor.id, after=actor.model_dump(mode="json", exclude={"translations"})
    )
    return actor.id


def edit_organisation(
    *, conn: Connection, principal: Principal | None, actor_id: str, seen_version: int, changes: Mapping[str, Any]
) -> int:
    """An admin renames an organisation (or changes its acronym, country, note), with a version check."""
    who = auth.require(conn, principal, Action.MANAGE_ORGANISATIONS)
    row = conn.execute(select(ACT).where(ACT.c.id == actor_id)).first()
    if row is None:
        raise Invalid([FieldError("organisation", N_("unknown organisation {id}"), id=repr(actor_id))])
    current = dict(row._mapping)
    values = {
        **{k: current[k] for k in ("id", "type")},
        **{k: (changes.get(k, current[k]) or None) for k in EDITABLE_ORGANISATION},
    }
    try:
        actor = ActorIn(**values)
    except ValidationError as exc:
        raise Invalid(pydantic_errors(exc)) from None
    if twin := look_alike(conn, actor.name, actor.acronym, besides=actor_id):
        raise Invalid([FieldError("name", LOOKS_THE_SAME, organisation=twin)])
    before = {k: current[k] for k in EDITABLE_ORGANISATION}
    after = {k: getattr(actor, k) for k in EDITABLE_ORGANISATION}
    return versioned_update(conn, ACT, who, actor_id, seen_version, before, after, "edit organisation")


# --- users -------------------------------------------------------------------------------------------------


#: An app_user row (every column).
_UserRow = Row[*tuple[Any, ...]]


def _user(conn: Connection, email: str) -> _UserRow | None:
    return conn.execute(select(U).where(U.c.email == auth.normalise_email(email))).first()


def _user_view(row: _UserRow) -> dict[str, Any]:
    return {k: row._mapping[k] for k in ("email", "name", "role", "organisation_id", "active")}


def _roles() -> str:
    return ", ".join(r.value for r in Role)


def _role(role: str) -> Message:
    """A role in a sentence, said in the reader's language ("a reviewer needs an organisation")."""
    return Message(ROLE_NAMES[Role(role)], {})


UNKNOWN_ROLE = N_("unknown role {role}: choose {roles}")
LAST_ADMIN = N_("this is the last active admin: make another account admin first")


def create_user(
    *,
    conn: Connection,
    principal: Principal | None,
    email: str,
    role: str,
    password: str | None,
    name: str | None = None,
    organisation: str | None = None,
) -> int:
    """Create an account. Contributors and reviewers belong to an organisation; admins need not."""
    who = auth.require(conn, principal, Action.MANAGE_USERS)
    errors = []
    try:
        email = text.email(email)
    except text.TextProblem as exc:
        errors.append(FieldError("email", text_problem("email", exc)))
    else:
        if _user(conn, email):
            errors.append(FieldError("email", N_("an account for {email} already exists"), email=email))
    try:
        shown_name = text.name((name or "").strip() or email.split("@")[0] or "?")
    except text.TextProblem as exc:
        errors.append(FieldError("name", text_problem("name", exc)))
        shown_name = ""
    if role not in {r.value for r in Role}:
        errors.append(FieldError("role", UNKNOWN_ROLE, role=repr(role), roles=_roles()))
    if organisation:
        if not conn.execute(select(ACT.c.id).where(ACT.c.id == organisation)).first():
            errors.append(
                FieldError("organisation", N_("unknown organisation {id} (an actor id)"), id=repr(organisation))
            )
    elif role in (Role.CONTRIBUTOR, Role.REVIEWER):
        errors.append(FieldError("organisation", N_("a {role} needs an organisation"), role=_role(role)))
    if password is not None and (problem := auth.password_problem(password)):
        errors.append(FieldError("password", problem))
    if errors:
        raise Invalid(errors)
    result = conn.execute(
        insert(U).values(
            email=email,
            name=shown_name,
            role=role,
            organisation_id=organisation or None,
            password_hash=auth.hash_password(password) if password else None,
            active=True,
            failed_logins=0,
            created_at=_now(),
            version=1,
        )
    )
    key = result.inserted_primary_key
    if key is None:  # a one-row INSERT always has its key
        raise RuntimeError("the database did not return the new account's id")
    user_id = int(key[0])
    row = conn.execute(select(U).where(U.c.id == user_id)).one()
    audit(conn, who, "add user", "app_user", str(user_id), after={**_user_view(row), "password": bool(password)})
    return user_id


def _account(conn: Connection, email: str) -> _UserRow:
    row = _user(conn, email)
    if row is None:
        raise Invalid([FieldError("email", N_("no account for {email}"), email=auth.normalise_email(email))])
    return row


def _other_active_admins(conn: Connection, user_id: int) -> int:
    return conn.execute(
        select(func.count()).select_from(U).where(U.c.role == Role.ADMIN, U.c.active.is_(True), U.c.id != user_id)
    ).scalar_one()


def _change_user(
    conn: Connection, who: Principal, row: _UserRow, action: str, *, end_sessions: bool, **values: object
) -> None:
    conn.execute(update(U).where(U.c.id == row.id).values(**values, version=row.version + 1))
    after = conn.execute(select(U).where(U.c.id == row.id)).one()
    changed = {"password": True} if "password_hash" in values else {}
    ended = auth.end_sessions(conn, row.id) if end_sessions else 0
    audit(
        conn, who, action, "app_user", str(row.id), before=_user_view(row),
        after={**_user_view(after), **changed, **({"sessions_ended": ended} if end_sessions else {})},
    )  # fmt: skip


def set_role(*, conn: Connection, principal: Principal | None, email: str, role: str) -> None:
    """Give an account another role; its sessions end, so the new role applies from its next log-in."""
    who = auth.require(conn, principal, Action.MANAGE_USERS)
    if role not in {r.value for r in Role}:
        raise Invalid([FieldError("role", UNKNOWN_ROLE, role=repr(role), roles=_roles())])
    row = _account(conn, email)
    if row.role == Role.ADMIN and role != Role.ADMIN and row.active and not _other_active_admins(conn, row.id):
        raise Invalid([FieldError("role", LAST_ADMIN)])
    if role in (Role.CONTRIBUTOR, Role.REVIEWER) and not row.organisation_id:
        raise Invalid(
            [FieldError("role", N_("a {role} needs an organisation; this account has none"), role=_role(role))]
        )
    _change_user(conn, who, row, "set role", end_sessions=True, role=role)


def disable_user(*, conn: Connection, principal: Principal | None, email: str) -> None:
    """Disable an account and end its sessions (its history stays; ``enable_user`` lets it log in again)."""
    who = auth.require(conn, principal, Action.MANAGE_USERS)
    row = _account(conn, email)
    if row.role == Role.ADMIN and row.active and not _other_active_admins(conn, row.id):
        raise Invalid([FieldError("email", LAST_ADMIN)])
    _change_user(conn, who, row, "disable user", end_sessions=True, active=False)


def enable_user(*, conn: Connection, principal: Principal | None, email: str) -> None:
    """Let a disabled account log in again (with its old password, and a clean failure count)."""
    who = auth.require(conn, principal, Action.MANAGE_USERS)
    row = _account(conn, email)
    if row.active:
        raise Invalid([FieldError("email", N_("{email} is not disabled"), email=row.email)])
    _change_user(conn, who, row, "enable user", end_sessions=False, active=True, failed_logins=0, locked_until=None)


def set_password(*, conn: Connection, principal: Principal | None, email: str, password: str) -> None:
    """Set a new password; every session of the account ends (a password changed after a theft must lock out)."""
    who = auth.require(conn, principal, Action.MANAGE_USERS)
    if problem := auth.password_problem(password):
        raise Invalid([FieldError("password", problem)])
    row = _account(conn, email)
    _change_user(
        conn, who, row, "set password", end_sessions=True, password_hash=auth.hash_password(password),
        failed_logins=0, locked_until=None,
    )  # fmt: skip


def list_users(*, conn: Connection, principal: Principal | None) -> list[dict[str, Any]]:
    """Accounts without their hashes (for `users list` and the admin page); admins only."""
    auth.require(conn, principal, Action.MANAGE_USERS)
    rows = conn.execute(
        select(
            U.c.email, U.c.name, U.c.role, U.c.organisation_id, U.c.active, U.c.locked_until, U.c.created_at
        ).order_by(U.c.email)
    )
    return [dict(r._mapping) for r in rows]
