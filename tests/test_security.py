"""A catalogue of attacks on the tracker, made as an outsider and as each kind of user would, on SQLite and on a
real PostgreSQL server: drafts leaking into public outputs, permissions, the history's append-only guard, log-in
counters under parallel attempts, sessions that outlive what ended them, look-alike accounts, LIKE wildcards,
evidence corrections and uploads that cost the server. (The pages: tests/test_app_security.py; the browser:
tests/e2e/test_security_browser.py.)
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from models import AppUser, Assessment, AuditEntry, LoginAttempt, UserSession
from models.append_only import KEYS
from recommendations import permissions, sql, status, visibility
from recommendations.dataset import export
from recommendations.permissions import Action, PermissionDenied, Principal
from recommendations.read import brief
from recommendations.read.detail import disagreements, recommendation_detail
from recommendations.read.table import recommendation_table
from recommendations.write import accounts, auth, corrections, curation, updates, workspace
from recommendations.write.errors import Invalid
from recommendations.write.updates import AssessmentForm
from tests import bounded
from tests.conftest import ROOT, run_cli
from tests.helpers import session_for, snapshot

PASSWORD = "correct horse battery staple"
REC = "mmn2016-04"  # a recommendation with no status yet
MARK = "ZQXMARK"  # in every draft, return comment and proposal: must never reach the public


def write(engine, function, **arguments):
    with engine.begin() as conn:
        return function(conn=conn, **arguments)


@pytest.fixture
def world(loaded_engine):
    """Accounts of two organisations, an admin, a disabled and an expired one, each logged in once."""
    engine = loaded_engine
    cli = Principal.command_line()
    logins = {
        "contrib_a": ("contrib@cwcc.example", "contributor", "cwcc"),
        "review_a": ("review@cwcc.example", "reviewer", "cwcc"),
        "contrib_b": ("contrib@lscw.example", "contributor", "lscw"),
        "review_b": ("review@lscw.example", "reviewer", "lscw"),
        "admin": ("admin@example.org", "admin", None),
        "admin2": ("admin2@example.org", "admin", "cwcc"),
        "disabled": ("gone@cwcc.example", "reviewer", "cwcc"),
        "expired": ("late@cwcc.example", "reviewer", "cwcc"),
    }
    people: dict[str, Principal | None] = {"public": None}
    with engine.begin() as conn:
        for email, role, org in logins.values():
            accounts.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
    for key, (email, _, _) in logins.items():
        with engine.begin() as conn:
            people[key] = auth.principal_for(conn, session_for(conn, email))
    write(engine, accounts.disable_user, principal=cli, email="gone@cwcc.example")
    with engine.begin() as conn:
        sessions = UserSession.__table__
        conn.execute(
            update(sessions)
            .where(sessions.c.id == people["expired"].session_id)
            .values(expires_at=dt.datetime(2020, 1, 1))
        )
    return engine, people


def form(**changes) -> AssessmentForm:
    values = {"recommendation": REC, "status": "in_progress", "as_of": "2023-03-01",
              "rationale": "A template was piloted.", "evidence": ["src2019-mrc-prey-veng"]}  # fmt: skip
    values.update(changes)
    return AssessmentForm(**values)


# --- one visibility rule: markers in every draft, looked for in every public output ------------------------


@pytest.fixture
def drafts(world):
    """Drafts, a returned draft, a reviewer's comments and a proposed correction, each carrying MARK."""
    engine, p = world
    new = {"title": f"{MARK} draft-only evidence", "date": "2023-02-01", "kind": "news",
           "url": f"https://example.org/{MARK}-url", "summary": f"{MARK} summary of a draft-only item"}  # fmt: skip
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"],
                  form=form(rationale=f"{MARK} draft rationale", evidence=[], new_evidence=[new]))  # fmt: skip
    returned = write(engine, updates.record_assessment, principal=p["contrib_a"],
                     form=form(as_of="2023-04-01", rationale=f"{MARK} returned rationale"))  # fmt: skip
    write(engine, updates.review, principal=p["review_a"], assessment_id=returned, decision="returned",
          comment=f"{MARK} return comment")  # fmt: skip
    published = write(engine, updates.record_assessment, principal=p["contrib_a"],
                      form=form(as_of="2023-05-01", rationale="Published after review."))  # fmt: skip
    write(engine, updates.review, principal=p["review_a"], assessment_id=published, decision="published",
          comment=f"{MARK} publish comment")  # fmt: skip
    write(engine, updates.record_assessment, principal=p["contrib_a"],
          form=form(as_of="2023-06-01", supersedes=published, supersede_reason=f"{MARK} correction reason",
                    rationale=f"{MARK} correction draft"))  # fmt: skip
    with engine.connect() as conn:
        seen = conn.execute(select(updates.E.c.version).where(updates.E.c.id == "src2019-mrc-prey-veng")).scalar_one()
    write(engine, corrections.correct_evidence, principal=p["contrib_b"], evidence_id="src2019-mrc-prey-veng",
          seen_version=seen, changes={"title": f"{MARK} proposed title"}, reason=f"{MARK} proposal reason")  # fmt: skip
    for n, decision in ((1, None), (2, "returned")):  # documents added in the app: one waiting, one returned
        source = {"id": f"2023-{MARK.lower()}-{n}", "title": f"{MARK} draft document {n}", "date": "2023-05-02",
                  "kind": "cso_statement", "organisers": ["cwcc"], "language": "en"}  # fmt: skip
        text = f"Statement {n}\n\n1. The Royal Government should publish the {MARK} fees of document {n}.\n"
        rows = [{"number": "1", "text": f"The Royal Government should publish the {MARK} fees of document {n}.",
                 "title": f"{MARK} ask {n}", "themes": "recruitment", "addressees": "rgc"}]  # fmt: skip
        document = write(engine, curation.submit_document, principal=p["contrib_a"], source=source,
                         full_text=text, rows=rows)  # fmt: skip
        if decision:
            write(engine, curation.review_document, principal=p["review_a"], draft_id=document, decision=decision,
                  comment=f"{MARK} document return comment")  # fmt: skip
    return engine, p, draft, published


