"""Read side for people who log in: their organisation's drafts, the review queue, what is getting stale,
the audit log, and the look-ups the forms need. Drafts are shown only to their organisation's members:
each function checks the principal itself, as the write functions do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import and_, or_, select, true, union_all
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement

from models.tables import ACT, AD, AE, AUDIT, CORRECTION_REVIEWS, CORRECTIONS, ER, REVIEWS, RT, A, E, R, S, T, U
from recommendations import audit, dates, labels, permissions, sql, status, visibility
from recommendations.i18n import N_, Translator, translator
from recommendations.permissions import Action, PermissionDenied, Principal
from recommendations.read.filters import words_match
from recommendations.read.table import recommendation_table
from recommendations.vocabulary import STATUS_LABELS, Visibility

STALE_MONTHS = 12
SEARCH_LIMIT = 25
#: The words of these tables are in English unless the page passes its translator (``tr``).
EN = translator("en")


def _own_organisation(principal: Principal | None) -> str:
    if (
        principal is None
        or principal.organisation_id is None  # drafts are an organisation's own: allowed() refuses this too
        or not permissions.allowed(principal, Action.VIEW_DRAFTS, principal.organisation_id)
    ):
        raise PermissionDenied(N_("Only members of an organisation see its drafts."))
    return principal.organisation_id


def _assessments(engine: Engine, *conditions: ColumnElement[bool], tr: Translator = EN) -> pd.DataFrame:
    frame = sql.frame(
        engine,
        select(
            A.c.id, A.c.recommendation_id, R.c.title, A.c.status, A.c.as_of, A.c.addressee_id, A.c.rationale,
            A.c.recorded_by, A.c.recorded_at, A.c.supersedes_id, A.c.supersede_reason,
            status.effective_visibility(A).label("visibility"), REVIEWS.c.comment.label("review_comment"),
            REVIEWS.c.reviewed_by, REVIEWS.c.reviewed_at,
        )
        .select_from(A.join(R, R.c.id == A.c.recommendation_id).outerjoin(REVIEWS, REVIEWS.c.assessment_id == A.c.id))
        .where(*conditions)
        .order_by(A.c.recorded_at, A.c.id),
    )  # fmt: skip
    if frame.empty:
        return frame.assign(status_label=pd.Series(dtype=object), evidence=pd.Series(dtype=object))
    frame["status_label"] = frame["status"].map(lambda s: tr.t(STATUS_LABELS[s]))
    cited = sql.frame(
        engine,
        select(AE.c.assessment_id, E.c.id, E.c.title, E.c.date, E.c.url)
        .join(E, E.c.id == AE.c.evidence_id)
        .where(sql.in_ids(AE.c.assessment_id, list(frame["id"])))
        .order_by(AE.c.assessment_id, AE.c.position),
    )
    # each group without its key: include_groups=False is pandas 3's default (the stubs no longer take it)
    by_assessment = cited.groupby("assessment_id").apply(lambda g: g.to_dict("records"))
    frame["evidence"] = frame["id"].map(by_assessment).apply(lambda v: v if isinstance(v, list) else [])
    names = labels.actor_names(engine)
    whole = tr.t("the whole ask")
    frame["addressee"] = frame["addressee_id"].map(lambda a: names.name.get(a, a) if isinstance(a, str) else whole)
    return frame


def review_queue(engine: Engine, principal: Principal | None, tr: Translator = EN) -> pd.DataFrame:
    """Drafts of the reviewer's organisation waiting for a decision, oldest first."""
    if principal is None or not permissions.allowed(principal, Action.REVIEW, principal.organisation_id):
        raise PermissionDenied(N_("Only a reviewer sees the review queue."))
    decided = select(REVIEWS.c.assessment_id)
    mine = A.c.assessor_id == principal.organisation_id
    return _assessments(engine, mine, A.c.visibility == Visibility.DRAFT, A.c.id.not_in(decided), tr=tr)


def drafts(engine: Engine, principal: Principal | None, tr: Translator = EN) -> pd.DataFrame:
    """The organisation's drafts: waiting for review, and returned (with the reviewer's comment)."""
    organisation = _own_organisation(principal)
    return _assessments(engine, A.c.assessor_id == organisation, A.c.visibility == Visibility.DRAFT, tr=tr)


