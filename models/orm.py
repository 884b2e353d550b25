"""The tables as SQLModel classes: the one definition of the schema's tables (``models.core`` is generated from them).

Each class is mapped onto its table in ``models.core`` (``TableModel``), so a query may mix a class and
``models.tables`` and still name one table. Kept free of Streamlit and of validation (table models do not validate; see
recommendations/schema.py). Current status is never stored: it is derived from
the append-only ``assessment`` table by the queries (``stored_read`` keeps some of their answers for one
version of the data: a cache, never read for another version).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from models.core import metadata

ID_LEN = 80
#: Where a public row came from: 'yaml' (loaded from data/) or 'app' (a document published in the app, issue 21).
ORIGIN = "'yaml' when loaded from data/, 'app' when published in the app; a load never removes an 'app' row."


#: Keeps a class's table the one in ``models.core`` (an error if a class redefines it), put last in ``__table_args__``.
KEEP = {"keep_existing": True}


class TableModel(SQLModel, registry=registry(metadata=metadata)):
    """The base of the table classes: each is mapped onto the ``models.core`` table of its name, and so shares its
    ``Table`` object with every Core statement. Without it, SQLModel would build a second table of each name."""

    __table_args__: ClassVar[Any] = KEEP


def _fk(target: str, *, nullable: bool = False, primary_key: bool = False, index: bool = False) -> Column[str]:
    return Column(
        String(ID_LEN),
        ForeignKey(target),
        nullable=nullable,
        primary_key=primary_key,
        index=index,
    )


def _utc_column(*, nullable: bool = False, index: bool = False) -> Column[dt.datetime]:
    return Column(DateTime(timezone=False), nullable=nullable, index=index)  # naive, UTC


class Actor(TableModel, table=True):
    """Who is asked to act, organises or assesses; the organisations of app users are actors too."""

    id: str = Field(primary_key=True, max_length=ID_LEN)
    name: str = Field(max_length=300)
    acronym: str | None = Field(default=None, max_length=300)
    type: str = Field(max_length=40, index=True)
    country: str | None = Field(default=None, max_length=300)
    note: str | None = None
    part_of: str | None = Field(default=None, sa_column=_fk("actor.id", nullable=True))  # NEA is part of MoLVT
    version: int = Field(default=1, description="Bumped by every edit in the app; a stale edit is refused.")


class Theme(TableModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_LEN)
    name: str = Field(max_length=300)
    description: str | None = None


class GlossaryTerm(TableModel, table=True):
    __tablename__ = "glossary_term"
    term: str = Field(primary_key=True, max_length=300)
    expansion: str
    note: str | None = None


class Source(TableModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_LEN)
    title: str
    date: str = Field(max_length=10)
    date_start: dt.date = Field(index=True)
    kind: str = Field(max_length=40, index=True)
    organisers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    place: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=500)
    citation: str | None = None
    text_path: str | None = Field(default=None, max_length=300)
    full_text: str | None = Field(default=None, description="The document text, so pages need no files.")
    expected_recommendations: int | None = None
    gap_note: str | None = None
    curator_note: str | None = None
    language: str | None = Field(default=None, max_length=8, description="BCP-47 language of the text (en, km).")
    origin: str = Field(default="yaml", max_length=10, sa_column_kwargs={"server_default": "yaml"}, description=ORIGIN)


class Recommendation(TableModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_LEN)
    source_id: str = Field(sa_column=_fk("source.id", index=True))
    position: int = Field(description="Order within its source, as in the YAML.")
    number: str | None = Field(default=None, max_length=300)
    section: str | None = Field(default=None, max_length=300)
    lead_in: str | None = None
    text: str
    title: str = Field(max_length=300)
    kind: str = Field(max_length=40, index=True)
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = None
    origin: str = Field(default="yaml", max_length=10, sa_column_kwargs={"server_default": "yaml"}, description=ORIGIN)
    text_start: int | None = Field(default=None, description="Where the recorded occurrence starts in the source text.")
    text_end: int | None = Field(default=None, description="Where it ends (exclusive): the Sources page marks it.")


class RecommendationTheme(TableModel, table=True):
    __tablename__ = "recommendation_theme"
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    theme_id: str = Field(sa_column=_fk("theme.id", primary_key=True, index=True))


class Addressee(TableModel, table=True):
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    actor_id: str = Field(sa_column=_fk("actor.id", primary_key=True, index=True))
    position: int
    role: str = Field(max_length=20)
    inferred: bool = False


class Evidence(TableModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_LEN)
    date: str = Field(max_length=10)
    date_start: dt.date = Field(index=True)
    kind: str = Field(max_length=40)
    title: str
    summary: str
    url: str | None = Field(default=None, max_length=500)
    citation: str | None = None
    source_id: str | None = Field(default=None, sa_column=_fk("source.id", nullable=True))
    completeness: str | None = None
    actors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1, description="Bumped by every edit in the app; a stale edit is refused.")
    organisation_id: str | None = Field(
        default=None,
        sa_column=_fk("actor.id", nullable=True, index=True),
        description="The organisation that recorded it in the app (None: the curated dataset). Until an assessment "
        "citing it is published, only that organisation sees it; only it (or, for the dataset, an admin) corrects it.",
    )


class EvidenceCorrection(TableModel, table=True):
    """A correction of an evidence item's wording or address: proposed by anyone who records, published by the
    item's own organisation (an admin for the curated dataset). Append-only: the values before and after stay."""

    __tablename__ = "evidence_correction"
    id: str = Field(primary_key=True, max_length=ID_LEN)
    evidence_id: str = Field(sa_column=_fk("evidence.id", index=True))
    seen_version: int = Field(description="The version the proposer saw; publishing refuses a stale proposal.")
    before: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    reason: str
    proposed_by: str = Field(max_length=300)
    proposer_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=True))
    organisation_id: str | None = Field(default=None, sa_column=_fk("actor.id", nullable=True))
    proposed_at: dt.datetime = Field(sa_column=_utc_column())


