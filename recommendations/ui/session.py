"""Who is logged in, in this browser session: settings (refusing to start when one is wrong), log-in and log-out,
single sign-on, the session cookie, and what this reader may see."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from recommendations import visibility
from recommendations.api import cookie
from recommendations.permissions import Principal
from recommendations.ui.config import client, configured, cookie_secret, sso_enabled
from recommendations.ui.data import engine
from recommendations.ui.language import tr
from recommendations.write import auth, sso

SESSION_KEY = "_session_token"
COOKIE = cookie.COOKIE


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
    if found is None:  # expired, ended elsewhere, or the account was disabled (its cookie, if any, grants nothing)
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["_session_ended"] = True
    return found


def viewer() -> visibility.Viewer:
    """What this browser session may see (THE visibility rule): the public's view, or a member's."""
    return visibility.Viewer.of(principal())


def session_cookie(page: StreamlitPage) -> None:
    """After a log-in or log-out (called once per run), send the browser through the server's cookie route,
    which sets or clears the HttpOnly session cookie and brings it back to ``page`` with its query parameters.

    Only when the app serves those routes (``streamlit run app.py``); without them the log-in lasts while the
    tab is open. The browser goes there the way ``st.login`` sends it to a provider (no script of ours runs,
    which the Content-Security-Policy would refuse).
    """
    action = st.session_state.pop("_cookie", None)
    token = st.session_state.get(SESSION_KEY)
    if not cookie.served() or action not in ("set", "clear"):
        return
    query = urlencode([(key, value) for key in st.query_params for value in st.query_params.get_all(key)])
    here = f"/{page.url_path}" + (f"?{query}" if query else "")
    if action == "set" and token:
        code = cookie.offer(auth.sign_token(token, cookie_secret()), int(configured().session_hours * 3600))
        _go(f"{cookie.START}?{urlencode({'code': code, 'next': here})}")
    elif action == "clear":
        _go(f"{cookie.END}?{urlencode({'next': here})}")


def _go(url: str) -> None:
    """Send the browser to ``url`` on this server: the message Streamlit's own ``st.login`` sends (a private
    Streamlit message; tests/test_api_session.py fails when Streamlit changes it)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    context.enqueue(message)


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
