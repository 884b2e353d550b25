"""Records (the pydantic models of ``schema``) as table rows: the one conversion, used by a load from data/
and by the app's writes, so a record reaches its table the same way whichever door it came in by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from recommendations.dataset import translations
from recommendations.dataset.folder import Dataset
from recommendations.dataset.schema import ActorIn, AssessmentIn, EvidenceIn
from recommendations.dates import date_start


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
