"""Who is acting, and what they may do: accounts, log-in, sessions, and permissions as plain Python.

``require`` is called inside every write function (``recommendations/updates.py``), never only in the pages,
so a hidden button cannot be the only guard. It also checks that the session the principal came from is
still live, so a form replayed after logging out writes nothing.

This module writes authentication state only (sessions, failed-log-in counters); every write to the
tracker's data, users included, goes through ``updates.py`` with its audit row. Passwords are hashed with
argon2 (pwdlib) and never logged, printed or exported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from models import Actor, AppUser, AuditEntry, LoginAttempt, UserSession

U = AppUser.__table__  # type: ignore[attr-defined]
SESSIONS = UserSession.__table__  # type: ignore[attr-defined]
ATTEMPTS = LoginAttempt.__table__  # type: ignore[attr-defined]
ACT = Actor.__table__  # type: ignore[attr-defined]
AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]

MIN_PASSWORD_LENGTH = 12
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
CLIENT_FAILURE_LIMIT = int(os.environ.get("TRACKER_CLIENT_FAILURE_LIMIT", "20"))  # per client per LOCK_MINUTES
SESSION_HOURS = float(os.environ.get("TRACKER_SESSION_HOURS", "8"))

_HASHER = PasswordHash((Argon2Hasher(),))
_DUMMY_HASH = _HASHER.hash("not a real password, for equal timing")


class Role(StrEnum):
    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CONTRIBUTOR: "Contributor (records assessments and evidence as drafts for their organisation)",
    Role.REVIEWER: "Reviewer (publishes or returns their organisation's drafts)",
    Role.ADMIN: "Admin (manages users and organisations, sees the audit log)",
}


class Action(StrEnum):
    RECORD = "record an assessment"
    PUBLISH = "publish an assessment"
    REVIEW = "review a draft"
    WITHDRAW = "withdraw an assessment"
    ADD_EVIDENCE = "add evidence"
    EDIT_EVIDENCE = "edit evidence"
    VIEW_DRAFTS = "see drafts"
    MANAGE_USERS = "manage users"
    MANAGE_ORGANISATIONS = "manage organisations"
    VIEW_AUDIT = "see the audit log"


# Which role may do what; the actions marked ``True`` apply only to the user's own organisation.
PERMISSIONS: dict[Role, dict[Action, bool]] = {
    Role.CONTRIBUTOR: {Action.RECORD: True, Action.ADD_EVIDENCE: False, Action.EDIT_EVIDENCE: False,
                       Action.VIEW_DRAFTS: True},
    Role.REVIEWER: {Action.RECORD: True, Action.PUBLISH: True, Action.REVIEW: True, Action.WITHDRAW: True,
                    Action.ADD_EVIDENCE: False, Action.EDIT_EVIDENCE: False, Action.VIEW_DRAFTS: True},
    Role.ADMIN: {Action.MANAGE_USERS: False, Action.MANAGE_ORGANISATIONS: False, Action.VIEW_AUDIT: False,
                 Action.EDIT_EVIDENCE: False},
}  # fmt: skip


class PermissionDenied(Exception):
    """The caller may not do this; the message says why in plain words."""


class LoginRefused(Exception):
    """A log-in that did not succeed; the message is safe to show (it never says whether the email exists,
    except that a locked account says it is locked, as users need to know when to try again)."""


@dataclass(frozen=True)
class Principal:
    """The acting person (or the command line), as every write function receives it."""

    user_id: int | None
    email: str
    name: str
    role: Role
    organisation_id: str | None
    organisation_name: str | None = None
    session_id: str | None = None  # None only for the command line, which has no session to end

    @property
    def display(self) -> str:
        """How the person is named in the history: "Sok Dara (CWCC)"."""
        return f"{self.name} ({self.organisation_name})" if self.organisation_name else self.name

    @classmethod
    def command_line(cls, who: str = "command line") -> Principal:
        """The maintainer at the command line: an admin without a session (for `users` commands)."""
        return cls(user_id=None, email=who, name=who, role=Role.ADMIN, organisation_id=None)


def allowed(principal: Principal | None, action: Action, organisation: str | None = None) -> bool:
    if principal is None:
        return False
    rules = PERMISSIONS.get(principal.role, {})
    if action not in rules:
        return False
    own_only = rules[action]
    return not own_only or (organisation is not None and organisation == principal.organisation_id)


def require(conn: Connection, principal: Principal | None, action: Action, organisation: str | None = None) -> None:
    """Raise PermissionDenied unless ``principal`` (from a live session) may do ``action`` for ``organisation``."""
    if principal is None:
        raise PermissionDenied(f"Log in to {action}.")
    if principal.session_id is not None and not session_is_live(conn, principal.session_id):
        raise PermissionDenied("Your session has ended (logged out or expired). Log in again; nothing was saved.")
    if principal.user_id is not None:
        active = conn.execute(select(U.c.active, U.c.role).where(U.c.id == principal.user_id)).first()
        if active is None or not active.active:
            raise PermissionDenied("This account is disabled. Nothing was saved.")
        if active.role != principal.role:
            raise PermissionDenied("Your role has changed since you logged in. Log in again; nothing was saved.")
    if not allowed(principal, action, organisation):
        if PERMISSIONS.get(principal.role, {}).get(action):
            raise PermissionDenied(
                f"You can {action} only for your own organisation"
                + (f" ({principal.organisation_name})." if principal.organisation_name else ".")
            )
        raise PermissionDenied(f"A {principal.role} may not {action}.")


# --- passwords -----------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters long"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


# --- sessions ------------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_is_live(conn: Connection, session_id: str, now: dt.datetime | None = None) -> bool:
    row = conn.execute(select(SESSIONS.c.expires_at, SESSIONS.c.ended_at).where(SESSIONS.c.id == session_id)).first()
    return row is not None and row.ended_at is None and row.expires_at > (now or _now())


def _principal(conn: Connection, user_id: int, session_id: str | None) -> Principal:
    row = conn.execute(
        select(U.c.id, U.c.email, U.c.name, U.c.role, U.c.organisation_id, ACT.c.name.label("org_name"), ACT.c.acronym)
        .select_from(U.outerjoin(ACT, ACT.c.id == U.c.organisation_id))
        .where(U.c.id == user_id)
    ).one()
    org = row.acronym or row.org_name
    return Principal(row.id, row.email, row.name, Role(row.role), row.organisation_id, org, session_id)


def principal_of_account(conn: Connection, email: str) -> Principal | None:
    """A maintainer acting as an account from the command line (``import-updates --as EMAIL``): no session,
    the account's role and organisation; None if there is no such active account."""
    row = conn.execute(select(U.c.id, U.c.active).where(U.c.email == normalise_email(email))).first()
    if row is None or not row.active:
        return None
    return _principal(conn, row.id, None)


