"""The write side, called directly as each role: permissions on the server, validation, append-only, audit.

Every test runs on SQLite and on the real PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from models import AppUser, Assessment, AssessmentReview, AuditEntry, Evidence
from recommendations import sql, status, visibility
from recommendations.dataset.export import write_yaml_layout
from recommendations.dataset.loader import load_folder
from recommendations.permissions import PermissionDenied, Principal
from recommendations.read.detail import disagreements
from recommendations.write import accounts, auth, updates, workspace
from recommendations.write.errors import Invalid
from recommendations.write.updates import AssessmentForm
from tests.helpers import content, session_for, snapshot

PASSWORD = "correct horse battery staple"
A = Assessment.__table__
AUDIT = AuditEntry.__table__
REC = "mmn2016-04"  # not assessed in the dataset; addressed to RGC only (mmn2016-06 is assessed since issue 12)
EVIDENCE = "src2019-mrc-prey-veng"


_HASH = auth.hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


@pytest.fixture
def world(loaded_engine, monkeypatch):
    """The dataset, an admin, and a contributor and a reviewer at each of two organisations (CWCC, LSCW)."""
    engine = loaded_engine
    monkeypatch.setattr(
        auth, "hash_password", lambda password: _HASH if password == PASSWORD else auth._HASHER.hash(password)
    )
    cli = Principal.command_line()
    people = {
        "admin": ("admin@example.org", "admin", None),
        "contrib_a": ("contrib@cwcc.example", "contributor", "cwcc"),
        "review_a": ("review@cwcc.example", "reviewer", "cwcc"),
        "contrib_b": ("contrib@lscw.example", "contributor", "lscw"),
        "review_b": ("review@lscw.example", "reviewer", "lscw"),
    }
    with engine.begin() as conn:
        for email, role, org in people.values():
            accounts.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
    principals = {}
    for key, (email, _, _) in people.items():
        with engine.begin() as conn:
            token = session_for(conn, email)  # the log-in itself: test_log_in_* below
            principals[key] = auth.principal_for(conn, token)
            principals[key + "_token"] = token
    return engine, principals


def form(**fields) -> AssessmentForm:
    values = {
        "recommendation": REC,
        "status": "in_progress",
        "as_of": "2023-03-01",
        "rationale": "A new contract template was piloted; it is not yet in use everywhere.",
        "evidence": [EVIDENCE],
    }
    return AssessmentForm(**{**values, **fields})


def write(engine, function, **kwargs):
    with engine.begin() as conn:
        return function(conn=conn, **kwargs)


def counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (A, AUDIT, AssessmentReview.__table__)
        )


def current(engine, rec: str = REC) -> dict:
    return sql.rows(engine, status.overall(None, [rec]))[0]


def test_contributor_drafts_reviewer_publishes(world):
    engine, p = world
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    assert current(engine)["status"] == "not_assessed"  # a draft counts nowhere
    assert draft in set(workspace.drafts(engine, p["contrib_a"])["id"])
    assert draft in set(workspace.review_queue(engine, p["review_a"])["id"])
    assert draft not in set(workspace.drafts(engine, p["contrib_b"])["id"])  # another organisation's draft
    with pytest.raises(PermissionDenied):
        workspace.review_queue(engine, p["contrib_a"])
    write(engine, updates.review, principal=p["review_a"], assessment_id=draft, decision="published")
    now = current(engine)
    assert (now["status"], now["assessment_id"], now["assessor_id"]) == ("in_progress", draft, "cwcc")
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(AUDIT.c.action).where(AUDIT.c.record_id == draft))]
    assert actions == ["record assessment", "publish"]


def test_a_contributor_cannot_publish_or_draft_for_another_organisation(world):
    engine, p = world
    before, snap = counts(engine), snapshot(engine)
    with pytest.raises(PermissionDenied, match="A contributor may not publish"):
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(publish=True))
    with pytest.raises(PermissionDenied, match="only for your own organisation"):
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(assessor="lscw"))
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    with pytest.raises(PermissionDenied, match="A contributor may not review"):
        write(engine, updates.review, principal=p["contrib_a"], assessment_id=draft, decision="published")
    with pytest.raises(Invalid, match="unknown assessment id"):  # another organisation's draft is not even named
        write(engine, updates.review, principal=p["review_b"], assessment_id=draft, decision="published")
    with pytest.raises(PermissionDenied, match="Log in"):
        write(engine, updates.record_assessment, principal=None, form=form())
    with pytest.raises(PermissionDenied, match="admin may not record"):
        write(engine, updates.record_assessment, principal=p["admin"], form=form())
    assert counts(engine)[0] == before[0] + 1  # only the one allowed draft
    assert current(engine)["status"] == "not_assessed"
    del snap


def test_a_reviewer_may_publish_at_once_and_withdraw(world):
    engine, p = world
    published = write(engine, updates.record_assessment, principal=p["review_a"], form=form(publish=True))
    assert current(engine)["assessment_id"] == published
    with pytest.raises(PermissionDenied):
        write(engine, updates.withdraw, principal=p["contrib_a"], assessment_id=published, reason="mistake")
    with pytest.raises(PermissionDenied):
        write(engine, updates.withdraw, principal=p["review_b"], assessment_id=published, reason="mistake")
    withdrawal = write(engine, updates.withdraw, principal=p["review_a"], assessment_id=published, reason="misread")
    assert current(engine)["status"] == "not_assessed"
    history = {r["id"]: r for r in sql.rows(engine, select(A).where(A.c.recommendation_id == REC))}
    assert history[published]["status"] == "in_progress"  # still there, unchanged
    assert history[withdrawal]["visibility"] == "withdrawn"
    assert history[withdrawal]["supersedes_id"] == published
    with pytest.raises(Invalid, match="not published"):
        write(engine, updates.withdraw, principal=p["review_a"], assessment_id=withdrawal, reason="again")


def test_correction_supersedes_once_published(world):
    engine, p = world
    first = write(engine, updates.record_assessment, principal=p["review_a"], form=form(publish=True))
    fix = write(
        engine,
        updates.record_assessment,
        principal=p["contrib_a"],
        form=form(status="no_progress", supersedes=first, supersede_reason="The pilot never started."),
    )
    assert current(engine)["assessment_id"] == first  # the correction is only a draft so far
    write(engine, updates.review, principal=p["review_a"], assessment_id=fix, decision="published")
    assert (current(engine)["assessment_id"], current(engine)["status"]) == (fix, "no_progress")
    with pytest.raises(PermissionDenied, match="only your own organisation"):
        write(
            engine, updates.record_assessment, principal=p["contrib_b"],
            form=form(supersedes=fix, supersede_reason="We disagree."),
        )  # fmt: skip
    with pytest.raises(Invalid, match="already superseded"):
        write(
            engine, updates.record_assessment, principal=p["review_a"],
            form=form(supersedes=first, supersede_reason="again", publish=True),
        )  # fmt: skip


def test_returning_needs_a_comment_and_is_final(world):
    engine, p = world
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    with pytest.raises(Invalid) as caught:
        write(engine, updates.review, principal=p["review_a"], assessment_id=draft, decision="returned")
    assert caught.value.by_field() == {"comment": ["say what should change before it can be published"]}
    write(engine, updates.review, principal=p["review_a"], assessment_id=draft, decision="returned", comment="Cite it.")
    mine = workspace.drafts(engine, p["contrib_a"]).set_index("id")
    assert (mine.loc[draft, "visibility"], mine.loc[draft, "review_comment"]) == ("returned", "Cite it.")
    with pytest.raises(Invalid, match="already returned"):
        write(engine, updates.review, principal=p["review_a"], assessment_id=draft, decision="published")
    assert current(engine)["status"] == "not_assessed"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"as_of": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "as_of", "is in the future"),
        ({"as_of": "2015-06-01"}, "as_of", "is before the recommendation was made"),
        ({"evidence": []}, "evidence", "needs evidence: cite at least one evidence item"),
        ({"evidence": ["no-such-evidence"]}, "evidence", "unknown evidence id"),
        ({"addressee": "destination-governments"}, "addressee", "is not an addressee of"),
        ({"rationale": "  "}, "rationale", "at least 1 character"),
        ({"status": "finished"}, "status", "Input should be"),
        ({"as_of": "2019-13-40"}, "as_of", "does not exist"),
        ({"recommendation": "nowhere"}, "recommendation", "unknown recommendation"),
        (
            {"new_evidence": [{"title": "x", "date": "2023-01-01", "kind": "news", "summary": "s",
                               "url": "javascript:alert(1)"}]},
            "new_evidence.0.url",
            "http(s)",
        ),
        ({"new_evidence": [{"title": "x", "date": "2023-01-01", "kind": "news", "summary": "s"}]},
         "new_evidence.0.url", "needs a url, a citation or a source"),
        ({"evidence": ["src2019-mrc-prey-veng"], "as_of": "2019-01-05"}, "evidence", "dated after as_of"),
    ],
)  # fmt: skip
def test_bad_input_is_named_by_field_and_nothing_is_written(world, fields, field, message):
    engine, p = world
    before = snapshot(engine)
    with pytest.raises(Invalid) as caught:
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(**fields))
    found = caught.value.by_field()
    assert any(message in m for m in found.get(field, [])), found
    assert snapshot(engine) == before


def test_new_evidence_is_added_with_the_assessment(world):
    engine, p = world
    new = {
        "title": "Ministry circular on contracts <script>alert(1)</script>",
        "date": "2023-02-10",
        "kind": "policy",
        "url": "https://example.org/circular",
        "summary": '=HYPERLINK("http://evil") A circular on bilingual contracts, in our own words.',
    }
    draft = write(
        engine, updates.record_assessment, principal=p["contrib_a"], form=form(evidence=[], new_evidence=[new])
    )
    with engine.connect() as conn:
        (cited,) = conn.execute(select(updates.AE.c.evidence_id).where(updates.AE.c.assessment_id == draft)).scalars()
        row = conn.execute(select(Evidence.__table__).where(Evidence.__table__.c.id == cited)).one()
    assert row.title == new["title"]  # stored as given; pages and exports render it as inert text
    assert (row.date, row.url, row.version) == ("2023-02-10", "https://example.org/circular", 1)


def test_a_replayed_form_after_log_out_writes_nothing(world):
    engine, p = world
    before = counts(engine)
    with engine.begin() as conn:
        auth.logout(conn, p["contrib_a_token"])
    with pytest.raises(PermissionDenied, match="session has ended"):
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    with engine.connect() as conn:
        assert auth.principal_for(conn, p["contrib_a_token"]) is None
    assert counts(engine) == before


def test_disabled_account_and_changed_role_are_refused_at_once(world):
    engine, p = world
    cli = Principal.command_line()
    write(engine, accounts.set_role, principal=cli, email="review@cwcc.example", role="contributor")
    with pytest.raises(PermissionDenied, match="session has ended"):  # a new role ends the account's sessions
        write(engine, updates.record_assessment, principal=p["review_a"], form=form(publish=True))
    write(engine, accounts.disable_user, principal=cli, email="contrib@cwcc.example")
    with pytest.raises(PermissionDenied):
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    with engine.connect() as conn:
        assert auth.principal_for(conn, p["contrib_a_token"]) is None


def test_only_admins_manage_users_and_organisations(world):
    engine, p = world
    for who in ("contrib_a", "review_a"):
        with pytest.raises(PermissionDenied):
            write(engine, accounts.create_user, principal=p[who], email="x@y.org", role="admin", password=PASSWORD)
        with pytest.raises(PermissionDenied):
            write(engine, accounts.add_organisation, principal=p[who], data={"name": "New coalition", "type": "cso"})
    org = write(
        engine,
        accounts.add_organisation,
        principal=p["admin"],
        data={"name": "Migrant Coalition Kh", "acronym": "MCK", "type": "cso"},
    )
    assert org == "mck"
    with pytest.raises(Invalid, match="already exists"):
        write(
            engine,
            accounts.add_organisation,
            principal=p["admin"],
            data={"name": "Again", "acronym": "MCK", "type": "cso"},
        )
    write(
        engine,
        accounts.create_user,
        principal=p["admin"],
        email="new@mck.example",
        role="contributor",
        password=PASSWORD,
        organisation="mck",
    )


def test_lock_out_after_five_failed_log_ins(world, monkeypatch):
    engine, _ = world
    for _ in range(4):
        with engine.begin() as conn, pytest.raises(auth.LoginRefused, match=r"^Wrong email or password\.$"):
            auth.login(conn, "contrib@lscw.example", "wrong password!!", client="laptop")
    with engine.begin() as conn, pytest.raises(auth.LoginRefused, match="locked for 15 minutes after 5 failed log-ins"):
        auth.login(conn, "contrib@lscw.example", "wrong password!!", client="laptop")
    with engine.begin() as conn, pytest.raises(auth.LoginRefused, match="locked for 15 minutes"):
        auth.login(conn, "contrib@lscw.example", PASSWORD, client="laptop")  # even the right password
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=16)
    monkeypatch.setattr(auth, "_now", lambda: later)
    with engine.begin() as conn:
        assert auth.login(conn, "contrib@lscw.example", PASSWORD, client="laptop")
    with engine.connect() as conn:
        assert conn.execute(select(AUDIT.c.action).where(AUDIT.c.action == "lock account")).first()


def test_failed_log_ins_are_limited_per_client(world, configure):
    engine, _ = world
    configure(client_failure_limit=3)
    for n in range(3):
        with engine.begin() as conn, pytest.raises(auth.LoginRefused):
            auth.login(conn, f"nobody{n}@example.org", "whatever password", client="10.0.0.9")
    with engine.begin() as conn, pytest.raises(auth.LoginRefused, match="Too many failed log-ins from this connection"):
        auth.login(conn, "admin@example.org", PASSWORD, client="10.0.0.9")
    with engine.begin() as conn:  # another client is not affected
        assert auth.login(conn, "admin@example.org", PASSWORD, client="10.0.0.10")


def test_passwords_are_argon2_hashes_and_never_audited(world):
    engine, _ = world
    with engine.connect() as conn:
        hashes = [r.password_hash for r in conn.execute(select(AppUser.__table__.c.password_hash))]
        logged = json.dumps([dict(r._mapping) for r in conn.execute(select(AUDIT.c.before, AUDIT.c.after))])
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in logged
    assert not any(h in logged for h in hashes)


def test_users_need_a_valid_role_organisation_email_and_long_password(world):
    engine, p = world
    cases = [
        ({"email": "admin@example.org", "role": "admin"}, "email", "already exists"),
        ({"email": "ADMIN@Example.org ", "role": "admin"}, "email", "already exists"),
        ({"email": "x@y.org", "role": "boss"}, "role", "unknown role"),
        (
            {"email": "x@y.org", "role": "contributor", "organisation": "nowhere"},
            "organisation",
            "unknown organisation",
        ),
        ({"email": "x@y.org", "role": "contributor"}, "organisation", "needs an organisation"),
        ({"email": "x@y.org", "role": "admin", "password": "short"}, "password", "at least 12 characters"),
        ({"email": "not-an-email", "role": "admin"}, "email", "not an email address"),
    ]
    for fields, field, message in cases:
        values = {"password": PASSWORD, **fields}
        with pytest.raises(Invalid) as caught:
            write(engine, accounts.create_user, principal=p["admin"], **values)
        assert any(message in m for m in caught.value.by_field()[field]), (fields, caught.value.errors)


def test_every_write_is_audited_in_its_transaction(world):
    engine, p = world
    before = counts(engine)[1]
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    write(engine, updates.review, principal=p["review_a"], assessment_id=draft, decision="published")
    with engine.connect() as conn:
        rows = conn.execute(select(AUDIT).where(AUDIT.c.id > 0).order_by(AUDIT.c.id.desc()).limit(2)).all()
    assert counts(engine)[1] == before + 2
    assert {r.who for r in rows} == {"contrib@cwcc.example", "review@cwcc.example"}
    assert rows[1].after["status"] == "in_progress" and rows[1].after["recommendation"] == REC
    assert rows[0].before == {"visibility": "draft"} and rows[0].after["decision"] == "published"


def test_export_of_app_records_loads_back_the_same(world, sqlite_engine, tmp_path, request):
    """export --format yaml holds what was entered in the app (not users); loading it reproduces it."""
    engine, p = world
    org = write(
        engine,
        accounts.add_organisation,
        principal=p["admin"],
        data={"name": "Migrant Coalition Kh", "acronym": "MCK", "type": "cso"},
    )
    new = {
        "title": "A circular",
        "date": "2023-02-10",
        "kind": "policy",
        "url": "https://example.org/c",
        "summary": "s",
    }
    first = write(
        engine, updates.record_assessment, principal=p["review_a"], form=form(publish=True, new_evidence=[new])
    )
    fix = write(
        engine,
        updates.record_assessment,
        principal=p["contrib_a"],
        form=form(status="no_progress", supersedes=first, supersede_reason="wrong"),
    )
    write(engine, updates.review, principal=p["review_a"], assessment_id=fix, decision="published")
    back = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(as_of="2024-01-01"))
    write(engine, updates.review, principal=p["review_a"], assessment_id=back, decision="returned", comment="Cite it")
    pending = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(as_of="2024-02-01"))
    write(engine, updates.withdraw, principal=p["review_a"], assessment_id=fix, reason="misread")
    out = tmp_path / "export"
    write_yaml_layout(engine, out, visibility.EVERYTHING)  # the maintainer's backup holds every draft
    text = "".join(f.read_text() for f in out.rglob("*.yaml"))
    assert org in text and pending in text and "Cite it" in text
    assert "argon2" not in text and "contrib@cwcc.example" not in text and PASSWORD not in text
    target = request.getfixturevalue("pg_engine") if engine.dialect.name == "sqlite" else sqlite_engine
    load_folder(out, target)
    assert content(engine) == content(target)
    assert sql.rows(target, status.overall(None, [REC])) == sql.rows(engine, status.overall(None, [REC]))


def test_the_users_command_line(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "recommendations", *args]
        return subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True)

    assert run("load").returncode == 0
    added = run("users", "add", "Admin@Example.org", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "added admin@example.org as admin" in added.stdout
    refusals = [
        (("users", "add", "admin@example.org", "--role", "admin", "--password-stdin"), "already exists"),
        (("users", "add", "x@y.org", "--role", "boss", "--password-stdin"), "unknown role 'boss'"),
        (("users", "add", "x@y.org", "--role", "contributor", "--organisation", "nowhere", "--password-stdin"),
         "unknown organisation 'nowhere'"),
    ]  # fmt: skip
    for args, message in refusals:
        result = run(*args, stdin=PASSWORD + "\n")
        assert result.returncode == 2 and message in result.stderr and "nothing was changed" in result.stderr
    short = run("users", "add", "x@y.org", "--role", "admin", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    assert run("users", "add", "c@cwcc.example", "--role", "contributor", "--organisation", "cwcc",
               "--password-stdin", stdin=PASSWORD + "\n").returncode == 0  # fmt: skip
    assert run("users", "set-role", "c@cwcc.example", "reviewer").returncode == 0
    assert run("users", "disable", "c@cwcc.example").returncode == 0
    listing = run("users", "list")
    assert "c@cwcc.example\treviewer\tcwcc\tdisabled" in listing.stdout
    everything = "".join(r.stdout + r.stderr for r in (added, short, listing))
    assert PASSWORD not in everything and "argon2" not in everything


def test_stale_lists_what_to_update_before_the_next_meeting(world):
    engine, p = world
    today = dt.date(2026, 12, 1)
    before = workspace.stale(engine, p["contrib_a"], today=today)
    assert before.empty  # CWCC is asked nothing and has assessed nothing yet
    write(engine, updates.record_assessment, principal=p["review_a"], form=form(as_of="2023-03-01", publish=True))
    stale = workspace.stale(engine, p["contrib_a"], today=today)
    assert list(stale["id"]) == [REC]  # its evidence is from 2019, so more than 12 months old
    fresh = write(
        engine, updates.record_assessment, principal=p["review_a"],
        form=form(as_of="2026-06-01", evidence=[], new_evidence=[{"title": "t", "date": "2026-05-01", "kind": "news",
                  "url": "https://example.org/n", "summary": "s"}], publish=True),
    )  # fmt: skip
    assert fresh
    assert workspace.stale(engine, p["contrib_a"], today=today).empty


def test_assessors_who_disagree_are_listed(world):

    engine, p = world
    write(engine, updates.record_assessment, principal=p["review_a"], form=form(publish=True))
    assert disagreements(engine).empty  # one assessor so far
    write(engine, updates.record_assessment, principal=p["review_b"], form=form(status="no_progress", publish=True))
    rows = disagreements(engine)
    assert set(rows["recommendation_id"]) == {REC}
    assert dict(zip(rows["assessor"], rows["status_label"], strict=True)) == {
        "Cambodian Women's Crisis Center": "In progress",
        "Legal Support for Children and Women": "No progress",
    }


def test_session_cookies_are_signed():
    token = "abc_DEF-123"
    value = auth.sign_token(token, "secret one")
    assert auth.token_from_cookie(value, "secret one") == token
    assert auth.token_from_cookie(value, "another secret") is None  # made by another deployment
    forged = "someone-elses-token." + value.rpartition(".")[2]
    assert auth.token_from_cookie(forged, "secret one") is None
    for junk in (None, "", "no-dot", ".", value + "x"):
        assert auth.token_from_cookie(junk, "secret one") is None
