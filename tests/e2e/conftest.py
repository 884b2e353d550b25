"""End-to-end harness: the real app (`streamlit run app.py`: the pages, the open-data routes and the session-cookie
routes on one port) in headless Debian Chromium.

One Streamlit server per test session, on a free port, with an empty SQLite database that the
app builds from data/ on its first run. The browser is Debian's /usr/bin/chromium, launched by
pytest-playwright (Playwright's own browser download is not used). Without that binary every
test in tests/e2e is skipped, and the run says so loudly at the end.

Waiting: Streamlit sets ``data-test-script-state`` on ``[data-testid='stApp']`` ("initial",
"running", "rerunRequested", "notRunning"); its own e2e suite waits for "notRunning".
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = ROOT / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"

START_TIMEOUT_S = 60  # server start, including building the database from data/
STOP_TIMEOUT_S = 10
RUN_TIMEOUT_MS = 30_000  # one script run (first run of a page may build caches)
ACTION_TIMEOUT_MS = 15_000  # Playwright default for actions and expect()
#: After a run ends, how long to watch for another that was already on its way. In 414 runs of the browser tests on
#: a busy machine one began 15-76 ms after the first ended, in 24 of them; twice the latest is allowed. Recorded
#: again (the page's state changes and the messages it sent, over 302 waits): after a click or a fill, the page
#: sends the change a few tens of ms after the run it set off has ended (a text box commits its text when it loses
#: focus), and the first page a new server runs runs again through the entrypoint (ui.nav.through_entrypoint).
#: Nothing else ran again, so a page opened on a server that has already run one (``goto``) is not watched.
SETTLE_MS = 150
VIEWPORT = {"width": 1400, "height": 1000}
#: Every browser context the tests open. Reduced motion: Streamlit's own animations (the running indicator, its
#: transitions) cost Chromium about 8% of its CPU per page (1.47 against 1.60 CPU-s, six pages each, alternated
#: three times) and no test looks at them; the app has no motion of its own.
CONTEXT = {"viewport": VIEWPORT, "accept_downloads": True, "reduced_motion": "reduce"}
#: Every tab records what the app's Content-Security-Policy refused (directive and address), from its first script
#: on: every script run the tests wait for, and every tab handed back, must have none, so every page the browser
#: tests open, in every state they drive it to, is checked to work under the policy.
WATCH_POLICY = (
    "window.__violations = []; document.addEventListener('securitypolicyviolation', e => "
    "window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
MAX_SHOT_HEIGHT = 12_000  # px; longer pages (the meeting brief) are cut here

APP_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"

_SKIP_REASON: list[str] = []  # set when browser tests were collected but cannot run
_SERVER_LOG: list[Path] = []  # the running server's log, quoted when a page shows an error
_RAN: set[str] = set()  # servers (scheme, host and port) that have run a page for this test process (goto)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    ours = [item for item in items if HERE in Path(item.path).parents]
    if ours:
        _SKIP_REASON[:] = [f"NO Chromium at {CHROMIUM} (apt-get install chromium): browser (e2e) tests SKIPPED"]
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=_SKIP_REASON[0]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _SKIP_REASON:
        return
    terminalreporter.section("WARNING", sep="!", red=True, bold=True)
    terminalreporter.line(_SKIP_REASON[0], red=True, bold=True)


# --- the app --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT_S)


def free_port() -> int:
    return _free_port()


@contextlib.contextmanager
def serve(
    tmp: Path,
    database_url: str | None = None,
    *,
    secrets: dict | None = None,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run `streamlit run app.py` (by default on an empty SQLite database under ``tmp``); yield its URL.

    ``secrets``: the secrets file the server reads (e.g. an ``[auth]`` section); ``env``: more environment.
    """
    log_path = tmp / f"streamlit-{uuid.uuid4().hex[:6]}.log"
    port = port or _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'e2e.db'}",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(env or {}),
    }
    secrets_file = tmp / f"secrets-{uuid.uuid4().hex[:6]}.toml"
    secrets_file.write_text(_toml(secrets or {}))
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--secrets.files", str(secrets_file),
    ]  # fmt: skip
    env = environment
    _SERVER_LOG[:] = [log_path]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                exited = proc.poll() is not None
                why = f"exited with code {proc.returncode}" if exited else f"no health after {START_TIMEOUT_S} s"
                log_text = log_path.read_text(errors="replace")
                print(f"--- streamlit server log ({log_path}) ---\n{log_text}", file=sys.stderr)
                pytest.fail(f"Streamlit server did not start ({why}):\n{log_text}")
            time.sleep(0.25)
        yield base
    finally:
        _stop(proc)
        _RAN.discard(base)  # another server may get its port
        if proc.returncode not in (0, -15, None):
            print(f"--- streamlit server log ---\n{log_path.read_text(errors='replace')}", file=sys.stderr)


