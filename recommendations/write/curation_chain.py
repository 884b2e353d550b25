"""One document's history among the drafts: its versions (the drafts each supersedes), which of them were
published, and which drafts still wait for a review. Read by ``curation_check`` and ``curation``; nothing here
writes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.tables import DRAFT_REVIEWS, DRAFTS
from recommendations.i18n import N_
from recommendations.write.errors import FieldError


def chain(conn: Connection, draft_id: str | None) -> set[str]:
    """``draft_id`` and every draft it supersedes, however far back: one document's versions."""
    found: set[str] = set()
    while draft_id and draft_id not in found:
        found.add(draft_id)
        draft_id = conn.execute(select(DRAFTS.c.supersedes_id).where(DRAFTS.c.id == draft_id)).scalar()
    return found


def own_chain(conn: Connection, draft_id: str | None) -> set[str]:
    """``draft_id`` and the drafts it supersedes, transitively, of the same organisation: one document's versions
    (an admin's correction of an organisation's document continues that organisation's chain)."""
    first = conn.execute(select(DRAFTS.c.organisation_id).where(DRAFTS.c.id == draft_id)).first()
    if first is None:
        return set()
    mine = DRAFTS.c.organisation_id.is_not_distinct_from(first.organisation_id)
    found: set[str] = set()
    while draft_id and draft_id not in found:
        row = conn.execute(select(DRAFTS.c.supersedes_id).where(DRAFTS.c.id == draft_id, mine)).first()
        if row is None:
            break
        found.add(draft_id)
        draft_id = row.supersedes_id
    return found


def published_of(conn: Connection, own: set[str], source_id: str) -> bool:
    """Whether a published version among ``own`` recorded ``source_id`` (its public rows are this document's)."""
    query = (
        select(DRAFTS.c.id)
        .join(DRAFT_REVIEWS, DRAFT_REVIEWS.c.draft_id == DRAFTS.c.id)
        .where(DRAFTS.c.id.in_(own), DRAFTS.c.source_id == source_id, DRAFT_REVIEWS.c.decision == "published")
    )
    return conn.execute(query).first() is not None


def same_document(
    conn: Connection, supersedes: str | None, source_id: str, fills: str | None, problems: list[FieldError]
) -> None:
    """A new version keeps its document's id and what it is (a known gap filled, or a new document)."""
    earlier = conn.execute(select(DRAFTS.c.source_id, DRAFTS.c.fills_gap).where(DRAFTS.c.id == supersedes)).first()
    if earlier is None:
        return
    if earlier.source_id != source_id:
        problems.append(
            FieldError(
                "fills" if fills else "id",
                N_("a new version keeps the id of the document it corrects: {id}"),
                id=earlier.source_id,
            )
        )
    elif earlier.fills_gap != bool(fills):
        said = (
            N_("{id} fills a known gap: its new version fills it too")
            if earlier.fills_gap
            else N_("{id} is a new document: its new version is one too, not a gap filled")
        )
        problems.append(FieldError("fills", said, id=earlier.source_id))


def pending(conn: Connection, source_id: str, ignore: set[str]) -> list[str]:
    """Drafts for ``source_id`` that wait for a review (not in ``ignore``, a document's own versions)."""
    decided = select(DRAFT_REVIEWS.c.draft_id)
    query = select(DRAFTS.c.id).where(DRAFTS.c.source_id == source_id, DRAFTS.c.id.not_in(decided))
    superseded = select(DRAFTS.c.supersedes_id).where(DRAFTS.c.supersedes_id.is_not(None))
    query = query.where(DRAFTS.c.id.not_in(superseded))
    return [i for i in conn.execute(query.order_by(DRAFTS.c.id)).scalars() if i not in ignore]


def published_ids(conn: Connection, versions: set[str]) -> set[str]:
    """The recommendation ids the published versions among ``versions`` recorded."""
    rows = conn.execute(
        select(DRAFTS.c.recommendations)
        .join(DRAFT_REVIEWS, DRAFT_REVIEWS.c.draft_id == DRAFTS.c.id)
        .where(DRAFTS.c.id.in_(versions), DRAFT_REVIEWS.c.decision == "published")
    ).scalars()
    return {rec["id"] for recs in rows for rec in recs}
