"""The write side: every change made in the app or by a maintainer's command, and nothing else.

Each function takes the caller's connection and principal as keyword arguments, validates with the same
rules as the YAML (``schema`` for one record, ``checks`` across records), checks permissions with
``auth.require`` (so the server refuses what a page hides), appends rows and writes an audit row in the
same transaction. The caller commits: one transaction for a form, one for a whole upload.

Nothing in the history is edited or deleted: a correction is a new assessment that supersedes the old one,
a withdrawal is a new record, a review decision is a row of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Connection

from models import (
    Actor,
    Addressee,
    AppUser,
    Assessment,
    AssessmentEvidence,
    AssessmentReview,
    AuditEntry,
    Evidence,
    Recommendation,
    Source,
)
from recommendations import auth, checks, status
from recommendations.auth import Action, PermissionDenied, Principal, Role
from recommendations.schema import PARTIAL_DATE, ActorIn, AssessmentIn, EvidenceIn, Status, Visibility, date_start

A = Assessment.__table__  # type: ignore[attr-defined]
AE = AssessmentEvidence.__table__  # type: ignore[attr-defined]
REVIEWS = AssessmentReview.__table__  # type: ignore[attr-defined]
E = Evidence.__table__  # type: ignore[attr-defined]
ACT = Actor.__table__  # type: ignore[attr-defined]
AD = Addressee.__table__  # type: ignore[attr-defined]
R = Recommendation.__table__  # type: ignore[attr-defined]
S = Source.__table__  # type: ignore[attr-defined]
U = AppUser.__table__  # type: ignore[attr-defined]
AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]


class Decision:
    PUBLISHED = Visibility.PUBLISHED.value
    RETURNED = status.RETURNED


@dataclass(frozen=True)
class FieldError:
    field: str  # e.g. "as_of", "new_evidence.1.url"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class Invalid(Exception):
    """The input breaks a rule; ``errors`` name each field. Nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error.field, []).append(error.message)
        return out