def unpacked(blob: bytes) -> str:
    """Everything a file holds as text (the members of a zip: XLSX, DOCX, the YAML archive)."""
    if blob[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return blob.decode("utf-8", "replace")


def public_outputs(engine, viewer: visibility.Viewer) -> dict[str, str]:
    """Every output a reader can take away, as ``viewer`` gets it."""
    out = {fmt: unpacked(export.export(engine, fmt, None, None, viewer)) for fmt in ("json", "csv", "xlsx")}
    out["yaml zip"] = unpacked(export.yaml_zip(engine, viewer))
    every = brief.build_brief(engine, themes=[], addressees=[], meeting_date=dt.date(2026, 12, 1))
    out["brief markdown"] = brief.brief_markdown(every)
    out["brief docx"] = unpacked(brief.brief_docx(every))
    out["brief rows"] = unpacked(export.to_xlsx_bytes({"brief": brief.brief_rows(every)}))
    detail = recommendation_detail(engine, REC)
    out["detail"] = repr(detail.history.to_dict()) + repr(detail.evidence.to_dict()) + repr(detail.record)
    out["table"] = recommendation_table(engine).to_json()
    out["disagreements"] = disagreements(engine).to_json()
    return out


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_no_draft_reaches_any_public_output(drafts):
    engine, p, draft, published = drafts
    for name, content in public_outputs(engine, visibility.PUBLIC).items():
        assert MARK not in content, f"a draft's words in the public {name}"
    for name, content in public_outputs(engine, visibility.Viewer.of(p["review_b"])).items():
        assert MARK not in content, f"another organisation's draft in {name}"
    # the published draft counts, its reviewer's comment does not show
    assert (
        sql.rows(engine, status.overall(None, [REC], by_index=status.picks_by_index(engine)))[0]["assessment_id"]
        == published
    )
    public_zip = unpacked(export.yaml_zip(engine, visibility.PUBLIC))
    assert published in public_zip and draft not in public_zip


def test_the_organisation_sees_its_own_drafts_and_the_backup_holds_everything(drafts):
    """The control: the markers are there to be found, by the organisation and in the maintainer's backup."""
    engine, p, _, _ = drafts
    own = unpacked(export.yaml_zip(engine, visibility.Viewer.of(p["contrib_a"])))
    for words in ("draft rationale", "return comment", "publish comment", "draft-only evidence", "correction reason"):
        assert f"{MARK} {words}" in own, words
    assert f"{MARK} draft-only evidence" in unpacked(export.workbook(engine, None, visibility.Viewer.of(p["review_a"])))
    backup = unpacked(export.yaml_zip(engine, visibility.EVERYTHING))
    assert f"{MARK} return comment" in backup and f"{MARK} draft rationale" in backup


def test_the_command_line_backup_is_whole_and_its_public_copy_is_not(drafts, tmp_path):
    engine, _, _, _ = drafts
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    for flag, leaks in (([], True), (["--public"], False)):
        out = tmp_path / ("public" if flag else "backup")
        done = run_cli("export", "--format", "yaml", "--out", str(out), *flag, env=env)
        assert done.returncode == 0, done.stderr
        written = "".join(f.read_text() for f in out.rglob("*.yaml"))
        assert (MARK in written) is leaks


def test_another_organisations_draft_evidence_cannot_be_seen_cited_or_corrected(drafts):
    engine, p, draft, _ = drafts
    with engine.connect() as conn:
        (hidden,) = conn.execute(select(updates.AE.c.evidence_id).where(updates.AE.c.assessment_id == draft)).scalars()
    for who in ("contrib_b", "review_b", "public"):
        offered = dict(workspace.evidence_choices(engine, p[who], REC, MARK))
        assert hidden not in offered and not any(MARK in label for label in offered.values())
        assert workspace.evidence_item(engine, p[who], hidden) is None
    assert hidden in dict(workspace.evidence_choices(engine, p["contrib_a"], REC, MARK))
    with pytest.raises(Invalid, match="No evidence item you may cite has the id"):  # nor cited by a guessed id
        write(engine, updates.record_assessment, principal=p["review_b"], form=form(evidence=[hidden], publish=True))
    with pytest.raises(Invalid, match="No evidence item you may see has the id"):
        write(engine, corrections.correct_evidence, principal=p["review_b"], evidence_id=hidden, seen_version=1,
              changes={"title": "mine now"}, reason="x")  # fmt: skip


# --- the permission grid -----------------------------------------------------------------------------------


@pytest.fixture
def targets(world):
    """Records of CWCC to act on: a draft, a published assessment, an evidence item it recorded and a proposal."""
    engine, p = world
    new = {"title": "CWCC's item", "date": "2023-02-01", "kind": "news", "url": "https://example.org/cwcc",
           "summary": "An item CWCC recorded."}  # fmt: skip
    published = write(engine, updates.record_assessment, principal=p["review_a"],
                      form=form(evidence=[], new_evidence=[new], publish=True))  # fmt: skip
    draft = write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(as_of="2023-04-01"))
    with engine.connect() as conn:
        (item,) = conn.execute(
            select(updates.AE.c.evidence_id).where(updates.AE.c.assessment_id == published)
        ).scalars()
    proposal = write(engine, corrections.correct_evidence, principal=p["contrib_b"], evidence_id=item, seen_version=1,
                     changes={"title": "CWCC's item, corrected"}, reason="typo").correction_id  # fmt: skip
    return {"published": published, "draft": draft, "item": item, "proposal": proposal}


