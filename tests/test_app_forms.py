"""AppTest: every form, empty and with hostile input. Every problem of the whole form shows at once, beside its
field, in plain words (never pydantic's); Enter does not submit; forms clear after success; disabling asks first;
each role lands where its work is; the sidebar filters stay off the work pages."""

from __future__ import annotations

import csv
import io
import os
import re

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from models.tables import A, U
from recommendations.permissions import PERMISSIONS, Principal, Role
from recommendations.ui import nav
from recommendations.write import accounts
from tests.conftest import ROOT
from tests.helpers import session_for

pytestmark = pytest.mark.usefixtures("app_db")
PASSWORD = "correct horse battery staple"
REC = "mmn2016-04"  # addressed to RGC; not assessed in the dataset
EVIDENCE = "src2019-mrc-prey-veng"
HOSTILE = "<script>alert(1)</script> ![img](http://x) [link](javascript:alert(1)) # heading =cmd"
PYDANTIC = ("String should", "Input should", "validation error", "pydantic", "Value error", "match pattern")
PEOPLE = {
    "contrib@cwcc.example": ("contributor", "cwcc"),
    "review@cwcc.example": ("reviewer", "cwcc"),
    "admin@example.org": ("admin", None),
}


@pytest.fixture
def engine():
    """The app's database (``app_db``: loaded as the app's first start leaves it), with a contributor, a reviewer and
    an admin."""
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.begin() as conn:
        for email, (role, org) in PEOPLE.items():
            accounts.create_user(conn=conn, principal=Principal.command_line(), email=email, role=role,
                                 password=PASSWORD, organisation=org)  # fmt: skip
    yield engine
    engine.dispose()


def as_(engine, email: str, page: str, **params: str) -> AppTest:
    """``page`` opened by ``email``, with a session opened directly (logging in is tested on its own below)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    with engine.begin() as conn:
        at.session_state["_session_token"] = session_for(conn, email)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def form_children(at: AppTest, form_id: str) -> list:
    """The elements of one form, in the order the page draws them (columns flattened)."""
    found: list = []

    def walk(node: object, inside: bool) -> None:
        proto = getattr(node, "proto", None)
        here = inside or bool(
            type(node).__name__ == "Block" and proto is not None and proto.WhichOneof("type") == "form"
            and proto.form.form_id == form_id
        )  # fmt: skip
        if inside and type(node).__name__ not in ("Block", "Column"):
            found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child, here)

    walk(at.main, False)
    return found


def form_block(at: AppTest, form_id: str):
    def walk(node: object):
        proto = getattr(node, "proto", None)
        if type(node).__name__ == "Block" and proto is not None and proto.WhichOneof("type") == "form":
            if proto.form.form_id == form_id:
                return proto.form
        for child in getattr(node, "children", {}).values():
            if (got := walk(child)) is not None:
                return got
        return None

    return walk(at.main)


def beside(at: AppTest, form_id: str, key: str) -> list[str]:
    """The messages drawn right under the widget ``key`` of the form (read as text: the page escapes them)."""
    children = form_children(at, form_id)
    index = next(i for i, c in enumerate(children) if getattr(c, "key", None) == key)
    out = []
    for child in children[index + 1 :]:
        if type(child).__name__ != "Error":
            break
        out.append(unescaped(child.value))
    return out


def unescaped(text: str) -> str:
    """Text as the reader sees it: without the page's Markdown escapes (backslashes, and the word joiners that keep
    an address or an email from becoming a link)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def all_messages(at: AppTest) -> str:
    return " ".join(unescaped(e.value) for e in [*at.error, *at.warning, *at.markdown, *at.caption])


def assert_plain(at: AppTest) -> None:
    """No message in pydantic's words, and hostile text never reaches the page as Markdown."""
    words = all_messages(at)
    for pydantic_words in PYDANTIC:
        assert pydantic_words not in words, pydantic_words
    raw = " ".join(e.value for e in [*at.error, *at.markdown])
    assert "![img](http://x)" not in raw and "[link](javascript:" not in raw and "<script>" not in raw


def assessments(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(A)).scalar_one()


# --- the assessment form -------------------------------------------------------------------------------------