def principal_for(conn: Connection, token: str | None) -> Principal | None:
    """The principal of a live session token (None when logged out, expired or disabled)."""
    if not token:
        return None
    session_id = _token_id(token)
    row = conn.execute(
        select(SESSIONS.c.user_id, SESSIONS.c.expires_at, SESSIONS.c.ended_at, U.c.active)
        .join(U, U.c.id == SESSIONS.c.user_id)
        .where(SESSIONS.c.id == session_id)
    ).first()
    if row is None or row.ended_at is not None or row.expires_at <= _now() or not row.active:
        return None
    return _principal(conn, row.user_id, session_id)


def _start_session(conn: Connection, user_id: int, via: str) -> str:
    token = secrets.token_urlsafe(32)
    now = _now()
    conn.execute(
        insert(SESSIONS).values(
            id=_token_id(token),
            user_id=user_id,
            created_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS),
            via=via,
        )
    )
    return token


def sign_token(token: str, secret: str) -> str:
    """The value of the session cookie: the token and an HMAC of it, so a cookie not made here is refused."""
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{mac}"


def token_from_cookie(value: str | None, secret: str) -> str | None:
    """The session token of a signed cookie, or None if it was not signed with ``secret``."""
    if not value or "." not in value or not secret:
        return None
    token, _, mac = value.rpartition(".")
    expected = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(mac, expected) else None