# function -> (the action it needs, the organisation of the record it acts on, the call)
GRID = {
    "record_assessment": (Action.RECORD, "own", lambda t: (updates.record_assessment, {"form": form()})),
    "publish at once": (Action.PUBLISH, "own", lambda t: (updates.record_assessment, {"form": form(publish=True)})),
    "review": (Action.REVIEW, "cwcc", lambda t: (updates.review, {"assessment_id": t["draft"],
                                                                  "decision": "published"})),
    "withdraw": (Action.WITHDRAW, "cwcc", lambda t: (updates.withdraw, {"assessment_id": t["published"],
                                                                        "reason": "misread"})),
    "correct_evidence": (Action.PROPOSE_CORRECTION, "cwcc", lambda t: (corrections.correct_evidence, {
        "evidence_id": t["item"], "seen_version": 1, "changes": {"summary": "Reworded."}, "reason": "typo"})),
    "decide_correction": (Action.DECIDE_CORRECTION, "cwcc", lambda t: (corrections.decide_correction, {
        "correction_id": t["proposal"], "decision": "published"})),
    "add_organisation": (Action.MANAGE_ORGANISATIONS, None, lambda t: (accounts.add_organisation, {
        "data": {"name": "New Coalition", "type": "cso"}})),
    "edit_organisation": (Action.MANAGE_ORGANISATIONS, None, lambda t: (accounts.edit_organisation, {
        "actor_id": "cwcc", "seen_version": 1, "changes": {"note": "renamed"}})),
    "create_user": (Action.MANAGE_USERS, None, lambda t: (accounts.create_user, {
        "email": "new@cwcc.example", "role": "contributor", "password": PASSWORD, "organisation": "cwcc"})),
    "set_role": (Action.MANAGE_USERS, None, lambda t: (accounts.set_role, {"email": "contrib@cwcc.example",
                                                                          "role": "reviewer"})),
    "disable_user": (Action.MANAGE_USERS, None, lambda t: (accounts.disable_user, {"email": "contrib@cwcc.example"})),
    "enable_user": (Action.MANAGE_USERS, None, lambda t: (accounts.enable_user, {"email": "gone@cwcc.example"})),
    "set_password": (Action.MANAGE_USERS, None, lambda t: (accounts.set_password, {
        "email": "contrib@cwcc.example", "password": "another long passphrase"})),
    "list_users": (Action.MANAGE_USERS, None, lambda t: (accounts.list_users, {})),
}  # fmt: skip
READS = {  # the read side for people who log in: function(engine, principal)
    "review_queue": (Action.REVIEW, "own", workspace.review_queue),
    "drafts": (Action.VIEW_DRAFTS, "own", workspace.drafts),
    "standing_of": (Action.VIEW_DRAFTS, "own", workspace.standing_of),
    "stale": (Action.VIEW_DRAFTS, "own", workspace.stale),
    "users": (Action.MANAGE_USERS, None, workspace.users),
    "audit_log": (Action.VIEW_AUDIT, None, workspace.audit_log),
    "correction_queue": (Action.DECIDE_CORRECTION, "own", workspace.correction_queue),
}
PEOPLE = ("public", "contrib_a", "review_a", "contrib_b", "review_b", "admin", "disabled", "expired")