def test_the_assessment_form_starts_empty_and_names_every_problem_beside_its_field(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/update.py", id=REC)
    assert at.selectbox(key="u_status").value is None  # no status chosen for the person
    assert at.text_input(key="u_as_of").value == ""  # nor a date: it is the latest evidence's, not today's
    assert form_block(at, "assessment").enter_to_submit is False  # Enter in a field does not save
    before = assessments(engine)
    at = at.button(key="u_submit").click().run()
    assert beside(at, "assessment", "u_status") == ["Choose a status."]
    assert beside(at, "assessment", "u_as_of") == [
        "Fill in the As of date (the date of the latest evidence): it is empty."
    ]
    assert beside(at, "assessment", "u_rationale") == ["Fill in the rationale: it is empty."]
    assert at.error[0].value == "Nothing was saved: 3 problems to fix; each is shown beside its field."
    assert_plain(at)
    assert assessments(engine) == before


def test_hostile_input_gets_every_problem_at_once_and_the_form_empties_after_saving(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/update.py", id=REC)
    in_form = [getattr(c, "key", None) for c in form_children(at, "assessment")]
    assert "u_add_item" in in_form  # the count of new evidence items is set inside the form
    at = at.button(key="u_add_item").click().run()
    assert "u_new_0_title" in [getattr(c, "key", None) for c in form_children(at, "assessment")]
    at.selectbox(key="u_status").set_value("in_progress")
    at.text_input(key="u_as_of").input(HOSTILE)
    at.text_area(key="u_rationale").input(HOSTILE)
    at.text_input(key="u_new_0_title").input(HOSTILE)
    at.text_input(key="u_new_0_date").input(HOSTILE)
    at.text_input(key="u_new_0_url").input(HOSTILE)
    at = at.button(key="u_submit").click().run()
    assert beside(at, "assessment", "u_as_of") == [
        "Write the As of date (the date of the latest evidence) as YYYY-MM-DD (or YYYY-MM, or YYYY when only that "
        "is known)."
    ]
    assert beside(at, "assessment", "u_new_0_date")[0].startswith("Write the date as YYYY-MM-DD")
    assert beside(at, "assessment", "u_new_0_url") == ["Start the web address with http:// or https://."]
    assert beside(at, "assessment", "u_new_0_summary") == ["Fill in the summary: it is empty."]
    assert beside(at, "assessment", "u_rationale") == []  # hostile text is text: kept as written
    assert_plain(at)
    assert at.text_area(key="u_rationale").value == HOSTILE  # what was typed stays

    at.text_input(key="u_as_of").input("2023-03-01")
    at.text_input(key="u_new_0_date").input("2023-02-10")
    at.text_input(key="u_new_0_url").input("https://example.org/circular")
    at.text_area(key="u_new_0_summary").input("A circular, in our own words.")
    at = at.button(key="u_submit").click().run()
    assert any("as a draft" in s.value for s in at.success), [e.value for e in at.error]
    assert at.selectbox(key="u_status").value is None and at.text_input(key="u_as_of").value == ""
    assert "u_new_0_title" not in [getattr(c, "key", None) for c in form_children(at, "assessment")]


# --- the upload ----------------------------------------------------------------------------------------------


def upload(at: AppTest, rows: list[dict[str, str]]) -> AppTest:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=sorted({k for row in rows for k in row}))
    writer.writeheader()
    writer.writerows(rows)
    at.file_uploader(key="upload_file").set_value(("updates.csv", out.getvalue().encode(), "text/csv"))
    return at.run()


def test_an_upload_lists_every_problem_of_each_row_below_the_table(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/upload.py")
    base = {"recommendation_id": REC, "status": "", "as_of": "", "rationale": "", "evidence": "", "addressee_id": ""}
    at = upload(at, [
        {**base, "addressee_id": "RGC"},  # every required cell empty
        {**base, "status": HOSTILE[:40], "as_of": HOSTILE[:60], "rationale": HOSTILE[:60], "addressee_id": "MoLVT",
         "evidence": "<script>"},
        {**base, "status": "In progress", "as_of": "2023-03-01", "rationale": "Piloted.", "evidence": EVIDENCE,
         "addressee_id": "rgc"},
    ])  # fmt: skip
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "0", "2"]
    assert at.dataframe[0].value["problems"].tolist() == [3, 4, 0]  # a count in the table: the words below it
    assert [h.value for h in at.header] == ["Problems, row by row"]
    rows = {m.value.split("**")[1]: unescaped(m.value) for m in at.markdown if m.value.startswith("**Row")}
    assert set(rows) == {"Row 2", "Row 3"}
    for column in ("status", "as_of", "rationale"):
        assert f"column {column}: " in rows["Row 2"]
    for column in ("status", "as_of", "addressee_id", "evidence"):  # the hostile rationale is text, kept as written
        assert f"column {column}: " in rows["Row 3"]
    assert "column addressee_id: This recommendation (mmn2016-04) asks nothing of molvt" in rows["Row 3"]
    assert "column evidence: No evidence item you may cite has the id '<script>'" in rows["Row 3"]
    assert_plain(at)


def test_a_file_with_formulas_is_refused_in_words(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/upload.py")
    at = upload(at, [{"recommendation_id": REC, "status": "in_progress", "as_of": "2023-03-01", "rationale": "=cmd"}])
    assert "would run as formulas (row 2, column rationale)" in unescaped(at.error[0].value)
    assert_plain(at)


# --- the admin forms -----------------------------------------------------------------------------------------


def test_the_add_account_form_names_every_problem_and_clears_after_success(engine):
    at = as_(engine, "admin@example.org", "pages/admin.py")
    assert form_block(at, "add_user").enter_to_submit is False
    at = at.button(key="FormSubmitter:add_user-Add account").click().run()
    assert beside(at, "add_user", "admin_email")[0].startswith("The email")
    assert beside(at, "add_user", "admin_org") == ["A contributor needs an organisation."]
    assert beside(at, "add_user", "admin_password") == ["The password must be at least 12 characters long."]
    assert_plain(at)

    for key in ("admin_email", "admin_name", "admin_password"):
        at.text_input(key=key).input(HOSTILE)
    at = at.button(key="FormSubmitter:add_user-Add account").click().run()
    assert beside(at, "add_user", "admin_email") and beside(at, "add_user", "admin_org")
    assert_plain(at)

    at.text_input(key="admin_email").input("new@cwcc.example")
    at.text_input(key="admin_name").input("Sok Dara")
    at.selectbox(key="admin_org").set_value("cwcc")
    at.text_input(key="admin_password").input(PASSWORD)
    at = at.button(key="FormSubmitter:add_user-Add account").click().run()
    assert [unescaped(s.value) for s in at.success] == ["Added new@cwcc.example."]
    assert [at.text_input(key=k).value for k in ("admin_email", "admin_name", "admin_password")] == ["", "", ""]
    assert at.selectbox(key="admin_org").value == ""


def active(engine, email: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(U.c.active).where(U.c.email == email)).scalar_one())


def test_disabling_asks_first_and_a_disabled_account_can_be_enabled_again(engine):
    at = as_(engine, "admin@example.org", "pages/admin.py")
    at.selectbox(key="admin_target").set_value("contrib@cwcc.example")
    at = at.run()
    at = at.button(key="admin_disable").click().run()
    assert active(engine, "contrib@cwcc.example")  # nothing happens before the confirmation
    assert "Disable contrib@cwcc.example?" in unescaped(at.warning[0].value)
    at = at.button(key="admin_disable_no").click().run()
    assert active(engine, "contrib@cwcc.example") and not at.warning
    at = at.button(key="admin_disable").click().run()
    at = at.button(key="admin_disable_yes").click().run()
    assert not active(engine, "contrib@cwcc.example")
    assert "Disabled contrib@cwcc.example" in unescaped(at.success[0].value)
    at = at.button(key="admin_enable").click().run()
    assert active(engine, "contrib@cwcc.example")
    assert unescaped(at.success[0].value) == "contrib@cwcc.example can log in again."


# --- correcting an evidence item -----------------------------------------------------------------------------


def test_the_evidence_form_names_every_problem_at_once(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/evidence_edit.py", id=EVIDENCE)
    prefix = f"ev_{EVIDENCE}_"
    at.text_input(key=prefix + "title").input("")
    at.text_area(key=prefix + "summary").input("")
    at = at.button(key="FormSubmitter:evidence_edit-Propose the correction").click().run()
    assert beside(at, "evidence_edit", prefix + "title") == ["Fill in the title: it is empty."]
    assert beside(at, "evidence_edit", prefix + "summary") == ["Fill in the summary: it is empty."]
    assert beside(at, "evidence_edit", prefix + "reason")[0].startswith("Say why the item is corrected")
    assert_plain(at)

    at.text_input(key=prefix + "title").input(HOSTILE)
    at.text_input(key=prefix + "url").input(HOSTILE)
    at.text_area(key=prefix + "summary").input(HOSTILE)
    at.text_area(key=prefix + "reason").input(HOSTILE)
    at = at.button(key="FormSubmitter:evidence_edit-Propose the correction").click().run()
    assert beside(at, "evidence_edit", prefix + "url") == ["Start the web address with http:// or https://."]
    assert beside(at, "evidence_edit", prefix + "title") == []
    assert_plain(at)


# --- logging in, and where each role lands -------------------------------------------------------------------


def log_in(at: AppTest, email: str, password: str) -> AppTest:
    at.switch_page("pages/login.py").run()
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    return at.button(key="FormSubmitter:login-Log in").click().run()


def test_the_log_in_form_empty_and_hostile(engine):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at = log_in(at, "", "")
    assert [e.value for e in at.error] == ["Fill in your email and your password."]
    at = log_in(at, HOSTILE, HOSTILE)
    assert [e.value for e in at.error] == ["Wrong email or password."]
    assert_plain(at)


@pytest.mark.parametrize(
    ("email", "title"),
    [("contrib@cwcc.example", "My organisation: CWCC"), ("review@cwcc.example", "Review queue"),
     ("admin@example.org", "Users and organisations")],
)  # fmt: skip
def test_each_role_lands_where_its_work_is(engine, email, title):
    at = log_in(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60), email, PASSWORD)
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    assert not at.warning  # never "This page is for contributors and reviewers"


def test_each_role_lands_on_a_page_it_may_use():
    assert set(nav.HOME) == set(PERMISSIONS)  # one table, every role
    for role in Role:
        who = Principal(user_id=1, email="x@y.org", name="x", role=role, organisation_id="cwcc")
        page = nav.home(who)
        assert page.path == nav.HOME[role] and page.open_to(who)
        assert nav.home(who, "pages/audit.py").path == ("pages/audit.py" if role == Role.ADMIN else nav.HOME[role])
    assert nav.home(None).default


def test_the_shared_filters_are_drawn_on_reading_pages_only():
    work = {p.path for p in nav.PAGES if p.action is not None}
    assert {p.path for p in nav.PAGES if not p.shows_filters} == work
    assert not nav.LOGIN.shows_filters
    assert nav.BY_PATH["pages/explore.py"].shows_filters and nav.BY_PATH["pages/recommendation.py"].shows_filters


def test_an_admin_sent_to_log_in_from_my_organisation_lands_on_the_admin_page(engine):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/my_organisation.py").run()
    assert any("Log in to use this page" in w.value for w in at.warning)
    at = log_in(at, "admin@example.org", PASSWORD)
    assert [t.value for t in at.title] == ["Users and organisations"]
    assert not at.warning


# --- the work pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "email", "params"),
    [("pages/update.py", "contrib@cwcc.example", {"id": REC}), ("pages/upload.py", "contrib@cwcc.example", {}),
     ("pages/my_organisation.py", "contrib@cwcc.example", {}), ("pages/review.py", "review@cwcc.example", {}),
     ("pages/admin.py", "admin@example.org", {}), ("pages/audit.py", "admin@example.org", {})],
)  # fmt: skip
def test_the_sidebar_filters_stay_off_the_work_pages(engine, page, email, params):
    at = as_(engine, email, page, **params)
    assert not at.sidebar.multiselect and not at.sidebar.slider
    at = as_(engine, email, "pages/explore.py")  # the control: a reading page draws them
    assert "Theme" in [m.label for m in at.sidebar.multiselect]


