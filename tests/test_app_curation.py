"""AppTest: adding a missing document on *Add a document* (issue 21), each path once, end to end: the text of a
known gap (English) from a sheet with a non-verbatim row, fixed, suggested links confirmed and dismissed,
submitted by a contributor and published by a reviewer, the gap shrinking on the Overview and Sources; a new
Khmer document entered by hand, a text that occurs twice, returned with a comment and corrected as a new version;
a reviewer publishing at once. Hostile text in every free-text field is shown inert."""

from __future__ import annotations

import csv
import io
import os

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from models.db import make_engine
from models.tables import ACT, AD, DRAFTS, R, S
from recommendations.permissions import Principal
from recommendations.read import headlines
from recommendations.write import accounts, extract
from tests.conftest import ROOT, _pg_database
from tests.helpers import session_for

pytestmark = pytest.mark.usefixtures("app_db")
PASSWORD = "correct horse battery staple"
HOSTILE = "<script>alert(1)</script> ![img](http://x) [l](javascript:alert(1)) # h =cmd"
RAW = ("<script>", "![img](http://x)", "[l](javascript:", "\n# h")
GAP = "2017-afml10"  # 19 recommendations known, none held
ENGLISH = f"""10th ASEAN Forum on Migrant Labour: conclusions and recommendations

1. ASEAN Member States should ratify ILO Convention No. 189 on domestic workers and
align their national laws with it.
2. Employers of domestic workers should give them a weekly day of rest and pay their wages into their own accounts.

Note of the rapporteur: {HOSTILE}
"""
FIRST = (
    "ASEAN Member States should ratify ILO Convention No. 189 on domestic workers and align their national laws "
    "with it."
)
SECOND = (
    "Employers of domestic workers should give them a weekly day of rest and pay their wages into their own accounts."
)
KHMER = (
    "សេចក្តីថ្លែងការណ៍\n\n"
    "១. រាជរដ្ឋាភិបាល\u200bគួរ\u200bផ្តល់\u200bព័ត៌មាន\u200bដល់\u200bពលករ។\n"
    "២. ភ្នាក់ងារ\u200bជ្រើសរើស\u200bគួរ\u200bបង្ហាញ\u200bថ្លៃ។\n"
    "៣. រាជរដ្ឋាភិបាល\u200bគួរ\u200bផ្តល់\u200bព័ត៌មាន\u200bដល់\u200bពលករ។\n"
)
KHMER_ASK = "រាជរដ្ឋាភិបាលគួរផ្តល់ព័ត៌មានដល់ពលករ។"  # typed without the zero-width spaces; it occurs twice


@pytest.fixture
def engine(request, monkeypatch):
    """The app's database with three accounts: SQLite, or (``postgres``, parametrized indirectly) a copy of the
    loaded PostgreSQL template that the app is pointed at."""
    if getattr(request, "param", "sqlite") == "postgres":
        pg = _pg_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_loaded_template"))
        monkeypatch.setenv("DATABASE_URL", next(pg).url.render_as_string(hide_password=False))
        request.addfinalizer(lambda: next(pg, None))
    engine = make_engine(os.environ["DATABASE_URL"])
    assert engine.dialect.name == {"sqlite": "sqlite", "postgres": "postgresql"}[getattr(request, "param", "sqlite")]
    with engine.begin() as conn:
        for email, role, org in [
            ("contrib@cwcc.example", "contributor", "cwcc"),
            ("review@cwcc.example", "reviewer", "cwcc"),
            ("admin@example.org", "admin", None),
        ]:
            accounts.create_user(conn=conn, principal=Principal.command_line(), email=email, role=role,
                                 password=PASSWORD, organisation=org)  # fmt: skip
    yield engine
    engine.dispose()