def expected(p: dict, who: str, action: Action, organisation: str | None) -> bool:
    """What the permission table says (a disabled or expired account may do nothing)."""
    principal = p[who]
    if principal is None or who in ("disabled", "expired"):
        return False
    if organisation == "own":
        return permissions.may(principal, action)
    if organisation is None:
        return permissions.may(principal, action) and permissions.scope_of(principal, action) == permissions.Scope.ANY
    return permissions.allowed(principal, action, organisation)


@pytest.mark.parametrize("name", sorted(GRID))
def test_every_write_is_allowed_exactly_where_the_permission_table_says(world, targets, name):
    engine, p = world
    action, organisation, call = GRID[name]
    before = snapshot(engine)
    for who in PEOPLE:
        function, arguments = call(targets)
        with engine.connect() as conn:
            transaction = conn.begin()
            try:
                function(conn=conn, principal=p[who], **arguments)
                outcome = True
            except PermissionDenied:
                outcome = False
            except Invalid as exc:  # another organisation's record is not named to them: "unknown ..."
                assert "unknown" in str(exc).lower(), f"{name} as {who}: {exc}"
                outcome = False
            finally:
                transaction.rollback()
        assert outcome == expected(p, who, action, organisation), f"{name} as {who}"
    assert snapshot(engine) == before  # every call was rolled back: the grid changed nothing


@pytest.mark.parametrize("name", sorted(READS))
def test_every_private_read_is_allowed_exactly_where_the_permission_table_says(world, name):
    engine, p = world
    action, organisation, function = READS[name]
    for who in PEOPLE:
        if who in ("disabled", "expired"):
            continue  # the pages never hold their principal: ui.principal() reads the session again first
        try:
            function(engine, p[who])
            outcome = True
        except PermissionDenied:
            outcome = False
        assert outcome == expected(p, who, action, organisation), f"{name} as {who}"


