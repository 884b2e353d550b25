"""Attacks in a real browser: single sign-on through Streamlit's own st.login against a provider on loopback,
a forged Streamlit user cookie signed with the server's own secret, and a server started with a placeholder
secret. Screenshots in test-output/screenshots/security-*.png."""

from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import Browser, expect

from tests import oidc
from tests.e2e.conftest import free_port, goto, new_context, screenshot, serve, wait_for_run

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory, e2e_database):
    """A server of its own with single sign-on against a provider on loopback, on a copy of the shared database."""
    tmp = tmp_path_factory.mktemp("sso")
    database = tmp / "sso.db"
    shutil.copy(e2e_database.removeprefix("sqlite:///"), database)
    port = free_port()
    with oidc.provider() as idp:
        section = idp.auth_section(redirect_uri=f"http://127.0.0.1:{port}/oauth2callback")
        with serve(tmp, f"sqlite:///{database}", secrets={"auth": section}, port=port) as base:
            yield base, idp, section


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def test_single_sign_on_logs_in_through_the_provider(browser: Browser, sso_app):
    base, idp, _ = sso_app
    idp.login_as = "review@cwcc.example"
    page = new_context(browser, base).new_page()
    goto(page, "/login")
    page.get_by_role("button", name="Log in with single sign-on").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)  # provider, callback, back to the app
    wait_for_run(page)
    goto(page, "/review")
    expect(sidebar(page)).to_contain_text("Logged in as")
    expect(page.get_by_test_id("stMain")).to_contain_text("Review queue")
    screenshot(page, "security-sso-logged-in")


def test_a_forged_user_cookie_signed_with_the_servers_own_secret_logs_nobody_in(browser: Browser, sso_app):
    """Even with the secret leaked, a cookie naming the admin carries no token the provider signed."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    base, idp, section = sso_app
    who = {"email": "admin@example.org", "email_verified": True, "is_logged_in": True, "provider": "default",
           "origin": base, "sub": "admin"}  # fmt: skip
    for tokens in ({"id_token": "forged"}, {"id_token": idp.forged_with_another_key("admin@example.org")}, {}):
        context = new_context(browser, base)
        cookies = []
        for name, value in (("_streamlit_user", who), ("_streamlit_user_tokens", tokens)):
            signed = create_signed_value(section["cookie_secret"], name, json.dumps(value)).decode()
            cookies.append({"name": name, "value": signed, "url": base})
        context.add_cookies(cookies)
        page = context.new_page()
        goto(page, "/admin")
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text("Log in to use this page")
        expect(sidebar(page)).not_to_contain_text("Logged in as")
        goto(page, "/login")
        expect(main).not_to_contain_text("You are logged in")
        if not tokens:
            screenshot(page, "security-forged-cookie")
        context.close()


def test_a_server_with_a_placeholder_secret_refuses_to_start(browser: Browser, tmp_path):
    with serve(tmp_path, env={"TRACKER_COOKIE_SECRET": "CHANGE-ME-to-a-long-random-string"}) as base:
        page = new_context(browser, base).new_page()
        goto(page, "/explore")
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text("This tracker cannot start")
        expect(main).to_contain_text("TRACKER_COOKIE_SECRET is a placeholder")
        expect(main).not_to_contain_text("Explore recommendations")
        screenshot(page, "security-placeholder-secret")
