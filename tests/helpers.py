"""Test helpers: table snapshots and appending records to YAML files."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine

from models.core import metadata
from recommendations.dataset.folder import Dataset
from recommendations.dataset.schema import SourceIn
from recommendations.dataset.validate import Problem, read_dataset
from tests.conftest import DATA


@functools.cache
def data_dataset() -> tuple[Dataset, list[Problem]]:
    """data/ read and checked once per test process: many test modules build their parameters from it."""
    return read_dataset(DATA)


#: Columns that say how a row reached this database, not what it records (an app-recorded assessment
#: exported and loaded elsewhere arrives there from YAML).
PROVENANCE = {
    ("assessment", "origin"),
    ("actor", "version"),
    ("evidence", "version"),
    ("assessment_review", "id"),  # numbered by each database
    ("assessment_review", "reviewer_id"),  # accounts are never exported
    ("source", "origin"),  # a document published in the app arrives from YAML elsewhere (issue 21)
    ("recommendation", "origin"),
    ("recommendation", "text_start"),  # where the app recorded it in its text: the app's, not the YAML's
    ("recommendation", "text_end"),
    ("recommendation_link", "origin"),
}


#: Tables an export never holds (accounts, sessions, log-in attempts and counters, single sign-ons, the audit log,
#: what the last load read, and the history of evidence corrections, which the database backup keeps).
NOT_EXPORTED = {
    "app_user", "user_session", "login_attempt", "login_throttle", "sso_login", "audit_log", "load_state",
    "evidence_correction", "evidence_correction_review", "curation_draft", "curation_review",
}  # fmt: skip


def content(engine: Engine) -> dict[str, list[tuple]]:
    """The snapshot of what an export holds: equal contents mean a round trip lost nothing."""
    return {k: v for k, v in snapshot(engine).items() if k not in NOT_EXPORTED}


def snapshot(engine: Engine, *only: str) -> dict[str, list[tuple]]:
    """Every row of every table (or of the tables ``only``), sorted: equal snapshots mean equal databases
    (provenance and the stored reads aside: those are a cache, ``read.stored``)."""
    if not inspect(engine).has_table("source"):
        return {}
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if (only and table.name not in only) or table.name == "stored_read":
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in PROVENANCE]
            rows = [tuple(str(v) for v in r) for r in conn.execute(select(*columns))]
            out[table.name] = sorted(rows)
    return out


def append_items(path: Path, key: str, items_yaml: str) -> int:
    """Append list items (YAML text, '  - ' indented) to a list file; return the first new line number."""
    if not path.exists() or not path.read_text().strip():
        path.write_text(f"{key}:\n")
    text = path.read_text()
    if not text.endswith("\n"):
        text += "\n"
    first_line = text.count("\n") + 1
    path.write_text(text + items_yaml)
    return first_line


def app_assessment(engine: Engine, assessment_id: str, recommendation_id: str, **fields) -> None:
    """Insert an assessment the way the app would (not from YAML)."""
    import datetime as dt

    from sqlmodel import Session

    from models import Assessment

    values = {
        "origin": "app",
        "status": "not_assessed",
        "as_of": "2024-05-01",
        "as_of_start": dt.date(2024, 5, 1),
        "assessor_id": "lscw",
        "rationale": "Recorded in the app.",
        "visibility": "published",
        "recorded_by": "coalition user",
        "recorded_at": dt.datetime(2024, 5, 2, 10, 0),
        **fields,
    }
    with Session(engine) as session:
        session.add(Assessment(id=assessment_id, recommendation_id=recommendation_id, **values))
        session.commit()


def session_for(conn, email: str) -> str:
    """A live session token for an account, without checking its password (argon2 is slow on purpose: the
    fixtures of many tests need people logged in, and the log-in itself is tested where it is the subject)."""
    from sqlalchemy import select

    from models.tables import U
    from recommendations.write import auth

    user_id = conn.execute(select(U.c.id).where(U.c.email == email)).scalar_one()
    return auth._start_session(conn, user_id, "test")


def known_gaps(dataset: Dataset) -> list[SourceIn]:
    """The sources the app shows as known gaps, from the YAML alone: fewer texts held than the source is known to
    contain, or a gap note and no text held (how many is then unknown)."""
    return [
        s for s in dataset.sources
        if (s.expected_recommendations or 0) > len(s.recommendations)
        or (s.expected_recommendations is None and s.gap_note and not s.recommendations)
    ]  # fmt: skip


def synthetic_engine(folder: Path, recommendations: int, seed: int) -> Engine:
    """``synth``'s dataset of that size (six assessments a recommendation) written under ``folder`` and loaded
    into a SQLite database beside it: more rows than data/ holds, with chains and evidence of every age."""
    from models.db import make_engine
    from recommendations.dataset.loader import load_folder
    from recommendations.dataset.synth import synthesise

    synthesise(folder / "data", recommendations, assessments_per_recommendation=6, seed=seed)
    engine = make_engine(f"sqlite:///{folder / 'synth.db'}")
    load_folder(folder / "data", engine)
    return engine


#: Not assessed in data/: a reviewer's published assessment of it changes the Overview's counts by one.
UNASSESSED = "mmn2016-04"


def publish_an_assessment(engine: Engine, rationale: str) -> None:
    """A reviewer of cwcc (made here) publishes an assessment of ``UNASSESSED``: a real write, as in the app."""
    from recommendations.permissions import Principal
    from recommendations.write import accounts, auth, updates

    with engine.begin() as conn:
        accounts.create_user(conn=conn, principal=Principal.command_line(), email="r@example.org", role="reviewer",
                             password="correct horse battery staple", organisation="cwcc")  # fmt: skip
    with engine.begin() as conn:
        reviewer = auth.principal_of_account(conn, "r@example.org")
        form = updates.AssessmentForm(recommendation=UNASSESSED, status="in_progress", as_of="2023-03-01",
                                      publish=True, rationale=rationale,
                                      evidence=["src2019-mrc-prey-veng"])  # fmt: skip
        updates.record_assessment(conn=conn, principal=reviewer, form=form)


def calls_to(monkeypatch: Any, owner: object, name: str) -> list[tuple[Any, ...]]:
    """Record each call of ``owner.name`` (its arguments) and make it: how many times a test's code worked
    something out."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(owner, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls
