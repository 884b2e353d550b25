"""Corrections of evidence items: the item's own organisation (its reviewers; an admin for the curated dataset)
corrects it at once; anyone else who records proposes, and that organisation publishes or returns the proposal.
Every correction keeps the values before and after (``evidence_correction``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from models.tables import CORRECTION_REVIEWS, CORRECTIONS, E
from recommendations import permissions, text, visibility
from recommendations.audit import audit
from recommendations.i18n import N_
from recommendations.permissions import Action, Principal
from recommendations.write import auth
from recommendations.write.errors import FieldError, Invalid, problem_words
from recommendations.write.updates import Decision, decision_comment, evidence_in, new_id, now_utc
from recommendations.write.versions import conflict, versioned_update

EDITABLE_EVIDENCE = ("title", "url", "citation", "summary", "completeness")


@dataclass(frozen=True)
class CorrectionResult:
    correction_id: str
    published: bool  # True: the item changed now; False: a proposal waits for the item's organisation
    version: int  # the item's version after this


def correct_evidence(
    *,
    conn: Connection,
    principal: Principal | None,
    evidence_id: str,
    seen_version: int,
    changes: Mapping[str, Any],
    reason: str,
    now: dt.datetime | None = None,
) -> CorrectionResult:
    """Correct an evidence item's title, address, citation or summary.

    The item's own organisation (its reviewers; an admin for the curated dataset) corrects it at once;
    anyone else who records proposes the correction, which that organisation publishes or returns. Either
    way the values before and after are kept (``evidence_correction``). A correction of a version that
    changed since it was read is refused (Conflict).
    """
    who = auth.require(conn, principal, Action.PROPOSE_CORRECTION)
    row = conn.execute(
        select(E).where(E.c.id == evidence_id, visibility.evidence(visibility.Viewer.of(who), E))
    ).first()
    if row is None:
        raise Invalid(
            [FieldError("evidence", N_("no evidence item you may see has the id {id}"), id=repr(evidence_id))]
        )
    current = dict(row._mapping)
    wanted = {k: (changes.get(k, current[k]) or None) for k in EDITABLE_EVIDENCE}
    item, errors = evidence_in(
        {**current, **wanted, "date": current["date"], "kind": current["kind"]}, ident=evidence_id
    )
    try:
        reason = text.clean(reason or "").strip()
    except text.TextProblem as exc:
        errors.append(FieldError("reason", problem_words(exc)))
    if not reason:
        errors.append(FieldError("reason", N_("say why the item is corrected (it is kept in the history)")))
    if errors or item is None:
        raise Invalid(errors)
    before = {k: current[k] for k in EDITABLE_EVIDENCE}
    after = {k: getattr(item, k) for k in EDITABLE_EVIDENCE}
    if before == after:
        raise Invalid([FieldError("form", N_("nothing was changed"))])
    if current["version"] != seen_version:
        raise conflict(conn, "evidence", evidence_id)
    now = now or now_utc()
    correction_id = new_id("cor", evidence_id, now.strftime("%Y%m%d"))
    conn.execute(
        insert(CORRECTIONS).values(
            id=correction_id, evidence_id=evidence_id, seen_version=seen_version, before=before, after=after,
            reason=reason, proposed_by=who.display, proposer_id=who.user_id, organisation_id=who.organisation_id,
            proposed_at=now,
        )
    )  # fmt: skip
    audit(conn, who, "propose evidence correction", "evidence_correction", correction_id, before=before, after=after)
    if not permissions.allowed(who, Action.EDIT_EVIDENCE, current["organisation_id"]):
        return CorrectionResult(correction_id, published=False, version=seen_version)
    version = _publish_correction(conn, who, correction_id, now)
    return CorrectionResult(correction_id, published=True, version=version)


def _publish_correction(conn: Connection, who: Principal, correction_id: str, now: dt.datetime) -> int:
    proposal = conn.execute(select(CORRECTIONS).where(CORRECTIONS.c.id == correction_id)).one()
    version = versioned_update(
        conn, E, who, proposal.evidence_id, proposal.seen_version, dict(proposal.before), dict(proposal.after),
        "edit evidence",
    )  # fmt: skip
    conn.execute(
        insert(CORRECTION_REVIEWS).values(
            correction_id=correction_id, decision=Decision.PUBLISHED, reviewed_by=who.display,
            reviewer_id=who.user_id, reviewed_at=now,
        )
    )  # fmt: skip
    return version


def decide_correction(
    *,
    conn: Connection,
    principal: Principal | None,
    correction_id: str,
    decision: str,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Publish a proposed correction of one of the organisation's evidence items, or return it with a comment."""
    who = auth.require(conn, principal, Action.DECIDE_CORRECTION)
    proposal = conn.execute(
        select(CORRECTIONS.c.id, CORRECTIONS.c.evidence_id, E.c.organisation_id)
        .join(E, E.c.id == CORRECTIONS.c.evidence_id)
        .where(CORRECTIONS.c.id == correction_id)
    ).first()
    if proposal is None:
        raise Invalid([FieldError("correction", N_("unknown correction {id}"), id=repr(correction_id))])
    auth.require_on(who, Action.DECIDE_CORRECTION, proposal.organisation_id)
    if conn.execute(select(CORRECTION_REVIEWS.c.id).where(CORRECTION_REVIEWS.c.correction_id == correction_id)).first():
        raise Invalid([FieldError("correction", N_("{id} was already decided"), id=correction_id)])
    comment = decision_comment(decision, comment)
    now = now or now_utc()
    if decision == Decision.PUBLISHED:
        _publish_correction(conn, who, correction_id, now)
        return
    if not comment:
        raise Invalid([FieldError("comment", N_("say why the correction is not published"))])
    conn.execute(
        insert(CORRECTION_REVIEWS).values(
            correction_id=correction_id, decision=Decision.RETURNED, comment=comment, reviewed_by=who.display,
            reviewer_id=who.user_id, reviewed_at=now,
        )
    )  # fmt: skip
    audit(conn, who, "return evidence correction", "evidence_correction", correction_id, after={"comment": comment})