class EvidenceCorrectionReview(TableModel, table=True):
    """The decision on a proposed correction: published (the item changes) or returned with a comment."""

    __tablename__ = "evidence_correction_review"
    __table_args__ = (UniqueConstraint("correction_id", name="uq_evidence_correction_review_correction"), KEEP)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    correction_id: str = Field(sa_column=_fk("evidence_correction.id"))
    decision: str = Field(max_length=20)
    comment: str | None = None
    reviewed_by: str = Field(max_length=300)
    reviewer_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=True))
    reviewed_at: dt.datetime = Field(sa_column=_utc_column())


class EvidenceRecommendation(TableModel, table=True):
    __tablename__ = "evidence_recommendation"
    evidence_id: str = Field(sa_column=_fk("evidence.id", primary_key=True))
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True, index=True))


class Assessment(TableModel, table=True):
    """One dated status judgement. Append-only: the database refuses UPDATE and DELETE (migration 0002).

    A correction or withdrawal is a new row naming the one it supersedes; the current status is derived
    from these rows by recommendations/status.py and never stored.
    """

    __table_args__ = (Index("ix_assessment_rec_asof", "recommendation_id", "as_of_start"), KEEP)
    id: str = Field(primary_key=True, max_length=ID_LEN)
    recommendation_id: str = Field(sa_column=_fk("recommendation.id"))
    addressee_id: str | None = Field(default=None, sa_column=_fk("actor.id", nullable=True))
    status: str = Field(max_length=40, index=True)
    as_of: str = Field(max_length=10)
    as_of_start: dt.date
    assessor_id: str = Field(sa_column=_fk("actor.id", index=True))
    rationale: str
    visibility: str = Field(max_length=20, index=True)
    supersedes_id: str | None = Field(default=None, sa_column=_fk("assessment.id", nullable=True, index=True))
    supersede_reason: str | None = None
    recorded_by: str = Field(max_length=300)
    recorded_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=False), nullable=False))  # UTC
    origin: str = Field(
        default="app",
        max_length=10,
        description="'yaml' when loaded from data/ (the loader refuses to lose it), 'app' when recorded in the app.",
    )


class AssessmentEvidence(TableModel, table=True):
    __tablename__ = "assessment_evidence"
    assessment_id: str = Field(sa_column=_fk("assessment.id", primary_key=True))
    evidence_id: str = Field(sa_column=_fk("evidence.id", primary_key=True, index=True))
    position: int


class AssessmentReview(TableModel, table=True):
    """A reviewer's decision on a draft: publish it or return it with a comment. Append-only, one per draft."""

    __tablename__ = "assessment_review"
    __table_args__ = (UniqueConstraint("assessment_id", name="uq_assessment_review_assessment"), KEEP)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    assessment_id: str = Field(sa_column=_fk("assessment.id"))
    decision: str = Field(max_length=20)
    comment: str | None = None
    reviewed_by: str = Field(max_length=300, description="The reviewer's name and organisation, as shown.")
    reviewer_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=True))
    reviewed_at: dt.datetime = Field(sa_column=_utc_column())


