"""AppTest: the write pages as each role uses them (log in, record, review, publish, correct), and refusals."""

from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from recommendations import sql, status
from recommendations.permissions import Principal
from recommendations.write import accounts, workspace
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_db")
PASSWORD = "correct horse battery staple"
REC = "mmn2016-04"
HOSTILE = "<script>alert(1)</script> ![x](http://127.0.0.1:1/x.png) [link](javascript:alert(1)) # heading =cmd"


def started() -> AppTest:
    """The dashboard (not yet run: its first run opens the page a test switches to, as a deep link does), on the
    loaded database (``app_db``), with accounts at CWCC and LSCW."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    engine = make_engine(os.environ["DATABASE_URL"])
    cli = Principal.command_line()
    with engine.begin() as conn:
        for email, role, org in [
            ("contrib@cwcc.example", "contributor", "cwcc"),
            ("review@cwcc.example", "reviewer", "cwcc"),
            ("review@lscw.example", "reviewer", "lscw"),
            ("admin@example.org", "admin", None),
        ]:
            accounts.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
    return at


def log_in(at: AppTest, email: str, password: str = PASSWORD) -> AppTest:
    at.switch_page("pages/login.py").run()
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    return at.button(key="FormSubmitter:login-Log in").click().run()


def menu(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def current_status() -> dict:
    engine = make_engine(os.environ["DATABASE_URL"])
    return sql.rows(engine, status.overall(None, [REC], by_index=status.picks_by_index(engine)))[0]


def fill_assessment(at: AppTest, *, rationale: str = "A template was piloted.", evidence: bool = True) -> AppTest:
    at.switch_page("pages/update.py")
    at.query_params["id"] = REC
    at.run()
    assert not at.exception
    at.selectbox(key="u_status").set_value("in_progress")
    at.text_input(key="u_as_of").input("2023-03-01")
    at.text_area(key="u_rationale").input(rationale)
    if evidence:
        engine = make_engine(os.environ["DATABASE_URL"])
        first = workspace.evidence_choices(engine, None, REC)[0][0]
        at.multiselect(key="u_evidence").set_value([first])
    return at


def submit(at: AppTest) -> AppTest:
    return at.button(key="u_submit").click().run()


def test_wrong_password_and_lock_out_are_explained():
    at = started()
    for _ in range(4):
        at = log_in(at, "contrib@cwcc.example", "not the password at all")
        assert [e.value for e in at.error] == ["Wrong email or password."]
    at = log_in(at, "contrib@cwcc.example", "not the password at all")
    assert "locked for 15 minutes after 5 failed log-ins" in at.error[0].value
    at = log_in(at, "contrib@cwcc.example")  # the right password, but locked
    assert "locked for 15 minutes" in at.error[0].value
    assert "Logged in as" not in menu(at)


def test_write_pages_ask_visitors_to_log_in():
    at = started()
    for page in ("pages/update.py", "pages/review.py", "pages/my_organisation.py", "pages/admin.py", "pages/audit.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert any("Log in to use this page" in w.value for w in at.warning), page


def test_contributor_records_a_draft_that_counts_nowhere_until_published():
    at = log_in(started(), "contrib@cwcc.example")
    assert "Logged in as" in menu(at) and "contributor" in menu(at)
    at = submit(fill_assessment(at, rationale=HOSTILE))
    assert not at.exception
    assert any("as a draft" in s.value for s in at.success)
    assert current_status()["status"] == "not_assessed"
    at.switch_page("pages/my_organisation.py").run()
    assert next(m.value for m in at.metric if m.label == "Drafts waiting for review") == "1"
    at.switch_page("pages/review.py").run()
    assert any("This page is for reviewers" in w.value for w in at.warning)  # a contributor has no queue

    at = log_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60), "review@cwcc.example")
    at.switch_page("pages/review.py").run()
    assert [t.value for t in at.text] == [HOSTILE]  # the rationale, shown as plain text
    at = at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("review_publish_"))).click().run()
    assert any("Published" in s.value for s in at.success)
    assert current_status()["status"] == "in_progress"
    at.switch_page("pages/overview.py").run()  # caches were cleared by the write: the overview already counts it
    assert next(m.value for m in at.metric if m.label == "Assessed").rstrip("%")


def test_the_form_names_each_bad_field_and_saves_nothing():
    at = log_in(started(), "contrib@cwcc.example")
    at = fill_assessment(at, evidence=False)
    at.text_input(key="u_as_of").input("2099-01-01")
    at = submit(at)
    errors = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.error))  # shown escaped, read as text
    assert "is in the future" in errors
    assert "Cite at least one evidence item, or add a new one" in errors
    assert current_status()["status"] == "not_assessed"
    assert at.text_area(key="u_rationale").value == "A template was piloted."  # the input is kept


def test_another_organisations_reviewer_does_not_see_the_draft():
    at = log_in(started(), "contrib@cwcc.example")
    submit(fill_assessment(at))
    other = log_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60), "review@lscw.example")
    other.switch_page("pages/review.py").run()
    assert any("Nothing is waiting" in i.value for i in other.info)


def test_admin_sees_the_audit_log_and_accounts_without_hashes():
    at = log_in(started(), "admin@example.org")
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert {"add user"} <= set(shown["action"])
    assert not shown.astype(str).apply(lambda c: c.str.contains("argon2")).any().any()
    at.switch_page("pages/admin.py").run()
    accounts = at.dataframe[0].value
    assert "password_hash" not in accounts.columns
    assert set(accounts["email"]) >= {"contrib@cwcc.example", "admin@example.org"}


def test_log_out_ends_the_session_on_the_server():
    at = log_in(started(), "contrib@cwcc.example")
    token = at.session_state["_session_token"]
    at = at.sidebar.button[0].click().run()  # Log out
    assert "Logged in as" not in menu(at)
    engine = make_engine(os.environ["DATABASE_URL"])
    from recommendations.write import auth

    with engine.connect() as conn:
        assert auth.principal_for(conn, token) is None


@pytest.fixture
def idp():
    from recommendations.write import sso
    from tests import oidc

    sso._KEYS.clear()
    with oidc.provider() as provider:
        yield provider
    sso._KEYS.clear()


def sso_user(email: str, id_token: str) -> dict:
    """st.user as Streamlit fills it from its cookie after a provider's callback (or as a forger writes it)."""
    return {"is_logged_in": True, "email": email, "name": "From the provider", "tokens": {"id": id_token}}


