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
from recommendations.read.table import recommendation_table
from recommendations.write import accounts, auth, updates, workspace
from recommendations.write.errors import Invalid
from recommendations.write.updates import AssessmentForm
from tests.conftest import APP_HASHER
from tests.helpers import content, session_for, snapshot

PASSWORD = "correct horse battery staple"
A = Assessment.__table__
AUDIT = AuditEntry.__table__
REC = "mmn2016-04"  # not assessed in the dataset; addressed to RGC only (mmn2016-06 is assessed since issue 12)
EVIDENCE = "src2019-mrc-prey-veng"


@pytest.fixture
def world(loaded_engine):
    """The dataset, an admin, and a contributor and a reviewer at each of two organisations (CWCC, LSCW)."""
    engine = loaded_engine
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
    return sql.rows(engine, status.overall(None, [rec], by_index=status.picks_by_index(engine)))[0]


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
    with pytest.raises(Invalid, match="Unknown assessment id"):  # another organisation's draft is not even named
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
    with pytest.raises(Invalid) as caught:
        write(engine, updates.withdraw, principal=p["review_a"], assessment_id=published, reason="  ")
    assert caught.value.by_field() == {"reason": ["Say why it is withdrawn: the history shows it."]}
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
    assert caught.value.by_field() == {"comment": ["Say what should change before it can be published."]}
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
        ({"evidence": []}, "evidence", "Cite at least one evidence item, or add a new one"),
        ({"evidence": ["no-such-evidence"]}, "evidence", "No evidence item you may cite has the id 'no-such-evidence'"),
        ({"addressee": "destination-governments"}, "addressee", "This recommendation (mmn2016-04) asks nothing of"),
        ({"rationale": "  "}, "rationale", "Fill in the rationale: it is empty."),
        ({"status": "finished"}, "status", "“finished” is not one of the choices for a status: Not assessed,"),
        ({"as_of": "2019-13-40"}, "as_of", "“2019-13-40” is not a day of the calendar"),
        ({"recommendation": "nowhere"}, "recommendation", "No recommendation has the id 'nowhere'."),
        (
            {"new_evidence": [{"title": "x", "date": "2023-01-01", "kind": "news", "summary": "s",
                               "url": "javascript:alert(1)"}]},
            "new_evidence.0.url",
            "Start the web address with http:// or https://.",
        ),
        ({"new_evidence": [{"title": "x", "date": "2023-01-01", "kind": "news", "summary": "s"}]},
         "new_evidence.0.url", "Give a web address or a citation for the evidence item."),
        ({"evidence": ["src2019-mrc-prey-veng"], "as_of": "2019-01-05"}, "evidence", "is dated after the As of date"),
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


def test_every_problem_of_the_whole_form_is_named_at_once_in_plain_words(world):
    """An empty form, and one with hostile text everywhere: each field's problem at once, none in pydantic's words
    (its rules on the whole record, e.g. "needs evidence", are named even when a field is also wrong)."""
    engine, p = world
    empty = form(status="", as_of="", rationale="", evidence=[])
    with pytest.raises(Invalid) as caught:
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=empty)
    found = caught.value.by_field()
    assert found["status"] == ["Choose a status."]
    assert found["as_of"] == ["Fill in the As of date (the date of the latest evidence): it is empty."]
    assert found["rationale"] == ["Fill in the rationale: it is empty."]
    assert set(found) == {"status", "as_of", "rationale"}  # no status chosen: no rule about its evidence yet

    hostile = "<script>x</script> ![i](http://x) [l](javascript:alert(1)) # h =cmd"
    item = {"title": hostile, "date": hostile, "kind": hostile, "url": hostile, "summary": ""}
    bad = form(status="in_progress", as_of=hostile, rationale=" ", evidence=[hostile], addressee=hostile,
               new_evidence=[item])  # fmt: skip
    with pytest.raises(Invalid) as caught:
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=bad)
    found = caught.value.by_field()
    assert {"as_of", "rationale", "evidence", "addressee", "new_evidence.0.date", "new_evidence.0.kind",
            "new_evidence.0.url", "new_evidence.0.summary"} <= set(found)  # fmt: skip
    words = " ".join(m for messages in found.values() for m in messages)
    for pydantic_words in ("String should", "Input should", "validation error", "pydantic", "Value error"):
        assert pydantic_words not in words
    assert all(m[0].isupper() or m[0] in "“'" for m in words.split(". ") if m), words


