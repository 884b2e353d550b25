"""Two app servers (`streamlit run` on two ports) on one real PostgreSQL server, in the browser.

Each shows the other's published writes; writers on both for a bounded time lose and double nothing;
a form sent after logging out writes nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from models import Assessment, AuditEntry
from models.db import make_engine
from tests.e2e.conftest import build_database, goto, new_context, screenshot, serve, wait_for_run
from tests.e2e.test_roles import choose, log_in, main, new_page, pick_evidence, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
A = Assessment.__table__
AUDIT = AuditEntry.__table__
WRITE_ROUNDS = 3


@pytest.fixture(scope="module")
def pg_url(pg_server) -> Iterator[str]:
    import psycopg

    name = f"e2e_{uuid.uuid4().hex[:8]}"
    admin = pg_server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = build_database(f"{pg_server}/{name}")
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def servers(pg_url, tmp_path_factory) -> Iterator[tuple[str, str]]:
    with (
        serve(tmp_path_factory.mktemp("server-a"), pg_url) as a,
        serve(tmp_path_factory.mktemp("server-b"), pg_url) as b,
    ):
        yield a, b


def publish(page: Page, rec: str, rationale: str, status: str = "In progress") -> None:
    goto(page, f"/update?id={rec}")
    choose(page, "Status", status)
    main(page).get_by_label(re.compile("^As of")).fill("2023-03-01")
    main(page).get_by_label(re.compile("^Rationale")).fill(rationale)
    main(page).get_by_label("Find other evidence to cite").fill("prakas")  # so that every recommendation has some
    main(page).get_by_label("Find other evidence to cite").press("Enter")
    wait_for_run(page)
    pick_evidence(page, "Cambodian prakas")
    main(page).get_by_text("Publish now (as a reviewer)").click()
    main(page).get_by_role("button", name="Save", exact=True).click()
    wait_for_run(page)


def shown_status(page: Page, rec: str) -> str:
    goto(page, f"/recommendation?id={rec}")
    return main(page).get_by_test_id("stMetric").filter(has_text="Current status").inner_text()


def test_each_server_shows_the_others_published_writes(browser: Browser, servers):
    a, b = servers
    public_a, public_b = new_page(browser, a), new_page(browser, b)
    assert "Not assessed" in shown_status(public_b, "mmn2016-04")  # B has this page cached now
    assert "Not assessed" in shown_status(public_a, "mmn2016-09")
    reviewer_a, reviewer_b = new_page(browser, a), new_page(browser, b)
    sign_in(reviewer_a, "review@cwcc.example")  # through each server's form, the first time on it
    sign_in(reviewer_b, "review@lscw.example")
    publish(reviewer_a, "mmn2016-04", "Published through server A.")
    expect(main(reviewer_a)).to_contain_text("and published it")
    publish(reviewer_b, "mmn2016-09", "Published through server B.", status="No progress")
    expect(main(reviewer_b)).to_contain_text("and published it")
    assert "In progress" in shown_status(public_b, "mmn2016-04")  # A's write, seen on B
    assert "No progress" in shown_status(public_a, "mmn2016-09")  # B's write, seen on A
    screenshot(public_b, "servers-b-shows-a-write")


def test_writers_on_both_servers_lose_and_double_nothing(browser: Browser, servers, pg_url):
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(A).where(A.c.origin == "app")).scalar_one()
    pages = [new_page(browser, url) for url in servers]
    sign_in(pages[0], "review@cwcc.example")
    sign_in(pages[1], "review@lscw.example")
    saved = [0, 0]
    for _ in range(WRITE_ROUNDS):  # rounds, not seconds: a busy machine must not make the test fail
        for n, page in enumerate(pages):
            publish(page, "tfamw2011-poa-4", f"writer {n}, write {saved[n] + 1}")
            expect(main(page).get_by_text("and published it")).to_be_visible()  # the confirmation can lag the run
            saved[n] += 1
    with engine.connect() as conn:
        rows = conn.execute(
            select(A.c.id, A.c.rationale).where(A.c.origin == "app", A.c.recommendation_id == "tfamw2011-poa-4")
        ).all()
        audited = conn.execute(
            select(AUDIT.c.record_id).where(
                AUDIT.c.action == "record assessment", AUDIT.c.record_id.in_([r.id for r in rows])
            )
        ).all()
        after = conn.execute(select(func.count()).select_from(A).where(A.c.origin == "app")).scalar_one()
    rationales = sorted(r.rationale for r in rows)
    expected = sorted(f"writer {n}, write {i}" for n in (0, 1) for i in range(1, saved[n] + 1))
    assert rationales == expected  # each saved form once, none lost
    assert after - before == sum(saved)
    assert len(audited) == len(rows)
    engine.dispose()


def test_a_form_sent_after_logging_out_writes_nothing(browser: Browser, servers, pg_url):
    a, _ = servers
    context = new_context(browser, a)
    page, other_tab = context.new_page(), context.new_page()
    # Each tab is brought to the front before it is used, as a person would: Chromium gives a tab behind another
    # an animation frame about once a second, and Playwright waits for two before each click (1.5-2 s a click).
    page.bring_to_front()
    log_in(page, "contrib@cwcc.example")
    goto(page, "/update?id=mmn2016-08")
    choose(page, "Status", "In progress")
    main(page).get_by_label(re.compile("^As of")).fill("2023-03-01")
    main(page).get_by_label(re.compile("^Rationale")).fill("Sent after logging out.")
    other_tab.bring_to_front()
    goto(other_tab, "/my_organisation")  # the same browser: the session cookie logs this tab in too
    expect(other_tab.get_by_test_id("stSidebar")).to_contain_text("Logged in as")
    other_tab.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    wait_for_run(other_tab)
    page.bring_to_front()
    main(page).get_by_role("button", name="Save", exact=True).click()
    wait_for_run(page)
    expect(main(page)).to_contain_text("Log in to use this page")
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert not conn.execute(select(A.c.id).where(A.c.rationale == "Sent after logging out.")).first()
    engine.dispose()
    context.close()