class Conflict(Exception):
    """Someone else changed the record since the form was opened; the caller keeps the user's input."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _json(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def audit(
    conn: Connection,
    who: Principal | str,
    action: str,
    table: str,
    record_id: str,
    *,
    before: Mapping | None = None,
    after: Mapping | None = None,
) -> None:
    """Append one audit row (never a password or its hash)."""
    secret = {"password", "password_hash"}
    clean = {
        name: None if value is None else {k: ("(changed)" if k in secret else _json(v)) for k, v in value.items()}
        for name, value in (("before", before), ("after", after))
    }
    conn.execute(
        insert(AUDIT).values(
            at=_now(),
            who=who.email if isinstance(who, Principal) else who,
            user_id=who.user_id if isinstance(who, Principal) else None,
            action=action,
            table_name=table,
            record_id=str(record_id)[:120],
            **clean,
        )
    )


# A rule on the whole record is shown beside the field it is about.
_RECORD_RULE_FIELDS = (
    ("needs evidence", "evidence"),
    ("supersede_reason", "supersede_reason"),
    ("url, a citation", "url"),
)


def _pydantic_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    out = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        name = ".".join(str(p) for p in error["loc"])
        if not name:
            name = next((f for words, f in _RECORD_RULE_FIELDS if words in message), "form")
        out.append(FieldError(prefix + name, message))
    return out


def _slug(text: str, limit: int = 24) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "x"


def _new_id(prefix: str, *parts: str) -> str:
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
    new_evidence: list[dict] = field(default_factory=list)  # title, date, kind, url/citation, summary
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
    visibility = conn.execute(select(status.effective_visibility(A)).where(A.c.id == assessment_id)).scalar_one()
    return checks.Target(row.id, row.recommendation_id, row.as_of, visibility, by and by.id, row.assessor_id)


def record_assessment(
    *, conn: Connection, principal: Principal | None, form: AssessmentForm, now: dt.datetime | None = None
) -> str:
    """Record an assessment for the principal's organisation (a draft, or published by a reviewer).

    New evidence items are added with it. Returns the new assessment's id. Raises PermissionDenied or
    Invalid (every problem, by field); nothing is written then.
    """
    organisation = principal.organisation_id if principal else None
    auth.require(conn, principal, Action.RECORD, form.assessor or organisation)
    assert principal is not None and organisation is not None  # require() passed
    if form.publish:
        auth.require(conn, principal, Action.PUBLISH, organisation)
    now = now or _now()
    errors: list[FieldError] = []
    new_items: list[EvidenceIn] = []
    for index, raw in enumerate(form.new_evidence):
        item, item_errors = _evidence_in(raw, prefix=f"new_evidence.{index}.")
        errors += item_errors
        if item is not None:
            new_items.append(item)
    known = _evidence_dates(conn, form.evidence)
    errors += [FieldError("evidence", f"unknown evidence id {ev!r}") for ev in form.evidence if ev not in known]
    assessment_id = _new_id("as", form.recommendation, now.strftime("%Y%m%d"))
    try:
        record = AssessmentIn(
            id=assessment_id,
            recommendation=form.recommendation,
            addressee=form.addressee or None,
            status=form.status,
            as_of=form.as_of,
            assessor=organisation,
            rationale=form.rationale,
            evidence=[*form.evidence, *(e.id for e in new_items)],
            visibility=Visibility.PUBLISHED if form.publish else Visibility.DRAFT,
            supersedes=form.supersedes or None,
            supersede_reason=form.supersede_reason or None,
            recorded_by=principal.display,
            recorded_at=now,
        )
    except ValidationError as exc:
        errors += _pydantic_errors(exc)
        if not any(e.field == "as_of" for e in errors) and PARTIAL_DATE.match(form.as_of or ""):
            made, _ = _recommendation(conn, form.recommendation)  # say all that is wrong at once
            errors += [FieldError(f, m) for f, m in checks.as_of_findings(form.as_of, made=made, today=now.date())]
        raise Invalid(errors) from None
    made, addressees = _recommendation(conn, record.recommendation)
    if made is None:
        errors.append(FieldError("recommendation", f"unknown recommendation id {record.recommendation!r}"))
    target = None
    if record.supersedes:
        target = _target(conn, record.supersedes)
        if target is None:
            errors.append(FieldError("supersedes", f"unknown assessment id {record.supersedes!r}"))
        elif _assessor(conn, target.id) != organisation:
            raise PermissionDenied(
                "You can correct only your own organisation's assessments; record your own assessment instead."
            )
    dates = {**known, **{e.id: e.date for e in new_items}}
    findings = checks.assessment_findings(
        record, made=made, addressees=addressees, evidence_dates=dates, target=target, today=now.date()
    )
    errors += [FieldError(f, m) for f, m in findings]
    if errors:
        raise Invalid(errors)
    for item in new_items:
        _insert_evidence(conn, principal, item)
    _insert_assessment(conn, record, origin="app")
    audit(conn, principal, "record assessment", "assessment", record.id, after=record.model_dump(mode="json"))
    return record.id


def _assessor(conn: Connection, assessment_id: str) -> str | None:
    return conn.execute(select(A.c.assessor_id).where(A.c.id == assessment_id)).scalar()


def _recommendation(conn: Connection, rec_id: str) -> tuple[dt.date | None, set[str] | None]:
    made = conn.execute(select(S.c.date_start).join(R, R.c.source_id == S.c.id).where(R.c.id == rec_id)).scalar()
    if made is None:
        return None, None
    addressees = set(conn.execute(select(AD.c.actor_id).where(AD.c.recommendation_id == rec_id)).scalars())
    return (made if isinstance(made, dt.date) else dt.date.fromisoformat(str(made))), addressees


def _evidence_dates(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = list(ids)
    if not ids:
        return {}
    return {r.id: r.date for r in conn.execute(select(E.c.id, E.c.date).where(E.c.id.in_(ids)))}


def _insert_assessment(conn: Connection, record: AssessmentIn, *, origin: str) -> None:
    conn.execute(
        insert(A).values(
            id=record.id,
            recommendation_id=record.recommendation,
            addressee_id=record.addressee,
            status=record.status,
            as_of=record.as_of,
            as_of_start=date_start(record.as_of),
            assessor_id=record.assessor,
            rationale=record.rationale,
            visibility=record.visibility,
            supersedes_id=record.supersedes,
            supersede_reason=record.supersede_reason,
            recorded_by=record.recorded_by,
            recorded_at=record.recorded_at.replace(tzinfo=None),
            origin=origin,
        )
    )
    if record.evidence:
        conn.execute(
            insert(AE),
            [{"assessment_id": record.id, "evidence_id": e, "position": i} for i, e in enumerate(record.evidence)],
        )


# --- evidence ----------------------------------------------------------------------------------------------

EVIDENCE_FIELDS = ("title", "date", "kind", "url", "citation", "summary")


def _evidence_in(
    raw: Mapping, *, prefix: str = "", ident: str | None = None
) -> tuple[EvidenceIn | None, list[FieldError]]:
    values = {k: (raw.get(k) or None) for k in EVIDENCE_FIELDS}
    values["date"] = str(values["date"]) if values["date"] else None
    values["recommendations"] = list(raw.get("recommendations") or [])
    try:
        item = EvidenceIn(id=ident or _new_id("ev", values.get("title") or "item"), **values)
    except ValidationError as exc:
        return None, _pydantic_errors(exc, prefix)
    errors = [FieldError(prefix + f, m) for f, m in checks.evidence_findings(item.date)]
    return (None if errors else item), errors


def _insert_evidence(conn: Connection, principal: Principal, item: EvidenceIn) -> None:
    conn.execute(
        insert(E).values(
            id=item.id, date=item.date, date_start=date_start(item.date), kind=item.kind, title=item.title,
            summary=item.summary, url=item.url, citation=item.citation, source_id=item.source,
            completeness=item.completeness, actors=list(item.actors), themes=list(item.themes), version=1,
        )
    )  # fmt: skip
    audit(conn, principal, "add evidence", "evidence", item.id, after=item.model_dump(mode="json"))


def add_evidence(*, conn: Connection, principal: Principal | None, data: Mapping) -> str:
    auth.require(conn, principal, Action.ADD_EVIDENCE)
    item, errors = _evidence_in(data)
    if errors or item is None:
        raise Invalid(errors)
    _insert_evidence(conn, principal, item)  # type: ignore[arg-type]
    return item.id


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
    row = conn.execute(select(A).where(A.c.id == assessment_id)).first()
    if row is None:
        raise Invalid([FieldError("assessment", f"unknown assessment id {assessment_id!r}")])
    auth.require(conn, principal, Action.REVIEW, row.assessor_id)
    assert principal is not None
    if decision not in (Decision.PUBLISHED, Decision.RETURNED):
        raise Invalid([FieldError("decision", "choose publish or return")])
    comment = (comment or "").strip() or None
    if decision == Decision.RETURNED and not comment:
        raise Invalid([FieldError("comment", "say what should change before it can be published")])
    if row.visibility != Visibility.DRAFT:
        raise Invalid([FieldError("assessment", f"{assessment_id} is not a draft")])
    done = conn.execute(select(REVIEWS.c.decision).where(REVIEWS.c.assessment_id == assessment_id)).scalar()
    if done:
        raise Invalid([FieldError("assessment", f"{assessment_id} was already {done}")])
    if decision == Decision.PUBLISHED and row.supersedes_id:
        target = _target(conn, row.supersedes_id)
        if target and target.superseded_by:
            raise Invalid([FieldError("supersedes", f"{target.id} is already superseded by {target.superseded_by}")])
    conn.execute(
        insert(REVIEWS).values(
            assessment_id=assessment_id,
            decision=decision,
            comment=comment,
            reviewed_by=principal.display,
            reviewer_id=principal.user_id,
            reviewed_at=now or _now(),
        )
    )
    audit(
        conn, principal, "publish" if decision == Decision.PUBLISHED else "return", "assessment_review",
        assessment_id, before={"visibility": "draft"}, after={"decision": decision, "comment": comment},
    )  # fmt: skip


def withdraw(
    *, conn: Connection, principal: Principal | None, assessment_id: str, reason: str, now: dt.datetime | None = None
) -> str:
    """Withdraw a published assessment of the reviewer's organisation: a new record saying so, and why."""
    target_row = conn.execute(select(A).where(A.c.id == assessment_id)).first()
    if target_row is None:
        raise Invalid([FieldError("assessment", f"unknown assessment id {assessment_id!r}")])
    auth.require(conn, principal, Action.WITHDRAW, target_row.assessor_id)
    assert principal is not None
    now = now or _now()
    target = _target(conn, assessment_id)
    assert target is not None
    if target.visibility != Visibility.PUBLISHED:
        raise Invalid([FieldError("assessment", f"{assessment_id} is not published, so there is nothing to withdraw")])
    as_of = max(now.date().isoformat(), target.as_of, key=date_start)
    try:
        record = AssessmentIn(
            id=_new_id("wd", target_row.recommendation_id, now.strftime("%Y%m%d")),
            recommendation=target_row.recommendation_id,
            addressee=target_row.addressee_id,
            status=Status.NOT_ASSESSED,
            as_of=as_of,
            assessor=target_row.assessor_id,
            rationale=(reason or "").strip() or "-",
            visibility=Visibility.WITHDRAWN,
            supersedes=assessment_id,
            supersede_reason=reason,
            recorded_by=principal.display,
            recorded_at=now,
        )
    except ValidationError as exc:
        raise Invalid(
            [
                FieldError("reason" if "supersede_reason" in str(e) else e.field, e.message)
                for e in _pydantic_errors(exc)
            ]
        ) from None
    findings = checks.supersede_findings(record, target)
    if findings:
        raise Invalid([FieldError(f, m) for f, m in findings])
    _insert_assessment(conn, record, origin="app")
    audit(conn, principal, "withdraw assessment", "assessment", record.id, after=record.model_dump(mode="json"))
    return record.id


