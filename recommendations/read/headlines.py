"""What the Overview says: the headline figures and sentence, the status of recommendations year by year, by
theme, addressee and source, the known gaps, the choices of the shared filters, and how big everything is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.tables import ACT, AD, AUDIT, A, E, R, S, T
from recommendations import dates, hierarchy, i18n, labels, sql, status
from recommendations.numbers import whole_percent
from recommendations.read import detail, evidence, translations
from recommendations.vocabulary import (
    MOVING,
    RECOMMENDATION_KIND_LABELS,
    RESEARCH_STATES,
    STATUS_LABELS,
    UNDER_WAY,
    Status,
)

STATUS_ORDER = list(STATUS_LABELS)


def options(engine: Engine, lang: str = i18n.SOURCE_LANGUAGE) -> dict[str, list[tuple[str, str]]]:
    """(id, label) choices for the shared filters, labelled in ``lang`` (theme and actor names where the data has
    them, statuses, kinds and research states from the catalog; source titles are the documents' own)."""
    said = i18n.translator(lang)
    sources = sql.rows(engine, select(S.c.id, S.c.title, S.c.date).order_by(S.c.date_start, S.c.id))
    themes = sql.rows(engine, select(T.c.id, T.c.name).order_by(T.c.name))
    theme_names = translations.labels(engine, "theme", "name", lang)
    up = hierarchy.upward(None)  # an addressee, or part of one (a ministry, when asks go to the Government)
    actors = sql.rows(
        engine,
        select(ACT.c.id, ACT.c.name, ACT.c.acronym)
        .where(ACT.c.id.in_(select(up.c.actor_id).where(up.c.id.in_(select(AD.c.actor_id)))))
        .order_by(ACT.c.name, ACT.c.id),
    )
    names = translations.actor_names(engine, lang).name
    kinds = sql.rows(engine, select(R.c.kind).distinct().order_by(R.c.kind))
    theme_choices = [(r["id"], theme_names[r["id"]].text if r["id"] in theme_names else r["name"]) for r in themes]
    actor_choices = [(r["id"], labels.chooser(names.get(r["id"], r["name"]), r["acronym"])) for r in actors]
    if lang != i18n.SOURCE_LANGUAGE:  # in the order of the names shown
        theme_choices.sort(key=lambda choice: (choice[1], choice[0]))
        actor_choices.sort(key=lambda choice: (choice[1], choice[0]))
    return {
        "sources": [(r["id"], f"{r['date'][:4]} · {r['title']}") for r in sources],
        "themes": theme_choices,
        "addressees": actor_choices,
        "statuses": [(s, said.t(STATUS_LABELS[s])) for s in STATUS_ORDER],
        "kinds": [
            (r["kind"], said.t(RECOMMENDATION_KIND_LABELS.get(r["kind"], _kind_words(r["kind"])))) for r in kinds
        ],
        "research": [(state, said.t(label)) for state, label in RESEARCH_STATES.items()],
    }


def _kind_words(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


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


def headline_sentence(table: pd.DataFrame, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """What matters, in words: "Of 84 recommendations, none is assessed as implemented; 17 are partially
    implemented or in progress; 1 found no progress; 66 have not been assessed." Each clause is said whole in
    ``lang`` (none, one and many apart: "none is", "one is", "17 are")."""
    return sentence_of({str(k): int(v) for k, v in table["status"].value_counts().items()}, lang)


def sentence_of(count: Mapping[str, int], lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """``headline_sentence`` from the counts by status (``read.summary``: a GROUP BY, no table)."""
    tr = i18n.translator(lang)
    total = sum(count.values())
    if not total:
        return tr.t("No recommendation matches this selection.")
    implemented = int(count.get(Status.IMPLEMENTED, 0))
    moving = sum(int(count.get(s, 0)) for s in UNDER_WAY)
    stuck = int(count.get(Status.NO_PROGRESS, 0))
    gone = int(count.get(Status.NOT_APPLICABLE, 0))
    unknown = int(count.get(Status.NOT_ASSESSED, 0))

    if implemented == 0:
        parts = [tr.t("none is assessed as implemented")]
    elif implemented == 1:
        parts = [tr.t("one is assessed as implemented")]
    else:
        parts = [tr.plural("{n} is assessed as implemented", "{n} are assessed as implemented", implemented)]
    if moving == 0:
        parts.append(tr.t("none is partially implemented or in progress"))
    elif moving == 1:
        parts.append(tr.t("one is partially implemented or in progress"))
    else:
        parts.append(
            tr.plural(
                "{n} is partially implemented or in progress", "{n} are partially implemented or in progress", moving
            )
        )
    if stuck == 1:
        parts.append(tr.t("one was found to have made no progress"))
    elif stuck:
        parts.append(
            tr.plural("{n} was found to have made no progress", "{n} were found to have made no progress", stuck)
        )
    if gone == 1:
        parts.append(tr.t("one no longer applies"))
    elif gone:
        parts.append(tr.plural("{n} no longer applies", "{n} no longer apply", gone))
    if unknown == 1:
        parts.append(tr.t("one has not been assessed"))
    elif unknown:
        parts.append(tr.plural("{n} has not been assessed", "{n} have not been assessed", unknown))
    else:
        parts.append(tr.t("all are assessed"))
    return tr.plural(
        "Of {n} recommendation, {clauses}.", "Of {n} recommendations, {clauses}.", total, clauses="; ".join(parts)
    )


def disagreements(
    engine: Engine, lang: str = i18n.SOURCE_LANGUAGE, recommendations: list[str] | None = None
) -> pd.DataFrame:
    """Where assessors disagree (``read.detail.disagreements``: one row per recommendation and assessor), the short
    titles, the assessors' names and the status labels in ``lang`` (English where the data has no translation)."""
    frame = detail.disagreements(engine, recommendations)
    if lang == i18n.SOURCE_LANGUAGE or frame.empty:
        return frame
    english, named = labels.actor_names(engine).name, translations.actor_names(engine, lang).name
    by_name = {name: named.get(actor_id, name) for actor_id, name in english.items()}
    titles = translations.labels(engine, "recommendation", "title", lang, sorted(set(frame["recommendation_id"])))
    said = status_labels(lang)
    english_labels = {label: said[status] for status, label in STATUS_LABELS.items()}
    return frame.assign(
        title=[
            titles[i].text if i in titles else t
            for i, t in zip(frame["recommendation_id"], frame["title"], strict=True)
        ],
        assessor=frame["assessor"].map(lambda name: by_name.get(name, name)),
        status_label=frame["status_label"].map(lambda label: english_labels.get(label, label)),
    )


def evidence_count(engine: Engine, recommendations: list[str] | None = None) -> int:
    """Evidence items bearing on these recommendations (``read.evidence``: the one definition)."""
    return evidence.total(engine, recommendations)


def data_version(engine: Engine) -> int:
    """A number that grows with every write (the newest audit row: every write adds one, loads included).

    App servers compare it on each run and drop their cached pages when another server, or a load, wrote.
    """
    return int(sql.rows(engine, select(func.coalesce(func.max(AUDIT.c.id), 0).label("v")))[0]["v"])


def headline(table: pd.DataFrame) -> dict[str, float | int]:
    """Headline figures of a (filtered) recommendation table."""
    count = {str(k): int(v) for k, v in table["status"].value_counts().items()}
    return figures_of(count, int(table["source_id"].nunique()) if len(table) else 0)


def figures_of(count: Mapping[str, int], sources: int) -> dict[str, float | int]:
    """``headline`` from the counts by status and the number of sources (``read.summary``)."""
    total = sum(count.values())
    assessed = total - int(count.get(Status.NOT_ASSESSED, 0))
    moving = sum(int(count.get(s, 0)) for s in MOVING)
    return {
        "recommendations": total,
        "sources": sources,
        "assessed": assessed,
        "share_assessed": assessed / total if total else 0.0,
        "moving": moving,
        "share_moving": moving / total if total else 0.0,
        "implemented": int(count.get(Status.IMPLEMENTED, 0)),
    }


HISTORY_COLUMNS = [
    "id", "recommendation_id", "addressee_id", "addressee", "status", "status_label", "as_of", "as_of_start",
    "assessor_id", "assessor", "rationale", "recorded_by", "recorded_at", "visibility", "supersedes_id",
    "supersede_reason", "state", "superseded_by",
]  # fmt: skip


def year_end_statuses(engine: Engine, table: pd.DataFrame | None, until: int | None = None) -> pd.DataFrame:
    """(year, recommendation_id, status): each recommendation of ``table`` (its ``id`` column; None: every
    recommendation) with its overall status on 31 December of each year from the year it was made to ``until``
    (default this year).

    One statement (``status.year_ends``: each addressee's verdict worked out once per year an assessment takes
    effect, rule 4 per recommendation and year in SQL); the years without a verdict are not assessed. Asking the
    database once per year cost 11 s at 10,000 recommendations, and the rule applied in Python 3-6 s.
    """
    until = until or dt.date.today().year
    columns = ["year", "recommendation_id", "status"]
    ids = None if table is None else list(table["id"])
    made = sql.frame(
        engine,
        select(R.c.id, S.c.date_start).join(S, S.c.id == R.c.source_id).where(sql.in_ids(R.c.id, ids)).order_by(R.c.id),
    )
    made_in = np.array([dates.as_date(day).year for day in made["date_start"]], dtype=int)
    kept = made_in <= until
    if not kept.any():
        return pd.DataFrame(columns=columns)
    first, spans = made_in[kept], until - made_in[kept] + 1
    offsets = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
    out = pd.DataFrame(
        {"year": np.repeat(first, spans) + offsets, "recommendation_id": np.repeat(made["id"].to_numpy()[kept], spans)}
    )
    assessed = sql.frame(engine, status.year_ends(ids, int(first.min()), until))
    out = out.merge(assessed, on=["year", "recommendation_id"], how="left")
    out["status"] = out["status"].fillna(Status.NOT_ASSESSED.value)
    return out[columns]


def status_over_time(
    engine: Engine, table: pd.DataFrame, until: int | None = None, lang: str = i18n.SOURCE_LANGUAGE
) -> pd.DataFrame:
    """Counts by status of the recommendations made so far, as of 31 December of each year."""
    return counts_by_year(year_end_statuses(engine, table, until), lang)


def status_labels(lang: str = i18n.SOURCE_LANGUAGE) -> dict[str, str]:
    """Status -> its label in ``lang``, in the scale's order (the order of every chart's colours and columns)."""
    tr = i18n.translator(lang)
    return {status: tr.t(label) for status, label in STATUS_LABELS.items()}


def counts_by_year(per_year: pd.DataFrame, lang: str = i18n.SOURCE_LANGUAGE) -> pd.DataFrame:
    """Counts by status per year of a ``year_end_statuses`` frame (``status_label`` in ``lang``)."""
    if per_year.empty:
        return pd.DataFrame(columns=["year", "status", "status_label", "count"])
    out = per_year.groupby(["year", "status"]).size().reset_index(name="count")
    out["status_label"] = out["status"].map(status_labels(lang))
    return out


def status_by(table: pd.DataFrame, dimension: str, lang: str = i18n.SOURCE_LANGUAGE) -> pd.DataFrame:
    """Counts by status per theme, addressee or source (labels, not ids; ``status_label`` in ``lang``, the
    themes' and addressees' labels as the table has them).

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
        out["status_label"] = out["status"].map(status_labels(lang))
        return out
    elif dimension == "source":
        exploded = table.assign(source=table["year"].astype(str) + " · " + table["source_title"])
    else:
        raise ValueError(f"unknown dimension {dimension!r}")
    out = exploded.groupby([dimension, "status"]).size().reset_index(name="count")
    out["status_label"] = out["status"].map(status_labels(lang))
    return out


def status_table(
    frame: pd.DataFrame, index: str, *, shares: bool = False, lang: str = i18n.SOURCE_LANGUAGE
) -> pd.DataFrame:
    """The numbers behind a status chart: a row per ``index`` value, a column per status in the scale's order
    (never alphabetical), headed by its label in ``lang`` (the frame's labels are in it); counts, or with
    ``shares`` each row's shares as whole percentages (0 to 100)."""
    grid = frame.pivot_table(index=index, columns="status_label", values="count", aggfunc="sum", fill_value=0)
    grid = grid[[label for label in status_labels(lang).values() if label in grid.columns]]
    grid.columns.name = None
    if shares:
        totals = grid.sum(axis=1).replace(0, 1)
        grid = grid.div(totals, axis=0).map(whole_percent)
    return grid.astype(int)


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


def gaps_summary(gaps_frame: pd.DataFrame, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """The known gaps in one or two sentences (from a ``gaps`` frame), in ``lang``: how many documents, how many of
    them ASEAN Forums, and how many recommendations are missing where a public source gives the number."""
    tr = i18n.translator(lang)
    if gaps_frame.empty:
        return tr.t("No known gaps: the tracker holds the text of every recommendation its sources mention.")
    forums = gaps_frame[gaps_frame["kind"] == "afml"]
    others = len(gaps_frame) - len(forums)
    parts = []
    if len(forums):
        first, last = forums["date"].min()[:4], forums["date"].max()[:4]
        parts.append(
            tr.plural(
                "{n} ASEAN Forum on Migrant Labour (held {years})", "{n} ASEAN Forums on Migrant Labour ({years})",
                len(forums), years=first if first == last else f"{first}–{last}",
            )
        )  # fmt: skip
    if others:
        parts.append(tr.plural("{n} other document", "{n} other documents", others))
    counted = [int(v) for v in gaps_frame["missing"] if v is not None]
    n = len(gaps_frame)
    sentences = [
        tr.plural(
            "The tracker knows {n} source document whose recommendation texts it does not hold, in all or in part: "
            "{which}.",
            "The tracker knows {n} source documents whose recommendation texts it does not hold, in all or in part: "
            "{which}.",
            n,
            which=tr.join(parts),
        )
    ]
    named = {
        "counted": tr.number(len(counted)),
        "missing": tr.number(sum(counted)),
        "rest": tr.number(n - len(counted)),
    }
    if counted and n > len(counted):
        sentences.append(
            tr.t(
                "Public sources give the number missing for {counted} of them ({missing} recommendations); for the "
                "other {rest} it is not known.",
                **named,
            )
        )
    elif counted:
        sentences.append(
            tr.t("Public sources give the number missing for {counted} of them ({missing} recommendations).", **named)
        )
    else:
        sentences.append(tr.t("No public source read gives how many recommendations they hold."))
    return " ".join(sentences)
