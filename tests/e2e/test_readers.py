"""Every page as its readers use it, in the browser: row clicks, long selections, links that keep the address
bar right, hostile data and hostile URLs, phone width, contrast. Screenshots at 1400 and 390 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.conftest import DATA
from tests.e2e.conftest import (
    RUN_TIMEOUT_MS,
    build_database,
    goto,
    new_page,
    open_first_row,
    screenshot,
    serve,
    tour,
    wait_for_run,
)
from tests.e2e.test_khmer_reading import HISTORY
from tests.e2e.test_roles import main, sign_in
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
    url = build_database(f"sqlite:///{tmp / 'hostile.db'}", data)
    with serve(tmp, url) as base:
        yield base


def evidence_hosts() -> tuple[str, ...]:
    """Hosts of the evidence and source addresses: the only links data may give."""
    urls = [e.get("url") for e in yaml.safe_load((DATA / "evidence.yaml").read_text())["evidence"]]
    urls += [yaml.safe_load(p.read_text()).get("url") for p in (DATA / "sources").glob("*.yaml")]
    return tuple(sorted({re.sub(r"^https?://([^/]+).*$", r"\1", u) for u in urls if u}))


#: Pages opened at an address of their own: a hostile recommendation, the broad brief, an actor, a chain, a search.
HOSTILE_ADDRESSES = ["/recommendation?id=mmn2016-01-hostile", "/brief?brief_all=1", "/owners?actor=rgc",
                     "/themes?chain=afml15-2022-13", "/explore?q=hostile"]  # fmt: skip


def assert_hostile_data_inert(page: Page, path: str) -> None:
    """The payload is on the page as text (every source's full text opened too) and nothing of it is active."""
    if path == "/sources":  # open every source's full text too
        for toggle in main(page).get_by_text("Show the full text with its recommendations marked").all():
            toggle.click()
            wait_for_run(page)
    if path == "/brief?brief_all=1":  # the link opens the broad brief, its box ticked
        expect(main(page).get_by_role("checkbox", name="Brief on all open recommendations")).to_be_checked()
    if path != "/data":  # (the data page shows no data, only downloads)
        expect(main(page)).to_contain_text("window.hacked")  # the payload is there, as text
    no_injection(page, allowed_hosts=evidence_hosts())
    name = "hostile-" + (re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "overview")
    screenshot(page, name[:60])


def test_hostile_data_stays_inert_on_every_page(browser: Browser, hostile_url: str, subtests: pytest.Subtests):
    """Every public page, in a reader's tour (the first by its address, then the menu; a recommendation and a brief
    by their addresses)."""
    page = new_page(browser, hostile_url)
    tour(page, PUBLIC, lambda path: assert_hostile_data_inert(page, path), subtests)


@pytest.mark.parametrize("path", HOSTILE_ADDRESSES)
def test_hostile_data_stays_inert_at_its_own_address(browser: Browser, hostile_url: str, path: str):
    page = new_page(browser, hostile_url)
    goto(page, path)
    assert_hostile_data_inert(page, path)


LOGGED_IN_PAGES = {  # path -> the page's title, which a failed log-in or a blank page would not show
    "/my_organisation": "My organisation",
    "/review": "Review queue",
    "/admin": "Users and organisations",
    "/audit": "Audit log",
    "/update?id=mmn2016-01-hostile": "Update status",
}


#: Who opens which of them: a reviewer of an organisation, and an administrator for the accounts and the audit log.
OPENED_BY = {"review@cwcc.example": ["/my_organisation", "/review", "/update?id=mmn2016-01-hostile"],
             "admin@example.org": ["/admin", "/audit"]}  # fmt: skip


@pytest.mark.parametrize("email", sorted(OPENED_BY))
def test_hostile_data_stays_inert_on_the_logged_in_pages(
    browser: Browser, hostile_url: str, email: str, subtests: pytest.Subtests
):
    """Each account's tour of its pages: the first by its address, then the menu (a page that needs an id, by its
    address)."""
    assert sorted(path for paths in OPENED_BY.values() for path in paths) == sorted(LOGGED_IN_PAGES)
    page = new_page(browser, hostile_url)
    sign_in(page, email)

    def check(path: str) -> None:
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Logged in as")
        expect(main(page).locator("h1").first).to_contain_text(LOGGED_IN_PAGES[path])
        if path.startswith(("/admin", "/update")):  # the hostile names and titles are on the page, as text
            expect(main(page)).to_contain_text("<b>x</b>" if path == "/admin" else "window.hacked")
        no_injection(page, allowed_hosts=evidence_hosts())

    tour(page, OPENED_BY[email], check, subtests)


def test_exports_of_hostile_data_are_safe_in_a_spreadsheet(browser: Browser, hostile_url: str, tmp_path: Path):
    import openpyxl

    page = new_page(browser, hostile_url)
    goto(page, "/data")
    with page.expect_download(timeout=RUN_TIMEOUT_MS) as info:
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
    open_first_row(page)
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Current status")).to_be_visible()
    screenshot(page, "readers-explore-row-opened")


def test_a_long_brief_downloads(page: Page, tmp_path: Path):
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
    shown, total = re.search(r"(\d+) of (\d+) recommendations", caption.first.inner_text()).groups()
    assert int(shown) < int(total) == 84  # the source's own, out of all


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


#: Charts on each public page (any other page has none): each must carry its text alternative.
CHARTS = {"/": 4, "/owners": 2, "/themes": 1, "/sources": 1}
#: A table of a page read as a list on a phone, and what its first row must say there.
LIST_FACTS = {"/explore": ("explore_table", ("Current status:", "Source:", "Open")),
              "/themes": ("themes_chains", ("Status now:", "First raised:", "Times raised:", "Years open:")),
              "/owners": ("owners_actors", ("Asks:", "Still open:", "Share assessed:"))}  # fmt: skip
_HEADINGS_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h =>
    [Number(h.tagName[1]), !!h.closest('[data-testid=stMain]'), h.innerText.trim().slice(0, 60)])"""
_CHARTS_JS = """() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stPlotlyChart]')].map(c =>
    [c.getAttribute('role'), c.getAttribute('aria-label') || ''])"""
_TABLES_JS = """() => [...document.querySelectorAll('[class*=st-key-wide-], [class*=st-key-narrow-]')]
    .filter(e => e.parentElement.getClientRects().length > 0)  // not in a closed expander or a hidden tab
    .map(e => ({key: e.className.match(/st-key-(\\S+)/)[1], shown: e.getClientRects().length > 0,
    items: [...e.querySelectorAll('li')].map(li => ({text: li.innerText, left: li.getBoundingClientRect().left,
        right: li.getBoundingClientRect().right, cut: li.scrollWidth > li.clientWidth + 1}))}))"""


def assert_headings_in_order(page: Page, where: str) -> None:
    """One h1, the page's own and first in its main part; then no heading more than one level below the one before
    (h1, h2, h3: a screen reader's outline of the page), the sidebar's included."""
    found = page.evaluate(_HEADINGS_JS)
    in_main = [level for level, main_part, _ in found if main_part]
    assert in_main[:1] == [1] and in_main.count(1) == 1, f"{where}: {found}"
    previous = 1
    for level, _, text in found:
        assert level <= previous + 1, f"{where}: {text!r} is h{level} straight after an h{previous}: {found}"
        previous = level


def assert_charts_say_what_they_show(page: Page, path: str) -> None:
    """Every chart is a figure named for screen readers: what it shows, then its main figures."""
    expect(main(page).get_by_test_id("stPlotlyChart")).to_have_count(CHARTS.get(path, 0))  # (drawn after the run)
    charts = page.evaluate(_CHARTS_JS)
    for role, label in charts:
        assert role == "figure", charts
        assert re.match(r"(Bar chart|Grid)\b.*\b(recommendations|asks|migrants)\b", label), label
        assert re.search(r"\d", label), f"no figure in the chart's text alternative: {label}"


def assert_tables_fit(page: Page, path: str, width: int) -> None:
    """A phone shows each table as a list (the grid is hidden): every row whole on screen, its title first and
    wrapped; a wide screen shows the grids and no list."""
    tables = page.evaluate(_TABLES_JS)
    for table in tables:
        assert table["shown"] == table["key"].startswith("narrow-" if width < 640 else "wide-"), (width, table)
    lists = [t for t in tables if t["shown"] and t["key"].startswith("narrow-")]
    if path in LIST_FACTS and width < 640:
        key, facts = LIST_FACTS[path]
        shown = [t["items"] for t in lists if t["key"] == "narrow-" + key]
        assert shown and shown[0], f"{path}: no list of {key} at {width} px: {tables}"
        assert all(fact in shown[0][0]["text"] for fact in facts), shown[0][0]
    for item in (item for table in lists for item in table["items"]):
        assert item["left"] >= 0 and item["right"] <= width and not item["cut"], f"{path}: off screen: {item}"


def assert_page_reads_well(page: Page, path: str, heading: str, width: int) -> None:
    """The page itself (its heading), nothing from the data made active, nothing wider than the screen, charts tall
    enough and named, headings in order, and every table a list of whole rows on a phone."""
    expect(main(page).locator("h1").first).to_contain_text(heading)  # the page itself, not an error or a blank
    no_injection(page, allowed_hosts=evidence_hosts())
    overflow = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth")
    assert overflow <= 2, f"{path} is {overflow} px wider than a {width} px screen"
    for chart in main(page).get_by_test_id("stPlotlyChart").all()[:3]:
        box = chart.bounding_box()  # None for a chart in a tab that is not shown
        assert box is None or box["height"] >= 250
    assert_headings_in_order(page, f"{path} at {width} px")
    assert_charts_say_what_they_show(page, path.split("?")[0])
    assert_tables_fit(page, path.split("?")[0], width)
    for numbers in main(page).get_by_test_id("stExpander").filter(has_text="The numbers behind the chart").all():
        if numbers.is_visible():  # (one in a tab that is not shown cannot be opened)
            numbers.locator("summary").click()
            assert_tables_fit(page, path.split("?")[0], width)  # a table of figures: a list on a phone too


@pytest.mark.parametrize("width", [1400, 390])
def test_every_page_at_desktop_and_phone_width(browser: Browser, base_url: str, width: int, subtests: pytest.Subtests):
    """A reader's tour of every public page: the first by its address, then each through the menu, as a reader
    goes (a recommendation and a brief, which need an address of their own, by their address)."""
    page = new_page(browser, base_url, width=width)
    headings = dict(PUBLIC_PAGES)

    def check(path: str) -> None:
        assert_page_reads_well(page, path, headings[path], width)
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()).strip("-") or "overview"
        screenshot(page, f"{width}px-{name}"[:60])

    tour(page, headings, check, subtests)


@pytest.mark.parametrize("width", [1400, 390])
def test_headings_in_order_on_the_log_in_page(browser: Browser, base_url: str, width: int):
    """The work pages' headings are checked in test_khmer_work, on the loads that open each of them at both
    widths."""
    page = new_page(browser, base_url, width=width)
    goto(page, "/login")
    assert_headings_in_order(page, f"/login at {width} px")


_CUT_FIGURES_JS = """() => [...document.querySelectorAll('[data-testid=stMetric] .stMarkdownEllipsis')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


@pytest.mark.parametrize("lang", ["en", "km"])
def test_figures_are_whole_on_a_laptop_with_the_menu_open(browser: Browser, base_url: str, lang: str):
    """Five figures side by side in a 1,000 px window with the menu open (about 95 px each): no value or label is
    cut short with an ellipsis ("56 ..." for "56 of 84"); they wrap. Pages of figures: the Overview, Owners, a
    recommendation's (the figures read in Khmer too: the words are longer)."""
    page = new_page(browser, base_url, width=1000)
    for path in ("/", "/owners", f"/recommendation?id={HISTORY}"):
        goto(page, f"{path}{'&' if '?' in path else '?'}lang={lang}")
        expect(main(page).get_by_test_id("stMetric").first).to_be_visible()
        assert page.evaluate(_CUT_FIGURES_JS) == [], f"{path} at 1000 px ({lang})"


_FOCUS_JS = """() => {
    const a = document.activeElement;
    if (!a || a === document.body || a.closest('[data-testid=stDataFrame]')) return null;
    let ring = 0, colour = '';
    const boxes = [a.closest('label')];
    for (let e = a, i = 0; e && i < 8; e = e.parentElement, i++) boxes.push(e);
    for (const e of boxes.filter(Boolean)) {
        const s = getComputedStyle(e), r = e.getBoundingClientRect();
        const width = s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth);
        if (r.width > 4 && r.height > 4 && width > ring) { ring = width; colour = s.outlineColor; }
    }
    const kind = [a.tagName, a.getAttribute('type'), a.getAttribute('role')].filter(Boolean).join(':');
    return {kind, name: (a.getAttribute('aria-label') || a.innerText || '').trim().slice(0, 40), ring, colour};
}"""


def _contrast_on_white(colour: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", colour)[:3])
    lum = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (r, g, b)]
    return 1.05 / (0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] + 0.05)


FIELDS = {"INPUT:text", "INPUT:text:combobox", "INPUT:range", "INPUT:number", "INPUT:checkbox:switch", "BUTTON", "A"}


@pytest.mark.parametrize(
    ("path", "kinds"), [("/explore", FIELDS), ("/brief?theme=recruitment", {"SPAN:spinbutton", "BUTTON:button", "A"})]
)
def test_a_keyboard_user_sees_where_the_focus_is(page: Page, path: str, kinds: set[str]):
    """Tab through the page: every stop (link, button, field, select, slider, toggle, date) shows a ring of 2 px
    or more in a colour with 3:1 contrast on white."""
    goto(page, path)
    seen = set()
    for _ in range(45):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUS_JS)
        for _ in range(20):  # a control can move or grow as it takes the focus (the skip link slides in): 2 s
            if stop is None or stop["ring"] >= 2:
                break
            page.wait_for_timeout(100)
            stop = page.evaluate(_FOCUS_JS)
        if stop is None:
            continue
        seen.add(stop["kind"])
        assert stop["ring"] >= 2, f"{path}: no visible focus ring on {stop}"
        assert _contrast_on_white(stop["colour"]) >= 3, stop
    assert kinds <= seen, f"{path}: the walk did not reach {kinds - seen} (reached {seen})"
    screenshot(page, "focus-ring-" + path.strip("/").split("?")[0])
