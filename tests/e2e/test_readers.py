"""Every page as its readers use it, in the browser: row clicks, long selections, links that keep the address
bar right, hostile data and hostile URLs, phone width, contrast. Screenshots at 1400 and 390 px.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DATA
from tests.e2e.conftest import ACCOUNTS, PASSWORD, ROOT, goto, screenshot, serve, wait_for_run
from tests.e2e.test_roles import log_in, main, new_page
from tests.hostile import PAYLOAD, hostile_copy

pytestmark = pytest.mark.e2e

RECOMMENDATION_TITLE = "Complaint and redress mechanism for migrant workers"  # its short title, in data/sources/
#: Every page anyone may read (the one table of pages, ui.nav), the address it is opened at, and its heading.
OPENED_AT = {
    "pages/recommendation.py": "/recommendation?id=tfamw2011-postarrival-5",
    "pages/brief.py": "/brief?theme=recruitment",
}
HEADINGS = {"pages/overview.py": "Migrant-worker recommendation tracker", "pages/owners.py": "Who is asked to act",
            "pages/recommendation.py": RECOMMENDATION_TITLE}  # fmt: skip


def _public_pages() -> list[tuple[str, str]]:
    from recommendations.ui.nav import PAGES

    out = []
    for page in PAGES:
        if page.action is None:
            default = "/" if page.default else "/" + Path(page.path).stem
            out.append((OPENED_AT.get(page.path, default), HEADINGS.get(page.path, page.title)))
    return out


PUBLIC_PAGES = _public_pages()
PUBLIC = [path for path, _ in PUBLIC_PAGES]


def no_injection(page: Page, *, allowed_hosts: tuple[str, ...] = ()) -> None:
    """Nothing from the data became active: no script ran, no image or link was made from it, no heading."""
    assert page.evaluate("() => window.hacked === undefined"), "a script from the data ran"
    body = page.locator("body")
    assert body.locator("img[src*='127.0.0.1:1'], img[src='x']").count() == 0, "an image from the data"
    for href in body.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert not href.lower().startswith(("javascript:", "data:")), href
        assert "evil.example" not in href and "bare.example" not in href, href
        if href.startswith("http") and "127.0.0.1" not in href and "localhost" not in href:
            assert allowed_hosts and any(h in href for h in allowed_hosts), f"a link from the data: {href}"
    headings = body.locator("h1, h2, h3, h4, h5, h6").all_inner_texts()
    assert not [h for h in headings if h.strip().startswith("heading")], headings


# --- hostile data in every free-text field --------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("hostile")
    data = hostile_copy(DATA, tmp / "data")
    url = f"sqlite:///{tmp / 'hostile.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "recommendations", "load", str(data)], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    for email, (role, org) in ACCOUNTS.items():
        command = [sys.executable, "-m", "recommendations", "users", "add", email, "--role", role, "--password-stdin"]
        subprocess.run(command + (["--organisation", org] if org else []), cwd=ROOT, env=env,
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)  # fmt: skip
    with serve(tmp, url) as base:
        yield base


def evidence_hosts() -> tuple[str, ...]:
    """Hosts of the evidence and source addresses: the only links data may give."""
    import yaml

    urls = [e.get("url") for e in yaml.safe_load((DATA / "evidence.yaml").read_text())["evidence"]]
    urls += [yaml.safe_load(p.read_text()).get("url") for p in (DATA / "sources").glob("*.yaml")]
    return tuple(sorted({re.sub(r"^https?://([^/]+).*$", r"\1", u) for u in urls if u}))


HOSTILE_PAGES = [*PUBLIC, "/recommendation?id=mmn2016-01-hostile", "/brief?brief_all=1", "/owners?actor=rgc",
                 "/themes?chain=afml15-2022-13", "/explore?q=hostile"]  # fmt: skip


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_data_stays_inert_on_every_page(browser: Browser, hostile_url: str, path: str):
    page = new_page(browser, hostile_url)
    goto(page, path)
    if path == "/sources":  # open every source's full text too
        for toggle in main(page).get_by_text("Show the full text with its recommendations marked").all():
            toggle.click()
            wait_for_run(page)
    if path == "/brief?brief_all=1":
        main(page).get_by_text("Brief on all open recommendations").click()
        wait_for_run(page)
    if path != "/data":  # (the data page shows no data, only downloads)
        expect(main(page)).to_contain_text("window.hacked")  # the payload is there, as text
    no_injection(page, allowed_hosts=evidence_hosts())
    name = "hostile-" + (re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "overview")
    screenshot(page, name[:60])


LOGGED_IN_PAGES = {  # path -> the page's title, which a failed log-in or a blank page would not show
    "/my_organisation": "My organisation",
    "/review": "Review queue",
    "/admin": "Users and organisations",
    "/audit": "Audit log",
    "/update?id=mmn2016-01-hostile": "Update status",
}


@pytest.mark.parametrize("path", sorted(LOGGED_IN_PAGES))
def test_hostile_data_stays_inert_on_the_logged_in_pages(browser: Browser, hostile_url: str, path: str):
    page = new_page(browser, hostile_url)
    log_in(page, "admin@example.org" if path in ("/admin", "/audit") else "review@cwcc.example")
    goto(page, path)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Logged in as")
    expect(main(page).locator("h1").first).to_contain_text(LOGGED_IN_PAGES[path])
    if path.startswith(("/admin", "/update")):  # the hostile names and titles are on the page, as text
        expect(main(page)).to_contain_text("<b>x</b>" if path == "/admin" else "window.hacked")
    no_injection(page, allowed_hosts=evidence_hosts())


def test_exports_of_hostile_data_are_safe_in_a_spreadsheet(browser: Browser, hostile_url: str, tmp_path: Path):
    import openpyxl

    page = new_page(browser, hostile_url)
    goto(page, "/data")
    with page.expect_download() as info:
        main(page).get_by_role("button", name="Download XLSX (everything)").click()
    path = tmp_path / "all.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), f"{sheet.title}!{cell.coordinate}"


# --- hostile URLs ------------------------------------------------------------------------------------------

URL_PAYLOADS = [
    "/?q=" + quote("[Your session expired - log in again](https://evil.example/login)"),
    "/explore?q=" + quote(PAYLOAD),
    "/owners?q=" + quote("![x](http://127.0.0.1:1/x.png)"),
    "/recommendation?id=" + quote("![x](http://127.0.0.1:1/x.png)"),
    "/recommendation?id=" + quote(PAYLOAD),
    "/brief?brief_date=" + quote("<script>window.hacked=1</script>") + "&theme=" + quote("# heading"),
    "/themes?chain=" + quote("[x](javascript:alert(1))"),
    "/owners?actor=" + quote("<img src=x onerror=window.hacked=2>"),
]


#: What each hostile address must still show: the page itself (its title), and the payload as text where the page
#: repeats what it was given (a search, an unknown id).
URL_SHOWS = [
    ("Migrant-worker recommendation tracker", "evil.example/login"),
    ("Explore recommendations", "window.hacked=1"),
    ("Who is asked to act", "127.0.0.1:1/x.png"),
    ("Recommendation detail", "127.0.0.1:1/x.png"),
    ("Recommendation detail", "window.hacked=1"),
    ("Meeting brief", None),
    ("Themes and recurrence", None),
    ("Who is asked to act", None),
]


@pytest.mark.parametrize(
    ("path", "shows"), list(zip(URL_PAYLOADS, URL_SHOWS, strict=True)), ids=range(len(URL_PAYLOADS))
)
def test_anything_from_the_url_is_shown_as_text(page: Page, path: str, shows: tuple[str, str | None]):
    goto(page, path)
    title, echoed = shows
    expect(main(page).locator("h1").first).to_contain_text(title)  # the page ran: not blank, not an error
    if echoed:
        expect(main(page)).to_contain_text(echoed)
    no_injection(page)


# --- readers' paths ----------------------------------------------------------------------------------------


def test_clicking_a_row_in_explore_opens_it(page: Page):
    goto(page, "/explore")
    grid = main(page).get_by_test_id("stDataFrame")
    box = grid.bounding_box()
    assert box
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection box
    page.wait_for_url(re.compile(r"/recommendation\?(.*&)?id="), timeout=30_000)
    wait_for_run(page)
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Current status")).to_be_visible()
    screenshot(page, "readers-explore-row-opened")


def test_a_long_brief_downloads(page: Page, tmp_path: Path):
    import yaml

    themes = [t["id"] for t in yaml.safe_load((DATA / "themes.yaml").read_text())["themes"]]
    assert len(themes) >= 9
    goto(
        page,
        "/brief?" + "&".join(f"theme={t}" for t in themes) + "&addressee=cso-cambodia&addressee=local-authorities-kh",
    )
    button = main(page).get_by_role("button", name="Download brief (DOCX)")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    target = tmp_path / "long.docx"
    info.value.save_as(target)
    document = docx.Document(str(target))
    assert len(document.core_properties.subject) <= 255
    assert "Meeting brief" in document.paragraphs[0].text


def test_sources_open_explore_on_their_recommendations(page: Page):
    goto(page, "/sources")
    main(page).get_by_role("button", name="See its recommendations in Explore").first.click()
    page.wait_for_url(re.compile(r"/explore\?(.*&)?source="), timeout=30_000)
    wait_for_run(page)
    caption = main(page).get_by_test_id("stCaptionContainer").filter(has_text=re.compile(r"\d+ recommendations"))
    assert int(re.search(r"(\d+) recommendations", caption.first.inner_text()).group(1)) < 84


def test_a_linked_recommendation_puts_its_own_id_in_the_address_bar(page: Page):
    goto(page, "/recommendation?id=mmn2016-03")
    main(page).get_by_role("button", name=re.compile("raised again later")).first.click()
    page.wait_for_url(re.compile(r"id=afml15-2022-13"), timeout=30_000)
    wait_for_run(page)
    page.reload()
    wait_for_run(page)
    expect(main(page).locator("h1").first).to_contain_text("Joint monitoring")


# --- phones, contrast ---------------------------------------------------------------------------------------


def _contrast(page: Page, selector: str) -> float:
    """The lowest WCAG contrast ratio of the text in ``selector`` against a white page."""
    return page.evaluate(
        """(sel) => {
            const lum = c => {
                const v = c / 255;
                return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            };
            const ratios = [...document.querySelectorAll(sel)].map(el => {
                const m = getComputedStyle(el).color.match(/[\\d.]+/g).map(Number);
                const a = m.length > 3 ? m[3] : 1;
                const [r, g, b] = [0, 1, 2].map(i => m[i] * a + 255 * (1 - a));
                const l = 0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b);
                return 1.05 / (l + 0.05);
            });
            return ratios.length ? Math.min(...ratios) : 21;
        }""",
        selector,
    )


def test_text_meets_wcag_aa_contrast(page: Page):
    goto(page, "/")
    assert _contrast(page, "[data-testid='stCaptionContainer'] p") >= 4.5
    assert _contrast(page, "[data-testid='stMain'] p") >= 4.5
    # the tick labels drawn on screen (a chart in a hidden tab has none); plotly styles them after drawing them
    visible_fills = (
        "() => [...document.querySelectorAll('.xtick text, .ytick text')]"
        ".filter(t => t.getClientRects().length).map(t => getComputedStyle(t).fill)"
    )
    page.wait_for_function(f"() => ({visible_fills})().some(f => f)", timeout=15_000)
    fills = [f for f in page.evaluate(visible_fills) if f]
    assert fills and all(f in ("rgb(38, 39, 48)", "#262730") for f in fills), fills
    goto(page, "/brief?theme=recruitment")
    assert _contrast(page, "[data-testid='stMain'] blockquote p") >= 4.5


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES)
def test_every_page_at_desktop_and_phone_width(browser: Browser, base_url: str, path: str, heading: str, width: int):
    page = new_page(browser, base_url, width=width)
    goto(page, path)
    expect(main(page).locator("h1").first).to_contain_text(heading)  # the page itself, not an error or a blank
    no_injection(page, allowed_hosts=evidence_hosts())
    overflow = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth")
    assert overflow <= 2, f"{path} is {overflow} px wider than a {width} px screen"
    for chart in main(page).get_by_test_id("stPlotlyChart").all()[:3]:
        box = chart.bounding_box()  # None for a chart in a tab that is not shown
        assert box is None or box["height"] >= 250
    name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "overview"
    screenshot(page, f"{width}px-{name}"[:60])
