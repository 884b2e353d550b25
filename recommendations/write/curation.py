"""Documents added in the app (issue 21): submitted as drafts, published or returned by a reviewer.

A submitted document (metadata, full text, its recommendations, the curator's link decisions) is ONE
append-only row of ``curation_draft`` (a version); a decision is a row of ``curation_review``. Drafts never
enter the public tables: publishing writes ``source``, ``recommendation``, its themes and addressees and the
confirmed ``recommendation_link`` rows with ``origin = 'app'``, with audit rows, in the caller's transaction, so
every read path (table, API, feed, brief, exports) stays as it is. A correction of a published document is a new
version (``supersedes``), published again; the old version stays in ``curation_draft``. Nothing is deleted.

Each function asks ``auth.require`` first, then checks (``curation_check.check_document``), then writes. The
caller commits: one transaction for a page's submit, one for an ``import-source``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from models.tables import ACT, AD, DRAFT_REVIEWS, DRAFTS, RT, L, R, S
from recommendations import permissions, text
from recommendations.audit import audit
from recommendations.dataset.records import TEXTS_DIR
from recommendations.dates import date_start
from recommendations.i18n import N_
from recommendations.permissions import Action, Principal
from recommendations.write import auth
from recommendations.write.curation_chain import chain
from recommendations.write.curation_check import Checked, check_document
from recommendations.write.curation_rows import COLUMNS, proposed_id
from recommendations.write.errors import Conflict, FieldError, Invalid, problem_words
from recommendations.write.updates import Decision, decision_comment, now_utc

__all__ = ["COLUMNS", "AlreadyPublished", "Checked", "check_document", "drafts", "review_document", "submit_document"]

UNKNOWN_DRAFT = N_("unknown draft {id}")
SUBMITTED_MEANWHILE = N_("{id} was submitted by someone else at the same moment: look at the drafts again")
DECIDED_MEANWHILE = N_("{id} was decided by someone else at the same moment: look at the drafts again")
#: What a draft holds that makes it the same submission (importing it again records nothing).
_CONTENT = ("source", "full_text", "recommendations", "links", "dismissed", "proposed_actors", "fills_gap")


def _payload(checked: Checked) -> dict[str, Any]:
    return {
        "source": checked.source, "full_text": checked.full_text, "recommendations": checked.recommendations,
        "links": checked.links, "dismissed": checked.dismissed, "proposed_actors": checked.proposed_actors,
        "fills_gap": checked.fills_gap,
    }  # fmt: skip


class AlreadyPublished(Invalid):
    """The document was published with exactly this content: nothing was written (``draft_id`` is that draft)."""

    def __init__(self, draft_id: str) -> None:
        self.draft_id = draft_id
        super().__init__([FieldError("draft", N_("{id} is already published with this content"), id=draft_id)])


def _same_draft(conn: Connection, source_id: str, payload: Mapping[str, Any], organisation: str | None) -> str | None:
    """The organisation's latest draft of ``source_id`` (not corrected by a newer version) that holds exactly
    ``payload`` already, when it waits for a review (another organisation's drafts are not named to this one).
    One returned with this content is refused (correct it as a new version); one published: AlreadyPublished."""
    mine = DRAFTS.c.organisation_id.is_not_distinct_from(organisation)
    corrected = select(DRAFTS.c.supersedes_id).where(DRAFTS.c.supersedes_id.is_not(None))
    query = (
        select(DRAFTS, DRAFT_REVIEWS.c.decision)
        .select_from(DRAFTS.outerjoin(DRAFT_REVIEWS, DRAFT_REVIEWS.c.draft_id == DRAFTS.c.id))
        .where(DRAFTS.c.source_id == source_id, mine, DRAFTS.c.id.not_in(corrected))
        .order_by(DRAFTS.c.version)
    )
    for row in conn.execute(query):
        if not all(row._mapping[k] == payload[k] for k in _CONTENT):
            continue
        if row.decision == Decision.PUBLISHED:
            raise AlreadyPublished(str(row.id))
        if row.decision == Decision.RETURNED:
            said = N_("{id} was returned with this same content: correct it and submit it as a new version")
            raise Invalid([FieldError("draft", said, id=row.id)])
        return str(row.id)
    return None


def submit_document(
    *,
    conn: Connection,
    principal: Principal | None,
    source: Mapping[str, Any],
    full_text: str,
    rows: Sequence[Mapping[str, Any]],
    fills: str | None = None,
    links: Sequence[Mapping[str, Any]] = (),
    dismissed: Sequence[Mapping[str, Any]] = (),
    proposed_actors: Sequence[Mapping[str, Any]] = (),
    choices: Mapping[str, int] | None = None,
    supersedes: str | None = None,
    text_name: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Record a document as a draft for the principal's organisation; its id (``cd-<source id>-<version>``).

    Raises PermissionDenied (no right to add documents), Invalid (every problem, each with its field and row).
    Submitting what a draft of the same document waiting for a review already holds records nothing and returns
    that draft's id (one returned with it is refused; one published with it: AlreadyPublished); a changed
    row of an already published recommendation is refused unless the document is submitted as a new
    version of its draft (``supersedes``).
    """
    who = auth.require(conn, principal, Action.ADD_DOCUMENT)
    if supersedes is not None:
        earlier = conn.execute(select(DRAFTS.c.organisation_id).where(DRAFTS.c.id == supersedes)).first()
        if earlier is None or not permissions.allowed(who, Action.ADD_DOCUMENT, earlier.organisation_id):
            raise Invalid([FieldError("supersedes", UNKNOWN_DRAFT, id=repr(supersedes))])
        newer = conn.execute(select(DRAFTS.c.id).where(DRAFTS.c.supersedes_id == supersedes)).first()
        if newer is not None:
            raise Invalid([FieldError("supersedes", N_("{id} was already corrected by {newer}: correct that one"),
                                      id=supersedes, newer=newer.id)])  # fmt: skip
    checked = check_document(
        conn=conn, source=source, full_text=full_text, rows=rows, fills=fills, choices=choices, links=links,
        dismissed=dismissed, proposed_actors=proposed_actors, supersedes=supersedes, organisation=who.organisation_id,
    )  # fmt: skip
    payload = _payload(checked)
    if checked.source_id and (same := _same_draft(conn, checked.source_id, payload, who.organisation_id)):
        return same
    if checked.problems:
        raise Invalid(checked.problems)
    try:
        name = text.clean(text_name or "", multiline=False).strip()[:300] or None
    except text.TextProblem as exc:
        raise Invalid([FieldError("text_name", problem_words(exc))]) from None
    version = 1 + (
        conn.execute(select(func.max(DRAFTS.c.version)).where(DRAFTS.c.source_id == checked.source_id)).scalar() or 0
    )
    draft_id = f"cd-{checked.source_id}-{version}"
    now = now or now_utc()
    try:
        conn.execute(
            insert(DRAFTS).values(
                id=draft_id, source_id=checked.source_id, version=version, text_name=name,
                organisation_id=who.organisation_id, recorded_by=who.display, user_id=who.user_id, recorded_at=now,
                supersedes_id=supersedes, **payload,
            )
        )  # fmt: skip
    except IntegrityError:  # submitted at the same moment by someone else (the same version): look again
        raise Conflict(SUBMITTED_MEANWHILE, id=checked.source_id) from None
    summary = {"source": checked.source_id, "version": version, "fills_gap": checked.fills_gap,
               "recommendations": [r["id"] for r in checked.recommendations], "supersedes": supersedes}  # fmt: skip
    audit(conn, who, "submit document", "curation_draft", draft_id, after=summary)
    return draft_id


def review_document(
    *,
    conn: Connection,
    principal: Principal | None,
    draft_id: str,
    decision: str,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Publish a submitted document (its public rows are written now, origin 'app') or return it with a comment.

    A contributor may not (PermissionDenied); a draft of another organisation is unknown to a reviewer.
    """
    who = auth.require(conn, principal, Action.PUBLISH_DOCUMENT)
    draft = conn.execute(select(DRAFTS).where(DRAFTS.c.id == draft_id)).first()
    if draft is None or not permissions.allowed(who, Action.PUBLISH_DOCUMENT, draft.organisation_id):
        raise Invalid([FieldError("draft", UNKNOWN_DRAFT, id=repr(draft_id))])
    if conn.execute(select(DRAFT_REVIEWS.c.decision).where(DRAFT_REVIEWS.c.draft_id == draft_id)).first():
        raise Invalid([FieldError("draft", N_("{id} was already decided"), id=draft_id)])
    newer = conn.execute(select(DRAFTS.c.id).where(DRAFTS.c.supersedes_id == draft_id)).first()
    if newer is not None:
        raise Invalid([FieldError("draft", N_("{id} was corrected by {newer}: decide on that one"),
                                  id=draft_id, newer=newer.id)])  # fmt: skip
    comment = decision_comment(decision, comment, N_("say what to change: the comment goes back with the document"))
    now = now or now_utc()
    try:
        if decision == Decision.PUBLISHED:
            _publish(conn, who, dict(draft._mapping))
        conn.execute(
            insert(DRAFT_REVIEWS).values(
                draft_id=draft_id, decision=decision, comment=comment, reviewed_by=who.display,
                reviewer_id=who.user_id, reviewed_at=now,
            )
        )  # fmt: skip
    except IntegrityError:  # decided at the same moment by someone else: nothing of this decision is kept
        raise Conflict(DECIDED_MEANWHILE, id=draft_id) from None
    action = "publish document" if decision == Decision.PUBLISHED else "return document"
    audit(conn, who, action, "curation_draft", draft_id, after={"decision": decision, "comment": comment})


def _publish(conn: Connection, who: Principal, draft: dict[str, Any]) -> None:
    """Write the draft's public rows (checked again: the world may have changed since it was submitted)."""
    checked = check_document(
        conn=conn, source=draft["source"],
        full_text=draft["full_text"], rows=_rows_of(draft["recommendations"]),
        fills=draft["source_id"] if draft["fills_gap"] else None,
        choices={r["id"]: _choice(draft["full_text"], r) for r in draft["recommendations"]},
        links=draft["links"], dismissed=draft["dismissed"], proposed_actors=draft["proposed_actors"],
        supersedes=draft["supersedes_id"], draft_id=draft["id"],
    )  # fmt: skip
    if checked.problems:
        raise Invalid(checked.problems)
    source_id = draft["source_id"]
    _actors(conn, who, checked)
    _source(conn, who, checked)
    own = {r["id"] for r in checked.recommendations}
    others = select(func.max(R.c.position)).where(R.c.source_id == source_id, R.c.id.not_in(own))
    base = (conn.execute(others).scalar() or -1) + 1
    existing = set(conn.execute(select(R.c.id).where(R.c.id.in_(own))).scalars())
    for position, rec in enumerate(checked.recommendations):
        row = {
            "source_id": source_id, "position": base + position, "number": rec["number"], "section": rec["section"],
            "lead_in": rec["lead_in"], "text": rec["text"], "title": rec["title"], "kind": "recommendation",
            "problems": rec["problems"], "origin": "app", "text_start": rec.get("text_start"),
            "text_end": rec.get("text_end"),
        }  # fmt: skip
        if rec["id"] in existing:
            conn.execute(update(R).where(R.c.id == rec["id"]).values(**row))
            conn.execute(delete(RT).where(RT.c.recommendation_id == rec["id"]))
            conn.execute(delete(AD).where(AD.c.recommendation_id == rec["id"]))
        else:
            conn.execute(insert(R).values(id=rec["id"], **row))
        conn.execute(insert(RT), [{"recommendation_id": rec["id"], "theme_id": t} for t in rec["themes"]])
        conn.execute(
            insert(AD),
            [{"recommendation_id": rec["id"], "actor_id": a, "position": i, "role": "responsible", "inferred": False}
             for i, a in enumerate(rec["addressees"])],
        )  # fmt: skip
        audit(conn, who, "publish document", "recommendation", rec["id"], after={**row, "id": rec["id"]})
    for link in checked.links:
        key = (L.c.source_id == link["source"]) & (L.c.target_id == link["target"])
        values = {"kind": link["kind"], "note": link.get("note")}
        if conn.execute(select(L.c.origin).where(key)).first() is None:
            conn.execute(insert(L).values(source_id=link["source"], target_id=link["target"], origin="app", **values))
        else:
            conn.execute(update(L).where(key).values(**values))
        audit(conn, who, "publish document", "recommendation_link", f"{link['source']}->{link['target']}", after=values)


def _rows_of(recs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A draft's recommendations as sheet rows again (for the check at publishing)."""
    return [
        {**{c: rec.get(c) or "" for c in ("number", "section", "lead_in", "text", "title")}, "id": rec["id"],
         "row": rec.get("row"), "themes": ";".join(rec["themes"]), "addressees": ";".join(rec["addressees"]),
         "problems": "\n".join(rec["problems"])}
        for rec in recs
    ]  # fmt: skip


def _choice(full_text: str, rec: Mapping[str, Any]) -> int:
    """Which occurrence of its text a recorded recommendation stands at (its recorded start)."""
    from recommendations import verbatim

    starts = [start for start, _ in verbatim.occurrences(full_text, rec["text"])]
    return starts.index(rec["text_start"]) if rec.get("text_start") in starts else 0


def _actors(conn: Connection, who: Principal, checked: Checked) -> None:
    """The actors the curator proposed that the document names, added as organisations or bodies."""
    named = {a for rec in checked.recommendations for a in rec["addressees"]}
    for actor in checked.proposed_actors:
        ident = proposed_id(actor)
        if ident not in named or conn.execute(select(ACT.c.id).where(ACT.c.id == ident)).first():
            continue
        row = {"id": ident, "name": actor.get("name") or ident, "acronym": actor.get("acronym") or None,
               "type": actor.get("type") or "other", "version": 1}  # fmt: skip
        conn.execute(insert(ACT).values(**row))
        audit(conn, who, "add organisation", "actor", ident, after=row)


def _source(conn: Connection, who: Principal, checked: Checked) -> None:
    meta = checked.source
    found = conn.execute(select(S.c.text_path, S.c.full_text).where(S.c.id == checked.source_id)).first()
    text_path = f"{TEXTS_DIR}/{checked.source_id}.txt"  # its own file (a gap's may be another document's text)
    if found is not None and found.text_path and found.full_text == checked.full_text:
        text_path = found.text_path
    if found is None:
        row = {
            **{k: meta.get(k) for k in ("title", "date", "kind", "place", "url", "citation", "language",
                                        "expected_recommendations", "gap_note", "curator_note")},
            "organisers": meta.get("organisers") or [], "date_start": date_start(meta["date"]),
        }  # fmt: skip
        conn.execute(
            insert(S).values(
                id=checked.source_id, full_text=checked.full_text, text_path=text_path, origin="app", **row
            )
        )
        audit(conn, who, "publish document", "source", checked.source_id, after={**row, "date_start": meta["date"]})
        return
    values = {"full_text": checked.full_text, "text_path": text_path, "language": meta.get("language")}
    if not checked.fills_gap:  # a new version of a document added in the app: its metadata may be corrected
        values.update({k: meta.get(k) for k in ("title", "date", "kind", "place", "url", "citation")})
        values.update(organisers=meta.get("organisers") or [], date_start=date_start(meta["date"]))
    conn.execute(update(S).where(S.c.id == checked.source_id).values(**values))
    audit(conn, who, "publish document", "source", checked.source_id,
          after={k: v for k, v in values.items() if k not in ("full_text", "date_start")})  # fmt: skip


def drafts(conn: Connection, principal: Principal | None) -> list[dict[str, Any]]:
    """The submitted documents the principal may see (their organisation's; an admin's: all), newest first, each
    with its state (awaiting review, published, returned, corrected) and, for its organisation, the comment; its
    recommendations (``items``: id, number, title, text, addressees) and the actors it proposes, for the reviewer."""
    who = auth.require(conn, principal, Action.ADD_DOCUMENT)
    query = (
        select(
            DRAFTS.c.id, DRAFTS.c.source_id, DRAFTS.c.version, DRAFTS.c.fills_gap, DRAFTS.c.source,
            DRAFTS.c.recommendations, DRAFTS.c.organisation_id, DRAFTS.c.recorded_by, DRAFTS.c.recorded_at,
            DRAFTS.c.supersedes_id, DRAFTS.c.text_name, DRAFTS.c.proposed_actors, DRAFT_REVIEWS.c.decision,
            DRAFT_REVIEWS.c.comment, DRAFT_REVIEWS.c.reviewed_by, DRAFT_REVIEWS.c.reviewed_at,
        )
        .select_from(DRAFTS.outerjoin(DRAFT_REVIEWS, DRAFT_REVIEWS.c.draft_id == DRAFTS.c.id))
        .order_by(DRAFTS.c.recorded_at.desc(), DRAFTS.c.id)
    )  # fmt: skip
    if permissions.scope_of(who, Action.ADD_DOCUMENT) != permissions.Scope.ANY:
        query = query.where(DRAFTS.c.organisation_id == who.organisation_id)
    rows = [dict(r._mapping) for r in conn.execute(query)]
    corrected = {r["supersedes_id"] for r in rows if r["supersedes_id"]}
    out = []
    for r in rows:
        state = r["decision"] or ("corrected" if r["id"] in corrected else "awaiting review")
        out.append({
            "id": r["id"], "source_id": r["source_id"], "version": r["version"], "title": r["source"].get("title"),
            "fills_gap": r["fills_gap"], "recommendations": len(r["recommendations"]), "state": state,
            "comment": r["comment"], "recorded_by": r["recorded_by"], "recorded_at": r["recorded_at"],
            "reviewed_by": r["reviewed_by"], "reviewed_at": r["reviewed_at"], "supersedes": r["supersedes_id"],
            "organisation_id": r["organisation_id"], "text_name": r["text_name"],
            "proposed_actors": list(r["proposed_actors"] or []),
            "items": [{k: rec.get(k) for k in ("id", "number", "title", "text", "addressees")}
                      for rec in r["recommendations"]],
        })  # fmt: skip
    return out


def draft(conn: Connection, principal: Principal | None, draft_id: str) -> dict[str, Any]:
    """One submitted document as recorded (for a page that shows or corrects it); Invalid when unknown to them."""
    who = auth.require(conn, principal, Action.ADD_DOCUMENT)
    row = conn.execute(select(DRAFTS).where(DRAFTS.c.id == draft_id)).first()
    if row is None or not permissions.allowed(who, Action.ADD_DOCUMENT, row.organisation_id):
        raise Invalid([FieldError("draft", UNKNOWN_DRAFT, id=repr(draft_id))])
    return {**dict(row._mapping), "versions": sorted(chain(conn, draft_id))}
