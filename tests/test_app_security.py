"""AppTest: what each page shows to the public, to another organisation and to the organisation itself, with
markers in every draft, returned draft, reviewer's comment and proposed correction (the visibility rule on the
pages; the exports, the brief and the command line are in tests/test_security.py)."""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from recommendations.permissions import Principal
from recommendations.write import accounts, corrections, updates
from recommendations.write.updates import AssessmentForm
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_db")
PASSWORD = "correct horse battery staple"
REC = "mmn2016-04"
MARK = "ZQXMARK"
#: Every page, and the address it is opened at.
PAGES = {
    "pages/overview.py": {},
    "pages/owners.py": {"actor": "rgc"},
    "pages/themes.py": {},
    "pages/explore.py": {},
    "pages/recommendation.py": {"id": REC},
    "pages/brief.py": {"theme": "recruitment"},
    "pages/sources.py": {},
    "pages/data.py": {},
    "pages/login.py": {},
    "pages/update.py": {"id": REC},
    "pages/upload.py": {},
    "pages/review.py": {},
    "pages/my_organisation.py": {},
    "pages/add_document.py": {},
    "pages/evidence_edit.py": {"id": "src2019-mrc-prey-veng"},
    "pages/admin.py": {},
    "pages/audit.py": {},
}


def page_text(at: AppTest) -> str:
    """Everything a page sent to the browser (every element's message, tables included)."""
    out: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


@pytest.fixture
def marked() -> None:
    """The app's database (``app_db``: loaded as the app's first start leaves it), with CWCC's drafts, comments and a
    proposal carrying MARK."""
    engine = make_engine(os.environ["DATABASE_URL"])
    cli = Principal.command_line()
    people = {}
    with engine.begin() as conn:
        for email, role, org in [
            ("contrib@cwcc.example", "contributor", "cwcc"),
            ("review@cwcc.example", "reviewer", "cwcc"),
            ("review@lscw.example", "reviewer", "lscw"),
            ("admin@example.org", "admin", None),
        ]:
            accounts.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
    from recommendations.write import auth

    for key, email in (("contrib_a", "contrib@cwcc.example"), ("review_a", "review@cwcc.example")):
        with engine.begin() as conn:
            people[key] = auth.principal_for(conn, auth.login(conn, email, PASSWORD, client=key))

    def form(**changes) -> AssessmentForm:
        values = {"recommendation": REC, "status": "in_progress", "as_of": "2023-03-01",
                  "rationale": "Rationale.", "evidence": ["src2019-mrc-prey-veng"]}  # fmt: skip
        return AssessmentForm(**{**values, **changes})

    new = {"title": f"{MARK} draft-only evidence", "date": "2023-02-01", "kind": "news",
           "url": f"https://example.org/{MARK}", "summary": f"{MARK} summary"}  # fmt: skip
    with engine.begin() as conn:
        updates.record_assessment(conn=conn, principal=people["contrib_a"],
                                  form=form(rationale=f"{MARK} draft", evidence=[], new_evidence=[new]))  # fmt: skip
        returned = updates.record_assessment(conn=conn, principal=people["contrib_a"],
                                             form=form(as_of="2023-04-01", rationale=f"{MARK} returned"))  # fmt: skip
        updates.review(conn=conn, principal=people["review_a"], assessment_id=returned, decision="returned",
                       comment=f"{MARK} comment")  # fmt: skip
        corrections.correct_evidence(
            conn=conn, principal=people["contrib_a"], evidence_id="src2019-mrc-prey-veng", seen_version=1,
            changes={"title": f"{MARK} proposal"}, reason=f"{MARK} why",
        )  # fmt: skip
    engine.dispose()


def visit(email: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if email:
        at.switch_page("pages/login.py").run()
        at.text_input(key="login_email").input(email)
        at.text_input(key="login_password").input(PASSWORD)
        at = at.button(key="FormSubmitter:login-Log in").click().run()
    return at


def shown(at: AppTest, page: str) -> str:
    at.switch_page(page)
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in PAGES[page].items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, (page, at.exception)
    return page_text(at)


@pytest.mark.parametrize("who", [None, "review@lscw.example"])
def test_no_page_shows_a_draft_to_the_public_or_to_another_organisation(marked, who):
    at = visit(who)
    for page in PAGES:
        assert MARK not in shown(at, page), f"{page} shows a draft to {who or 'the public'}"


def test_the_organisation_itself_sees_its_drafts_and_comments(marked):
    """The control: the markers are on the organisation's own pages, so the test above can fail."""
    at = visit("contrib@cwcc.example")
    mine = shown(at, "pages/my_organisation.py")
    assert f"{MARK} draft" in mine and f"{MARK} comment" in mine
    at = visit("review@cwcc.example")
    assert f"{MARK} comment" not in shown(at, "pages/review.py")  # returned: no longer in the queue
    at = visit("admin@example.org")  # a correction of the curated dataset's evidence waits for an admin
    assert f"{MARK} proposal" in shown(at, "pages/admin.py")


def test_no_page_script_relies_on_magic_which_is_off():
    """Magic would show a bare expression with st.write, as Markdown: it is off (.streamlit/config.toml), and no
    page or entry script holds an expression statement but a call or a docstring, which it would have shown."""
    import ast

    from streamlit import config

    assert config.get_option("runner.magicEnabled") is False
    scripts = [ROOT / "app.py", ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
    bare = []
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            # (a bare ``yield`` hands control back, in app.py's lifespan: nothing magic would have shown)
            if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Call | ast.Await | ast.Yield):
                is_text = isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                if not is_text:  # strings here are docstrings (module and function), which magic left out too
                    bare.append(f"{script.name}:{node.lineno}")
    assert len(scripts) > 10 and bare == []