def test_the_rule_on_the_whole_record_is_named_with_the_field_problems(world):
    engine, p = world
    with pytest.raises(Invalid) as caught:
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(evidence=[], rationale=""))
    found = caught.value.by_field()
    assert found["rationale"] == ["Fill in the rationale: it is empty."]
    assert found["evidence"][0].startswith("Cite at least one evidence item")


@pytest.mark.parametrize(
    ("given", "recorded", "refusal"),
    [
        ("rgc", "rgc", None),
        ("RGC", "rgc", None),
        (" rgc ", "rgc", None),
        ("MoLVT", None, "This recommendation (mmn2016-04) asks nothing of molvt"),  # an actor, not asked here
        ("Ministry", None, "No organisation or body has the id or acronym 'Ministry'. This recommendation asks: "
                           "Royal Government of Cambodia (RGC), id rgc"),
    ],
)  # fmt: skip
def test_an_addressee_is_named_by_its_id_or_acronym_in_any_case(world, given, recorded, refusal):
    engine, p = world
    if refusal is None:
        new = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(addressee=given))
        with engine.connect() as conn:
            assert conn.execute(select(A.c.addressee_id).where(A.c.id == new)).scalar_one() == recorded
        return
    with pytest.raises(Invalid) as caught:
        write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(addressee=given))
    (message,) = caught.value.by_field()["addressee"]
    assert refusal in message and "pattern" not in message


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


def test_the_app_hashes_passwords_with_argon2id_at_its_full_cost():
    """The tests hash at argon2's smallest cost (conftest); the app itself at 64 MiB, 3 passes, 4 lanes."""
    stored = APP_HASHER.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert APP_HASHER.verify(PASSWORD, stored) and not APP_HASHER.verify(PASSWORD + "x", stored)


