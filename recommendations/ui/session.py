"""Who is logged in, in this browser session: settings (refusing to start when one is wrong), log-in and log-out,
single sign-on, the session cookie, and what this reader may see."""

from __future__ import annotations

import json

import streamlit as st

from recommendations import visibility
from recommendations.permissions import Principal
from recommendations.ui.config import client, configured, cookie_secret, sso_enabled
from recommendations.ui.data import engine
from recommendations.ui.language import tr
from recommendations.write import auth, sso

SESSION_KEY = "_session_token"
COOKIE = "tracker_session"


def principal() -> Principal | None:
    """The logged-in person of this browser session, checked against the database on every run."""
    token = st.session_state.get(SESSION_KEY)
    if token is None:  # a reload or a new tab: the signed cookie set at log-in carries the session over
        cookies = st.context.cookies
        value = cookies.get(COOKIE) if hasattr(cookies, "get") else None
        token = auth.token_from_cookie(value if isinstance(value, str) else None, cookie_secret())
        if token:
            st.session_state[SESSION_KEY] = token
    if (
        token is None
        and sso_enabled()
        and getattr(st.user, "is_logged_in", False)
        and not st.session_state.get("_sso_tried")
    ):
        st.session_state["_sso_tried"] = True  # one attempt per browser session: a refused identity stays refused
        error = sign_in_single_sign_on()
        if error:
            st.session_state["_sso_error"] = error
        token = st.session_state.get(SESSION_KEY)
    if token is None:
        return None
    with engine().connect() as conn:
        found = auth.principal_for(conn, token)
    if found is None:  # expired, ended elsewhere, or the account was disabled
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["_session_ended"] = True
        st.session_state["_cookie"] = "clear"
    return found


def viewer() -> visibility.Viewer:
    """What this browser session may see (THE visibility rule): the public's view, or a member's."""
    return visibility.Viewer.of(principal())


def session_cookie() -> None:
    """Set or clear the browser's session cookie after a log-in or log-out (called once per run).

    Streamlit has no server-side way to set a cookie, so a fixed script in a component frame (same origin)
    writes it: the signed session token, SameSite=Strict, Secure on https, for the session's lifetime. The
    cookie alone grants nothing: the session must still be live in the database.
    """
    action = st.session_state.pop("_cookie", None)
    token = st.session_state.get(SESSION_KEY)
    if action == "set" and token:
        value = json.dumps(auth.sign_token(token, cookie_secret()))
        age = int(configured().session_hours * 3600)
    elif action == "clear":
        value, age = '""', 0
    else:
        return
    import streamlit.components.v1 as components

    components.html(
        "<script>const p = window.parent; const secure = p.location.protocol === 'https:' ? '; Secure' : '';"
        f"p.document.cookie = '{COOKIE}=' + {value} + '; Max-Age={age}; Path=/; SameSite=Strict' + secure;</script>",
        height=0,
    )


def log_in(email: str, password: str) -> str | None:
    """Log in; None on success, else the message to show (in the page's language)."""
    with engine().begin() as conn:
        try:
            token = auth.login(conn, email, password, client())
        except auth.LoginRefused as exc:
            message = tr().say(exc.message)
        else:
            st.session_state[SESSION_KEY] = token
            st.session_state["_cookie"] = "set"
            st.session_state.pop("_session_ended", None)
            return None
    return message


def sign_in_single_sign_on() -> str | None:
    """Open a session for the identity st.login reports, once the provider's own signature on it checks out
    (``sso.verify``): a cookie forged with a known secret carries no such signature."""
    config = configured().sso
    assert config is not None
    tokens = getattr(st.user, "tokens", None)
    id_token = tokens.get("id") if tokens is not None and hasattr(tokens, "get") else None
    try:
        claims = sso.verify(id_token, config)
    except sso.NotVerified as exc:
        return str(exc)
    with engine().begin() as conn:
        try:
            st.session_state[SESSION_KEY] = auth.login_single_sign_on(
                conn,
                claims,
                token_id=sso.token_id(str(id_token)),  # verify accepted it, so it is a str
            )
        except auth.LoginRefused as exc:
            return tr().say(exc.message)
    st.session_state["_cookie"] = "set"
    return None


def log_out() -> None:
    with engine().begin() as conn:
        auth.logout(conn, st.session_state.pop(SESSION_KEY, None))
    st.session_state["_cookie"] = "clear"
    for key in [k for k in st.session_state if str(k).startswith(("u_", "review_", "admin_"))]:
        del st.session_state[key]
    if sso_enabled() and getattr(st.user, "is_logged_in", False):
        st.logout()
