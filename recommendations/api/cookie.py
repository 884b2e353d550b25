"""The session cookie, set and cleared by the server: HttpOnly (no script can read it), SameSite=Strict, Path=/,
and Secure when the browser came over https.

The log-in form runs in the app (its password is checked by ``write.auth.login`` over the app's connection),
which cannot set a cookie. So after a log-in the app hands the browser to ``/session/start`` with a one-time
code: the code (random, for this server's memory only, good once and for a minute) stands for the signed cookie
value, which the route sets before sending the browser on. Log-out goes through ``/session/end``, which ends the
session the cookie names and clears it. The cookie alone grants nothing: every write checks the session in the
database (``write.auth.require``). A reverse proxy keeps a browser on one app server (deploy/), so the code is
taken by the server that made it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from recommendations import settings
from recommendations.api import http
from recommendations.write import auth

COOKIE = "tracker_session"
START = "/session/start"
END = "/session/end"
CODE_SECONDS = 60
MAX_OFFERS = 10_000


@dataclass(frozen=True)
class Offer:
    value: str  # the signed cookie value
    max_age: int  # seconds
    expires: float  # monotonic


_offers: dict[str, Offer] = {}
_lock = threading.Lock()
_served: list[bool] = [False]


def mark_served() -> None:
    """``app.py`` serves these routes (the pages ask before sending a browser to them)."""
    _served[0] = True


def served() -> bool:
    """Whether this process serves the cookie routes (``streamlit run dashboard.py`` alone does not)."""
    return _served[0]


def _key(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def offer(value: str, max_age: int) -> str:
    """A one-time code for ``/session/start`` to set ``value`` as the session cookie (only its hash is kept)."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for stale in [k for k, o in _offers.items() if o.expires < now]:
            del _offers[stale]
        if len(_offers) >= MAX_OFFERS:  # a flood of log-ins cannot grow the memory without bound
            _offers.pop(next(iter(_offers)))
        _offers[_key(code)] = Offer(value, max_age, now + CODE_SECONDS)
    return code


def take(code: str) -> Offer | None:
    """The offer a code stands for, once; None when unknown, used or expired."""
    with _lock:
        found = _offers.pop(_key(code), None)
    return found if found is not None and found.expires >= time.monotonic() else None


def local_path(target: str | None) -> str:
    """Where to send the browser next: a path on this site, never another site ("//evil.example", "https:")."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(c < " " for c in target):
        return "/"
    return target


def secure(request: Request) -> bool:
    """The browser came over https: directly, or through a proxy the settings trust (X-Forwarded-Proto)."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-proto", "")
    return settings.current().is_trusted_proxy(peer) and forwarded.split(",")[0].strip() == "https"


def _onward(request: Request) -> Response:
    response = RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def start(request: Request) -> Response:
    """Set the session cookie a log-in offered, then go on to the page (without a valid code: just go on)."""
    response = _onward(request)
    found = take(request.query_params.get("code", ""))
    if found is not None:
        response.set_cookie(
            COOKIE,
            found.value,
            max_age=found.max_age,
            path="/",
            secure=secure(request),
            httponly=True,
            samesite="strict",
        )
    return response


def end(request: Request) -> Response:
    """End the session the cookie names (if any) and clear the cookie, then go on to the page."""
    value = request.cookies.get(COOKIE)
    if value:
        with http.engine().begin() as conn:
            auth.logout(conn, auth.token_in_cookie(value))
    response = _onward(request)
    response.delete_cookie(COOKIE, path="/", secure=secure(request), httponly=True, samesite="strict")
    return response


def routes() -> list[BaseRoute]:
    return [Route(START, start, methods=["GET"]), Route(END, end, methods=["GET"])]