# --- organisations ---------------------------------------------------------------------------------------


def add_organisation(*, conn: Connection, principal: Principal | None, data: Mapping) -> str:
    """An admin adds an organisation (an actor: a coalition, a CSO, a union...)."""
    auth.require(conn, principal, Action.MANAGE_ORGANISATIONS)
    values = {k: (data.get(k) or None) for k in ("id", "name", "acronym", "type", "country", "note")}
    values["id"] = values["id"] or _slug(values.get("acronym") or values.get("name") or "", 60)
    try:
        actor = ActorIn(**values)
    except ValidationError as exc:
        raise Invalid(_pydantic_errors(exc)) from None
    if conn.execute(select(ACT.c.id).where(ACT.c.id == actor.id)).first():
        raise Invalid([FieldError("id", f"an actor with id {actor.id!r} already exists")])
    conn.execute(insert(ACT).values(**actor.model_dump(), version=1))
    audit(conn, principal, "add organisation", "actor", actor.id, after=actor.model_dump(mode="json"))  # type: ignore[arg-type]
    return actor.id


# --- users -------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _user(conn: Connection, email: str):
    return conn.execute(select(U).where(U.c.email == auth.normalise_email(email))).first()


def _user_view(row) -> dict:  # noqa: ANN001
    return {k: row._mapping[k] for k in ("email", "name", "role", "organisation_id", "active")}


