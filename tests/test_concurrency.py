"""Concurrent editors: appends are never lost or doubled; edits to shared records use a version check.

Real threads against SQLite and a real PostgreSQL server, each writer with its own connection and
transaction, all starting at once, for a fixed number of writes (rounds, not seconds: a busy machine must not
change what is tested). (Two app servers writing at once are in tests/e2e/test_servers.py.)
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from models import Actor, AuditEntry, Evidence
from recommendations.permissions import Principal
from recommendations.write import accounts, auth, corrections, updates
from recommendations.write.errors import Conflict
from recommendations.write.updates import AssessmentForm

pytestmark = pytest.mark.slow  # threads at once: left out of make test-fast

PASSWORD = "correct horse battery staple"
REC = "mmn2016-06"
AUDIT = AuditEntry.__table__
WRITES = 12  # each of eight writers (4 accounts twice): 96 writes at once (three seconds' worth was 550-730)


@pytest.fixture
def writers(loaded_engine):
    engine = loaded_engine
    cli = Principal.command_line()
    with engine.begin() as conn:
        for n, org in enumerate(["cwcc", "lscw", "mmn", "cwcc"]):
            accounts.create_user(
                conn=conn,
                principal=cli,
                email=f"r{n}@example.org",
                role="reviewer",
                password=PASSWORD,
                organisation=org,
            )
        accounts.create_user(conn=conn, principal=cli, email="admin@example.org", role="admin", password=PASSWORD)
    with engine.connect() as conn:
        people = [auth.principal_of_account(conn, f"r{n}@example.org") for n in range(4)]
        admin = auth.principal_of_account(conn, "admin@example.org")
    return engine, people, admin


def test_concurrent_appends_are_all_kept_once(writers):
    engine, people, _ = writers
    made: list[str] = []
    by_writer: dict[int, int] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(people) * 2)

    def work(principal: Principal, n: int) -> None:
        start.wait()
        for i in range(1, WRITES + 1):
            form = AssessmentForm(
                recommendation=REC, status="in_progress", as_of="2023-03-01",
                rationale=f"writer {n}, write {i}", evidence=["src2019-mrc-prey-veng"], publish=True,
            )  # fmt: skip
            try:
                with engine.begin() as conn:
                    ident = updates.record_assessment(conn=conn, principal=principal, form=form)
            except BaseException as exc:
                failures.append(exc)
                return
            with lock:
                made.append(ident)
                by_writer[n] = by_writer.get(n, 0) + 1

    threads = [threading.Thread(target=work, args=(p, n)) for n, p in enumerate(people * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
    assert by_writer == {n: WRITES for n in range(len(threads))}  # every writer saved every one of its writes
    assert len(set(made)) == len(made)
    from models import Assessment

    A = Assessment.__table__
    with engine.connect() as conn:
        stored = [r.id for r in conn.execute(select(A.c.id).where(A.c.origin == "app"))]
        audited = [
            r.record_id for r in conn.execute(select(AUDIT.c.record_id).where(AUDIT.c.action == "record assessment"))
        ]
    assert sorted(stored) == sorted(made)  # none lost, none doubled
    assert sorted(audited) == sorted(made)  # and the audit log says the same


def test_a_stale_evidence_edit_is_refused_with_who_and_when(writers):
    engine, people, admin = writers
    item = "src2019-mrc-prey-veng"  # curated data: an admin corrects it at once, others propose
    with engine.connect() as conn:
        seen = conn.execute(select(Evidence.__table__.c.version).where(Evidence.__table__.c.id == item)).scalar()
    with engine.begin() as conn:  # a proposal made against this version, not yet published
        proposal = corrections.correct_evidence(conn=conn, principal=people[1], evidence_id=item, seen_version=seen,
                                            changes={"title": "Proposed title"}, reason="typo")  # fmt: skip
    assert not proposal.published
    with engine.begin() as conn:
        done = corrections.correct_evidence(conn=conn, principal=admin, evidence_id=item, seen_version=seen,
                                        changes={"title": "First editor's title"}, reason="typo")  # fmt: skip
    assert done.published and done.version == seen + 1
    with pytest.raises(Conflict) as caught, engine.begin() as conn:  # a second edit of the version already changed
        corrections.correct_evidence(conn=conn, principal=people[0], evidence_id=item, seen_version=seen,
                                 changes={"title": "Second editor's title"}, reason="typo")  # fmt: skip
    assert "changed by admin@example.org at" in str(caught.value) and "since you opened it" in str(caught.value)
    with pytest.raises(Conflict), engine.begin() as conn:  # the early proposal is stale now: publishing it is refused
        corrections.decide_correction(
            conn=conn, principal=admin, correction_id=proposal.correction_id, decision="published"
        )
    with engine.connect() as conn:
        title = conn.execute(select(Evidence.__table__.c.title).where(Evidence.__table__.c.id == item)).scalar()
    assert title == "First editor's title"


def test_only_one_of_two_simultaneous_edits_wins(writers):
    engine, _, admin = writers
    actors = Actor.__table__
    with engine.connect() as conn:
        seen = conn.execute(select(actors.c.version).where(actors.c.id == "cwcc")).scalar()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def rename(name: str) -> None:
        barrier.wait()
        try:
            with engine.begin() as conn:
                accounts.edit_organisation(
                    conn=conn, principal=admin, actor_id="cwcc", seen_version=seen, changes={"name": name}
                )
            results.append("saved")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=rename, args=(n,)) for n in ("Name A", "Name B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "saved"]
    with engine.connect() as conn:
        assert conn.execute(select(actors.c.version).where(actors.c.id == "cwcc")).scalar() == seen + 1


def test_a_load_that_changes_a_record_makes_an_open_form_stale(writers, data_copy):
    from recommendations.dataset.loader import load_folder

    engine, people, _ = writers
    load_folder(data_copy, engine)  # nothing changed: versions stay
    with engine.connect() as conn:
        seen = conn.execute(
            select(Evidence.__table__.c.version).where(Evidence.__table__.c.id == "src2019-mrc-prey-veng")
        ).scalar()
    path = data_copy / "evidence.yaml"
    text = path.read_text()
    old = next(line for line in text.splitlines() if "id: src2019-mrc-prey-veng" in line)
    start = text.index(old)
    title_at = text.index("title:", start)
    end = text.index("\n", title_at)
    path.write_text(text[:title_at] + 'title: "Renamed by the curators"' + text[end:])
    load_folder(data_copy, engine)
    with pytest.raises(Conflict, match="changed by a data load"), engine.begin() as conn:
        corrections.correct_evidence(conn=conn, principal=people[0], evidence_id="src2019-mrc-prey-veng",
                                 seen_version=seen, changes={"title": "Mine"}, reason="typo")  # fmt: skip
