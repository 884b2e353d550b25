"""What a brief reads for the recommendations it details, and only for those: the quoted text, the standing
assessments before the meeting, the evidence entries, and how each direct link reads (``build._add_details``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import literal, select, union_all
from sqlalchemy.engine import Engine

from models.tables import A, L, R
from recommendations import labels, sql, status
from recommendations.i18n import N_
from recommendations.read import evidence as bearing
from recommendations.read.brief.model import BriefItem, EvidenceEntry, HistoryEntry

# How a direct link reads from the listed recommendation: (it is the later one, kind) -> words (in English;
# ``lines.linked_line`` says them in the brief's language).
RELATION = {
    (1, "repeats"): N_("this repeats it"),
    (1, "follows_up"): N_("this follows it up"),
    (1, "supersedes"): N_("this supersedes it"),
    (0, "repeats"): N_("repeats this"),
    (0, "follows_up"): N_("follows this up"),
    (0, "supersedes"): N_("supersedes this"),
}


def history(
    engine: Engine, ids: list[str], meeting: dt.date, names: labels.ActorNames
) -> dict[str, list[HistoryEntry]]:
    """Standing assessments dated on or before the meeting (the rule's first step), oldest first."""
    standing = status.standing(meeting, ids).subquery("standing")
    statement = (
        select(
            standing.c.recommendation_id, standing.c.id, standing.c.as_of, standing.c.status, standing.c.assessor_id,
            A.c.rationale, standing.c.addressee_id,
        )
        .join(A, A.c.id == standing.c.id)
        .order_by(
            standing.c.recommendation_id, standing.c.as_of_start, standing.c.recorded_at, sql.bytewise(standing.c.id)
        )
    )  # fmt: skip
    out: dict[str, list[HistoryEntry]] = defaultdict(list)
    with engine.connect() as conn:  # plain tuples: a broad brief reads about ten assessments per recommendation
        for rec_id, ident, as_of, said, assessor, rationale, addressee in conn.execute(statement):
            who, to = names.name.get(assessor, assessor), names.name.get(addressee) if addressee else None
            out[rec_id].append(HistoryEntry(ident, as_of, said, who, rationale, to))
    return out


def evidence(engine: Engine, ids: list[str], meeting: dt.date) -> dict[str, list[EvidenceEntry]]:
    """What bears on each listed recommendation (``read.evidence``), dated by the meeting, newest first."""
    items = bearing.items(engine, ids, as_of=meeting)
    columns = ["recommendation_id", "id", "title", "date", "url", "citation", "source_title"]
    out: dict[str, list[EvidenceEntry]] = defaultdict(list)
    for rec_id, *entry in zip(*(items[c].tolist() for c in columns), strict=True):
        out[rec_id].append(EvidenceEntry(*entry))
    return out


def direct(engine: Engine, ids: list[str]) -> dict[tuple[str, str], str]:
    """(listed, other) -> how their direct link reads from the listed one (``RELATION``), both ways."""
    as_later = select(
        L.c.source_id.label("rec"), L.c.target_id.label("other"), L.c.kind, literal(1).label("later")
    ).where(sql.in_ids(L.c.source_id, ids))
    as_earlier = select(
        L.c.target_id.label("rec"), L.c.source_id.label("other"), L.c.kind, literal(0).label("later")
    ).where(sql.in_ids(L.c.target_id, ids))
    return {
        (d["rec"], d["other"]): RELATION.get((int(d["later"]), d["kind"]), d["kind"])
        for d in sql.rows(engine, union_all(as_later, as_earlier))
    }


def add_texts(engine: Engine, items: list[BriefItem]) -> None:
    """The quoted text of these recommendations, with its lead-in, number, section and the problems it names."""
    columns = (R.c.id, R.c.text, R.c.lead_in, R.c.number, R.c.section, R.c.problems)
    texts = {
        row["id"]: row for row in sql.rows(engine, select(*columns).where(sql.in_ids(R.c.id, [i.id for i in items])))
    }
    for item in items:
        row = texts[item.id]
        item.text, item.lead_in, item.number, item.section = row["text"], row["lead_in"], row["number"], row["section"]
        item.problems = list(row["problems"] or [])
