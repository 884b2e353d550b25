"""The published data as plain records, for readers who take it away by machine (the API, the data package, the
feed): recommendations a page at a time, one recommendation with its history, the sources, actors and themes,
and the status-over-time series. Only what the public may see: statuses from the status rule, assessments and
evidence through the visibility rule (``visibility.PUBLIC``); no accounts, sessions or audit rows, and no name
of the person who recorded an assessment. Addresses of pages are the web edge's to add."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.tables import ACT, AUDIT, R, S, T
from recommendations import sql, status, visibility
from recommendations.read import evidence, headlines
from recommendations.read.detail import links_of
from recommendations.read.filters import Filters
from recommendations.read.history import assessment_history
from recommendations.read.table import recommendation_rows
from recommendations.vocabulary import SOURCE_KIND_LABELS

#: The fields of an addressee in a record: who, their role, and their own status (never another actor's).
ADDRESSEE_FIELDS = ("id", "name", "role", "inferred", "status", "status_label", "status_date", "scope")
HISTORY_FIELDS = (
    "id", "addressee_id", "addressee", "status", "status_label", "as_of", "assessor_id", "assessor", "rationale",
    "state", "supersedes_id", "supersede_reason", "superseded_by", "evidence",
)  # fmt: skip
EVIDENCE_FIELDS = ("id", "date", "kind", "title", "summary", "url", "citation", "source_title")


@dataclass(frozen=True)
class DataState:
    """How new the data is: the newest write's number (every write adds an audit row, loads included) and time."""

    version: int
    modified: dt.datetime  # naive UTC, like every stored time


def data_state(engine: Engine) -> DataState:
    row = sql.rows(engine, select(func.max(AUDIT.c.id).label("v"), func.max(AUDIT.c.at).label("at")))[0]
    return DataState(int(row["v"] or 0), row["at"] or dt.datetime(2000, 1, 1))


def kept_under(engine: Engine) -> tuple[int, dt.date]:
    """What a value worked out from the data is kept under: the data's version and the day (a new day can change
    what a status rule dated today gives)."""
    return (data_state(engine).version, dt.date.today())


def _plain(value: object) -> Any:
    """A cell as JSON can hold it: dates as ISO text, NaN and NaT as null."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.date):  # a datetime and a pandas Timestamp are dates too
        return value.isoformat()
    return value


def theme_names(engine: sql.Source) -> dict[str, str]:
    return {r["id"]: r["name"] for r in sql.rows(engine, select(T.c.id, T.c.name))}


def items(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """One record per row of ``recommendation_rows``: the verbatim text, its source and date, themes, each
    addressee with its own status, the overall status and the date of the latest evidence."""
    out = []
    for row in rows:
        out.append(
            {
                "id": row["id"],
                "title": row["title"],
                "text": row["text"],
                "lead_in": _plain(row["lead_in"]),
                "number": _plain(row["number"]),
                "section": _plain(row["section"]),
                "kind": row["kind"],
                "source": {"id": row["source_id"], "title": row["source_title"]},
                "date": row["source_date"],
                "themes": [{"id": t, "name": names.get(t, t)} for t in row["theme_ids"]],
                "addressees": [{k: _plain(a[k]) for k in ADDRESSEE_FIELDS} for a in row["addressee_statuses"]],
                "status": row["status"],
                "status_label": row["status_label"],
                "status_date": _plain(row["status_date"]),
                "status_scope": row["status_scope"] or None,
                "evidence_count": int(row["evidence_count"]),
                "last_evidence_date": _plain(row["last_evidence_date"]),
                "research_state": row["research_state"],
            }
        )
    return out


def selection(engine: Engine, filters: Filters) -> list[str]:
    """Every recommendation the filters select, in the order of the sources (date, then place in the source): what
    the pages of an answer are cut from (``records``), and how many there are in all."""
    matching = filters.matching(by_index=status.picks_by_index(engine))
    ordered = matching.order_by(S.c.date_start, R.c.source_id, R.c.position, R.c.id)
    return [r["id"] for r in sql.rows(engine, ordered)]


def records(engine: Engine, ids: list[str]) -> list[dict[str, Any]]:
    """The records of ``ids`` (a page cut from ``selection``), in the order of the sources. Only their rows are
    built, on one connection (each checkout pings the server)."""
    if not ids:
        return []
    with engine.connect() as conn:
        return items(recommendation_rows(conn, ids=ids), theme_names(conn))


def record(engine: Engine, rec_id: str) -> dict[str, Any] | None:
    """One recommendation with its published assessment history (superseded and withdrawn records marked in
    ``state``), the evidence bearing on it and the earlier and later asks it is linked to; None if unknown."""
    rows = recommendation_rows(engine, ids=[rec_id])
    if not rows:
        return None
    out = items(rows, theme_names(engine))[0]
    history = assessment_history(engine, [rec_id], viewer=visibility.PUBLIC)
    out["assessments"] = [{k: _plain(r[k]) for k in HISTORY_FIELDS} for r in history.to_dict("records")]
    bearing = evidence.items(engine, [rec_id])
    out["evidence"] = [{k: _plain(r[k]) for k in EVIDENCE_FIELDS} for r in bearing.to_dict("records")]
    out["links"] = [
        {
            "direction": "earlier" if r["direction"].startswith("repeats") else "later",
            "kind": r["kind"],
            "note": _plain(r["note"]),
            "id": r["id"],
            "title": r["title"],
            "date": r["date"],
        }
        for r in links_of(engine, rec_id).to_dict("records")
    ]
    return out


def sources(engine: Engine) -> list[dict[str, Any]]:
    """Every source document (without its full text), with how many of its recommendations are recorded."""
    recorded = select(func.count()).select_from(R).where(R.c.source_id == S.c.id).scalar_subquery()
    rows = sql.rows(
        engine,
        select(
            S.c.id, S.c.title, S.c.date, S.c.kind, S.c.organisers, S.c.place, S.c.url, S.c.citation,
            S.c.expected_recommendations, recorded.label("recorded_recommendations"), S.c.gap_note,
        ).order_by(S.c.date_start, S.c.id),
    )  # fmt: skip
    return [{**r, "kind_label": SOURCE_KIND_LABELS.get(r["kind"], r["kind"])} for r in rows]


def actors(engine: Engine) -> list[dict[str, Any]]:
    """Every actor: who is asked to act, organises or assesses."""
    columns = [c for c in ACT.c if c.name != "version"]  # an edit counter, not data
    return sql.rows(engine, select(*columns).order_by(ACT.c.id))


def themes(engine: Engine) -> list[dict[str, Any]]:
    return sql.rows(engine, select(T.c.id, T.c.name, T.c.description).order_by(T.c.id))


def status_series(engine: Engine, filters: Filters) -> list[dict[str, Any]]:
    """The Overview's series: how many of the selected recommendations stood at each status on 31 December of
    each year (``headlines.status_over_time``, the same computation)."""
    made = sql.frame(engine, filters.matching(by_index=status.picks_by_index(engine)).add_columns(S.c.date_start))
    table = pd.DataFrame({"id": made["id"], "year": [day.year for day in made["date_start"]]})
    series = headlines.status_over_time(engine, table)
    return [
        {"year": int(r["year"]), "status": r["status"], "status_label": r["status_label"], "count": int(r["count"])}
        for r in series.to_dict("records")
    ]