def test_a_page_cannot_lend_a_principal_more_than_the_database_says(world):
    """The role, organisation and user id a write acts with are read from the session record, never the caller."""
    engine, p = world
    forged = Principal(
        p["contrib_a"].user_id, "x@x", "x", permissions.Role.ADMIN, "lscw", session_id=p["contrib_a"].session_id
    )
    with pytest.raises(PermissionDenied, match="A contributor may not manage users"):
        write(engine, accounts.create_user, principal=forged, email="new@x.example", role="admin", password=PASSWORD)
    made = write(engine, updates.record_assessment, principal=forged, form=form())
    with engine.connect() as conn:
        row = conn.execute(select(Assessment.__table__).where(Assessment.__table__.c.id == made)).one()
    assert row.assessor_id == "cwcc"  # the account's organisation, not the one the caller claimed
    stranger = Principal(None, "x@x", "x", permissions.Role.ADMIN, None, session_id="not-a-session")
    with pytest.raises(PermissionDenied, match="session has ended"):
        write(engine, accounts.list_users, principal=stranger)


# --- sessions, accounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda cli: (accounts.set_role, {"email": "review@cwcc.example", "role": "contributor"}),
        lambda cli: (accounts.set_password, {"email": "review@cwcc.example", "password": "a brand new passphrase"}),
        lambda cli: (accounts.disable_user, {"email": "review@cwcc.example"}),
    ],
)
def test_a_new_role_a_new_password_or_a_disabled_account_ends_every_session(world, change):
    engine, p = world
    with engine.begin() as conn:  # a second session of the same account, in another browser
        second = auth.principal_for(conn, auth.login(conn, "review@cwcc.example", PASSWORD, client="phone"))
    function, arguments = change(None)
    write(engine, function, principal=Principal.command_line(), **arguments)
    for session in (p["review_a"], second):
        with pytest.raises(PermissionDenied, match=r"session has ended|disabled"):
            write(engine, updates.record_assessment, principal=session, form=form(publish=True))
    with engine.connect() as conn:
        live = conn.execute(
            select(UserSession.__table__.c.id).where(
                UserSession.__table__.c.user_id == p["review_a"].user_id, UserSession.__table__.c.ended_at.is_(None)
            )
        ).all()
    assert live == []


def test_the_last_admin_cannot_be_disabled_or_demoted(world):
    engine, p = world
    write(engine, accounts.disable_user, principal=p["admin"], email="admin2@example.org")
    with pytest.raises(Invalid, match="last active admin"):
        write(engine, accounts.disable_user, principal=Principal.command_line(), email="admin@example.org")
    with pytest.raises(Invalid, match="last active admin"):
        write(engine, accounts.set_role, principal=Principal.command_line(), email="admin@example.org", role="reviewer")
    write(engine, accounts.enable_user, principal=p["admin"], email="admin2@example.org")
    write(engine, accounts.set_role, principal=Principal.command_line(), email="admin2@example.org", role="reviewer")
    with engine.connect() as conn:
        roles = dict(conn.execute(select(AppUser.__table__.c.email, AppUser.__table__.c.role)).all())
    assert roles["admin@example.org"] == "admin" and roles["admin2@example.org"] == "reviewer"


@pytest.mark.parametrize(
    ("email", "name", "words"),
    [
        ("review\u200b@cwcc.example", None, "invisible"),
        ("rеview@cwcc.example", None, "non-ASCII"),  # a Cyrillic е
        ("REVIEW@cwcc.example", None, "already exists"),
        ("new@cwcc.example", "Sok\u200bDara", "invisible"),
        ("nul\x00@cwcc.example", None, "invisible"),
    ],
)
def test_look_alike_accounts_are_refused(world, email, name, words):
    engine, p = world
    with pytest.raises(Invalid, match=words):
        write(engine, accounts.create_user, principal=p["admin"], email=email, role="contributor", password=PASSWORD,
              name=name, organisation="cwcc")  # fmt: skip


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"name": "Cambodian Women's Crisis Center", "acronym": "СWCC", "type": "cso"}, "look-alike"),
        ({"name": "C.W.C.C.", "type": "cso"}, "looks the same as the existing organisation"),
        ({"name": "cwcc", "id": "cwcc-2", "type": "cso"}, "looks the same"),
        ({"name": "New\u200bCoalition", "type": "cso"}, "invisible"),
    ],
)
def test_look_alike_organisations_are_refused(world, data, words):
    engine, p = world
    with pytest.raises(Invalid, match=words):
        write(engine, accounts.add_organisation, principal=p["admin"], data=data)


