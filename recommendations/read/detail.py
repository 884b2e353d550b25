"""Everything about one recommendation, for its page: the verbatim text and where it stands in its source, who
is asked to act (each addressee's own status), the assessment history, the evidence, where assessors disagree,
the recommendations it repeats or that repeat it, and the research log."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from sqlalchemy import Select, String, func, literal, select, union_all
from sqlalchemy.engine import Engine
from sqlalchemy.sql import FromClause

from models.tables import ACT, L, R, S
from recommendations import i18n, labels, sql, status
from recommendations.i18n import N_
from recommendations.read import evidence, translations
from recommendations.read.history import assessment_history, facts_from, none_for_null, research_log
from recommendations.read.source_text import locate
from recommendations.read.table import ADDRESSEE_STATUS_COLUMNS, recommendation_table
from recommendations.vocabulary import ADDRESSEE_ROLE_LABELS, LINK_KIND_LABELS, STATUS_LABELS


@dataclass
class Detail:
    """Everything the detail page shows about one recommendation (plain data)."""

    record: dict[str, Any]
    source: dict[str, Any]
    addressees: pd.DataFrame  # one row per addressee, with its status for that addressee
    themes: list[str]
    history: pd.DataFrame  # every non-draft assessment, oldest first, with 'state' and an 'evidence' list
    evidence: pd.DataFrame  # all evidence bearing on it, newest first
    disagreement: pd.DataFrame  # latest standing status per assessor, when assessors differ
    links: pd.DataFrame  # direction ('repeats an earlier' / 'repeated later by'), kind, other id, title, year
    passage: tuple[str, str, str] | None  # text before, the recommendation, text after
    research: pd.DataFrame = field(default_factory=pd.DataFrame)  # research-log entries, newest first


def recommendation_detail(engine: Engine, rec_id: str, lang: str = i18n.SOURCE_LANGUAGE) -> Detail | None:
    """One recommendation for its page; its short title, themes and addressees' names in ``lang`` where the data
    has them (the quoted text stays as it is)."""
    match = recommendation_table(engine, ids=[rec_id], lang=lang)
    if match.empty:
        return None
    record = cast("dict[str, Any]", match.iloc[0].to_dict())  # the table's columns are named by str
    extra = sql.rows(engine, select(R.c.problems).where(R.c.id == rec_id))[0]
    record["problems"] = list(extra["problems"] or [])
    source = sql.rows(engine, select(S).where(S.c.id == record["source_id"]))[0]
    addressees = pd.DataFrame(
        [{"recommendation_id": rec_id, **a} for a in record["addressee_statuses"]], columns=ADDRESSEE_STATUS_COLUMNS
    )  # the table's own per-addressee answer: the rule runs once for the page
    types = {
        r["id"]: r["type"]
        for r in sql.rows(engine, select(ACT.c.id, ACT.c.type).where(ACT.c.id.in_(addressees["id"].tolist())))
    }
    addressees["type"] = addressees["id"].map(types)
    history = assessment_history(engine, [rec_id], lang=lang)
    items = evidence.items(engine, [rec_id]).drop(columns=["recommendation_id"])
    disagreement = _disagreement(history, addressees, lang)
    links = links_of(engine, rec_id, lang)
    themes = [t for t in (record["themes"] or "").split("; ") if t]
    passage = locate(source.get("full_text") or "", record["text"])
    research = research_log(engine, [rec_id])
    return Detail(record, source, addressees, themes, history, items, disagreement, links, passage, research)


def _differing(per: FromClause) -> Select[*tuple[Any, ...]]:
    """(recommendation_id, rows): of the assessors' own overall statuses ``per`` (``status.overall(by_assessor=
    True)``), the recommendations whose assessors' statuses differ, with how many assessors each has."""
    return (
        select(per.c.recommendation_id, func.count().label("rows"))
        .group_by(per.c.recommendation_id)
        .having(func.count(func.distinct(per.c.status)) > 1)
    )


def disagreement_rows(engine: Engine, recommendations: list[str] | None = None) -> pd.DataFrame:
    """(recommendation_id, rows) of ``disagreements`` without building them: each recommendation where assessors
    disagree and its number of rows there, in the list's order (a page of the list needs only its own ids)."""
    per = status.overall(None, recommendations, by_assessor=True, by_index=status.picks_by_index(engine))
    frame = sql.frame(engine, _differing(per.subquery("per")))
    if frame.empty:
        return pd.DataFrame({"recommendation_id": pd.Series(dtype=object), "rows": pd.Series(dtype=int)})
    frame["rows"] = frame["rows"].astype(int)
    return frame.sort_values("recommendation_id").reset_index(drop=True)


def page_of(rows: pd.DataFrame, start: int, size: int) -> tuple[list[str], int]:
    """The recommendations of ``disagreement_rows`` that rows ``start`` to ``start + size`` of the list come from,
    and where the page starts in their rows: the page is ``disagreements(those)[offset : offset + size]``."""
    ends = rows["rows"].cumsum()
    begins = ends - rows["rows"]
    on_page = rows[(ends > start) & (begins < start + size)]
    if on_page.empty:
        return [], 0
    return list(on_page["recommendation_id"]), start - int(begins[on_page.index[0]])


