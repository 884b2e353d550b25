"""Who is acting, and what they may do: accounts, log-in, sessions, and permissions as plain Python.

``require`` is called first in every write function (``recommendations/write/``) and in every function
that reads what the public may not see, never only in the pages, so a hidden button cannot be the only guard.
It re-reads the person from the database (the session record, then the account): the role, organisation and
user id a write acts with are the database's, never what the caller passed, and a session that was ended (log
out, a new role, a new password, a disabled account) writes nothing.

This module writes authentication state only (sessions, failed-log-in counters); every write to the
tracker's data, users included, goes through ``updates.py`` with its audit row. Passwords are hashed with
argon2 (pwdlib) and never logged, printed or exported.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import case, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from models import tables
from models.tables import ACT, ATTEMPTS, SESSIONS, THROTTLE, U
from recommendations import i18n, settings, text
from recommendations.i18n import N_
from recommendations.permissions import (
    ROLE_NAMES,
    Action,
    PermissionDenied,
    Principal,
    Role,
    Scope,
    allowed,
    may,
    scope_of,
)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is only a way to burn the CPU

_HASHER = PasswordHash((Argon2Hasher(),))


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when there is no account, for equal timing; made on first use, not at import (every
    command and server start would pay for an argon2 hash it may never need)."""
    return _HASHER.hash("not a real password, for equal timing")


class LoginRefused(Exception):
    """A log-in that did not succeed; the message is safe to show (it never says whether the email exists,
    except that a locked account says it is locked, as users need to know when to try again). ``message`` says
    it in any language (``i18n.Translator.say``); ``str()`` in English."""

    def __init__(self, msgid: str, **named: object) -> None:
        self.message = i18n.Message(msgid, named)
        super().__init__(str(self.message))


def require(conn: Connection, principal: Principal | None, action: Action) -> Principal:
    """The acting person as the database knows them now, if their role may take ``action`` at all.

    Called first by every write function, before it looks anything up. Raises PermissionDenied for no
    log-in, a session that has ended or expired, a disabled account, or a role without the action. The
    record-level check (``require_on``) follows once the record is known.
    """
    if principal is None:
        raise PermissionDenied(N_("Log in to {action}."), action=i18n.Message(action.value, {}))
    fresh = current(conn, principal)
    if not may(fresh, action):
        raise _may_not(fresh, action)
    return fresh


def _may_not(principal: Principal, action: Action) -> PermissionDenied:
    """ "A contributor may not publish an assessment." (role and action said in the reader's language)"""
    role = i18n.Message(ROLE_NAMES[principal.role], {})
    return PermissionDenied(N_("A {role} may not {action}."), role=role, action=i18n.Message(action.value, {}))


def require_on(principal: Principal, action: Action, organisation: str | None) -> None:
    """Raise PermissionDenied unless ``principal`` (as ``require`` returned it) may take ``action`` on a record
    of ``organisation`` (None: the curated dataset)."""
    if allowed(principal, action, organisation):
        return
    scope = scope_of(principal, action)
    words = i18n.Message(action.value, {})
    if scope == Scope.DATASET:
        raise PermissionDenied(N_("An admin can {action} only for the curated dataset's records."), action=words)
    if scope == Scope.OWN and principal.organisation_name:
        raise PermissionDenied(
            N_("You can {action} only for your own organisation ({organisation})."),
            action=words,
            organisation=principal.organisation_name,
        )
    if scope == Scope.OWN:
        raise PermissionDenied(N_("You can {action} only for your own organisation."), action=words)
    raise _may_not(principal, action)


def current(conn: Connection, principal: Principal) -> Principal:
    """``principal`` read again from the database: its session must be live and its account active."""
    if principal.session_id is not None:
        row = conn.execute(
            select(SESSIONS.c.user_id, SESSIONS.c.expires_at, SESSIONS.c.ended_at).where(
                SESSIONS.c.id == principal.session_id
            )
        ).first()
        if row is None or row.ended_at is not None or row.expires_at <= _now():
            raise PermissionDenied(
                N_("Your session has ended (logged out or expired). Log in again; nothing was saved.")
            )
        fresh = _principal(conn, row.user_id, principal.session_id)
    elif principal.user_id is not None:  # the command line acting as an account (`import-updates --as`)
        fresh = _principal(conn, principal.user_id, None)
    else:
        return principal  # the command line itself: whoever runs it holds the database already
    if fresh is None:
        raise PermissionDenied(N_("This account is disabled. Nothing was saved."))
    return fresh


