"""The Overview's counts, in SQL: how many recommendations the filters select at each overall status, and by
theme, by source and by addressee (each addressee's own status), from one statement in which the status rule
runs once (``status.per_addressee`` and ``status.overall`` over it). No table of every recommendation is built:
the filters are a WHERE, the counts a GROUP BY. The frames have the shapes ``headlines.status_by`` gives from a
table, and the tests check them against it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import String, func, literal, select, union_all
from sqlalchemy.engine import Engine

from models.tables import AD, RT, R, S
from recommendations import dates, i18n, labels, sql, status
from recommendations.read import history, translations
from recommendations.read.figures import TREND_YEARS
from recommendations.read.filters import Filters
from recommendations.read.headlines import status_labels
from recommendations.read.table import recommendation_table
from recommendations.vocabulary import Status


@dataclass
class Summary:
    """What the Overview counts for a selection (``ids`` None: every recommendation)."""

    ids: list[str] | None
    count: dict[str, int]  # overall status -> recommendations
    sources: int  # source documents the selection comes from
    by: dict[str, pd.DataFrame] = field(default_factory=dict)  # "theme" / "source" / "addressee" -> status_by
    awaits_review: bool = False  # a title, theme or actor shown in a translation nobody has reviewed

    @property
    def total(self) -> int:
        return sum(self.count.values())


def selected(engine: sql.Source, filters: Filters | None) -> list[str] | None:
    """The ids the filters select, in no order (None: no filter, every recommendation)."""
    return None if filters is None else filters.ids(engine)


@dataclass(frozen=True)
class Counted:
    """The counts of a selection in no language (``counted``): one row per dimension ("status", "source", "theme",
    "addressee"), key and status, with how many. Every language's ``summary`` labels the same counts."""

    ids: list[str] | None
    rows: pd.DataFrame  # dimension, key, status, count


def counted(engine: sql.Source, filters: Filters | None) -> Counted:
    """The selection's counts, from one statement in which the status rule runs once."""
    ids = selected(engine, filters)
    by_index = status.picks_by_index(engine)
    pa = status.per_addressee(None, ids, by_index=by_index).cte("pa")
    verdict = status.overall(None, ids, addressees=pa, by_index=by_index).cte("verdict")
    text = String()
    statement = union_all(
        select(literal("status", text), literal("", text), verdict.c.status, func.count()).group_by(verdict.c.status),
        select(literal("source", text), R.c.source_id, verdict.c.status, func.count())
        .join(R, R.c.id == verdict.c.recommendation_id)
        .group_by(R.c.source_id, verdict.c.status),
        select(literal("theme", text), func.coalesce(RT.c.theme_id, ""), verdict.c.status, func.count())
        .select_from(verdict)
        .outerjoin(RT, RT.c.recommendation_id == verdict.c.recommendation_id)
        .group_by(RT.c.theme_id, verdict.c.status),  # PostgreSQL: the grouped column, not a second coalesce(…)
        select(literal("addressee", text), pa.c.actor_id, pa.c.status, func.count()).group_by(
            pa.c.actor_id, pa.c.status
        ),
    )
    rows = pd.DataFrame(sql.rows(engine, statement))
    rows.columns = ["dimension", "key", "status", "count"] if len(rows) else []
    return Counted(ids, rows)


def summary(
    engine: sql.Source, filters: Filters | None, lang: str = i18n.SOURCE_LANGUAGE, counts: Counted | None = None
) -> Summary:
    """The counts of the selection, its labels in ``lang`` (as ``recommendation_table`` gives them). ``counts``:
    ``counted`` of the same filters, already read (in another language: at 50,000 the statement is 1.6 s)."""
    found = counted(engine, filters) if counts is None else counts
    ids, rows = found.ids, found.rows
    if rows.empty:
        return Summary(ids, {}, 0)
    rows = rows.assign(count=rows["count"].astype(int))
    part = {name: frame.drop(columns="dimension") for name, frame in rows.groupby("dimension")}
    count = {str(k): int(v) for k, v in zip(part["status"]["status"], part["status"]["count"], strict=True)}
    said = status_labels(lang)
    by = {
        "theme": _by_theme(engine, part.get("theme"), lang),
        "source": _by_source(engine, part.get("source")),
        "addressee": _by_addressee(engine, part.get("addressee"), lang),
    }
    for frame in by.values():
        frame["status_label"] = frame["status"].map(said)
    sources = part["source"]["key"].nunique() if "source" in part else 0
    return Summary(ids, count, int(sources), by, awaits_review(engine, ids, lang))


