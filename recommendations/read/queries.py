"""Read side: every page and export asks here and gets a DataFrame or plain data.

Statuses come from ``recommendations.status`` (the one rule); this module only joins them to
titles, sources, addressees and evidence. Statements are SQLAlchemy Core, run through
``recommendations.sql``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields

import pandas as pd
from sqlalchemy import String, case, func, literal, select, union_all
from sqlalchemy.engine import Engine

from models import (
    tables,
)
from models.tables import ACT, AD, AE, ER, RL, RT, A, E, L, R, S, T
from recommendations import dates, sql, status
from recommendations.vocabulary import (
    OPEN_STATUSES,
    RESEARCH_OUTCOME_LABELS,
    RESEARCH_SCOPE_LABELS,
    RESEARCH_STATES,
    SOURCE_KIND_LABELS,
    SOURCE_KIND_SHORT,
    STATUS_LABELS,
    ResearchScope,
    Status,
)

STATUS_ORDER = list(STATUS_LABELS)


@dataclass
class Filters:
    """The filters shared by every page (and by exports of 'the filtered set')."""

    sources: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    themes: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    research: list[str] = field(default_factory=list)  # research states (RESEARCH_STATES)
    text: str = ""

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))


def actor_label(name: str, acronym: object) -> str:
    """The short name of an actor shown in charts and tables: its acronym when it has one."""
    return str(acronym) if isinstance(acronym, str) and acronym.strip() else name


@dataclass(frozen=True)
class ActorNames:
    """Names and short labels of every actor, read once per query."""

    name: dict[str, str]
    label: dict[str, str]

    def scope(self, scope_id: object) -> str:
        """How a status's scope reads: "" for the whole ask, else "as assessed for RGC"."""
        return f"as assessed for {self.label.get(scope_id, scope_id)}" if isinstance(scope_id, str) else ""


def actor_names(engine: Engine) -> ActorNames:
    rows = sql.rows(engine, select(ACT.c.id, ACT.c.name, ACT.c.acronym))
    return ActorNames(
        name={r["id"]: r["name"] for r in rows},
        label={r["id"]: actor_label(r["name"], r["acronym"]) for r in rows},
    )


def recommendation_table(
    engine: Engine, filters: Filters | None = None, *, as_of: dt.date | None = None, ids: list[str] | None = None
) -> pd.DataFrame:
    """One row per recommendation with its overall status and its status for each addressee; the filtered set.

    ``ids`` limits every query to those recommendations (one detail page need not work out all 50,000).
    """
    verdict = status.overall(as_of, ids).subquery("verdict")
    base = sql.frame(
        engine,
        select(
            R.c.id, R.c.source_id, S.c.title.label("source_title"), S.c.date.label("source_date"), S.c.date_start,
            S.c.organisers, S.c.kind.label("source_kind"), R.c.position, R.c.number, R.c.section, R.c.kind,
            R.c.title, R.c.lead_in, R.c.text, verdict.c.status, verdict.c.as_of.label("status_date"),
            verdict.c.assessor_id.label("status_assessor_id"), verdict.c.scope_id.label("status_scope_id"),
        )
        .join(S, S.c.id == R.c.source_id)
        .join(verdict, verdict.c.recommendation_id == R.c.id)
        .where(sql.in_ids(R.c.id, ids))
        .order_by(S.c.date_start, R.c.source_id, R.c.position),
    )  # fmt: skip
    if base.empty:
        return _empty_table()
    names = actor_names(engine)
    base["year"] = pd.to_datetime(base["date_start"]).dt.year
    base["source_short"] = _short_source_labels(base, names)
    base["status_assessor"] = base["status_assessor_id"].map(names.name)
    per_actor = addressee_statuses(engine, ids, as_of=as_of, names=names)
    base["addressee_statuses"] = base["id"].map(_records_by_recommendation(per_actor)).apply(_as_list)
    # "as assessed for RGC" matters only where the ask has other addressees that this status does not cover
    alone = base["addressee_statuses"].apply(len) <= 1
    base["status_scope"] = base["status_scope_id"].map(names.scope).where(~alone, "")
    base["addressee_ids"] = base["addressee_statuses"].apply(lambda items: [a["id"] for a in items])
    base["addressees"] = base["addressee_statuses"].apply(
        lambda items: "; ".join(a["name"] + (" (inferred)" if a["inferred"] else "") for a in items)
    )
    base["addressee_labels"] = base["addressee_statuses"].apply(lambda items: ", ".join(a["label"] for a in items))
    themes = sql.frame(
        engine,
        select(RT.c.recommendation_id, T.c.id.label("theme_id"), T.c.name)
        .join(T, T.c.id == RT.c.theme_id)
        .where(sql.in_ids(RT.c.recommendation_id, ids))
        .order_by(RT.c.recommendation_id, T.c.name),
    )
    by_theme = themes.groupby("recommendation_id")
    base["theme_ids"] = base["id"].map(by_theme["theme_id"].agg(list)).apply(_as_list)
    base["themes"] = base["id"].map(by_theme["name"].agg("; ".join)).fillna("")
    evidence = sql.frame(engine, _evidence_per_recommendation(ids)).set_index("recommendation_id")
    base["evidence_count"] = base["id"].map(evidence["evidence_count"]).fillna(0).astype(int)
    base["last_evidence_date"] = base["id"].map(evidence["last_date"])
    base["status_label"] = base["status"].map(STATUS_LABELS)
    public = func.max(case((RL.c.scope == ResearchScope.PUBLIC_RECORD.value, 1), else_=0))
    last_search = select(
        RL.c.recommendation_id, func.max(RL.c.searched_on_start).label("last"), public.label("public")
    ).where(sql.in_ids(RL.c.recommendation_id, ids))
    searched = {r["recommendation_id"]: r for r in sql.rows(engine, last_search.group_by(RL.c.recommendation_id))}
    base["last_searched_on"] = pd.Series(
        [str(searched[i]["last"])[:10] if i in searched else None for i in base["id"]], index=base.index, dtype=object
    )
    base["research_state"] = [
        research_state(s, i in searched, bool(searched[i]["public"]) if i in searched else False)
        for s, i in zip(base["status"], base["id"], strict=True)
    ]
    base["research_label"] = base["research_state"].map(RESEARCH_STATES)
    base = _none_for_null(
        base,
        ["number", "section", "lead_in", "status_date", "status_assessor", "status_assessor_id", "status_scope_id",
         "last_evidence_date"],
    )  # fmt: skip
    return apply_filters(base, filters)