# --- passwords -----------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_problem(password: str) -> i18n.Message | None:
    """What is wrong with a new password, as a message to say in the reader's language (None: nothing)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return i18n.Message(N_("the password must be at least {n} characters long"), {"n": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        return i18n.Message(N_("the password must be at most {n} characters long"), {"n": MAX_PASSWORD_LENGTH})
    if any(ord(c) < 32 for c in password):
        return i18n.Message(N_("the password must not hold control characters"), {})
    return None


def normalise_email(email: str) -> str:
    """The account key of an email: ``text.email`` when it is a well-formed address. Anything else (an invisible
    character, a NUL, a look-alike letter) is kept visibly marked, so it finds no account and is never taken for
    one: "admin@example.org\\x00" is not admin@example.org."""
    try:
        return text.email(email)
    except text.TextProblem:
        return "invalid:" + "".join(c if c.isprintable() else "?" for c in email.strip().lower())[:300]


# --- sessions ------------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_is_live(conn: Connection, session_id: str, now: dt.datetime | None = None) -> bool:
    row = conn.execute(select(SESSIONS.c.expires_at, SESSIONS.c.ended_at).where(SESSIONS.c.id == session_id)).first()
    return row is not None and row.ended_at is None and row.expires_at > (now or _now())


def _principal(conn: Connection, user_id: int, session_id: str | None) -> Principal | None:
    """The account as it is now (None when it is disabled or gone)."""
    row = conn.execute(
        select(
            U.c.id, U.c.email, U.c.name, U.c.role, U.c.organisation_id, U.c.active, ACT.c.name.label("org_name"),
            ACT.c.acronym,
        )
        .select_from(U.outerjoin(ACT, ACT.c.id == U.c.organisation_id))
        .where(U.c.id == user_id)
    ).first()  # fmt: skip
    if row is None or not row.active:
        return None
    org = row.acronym or row.org_name
    return Principal(row.id, row.email, row.name, Role(row.role), row.organisation_id, org, session_id)


def principal_of_account(conn: Connection, email: str) -> Principal | None:
    """A maintainer acting as an account from the command line (``import-updates --as EMAIL``): no session,
    the account's role and organisation; None if there is no such active account."""
    row = conn.execute(select(U.c.id).where(U.c.email == normalise_email(email))).first()
    return None if row is None else _principal(conn, row.id, None)


def principal_for(conn: Connection, token: str | None) -> Principal | None:
    """The principal of a live session token (None when logged out, expired or disabled)."""
    if not token:
        return None
    session_id = _token_id(token)
    row = conn.execute(
        select(SESSIONS.c.user_id, SESSIONS.c.expires_at, SESSIONS.c.ended_at).where(SESSIONS.c.id == session_id)
    ).first()
    if row is None or row.ended_at is not None or row.expires_at <= _now():
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
            expires_at=now + dt.timedelta(hours=settings.current().session_hours),
            via=via,
        )
    )
    return token


def end_sessions(conn: Connection, user_id: int) -> int:
    """End every live session of an account (a new role, a new password, a disabled account): how many."""
    result = conn.execute(
        update(SESSIONS).where(SESSIONS.c.user_id == user_id, SESSIONS.c.ended_at.is_(None)).values(ended_at=_now())
    )
    return result.rowcount or 0


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


def token_in_cookie(value: str) -> str:
    """The token a session cookie carries, unchecked: enough to end its session (whoever holds a token may end
    it; only using one needs the signature, ``token_from_cookie``)."""
    return value.rpartition(".")[0]


def logout(conn: Connection, token: str | None) -> None:
    """End the session: from now on its token is refused by ``require``, whatever still holds it."""
    if token:
        conn.execute(update(SESSIONS).where(SESSIONS.c.id == _token_id(token)).values(ended_at=_now()))


# --- log-in --------------------------------------------------------------------------------------------

WRONG = N_("Wrong email or password.")
LOCKED = N_("This account is locked for {minutes} minutes after {failures} failed log-ins. Try again after {time} UTC.")
WRONG_AND_LOCKED = N_(
    "Wrong email or password. This account is locked for {minutes} minutes after {failures} failed log-ins. "
    "Try again after {time} UTC."
)


def _locked(until: dt.datetime) -> dict[str, object]:
    """The values of the "account locked" messages."""
    config = settings.current()
    return {"minutes": config.lock_minutes, "failures": config.lock_after_failures, "time": f"{until:%H:%M}"}


