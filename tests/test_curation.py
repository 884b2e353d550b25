"""Documents added in the app (issue 21): checked verbatim, submitted as drafts, published or returned, round trip.

Every test runs on SQLite and on the real PostgreSQL server (``loaded_engine``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.tables import ACT, AD, AUDIT, DRAFT_REVIEWS, DRAFTS, L, R, S
from recommendations.permissions import PermissionDenied, Principal
from recommendations.read import headlines
from recommendations.write import accounts, auth, curation
from recommendations.write.errors import Invalid
from tests.helpers import session_for

PASSWORD = "correct horse battery staple"
NEW = {
    "id": "2023-test-statement",
    "title": "A test statement of 2023",
    "date": "2023-05-02",
    "kind": "cso_statement",
    "organisers": ["CWCC"],
    "language": "en",
}
TEXT = """Statement of the consultation

1. The **Royal Government** should
ratify the convention on domestic workers.
2. Recruitment agencies should publish their fees.
3. Employers should publish their fees.
"""
KHMER = (
    "សេចក្តីថ្លែងការណ៍\n\n១. រាជរដ្ឋាភិបាល\u200bគួរ\u200bផ្តល់\u200bព័ត៌មាន\u200bដល់\u200bពលករ។\n"
    "២. ភ្នាក់ងារ\u200bជ្រើសរើស\u200bគួរ\u200bបង្ហាញ\u200bថ្លៃ។\n"
)


def row(number: str, text: str, **more: str) -> dict[str, str]:
    return {"number": number, "text": text, "title": f"Ask {number}", "themes": "recruitment",
            "addressees": "RGC", **more}  # fmt: skip


ROWS = [
    row("1", "The Royal Government should ratify the convention on domestic workers.", addressees="rgc"),
    row("2", "Recruitment agencies should publish their fees.", themes="Recruitment; governance"),
]


@pytest.fixture
def world(loaded_engine):
    """The dataset, an admin, and a contributor and a reviewer at each of two organisations (CWCC, LSCW)."""
    engine = loaded_engine
    cli = Principal.command_line()
    people = {
        "admin": ("admin@example.org", "admin", None),
        "contrib_a": ("contrib@cwcc.example", "contributor", "cwcc"),
        "review_a": ("review@cwcc.example", "reviewer", "cwcc"),
        "review_b": ("review@lscw.example", "reviewer", "lscw"),
    }
    with engine.begin() as conn:
        for email, role, org in people.values():
            accounts.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
    principals = {}
    for key, (email, _, _) in people.items():
        with engine.begin() as conn:
            principals[key] = auth.principal_for(conn, session_for(conn, email))
    return engine, principals


def submit(engine, who, **kwargs):
    values = {"source": NEW, "full_text": TEXT, "rows": ROWS, **kwargs}
    with engine.begin() as conn:
        return curation.submit_document(conn=conn, principal=who, **values)


def review(engine, who, draft_id, decision="published", comment=None):
    with engine.begin() as conn:
        curation.review_document(conn=conn, principal=who, draft_id=draft_id, decision=decision, comment=comment)


def problems(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.field, e.message) for e in exc.value.errors]


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_contributor_submits_reviewer_publishes_public_rows_with_origin_app(world):
    engine, people = world
    draft_id = submit(engine, people["contrib_a"], links=[
        {"source": "2023-test-statement-2", "target": "mmn2016-03", "kind": "follows_up", "note": "fees again"}
    ], dismissed=[{"source": "2023-test-statement-1", "target": "tfamw2011-cso-7", "note": "other ask"}])  # fmt: skip
    assert draft_id == "cd-2023-test-statement-1"
    assert count(engine, S, S.c.id == NEW["id"]) == 0  # drafts never enter the public tables
    with pytest.raises(PermissionDenied):
        review(engine, people["contrib_a"], draft_id)
    with pytest.raises(Invalid, match="Unknown draft"):  # another organisation's draft is unknown to them
        review(engine, people["review_b"], draft_id, "returned", "no")
    review(engine, people["review_a"], draft_id)
    with engine.connect() as conn:
        source = conn.execute(select(S).where(S.c.id == NEW["id"])).one()
        recs = conn.execute(select(R).where(R.c.source_id == NEW["id"]).order_by(R.c.position)).all()
        link = conn.execute(select(L).where(L.c.source_id == "2023-test-statement-2")).one()
        actions = set(conn.execute(select(AUDIT.c.action).where(AUDIT.c.record_id.like("%test-statement%"))).scalars())
    assert (source.origin, source.organisers, source.full_text, source.language) == ("app", ["cwcc"], TEXT, "en")
    assert [(r.id, r.origin) for r in recs] == [("2023-test-statement-1", "app"), ("2023-test-statement-2", "app")]
    assert TEXT[recs[0].text_start : recs[0].text_end].startswith("The **Royal Government** should\nratify")
    assert (link.origin, link.kind) == ("app", "follows_up")
    assert {"submit document", "publish document"} <= actions


def test_return_needs_a_comment_and_keeps_the_draft(world):
    engine, people = world
    draft_id = submit(engine, people["contrib_a"])
    with pytest.raises(Invalid, match="Say what to change"):
        review(engine, people["review_a"], draft_id, "returned")
    review(engine, people["review_a"], draft_id, "returned", "Title of row 2, please.")
    assert count(engine, R, R.c.source_id == NEW["id"]) == 0
    with engine.connect() as conn:
        listed = curation.drafts(conn, people["contrib_a"])
        assert [(d["id"], d["state"], d["comment"]) for d in listed] == [
            (draft_id, "returned", "Title of row 2, please.")
        ]
        assert curation.drafts(conn, people["review_b"]) == []  # another organisation sees nothing of it
        with pytest.raises(Exception, match="append-only"):  # nothing is deleted
            conn.execute(DRAFTS.delete())


def test_every_problem_of_every_row_at_once_with_row_and_column(world):
    engine, people = world
    rows = [
        row("1", "The Royal Government should ratify the convention on migrant workers.", themes="nonsense"),
        row("2", "should publish their fees.", addressees="Nobody here"),
        row("2", "Recruitment agencies should publish their fees.", title=""),
    ]
    with pytest.raises(Invalid) as exc:
        submit(engine, people["contrib_a"], rows=rows)
    found = problems(exc)
    assert (2, "themes", "No theme has the id or name 'nonsense'.") in found
    closest = next(m for r, f, m in found if (r, f) == (2, "text"))
    assert "closest passage is: The Royal Government should ratify the convention on domestic workers" in closest
    assert (3, "text", "Occurs 2 times in the document: choose which.") in found
    assert (3, "addressees", "No organisation or body has the id or acronym 'Nobody here'.") in found
    assert (4, "number", "Row 3 has the same number: 2.") in found
    assert any(r == 4 and f == "title" for r, f, m in found)
    assert count(engine, DRAFTS) == 0


def test_text_occurring_twice_needs_a_choice(world):
    engine, people = world
    rows = [row("3", "should publish their fees.")]
    with pytest.raises(Invalid, match="Occurs 2 times"):
        submit(engine, people["contrib_a"], rows=rows)
    draft_id = submit(engine, people["contrib_a"], rows=rows, choices={"2023-test-statement-3": 1})
    with engine.connect() as conn:
        rec = conn.execute(select(DRAFTS.c.recommendations).where(DRAFTS.c.id == draft_id)).scalar_one()[0]
    assert TEXT[rec["text_start"] : rec["text_end"]] == "should publish their fees."
    assert TEXT[: rec["text_start"]].endswith("3. Employers ")


def test_colliding_ids_and_a_known_source_id(world):
    engine, people = world
    with pytest.raises(Invalid) as exc:
        submit(engine, people["contrib_a"], source={**NEW, "id": "2016-mmn-cwcc-consultation"},
               rows=[row("1", ROWS[0]["text"], id="tfamw2011-cso-7")])  # fmt: skip
    found = problems(exc)
    assert any(f == "id" and r is None and "already recorded" in m for r, f, m in found)
    assert any(f == "id" and r == 2 and "already taken by a recommendation of 2011-tfamw" in m for r, f, m in found)


def test_same_content_twice_records_nothing_twice_and_a_change_needs_a_new_version(world):
    engine, people = world
    first = submit(engine, people["contrib_a"])
    assert submit(engine, people["contrib_a"]) == first
    assert count(engine, DRAFTS) == 1
    with pytest.raises(Invalid) as other:  # not taken for its own draft; that draft is not named to them
        submit(engine, people["review_b"])  # the same document from another organisation: one draft at a time
    assert problems(other) == [(None, "id", "2023-test-statement was already submitted by another organisation "
                                "and waits for its review.")]  # fmt: skip
    assert count(engine, DRAFTS) == 1
    review(engine, people["review_a"], first)
    with pytest.raises(curation.AlreadyPublished, match="already published with this content"):
        submit(engine, people["contrib_a"])  # after publishing: nothing is written
    assert count(engine, DRAFTS) == 1
    changed = [ROWS[0], {**ROWS[1], "title": "Fees published"}]
    with pytest.raises(Invalid, match="new version"):
        submit(engine, people["contrib_a"], rows=changed)
    second = submit(engine, people["contrib_a"], rows=changed, supersedes=first)
    review(engine, people["review_a"], second)
    with engine.connect() as conn:
        titles = conn.execute(select(R.c.title).where(R.c.source_id == NEW["id"]).order_by(R.c.position)).scalars()
        assert list(titles) == ["Ask 1", "Fees published"]
        assert conn.execute(select(func.count()).select_from(DRAFT_REVIEWS)).scalar_one() == 2
    with pytest.raises(Invalid, match="keeps it"):  # a new version cannot drop a published recommendation
        submit(engine, people["contrib_a"], rows=[ROWS[0]], supersedes=second)


def _fill(engine, who, source_id: str, n: int) -> str:
    lines = [f"{i}. Migrant workers need skill number {i} for the future of work." for i in range(1, n + 1)]
    rows = [row(str(i), line.split(". ", 1)[1]) for i, line in enumerate(lines, 1)]
    return submit(engine, who, source={"language": "en"}, fills=source_id, full_text="\n".join(lines), rows=rows)


def test_gaps_follow_a_publish_and_a_gap_is_not_filled_twice(world):
    engine, people = world
    before = headlines.gaps(engine).set_index("id")
    assert before.loc["2019-afml12-national-preparatory", "missing"] == 13
    assert before.loc["2017-afml10", "missing"] == 19
    full = _fill(engine, people["review_a"], "2019-afml12-national-preparatory", 13)
    with pytest.raises(Invalid, match="is already submitted and waits for a review"):
        _fill(engine, people["admin"], "2019-afml12-national-preparatory", 12)
    review(engine, people["review_a"], full)
    review(engine, people["review_a"], _fill(engine, people["review_a"], "2017-afml10", 12))
    after = headlines.gaps(engine).set_index("id")
    assert "2019-afml12-national-preparatory" not in after.index
    assert (after.loc["2017-afml10", "recorded"], after.loc["2017-afml10", "missing"]) == (12, 7)
    with pytest.raises(Invalid, match="is not a gap"):
        _fill(engine, people["admin"], "2019-afml12-national-preparatory", 2)


def test_payloads_are_stored_as_text_and_inert_in_exports(world):
    engine, people = world
    from recommendations.dataset.export import flat_table, to_csv_bytes

    text = TEXT + "4. =cmd|' /C calc'!A0 <script>alert(1)</script> [link](javascript:alert(1))\n"
    rows = [*ROWS, row("4", "=cmd|' /C calc'!A0 <script>alert(1)</script> [link](javascript:alert(1))",
                       title="<img src=x onerror=alert(1)> **bold**")]  # fmt: skip
    review(engine, people["review_a"], submit(engine, people["review_a"], full_text=text, rows=rows))
    with engine.connect() as conn:
        stored = conn.execute(select(R.c.text, R.c.title).where(R.c.id == "2023-test-statement-4")).one()
    assert stored.text.startswith("=cmd|") and stored.title == "<img src=x onerror=alert(1)> **bold**"
    csv = to_csv_bytes(flat_table(engine)).decode("utf-8-sig")
    assert "'=cmd|" in csv and ",=cmd" not in csv


def test_khmer_text_with_zero_width_spaces_is_verbatim(world):
    engine, people = world
    rows = [row("1", "រាជរដ្ឋាភិបាលគួរផ្តល់ព័ត៌មានដល់ពលករ។")]  # typed without the zero-width spaces
    draft_id = submit(engine, people["review_a"], source={**NEW, "id": "2023-km", "language": "km"},
                      full_text=KHMER, rows=rows)  # fmt: skip
    review(engine, people["review_a"], draft_id)
    with engine.connect() as conn:
        rec = conn.execute(select(R).where(R.c.id == "2023-km-1")).one()
    assert KHMER[rec.text_start : rec.text_end] == "រាជរដ្ឋាភិបាល\u200bគួរ\u200bផ្តល់\u200bព័ត៌មាន\u200bដល់\u200bពលករ។"


def test_a_proposed_actor_is_checked_like_an_organisation_named_by_acronym_and_created_on_publish(world):
    engine, people = world
    proposed = [{"name": "Domestic Workers Network", "acronym": "DWN", "type": "cso"}]
    rows = [ROWS[0], row("2", "Recruitment agencies should publish their fees.", addressees="dwn; RGC")]
    for twin, field in [({"name": "Royal Government of  Cambodia"}, "proposed_actors.0.name"),
                        ({"name": "Network", "acronym": "R.G.C."}, "proposed_actors.0.name"),
                        ({"name": "Domestic Workers Network", "type": "spaceship"}, "proposed_actors.0.type"),
                        ({"name": "", "acronym": "X"}, "proposed_actors.0.name")]:  # fmt: skip
        with pytest.raises(Invalid) as refused:
            submit(engine, people["contrib_a"], rows=rows, proposed_actors=[twin])
        assert field in [f for _, f, _ in problems(refused)], problems(refused)
    with pytest.raises(Invalid) as refused:  # two proposals that would get one id
        submit(engine, people["contrib_a"], rows=rows, proposed_actors=proposed * 2)
    assert [(f, m) for _, f, m in problems(refused)] == [
        ("proposed_actors.1.name", "Proposal 1 has the same acronym or name: give each body its own.")
    ]
    draft_id = submit(engine, people["contrib_a"], rows=rows, proposed_actors=proposed)
    with engine.connect() as conn:
        assert [d["proposed_actors"] for d in curation.drafts(conn, people["review_a"])] == [proposed]
    assert count(engine, ACT, ACT.c.id == "dwn") == 0
    review(engine, people["review_a"], draft_id)
    with engine.connect() as conn:
        actor = conn.execute(select(ACT.c.name, ACT.c.acronym, ACT.c.type).where(ACT.c.id == "dwn")).one()
        named = conn.execute(select(AD.c.actor_id).where(AD.c.recommendation_id == "2023-test-statement-2")).scalars()
        assert tuple(actor) == ("Domestic Workers Network", "DWN", "cso") and sorted(named) == ["dwn", "rgc"]
    # a new version that still carries the proposal is not refused as a look-alike of what it created
    changed = [{**r, "title": "Fees"} if r["number"] == "2" else r for r in rows]
    again = submit(engine, people["contrib_a"], rows=changed, proposed_actors=proposed, supersedes=draft_id)
    review(engine, people["review_a"], again)
    assert count(engine, ACT, ACT.c.id == "dwn") == 1


def test_a_document_updates_only_a_source_its_own_published_versions_recorded(world):
    engine, people = world
    first = submit(engine, people["contrib_a"])
    review(engine, people["review_a"], first, "returned", "Not yet.")
    review(engine, people["review_b"], submit(engine, people["review_b"]))  # another organisation publishes it
    other = [row("3", "Employers should publish their fees.")]
    with pytest.raises(Invalid, match="already recorded"):  # the returned draft's new version may not rewrite it
        submit(engine, people["contrib_a"], rows=other, supersedes=first)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(R).where(R.c.source_id == NEW["id"])).scalar_one() == 2


def test_a_new_document_never_takes_a_source_id_recorded_meanwhile(world):
    engine, people = world
    draft_id = submit(engine, people["contrib_a"])
    with engine.begin() as conn:  # a load of data/ records a source with that id before the draft is published
        known = dict(conn.execute(select(S).where(S.c.id == "2016-mmn-cwcc-consultation")).one()._mapping)
        conn.execute(S.insert().values(**{**known, "id": NEW["id"], "title": "From the YAML"}))
    with pytest.raises(Invalid, match="already recorded"):
        review(engine, people["review_a"], draft_id)
    with engine.connect() as conn:
        assert conn.execute(select(S.c.title).where(S.c.id == NEW["id"])).scalar_one() == "From the YAML"


def test_a_new_version_keeps_the_id_and_the_mode_of_its_document(world):
    engine, people = world
    filled = _fill(engine, people["review_a"], "2017-afml10", 12)
    review(engine, people["review_a"], filled)
    with engine.connect() as conn:
        draft = conn.execute(select(DRAFTS).where(DRAFTS.c.id == filled)).one()
    rows = curation._rows_of(draft.recommendations)
    as_new = {**NEW, "id": "2017-afml10", "title": "Rewritten"}
    with pytest.raises(Invalid, match="fills a known gap: its new version fills it too"):
        submit(engine, people["review_a"], source=as_new, full_text=draft.full_text, rows=rows, supersedes=filled)
    first = submit(engine, people["review_a"])
    review(engine, people["review_a"], first)
    with pytest.raises(Invalid, match="keeps the id of the document it corrects"):
        submit(engine, people["review_a"], source={**NEW, "id": "2023-other"}, supersedes=first)
    with engine.connect() as conn:
        assert conn.execute(select(S.c.title).where(S.c.id == "2017-afml10")).scalar_one() != "Rewritten"


def test_a_partly_filled_gap_is_filled_again_only_by_a_new_version(world):
    engine, people = world
    first = _fill(engine, people["review_a"], "2017-afml10", 12)
    review(engine, people["review_a"], first)
    with pytest.raises(Invalid, match="partly filled by a document added in the app"):
        _fill(engine, people["admin"], "2017-afml10", 3)  # would replace the first fill's text
    with engine.connect() as conn:
        kept = conn.execute(select(S.c.full_text).where(S.c.id == "2017-afml10")).scalar_one()
        assert kept.count("Migrant workers need skill number") == 12
        draft = conn.execute(select(DRAFTS).where(DRAFTS.c.id == first)).one()
    more = draft.full_text + "\n13. Migrant workers need skill number 13 for the future of work."
    rows = [
        *curation._rows_of(draft.recommendations),
        row("13", "Migrant workers need skill number 13 for the future of work."),
    ]
    again = submit(engine, people["review_a"], source={"language": "en"}, fills="2017-afml10", full_text=more,
                   rows=rows, supersedes=first)  # fmt: skip
    review(engine, people["review_a"], again)
    assert count(engine, R, R.c.source_id == "2017-afml10") == 13


def test_a_returned_draft_submitted_again_unchanged_is_refused_not_taken_for_the_old_one(world):
    engine, people = world
    first = submit(engine, people["contrib_a"])
    review(engine, people["review_a"], first, "returned", "Title of row 2, please.")
    with pytest.raises(Invalid, match="was returned with this same content: correct it"):
        submit(engine, people["contrib_a"])
    with pytest.raises(Invalid, match="was returned with this same content"):
        submit(engine, people["contrib_a"], supersedes=first)
    second = submit(engine, people["contrib_a"], rows=[ROWS[0], {**ROWS[1], "title": "Fees"}], supersedes=first)
    assert submit(engine, people["contrib_a"], rows=[ROWS[0], {**ROWS[1], "title": "Fees"}]) == second  # waits
    assert count(engine, DRAFTS) == 2


def test_a_simultaneous_submit_or_decision_is_a_conflict_not_a_crash(world, monkeypatch):
    engine, people = world
    from recommendations.write.errors import Conflict

    real_now = curation.now_utc

    first = submit(engine, people["contrib_a"])
    with engine.begin() as conn:  # another person's new version took the next version number at the same moment
        real_max = curation.func.max
        monkeypatch.setattr(curation.func, "max", lambda c: real_max(c) - 1)  # as if it had not seen the first
        with pytest.raises(Conflict, match="submitted by someone else at the same moment"):
            curation.submit_document(conn=conn, principal=people["contrib_a"], source=NEW, full_text=TEXT,
                                     rows=[ROWS[0], {**ROWS[1], "title": "Other"}], supersedes=first)  # fmt: skip
    monkeypatch.undo()
    real_publish = curation._publish

    def decided_meanwhile(conn, who, draft):  # the other reviewer's decision is recorded just before ours
        conn.execute(DRAFT_REVIEWS.insert().values(draft_id=draft["id"], decision="returned", comment="no",
                                                   reviewed_by="other", reviewed_at=real_now()))  # fmt: skip
        real_publish(conn, who, draft)

    monkeypatch.setattr(curation, "_publish", decided_meanwhile)
    with pytest.raises(Conflict, match="decided by someone else at the same moment"):
        review(engine, people["review_a"], first)
    assert count(engine, R, R.c.source_id == NEW["id"]) == 0


def test_the_sheet_columns_and_the_texts_folder_have_one_home():
    import inspect

    from recommendations.dataset import records
    from recommendations.write import curation_form, curation_rows, curation_sheet

    assert curation_sheet.COLUMNS is curation_rows.COLUMNS
    assert not hasattr(curation_form, "ROW_FIELDS") and curation_form.COLUMNS is curation_rows.COLUMNS
    assert "TEXTS_DIR =" not in inspect.getsource(curation) and curation.TEXTS_DIR == records.TEXTS_DIR
