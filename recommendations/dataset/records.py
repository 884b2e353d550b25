"""Records (the pydantic models of ``schema``) as table rows: the one conversion, used by a load from data/
and by the app's writes, so a record reaches its table the same way whichever door it came in by."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from models import tables
from recommendations.dataset import translations
from recommendations.dates import date_start

if TYPE_CHECKING:  # records arrive validated: a load that reads no file need not build the schema's validators
    from recommendations.dataset.schema import ActorIn, AssessmentIn, EvidenceIn, ResearchLogIn, SourceIn

#: Columns of the public tables that are the database's own bookkeeping, not part of the data format.
APP_ONLY = ("origin", "text_start", "text_end")
TEXTS_DIR = "texts"


def utc_naive(value: dt.datetime) -> dt.datetime:
    """A time as the database stores it: UTC, without a time zone."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def actor_row(actor: ActorIn) -> dict[str, Any]:
    """An actor as its table row: its translations are rows of their own (``record_rows``)."""
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


def research_row(entry: ResearchLogIn, position: int) -> dict[str, Any]:
    """One research-log entry as its row (``position``: its place among its recommendation's entries)."""
    row = entry.model_dump(exclude={"recommendation", "by", "searched_on"})
    row.update(
        recommendation_id=entry.recommendation,
        position=position,
        searched_on=entry.searched_on,
        searched_on_start=date_start(entry.searched_on),
        searched_by=entry.by,
    )
    return row


#: The tables a load writes, in foreign-key order.
LOADED: list[Table] = [
    tables.ACT,
    tables.T,
    tables.G,
    tables.S,
    tables.R,
    tables.RT,
    tables.AD,
    tables.E,
    tables.ER,
    tables.A,
    tables.AE,
    tables.REVIEWS,
    tables.L,
    tables.C,
    tables.RL,
    tables.TR,
]
Rows = list[tuple[Table, list[dict[str, Any]]]]
#: The tables each kind of record becomes rows of (``record_rows``), in the order a read meets the kinds
#: (``folder.Plan``: the lists before the sources, the sources, the other lists, each optional list after its file's).
WRITES: dict[str, tuple[Table, ...]] = {
    "actors": (tables.ACT, tables.TR),
    "themes": (tables.T, tables.TR),
    "glossary": (tables.G, tables.TR),
    "sources": (tables.S, tables.R, tables.RT, tables.AD, tables.TR),
    "evidence": (tables.E, tables.ER),
    "assessments": (tables.A, tables.AE, tables.REVIEWS),
    "links": (tables.L,),
    "examined_not_linked": (),
    "context_figures": (tables.C,),
    "research_log": (tables.RL,),
}


def source_rows(source: SourceIn, root: Path) -> Rows:
    """A source, its recommendations and what hangs on them, as rows."""
    row = source.model_dump(exclude={"recommendations"})
    row["date_start"] = date_start(source.date)
    row["full_text"] = (root / source.text_path).read_text(encoding="utf-8") if source.text_path else None
    row["origin"] = "yaml"  # a YAML record takes over a row published in the app with the same id
    recs: list[dict[str, Any]] = []
    themes: list[dict[str, Any]] = []
    addressees: list[dict[str, Any]] = []
    texts: list[dict[str, Any]] = []
    for position, rec in enumerate(source.recommendations):
        rec_row = rec.model_dump(exclude={"themes", "addressees"})
        rec_row.update(source_id=source.id, position=position, origin="yaml")
        recs.append(rec_row)
        themes += [{"recommendation_id": rec.id, "theme_id": t} for t in rec.themes]
        addressees += [
            {"recommendation_id": rec.id, "actor_id": a.actor, "position": i, "role": a.role, "inferred": a.inferred}
            for i, a in enumerate(rec.addressees)
        ]
        texts += translations.rows("recommendation", rec.id, rec.translations)
    return [
        (tables.S, [row]),
        (tables.R, recs),
        (tables.RT, themes),
        (tables.AD, addressees),
        (tables.TR, texts),
    ]


def record_rows(kind: str, record: Any, root: Path, positions: dict[str, int]) -> Rows:
    """The rows one record of ``kind`` (as ``validate`` reads it) becomes; ``positions`` numbers each
    recommendation's research-log entries as they come."""
    if kind == "actors":
        return [
            (tables.ACT, [actor_row(record)]),
            (tables.TR, list(translations.rows("actor", record.id, record.translations))),
        ]
    if kind == "themes":
        return [
            (tables.T, [record.model_dump()]),
            (tables.TR, list(translations.rows("theme", record.id, record.translations))),
        ]
    if kind == "glossary":
        texts = list(translations.rows("glossary", record.term, record.translations))
        return [(tables.G, [record.model_dump()]), (tables.TR, texts)]
    if kind == "sources":
        return source_rows(record, root)
    if kind == "evidence":
        cited = [{"evidence_id": record.id, "recommendation_id": r} for r in record.recommendations]
        return [(tables.E, [evidence_row(record)]), (tables.ER, cited)]
    if kind == "assessments":
        out: Rows = [(tables.A, [assessment_row(record, origin="yaml")]), (tables.AE, cited_rows(record))]
        if record.review is not None:
            review = record.review
            out.append((tables.REVIEWS, [{
                "assessment_id": record.id, "decision": review.decision, "comment": review.comment,
                "reviewed_by": review.reviewed_by, "reviewed_at": utc_naive(review.reviewed_at),
            }]))  # fmt: skip
        return out
    if kind == "links":
        link = {"source_id": record.source, "target_id": record.target, "kind": record.kind, "note": record.note}
        return [(tables.L, [{**link, "origin": "yaml"}])]
    if kind == "context_figures":
        return [(tables.C, [{**record.model_dump(exclude={"source"}), "source_id": record.source}])]
    if kind == "research_log":
        position = positions[record.recommendation] = positions.get(record.recommendation, -1) + 1
        return [(tables.RL, [research_row(record, position)])]
    return []  # examined_not_linked: checked, never loaded