def test_single_sign_on_is_off_without_an_auth_section():
    at = started()
    at.switch_page("pages/login.py").run()
    assert "Log in with single sign-on" not in [b.label for b in at.button]


def test_single_sign_on_maps_the_providers_verified_email_to_the_local_account_and_role(idp):
    at = started()
    at.secrets["auth"] = idp.auth_section()
    at.switch_page("pages/login.py").run()
    assert "Log in with single sign-on" in [b.label for b in at.button]
    at.user = sso_user("Review@CWCC.example", idp.id_token("Review@CWCC.example"))
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert "reviewer" in menu(at)
    assert [t.value for t in at.title] == ["Review queue"]


@pytest.mark.parametrize(
    "forgery",
    [
        "not a token",
        "another key",
        "hmac with the public key",
        "another client",
        "another issuer",
        "expired",
        "issued an hour ago",
        "no expiry",
        "unsigned",
    ],
)
@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_a_forged_single_sign_on_logs_nobody_in(idp, forgery):
    """Whoever knows [auth] cookie_secret can write Streamlit's user cookie with any email: the tracker logs
    someone in only on an ID token the provider signed for it, just now."""
    import base64
    import json
    import time

    email = "admin@example.org"
    now = int(time.time())
    tokens = {
        "not a token": "forged",
        "another key": idp.forged_with_another_key(email),
        "hmac with the public key": idp.forged_hmac(email),
        "another client": idp.id_token(email, aud="someone-else"),
        "another issuer": idp.id_token(email, iss="https://evil.example"),
        "expired": idp.id_token(email, iat=now - 7200, exp=now - 3600),
        "issued an hour ago": idp.id_token(email, iat=now - 3600),
        "no expiry": idp.id_token(email, exp=None),
    }
    if forgery == "unsigned":
        parts = [base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") for p in (
            {"alg": "none"}, idp.claims(email))]  # fmt: skip
        tokens[forgery] = ".".join(parts) + "."
    at = started()
    at.secrets["auth"] = idp.auth_section()
    at.user = sso_user(email, tokens[forgery])
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    assert "Logged in as" not in menu(at)
    assert any("Log in to use this page" in w.value for w in at.warning)
    at.switch_page("pages/login.py").run()
    assert at.error, "the refusal is explained"