def logout(conn: Connection, token: str | None) -> None:
    """End the session: from now on its token is refused by ``require``, whatever still holds it."""
    if token:
        conn.execute(update(SESSIONS).where(SESSIONS.c.id == _token_id(token)).values(ended_at=_now()))


# --- log-in --------------------------------------------------------------------------------------------

WRONG = "Wrong email or password."


def _locked_message(until: dt.datetime) -> str:
    return (
        f"This account is locked for {LOCK_MINUTES} minutes after {LOCK_AFTER_FAILURES} failed log-ins. "
        f"Try again after {until:%H:%M} UTC."
    )


def login(conn: Connection, email: str, password: str, client: str = "unknown") -> str:
    """Check the password; return a new session token, or raise LoginRefused with a message to show.

    Five failed log-ins lock the account for fifteen minutes; too many failures from one client (any
    accounts) block that client for the same time. The caller commits (the counters must be kept even
    when the log-in fails).
    """
    email, now = normalise_email(email), _now()
    since = now - dt.timedelta(minutes=LOCK_MINUTES)
    client = (client or "unknown")[:100]
    failures = conn.execute(
        select(func.count())
        .select_from(ATTEMPTS)
        .where(ATTEMPTS.c.client == client, ATTEMPTS.c.at >= since, ATTEMPTS.c.succeeded.is_(False))
    ).scalar_one()
    if failures >= CLIENT_FAILURE_LIMIT:
        raise LoginRefused(f"Too many failed log-ins from this connection. Wait {LOCK_MINUTES} minutes and try again.")
    user = conn.execute(select(U).where(U.c.email == email)).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise LoginRefused(_locked_message(user.locked_until))
    good = _HASHER.verify(password, user.password_hash if user is not None and user.password_hash else _DUMMY_HASH)
    ok = good and user is not None and user.active and user.password_hash is not None
    conn.execute(insert(ATTEMPTS).values(email=email[:320], client=client, at=now, succeeded=ok))
    if not ok:
        if user is not None and user.active:
            failed = user.failed_logins + 1
            if failed >= LOCK_AFTER_FAILURES:
                until = now + dt.timedelta(minutes=LOCK_MINUTES)
                conn.execute(update(U).where(U.c.id == user.id).values(failed_logins=0, locked_until=until))
                conn.execute(
                    insert(AUDIT).values(
                        at=now, who=email, user_id=user.id, action="lock account", table_name="app_user",
                        record_id=str(user.id), before=None, after={"locked_until": until.isoformat()},
                    )
                )  # fmt: skip
                raise LoginRefused(f"{WRONG} {_locked_message(until)}")
            conn.execute(update(U).where(U.c.id == user.id).values(failed_logins=failed))
        raise LoginRefused(WRONG)
    conn.execute(update(U).where(U.c.id == user.id).values(failed_logins=0, locked_until=None))
    return _start_session(conn, user.id, "password")


def login_single_sign_on(conn: Connection, email: str | None) -> str:
    """A person the identity provider vouched for: map their email to a local account and its role."""
    if not email:
        raise LoginRefused("The identity provider did not give an email address; ask an admin for an account.")
    user = conn.execute(select(U).where(U.c.email == normalise_email(email))).first()
    if user is None or not user.active:
        raise LoginRefused(
            f"{email} has no active account in this tracker. An admin can create one with the same email."
        )
    return _start_session(conn, user.id, "sso")
