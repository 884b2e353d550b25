"""What has been recorded about a recommendation over time: its assessment history (every record, how each
stands under the status rule) and its research log (every search for its evidence), with the research state
that follows from both."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import case, exists, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement

from models.tables import AE, RL, A
from recommendations import dates, i18n, sql, status
from recommendations.read import translations
from recommendations.vocabulary import (
    RESEARCH_OUTCOME_LABELS,
    RESEARCH_SCOPE_LABELS,
    STATUS_LABELS,
    ResearchScope,
    Status,
)

HISTORY_COLUMNS = [
    "id", "recommendation_id", "addressee_id", "addressee", "status", "status_label", "as_of", "as_of_start",
    "assessor_id", "assessor", "rationale", "recorded_by", "recorded_at", "visibility", "supersedes_id",
    "supersede_reason", "state", "superseded_by",
]  # fmt: skip
RESEARCH_COLUMNS = [
    "recommendation_id", "position", "searched_on", "searched_by", "where", "found", "evidence", "outcome",
    "outcome_label", "scope", "scope_label", "partly_read", "note",
]  # fmt: skip


def none_for_null(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Optional text columns hold None, not NaN (NaN is truthy, so pages could not test them)."""
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def assessment_history(
    engine: Engine,
    recommendation_ids: list[str] | None = None,
    *,
    include_drafts: bool = False,
    lang: str = i18n.SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """Every assessment (published, superseded, withdrawn; drafts only when asked), oldest first; the addressees'
    and assessors' names in ``lang`` where the data has them (``status_label`` stays the English interface string:
    the page says it in its language).

    ``state`` says how each stands under the rule (``status.states``): "standing", "superseded",
    "withdrawn", "withdrawal" or "draft"; ``superseded_by`` names the record that replaced it.
    """
    df = sql.frame(
        engine,
        select(
            A.c.id, A.c.recommendation_id, A.c.addressee_id, A.c.status, A.c.as_of, A.c.as_of_start, A.c.assessor_id,
            A.c.rationale, A.c.recorded_by, A.c.recorded_at, status.effective_visibility(A).label("visibility"),
            A.c.supersedes_id, A.c.supersede_reason,
        )
        .where(sql.in_ids(A.c.recommendation_id, recommendation_ids))
        .order_by(A.c.as_of_start, A.c.recorded_at, sql.bytewise(A.c.id)),
    )  # fmt: skip
    if df.empty:
        return pd.DataFrame(columns=[*HISTORY_COLUMNS, "evidence"])
    names = translations.actor_names(engine, lang)
    df["addressee"] = df["addressee_id"].map(names.name)
    df["assessor"] = df["assessor_id"].map(names.name)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    df["as_of_start"] = df["as_of_start"].map(dates.as_date)
    facts = facts_from(df)
    state = status.states(facts)
    df["state"] = df["id"].map(state)
    replaced_by = {f.supersedes_id: f.id for f in facts if f.supersedes_id and f.visibility in status.IN_FORCE}
    df["superseded_by"] = df["id"].map(replaced_by)
    if not include_drafts:
        df = df[~df["state"].isin(["draft", "returned"])]
    cited = sql.frame(
        engine,
        select(AE.c.assessment_id, AE.c.evidence_id)
        .where(sql.in_ids(AE.c.assessment_id, list(df["id"])))
        .order_by(AE.c.assessment_id, AE.c.position),
    )
    df["evidence"] = df["id"].map(cited.groupby("assessment_id")["evidence_id"].agg(list)).apply(as_list)
    df = none_for_null(df, ["addressee_id", "addressee", "supersedes_id", "supersede_reason", "superseded_by"])
    return df[[*HISTORY_COLUMNS, "evidence"]].reset_index(drop=True)


def facts_from(history: pd.DataFrame) -> list[status.Fact]:
    """The rule's view of history rows already read (for the pure-Python form of the rule)."""
    return [
        status.Fact(
            id=r["id"],
            recommendation_id=r["recommendation_id"],
            status=r["status"],
            as_of_start=dates.as_date(r["as_of_start"]),
            recorded_at=r["recorded_at"],
            addressee_id=r["addressee_id"] if isinstance(r["addressee_id"], str) else None,
            visibility=r["visibility"],
            supersedes_id=r["supersedes_id"] if isinstance(r["supersedes_id"], str) else None,
            assessor_id=r["assessor_id"],
            as_of=r["as_of"],
        )
        for r in history.to_dict("records")
    ]


# --- research ---------------------------------------------------------------------------------------------


def research_state(current_status: str | None, searched: bool, public_record: bool = False) -> str:
    """THE research state of a recommendation: "assessed" when its current status (the status rule) is anything
    but not assessed; otherwise "researched" when the research log records a search of the public record,
    "sources_only" when it records only readings of the tracker's own documents (or reviews of its records), else
    "not_researched". So *not assessed* splits into "nobody has looked", "only our own sources were read" and
    "searched the public record, found nothing to rate". (``research_state_sql`` is the same rule in SQL.)"""
    if current_status and current_status != Status.NOT_ASSESSED:
        return "assessed"
    if public_record:
        return "researched"
    return "sources_only" if searched else "not_researched"


def research_state_sql(status_column: ColumnElement[Any], recommendation_id: ColumnElement[Any]) -> ColumnElement[str]:
    """``research_state`` in SQL, for filtering in the database."""
    public = exists().where(
        RL.c.recommendation_id == recommendation_id, RL.c.scope == ResearchScope.PUBLIC_RECORD.value
    )
    searched = exists().where(RL.c.recommendation_id == recommendation_id)
    return case(
        (status_column != Status.NOT_ASSESSED.value, "assessed"),
        (public, "researched"),
        (searched, "sources_only"),
        else_="not_researched",
    )


def searches(engine: sql.Source, ids: list[str] | None) -> dict[str, tuple[str, bool]]:
    """recommendation id -> (date of its latest search, whether the public record was searched)."""
    public = func.max(case((RL.c.scope == ResearchScope.PUBLIC_RECORD.value, 1), else_=0))
    statement = (
        select(RL.c.recommendation_id, func.max(RL.c.searched_on_start).label("last"), public.label("public"))
        .where(sql.in_ids(RL.c.recommendation_id, ids))
        .group_by(RL.c.recommendation_id)
    )
    return {r["recommendation_id"]: (str(r["last"])[:10], bool(r["public"])) for r in sql.rows(engine, statement)}


def research_log(engine: Engine, recommendations: list[str] | None = None) -> pd.DataFrame:
    """Research-log entries (when, by whom, where, what was found), newest search first."""
    statement = select(RL).order_by(RL.c.recommendation_id, RL.c.searched_on_start.desc(), RL.c.position.desc())
    if recommendations is not None:
        statement = statement.where(sql.in_ids(RL.c.recommendation_id, recommendations))
    frame = sql.frame(engine, statement)
    if frame.empty:
        return pd.DataFrame(columns=RESEARCH_COLUMNS)
    frame["outcome_label"] = frame["outcome"].map(RESEARCH_OUTCOME_LABELS)
    frame["scope_label"] = frame["scope"].map(RESEARCH_SCOPE_LABELS)
    frame["partly_read"] = frame["partly_read"].astype(bool)
    return none_for_null(frame, ["note"])[RESEARCH_COLUMNS]