def _toml(sections: dict) -> str:
    """A secrets file (sections of plain strings and lists of strings)."""
    import json

    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


PASSWORD = "correct horse battery staple"
ACCOUNTS = {  # email -> (role, organisation)
    "contrib@cwcc.example": ("contributor", "cwcc"),
    "review@cwcc.example": ("reviewer", "cwcc"),
    "review@lscw.example": ("reviewer", "lscw"),
    "locked@cwcc.example": ("contributor", "cwcc"),
    "admin@example.org": ("admin", None),
}


def build_database(url: str, data: Path = ROOT / "data", emails: Iterable[str] = ACCOUNTS) -> str:
    """Load ``data`` into the database at ``url`` and create the accounts ``emails`` (of ACCOUNTS); ``url``.

    In this process, as the command line would (its own tests are in tests/test_cli.py): a command per account
    cost a second and a half each, per server.
    """
    from models.db import make_engine
    from recommendations.dataset.loader import load_folder
    from recommendations.permissions import Principal
    from recommendations.write import accounts

    engine = make_engine(url)
    load_folder(data, engine)
    with engine.begin() as conn:
        for email in emails:
            role, org = ACCOUNTS[email]
            accounts.create_user(conn=conn, principal=Principal.command_line(), email=email, role=role,
                                 password=PASSWORD, organisation=org)  # fmt: skip
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shared server's database: data/ loaded and the test accounts created."""
    return build_database(f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.db'}")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, e2e_database: str) -> Iterator[str]:
    """Base URL of the app shared by the browser tests."""
    with serve(tmp_path_factory.mktemp("e2e"), e2e_database) as base:
        yield base


@pytest.fixture
def fresh_app_url(tmp_path: Path) -> Iterator[str]:
    """A server of its own that has answered no request yet (for first-visit behaviour)."""
    with serve(tmp_path) as base:
        yield base


# --- the browser (pytest-playwright fixtures, overridden) -----------------------------------


@pytest.fixture(scope="session")
def base_url(app_url: str) -> str:
    """Every context's base URL is the app (also replaces pytest-playwright's fallback fixture)."""
    return app_url


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        "timeout": 30_000,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, **CONTEXT}


class Tabs:
    """Browser tabs that go on from one test to the next, each handed out clean.

    A new browser context per test cost Chromium about 2 CPU-seconds: its new renderer compiled Streamlit's
    JavaScript again. A tab kept open keeps that work, which halved the CPU of the browser tests. Clean means:
    its previous app session ended (the tab is sent to the server's health page), no cookies, empty storage,
    no other tab open in its context. A test that adds an init script or a listener takes a context of its own.
    """

    KEEP = 6  # free tabs kept (servers of one module or one test leave tabs nobody asks for again)

    def __init__(self) -> None:
        self.free: list[tuple[str, Page]] = []
        self.lent: list[tuple[str, Page]] = []
        self.private: list[Page] = []

    def take(self, browser: Browser, base_url: str, width: int = VIEWPORT["width"]) -> Page:
        """A clean tab on ``base_url`` (relative addresses resolve against it) at ``width`` px."""
        found = next((i for i, (url, tab) in enumerate(self.free) if url == base_url and not tab.is_closed()), None)
        if found is None:
            page = new_context(browser, base_url).new_page()
        else:
            page = self.free.pop(found)[1]
        page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.set_default_navigation_timeout(RUN_TIMEOUT_MS)
        expect.set_options(timeout=ACTION_TIMEOUT_MS)
        self.lent.append((base_url, page))
        return page

    def server_of(self, page: Page) -> str:
        """The base URL ``page`` was handed out for."""
        return next(url for url, tab in self.lent if tab is page)

    def own(self, browser: Browser, base_url: str) -> Page:
        """A tab in a context of its own, closed at the end of the test (for one that adds scripts or listeners)."""
        page = new_context(browser, base_url).new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.private.append(page)
        return page

    def give_back(self, page: Page | None = None) -> None:
        """Clean and keep ``page`` (None: every tab lent since the last call); close a tab that cannot be cleaned."""
        if page is None:
            for tab in self.private:
                tab.context.close()
            self.private.clear()
        back = [(url, tab) for url, tab in self.lent if page is None or tab is page]
        self.lent = [(url, tab) for url, tab in self.lent if (url, tab) not in back]
        refused: list[str] = []
        for url, tab in back:
            if tab.is_closed():
                continue
            try:
                for other in tab.context.pages:
                    refused += [f"{other.url}: {v}" for v in policy_violations(other)]
                    if other is not tab:
                        other.close()
                tab.goto(f"{url}/_stcore/health", timeout=5_000)  # ends its app session; same site, same renderer
                tab.context.clear_cookies()
                tab.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            except PlaywrightError:  # the server of this tab has stopped, or the tab crashed
                tab.context.close()
                continue
            self.free.insert(0, (url, tab))
        for _, tab in self.free[self.KEEP :]:
            tab.context.close()
        del self.free[self.KEEP :]
        if refused:  # after the tabs are clean, so that the next test is not blamed
            pytest.fail("the Content-Security-Policy refused:\n" + "\n".join(refused))


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """A browser context for ``base_url`` whose tabs record what the Content-Security-Policy refuses."""
    context = browser.new_context(base_url=base_url, **CONTEXT)
    context.add_init_script(WATCH_POLICY)
    return context