def _regrouped(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    return frame.groupby([dimension, "status"])["count"].sum().reset_index()


def _by_theme(engine: sql.Source, frame: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["theme", "status", "count"])
    names = translations.labels(engine, "theme", "name", lang)
    return _regrouped(frame.assign(theme=[names[k].text if k in names else k for k in frame["key"]]), "theme")


def _by_source(engine: sql.Source, frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["source", "status", "count"])
    named = {
        r["id"]: f"{str(r['date_start'])[:4]} · {r['title']}"
        for r in sql.rows(engine, select(S.c.id, S.c.title, S.c.date_start))
    }
    return _regrouped(frame.assign(source=frame["key"].map(named)), "source")


def _by_addressee(engine: sql.Source, frame: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["actor_id", "addressee", "status", "count"])
    actors = translations.labels(engine, "actor", "name", lang)
    names = labels.actor_names(engine, {actor_id: label.text for actor_id, label in actors.items()})
    per = frame.rename(columns={"key": "actor_id"})
    per["addressee"] = per["actor_id"].map(lambda i: names.label.get(i, i))
    shared = per.groupby("addressee")["actor_id"].transform("nunique") > 1  # two actors, one label
    per["addressee"] = per["addressee"].where(~shared, per["addressee"] + " (" + per["actor_id"] + ")")
    return per.groupby(["actor_id", "addressee", "status"])["count"].sum().reset_index()


def awaits_review(engine: sql.Source, ids: list[str] | None, lang: str) -> bool:
    """Whether any recommendation of the selection shows a translation awaiting review (never in English)."""
    if lang == i18n.SOURCE_LANGUAGE:
        return False
    wanted = sql.in_ids(R.c.id, ids)
    themes = [r["id"] for r in sql.rows(engine, select(RT.c.theme_id.label("id")).distinct().join(R).where(wanted))]
    actors = [r["id"] for r in sql.rows(engine, select(AD.c.actor_id.label("id")).distinct().join(R).where(wanted))]
    titles = translations.labels(engine, "recommendation", "title", lang, ids)
    return (
        translations.awaiting_review(titles, titles)
        or translations.awaiting_review(translations.labels(engine, "theme", "name", lang), themes)
        or translations.awaiting_review(translations.labels(engine, "actor", "name", lang), actors)
    )


def sources_with_texts(engine: sql.Source) -> int:
    """Source documents with at least one recommendation recorded."""
    return int(sql.rows(engine, select(func.count(func.distinct(R.c.source_id)).label("n")))[0]["n"])


def trend_rows(engine: sql.Source, ids: list[str] | None) -> pd.DataFrame:
    """What ``figures.trend`` reads of each recommendation: its source's title and year, its latest search."""
    frame = sql.frame(
        engine,
        select(R.c.id, S.c.title.label("source_title"), S.c.date_start)
        .join(S, S.c.id == R.c.source_id)
        .where(sql.in_ids(R.c.id, ids)),
    )
    searched = history.searches(engine, ids)
    frame["year"] = [dates.as_date(day).year for day in frame["date_start"]]
    latest = [searched[i][0] if i in searched else None for i in frame["id"]]
    frame["last_searched_on"] = pd.Series(latest, dtype=object)
    return frame.drop(columns="date_start")


def selected_count(engine: sql.Source, filters: Filters | None) -> int:
    """How many recommendations the filters select."""
    matching = (filters or Filters()).matching(by_index=status.picks_by_index(engine))
    return int(sql.rows(engine, select(func.count().label("n")).select_from(matching.subquery()))[0]["n"])


def table_page(
    engine: sql.Source, filters: Filters | None, start: int, size: int, lang: str = i18n.SOURCE_LANGUAGE
) -> pd.DataFrame:
    """Rows ``start`` to ``start + size`` of ``recommendation_table(engine, filters)``, in its order (the sources'
    date, then place in the source): the page's ids by LIMIT/OFFSET, the rule run for those alone."""
    matching = (filters or Filters()).matching(by_index=status.picks_by_index(engine))
    ordered = matching.order_by(S.c.date_start, R.c.source_id, R.c.position, R.c.id).limit(size).offset(start)
    ids = [r["id"] for r in sql.rows(engine, ordered)]
    if not ids:
        return recommendation_table(engine, ids=[])
    # the chosen addressees say which rows are asked of what they are part of: their filter (with the themes, as
    # they combine) selects every row of the page again, and nothing that takes the rule over every recommendation
    reach = None
    if filters is not None and filters.addressees:
        reach = Filters(themes=filters.themes, addressees=filters.addressees, combine=filters.combine)
    return recommendation_table(engine, reach, ids=ids, lang=lang)


@dataclass
class OverTime:
    """The status-over-time chart's counts and the trend's rows, from one statement (``over_time``)."""

    counts: pd.DataFrame  # year, status, count: ``headlines.counts_by_year`` without its labels
    trend_years: pd.DataFrame  # year, recommendation_id, status: ``year_end_statuses`` in the trend's two years


def over_time(engine: sql.Source, ids: list[str] | None, until: int | None = None) -> OverTime:
    """What the Overview reads of ``headlines.year_end_statuses`` (every recommendation and year: 85,000 rows at
    10,000 recommendations) without fetching it: the counts by year and status grouped in SQL, and the rows of
    the two years ``figures.trend`` compares, from one statement over the year-end verdicts (``status.year_ends``;
    a large selection's halves side by side, ``_parts``); a recommendation made by a year without a verdict then is
    not assessed, as there."""
    until = until or dt.date.today().year
    made = sql.frame(
        engine,
        select(R.c.id, S.c.date_start).join(S, S.c.id == R.c.source_id).where(sql.in_ids(R.c.id, ids)),
    )
    made["made"] = [dates.as_date(day).year for day in made["date_start"]]
    made = made[made["made"] <= until]
    if made.empty:
        return OverTime(pd.DataFrame(columns=["year", "status", "count"]), pd.DataFrame(columns=YEAR_END_COLUMNS))
    first = int(made["made"].min())
    start, end = max(first, until - TREND_YEARS), until  # figures.trend's two years
    first_part, *others = _parts(engine, ids, made)
    later = [sql.beside(_year_end_rows, engine, part, first, until, {start, end}) for part in others]
    rows = pd.concat([_year_end_rows(engine, first_part, first, until, {start, end}), *(f.result() for f in later)])
    # not assessed: the recommendations made by each year less those with a verdict then
    years = range(first, until + 1)
    made_by = pd.Series([int((made["made"] <= year).sum()) for year in years], index=list(years))
    assessed = rows[rows["part"] == "count"].groupby(["year", "status"])["count"].sum().reset_index()
    with_verdict = assessed.groupby("year")["count"].sum().reindex(list(years), fill_value=0)
    unassessed = pd.DataFrame(
        {"year": list(years), "status": Status.NOT_ASSESSED.value, "count": (made_by - with_verdict).to_numpy()}
    )
    counts = pd.concat([assessed[["year", "status", "count"]], unassessed], ignore_index=True)
    counts = counts[counts["count"] > 0].sort_values(["year", "status"]).reset_index(drop=True)
    wanted = pd.DataFrame(
        [(year, rec_id) for year in sorted({start, end}) for rec_id in made.loc[made["made"] <= year, "id"]],
        columns=["year", "recommendation_id"],
    )
    found = rows.loc[rows["part"] == "row", ["year", "recommendation_id", "status"]]
    trend = wanted.merge(found, on=["year", "recommendation_id"], how="left")
    trend["status"] = trend["status"].fillna(Status.NOT_ASSESSED.value)
    return OverTime(counts.astype({"year": int, "count": int}), trend[YEAR_END_COLUMNS])


YEAR_END_COLUMNS = ["year", "recommendation_id", "status"]
#: Recommendations in each half, at least, for ``over_time`` to work its halves out side by side.
SIDE_BY_SIDE_FROM = 2_000


def _parts(engine: sql.Source, ids: list[str] | None, made: pd.DataFrame) -> list[list[str] | None]:
    """The selections ``over_time`` runs its statement for: two halves of a large one, every other id each (ids
    in a row tend to share a source, and so their numbers of assessments), worked out side by side on an engine's
    own connections. The statement's window sorts are one core's work: at 10,000 recommendations on two cores,
    1.1 s whole and 0.6 s in halves, the status over time being the Overview's longest read. Each recommendation's
    rows come from one half only, so the counts add up and the rows join."""
    if not isinstance(engine, Engine) or len(made) < 2 * SIDE_BY_SIDE_FROM:
        return [ids]
    ordered = sorted(made["id"])
    return [ordered[0::2], ordered[1::2]]


def _year_end_rows(engine: sql.Source, ids: list[str] | None, first: int, until: int, years: set[int]) -> pd.DataFrame:
    """(part, year, recommendation_id, status, count): the counts by year and status ("count") and the verdicts
    of ``years`` ("row") of the recommendations ``ids``, from one statement over ``status.year_ends``."""
    verdicts = status.year_ends(ids, first, until).cte("year_end")
    text = String()
    statement = union_all(
        select(literal("count", text), verdicts.c.year, literal("", text), verdicts.c.status, func.count()).group_by(
            verdicts.c.year, verdicts.c.status
        ),
        select(
            literal("row", text), verdicts.c.year, verdicts.c.recommendation_id, verdicts.c.status, literal(1)
        ).where(verdicts.c.year.in_(sorted(years))),
    )
    rows = sql.frame(engine, statement)  # tuples, not a dict per row: 20,000 rows of the trend at 10,000
    rows.columns = ["part", "year", "recommendation_id", "status", "count"]
    return rows.astype({"year": int, "count": int})