@functools.lru_cache(maxsize=4)
def _disagreeing(day: dt.date, restricted: bool, by_index: bool) -> Select[*tuple[Any, ...]]:
    """The statement of ``disagreements`` on ``day``, built once (a page of the Overview's list runs it for its own
    ids, bound as ``ids``)."""
    ids = sql.BoundIds("ids") if restricted else None
    own = status.overall(day, ids, by_assessor=True, by_index=by_index).cte("per")
    differing = _differing(own).subquery("differing")  # the rule once, read twice
    return select(own).where(own.c.recommendation_id.in_(select(differing.c.recommendation_id)))


def disagreements(engine: Engine, recommendations: list[str] | None = None) -> pd.DataFrame:
    """Recommendations whose assessors' own latest statuses differ: one row per (recommendation, assessor)."""
    statement = _disagreeing(status.today(), recommendations is not None, status.picks_by_index(engine))
    if recommendations is not None:
        statement = statement.params(ids=sorted(set(recommendations)))
    per = sql.frame(engine, statement)
    columns = ["recommendation_id", "title", "assessor", "status_label", "as_of"]
    if per.empty:
        return pd.DataFrame(columns=columns)
    names = labels.actor_names(engine)
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


def _disagreement(history: pd.DataFrame, addressees: pd.DataFrame, lang: str = i18n.SOURCE_LANGUAGE) -> pd.DataFrame:
    """Each assessor's own overall status (the rule applied to its assessments alone), when they differ; the
    status and the part of the ask it judges in ``lang`` (the date as recorded: the page says it)."""
    said = i18n.translator(lang)
    if history.empty:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    pairs = list(zip(addressees["id"], addressees["role"], strict=True))
    rows = []
    for _assessor, own in history.groupby("assessor_id", sort=False):
        verdict = status.overall_verdict(facts_from(own), pairs)
        if verdict.fact is None:
            continue
        chosen = own[own["id"] == verdict.fact.id].iloc[0]
        scope = labels.scope_words(chosen["addressee"], lang) if chosen["addressee"] else said.t(labels.WHOLE_ASK)
        rows.append(
            {
                "assessor": chosen["assessor"],
                "status_label": said.t(STATUS_LABELS[verdict.status]),
                "scope": scope,
                "as_of": chosen["as_of"],
                "rationale": chosen["rationale"],
            }
        )
    if len({r["status_label"] for r in rows}) < 2:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


#: How a linked recommendation is said, by the way the link points (the page adds the kind, year and title).
EARLIER = N_("repeats an earlier recommendation ({kind}): {year} · {title}")
LATER = N_("raised again later ({kind}): {year} · {title}")


def links_of(engine: Engine, rec_id: str, lang: str = i18n.SOURCE_LANGUAGE) -> pd.DataFrame:
    """The recommendations this one repeats and those that repeat it, oldest first, each with ``line``: how the
    page names it, in ``lang`` (the other recommendation's short title in ``lang`` where the data has it)."""
    other = R.alias("other")
    earlier = (
        select(
            literal(EARLIER, String).label("direction"),
            L.c.kind, L.c.note, other.c.id, other.c.title, S.c.date,
        )
        .join(other, other.c.id == L.c.target_id)
        .join(S, S.c.id == other.c.source_id)
        .where(L.c.source_id == rec_id)
    )  # fmt: skip
    later = (
        select(
            literal(LATER, String).label("direction"),
            L.c.kind, L.c.note, other.c.id, other.c.title, S.c.date,
        )
        .join(other, other.c.id == L.c.source_id)
        .join(S, S.c.id == other.c.source_id)
        .where(L.c.target_id == rec_id)
    )  # fmt: skip
    links = sql.frame(engine, union_all(earlier, later).order_by("date"))
    said = i18n.translator(lang)
    titles = translations.labels(engine, "recommendation", "title", lang, list(links["id"]))
    links["title"] = [titles[i].text if i in titles else t for i, t in zip(links["id"], links["title"], strict=True)]
    links["line"] = [
        said.t(direction, kind=said.t(LINK_KIND_LABELS.get(kind, kind)), year=str(date)[:4], title=title)
        for direction, kind, date, title in zip(
            links["direction"], links["kind"], links["date"], links["title"], strict=True
        )
    ]
    return none_for_null(links, ["note"])


def asked_of(addressees: pd.DataFrame, lang: str = i18n.SOURCE_LANGUAGE) -> list[tuple[str, str]]:
    """Each addressee as the detail page lists it, in ``lang``: (its name, "(its role; inferred...): its status as
    of a date, judged for it or for the whole ask"). Plain text: the page escapes it."""
    said = i18n.translator(lang)
    out = []
    for row in addressees.itertuples():
        how = [said.t(ADDRESSEE_ROLE_LABELS.get(str(row.role), str(row.role)))]
        if row.inferred:
            how.append(
                said.t(
                    "inferred: the text does not name it as the party to act; the tracker infers it from the context"
                )
            )
        if not row.status_date:
            state = said.t("not assessed")
        elif row.scope:
            state = said.t(
                "{status} as of {date}, judged for this addressee",
                status=said.t(str(row.status_label)),
                date=said.date(str(row.status_date)),
            )
        else:
            state = said.t(
                "{status} as of {date}, judged for the whole ask",
                status=said.t(str(row.status_label)),
                date=said.date(str(row.status_date)),
            )
        out.append((str(row.name), f"({'; '.join(how)}): {state}"))
    return out