def test_a_nul_in_a_log_in_email_is_a_wrong_log_in_not_a_database_error(world):
    engine, _ = world
    with engine.begin() as conn, pytest.raises(auth.LoginRefused, match="Wrong email or password"):
        auth.login(conn, "admin@example.org\x00", PASSWORD, client="x\x00y")


# --- log-in counters under parallel attempts -----------------------------------------------------------------


def _parallel(engine, attempts: list[tuple[str, str, str]]) -> list[str]:
    """Log-ins sent at the same moment from threads, each on its own connection: each one's outcome."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = [""] * len(attempts)

    def attempt(n: int, email: str, password: str, client: str) -> None:
        barrier.wait()
        try:
            with engine.begin() as conn:
                try:
                    auth.login(conn, email, password, client=client)
                    outcomes[n] = "in"
                except auth.LoginRefused as exc:
                    outcomes[n] = str(exc)
        except Exception as exc:
            outcomes[n] = f"error: {exc}"

    threads = [threading.Thread(target=attempt, args=(n, *a)) for n, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_ten_wrong_passwords_at_once_check_five_and_lock_the_account(world):
    engine, _ = world
    outcomes = _parallel(engine, [("contrib@cwcc.example", "wrong password!!", f"c{n}") for n in range(10)])
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    attempts = LoginAttempt.__table__
    with engine.connect() as conn:
        checked = conn.execute(
            select(attempts.c.id).where(attempts.c.email == "contrib@cwcc.example", attempts.c.succeeded.is_(False))
        ).all()
        locked = conn.execute(
            select(AppUser.__table__.c.locked_until).where(AppUser.__table__.c.email == "contrib@cwcc.example")
        ).scalar()
        locks = conn.execute(select(AuditEntry.__table__.c.id).where(AuditEntry.__table__.c.action == "lock account"))
        assert len(locks.all()) == 1
    assert len(checked) == 5  # the sixth and later found the account locked before their password was checked
    assert locked is not None
    assert sum("locked" in o for o in outcomes) == 6  # the fifth says so too


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_thirty_attempts_at_once_from_one_client_check_no_more_than_its_limit(world, configure):
    engine, _ = world
    configure(client_failure_limit=20)
    outcomes = _parallel(engine, [(f"nobody{n}@example.org", "wrong password!!", "10.9.9.9") for n in range(30)])
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    with engine.connect() as conn:
        checked = conn.execute(select(LoginAttempt.__table__.c.id).where(LoginAttempt.__table__.c.client == "10.9.9.9"))
        assert len(checked.all()) == 20
    assert sum("Too many failed log-ins" in o for o in outcomes) == 10


# --- the history: every SQL verb that could change a recorded row ---------------------------------------------


def _verbs(dialect: str, table: str, key: tuple[str, ...]) -> dict[str, str]:
    column = {"assessment": "rationale", "assessment_evidence": "position", "assessment_review": "comment",
              "audit_log": "who", "evidence_correction": "reason", "evidence_correction_review": "comment",
              "sso_login": "session_id", "curation_draft": "recorded_by",
              "curation_review": "comment"}[table]  # fmt: skip
    value = "0" if column == "position" else "'rewritten'"
    first = f"(SELECT * FROM {table} LIMIT 1)"
    copy = f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1"
    verbs = {
        "UPDATE": f"UPDATE {table} SET {column} = {value}",
        "DELETE": f"DELETE FROM {table}",
        "INSERT over a recorded key": copy,
        "upsert": f"{copy} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {column} = {value}",
        "upsert doing nothing": f"{copy} ON CONFLICT DO NOTHING",
    }
    if dialect == "sqlite":
        verbs.update({
            "INSERT OR REPLACE": f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} LIMIT 1",
            "REPLACE": f"REPLACE INTO {table} SELECT * FROM {table} LIMIT 1",
            "UPDATE OR REPLACE": f"UPDATE OR REPLACE {table} SET {column} = {value}",
        })  # fmt: skip
        # SQLite's upsert after a SELECT needs a WHERE clause (its grammar is otherwise ambiguous)
        copy = f"INSERT INTO {table} SELECT * FROM {table} WHERE true LIMIT 1"
        verbs["upsert"] = f"{copy} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {column} = {value}"
        verbs["upsert doing nothing"] = f"{copy} ON CONFLICT DO NOTHING"
    else:
        verbs.update({
            "TRUNCATE": f"TRUNCATE {table} CASCADE",
            "MERGE update": f"MERGE INTO {table} t USING {first} s ON ({' AND '.join(f't.{k} = s.{k}' for k in key)}) "
                            f"WHEN MATCHED THEN UPDATE SET {column} = {value}",
            "MERGE delete": f"MERGE INTO {table} t USING {first} s ON ({' AND '.join(f't.{k} = s.{k}' for k in key)}) "
                            "WHEN MATCHED THEN DELETE",
        })  # fmt: skip
    return verbs


@pytest.mark.parametrize("table", sorted(KEYS))
def test_the_history_refuses_every_verb_that_could_change_a_row(drafts, table):
    engine, p, _, _ = drafts
    if table == "evidence_correction_review" or table == "sso_login":
        with engine.begin() as conn:  # make sure the table holds a row to attack
            if table == "sso_login":
                conn.execute(text("INSERT INTO sso_login (token_id, user_id, session_id, at) "
                                  "VALUES ('t', :u, 's', '2026-01-01')"), {"u": p["admin"].user_id})  # fmt: skip
    if table == "evidence_correction_review":
        queue = workspace.correction_queue(engine, p["admin"])
        write(engine, corrections.decide_correction, principal=p["admin"], correction_id=queue.iloc[0]["id"],
              decision="returned", comment="no")  # fmt: skip
    before = snapshot(engine, table)[table]
    assert before, f"{table} holds no row to attack"
    for verb, statement in _verbs(engine.dialect.name, table, KEYS[table][0]).items():
        with pytest.raises(Exception, match=r"append-only|part of the history") as caught, engine.begin() as conn:
            conn.execute(text(statement.replace("%", "%%") if engine.dialect.name == "postgresql" else statement))
        assert "history" in str(caught.value), verb
        assert snapshot(engine, table)[table] == before, verb


# --- LIKE wildcards ------------------------------------------------------------------------------------------


def test_percent_and_underscore_match_only_themselves(world):
    engine, p = world
    texts = {r["id"]: f"{r['title']} {r['summary']}".lower() for r in sql.rows(engine, select(updates.E))}
    for wildcard in ("%", "_", "\\"):
        found = workspace.evidence_choices(engine, p["contrib_a"], "no-such-recommendation", wildcard, limit=500)
        assert all(wildcard in texts[i] for i, _ in found), wildcard  # only items that hold the character itself
        assert len(found) < len(texts) / 2
    everything = workspace.evidence_choices(engine, p["contrib_a"], "no-such-recommendation", "a", limit=500)
    assert len(everything) > 10  # the control: an ordinary word does match
    assert all("%" in f"{r} " for r, _ in workspace.search_recommendations(engine, "%")) or not (
        workspace.search_recommendations(engine, "%")
    )
    assert workspace.search_recommendations(engine, "_no_such_") == []
    assert workspace.audit_log(engine, p["admin"], who="%").empty
    assert workspace.audit_log(engine, p["admin"], who="_").empty
    assert not workspace.audit_log(engine, p["admin"], who="command l").empty  # the control


# --- evidence corrections ------------------------------------------------------------------------------------


def test_others_propose_the_owner_publishes_and_the_old_values_stay(world, targets):
    engine, p = world
    item, proposal = targets["item"], targets["proposal"]
    title = lambda: sql.rows(engine, select(updates.E.c.title).where(updates.E.c.id == item))[0]["title"]  # noqa: E731
    assert title() == "CWCC's item"  # a proposal changes nothing
    with pytest.raises(PermissionDenied):
        write(
            engine, corrections.decide_correction, principal=p["review_b"], correction_id=proposal, decision="published"
        )
    with pytest.raises(PermissionDenied):  # an admin decides for the curated dataset only
        write(engine, corrections.decide_correction, principal=p["admin"], correction_id=proposal,
              decision="published")  # fmt: skip
    assert len(workspace.correction_queue(engine, p["review_a"])) == 1
    write(engine, corrections.decide_correction, principal=p["review_a"], correction_id=proposal, decision="published")
    assert title() == "CWCC's item, corrected"
    history = workspace.corrections_of(engine, item)
    assert history.iloc[0]["before"]["title"] == "CWCC's item"
    with pytest.raises(Invalid, match="already decided"):
        write(engine, corrections.decide_correction, principal=p["review_a"], correction_id=proposal,
              decision="returned", comment="x")  # fmt: skip
    direct = write(engine, corrections.correct_evidence, principal=p["review_a"], evidence_id=item,
                   seen_version=2,
                   changes={"summary": "Reworded by its own organisation."}, reason="clearer")  # fmt: skip
    assert direct.published and direct.version == 3
    by_contributor = write(engine, corrections.correct_evidence, principal=p["contrib_a"], evidence_id=item,
                           seen_version=3, changes={"summary": "A contributor's wording."}, reason="x")  # fmt: skip
    assert not by_contributor.published  # even of its own organisation's item: a reviewer publishes it


# --- uploads that cost the server ----------------------------------------------------------------------------

MEMORY_LIMIT = 190_000_000  # bytes of address space reading an upload may add (tests/bounded.py)
TIME_LIMIT = 30


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
@pytest.mark.parametrize("bomb", ["_dimension_bomb", "_entity_bomb", "_bomb"])
def test_upload_bombs_are_answered_quickly_in_bounded_memory(tmp_path, bomb):
    from tests import test_bulk

    path = tmp_path / "upload.xlsx"
    path.write_bytes(getattr(test_bulk, bomb)())
    answer = bounded.run(bounded.upload_answer, str(path), budget=MEMORY_LIMIT, seconds=TIME_LIMIT)
    if bomb == "_dimension_bomb":  # the one real row is read; the million the file claims are not
        assert answer == "read 1", answer
    else:
        assert answer.startswith("refused:"), answer


def test_a_rationale_too_long_or_with_a_nul_is_refused_at_the_form(world):
    engine, p = world
    before = snapshot(engine)
    for bad, words in (("x" * 1_000_001, "at most 50,000"), ("nul \x00 byte", "U+0000"), ("esc \x1b", "U+001B")):
        with pytest.raises(Invalid) as caught:
            write(engine, updates.record_assessment, principal=p["contrib_a"], form=form(rationale=bad))
        assert any(words in m for m in caught.value.by_field()["rationale"]), caught.value.by_field()
    assert snapshot(engine) == before


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_unicode_from_the_form_survives_export_validate_and_load(world, tmp_path, request, sqlite_engine):
    """Khmer with zero-width spaces, line separators, NEL, combining letters: what the form stores is what a load
    of its YAML backup gives back."""
    from recommendations.dataset.loader import load_folder
    from recommendations.dataset.validate import read_dataset
    from tests.helpers import content

    engine, p = world
    typed = "ការងារ\u200bចំណាកស្រុក\u2028line two\x85three\r\nfour Cafe\u0301 \t tab"
    new = {"title": "ចំណងជើង\u200bខ្មែរ Cafe\u0301", "date": "2023-02-01", "kind": "news",
           "url": "https://example.org/km", "summary": typed}  # fmt: skip
    made = write(engine, updates.record_assessment, principal=p["review_a"],
                 form=form(rationale=typed, new_evidence=[new], publish=True))  # fmt: skip
    with engine.connect() as conn:
        stored = conn.execute(
            select(Assessment.__table__.c.rationale).where(Assessment.__table__.c.id == made)
        ).scalar()
    assert stored == "ការងារ\u200bចំណាកស្រុក\nline two\nthree\nfour Café \t tab"
    out = tmp_path / "backup"
    export.write_yaml_layout(engine, out, visibility.EVERYTHING)
    assert read_dataset(out)[1] == []
    target = request.getfixturevalue("pg_engine") if engine.dialect.name == "sqlite" else sqlite_engine
    load_folder(out, target)
    assert content(target) == content(engine)


def test_the_page_list_of_pages_is_complete():
    """Every page file is checked by the page tests: a new page must be added to them (the grid above covers
    the functions the pages call)."""
    pages = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    from tests.test_app_security import PAGES

    assert sorted(Path(p).name for p in PAGES) == pages