def create_user(
    *,
    conn: Connection,
    principal: Principal | None,
    email: str,
    role: str,
    password: str | None,
    name: str | None = None,
    organisation: str | None = None,
) -> int:
    """Create an account. Contributors and reviewers belong to an organisation; admins need not."""
    auth.require(conn, principal, Action.MANAGE_USERS)
    email = auth.normalise_email(email)
    errors = []
    if not _EMAIL.match(email):
        errors.append(FieldError("email", f"{email!r} is not an email address"))
    elif _user(conn, email):
        errors.append(FieldError("email", f"an account for {email} already exists"))
    if role not in {r.value for r in Role}:
        errors.append(FieldError("role", f"unknown role {role!r}: choose {', '.join(r.value for r in Role)}"))
    if organisation:
        if not conn.execute(select(ACT.c.id).where(ACT.c.id == organisation)).first():
            errors.append(FieldError("organisation", f"unknown organisation {organisation!r} (an actor id)"))
    elif role in (Role.CONTRIBUTOR, Role.REVIEWER):
        errors.append(FieldError("organisation", f"a {role} needs an organisation"))
    if password is not None and (problem := auth.password_problem(password)):
        errors.append(FieldError("password", problem))
    if errors:
        raise Invalid(errors)
    result = conn.execute(
        insert(U).values(
            email=email,
            name=(name or email.split("@")[0]).strip()[:300],
            role=role,
            organisation_id=organisation or None,
            password_hash=auth.hash_password(password) if password else None,
            active=True,
            failed_logins=0,
            created_at=_now(),
            version=1,
        )
    )
    user_id = int(result.inserted_primary_key[0])
    row = conn.execute(select(U).where(U.c.id == user_id)).one()
    audit(conn, principal, "add user", "app_user", str(user_id), after={**_user_view(row), "password": bool(password)})  # type: ignore[arg-type]
    return user_id