class AppUser(TableModel, table=True):
    """An account. The password is stored only as an argon2 hash; nothing here is ever exported."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    email: str = Field(max_length=320, unique=True, description="Lower-case; the login and the SSO key.")
    name: str = Field(max_length=300)
    role: str = Field(max_length=20)
    organisation_id: str | None = Field(default=None, sa_column=_fk("actor.id", nullable=True, index=True))
    password_hash: str | None = Field(default=None, max_length=300)
    active: bool = True
    failed_logins: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_at: dt.datetime = Field(sa_column=_utc_column())
    version: int = 1


class UserSession(TableModel, table=True):
    """A logged-in session: only the hash of its token is stored. Writes check it is still live."""

    __tablename__ = "user_session"
    id: str = Field(primary_key=True, max_length=64, description="sha256 of the session token")
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=False, index=True))
    created_at: dt.datetime = Field(sa_column=_utc_column())
    expires_at: dt.datetime = Field(sa_column=_utc_column())
    ended_at: dt.datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    via: str = Field(default="password", max_length=20)


class LoginAttempt(TableModel, table=True):
    """Failed log-ins, for limiting them per account and per client."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    email: str = Field(max_length=320, index=True)
    client: str = Field(max_length=100, index=True)
    at: dt.datetime = Field(sa_column=_utc_column(index=True))
    succeeded: bool = False


class LoginThrottle(TableModel, table=True):
    """Failed log-ins per client in the current window, counted in SQL so that parallel attempts all count."""

    __tablename__ = "login_throttle"
    client: str = Field(primary_key=True, max_length=100)
    window_start: dt.datetime = Field(sa_column=_utc_column())
    failures: int = 0


class SingleSignOn(TableModel, table=True):
    """Each identity token that opened a session: a token replayed from a cookie opens nothing again."""

    __tablename__ = "sso_login"
    token_id: str = Field(primary_key=True, max_length=64, description="sha256 of the provider's ID token")
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=False))
    session_id: str = Field(max_length=64)
    at: dt.datetime = Field(sa_column=_utc_column())


class AuditEntry(TableModel, table=True):
    """One row per write, in the same transaction as the write. Append-only."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    at: dt.datetime = Field(sa_column=_utc_column(index=True))
    who: str = Field(max_length=400, description="User email, or 'loader' / 'command line'.")
    user_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=True))
    action: str = Field(max_length=60, index=True)
    table_name: str = Field(max_length=60, index=True)
    record_id: str = Field(max_length=120, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class LoadState(TableModel, table=True):
    """What the last load read: a fingerprint of every file and of the rules, so an unchanged reload is free."""

    __tablename__ = "load_state"
    name: str = Field(primary_key=True, max_length=100)
    value: str


class RecommendationLink(TableModel, table=True):
    __tablename__ = "recommendation_link"
    source_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    target_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True, index=True))
    kind: str = Field(max_length=20)
    note: str | None = None
    origin: str = Field(default="yaml", max_length=10, sa_column_kwargs={"server_default": "yaml"}, description=ORIGIN)


class ContextFigure(TableModel, table=True):
    __tablename__ = "context_figure"
    id: str = Field(primary_key=True, max_length=ID_LEN)
    source_id: str = Field(sa_column=_fk("source.id"))
    destination: str = Field(max_length=300)
    category: str = Field(max_length=300)
    total: int
    women: int | None = None
    men: int | None = None
    as_of: str = Field(max_length=10)
    data_source: str


class ResearchLogEntry(TableModel, table=True):
    """One search for evidence on one recommendation (data/research_log.yaml): when, who, where, what it found.

    Curated data, like the links: the loader makes this table what the YAML says.
    """

    __tablename__ = "research_log"
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    position: int = Field(
        sa_column=Column(Integer, primary_key=True, autoincrement=False),
        description="Order among this recommendation's entries, as in the YAML.",
    )
    searched_on: str = Field(max_length=10)
    searched_on_start: dt.date = Field(index=True)
    searched_by: str = Field(max_length=300)
    where: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    found: str
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    outcome: str = Field(max_length=20, index=True)
    scope: str = Field(default="public_record", max_length=20, index=True)
    partly_read: bool = False
    note: str | None = None


class Translation(TableModel, table=True):
    """A curator's translation of one text of one record (a theme's name, an actor's name, a short title...),
    with whether a speaker of the language reviewed it. Curated in the YAML (``translations:``); the loader makes
    this table what the YAML says. English is the record itself, never a row here."""

    __tablename__ = "translation"
    entity: str = Field(primary_key=True, max_length=20, description="theme, actor, glossary or recommendation")
    record_id: str = Field(primary_key=True, max_length=300, description="The record's id (a glossary term's term).")
    field_name: str = Field(primary_key=True, max_length=40)
    lang: str = Field(primary_key=True, max_length=8)
    value: str
    reviewed: bool = False
    reviewed_by: str | None = Field(default=None, max_length=300)
    reviewed_on: str | None = Field(default=None, max_length=10)
    translated_by: str | None = Field(default=None, max_length=300)
    source: str | None = Field(default=None, max_length=500, description="Where the wording is published.")


# the tables of other features, in modules of their own for length (they use the helpers above)
from models.curation import CurationDraft as CurationDraft  # noqa: E402
from models.curation import CurationReview as CurationReview  # noqa: E402
from models.stored import StoredRead as StoredRead  # noqa: E402