def as_(engine, email: str, page: str = "pages/add_document.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    with engine.begin() as conn:
        at.session_state["_session_token"] = session_for(conn, email)
    at.switch_page(page).run()
    assert not at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def keep_text(at: AppTest, text: str) -> AppTest:
    at.text_area(key="cd_text_area").input(text)
    return click(at, "cd_keep_text")


def new_document(at: AppTest, source_id: str) -> None:
    """Step 1 for a new CSO statement of November 2023 titled "Notes"."""
    for key, value in [("cd_src_id", source_id), ("cd_src_date", "2023-11-02"), ("cd_src_title", "Notes")]:
        at.text_input(key=key).input(value)
    at.selectbox(key="cd_src_kind").set_value("cso_statement")


def add_one(at: AppTest, number: str, title: str, text: str, theme: str, addressee: str) -> AppTest:
    """Step 3, one by one: a recommendation with one theme and one addressee."""
    at.text_input(key="cd_one_number").input(number)
    at.text_input(key="cd_one_title").input(title)
    at.text_area(key="cd_one_text").input(text)
    at.multiselect(key="cd_one_themes").set_value([theme])
    at.multiselect(key="cd_one_addressees").set_value([addressee])
    return click(at, "FormSubmitter:cd_one-Add this recommendation")


def sheet(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["number", "text", "title", "themes", "addressees"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def errors_of(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def assert_inert(at: AppTest) -> None:
    """Hostile text reaches the page only escaped (as text), never as Markdown or HTML."""
    raw = " ".join(e.value for e in [*at.markdown, *at.error, *at.caption, *at.success, *at.info, *at.warning])
    for bad in RAW:
        assert bad not in raw, bad


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_gaps_text_from_a_sheet_with_a_wrong_row_fixed_links_decided_submitted_and_published(engine):
    at = as_(engine, "contrib@cwcc.example")
    at.radio(key="cd_mode").set_value("gap").run()
    at.selectbox(key="cd_fills").set_value(GAP).run()
    at = keep_text(at, ENGLISH)
    at.radio(key="cd_rows_how").set_value("sheet").run()
    wrong = SECOND.replace("weekly day of rest", "day of rest each week")
    at.file_uploader(key="cd_sheet").set_value(
        (
            "recs.csv",
            sheet(
                [
                    {
                        "number": "1",
                        "text": FIRST,
                        "title": f"Ratify C189 {HOSTILE}",
                        "themes": "domestic-workers; ratification",
                        "addressees": "AMS",
                    },
                    {
                        "number": "2",
                        "text": wrong,
                        "title": "A day of rest",
                        "themes": "domestic-workers",
                        "addressees": "AMS",
                    },
                ]
            ),
            "text/csv",
        )
    ).run()
    assert not at.exception
    # the wrong row is refused under its row, with its column and the closest passage of the text
    problems = errors_of(at)
    assert [p for p in problems if "verbatim" in p] == [
        "column text: Not found verbatim in the document; the closest passage is: 2. " + SECOND
    ]
    assert any(m.value.startswith("**Row 3**") for m in at.markdown)
    assert at.button(key="cd_submit").disabled
    at.text_area(key="cd_fix_3").input(SECOND)
    at = click(at, "cd_fixed_3")
    assert not [p for p in errors_of(at) if "verbatim" in p]
    # suggestions: confirm one as a follow-up (a hostile note), dismiss another
    links = [s for s in at.selectbox if s.key and s.key.startswith(f"cd_link_{GAP}-1_")]
    assert 1 <= len(links) <= 5
    assert any("score" in c.value and "shared words" in c.value for c in at.caption)
    confirmed, dismissed = (s.key.removeprefix(f"cd_link_{GAP}-1_") for s in links[:2])
    at.selectbox(key=links[0].key).set_value("follows_up")
    at.text_input(key=f"cd_note_{GAP}-1_{confirmed}").input(HOSTILE)
    at.selectbox(key=links[1].key).set_value("dismiss").run()
    assert_inert(at)
    at = click(at, "cd_submit")
    assert any(f"Submitted cd-{GAP}-1" in s.value for s in at.success), errors_of(at)
    with engine.connect() as conn:
        draft = conn.execute(select(DRAFTS).where(DRAFTS.c.id == f"cd-{GAP}-1")).one()
    assert [(x["target"], x["kind"], x["note"]) for x in draft.links] == [(confirmed, "follows_up", HOSTILE)]
    assert [x["target"] for x in draft.dismissed] == [dismissed]
    assert draft.fills_gap and draft.recommendations[1]["text"] == SECOND
    assert headlines.gaps(engine).set_index("id").loc[GAP, "missing"] == 19  # a draft is not public

    at = as_(engine, "review@cwcc.example")
    assert_inert(at)
    at = click(at, f"cdr_publish_cd-{GAP}-1")
    assert any(f"Published cd-{GAP}-1" in s.value for s in at.success), errors_of(at)
    assert headlines.gaps(engine).set_index("id").loc[GAP, "missing"] == 17
    at.switch_page("pages/sources.py").run()
    assert any("2 recommendations of 19 mentioned: 17 texts missing" in c.value for c in at.caption)
    at.toggle(key=f"text_{GAP}").set_value(True).run()
    assert any("2 of 2 recommendations located" in c.value for c in at.caption)
    assert_inert(at)


def test_a_new_khmer_document_by_hand_returned_with_a_comment_and_corrected_as_a_new_version(engine):
    at = as_(engine, "contrib@cwcc.example")
    for key, value in [("cd_src_id", "2023-cwcc-km-statement"), ("cd_src_date", "2023-05-02"),
                       ("cd_src_title", HOSTILE), ("cd_src_place", HOSTILE), ("cd_src_citation", HOSTILE),
                       ("cd_src_language", "km")]:  # fmt: skip
        at.text_input(key=key).input(value)
    at.selectbox(key="cd_src_kind").set_value("cso_statement")
    at.multiselect(key="cd_src_organisers").set_value(["cwcc"])
    at = keep_text(at, KHMER)
    for key, value in [("cd_one_number", "1"), ("cd_one_title", HOSTILE)]:
        at.text_input(key=key).input(value)
    at.text_area(key="cd_one_text").input(KHMER_ASK)
    at.multiselect(key="cd_one_themes").set_value(["information"])
    at.multiselect(key="cd_one_addressees").set_value(["rgc"])
    at = click(at, "FormSubmitter:cd_one-Add this recommendation")
    # the text stands twice in the document: which one is meant is asked, with the passage around each
    assert any("Occurs 2 times in the document: choose which" in e for e in errors_of(at)), errors_of(at)
    places = at.radio(key="cd_occ_1")
    assert len(places.options) == 2 and "៣." in places.options[1]
    places.set_value(1).run()
    assert not errors_of(at), errors_of(at)
    assert_inert(at)
    assert "cd_publish" not in [c.key for c in at.checkbox]  # a contributor cannot publish
    at = click(at, "cd_submit")
    assert any("Submitted cd-2023-cwcc-km-statement-1" in s.value for s in at.success), errors_of(at)

    at = as_(engine, "review@cwcc.example")
    at.text_area(key="cdr_comment_cd-2023-cwcc-km-statement-1").input(HOSTILE)
    at = click(at, "cdr_return_cd-2023-cwcc-km-statement-1")
    assert any("Returned" in s.value for s in at.success)

    at = as_(engine, "contrib@cwcc.example")
    assert [t.value for t in at.text if HOSTILE in t.value] == [f"Comment from review (CWCC): {HOSTILE}"]
    at = click(at, "cdr_correct_cd-2023-cwcc-km-statement-1")
    assert at.text_input(key="cd_src_id").value == "2023-cwcc-km-statement"
    assert at.radio(key="cd_occ_1").value == 1  # the occurrence chosen before is kept
    at.text_input(key="cd_src_title").input("CWCC statement of May 2023")
    at = click(at, "cd_submit")
    assert any("Submitted cd-2023-cwcc-km-statement-2" in s.value for s in at.success), errors_of(at)

    at = as_(engine, "review@cwcc.example")
    at = click(at, "cdr_publish_cd-2023-cwcc-km-statement-2")
    with engine.connect() as conn:
        rec = conn.execute(select(R).where(R.c.source_id == "2023-cwcc-km-statement")).one()
        source = conn.execute(select(S.c.title, S.c.language).where(S.c.id == "2023-cwcc-km-statement")).one()
        supersedes = conn.execute(select(DRAFTS.c.supersedes_id).where(DRAFTS.c.version == 2)).scalar_one()
    assert KHMER[rec.text_start - 3 : rec.text_end].startswith("៣. រាជរដ្ឋាភិបាល")  # the second occurrence
    assert tuple(source) == ("CWCC statement of May 2023", "km") and supersedes == "cd-2023-cwcc-km-statement-1"
    at.switch_page("pages/sources.py").run()
    assert_inert(at)


def test_a_reviewer_reads_a_text_file_is_refused_one_too_big_by_its_size_and_publishes_at_once(engine, monkeypatch):
    at = as_(engine, "review@cwcc.example")
    with monkeypatch.context() as patch:  # a file over the limit is refused by its size, never read
        patch.setattr(extract, "MAX_BYTES", 1000)
        patch.setattr(extract, "read_document", lambda *a: pytest.fail("a file over the limit was read"))
        at.file_uploader(key="cd_file").set_value(("big.txt", b"x" * 1001, "text/plain")).run()
    assert any("The file is 1 KB; documents are limited to" in e for e in errors_of(at)), errors_of(at)
    at.file_uploader(key="cd_file").set_value(("statement.txt", ENGLISH.encode("utf-8-sig"), "text/plain")).run()
    assert at.text_area(key="cd_text_area").value.strip() == ENGLISH.strip()  # shown for correction, not yet kept
    new_document(at, "2023-cwcc-afml-notes")
    at = click(at, "cd_keep_text")
    at = add_one(at, "1", "Ratify C189", FIRST, "ratification", "asean-member-states")
    at.checkbox(key="cd_publish").check()
    at = click(at, "cd_submit")
    assert any("Published cd-2023-cwcc-afml-notes-1" in s.value for s in at.success), errors_of(at)
    with engine.connect() as conn:
        assert conn.execute(select(S.c.origin, S.c.text_path).where(S.c.id == "2023-cwcc-afml-notes")).one() == (
            "app", "texts/2023-cwcc-afml-notes.txt")  # fmt: skip
    assert at.text_area(key="cd_text_area").value == ""  # the form is empty for the next document


def test_a_new_addressee_is_proposed_named_submitted_and_created_on_publish_its_payload_name_inert(engine):
    at = as_(engine, "contrib@cwcc.example")
    new_document(at, "2023-cwcc-dw-notes")
    at = keep_text(at, ENGLISH)
    # a body that looks like one in the list is refused, with the one it looks like
    at.text_input(key="cd_new_actor_name").input("Royal  Government of Cambodia")
    at = click(at, "cd_propose")
    assert any("looks the same as the existing organisation Royal Government of Cambodia" in e for e in errors_of(at))
    assert "cd_withdraw_0" not in [b.key for b in at.button]
    name = f"Domestic Workers Network {HOSTILE}"
    at.text_input(key="cd_new_actor_name").input(name)
    at.text_input(key="cd_new_actor_acronym").input("DWN")
    at.selectbox(key="cd_new_actor_type").set_value("cso")
    at = click(at, "cd_propose")
    assert errors_of(at) == ["Record at least one recommendation"]  # the look-alike's refusal is gone
    chooser = at.multiselect(key="cd_one_addressees")
    assert "DWN (proposed)" in chooser.options
    assert at.text_input(key="cd_new_actor_name").value == ""  # emptied for another one
    at = add_one(at, "2", "A day of rest", SECOND, "domestic-workers", "dwn")
    assert_inert(at)
    at = click(at, "cd_submit")
    assert any("Submitted cd-2023-cwcc-dw-notes-1" in s.value for s in at.success), errors_of(at)
    with engine.connect() as conn:
        assert conn.execute(select(ACT.c.id).where(ACT.c.id == "dwn")).first() is None  # not before it is published

    at = as_(engine, "review@cwcc.example")
    assert any("Proposes a new addressee: Domestic Workers Network" in c.value for c in at.caption)
    assert SECOND in [x.value for x in at.text] and "Addressees: DWN" in [c.value for c in at.caption]  # what it holds
    assert_inert(at)
    at = click(at, "cdr_publish_cd-2023-cwcc-dw-notes-1")
    assert any("Published cd-2023-cwcc-dw-notes-1" in s.value for s in at.success), errors_of(at)
    with engine.connect() as conn:
        actor = conn.execute(select(ACT.c.name, ACT.c.acronym, ACT.c.type).where(ACT.c.id == "dwn")).one()
        named = conn.execute(select(AD.c.actor_id).where(AD.c.recommendation_id == "2023-cwcc-dw-notes-2")).scalars()
        assert tuple(actor) == (name, "DWN", "cso") and list(named) == ["dwn"]
    at.switch_page("pages/owners.py").run()
    assert not at.exception
    assert_inert(at)


def test_correcting_a_draft_one_may_no_longer_see_is_said_not_raised(monkeypatch):
    import streamlit as st

    from recommendations.ui import curation_review

    monkeypatch.setattr(curation_review, "principal", lambda: None)  # signed out meanwhile
    curation_review._correct("cd-2017-afml10-1")
    assert (
        st.session_state.pop("cdr_error_cd-2017-afml10-1") == "Log in to add a source document and its recommendations."
    )
