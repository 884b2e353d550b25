"""This server's settings as the app reads them: the environment and Streamlit's own secrets file (the one st.login
reads), checked; a wrong setting stops every page with a message naming it."""

from __future__ import annotations

import hashlib

import streamlit as st

from recommendations import settings

#: Seconds a cached answer (a page's data, a figure) is kept; any write clears them all sooner (``clear_caches``).
TTL = 300


def configured() -> settings.Settings:
    """This server's settings: the environment and Streamlit's own secrets (the file st.login reads), read again
    only when the secrets change. A wrong setting raises SettingsError (``start`` shows it and stops)."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        secrets = st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if "pars" in str(exc).lower():  # a file that exists but cannot be read
            raise settings.SettingsError([f"the secrets file cannot be read: {exc}"]) from None
        secrets = {}
    fingerprint = hashlib.sha256(repr(secrets).encode()).hexdigest()  # never the secrets themselves
    current = settings.cached()
    if current is None or _SETTINGS_READ.get("fingerprint") != fingerprint:
        current = settings.load(secrets=secrets)
        settings.use(current)
        _SETTINGS_READ["fingerprint"] = fingerprint
    return current


_SETTINGS_READ: dict[str, str] = {}


def start() -> None:
    """Refuse to serve anything while a setting is wrong (above all a placeholder secret): say which, and stop."""
    try:
        configured()
    except settings.SettingsError as exc:
        st.error("This tracker cannot start: its settings are wrong. The administrator must fix:", icon="🛑")
        for problem in exc.problems:
            st.text("• " + problem)
        st.caption("`python -m recommendations check-config` lists every setting and what is wrong with it.")
        st.stop()


def cookie_secret() -> str:
    """The key that signs session cookies: TRACKER_COOKIE_SECRET, else [auth] cookie_secret, else
    server.cookieSecret (random per process unless set: set one for several app servers)."""
    return configured().cookie_secret or str(st.get_option("server.cookieSecret"))


def sso_enabled() -> bool:
    """Single sign-on is on when the secrets file has a valid [auth] section (st.login, OpenID Connect)."""
    return configured().sso is not None


def client() -> str:
    """Who is knocking (``Settings.client_address``: behind a trusted proxy, the address it saw)."""
    forwarded = st.context.headers.get("X-Forwarded-For")
    address = st.context.ip_address
    return configured().client_address(
        address if isinstance(address, str) else None, forwarded if isinstance(forwarded, str) else None
    )