def _count_client_attempt(conn: Connection, client: str, now: dt.datetime) -> int:
    """Count one more attempt from ``client`` in its window, in SQL (so parallel attempts all count): the total.

    The counter is raised before the password is checked and lowered again on success, so a burst of parallel
    guesses can never check more passwords than the limit allows.
    """
    since = now - dt.timedelta(minutes=settings.current().lock_minutes)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stale = THROTTLE.c.window_start < since
    statement = (
        dialect.insert(THROTTLE)
        .values(client=client, window_start=now, failures=1)
        .on_conflict_do_update(
            index_elements=[THROTTLE.c.client],
            set_={
                "failures": case((stale, 1), else_=THROTTLE.c.failures + 1),
                "window_start": case((stale, now), else_=THROTTLE.c.window_start),
            },
        )
        .returning(THROTTLE.c.failures)
    )
    return int(conn.execute(statement).scalar_one())


def login(conn: Connection, email: str, password: str, client: str = "unknown") -> str:
    """Check the password; return a new session token, or raise LoginRefused with a message to show.

    Too many failed log-ins lock the account for a while; too many from one client (any accounts) block that
    client as long. Both counters are raised in SQL before the password is checked (the account's row stays
    locked until the caller commits), so parallel attempts cannot slip past them. The caller commits, also
    when the log-in fails: the counters must be kept.
    """
    if not (email or "").strip() or not password:  # nothing to check: not an attempt, and no counter moves
        if not (email or "").strip() and not password:
            raise LoginRefused(N_("Fill in your email and your password."))
        raise LoginRefused(N_("Fill in your email.") if password else N_("Fill in your password."))
    config = settings.current()
    email, now = normalise_email(email), _now()
    client = "".join(c for c in (client or "unknown") if c.isprintable())[:100] or "unknown"
    if _count_client_attempt(conn, client, now) > config.client_failure_limit:
        raise LoginRefused(
            N_("Too many failed log-ins from this connection. Wait {minutes} minutes and try again."),
            minutes=config.lock_minutes,
        )
    user = conn.execute(select(U.c.id, U.c.active, U.c.password_hash).where(U.c.email == email)).first()
    failed = None
    if user is not None and user.active:
        failed = conn.execute(
            update(U)
            .where(U.c.id == user.id)
            .values(failed_logins=U.c.failed_logins + 1)
            .returning(U.c.failed_logins, U.c.locked_until)
        ).one()  # locks the account's row until the caller commits: parallel attempts wait here, one by one
        if failed.locked_until is not None and failed.locked_until > now:
            conn.execute(update(U).where(U.c.id == user.id).values(failed_logins=U.c.failed_logins - 1))
            raise LoginRefused(LOCKED, **_locked(failed.locked_until))
    too_long = len(password) > MAX_PASSWORD_LENGTH
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    good = not too_long and _HASHER.verify(password, stored)
    ok = bool(good and user is not None and user.active and user.password_hash)
    conn.execute(insert(ATTEMPTS).values(email=email[:320], client=client, at=now, succeeded=ok))
    if ok:
        assert user is not None
        conn.execute(update(U).where(U.c.id == user.id).values(failed_logins=0, locked_until=None))
        conn.execute(update(THROTTLE).where(THROTTLE.c.client == client).values(failures=THROTTLE.c.failures - 1))
        return _start_session(conn, user.id, "password")
    if failed is not None and failed.failed_logins >= config.lock_after_failures:
        assert user is not None
        until = now + dt.timedelta(minutes=config.lock_minutes)
        conn.execute(update(U).where(U.c.id == user.id).values(failed_logins=0, locked_until=until))
        from recommendations.audit import audit  # the one way to write an audit row (audit imports Principal)

        audit(conn, email, "lock account", "app_user", str(user.id), after={"locked_until": until.isoformat()})
        raise LoginRefused(WRONG_AND_LOCKED, **_locked(until))
    raise LoginRefused(WRONG)


def login_single_sign_on(conn: Connection, identity: dict[str, Any], *, token_id: str) -> str:
    """A person the identity provider vouched for (``sso.verify`` checked the provider's signature): map their
    email to a local account and its role. Each identity token opens at most one session here, so a token
    replayed from a stolen cookie, or still in the browser after logging out, opens nothing."""

    email = identity.get("email")
    if not email or identity.get("email_verified") is False:
        raise LoginRefused(
            N_("The identity provider did not give a verified email address; ask an admin for an account.")
        )
    sso = tables.SSO
    if conn.execute(select(sso.c.token_id).where(sso.c.token_id == token_id)).first():
        raise LoginRefused(N_("This single sign-on was already used. Log in with single sign-on again."))
    user = conn.execute(select(U).where(U.c.email == normalise_email(str(email)))).first()
    if user is None or not user.active:
        raise LoginRefused(
            N_("{email} has no active account in this tracker. An admin can create one with the same email."),
            email=email,
        )
    session = _start_session(conn, user.id, "sso")
    conn.execute(insert(sso).values(token_id=token_id, user_id=user.id, session_id=_token_id(session), at=_now()))
    return session
