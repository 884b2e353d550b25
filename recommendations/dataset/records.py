"""Records (the pydantic models of ``schema``) as table rows: the one conversion, used by a load from data/
and by the app's writes, so a record reaches its table the same way whichever door it came in by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models import tables
from recommendations.dataset import translations
from recommendations.dataset.folder import Dataset
from recommendations.dataset.schema import ActorIn, AssessmentIn, EvidenceIn
from recommendations.dates import date_start

#: Columns of the public tables that are the database's own bookkeeping, not part of the data format.
APP_ONLY = ("origin", "text_start", "text_end")
TEXTS_DIR = "texts"


def utc_naive(value: dt.datetime) -> dt.datetime:
    """A time as the database stores it: UTC, without a time zone."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def actor_row(actor: ActorIn) -> dict[str, Any]:
    """An actor as its table row: its translations are rows of their own (``translation_rows``)."""
    return actor.model_dump(exclude={"translations"})


def evidence_row(item: EvidenceIn) -> dict[str, Any]:
    """An evidence record as its table row: the one conversion, for a load and for the app's writes."""
    row = item.model_dump(exclude={"recommendations", "source", "organisation"})
    row.update(date_start=date_start(item.date), source_id=item.source, organisation_id=item.organisation)
    return row


def assessment_row(item: AssessmentIn, *, origin: str) -> dict[str, Any]:
    """An assessment record as its table row (``origin``: "yaml" from data/, "app" from a form or an upload)."""
    row = item.model_dump(exclude={"recommendation", "addressee", "assessor", "evidence", "supersedes", "review"})
    row.update(
        recommendation_id=item.recommendation,
        addressee_id=item.addressee,
        assessor_id=item.assessor,
        supersedes_id=item.supersedes,
        as_of_start=date_start(item.as_of),
        recorded_at=utc_naive(item.recorded_at),
        origin=origin,
    )
    return row


def cited_rows(item: AssessmentIn) -> list[dict[str, Any]]:
    """The evidence an assessment cites, in its order, as rows."""
    return [{"assessment_id": item.id, "evidence_id": e, "position": i} for i, e in enumerate(item.evidence)]


def translation_rows(data: Dataset) -> list[dict[str, Any]]:
    """The ``translations:`` of themes, actors, glossary terms and recommendations, one row per translated text."""
    out: list[dict[str, Any]] = []
    for theme in data.themes:
        out += translations.rows("theme", theme.id, theme.translations)
    for actor in data.actors:
        out += translations.rows("actor", actor.id, actor.translations)
    for term in data.glossary:
        out += translations.rows("glossary", term.term, term.translations)
    for source in data.sources:
        for rec in source.recommendations:
            out += translations.rows("recommendation", rec.id, rec.translations)
    return out


def examined_not_linked(conn: Connection) -> list[dict[str, Any]]:
    """The suggestions curators dismissed in published documents (``curation_draft.dismissed`` of each source's
    latest published version): links.yaml's "examined, not linked", so that a maintainer commits them too."""
    drafts, reviews = tables.DRAFTS, tables.DRAFT_REVIEWS
    published = (
        select(drafts.c.source_id, drafts.c.version, drafts.c.dismissed)
        .join(reviews, reviews.c.draft_id == drafts.c.id)
        .where(reviews.c.decision == "published")
        .order_by(drafts.c.source_id, drafts.c.version)
    )
    latest = {r.source_id: r.dismissed for r in conn.execute(published)}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for source_id in sorted(latest):
        for item in latest[source_id] or []:
            note = {"note": item["note"]} if item.get("note") else {}
            out[(item["source"], item["target"])] = {"source": item["source"], "target": item["target"], **note}
    return [out[key] for key in sorted(out)]


def research_log_rows(data: Dataset) -> list[dict[str, Any]]:
    """The research log as rows: each entry keyed by its recommendation and its place among that one's entries."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for entry in data.research_log:
        position = seen[entry.recommendation] = seen.get(entry.recommendation, -1) + 1
        row = entry.model_dump(exclude={"recommendation", "by", "searched_on"})
        row.update(
            recommendation_id=entry.recommendation,
            position=position,
            searched_on=entry.searched_on,
            searched_on_start=date_start(entry.searched_on),
            searched_by=entry.by,
        )
        out.append(row)
    return out