def _change_user(conn: Connection, principal: Principal | None, email: str, action: str, **values: object) -> None:
    auth.require(conn, principal, Action.MANAGE_USERS)
    row = _user(conn, email)
    if row is None:
        raise Invalid([FieldError("email", f"no account for {auth.normalise_email(email)}")])
    conn.execute(update(U).where(U.c.id == row.id).values(**values, version=row.version + 1))
    after = conn.execute(select(U).where(U.c.id == row.id)).one()
    changed = {"password": True} if "password_hash" in values else {}
    audit(
        conn, principal, action, "app_user", str(row.id), before=_user_view(row), after={**_user_view(after), **changed}
    )  # type: ignore[arg-type]


def set_role(*, conn: Connection, principal: Principal | None, email: str, role: str) -> None:
    if role not in {r.value for r in Role}:
        raise Invalid([FieldError("role", f"unknown role {role!r}: choose {', '.join(r.value for r in Role)}")])
    row = _user(conn, email)
    if row is not None and role in (Role.CONTRIBUTOR, Role.REVIEWER) and not row.organisation_id:
        raise Invalid([FieldError("role", f"a {role} needs an organisation; this account has none")])
    _change_user(conn, principal, email, "set role", role=role)


def disable_user(*, conn: Connection, principal: Principal | None, email: str) -> None:
    _change_user(conn, principal, email, "disable user", active=False)
    row = _user(conn, email)
    from models import UserSession

    sessions = UserSession.__table__  # type: ignore[attr-defined]
    conn.execute(
        update(sessions).where(sessions.c.user_id == row.id, sessions.c.ended_at.is_(None)).values(ended_at=_now())
    )


def set_password(*, conn: Connection, principal: Principal | None, email: str, password: str) -> None:
    if problem := auth.password_problem(password):
        raise Invalid([FieldError("password", problem)])
    _change_user(
        conn,
        principal,
        email,
        "set password",
        password_hash=auth.hash_password(password),
        failed_logins=0,
        locked_until=None,
    )


def list_users(conn: Connection) -> list[dict]:
    """Accounts without their hashes (for `users list` and the admin page)."""
    rows = conn.execute(
        select(
            U.c.email, U.c.name, U.c.role, U.c.organisation_id, U.c.active, U.c.locked_until, U.c.created_at
        ).order_by(U.c.email)
    )
    return [dict(r._mapping) for r in rows]


