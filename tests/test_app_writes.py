"""AppTest: the write pages as each role uses them (log in, record, review, publish, correct), and refusals."""

from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from recommendations import sql, status, updates, workspace
from recommendations.auth import Principal
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_db")
PASSWORD = "correct horse battery staple"
REC = "mmn2016-04"
HOSTILE = "<script>alert(1)</script> ![x](http://127.0.0.1:1/x.png) [link](javascript:alert(1)) # heading =cmd"


def started() -> AppTest:
    """The dashboard, run once (so the database exists), with accounts at CWCC and LSCW."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    engine = make_engine(os.environ["DATABASE_URL"])
    cli = Principal.command_line()
    with engine.begin() as conn:
        for email, role, org in [
            ("contrib@cwcc.example", "contributor", "cwcc"),
            ("review@cwcc.example", "reviewer", "cwcc"),
            ("review@lscw.example", "reviewer", "lscw"),
            ("admin@example.org", "admin", None),
        ]:
            updates.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
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
    return sql.rows(engine, status.overall(None, [REC]))[0]


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
        first = workspace.evidence_choices(engine, REC)[0][0]
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
    assert "needs evidence: cite at least one evidence item" in errors
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
    from recommendations import auth

    with engine.connect() as conn:
        assert auth.principal_for(conn, token) is None


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a test secret, never a real one",
    "client_id": "tracker",
    "client_secret": "test",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}


def test_single_sign_on_is_off_without_an_auth_section():
    at = started()
    at.switch_page("pages/login.py").run()
    assert "Log in with single sign-on" not in [b.label for b in at.button]


def test_single_sign_on_maps_the_providers_email_to_the_local_account_and_role():
    """Without an identity provider: st.user as Streamlit fills it after a provider's callback."""
    at = started()
    at.secrets["auth"] = AUTH
    at.switch_page("pages/login.py").run()
    assert "Log in with single sign-on" in [b.label for b in at.button]
    at.user = {"is_logged_in": True, "email": "Review@CWCC.example", "name": "From the provider"}
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert "reviewer" in menu(at)
    assert [t.value for t in at.title] == ["Review queue"]


def test_single_sign_on_refuses_an_email_without_an_account():
    at = started()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at.switch_page("pages/login.py").run()
    assert "Logged in as" not in menu(at)
    assert any("has no active account in this tracker" in e.value for e in at.error)