def policy_violations(page: Page) -> list[str]:
    """What the Content-Security-Policy refused on ``page`` since its document loaded ("img-src http://...")."""
    try:
        return page.evaluate("() => window.__violations || []")
    except PlaywrightError:  # a page that is closing, or a download's
        return []


TABS = Tabs()


@pytest.fixture(autouse=True)
def _tabs_given_back() -> Iterator[None]:
    yield
    TABS.give_back()


def new_page(browser: Browser, base_url: str, width: int = VIEWPORT["width"]) -> Page:
    """A clean tab on ``base_url`` for this test (another call: another tab, e.g. a second user)."""
    return TABS.take(browser, base_url, width)


def done_with(page: Page) -> None:
    """This test has finished with ``page`` (e.g. a user who is done): the next ``new_page`` may reuse it."""
    TABS.give_back(page)


@pytest.fixture
def page(browser: Browser, base_url: str) -> Page:
    """A clean tab on the shared app, with bounded default timeouts (replaces pytest-playwright's page)."""
    return TABS.take(browser, base_url)


# --- helpers --------------------------------------------------------------------------------


def wait_for_run(page: Page, *, settle: bool = True) -> None:
    """Wait until Streamlit has finished the current script run, then (``settle``) for any run already on its way."""
    page.wait_for_selector(APP_DONE, timeout=RUN_TIMEOUT_MS)
    if settle:
        page.wait_for_timeout(SETTLE_MS)
        page.wait_for_selector(APP_DONE, timeout=RUN_TIMEOUT_MS)  # no rerun started while settling
    assert_no_exception(page)


def server_log_tail(lines: int = 80) -> str:
    if not _SERVER_LOG or not _SERVER_LOG[0].exists():
        return "(no server log)"
    return "\n".join(_SERVER_LOG[0].read_text(errors="replace").splitlines()[-lines:])


def assert_no_exception(page: Page) -> None:
    """No exception or traceback shown, and nothing refused by the Content-Security-Policy (``WATCH_POLICY``)."""
    refused = policy_violations(page)
    if refused:
        pytest.fail(f"{page.url}: the Content-Security-Policy refused {refused}")
    exceptions = page.locator("[data-testid='stException']")
    if exceptions.count():
        shown = "\n".join(exceptions.all_inner_texts())
        pytest.fail(f"{page.url} shows an exception:\n{shown}\n--- server log (tail) ---\n{server_log_tail()}")
    body = page.locator("body").inner_text()
    if "Traceback" in body:
        pytest.fail(f"{page.url} shows a traceback:\n{body[:3000]}\n--- server log (tail) ---\n{server_log_tail()}")


def goto(page: Page, path: str) -> Page:
    """Open a path of the app ("/explore?theme=recruitment"), wait for the run, check for errors. Only the first page
    a server runs runs again (``SETTLE_MS``): later pages are not watched for another run."""
    page.goto(path, wait_until="domcontentloaded")  # relative to base_url, the app under test
    server = urlsplit(page.url)._replace(path="", query="", fragment="").geturl()
    wait_for_run(page, settle=server not in _RAN)
    _RAN.add(server)
    return page


_MENU_LINK_JS = """(path) => [...document.querySelectorAll('[data-testid=stSidebarNavLink]')]
    .findIndex(a => new URL(a.href).pathname === path)"""