def _records_by_recommendation(per_actor: pd.DataFrame) -> dict[str, list[dict]]:
    """Each recommendation's addressee rows as dicts, in one pass (a groupby-apply cost 40 s at 10,000)."""
    out: dict[str, list[dict]] = {}
    ids = per_actor["recommendation_id"].tolist()
    for rec_id, record in zip(ids, per_actor.drop(columns=["recommendation_id"]).to_dict("records"), strict=True):
        out.setdefault(rec_id, []).append(record)
    return out


ADDRESSEE_STATUS_COLUMNS = [
    "recommendation_id", "id", "name", "label", "role", "inferred", "status", "status_label", "status_date",
    "assessor", "scope",
]  # fmt: skip


def addressee_statuses(
    engine: Engine,
    recommendations: list[str] | None = None,
    *,
    as_of: dt.date | None = None,
    names: ActorNames | None = None,
) -> pd.DataFrame:
    """Each recommendation's status for each of its addressees (the rule's per-addressee answer).

    ``scope`` says whether the status was judged for this addressee ("as assessed for RGC") or for the
    whole ask ("").
    """
    names = names or actor_names(engine)
    df = sql.frame(
        engine,
        status.per_addressee(as_of, recommendations).order_by("recommendation_id", "position"),
    )
    if df.empty:
        return pd.DataFrame(columns=ADDRESSEE_STATUS_COLUMNS)
    df = df.rename(columns={"actor_id": "id", "as_of": "status_date"})
    df["name"] = df["id"].map(names.name)
    df["label"] = df["id"].map(names.label)
    df["inferred"] = df["inferred"].astype(bool)
    df["status_label"] = df["status"].map(STATUS_LABELS)
    df["assessor"] = df["assessor_id"].map(names.name)
    df["scope"] = df["scope_id"].map(names.scope)
    df = _none_for_null(df, ["status_date", "assessor"])
    return df[ADDRESSEE_STATUS_COLUMNS]


def _evidence_per_recommendation(ids: list[str] | None = None):
    """Evidence bearing on a recommendation: cited by one of its published assessments, or linked directly."""
    cited = (
        select(A.c.recommendation_id, AE.c.evidence_id)
        .join(AE, AE.c.assessment_id == A.c.id)
        .where(status.published(A), sql.in_ids(A.c.recommendation_id, ids))
    )
    linked = select(ER.c.recommendation_id, ER.c.evidence_id).where(sql.in_ids(ER.c.recommendation_id, ids))
    bearing = union_all(cited, linked).subquery("bearing")
    return (
        select(
            bearing.c.recommendation_id,
            func.count(func.distinct(E.c.id)).label("evidence_count"),
            func.max(E.c.date).label("last_date"),
        )
        .join(E, E.c.id == bearing.c.evidence_id)
        .group_by(bearing.c.recommendation_id)
    )


