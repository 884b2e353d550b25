"""The session cookie, set and cleared by the server (/session/start, /session/end): HttpOnly, SameSite=Strict,
Path=/, Secure behind https; a one-time code a minute long; never a redirect to another site; log-out ends the
session in the database, so a write with it is refused. And the log-in page hands the browser over (AppTest).
(In a real browser: tests/e2e/test_open_data_browser.py.)"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import pytest
import streamlit
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from recommendations.api import cookie
from recommendations.permissions import PermissionDenied, Principal
from recommendations.write import accounts, auth, updates
from recommendations.write.updates import AssessmentForm
from tests.apiclient import PASSWORD, REC, api_client
from tests.conftest import ROOT
from tests.helpers import session_for

SECRET = "a test secret that is long enough to sign cookies"


@pytest.fixture
def client(loaded_engine, configure):
    configure(api_requests_per_minute=100_000)
    with api_client(loaded_engine) as c:
        yield c


def attributes(set_cookie: str) -> dict[str, str]:
    name_value, *parts = [p.strip() for p in set_cookie.split(";")]
    out = {"value": name_value.split("=", 1)[1]}
    for part in parts:
        key, _, value = part.partition("=")
        out[key.lower()] = value
    return out


def test_start_sets_an_httponly_strict_cookie_once(client):
    code = cookie.offer("token.signature", 3600)
    answer = client.get(f"{cookie.START}?code={code}&next=/my_organisation", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/my_organisation"
    flags = attributes(answer.headers["set-cookie"])
    assert flags["value"] == "token.signature" and "httponly" in flags and flags["samesite"].lower() == "strict"
    assert flags["path"] == "/" and flags["max-age"] == "3600" and "secure" not in flags  # plain http here
    assert answer.headers["cache-control"] == "no-store"
    again = client.get(f"{cookie.START}?code={code}&next=/", follow_redirects=False)
    assert again.status_code == 303 and "set-cookie" not in again.headers  # a code works once
    for code in ("", "made-up", "x" * 5000):
        assert "set-cookie" not in client.get(f"{cookie.START}?code={code}", follow_redirects=False).headers


def test_a_code_lasts_a_minute(client, monkeypatch):
    code = cookie.offer("token.signature", 60)
    later = cookie.time.monotonic() + cookie.CODE_SECONDS + 1
    monkeypatch.setattr(cookie.time, "monotonic", lambda: later)
    assert "set-cookie" not in client.get(f"{cookie.START}?code={code}", follow_redirects=False).headers


def test_secure_behind_https_or_a_trusted_proxy_that_says_so(engine, configure):
    configure(api_requests_per_minute=100_000)
    with api_client(engine, base_url="https://tracker.example") as client:
        answer = client.get(f"{cookie.START}?code={cookie.offer('t.s', 60)}", follow_redirects=False)
        assert "secure" in attributes(answer.headers["set-cookie"])
    with api_client(engine, client=("10.0.0.5", 40000)) as client:
        https = {"X-Forwarded-Proto": "https"}
        answer = client.get(f"{cookie.START}?code={cookie.offer('t.s', 60)}", headers=https, follow_redirects=False)
        assert "secure" not in attributes(answer.headers["set-cookie"])  # anyone may send that header
        configure(trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),))
        answer = client.get(f"{cookie.START}?code={cookie.offer('t.s', 60)}", headers=https, follow_redirects=False)
        assert "secure" in attributes(answer.headers["set-cookie"])


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "evil", "/\n/x"]
)
def test_never_sends_the_browser_to_another_site(client, target):
    for route in (cookie.START, cookie.END):
        answer = client.get(route, params={"next": target}, follow_redirects=False)
        assert answer.headers["location"] == "/", (route, target)


def test_log_out_ends_the_session_and_clears_the_cookie(client, loaded_engine):
    engine = loaded_engine
    cli = Principal.command_line()
    with engine.begin() as conn:
        accounts.create_user(
            conn=conn,
            principal=cli,
            email="contrib@cwcc.example",
            role="contributor",
            password=PASSWORD,
            organisation="cwcc",
        )
    with engine.begin() as conn:
        token = session_for(conn, "contrib@cwcc.example")
        who = auth.principal_for(conn, token)
    assert who is not None
    client.cookies.set(cookie.COOKIE, auth.sign_token(token, SECRET))
    answer = client.get(f"{cookie.END}?next=/explore", follow_redirects=False)
    assert answer.headers["location"] == "/explore"
    flags = attributes(answer.headers["set-cookie"])
    assert flags["value"] in ("", '""') and flags["max-age"] == "0" and "httponly" in flags
    with engine.connect() as conn:
        assert auth.principal_for(conn, token) is None
    form = AssessmentForm(
        recommendation=REC, status="in_progress", as_of="2023-03-01", rationale="After log-out.", evidence=["x"]
    )
    with pytest.raises(PermissionDenied, match="session has ended"), engine.begin() as conn:
        updates.record_assessment(conn=conn, principal=who, form=form)  # every write checks the session


def test_the_redirect_message_the_app_sends_still_exists():
    """``ui.session._go`` sends Streamlit's own redirect message (what st.login sends); if Streamlit renames it or
    its page stops following it, the log-in would silently stop setting the cookie."""
    message = ForwardMsg()
    message.auth_redirect.url = "/session/start?code=x"
    assert message.WhichOneof("type") == "auth_redirect"
    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    assert any(
        "authRedirect:" in p.read_text(errors="ignore") and "window.location.href=e.url" in p.read_text(errors="ignore")
        for p in bundle.glob("index.*.js")
    )


@pytest.mark.usefixtures("app_db")
def test_the_log_in_page_offers_the_cookie_to_the_route(monkeypatch):
    """With the routes served, a log-in leaves a one-time code whose cookie is this person's signed session."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    with make_engine(os.environ["DATABASE_URL"]).begin() as conn:
        accounts.create_user(
            conn=conn,
            principal=Principal.command_line(),
            email="contrib@cwcc.example",
            role="contributor",
            password=PASSWORD,
            organisation="cwcc",
        )
    monkeypatch.setattr(cookie, "_served", [True])
    offered: list[tuple[str, int]] = []
    real = cookie.offer
    monkeypatch.setattr(cookie, "offer", lambda value, age: offered.append((value, age)) or real(value, age))
    at.switch_page("pages/login.py").run()
    at.text_input(key="login_email").input("contrib@cwcc.example")
    at.text_input(key="login_password").input(PASSWORD)
    at = at.button(key="FormSubmitter:login-Log in").click().run()
    assert not at.exception
    assert len(offered) == 1 and offered[0][1] == 8 * 3600
    token = at.session_state["_session_token"]
    assert offered[0][0].startswith(token + ".")  # the signed token, for the route to set HttpOnly
