"""The tables of documents added in the app (issue 21): each submitted version, and the decision on it.

Part of the one models module (``models``), kept in a file of its own for length; ``models`` imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field

from models.orm import ID_LEN, KEEP, TableModel, _fk, _utc_column


class CurationDraft(TableModel, table=True):
    """One submitted version of a source document with its recommendations and the curator's link decisions.
    Append-only: a correction is a new version (``supersedes_id``); publishing writes the public rows."""

    __tablename__ = "curation_draft"
    __table_args__ = (UniqueConstraint("source_id", "version", name="uq_curation_draft_source_version"), KEEP)
    id: str = Field(primary_key=True, max_length=120, description="cd-<source id>-<version>")
    source_id: str = Field(
        max_length=ID_LEN, index=True, description="Not a foreign key: a new source is not public yet."
    )
    version: int
    fills_gap: bool = Field(default=False, description="The source already exists: the draft fills a known gap.")
    source: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    full_text: str
    text_name: str | None = Field(default=None, max_length=300)
    recommendations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    links: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dismissed: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    proposed_actors: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    organisation_id: str | None = Field(default=None, sa_column=_fk("actor.id", nullable=True, index=True))
    recorded_by: str = Field(max_length=300)
    user_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=True))
    recorded_at: dt.datetime = Field(sa_column=_utc_column())
    supersedes_id: str | None = Field(
        default=None, sa_column=Column(String(120), ForeignKey("curation_draft.id"), nullable=True)
    )


class CurationReview(TableModel, table=True):
    """The decision on a submitted document: published (the public rows are written) or returned with a comment."""

    __tablename__ = "curation_review"
    __table_args__ = (UniqueConstraint("draft_id", name="uq_curation_review_draft"), KEEP)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    draft_id: str = Field(sa_column=Column(String(120), ForeignKey("curation_draft.id"), nullable=False))
    decision: str = Field(max_length=20)
    comment: str | None = None
    reviewed_by: str = Field(max_length=300)
    reviewer_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("app_user.id"), nullable=True))
    reviewed_at: dt.datetime = Field(sa_column=_utc_column())