def _short_source_labels(table: pd.DataFrame, names: ActorNames) -> pd.Series:
    """ "2016 · MMN, CWCC · CSO consultation": enough to tell sources apart in a narrow column."""
    organisers = table["organisers"].apply(lambda ids: ", ".join(names.label.get(i, i) for i in ids or []))
    kinds = table["source_kind"].map(SOURCE_KIND_SHORT)
    return table["year"].astype(str) + " · " + organisers.where(organisers != "", "—") + " · " + kinds


def _none_for_null(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Optional text columns hold None, not NaN (NaN is truthy, so pages could not test them)."""
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else []


TABLE_COLUMNS = [
    "id", "source_id", "source_title", "source_date", "year", "number", "section", "kind", "title", "lead_in",
    "text", "addressees", "addressee_ids", "addressee_labels", "addressee_statuses", "themes", "theme_ids",
    "status", "status_label", "status_date", "status_assessor", "status_scope", "evidence_count",
    "last_evidence_date", "source_short", "research_state", "research_label", "last_searched_on",
]  # fmt: skip


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=TABLE_COLUMNS)


def apply_filters(table: pd.DataFrame, filters: Filters | None) -> pd.DataFrame:
    if filters is None or table.empty:
        return table.reset_index(drop=True)
    mask = pd.Series(True, index=table.index)
    if filters.sources:
        mask &= table["source_id"].isin(filters.sources)
    if filters.year_from is not None:
        mask &= table["year"] >= filters.year_from
    if filters.year_to is not None:
        mask &= table["year"] <= filters.year_to
    if filters.themes:
        wanted = set(filters.themes)
        mask &= table["theme_ids"].apply(lambda ids: bool(wanted & set(ids)))
    if filters.addressees:
        wanted_a = set(filters.addressees)
        mask &= table["addressee_ids"].apply(lambda ids: bool(wanted_a & set(ids)))
    if filters.statuses:
        mask &= table["status"].isin(filters.statuses)
    if filters.kinds:
        mask &= table["kind"].isin(filters.kinds)
    if filters.research:
        mask &= table["research_state"].isin(filters.research)
    if filters.text.strip():
        needle = filters.text.strip().lower()
        haystack = (table["title"] + " " + table["text"] + " " + table["lead_in"].fillna("")).str.lower()
        mask &= haystack.str.contains(needle, regex=False)
    return table[mask].reset_index(drop=True)


def options(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """(id, label) choices for the shared filters."""
    sources = sql.rows(engine, select(S.c.id, S.c.title, S.c.date).order_by(S.c.date_start, S.c.id))
    themes = sql.rows(engine, select(T.c.id, T.c.name).order_by(T.c.name))
    actors = sql.rows(
        engine,
        select(ACT.c.id, ACT.c.name, ACT.c.acronym)
        .where(ACT.c.id.in_(select(AD.c.actor_id)))
        .order_by(ACT.c.name, ACT.c.id),
    )
    kinds = sql.rows(engine, select(R.c.kind).distinct().order_by(R.c.kind))
    return {
        "sources": [(r["id"], f"{r['date'][:4]} · {r['title']}") for r in sources],
        "themes": [(r["id"], r["name"]) for r in themes],
        "addressees": [(r["id"], r["name"] + (f" ({r['acronym']})" if r["acronym"] else "")) for r in actors],
        "statuses": [(s, STATUS_LABELS[s]) for s in STATUS_ORDER],
        "kinds": [(r["kind"], r["kind"].replace("_", " ").capitalize()) for r in kinds],
        "research": list(RESEARCH_STATES.items()),
    }


def year_bounds(engine: Engine) -> tuple[int, int]:
    row = sql.rows(engine, select(func.min(S.c.date_start).label("lo"), func.max(S.c.date_start).label("hi")))[0]
    if row["lo"] is None:
        return 2011, 2022
    return dates.as_date(row["lo"]).year, dates.as_date(row["hi"]).year


def counts(engine: Engine) -> dict[str, int]:
    tables = {"sources": S, "recommendations": R, "evidence": E, "assessments": A, "actors": ACT}
    row = sql.rows(
        engine, select(*(select(func.count()).select_from(t).scalar_subquery().label(k) for k, t in tables.items()))
    )
    return {k: int(v) for k, v in row[0].items()}


def headline_sentence(table: pd.DataFrame) -> str:
    """What matters, in words: "Of 84 recommendations, none is assessed as implemented; 17 are partially
    implemented or in progress; 1 found no progress; 66 have not been assessed." """
    total = len(table)
    if not total:
        return "No recommendation matches this selection."
    count = table["status"].value_counts().to_dict()
    implemented = int(count.get(Status.IMPLEMENTED, 0))
    moving = int(count.get(Status.PARTIALLY_IMPLEMENTED, 0) + count.get(Status.IN_PROGRESS, 0))
    stuck = int(count.get(Status.NO_PROGRESS, 0))
    gone = int(count.get(Status.NOT_APPLICABLE, 0))
    unknown = int(count.get(Status.NOT_ASSESSED, 0))

    def are(n: int) -> str:
        return "none is" if n == 0 else ("one is" if n == 1 else f"{n} are")

    parts = [f"{are(implemented)} assessed as implemented", f"{are(moving)} partially implemented or in progress"]
    if stuck:
        parts.append(f"{'one was' if stuck == 1 else f'{stuck} were'} found to have made no progress")
    if gone:
        parts.append(f"{'one no longer applies' if gone == 1 else f'{gone} no longer apply'}")
    parts.append(
        f"{'one has' if unknown == 1 else f'{unknown} have'} not been assessed" if unknown else "all are assessed"
    )
    return f"Of {total} recommendation{'s' if total != 1 else ''}, " + "; ".join(parts) + "."


def evidence_count(engine: Engine, recommendations: list[str] | None = None) -> int:
    """Evidence items bearing on these recommendations (cited by a published assessment or linked directly)."""
    bearing = union_all(
        select(A.c.recommendation_id, AE.c.evidence_id)
        .join(AE, AE.c.assessment_id == A.c.id)
        .where(status.published(A)),
        select(ER.c.recommendation_id, ER.c.evidence_id),
    ).subquery("bearing")
    statement = select(func.count(func.distinct(bearing.c.evidence_id)).label("n")).where(
        sql.in_ids(bearing.c.recommendation_id, recommendations)
    )
    return int(sql.rows(engine, statement)[0]["n"])


def data_version(engine: Engine) -> int:
    """A number that grows with every write (the newest audit row: every write adds one, loads included).

    App servers compare it on each run and drop their cached pages when another server, or a load, wrote.
    """
    table = tables.AUDIT
    return int(sql.rows(engine, select(func.coalesce(func.max(table.c.id), 0).label("v")))[0]["v"])


def headline(table: pd.DataFrame) -> dict[str, float | int]:
    """Headline figures of a (filtered) recommendation table."""
    total = len(table)
    assessed = int((table["status"] != Status.NOT_ASSESSED).sum()) if total else 0
    moving = int(table["status"].isin([Status.IMPLEMENTED, Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED]).sum())
    return {
        "recommendations": total,
        "sources": int(table["source_id"].nunique()) if total else 0,
        "assessed": assessed,
        "share_assessed": assessed / total if total else 0.0,
        "moving": moving,
        "share_moving": moving / total if total else 0.0,
        "implemented": int((table["status"] == Status.IMPLEMENTED).sum()) if total else 0,
    }


HISTORY_COLUMNS = [
    "id", "recommendation_id", "addressee_id", "addressee", "status", "status_label", "as_of", "as_of_start",
    "assessor_id", "assessor", "rationale", "recorded_by", "recorded_at", "visibility", "supersedes_id",
    "supersede_reason", "state", "superseded_by",
]  # fmt: skip


def assessment_history(
    engine: Engine, recommendation_ids: list[str] | None = None, *, include_drafts: bool = False
) -> pd.DataFrame:
    """Every assessment (published, superseded, withdrawn; drafts only when asked), oldest first.

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
    names = actor_names(engine)
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
    df["evidence"] = df["id"].map(cited.groupby("assessment_id")["evidence_id"].agg(list)).apply(_as_list)
    df = _none_for_null(df, ["addressee_id", "addressee", "supersedes_id", "supersede_reason", "superseded_by"])
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


def year_end_statuses(engine: Engine, table: pd.DataFrame, until: int | None = None) -> pd.DataFrame:
    """(year, recommendation_id, status): each recommendation's overall status on 31 December of each
    year from the year it was made to ``until`` (default this year).

    One pass: the standing assessments and the addressees are read once, and the pure-Python form of the rule
    (which the tests check against the SQL) is applied per recommendation only in the years a new assessment
    takes effect. Asking the database once per year cost 11 s at 10,000 recommendations; this, about 1 s.
    """
    until = until or dt.date.today().year
    if table.empty:
        return pd.DataFrame(columns=["year", "recommendation_id", "status"])
    made = dict(zip(table["id"], table["year"].astype(int), strict=True))
    ids = list(made)
    facts: dict[str, list[status.Fact]] = {}
    for r in sql.rows(engine, status.standing(None, ids, undated=True)):
        facts.setdefault(r["recommendation_id"], []).append(
            status.Fact(
                id=r["id"], recommendation_id=r["recommendation_id"], status=r["status"],
                as_of_start=dates.as_date(r["as_of_start"]), recorded_at=r["recorded_at"],
                addressee_id=r["addressee_id"],
                assessor_id=r["assessor_id"], as_of=r["as_of"],
            )
        )  # fmt: skip
    roles: dict[str, list[tuple[str, str]]] = {}
    addressees = select(AD.c.recommendation_id, AD.c.actor_id, AD.c.role).where(sql.in_ids(AD.c.recommendation_id, ids))
    for r in sql.rows(engine, addressees.order_by(AD.c.recommendation_id, AD.c.position)):
        roles.setdefault(r["recommendation_id"], []).append((r["actor_id"], r["role"]))
    years, recs, statuses = [], [], []
    for rec_id, first in made.items():
        history = sorted(facts.get(rec_id, []), key=lambda f: f.as_of_start)
        taken, current = 0, status.NOT_ASSESSED.status
        for year in range(first, until + 1):
            day = dt.date(year, 12, 31)
            if taken < len(history) and history[taken].as_of_start <= day:
                while taken < len(history) and history[taken].as_of_start <= day:
                    taken += 1
                current = status.overall_verdict(history[:taken], roles.get(rec_id, []), day).status
            years.append(year)
            recs.append(rec_id)
            statuses.append(current)
    return pd.DataFrame({"year": years, "recommendation_id": recs, "status": statuses})


def status_over_time(engine: Engine, table: pd.DataFrame, until: int | None = None) -> pd.DataFrame:
    """Counts by status of the recommendations made so far, as of 31 December of each year."""
    per_year = year_end_statuses(engine, table, until)
    if per_year.empty:
        return pd.DataFrame(columns=["year", "status", "status_label", "count"])
    out = per_year.groupby(["year", "status"]).size().reset_index(name="count")
    out["status_label"] = out["status"].map(STATUS_LABELS)
    return out


def status_by(table: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Counts by status per theme, addressee or source (labels, not ids).

    By addressee, each recommendation counts once for each of its addressees with its status *for that
    addressee*, grouped by actor id (two actors never merge because of their names).
    """
    if table.empty:
        return pd.DataFrame(columns=[dimension, "status", "status_label", "count"])
    if dimension == "theme":
        exploded = table.assign(theme=table["themes"].str.split("; ")).explode("theme")
    elif dimension == "addressee":
        pairs = [(a["id"], a["label"], a["status"]) for items in table["addressee_statuses"] for a in items]
        per = pd.DataFrame(pairs, columns=["actor_id", "addressee", "status"])
        shared = per.groupby("addressee")["actor_id"].transform("nunique") > 1  # two actors, one label
        per["addressee"] = per["addressee"].where(~shared, per["addressee"] + " (" + per["actor_id"] + ")")
        out = per.groupby(["actor_id", "addressee", "status"]).size().reset_index(name="count")
        out["status_label"] = out["status"].map(STATUS_LABELS)
        return out
    elif dimension == "source":
        exploded = table.assign(source=table["year"].astype(str) + " · " + table["source_title"])
    else:
        raise ValueError(f"unknown dimension {dimension!r}")
    out = exploded.groupby([dimension, "status"]).size().reset_index(name="count")
    out["status_label"] = out["status"].map(STATUS_LABELS)
    return out


def gaps(engine: Engine) -> pd.DataFrame:
    """Sources we know of whose recommendation texts we do not (all) hold.

    A gap is a source with fewer recommendations recorded than it is known to contain, or one with a gap
    note and none recorded (its count unknown: ``expected`` and ``missing`` are then None).
    """
    recorded = select(func.count()).select_from(R).where(R.c.source_id == S.c.id).scalar_subquery()
    df = sql.frame(
        engine,
        select(
            S.c.id, S.c.title, S.c.date, S.c.kind, S.c.expected_recommendations.label("expected"), S.c.gap_note,
            recorded.label("recorded"),
        ).order_by(S.c.date_start, S.c.id),
    )  # fmt: skip
    if df.empty:
        return df.assign(missing=pd.Series(dtype=object))
    known = df["expected"].notna()
    is_gap = (known & (df["expected"].fillna(0) > df["recorded"])) | (
        ~known & df["gap_note"].notna() & (df["recorded"] == 0)
    )
    df = df[is_gap].reset_index(drop=True)
    # object columns: a mix of counts and None (unknown) must not turn into floats and NaN
    df["expected"] = pd.Series([None if pd.isna(v) else int(v) for v in df["expected"]], dtype=object)
    df["missing"] = pd.Series(
        [None if e is None else int(e - r) for e, r in zip(df["expected"], df["recorded"], strict=True)], dtype=object
    )
    return df


def afml_record(gaps_frame: pd.DataFrame) -> str:
    """How much of the AFML's own record the tracker lacks, in one sentence (from a ``gaps`` frame)."""
    forums = gaps_frame[gaps_frame["kind"] == "afml"]
    if forums.empty:
        return "No ASEAN Forum on Migrant Labour is missing its recommendation texts here."
    counted = [int(v) for v in forums["expected"] if v is not None]
    return (
        f"The ASEAN Forum on Migrant Labour itself: the tracker knows {len(forums)} Forums "
        f"({forums['date'].min()[:4]}–{forums['date'].max()[:4]}) whose own recommendation texts it does not hold. "
        + (
            f"A public source states how many recommendations {len(counted)} of them adopted ({sum(counted)} in all); "
            "for the others the number is not known."
            if counted
            else "No public source read states how many recommendations they adopted."
        )
    )


def research_state(current_status: str | None, searched: bool, public_record: bool = False) -> str:
    """THE research state of a recommendation: "assessed" when its current status (the status rule) is anything
    but not assessed; otherwise "researched" when the research log records a search of the public record,
    "sources_only" when it records only readings of the tracker's own documents (or reviews of its records), else
    "not_researched". So *not assessed* splits into "nobody has looked", "only our own sources were read" and
    "searched the public record, found nothing to rate"."""
    if current_status and current_status != Status.NOT_ASSESSED:
        return "assessed"
    if public_record:
        return "researched"
    return "sources_only" if searched else "not_researched"


def research_log(engine: Engine, recommendations: list[str] | None = None) -> pd.DataFrame:
    """Research-log entries (when, by whom, where, what was found), newest search first."""
    statement = select(RL).order_by(RL.c.recommendation_id, RL.c.searched_on_start.desc(), RL.c.position.desc())
    if recommendations is not None:
        statement = statement.where(sql.in_ids(RL.c.recommendation_id, recommendations))
    frame = sql.frame(engine, statement)
    columns = [
        "recommendation_id", "position", "searched_on", "searched_by", "where", "found", "evidence", "outcome",
        "outcome_label", "scope", "scope_label", "partly_read", "note",
    ]  # fmt: skip
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["outcome_label"] = frame["outcome"].map(RESEARCH_OUTCOME_LABELS)
    frame["scope_label"] = frame["scope"].map(RESEARCH_SCOPE_LABELS)
    frame["partly_read"] = frame["partly_read"].astype(bool)
    return _none_for_null(frame, ["note"])[columns]


def open_statuses() -> list[str]:
    return [s for s in STATUS_ORDER if s in OPEN_STATUSES]


# --- one recommendation ---------------------------------------------------------------------------


@dataclass
class Detail:
    """Everything the detail page shows about one recommendation (plain data)."""

    record: dict
    source: dict
    addressees: pd.DataFrame  # one row per addressee, with its status for that addressee
    themes: list[str]
    history: pd.DataFrame  # every non-draft assessment, oldest first, with 'state' and an 'evidence' list
    evidence: pd.DataFrame  # all evidence bearing on it, newest first
    disagreement: pd.DataFrame  # latest standing status per assessor, when assessors differ
    links: pd.DataFrame  # direction ('repeats an earlier' / 'repeated later by'), kind, other id, title, year
    passage: tuple[str, str, str] | None  # text before, the recommendation, text after
    research: pd.DataFrame = field(default_factory=pd.DataFrame)  # research-log entries, newest first


def recommendation_detail(engine: Engine, rec_id: str) -> Detail | None:
    match = recommendation_table(engine, ids=[rec_id])
    if match.empty:
        return None
    record = match.iloc[0].to_dict()
    extra = sql.rows(engine, select(R.c.problems).where(R.c.id == rec_id))[0]
    record["problems"] = list(extra["problems"] or [])
    source = sql.rows(engine, select(S).where(S.c.id == record["source_id"]))[0]
    addressees = addressee_statuses(engine, [rec_id])
    types = {
        r["id"]: r["type"]
        for r in sql.rows(engine, select(ACT.c.id, ACT.c.type).where(ACT.c.id.in_(addressees["id"].tolist())))
    }
    addressees["type"] = addressees["id"].map(types)
    history = assessment_history(engine, [rec_id])
    evidence = sql.frame(
        engine,
        select(
            E.c.id, E.c.date, E.c.date_start, E.c.kind, E.c.title, E.c.summary, E.c.url, E.c.citation,
            E.c.completeness, S.c.title.label("source_title"),
        )
        .select_from(E.outerjoin(S, S.c.id == E.c.source_id))
        .where(
            E.c.id.in_(select(ER.c.evidence_id).where(ER.c.recommendation_id == rec_id))
            | E.c.id.in_(
                select(AE.c.evidence_id)
                .join(A, A.c.id == AE.c.assessment_id)
                .where(A.c.recommendation_id == rec_id, status.published(A))
            )
        )
        .order_by(E.c.date_start.desc(), E.c.id),
    )  # fmt: skip
    evidence = _none_for_null(evidence, ["url", "citation", "completeness", "source_title"])
    disagreement = _disagreement(history, addressees)
    links = _links_of(engine, rec_id)
    themes = [t for t in (record["themes"] or "").split("; ") if t]
    passage = locate(source.get("full_text") or "", record["text"])
    research = research_log(engine, [rec_id])
    return Detail(record, source, addressees, themes, history, evidence, disagreement, links, passage, research)


def disagreements(engine: Engine, recommendations: list[str] | None = None) -> pd.DataFrame:
    """Recommendations whose assessors' own latest statuses differ: one row per (recommendation, assessor)."""
    per = sql.frame(engine, status.overall(None, recommendations, by_assessor=True))
    columns = ["recommendation_id", "title", "assessor", "status_label", "as_of"]
    if per.empty:
        return pd.DataFrame(columns=columns)
    differing = per.groupby("recommendation_id")["status"].transform("nunique") > 1
    per = per[differing]
    if per.empty:
        return pd.DataFrame(columns=columns)
    names = actor_names(engine)
    titles = {
        r["id"]: r["title"]
        for r in sql.rows(engine, select(R.c.id, R.c.title).where(sql.in_ids(R.c.id, list(per["recommendation_id"]))))
    }
    per = per.assign(
        title=per["recommendation_id"].map(titles),
        assessor=per["assessor_id"].map(names.name),
        status_label=per["status"].map(STATUS_LABELS),
    )
    return per.sort_values(["recommendation_id", "assessor"])[columns].reset_index(drop=True)


DISAGREEMENT_COLUMNS = ["assessor", "status_label", "scope", "as_of", "rationale"]


def _disagreement(history: pd.DataFrame, addressees: pd.DataFrame) -> pd.DataFrame:
    """Each assessor's own overall status (the rule applied to its assessments alone), when they differ."""
    if history.empty:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    pairs = list(zip(addressees["id"], addressees["role"], strict=True))
    rows = []
    for _assessor, own in history.groupby("assessor_id", sort=False):
        verdict = status.overall_verdict(facts_from(own), pairs)
        if verdict.fact is None:
            continue
        chosen = own[own["id"] == verdict.fact.id].iloc[0]
        scope = f"as assessed for {chosen['addressee']}" if chosen["addressee"] else "the whole ask"
        rows.append(
            {
                "assessor": chosen["assessor"],
                "status_label": STATUS_LABELS[verdict.status],
                "scope": scope,
                "as_of": chosen["as_of"],
                "rationale": chosen["rationale"],
            }
        )
    if len({r["status_label"] for r in rows}) < 2:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def _links_of(engine: Engine, rec_id: str) -> pd.DataFrame:
    other = R.alias("other")
    earlier = (
        select(
            literal("repeats an earlier recommendation", String).label("direction"),
            L.c.kind, L.c.note, other.c.id, other.c.title, S.c.date,
        )
        .join(other, other.c.id == L.c.target_id)
        .join(S, S.c.id == other.c.source_id)
        .where(L.c.source_id == rec_id)
    )  # fmt: skip
    later = (
        select(
            literal("raised again later", String).label("direction"),
            L.c.kind, L.c.note, other.c.id, other.c.title, S.c.date,
        )
        .join(other, other.c.id == L.c.source_id)
        .join(S, S.c.id == other.c.source_id)
        .where(L.c.target_id == rec_id)
    )  # fmt: skip
    links = sql.frame(engine, union_all(earlier, later).order_by("date"))
    return _none_for_null(links, ["note"])


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text without markdown markers and with single spaces, plus each character's original index."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char in "*\\":
            continue
        if char.isspace():
            if not chars or chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        where.append(index)
    return "".join(chars), where


def _find(full_text: str, quote: str, normalised: tuple[str, list[int]] | None = None) -> tuple[int, int] | None:
    norm, where = normalised or _normalised(full_text)
    needle = _normalised(quote)[0].strip()
    position = norm.find(needle) if needle else -1
    if position < 0:
        return None
    return where[position], where[position + len(needle) - 1] + 1


def locate(full_text: str, quote: str, window: int = 600) -> tuple[str, str, str] | None:
    """The quote with up to ``window`` characters either side, cut at line breaks where possible."""
    found = _find(full_text, quote) if full_text else None
    if not found:
        return None
    start, end = found
    lo, hi = max(0, start - window), min(len(full_text), end + window)
    if lo > 0 and "\n" in full_text[lo:start]:
        lo = full_text.find("\n", lo, start) + 1
    if hi < len(full_text) and "\n" in full_text[end:hi]:
        hi = full_text.rfind("\n", end, hi)
    return full_text[lo:start], full_text[start:end], full_text[end:hi]


_ARTEFACTS = [
    (re.compile(r"\[bookmark: [^\]]*\]"), ""),  # word-processor bookmarks left in converted text
    (re.compile(r"\*\*|__"), ""),  # bold markers of the converted documents
    (re.compile(r"(?m)^#{1,6}[ \t]+"), ""),  # heading markers
    (re.compile(r"\A\s*International\s+Labour\s+Organization[ \t]*\n"), ""),  # the ILO letterhead
    (re.compile(r"[ \t]+\n"), "\n"),
    (re.compile(r"\n{3,}"), "\n\n"),
]


def clean_source_text(text: str) -> str:
    """A source text as a reader should see it: without conversion artefacts (bold markers, bookmarks,
    heading marks, a letterhead). The words themselves, and so the verbatim quotes, are unchanged."""
    for pattern, replacement in _ARTEFACTS:
        text = pattern.sub(replacement, text)
    return text


def spans(full_text: str, quotes: dict[str, str]) -> list[tuple[int, int, str]]:
    """Where each recommendation (id -> text) stands in its source, in text order."""
    normalised = _normalised(full_text)
    out = []
    for rec_id, quote in quotes.items():
        found = _find(full_text, quote, normalised)
        if found:
            out.append((*found, rec_id))
    return sorted(out)


# --- sources, glossary, context ---------------------------------------------------------------------


def sources_table(engine: Engine) -> pd.DataFrame:
    recorded = select(func.count()).select_from(R).where(R.c.source_id == S.c.id).scalar_subquery()
    df = sql.frame(
        engine,
        select(
            S.c.id, S.c.title, S.c.date, S.c.kind, S.c.place, S.c.url, S.c.citation, S.c.organisers,
            S.c.expected_recommendations, S.c.gap_note, recorded.label("recorded"),
        ).order_by(S.c.date_start, S.c.id),
    )  # fmt: skip
    names = actor_names(engine)
    df["organisers"] = df["organisers"].apply(lambda ids: ", ".join(names.label.get(i, i) for i in ids or []))
    df["kind_label"] = df["kind"].map(SOURCE_KIND_LABELS)
    return _none_for_null(df, ["place", "url", "citation", "gap_note", "expected_recommendations"])


def source_text(engine: Engine, source_id: str) -> tuple[str, pd.DataFrame]:
    """Full text of a source and its recommendations (id, number, title, text, status)."""
    found = sql.rows(engine, select(S.c.full_text).where(S.c.id == source_id))
    full_text = found[0]["full_text"] if found else None
    recs = recommendation_table(engine, Filters(sources=[source_id]))
    return full_text or "", recs


def glossary(engine: Engine) -> pd.DataFrame:
    G = tables.G
    df = sql.frame(engine, select(G.c.term, G.c.expansion, G.c.note).order_by(func.lower(G.c.term)))
    return _none_for_null(df, ["note"])


def context_figures(engine: Engine) -> pd.DataFrame:
    C = tables.C
    df = sql.frame(
        engine,
        select(
            C.c.destination, C.c.category, C.c.total, C.c.women, C.c.men, C.c.as_of, C.c.data_source,
            S.c.title.label("source_title"),
        )
        .join(S, S.c.id == C.c.source_id)
        .order_by(C.c.destination, C.c.category),
    )  # fmt: skip
    df["label"] = df["destination"] + " · " + df["category"] + " (" + df["as_of"] + ")"
    return _none_for_null(df, ["women", "men"])
