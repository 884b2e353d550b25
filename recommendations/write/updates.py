"""The record writes: assessments (recorded, reviewed, corrected, withdrawn) and corrections of evidence.

Accounts and organisations are in ``accounts``; what a refusal says, in ``errors``.

Each function takes the caller's connection and principal as keyword arguments and, **first**, asks
``auth.require`` whether the person's role may do this at all (which also reads the person again from the
database: a session that has ended writes nothing). Only then does it look anything up, check the record-level
permission (``auth.require_on``: your own organisation's drafts, the curated dataset for an admin), validate
with the same rules as the YAML (``schema`` for one record, ``checks`` across records), append rows and write
an audit row in the same transaction. The caller commits: one transaction for a form, one for a whole upload.

Nothing in the history is edited or deleted: a correction is a new assessment that supersedes the old one,
a withdrawal is a new record, a review decision is a row of its own, and a correction of an evidence item is
a proposal kept with the values before and after.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from models.tables import ACT, AD, AE, REVIEWS, A, E, R, S
from recommendations import labels, status, text, visibility
from recommendations.audit import audit
from recommendations.dataset import checks
from recommendations.dataset.records import assessment_row, cited_rows, evidence_row
from recommendations.dataset.schema import AssessmentIn, EvidenceIn, assessment_rules
from recommendations.dates import date_start
from recommendations.i18n import N_
from recommendations.permissions import Action, PermissionDenied, Principal
from recommendations.vocabulary import STATUS_LABELS, Status, Visibility
from recommendations.write import auth
from recommendations.write.errors import FieldError, Invalid, findings, problem_words, pydantic_errors, record_rule


class Decision:
    PUBLISHED = Visibility.PUBLISHED.value
    RETURNED = status.RETURNED


def decision_comment(decision: str, comment: str | None, returned_needs: str | None = None) -> str | None:
    """The one check of a reviewer's decision and comment (assessments, evidence corrections, documents): publish
    or return, the comment cleaned as free text; ``returned_needs`` is what is said when a return has none."""
    if decision not in (Decision.PUBLISHED, Decision.RETURNED):
        raise Invalid([FieldError("decision", N_("choose publish or return"))])
    try:
        cleaned = text.clean(comment or "").strip() or None
    except text.TextProblem as exc:
        raise Invalid([FieldError("comment", problem_words(exc))]) from None
    if returned_needs is not None and decision == Decision.RETURNED and not cleaned:
        raise Invalid([FieldError("comment", returned_needs)])
    return cleaned


UNKNOWN_ASSESSMENT = N_("unknown assessment id {id}")
#: "as-… was already published" / "… returned": a decision already taken, said whole.
ALREADY = {Decision.PUBLISHED: N_("{id} was already published"), Decision.RETURNED: N_("{id} was already returned")}


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _slug(value: str, limit: int = 24) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:limit].strip("-") or "x"


def new_id(prefix: str, *parts: str) -> str:
    return "-".join([prefix, *(_slug(p) for p in parts), secrets.token_hex(3)])[:80]


# --- assessments -----------------------------------------------------------------------------------------


@dataclass
class AssessmentForm:
    """What a person enters to record an assessment (the form, a row of an upload)."""

    recommendation: str
    status: str
    as_of: str  # YYYY-MM-DD (partial dates are for YAML curation)
    rationale: str
    addressee: str | None = None
    evidence: list[str] = field(default_factory=list)  # existing evidence ids
    new_evidence: list[dict[str, Any]] = field(default_factory=list)  # title, date, kind, url/citation, summary
    supersedes: str | None = None
    supersede_reason: str | None = None
    publish: bool = False  # a reviewer may publish at once; a contributor's record is always a draft
    assessor: str | None = None  # defaults to the principal's organisation; anything else is refused


def _target(conn: Connection, assessment_id: str) -> checks.Target | None:
    row = conn.execute(
        select(A.c.id, A.c.recommendation_id, A.c.as_of, A.c.visibility, A.c.assessor_id).where(A.c.id == assessment_id)
    ).first()
    if row is None:
        return None
    correction = A.alias("correction")
    by = conn.execute(
        select(correction.c.id).where(correction.c.supersedes_id == assessment_id, status.in_force(correction))
    ).first()
    visibility_now = conn.execute(select(status.effective_visibility(A)).where(A.c.id == assessment_id)).scalar_one()
    return checks.Target(
        row.id, row.recommendation_id, row.as_of, visibility_now, by.id if by is not None else None, row.assessor_id
    )


def record_assessment(
    *, conn: Connection, principal: Principal | None, form: AssessmentForm, now: dt.datetime | None = None
) -> str:
    """Record an assessment for the principal's organisation (a draft, or published by a reviewer).

    New evidence items are added with it, recorded as the organisation's. Returns the new assessment's id.
    Raises PermissionDenied, or Invalid with every problem of the whole form at once (by field); nothing is
    written then.
    """
    who = auth.require(conn, principal, Action.RECORD)
    organisation = who.organisation_id
    auth.require_on(who, Action.RECORD, form.assessor or organisation)
    if form.publish:
        auth.require_on(who, Action.PUBLISH, organisation)
    assert organisation is not None  # RECORD is for members of an organisation only
    now = now or now_utc()
    errors: list[FieldError] = []
    new_items: list[EvidenceIn] = []
    new_ids = [new_id("ev", str(raw.get("title") or "item")) for raw in form.new_evidence]
    for index, raw in enumerate(form.new_evidence):
        item, item_errors = evidence_in(raw, prefix=f"new_evidence.{index}.", ident=new_ids[index],
                                        organisation=organisation)  # fmt: skip
        errors += item_errors
        if item is not None:
            new_items.append(item)
    known = _evidence_dates(conn, form.evidence, visibility.Viewer.of(who))
    errors += [FieldError("evidence", N_("no evidence item you may cite has the id {id}"), id=repr(ev))
               for ev in form.evidence if ev not in known]  # fmt: skip
    made, addressees = _recommendation(conn, form.recommendation)
    addressee = _addressee(conn, form.addressee, addressees, errors)
    values: dict[str, Any] = dict(
        id=new_id("as", form.recommendation, now.strftime("%Y%m%d")), recommendation=form.recommendation,
        addressee=addressee, status=form.status, as_of=form.as_of, assessor=organisation, rationale=form.rationale,
        evidence=[*form.evidence, *new_ids], visibility=Visibility.PUBLISHED if form.publish else Visibility.DRAFT,
        supersedes=form.supersedes or None, supersede_reason=form.supersede_reason or None,
        recorded_by=who.display, recorded_at=now,
    )  # fmt: skip
    record: AssessmentIn | None = None
    try:
        record = AssessmentIn(**values)
    except ValidationError as exc:  # an id of the evidence list that is not an id is already named as unknown
        errors += [e for e in pydantic_errors(exc) if not e.field.startswith("evidence.")]
        if all(e["loc"] for e in exc.errors()) and form.status in STATUS_LABELS:  # the whole-record rules did
            errors += [record_rule(p) for p in _record_rules(values)]  # not run: say them too, all at once
    wrong = {e.field for e in errors}
    if made is None and "recommendation" not in wrong:
        errors.append(
            FieldError("recommendation", N_("no recommendation has the id {id}"), id=repr(form.recommendation))
        )
    target = None
    if form.supersedes:
        target = _target(conn, form.supersedes)
        if target is None or (target.assessor != organisation and target.visibility not in status.IN_FORCE):
            errors.append(
                FieldError("supersedes", N_("no assessment of yours has the id {id}"), id=repr(form.supersedes))
            )
            target = None
        elif target.assessor != organisation:
            raise PermissionDenied(
                N_("You can correct only your own organisation's assessments; record your own assessment instead.")
            )
    draft = record or AssessmentIn.model_construct(**values)
    dates = {**known, **{e.id: e.date for e in new_items}}
    if "as_of" in wrong:  # the date rules need a date
        found = checks.addressee_findings(draft, addressees)
    else:
        found = checks.assessment_findings(
            draft, made=made, addressees=addressees, evidence_dates=dates, target=target, today=now.date()
        )
    errors += findings(found)
    if errors or record is None:
        raise Invalid(errors)
    for item in new_items:
        _insert_evidence(conn, who, item)
    conn.execute(insert(A).values(**assessment_row(record, origin="app")))
    if record.evidence:
        conn.execute(insert(AE), cited_rows(record))
    audit(conn, who, "record assessment", "assessment", record.id, after=record.model_dump(mode="json"))
    return record.id


def _record_rules(values: Mapping[str, Any]) -> list[str]:
    return assessment_rules(
        status=values["status"], visibility=values["visibility"], evidence=values["evidence"],
        supersedes=values["supersedes"], supersede_reason=values["supersede_reason"], ident=values["id"],
    )  # fmt: skip


def _addressee(
    conn: Connection, given: str | None, addressees: set[str] | None, errors: list[FieldError]
) -> str | None:
    """The actor id ``given`` names (an id or an acronym, any case: "MoLVT" is molvt); a name that fits no actor,
    or several, is added to ``errors`` in words."""
    if not given or not given.strip():
        return None
    rows = [(r.id, r.name, r.acronym) for r in conn.execute(select(ACT.c.id, ACT.c.name, ACT.c.acronym))]
    found = labels.actors_named(given, rows)
    if len(found) > 1 and addressees:
        found = [a for a in found if a in addressees] or found
    if len(found) == 1:
        return found[0]
    names = {r[0]: labels.full(r[1], r[2]) for r in rows}
    if found:
        which = "; ".join(f"{names[a]}, id {a}" for a in found)
        errors.append(FieldError("addressee", N_("{given} names more than one: {which}. Write the id of the one meant"),
                                 given=repr(given), which=which))  # fmt: skip
    else:
        asked = "; ".join(f"{names.get(a, a)}, id {a}" for a in sorted(addressees or []))
        words = (
            N_("no organisation or body has the id or acronym {given}. This recommendation asks: {asked}")
            if asked
            else N_("no organisation or body has the id or acronym {given}")
        )
        errors.append(FieldError("addressee", words, given=repr(given), asked=asked))
    return None


def _recommendation(conn: Connection, rec_id: str) -> tuple[dt.date | None, set[str] | None]:
    made = conn.execute(select(S.c.date_start).join(R, R.c.source_id == S.c.id).where(R.c.id == rec_id)).scalar()
    if made is None:
        return None, None
    addressees = set(conn.execute(select(AD.c.actor_id).where(AD.c.recommendation_id == rec_id)).scalars())
    return (made if isinstance(made, dt.date) else dt.date.fromisoformat(str(made))), addressees


def _evidence_dates(conn: Connection, ids: Iterable[str], viewer: visibility.Viewer) -> dict[str, str]:
    """The dates of the evidence items among ``ids`` that ``viewer`` may see (and so cite)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = conn.execute(select(E.c.id, E.c.date).where(E.c.id.in_(ids), visibility.evidence(viewer, E)))
    return {r.id: r.date for r in rows}