def standing_of(engine: Engine, principal: Principal | None, tr: Translator = EN) -> pd.DataFrame:
    """The organisation's published assessments that still stand (to correct or withdraw)."""
    organisation = _own_organisation(principal)
    standing = status.standing().subquery("standing")
    return _assessments(engine, A.c.assessor_id == organisation, A.c.id.in_(select(standing.c.id)), tr=tr)


def drafts_by_state(engine: Engine, principal: Principal | None, tr: Translator = EN) -> dict[str, pd.DataFrame]:
    """The organisation's drafts by where they stand: "waiting" for a reviewer, "returned" to be revised."""
    mine = drafts(engine, principal, tr)
    return {
        "waiting": mine[mine["visibility"] == Visibility.DRAFT],
        "returned": mine[mine["visibility"] == status.RETURNED],
    }


def _draft_words(principal: Principal | None, engine: Engine, tr: Translator = EN) -> dict[str, str]:
    """Recommendation id -> what the organisation's latest draft of it says ("waiting for review: In progress as
    of 2023-03-01")."""
    out = {}
    for row in drafts(engine, principal, tr).itertuples():  # oldest first: the latest draft wins
        words = (
            N_("returned by a reviewer, to revise: {status} as of {as_of}")
            if row.visibility == status.RETURNED
            else N_("waiting for review: {status} as of {as_of}")
        )
        out[str(row.recommendation_id)] = tr.t(words, status=row.status_label, as_of=row.as_of)
    return out


def stale(
    engine: Engine, principal: Principal | None, today: dt.date | None = None, tr: Translator = EN
) -> pd.DataFrame:
    """Recommendations addressed to or assessed by the organisation (its drafts included) whose latest evidence
    is older than 12 months, or which have none: what to update before the next meeting. ``your_draft`` says
    where the organisation's own draft of it stands, so work already begun is not begun again."""
    organisation = _own_organisation(principal)
    today = today or dt.date.today()
    cutoff = dates.months_before(today, STALE_MONTHS)
    mine = union_all(
        select(AD.c.recommendation_id.label("id")).where(AD.c.actor_id == organisation),
        select(A.c.recommendation_id.label("id")).where(A.c.assessor_id == organisation),
    ).subquery("mine")
    table = recommendation_table(engine)
    ids = {r["id"] for r in sql.rows(engine, select(mine.c.id).distinct())}
    picked = table[table["id"].isin(ids)].copy()
    if picked.empty:
        return picked.assign(why=pd.Series(dtype=object), your_draft=pd.Series(dtype=object))
    last = picked["last_evidence_date"].map(lambda d: dates.as_date(d) if isinstance(d, str) else None)
    picked["stale"] = last.map(lambda d: d is None or d < cutoff)
    picked["why"] = last.map(
        lambda d: tr.t("no evidence on record") if d is None else tr.t("latest evidence {date}", date=tr.date(d))
    )
    picked["status_label"] = picked["status"].map(lambda s: tr.t(STATUS_LABELS[s]))
    drafted = _draft_words(principal, engine, tr)
    picked["your_draft"] = [drafted.get(i, "") for i in picked["id"]]
    out = picked[picked["stale"]]
    return out.sort_values(["last_evidence_date", "id"], na_position="first").reset_index(drop=True)


@dataclass(frozen=True)
class Suggestions:
    """Open asks the organisation has not assessed, on its themes (or all of them when it has none yet)."""

    asks: pd.DataFrame  # rows of the recommendation table, the latest source first
    themes: list[str]  # the organisation's themes, by name; empty: every open ask is suggested


def suggestions(engine: Engine, principal: Principal | None, tr: Translator = EN) -> Suggestions:
    """What to assess next: open asks with no assessment by the organisation (a draft counts as one), on the
    organisation's themes. Its themes are those of the asks it was asked or has assessed; when it has none yet,
    or none of them is left to assess, every open ask it has not assessed is suggested."""
    organisation = _own_organisation(principal)
    involved = union_all(
        select(AD.c.recommendation_id.label("id")).where(AD.c.actor_id == organisation),
        select(A.c.recommendation_id.label("id")).where(A.c.assessor_id == organisation),
    ).subquery("involved")
    themes = sql.rows(
        engine,
        select(T.c.id, T.c.name).where(T.c.id.in_(select(RT.c.theme_id).where(RT.c.recommendation_id.in_(
            select(involved.c.id))))).order_by(T.c.name),
    )  # fmt: skip
    assessed = {r["id"] for r in sql.rows(engine, select(A.c.recommendation_id.label("id")).where(
        A.c.assessor_id == organisation))}  # fmt: skip
    table = recommendation_table(engine)
    open_asks = table[
        [status.is_open_ask(s, k) and i not in assessed for s, k, i in zip(table["status"], table["kind"], table["id"],
                                                                            strict=True)]
    ]  # fmt: skip
    wanted = {t["id"] for t in themes}
    on_themes = open_asks[open_asks["theme_ids"].map(lambda ids: bool(wanted & set(ids)))]
    if on_themes.empty:
        return Suggestions(_latest_first(open_asks, tr), [])
    return Suggestions(_latest_first(on_themes, tr), [t["name"] for t in themes])