def count_admins(conn: Connection) -> int:
    return conn.execute(
        select(func.count()).select_from(U).where(U.c.role == Role.ADMIN, U.c.active.is_(True))
    ).scalar_one()


# --- edits to shared records, with a version check ---------------------------------------------------------

EDITABLE_EVIDENCE = ("title", "url", "citation", "summary", "completeness")
EDITABLE_ORGANISATION = ("name", "acronym", "country", "note")


def _changed_by(conn: Connection, table: str, record_id: str) -> str:
    """ "changed by someone@example.org at 2026-12-01 09:14 UTC" from the audit log."""
    row = conn.execute(
        select(AUDIT.c.who, AUDIT.c.at)
        .where(AUDIT.c.table_name == table, AUDIT.c.record_id == record_id)
        .order_by(AUDIT.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return "changed by a data load"
    return f"changed by {row.who} at {row.at:%Y-%m-%d %H:%M} UTC"


def _versioned_update(
    conn: Connection,
    table: Table,
    principal: Principal,
    record_id: str,
    seen_version: int,
    before: dict,
    after: dict,
    action: str,
) -> int:
    """UPDATE ... WHERE id = :id AND version = :seen; none changed means someone else saved first."""
    result = conn.execute(
        update(table)
        .where(table.c.id == record_id, table.c.version == seen_version)
        .values(**after, version=seen_version + 1)
    )
    if result.rowcount != 1:
        raise Conflict(f"This record was {_changed_by(conn, table.name, record_id)} since you opened it. "
                       "Your changes are kept below: compare them with the new version and save again.")  # fmt: skip
    audit(conn, principal, action, table.name, record_id, before=before, after=after)
    return seen_version + 1


def edit_evidence(
    *, conn: Connection, principal: Principal | None, evidence_id: str, seen_version: int, changes: Mapping
) -> int:
    """Correct an evidence item's title, address, citation or summary; refused if it changed since it was read."""
    auth.require(conn, principal, Action.EDIT_EVIDENCE)
    assert principal is not None
    row = conn.execute(select(E).where(E.c.id == evidence_id)).first()
    if row is None:
        raise Invalid([FieldError("evidence", f"unknown evidence id {evidence_id!r}")])
    current = dict(row._mapping)
    wanted = {k: (changes.get(k, current[k]) or None) for k in EDITABLE_EVIDENCE}
    item, errors = _evidence_in(
        {**current, **wanted, "date": current["date"], "kind": current["kind"]}, ident=evidence_id
    )
    if errors or item is None:
        raise Invalid(errors)
    before = {k: current[k] for k in EDITABLE_EVIDENCE}
    after = {k: getattr(item, k) for k in EDITABLE_EVIDENCE}
    return _versioned_update(conn, E, principal, evidence_id, seen_version, before, after, "edit evidence")


def edit_organisation(
    *, conn: Connection, principal: Principal | None, actor_id: str, seen_version: int, changes: Mapping
) -> int:
    """An admin renames an organisation (or changes its acronym, country, note), with a version check."""
    auth.require(conn, principal, Action.MANAGE_ORGANISATIONS)
    assert principal is not None
    row = conn.execute(select(ACT).where(ACT.c.id == actor_id)).first()
    if row is None:
        raise Invalid([FieldError("organisation", f"unknown organisation {actor_id!r}")])
    current = dict(row._mapping)
    values = {
        **{k: current[k] for k in ("id", "type")},
        **{k: (changes.get(k, current[k]) or None) for k in EDITABLE_ORGANISATION},
    }
    try:
        actor = ActorIn(**values)
    except ValidationError as exc:
        raise Invalid(_pydantic_errors(exc)) from None
    before = {k: current[k] for k in EDITABLE_ORGANISATION}
    after = {k: getattr(actor, k) for k in EDITABLE_ORGANISATION}
    return _versioned_update(conn, ACT, principal, actor_id, seen_version, before, after, "edit organisation")