# --- evidence ----------------------------------------------------------------------------------------------

EVIDENCE_FIELDS = ("title", "date", "kind", "url", "citation", "summary")


def evidence_in(
    raw: Mapping[str, Any], *, prefix: str = "", ident: str | None = None, organisation: str | None = None
) -> tuple[EvidenceIn | None, list[FieldError]]:
    values = {k: (raw.get(k) or None) for k in EVIDENCE_FIELDS}
    values["date"] = str(values["date"]) if values["date"] else None
    values["recommendations"] = list(raw.get("recommendations") or [])
    try:
        item = EvidenceIn(id=ident or new_id("ev", values.get("title") or "item"), organisation=organisation, **values)
    except ValidationError as exc:
        return None, pydantic_errors(exc, prefix)
    errors = findings(checks.evidence_findings(item.date), prefix)
    return (None if errors else item), errors


def _insert_evidence(conn: Connection, who: Principal, item: EvidenceIn) -> None:
    conn.execute(insert(E).values(**evidence_row(item), version=1))
    audit(conn, who, "add evidence", "evidence", item.id, after=item.model_dump(mode="json"))


# --- review, withdrawal -------------------------------------------------------------------------------------


def review(
    *,
    conn: Connection,
    principal: Principal | None,
    assessment_id: str,
    decision: str,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Publish a draft of the reviewer's organisation, or return it with a comment. One decision per draft."""
    who = auth.require(conn, principal, Action.REVIEW)
    row = conn.execute(select(A).where(A.c.id == assessment_id)).first()
    if row is None or row.assessor_id != who.organisation_id:  # another organisation's draft is not yours to see
        raise Invalid([FieldError("assessment", UNKNOWN_ASSESSMENT, id=repr(assessment_id))])
    auth.require_on(who, Action.REVIEW, row.assessor_id)
    comment = decision_comment(decision, comment, N_("say what should change before it can be published"))
    if row.visibility != Visibility.DRAFT:
        raise Invalid([FieldError("assessment", N_("{id} is not a draft"), id=assessment_id)])
    done = conn.execute(select(REVIEWS.c.decision).where(REVIEWS.c.assessment_id == assessment_id)).scalar()
    if done:
        raise Invalid(
            [
                FieldError(
                    "assessment", ALREADY.get(done, N_("{id} was already {decision}")), id=assessment_id, decision=done
                )
            ]
        )
    if decision == Decision.PUBLISHED and row.supersedes_id:
        target = _target(conn, row.supersedes_id)
        if target and target.superseded_by:
            raise Invalid(
                [
                    FieldError(
                        "supersedes",
                        N_("{target} is already superseded by {by}"),
                        target=target.id,
                        by=target.superseded_by,
                    )
                ]
            )
    conn.execute(
        insert(REVIEWS).values(
            assessment_id=assessment_id,
            decision=decision,
            comment=comment,
            reviewed_by=who.display,
            reviewer_id=who.user_id,
            reviewed_at=now or now_utc(),
        )
    )
    audit(
        conn, who, "publish" if decision == Decision.PUBLISHED else "return", "assessment_review",
        assessment_id, before={"visibility": "draft"}, after={"decision": decision, "comment": comment},
    )  # fmt: skip


def withdraw(
    *, conn: Connection, principal: Principal | None, assessment_id: str, reason: str, now: dt.datetime | None = None
) -> str:
    """Withdraw a published assessment of the reviewer's organisation: a new record saying so, and why."""
    who = auth.require(conn, principal, Action.WITHDRAW)
    target_row = conn.execute(select(A).where(A.c.id == assessment_id)).first()
    target = _target(conn, assessment_id) if target_row is not None else None
    if (
        target_row is None
        or target is None
        or (target.assessor != who.organisation_id and target.visibility not in status.IN_FORCE)
    ):
        raise Invalid([FieldError("assessment", UNKNOWN_ASSESSMENT, id=repr(assessment_id))])
    auth.require_on(who, Action.WITHDRAW, target.assessor)
    now = now or now_utc()
    if target.visibility != Visibility.PUBLISHED:
        raise Invalid(
            [FieldError("assessment", N_("{id} is not published, so there is nothing to withdraw"), id=assessment_id)]
        )
    if not (reason or "").strip():
        raise Invalid([FieldError("reason", N_("say why it is withdrawn: the history shows it"))])
    as_of = max(now.date().isoformat(), target.as_of, key=date_start)
    try:
        record = AssessmentIn(
            id=new_id("wd", target_row.recommendation_id, now.strftime("%Y%m%d")),
            recommendation=target_row.recommendation_id,
            addressee=target_row.addressee_id,
            status=Status.NOT_ASSESSED,
            as_of=as_of,
            assessor=target_row.assessor_id,
            rationale=(reason or "").strip() or "-",
            visibility=Visibility.WITHDRAWN,
            supersedes=assessment_id,
            supersede_reason=reason,
            recorded_by=who.display,
            recorded_at=now,
        )
    except ValidationError as exc:
        raise Invalid(
            [
                FieldError("reason" if e.field in ("supersede_reason", "rationale") else e.field, e.said)
                for e in pydantic_errors(exc)
            ]
        ) from None
    if found := checks.supersede_findings(record, target):
        raise Invalid(findings(found))
    conn.execute(insert(A).values(**assessment_row(record, origin="app")))
    audit(conn, who, "withdraw assessment", "assessment", record.id, after=record.model_dump(mode="json"))
    return record.id


# --- corrections of evidence -------------------------------------------------------------------------------
