"""SQLModel tables: the one models module.

Kept free of Streamlit and of validation (table models do not validate; see
recommendations/schema.py). Current status is never stored: it is derived from
the append-only ``assessment`` table by the queries.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

ID_LEN = 80


def _fk(target: str, *, nullable: bool = False, primary_key: bool = False, index: bool = False) -> Column:
    return Column(
        String(ID_LEN),
        ForeignKey(target),
        nullable=nullable,
        primary_key=primary_key,
        index=index,
    )


class Actor(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_LEN)
    name: str = Field(max_length=300)
    acronym: str | None = Field(default=None, max_length=300)
    type: str = Field(max_length=40, index=True)
    country: str | None = Field(default=None, max_length=300)
    note: str | None = None


class Theme(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=ID_LEN)
    name: str = Field(max_length=300)
    description: str | None = None


class GlossaryTerm(SQLModel, table=True):
    __tablename__ = "glossary_term"
    term: str = Field(primary_key=True, max_length=300)
    expansion: str
    note: str | None = None


class Source(SQLModel, table=True):
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


class Recommendation(SQLModel, table=True):
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


class RecommendationTheme(SQLModel, table=True):
    __tablename__ = "recommendation_theme"
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    theme_id: str = Field(sa_column=_fk("theme.id", primary_key=True, index=True))


class Addressee(SQLModel, table=True):
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    actor_id: str = Field(sa_column=_fk("actor.id", primary_key=True, index=True))
    position: int
    role: str = Field(max_length=20)
    inferred: bool = False


class Evidence(SQLModel, table=True):
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


class EvidenceRecommendation(SQLModel, table=True):
    __tablename__ = "evidence_recommendation"
    evidence_id: str = Field(sa_column=_fk("evidence.id", primary_key=True))
    recommendation_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True, index=True))


class Assessment(SQLModel, table=True):
    """One dated status judgement. Append-only: the database refuses UPDATE and DELETE (migration 0002).

    A correction or withdrawal is a new row naming the one it supersedes; the current status is derived
    from these rows by recommendations/status.py and never stored.
    """

    __table_args__ = (Index("ix_assessment_rec_asof", "recommendation_id", "as_of_start"),)
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


class AssessmentEvidence(SQLModel, table=True):
    __tablename__ = "assessment_evidence"
    assessment_id: str = Field(sa_column=_fk("assessment.id", primary_key=True))
    evidence_id: str = Field(sa_column=_fk("evidence.id", primary_key=True, index=True))
    position: int


class RecommendationLink(SQLModel, table=True):
    __tablename__ = "recommendation_link"
    source_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True))
    target_id: str = Field(sa_column=_fk("recommendation.id", primary_key=True, index=True))
    kind: str = Field(max_length=20)
    note: str | None = None


class ContextFigure(SQLModel, table=True):
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


__all__ = [
    "Actor",
    "Addressee",
    "Assessment",
    "AssessmentEvidence",
    "ContextFigure",
    "Evidence",
    "EvidenceRecommendation",
    "GlossaryTerm",
    "Recommendation",
    "RecommendationLink",
    "RecommendationTheme",
    "SQLModel",
    "Source",
    "Theme",
]