def test_an_identity_token_opens_one_session_only(idp):
    token = idp.id_token("review@cwcc.example")
    at = started()
    at.secrets["auth"] = idp.auth_section()
    at.user = sso_user("review@cwcc.example", token)
    at.switch_page("pages/review.py").run()
    assert "reviewer" in menu(at)
    again = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)  # the same cookie, replayed elsewhere
    again.secrets["auth"] = at.secrets["auth"]
    again.user = sso_user("review@cwcc.example", token)
    again.switch_page("pages/login.py").run()
    assert "Logged in as" not in menu(again)
    assert any("already used" in e.value for e in again.error)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"cookie_secret": "the same long random string on every server (also signs the tracker's session cookie)"},
         "[auth] cookie_secret is a placeholder"),
        ({"cookie_secret": "short"}, "at least 32"),
        ({"expose_tokens": None}, "expose_tokens"),
        ({"client_secret": "..."}, "client_secret is a placeholder"),
    ],
)  # fmt: skip
def test_single_sign_on_with_a_placeholder_or_unchecked_secret_stops_the_tracker(idp, change, named):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    section = {k: v for k, v in {**idp.auth_section(), **change}.items() if v is not None}
    at.secrets["auth"] = section
    at.user = sso_user("admin@example.org", idp.id_token("admin@example.org"))
    at.run()
    assert not at.exception
    assert "cannot start" in at.error[0].value
    assert any(named in t.value for t in at.text)
    assert not at.sidebar.caption or "Logged in as" not in menu(at)


def test_single_sign_on_refuses_an_email_without_an_account(idp):
    at = started()
    at.secrets["auth"] = idp.auth_section()
    at.user = sso_user("stranger@example.org", idp.id_token("stranger@example.org"))
    at.switch_page("pages/login.py").run()
    assert "Logged in as" not in menu(at)
    assert any("has no active account in this tracker" in e.value for e in at.error)


def test_a_provider_whose_metadata_names_no_issuer_logs_nobody_in(idp):
    """Without an issuer to compare, a token from any issuer would pass: the tracker refuses instead."""
    from recommendations.settings import SingleSignOn
    from recommendations.write import sso

    config = SingleSignOn(client_id="tracker-test-client", server_metadata_url=idp.metadata_url,
                          redirect_uri="http://localhost/oauth2callback", cookie_secret="x" * 40)  # fmt: skip
    token = idp.id_token("admin@example.org", iss="https://anyone.example")
    metadata = dict(idp.documents()["/.well-known/openid-configuration"])
    keys = idp.documents()["/jwks"]

    def fetch(url: str) -> dict:
        return keys if url.endswith("/jwks") else {k: v for k, v in metadata.items() if k != "issuer"}

    sso._KEYS.clear()
    with pytest.raises(sso.NotVerified, match="names no issuer"):
        sso.verify(token, config, fetch=fetch)
    sso._KEYS.clear()
    assert sso.verify(idp.id_token("admin@example.org"), config)["email"] == "admin@example.org"  # the control
