"""app.py in a real browser: the session cookie the server sets (HttpOnly: not in document.cookie), the policy
refusing an image from elsewhere, an image address in the data never fetched, and the security headers on every
kind of response the real server gives (page, script, health, API, feed, file, redirect). That every page works
under the Content-Security-Policy is checked on every page every browser test opens (conftest.WATCH_POLICY).
Screenshots in test-output/screenshots/open-data-*.png."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, expect

from tests.apiclient import SECURITY
from tests.conftest import DATA
from tests.e2e.conftest import (
    TABS,
    build_database,
    free_port,
    goto,
    policy_violations,
    screenshot,
    serve,
    tour,
    wait_for_run,
)
from tests.e2e.test_roles import log_in, main
from tests.hostile import hostile_copy

pytestmark = pytest.mark.e2e


def test_the_server_sets_an_httponly_cookie_that_no_script_can_read(browser: Browser, base_url: str):
    page = TABS.own(browser, base_url)  # a context of its own: its log-in stays with it
    log_in(page, "contrib@cwcc.example")  # through /session/start, which sets the cookie
    cookie = next(c for c in page.context.cookies() if c["name"] == "tracker_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # plain http on loopback; behind https the route adds Secure (tests/test_api_session)
    assert "tracker_session" not in page.evaluate("() => document.cookie")
    goto(page, "/my_organisation")  # a new page load finds the log-in through the cookie alone
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Logged in as")
    screenshot(page, "open-data-logged-in")
    # The page is already at /my_organisation: wait for the navigation the click starts (through /session/end,
    # back here with ?lang=), not for the address it already has, or the next goto races that navigation
    with page.expect_navigation(url=re.compile(r"/my_organisation(\?|$)"), wait_until="domcontentloaded"):
        page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    for _ in range(100):  # through /session/end, which clears it
        if not any(c["name"] == "tracker_session" for c in page.context.cookies()):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the cookie was not cleared after logging out")
    wait_for_run(page)
    goto(page, "/my_organisation")
    expect(main(page)).to_contain_text("Log in to use this page")
    assert policy_violations(page) == []


def test_the_policy_refuses_an_image_from_elsewhere(browser: Browser, base_url: str, canary):
    port, hits = canary
    page = TABS.own(browser, base_url)  # its own: the refusal it provokes must not reach a shared tab
    goto(page, "/explore")
    page.evaluate(
        f"() => {{ const i = document.createElement('img'); i.src = 'http://127.0.0.1:{port}/x.png';"
        " document.body.appendChild(i); }"
    )
    # the refusal is reported as it happens (WATCH_POLICY); had the image been let through, the canary would have it
    page.wait_for_function("() => window.__violations.some(v => v.startsWith('img-src'))", timeout=5_000)
    assert hits == []
    assert any(v.startswith("img-src") for v in policy_violations(page)), policy_violations(page)


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[int, list[str]]]:
    """A server on loopback that records every request: an image address in the data points here."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], hits
    server.shutdown()


@pytest.fixture(scope="module")
def canary_data_url(tmp_path_factory, canary) -> Iterator[str]:
    """A server of its own on the hostile data, with every image address in it pointing at the canary."""
    port, _ = canary
    tmp = tmp_path_factory.mktemp("canary")
    data = hostile_copy(DATA, tmp / "data")
    original = "http://127.0.0.1:1/x.png"
    pointed = f"http://127.0.0.1:{port}/".ljust(len(original), "x")  # the same length: one-line fields are full
    for path in [p for p in data.rglob("*") if p.is_file()]:  # the YAML and the source texts (verbatim checks)
        path.write_text(path.read_text().replace(original, pointed))
    url = build_database(f"sqlite:///{tmp / 'canary.db'}", data, emails=())
    with serve(tmp, url) as base:
        yield base


def test_an_image_address_in_the_data_is_never_fetched(browser: Browser, canary_data_url: str, canary):
    port, hits = canary
    page = TABS.own(browser, canary_data_url)  # its own: the request listener stays here
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    paths = ("/recommendation?id=mmn2016-01-hostile", "/explore?q=hostile", "/sources", "/")
    tour(page, paths, lambda _: expect(main(page)).to_contain_text(f"127.0.0.1:{port}"))  # the address, as text
    page.wait_for_timeout(1000)
    assert hits == [], hits
    assert not [u for u in requested if f":{port}" in u]
    screenshot(page, "open-data-hostile-image-not-fetched")


def _get(url: str) -> tuple[int, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as answer:
        return answer.code, {k.lower(): v for k, v in answer.headers.items()}


def test_security_headers_on_every_kind_of_response_of_the_real_server(base_url: str):
    with urllib.request.urlopen(base_url + "/", timeout=30) as answer:
        script = next(
            p.split('"')[0] for p in answer.read().decode().split('src="./')[1:] if p.split('"')[0].endswith(".js")
        )
    paths = {
        "page": "/",
        "deep link": "/explore?theme=recruitment",
        "script": f"/{script}",
        "health": "/_stcore/health",
        "api": "/api/v1/themes",
        "api 404": "/api/v1/nothing",
        "api 400": "/api/v1/recommendations?per_page=0",
        "feed": "/feed.atom",
        "package": "/datapackage.json",
        "csv": "/api/v1/data/themes.csv",
        "redirect": "/session/start?code=nothing",
    }
    for kind, path in paths.items():
        status, headers = _get(base_url + path)
        assert status < 500, (kind, status)
        for header in SECURITY:
            assert header in headers, (kind, header)
        assert headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in headers["content-security-policy"]
    status, headers = _get(base_url + "/api/v1/themes")
    assert status == 200 and headers["access-control-allow-origin"] == "*" and "set-cookie" not in headers