def through_menu(page: Page, path: str) -> Page:
    """Open the page at ``path`` ("/owners") as a reader of the open app does: its entry in the sidebar's menu, which
    a phone shows only once the menu is opened (and closes again). The address bar must then show ``path`` and keep
    the language. Streamlit's front end stays loaded, as it does for that reader: a tour of several pages this way
    costs the browser about 0.6 CPU-seconds a page, where opening each address costs 1.5."""
    before = parse_qs(urlsplit(page.url).query).get("lang")
    unfold = page.get_by_test_id("stExpandSidebarButton")
    folded = unfold.is_visible()  # a phone: the menu is folded away
    if folded:
        unfold.click()
        expect(page.get_by_test_id("stSidebarNav")).to_be_in_viewport()
    index = page.evaluate(_MENU_LINK_JS, path)
    if index < 0 and page.get_by_test_id("stSidebarNavViewButton").is_visible():  # a long menu shows its first ten
        page.get_by_test_id("stSidebarNavViewButton").click()
        index = page.wait_for_function(f"(path) => ({_MENU_LINK_JS})(path) + 1", arg=path).json_value() - 1
    assert index >= 0, f"no entry for {path} in the menu of {page.url}"
    link = page.get_by_test_id("stSidebarNavLink").nth(index)
    link.click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)
    wait_for_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    if folded and sidebar.get_attribute("data-collapsed") == "false":  # (Streamlit folds it only for a phone's
        sidebar.get_by_test_id("stSidebarCollapseButton").locator("button").click()  # user agent)
        expect(sidebar).to_have_attribute("data-collapsed", "true")
    assert parse_qs(urlsplit(page.url).query).get("lang") == before, f"the menu lost the language: {page.url}"
    return page


def tour(
    page: Page, paths: Iterable[str], check: Callable[[str], object], subtests: pytest.Subtests | None = None
) -> None:
    """A reader's tour of ``paths``: the first page, and each that needs an address of its own (a query other than the
    language: a recommendation's id, a brief's themes, a search), opened by its address; every other through the menu
    (``through_menu``), which keeps the language. ``check(path)`` runs on each page once it is open, as a subtest
    named for the page when ``subtests`` is given (a failure names its page, and the tour goes on)."""
    for number, path in enumerate(paths):
        with subtests.test(msg=path) if subtests else contextlib.nullcontext():
            own_address = any(key != "lang" for key in parse_qs(urlsplit(path).query))
            goto(page, path) if number == 0 or own_address else through_menu(page, urlsplit(path).path)
            check(path)


def open_first_row(page: Page) -> None:
    """Click the first row of Explore's grid (its selection box) and wait for the recommendation it opens."""
    box = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").bounding_box()
    assert box
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection box
    page.wait_for_url(re.compile(r"/recommendation\?(.*&)?id="), timeout=30_000)
    wait_for_run(page)


#: Screenshots are for people to look at, not asserted: `make screenshots` (TRACKER_SCREENSHOTS=1) takes them;
#: `make test` does not, which saves the time of laying every page out again at its full height.
TAKE_SCREENSHOTS = os.environ.get("TRACKER_SCREENSHOTS", "") not in ("", "0")


def screenshot(page: Page, name: str) -> Path | None:
    """Full-page screenshot to test-output/screenshots/<name>.png (only when ``TAKE_SCREENSHOTS``).

    Streamlit scrolls inside ``stMain`` (and the sidebar), not the document, so Playwright's
    full_page alone stops at the viewport: grow the viewport to the content for the shot.
    """
    if not TAKE_SCREENSHOTS:
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size or VIEWPORT
    try:
        # The sidebar and charts can still grow after the run ends: grow until nothing overflows (a resize
        # lays the page out again, and charts redraw: wait for that before measuring again).
        for _ in range(4):
            needed = page.evaluate(_CONTENT_HEIGHT_JS)
            current = (page.viewport_size or size)["height"]
            if needed <= current or current >= MAX_SHOT_HEIGHT:
                break
            page.set_viewport_size({"width": size["width"], "height": min(needed + 40, MAX_SHOT_HEIGHT)})
            page.wait_for_timeout(300)
        page.screenshot(path=path, full_page=True, animations="disabled", timeout=RUN_TIMEOUT_MS)
    finally:
        page.set_viewport_size(size)
    return path


_CONTENT_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight,
    ...['stMain', 'stSidebarContent'].map(id => document.querySelector(`[data-testid='${id}']`)?.scrollHeight || 0))"""