def test_users_need_a_valid_role_organisation_email_and_long_password(world):
    engine, p = world
    cases = [
        ({"email": "admin@example.org", "role": "admin"}, "email", "already exists"),
        ({"email": "ADMIN@Example.org ", "role": "admin"}, "email", "already exists"),
        ({"email": "x@y.org", "role": "boss"}, "role", "Unknown role"),
        (
            {"email": "x@y.org", "role": "contributor", "organisation": "nowhere"},
            "organisation",
            "Unknown organisation",
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
    assert sql.rows(target, status.overall(None, [REC], by_index=status.picks_by_index(target))) == sql.rows(
        engine, status.overall(None, [REC], by_index=status.picks_by_index(engine))
    )


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_the_users_command_line(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, run_cli

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return run_cli(*args, env=env, stdin=stdin)

    assert run("load").returncode == 0
    # the first through the real entry point: the password read from a pipe and hashed at the app's full cost
    command = [sys.executable, "-m", "recommendations", "users", "add", "Admin@Example.org", "--role", "admin",
               "--password-stdin"]  # fmt: skip
    added = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, input=PASSWORD + "\n", capture_output=True,
                           text=True)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "added admin@example.org as admin" in added.stdout
    refusals = [
        (("users", "add", "admin@example.org", "--role", "admin", "--password-stdin"), "already exists"),
        (("users", "add", "x@y.org", "--role", "boss", "--password-stdin"), "Unknown role 'boss'"),
        (("users", "add", "x@y.org", "--role", "contributor", "--organisation", "nowhere", "--password-stdin"),
         "Unknown organisation 'nowhere'"),
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


def test_the_stale_list_says_where_the_organisations_own_draft_stands(world):
    engine, p = world
    today = dt.date(2026, 12, 1)
    write(engine, updates.record_assessment, principal=p["review_a"], form=form(as_of="2023-03-01", publish=True))
    assert workspace.stale(engine, p["contrib_a"], today=today)["your_draft"].tolist() == [""]
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"],
                  form=form(status="partially_implemented", as_of="2024-01-01"))  # fmt: skip
    stale = workspace.stale(engine, p["contrib_a"], today=today)
    assert stale["your_draft"].tolist() == ["waiting for review: Partially implemented as of 2024-01-01"]
    write(engine, updates.review, principal=p["review_a"], assessment_id=draft, decision="returned", comment="Why?")
    stale = workspace.stale(engine, p["contrib_a"], today=today)
    assert stale["your_draft"].tolist() == ["returned by a reviewer, to revise: Partially implemented as of 2024-01-01"]
    other = workspace.stale(engine, p["contrib_b"], today=today)
    assert other.empty  # LSCW neither drafted nor is asked it: another organisation's draft is not its business


def test_drafts_are_counted_by_where_they_stand(world):
    engine, p = world
    counts_of = lambda who: {k: len(v) for k, v in workspace.drafts_by_state(engine, p[who]).items()}  # noqa: E731
    assert counts_of("contrib_a") == {"waiting": 0, "returned": 0}
    first = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())
    write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(as_of="2024-01-01"))
    write(engine, updates.review, principal=p["review_a"], assessment_id=first, decision="returned", comment="Why?")
    write(engine, updates.record_assessment, principal=p["review_a"], form=form(as_of="2024-02-01", publish=True))
    assert counts_of("contrib_a") == {"waiting": 1, "returned": 1}  # the published one is no draft
    assert counts_of("review_a") == {"waiting": 1, "returned": 1}  # the organisation's, whoever recorded them
    assert counts_of("contrib_b") == {"waiting": 0, "returned": 0}


def test_suggestions_are_open_asks_on_the_organisations_themes_it_has_not_assessed(world):
    engine, p = world
    everything = workspace.suggestions(engine, p["contrib_a"])
    assert everything.themes == []  # CWCC is asked nothing and has assessed nothing: every open ask
    table = recommendation_table(engine)
    open_ids = {i for i, s, k in zip(table["id"], table["status"], table["kind"], strict=True)
                if status.is_open_ask(s, k)}  # fmt: skip
    assert set(everything.asks["id"]) == open_ids and REC in open_ids
    assert everything.asks["year"].is_monotonic_decreasing  # the latest meetings first

    write(engine, updates.record_assessment, principal=p["contrib_a"], form=form())  # a draft on recruitment
    mine = workspace.suggestions(engine, p["contrib_a"])
    assert mine.themes == ["Recruitment and fees"]
    assert REC not in set(mine.asks["id"])  # a draft counts as assessed by the organisation
    themed = table[table["theme_ids"].map(lambda ids: "recruitment" in ids)]
    assert set(mine.asks["id"]) == (set(themed["id"]) & open_ids) - {REC}
    assert workspace.suggestions(engine, p["contrib_b"]).themes == []  # LSCW's suggestions are its own


def test_the_audit_log_names_accounts_by_email_and_reads_values(world):
    engine, p = world
    with engine.begin() as conn:
        accounts.set_role(conn=conn, principal=p["admin"], email="contrib@lscw.example", role="reviewer")
    log = workspace.audit_log(engine, p["admin"], action="set role")
    (row,) = log.to_dict("records")
    assert row["record_id"] == "contrib@lscw.example"
    assert row["changes"].startswith("role: contributor → reviewer\n")
    added = workspace.audit_log(engine, p["admin"], action="add user")
    assert set(added["record_id"]) >= {"admin@example.org", "contrib@cwcc.example"}


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