def test_filters_set_before_a_work_page_are_there_when_the_reader_returns(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/explore.py", theme="recruitment")
    assert next(m for m in at.sidebar.multiselect if m.label == "Theme").value == ["recruitment"]
    at.switch_page("pages/update.py").run()
    at.query_params.clear()  # the menu drops the address bar's filters
    at.switch_page("pages/explore.py").run()
    assert next(m for m in at.sidebar.multiselect if m.label == "Theme").value == ["recruitment"]


def test_my_organisation_suggests_what_to_assess_when_nothing_is_stale(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/my_organisation.py")
    assert "Nothing is stale." in [m.value for m in at.markdown]
    assert "What to assess next" in [s.value for s in at.header]
    assert "Open asks your organisation has not assessed; the latest meetings first." in [c.value for c in at.caption]
    assert len(at.dataframe[-1].value) == 25  # CWCC has assessed nothing, and is asked nothing: every open ask


def test_the_detail_page_shows_each_evidence_items_id_to_copy(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/recommendation.py", id="mmn2016-01")
    ids = [c.value for c in at.code]
    assert "src2011-subdecree-190" in ids


def test_the_audit_log_names_accounts_by_email_and_reads_the_changes(engine):
    at = as_(engine, "admin@example.org", "pages/audit.py")
    shown = at.dataframe[0].value
    added = shown[shown["action"] == "add user"]
    assert set(added["record_id"]) == set(PEOPLE)  # emails, not account numbers
    change = added[added["record_id"] == "contrib@cwcc.example"]["changes"].iloc[0]
    assert "role: contributor" in change and "{" not in change