def _latest_first(frame: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    out = frame.iloc[::-1].reset_index(drop=True)  # the table is in source order, oldest first
    return out.assign(status_label=out["status"].map(lambda s: tr.t(STATUS_LABELS[s])))


def search_recommendations(engine: Engine, text: str, limit: int = SEARCH_LIMIT) -> list[tuple[str, str]]:
    """(id, "2016 · title") of recommendations the words ``text`` find (``filters.words_match``: the search of the
    shared filters, Khmer titles, themes and addressees included): a search, not a list of every recommendation."""
    rows = sql.rows(
        engine,
        select(R.c.id, R.c.title, S.c.date)
        .join(S, S.c.id == R.c.source_id)
        .where(words_match(text))
        .order_by(S.c.date_start, R.c.source_id, R.c.position)
        .limit(limit),
    )
    return [(r["id"], f"{r['date'][:4]} · {r['title']}") for r in rows]


def recommendation_brief(engine: Engine, rec_id: str) -> dict[str, Any] | None:
    """What the form shows about the recommendation it records for: title, date, addressees."""
    rows = sql.rows(
        engine, select(R.c.id, R.c.title, R.c.text, S.c.date, S.c.date_start).join(S).where(R.c.id == rec_id)
    )
    if not rows:
        return None
    record = rows[0]
    names = labels.actor_names(engine)
    record["addressees"] = [
        (r["actor_id"], names.name.get(r["actor_id"], r["actor_id"]))
        for r in sql.rows(engine, select(AD.c.actor_id).where(AD.c.recommendation_id == rec_id).order_by(AD.c.position))
    ]
    record["date_start"] = dates.as_date(record["date_start"])
    return record


def evidence_choices(
    engine: Engine, principal: Principal | None, rec_id: str, text: str = "", limit: int = 50
) -> list[tuple[str, str]]:
    """Evidence the person may cite: bearing on the recommendation, plus evidence matching ``text``, among what
    they may see (never another organisation's unpublished items): (id, "date · title")."""
    bearing = union_all(
        select(ER.c.evidence_id.label("id")).where(ER.c.recommendation_id == rec_id),
        select(AE.c.evidence_id.label("id"))
        .join(A, A.c.id == AE.c.assessment_id)
        .where(A.c.recommendation_id == rec_id),
    ).subquery("bearing")
    condition: ColumnElement[bool] = E.c.id.in_(select(bearing.c.id))
    if text.strip():
        condition = or_(condition, sql.contains(E.c.title, text), sql.contains(E.c.summary, text))
    seen = visibility.evidence(visibility.Viewer.of(principal), E)
    rows = sql.rows(
        engine,
        select(E.c.id, E.c.title, E.c.date).where(condition, seen).order_by(E.c.date_start.desc()).limit(limit),
    )
    return [(r["id"], f"{r['date']} · {r['title']}") for r in rows]


def organisations(engine: Engine) -> pd.DataFrame:
    return sql.frame(
        engine, select(ACT.c.id, ACT.c.name, ACT.c.acronym, ACT.c.type, ACT.c.version).order_by(ACT.c.name)
    )


def users(engine: Engine, principal: Principal | None) -> pd.DataFrame:
    if not permissions.allowed(principal, Action.MANAGE_USERS):
        raise PermissionDenied(N_("Only an admin sees the accounts."))
    return sql.frame(
        engine,
        select(
            U.c.email, U.c.name, U.c.role, U.c.organisation_id, U.c.active, U.c.locked_until, U.c.created_at
        ).order_by(U.c.email),
    )


AUDIT_COLUMNS = ["id", "at", "who", "action", "table_name", "record_id", "before", "after"]


def audit_log(
    engine: Engine,
    principal: Principal | None,
    *,
    who: str = "",
    action: str | None = None,
    table: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 2000,
    tr: Translator | None = None,
) -> pd.DataFrame:
    """The audit log, newest first, filtered; only for admins. An account's record is named by its email, and
    ``changes`` gives the values before and after as lines a person reads (field names in ``tr``'s language)."""
    if not permissions.allowed(principal, Action.VIEW_AUDIT):
        raise PermissionDenied(N_("Only an admin sees the audit log."))
    conditions = []
    if who.strip():
        conditions.append(sql.contains(AUDIT.c.who, who))
    if action:
        conditions.append(AUDIT.c.action == action)
    if table:
        conditions.append(AUDIT.c.table_name == table)
    if since:
        conditions.append(AUDIT.c.at >= dt.datetime.combine(since, dt.time()))
    if until:
        conditions.append(AUDIT.c.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    conditions = conditions or [true()]
    frame = sql.frame(
        engine,
        select(*(AUDIT.c[c] for c in AUDIT_COLUMNS)).where(and_(*conditions)).order_by(AUDIT.c.id.desc()).limit(limit),
    )
    emails = {str(r["id"]): r["email"] for r in sql.rows(engine, select(U.c.id, U.c.email))}
    accounts = frame["table_name"] == "app_user"  # an account's record is named by its email, not its number
    frame.loc[accounts, "record_id"] = frame.loc[accounts, "record_id"].map(lambda r: emails.get(str(r), r))
    frame["changes"] = [audit.readable(b, a, tr) for b, a in zip(frame["before"], frame["after"], strict=True)]
    return frame


def audit_choices(engine: Engine) -> dict[str, list[str]]:
    actions = [r["action"] for r in sql.rows(engine, select(AUDIT.c.action).distinct().order_by(AUDIT.c.action))]
    tables = [
        r["table_name"] for r in sql.rows(engine, select(AUDIT.c.table_name).distinct().order_by(AUDIT.c.table_name))
    ]
    return {"actions": actions, "tables": tables}


# --- evidence corrections ----------------------------------------------------------------------------------


def evidence_item(engine: Engine, principal: Principal | None, evidence_id: str) -> dict[str, Any] | None:
    """One evidence item, if ``principal`` may see it (another organisation's unpublished item is "unknown")."""
    rows = sql.rows(
        engine, select(E).where(E.c.id == evidence_id, visibility.evidence(visibility.Viewer.of(principal), E))
    )
    return rows[0] if rows else None


def corrections_of(engine: Engine, evidence_id: str) -> pd.DataFrame:
    """The published corrections of an evidence item, newest first: who changed what, when and why."""
    return sql.frame(
        engine,
        select(
            CORRECTIONS.c.id, CORRECTIONS.c.before, CORRECTIONS.c.after, CORRECTIONS.c.reason,
            CORRECTIONS.c.proposed_by, CORRECTION_REVIEWS.c.reviewed_by, CORRECTION_REVIEWS.c.reviewed_at,
        )
        .join(CORRECTION_REVIEWS, CORRECTION_REVIEWS.c.correction_id == CORRECTIONS.c.id)
        .where(CORRECTIONS.c.evidence_id == evidence_id, CORRECTION_REVIEWS.c.decision == "published")
        .order_by(CORRECTION_REVIEWS.c.reviewed_at.desc()),
    )  # fmt: skip


def correction_queue(engine: Engine, principal: Principal | None) -> pd.DataFrame:
    """Proposed corrections waiting for ``principal``'s decision: of their organisation's evidence (a reviewer)
    or of the curated dataset's (an admin), oldest first."""
    scope = permissions.scope_of(principal, Action.DECIDE_CORRECTION)
    if principal is None or scope is None:
        raise PermissionDenied(N_("Only a reviewer or an admin decides on proposed corrections."))
    owner = (
        E.c.organisation_id.is_(None)
        if scope == permissions.Scope.DATASET
        else E.c.organisation_id == principal.organisation_id
    )
    return sql.frame(
        engine,
        select(
            CORRECTIONS.c.id, CORRECTIONS.c.evidence_id, E.c.title.label("current_title"), CORRECTIONS.c.before,
            CORRECTIONS.c.after, CORRECTIONS.c.reason, CORRECTIONS.c.proposed_by, CORRECTIONS.c.proposed_at,
        )
        .join(E, E.c.id == CORRECTIONS.c.evidence_id)
        .where(owner, CORRECTIONS.c.id.not_in(select(CORRECTION_REVIEWS.c.correction_id)))
        .order_by(CORRECTIONS.c.proposed_at, CORRECTIONS.c.id),
    )  # fmt: skip
