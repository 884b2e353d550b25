"""The recommendation table: one row per recommendation with its source, addressees (each with its own status),
themes, overall status, evidence and research state, for the filtered set. Pages, exports and the API read it.

The statuses come from one computation per call (``status.statuses``: each addressee's status, and the overall
status from those); the filters select in SQL before anything is built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select

from models.tables import RT, R, S, T
from recommendations import hierarchy, i18n, labels, sql, status
from recommendations.read import evidence, history, translations
from recommendations.read.filters import Filters
from recommendations.read.history import as_list, none_for_null
from recommendations.vocabulary import RESEARCH_STATES, SOURCE_KIND_SHORT, STATUS_LABELS, Status

TABLE_COLUMNS = [
    "id", "source_id", "source_title", "source_date", "year", "number", "section", "kind", "title", "lead_in",
    "text", "addressees", "addressee_ids", "addressee_labels", "addressee_statuses", "themes", "theme_ids",
    "status", "status_label", "status_date", "status_assessor", "status_scope", "evidence_count",
    "last_evidence_date", "source_short", "research_state", "research_label", "last_searched_on",
    "asked_as_a_whole", "awaits_review",
]  # fmt: skip
ADDRESSEE_STATUS_COLUMNS = [
    "recommendation_id", "id", "name", "label", "role", "inferred", "status", "status_label", "status_date",
    "assessor", "scope",
]  # fmt: skip


def recommendation_table(
    engine: sql.Source,
    filters: Filters | None = None,
    *,
    as_of: dt.date | None = None,
    ids: Sequence[str] | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """One row per recommendation with its overall status and its status for each addressee; the filtered set.

    ``lang``: the short titles, theme names and actor names in that language where the data has them (English
    otherwise; acronyms stay); ``awaits_review`` is True on a row that shows a translation nobody has reviewed.
    Statuses and research states stay keys with English labels: the page translates those interface strings.

    ``asked_as_a_whole``: "asked of RGC as a whole" on a row selected because it is asked of what a chosen
    addressee is part of (``recommendations.hierarchy``), "" otherwise.

    ``ids`` limits every query to those recommendations (one detail page need not work out all 50,000).
    """
    wanted = list(ids) if ids is not None else None
    if filters is not None and not filters.is_empty():
        matching = set(filters.ids(engine, as_of) or [])
        wanted = sorted(matching if wanted is None else matching & set(wanted))
    base = sql.frame(
        engine,
        select(
            R.c.id, R.c.source_id, S.c.title.label("source_title"), S.c.date.label("source_date"), S.c.date_start,
            S.c.organisers, S.c.kind.label("source_kind"), R.c.position, R.c.number, R.c.section, R.c.kind,
            R.c.title, R.c.lead_in, R.c.text,
        )
        .join(S, S.c.id == R.c.source_id)
        .where(sql.in_ids(R.c.id, wanted))
        .order_by(S.c.date_start, R.c.source_id, R.c.position),
    )  # fmt: skip
    if base.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    actors = translations.labels(engine, "actor", "name", lang)
    names = labels.actor_names(engine, {actor_id: label.text for actor_id, label in actors.items()})
    said = i18n.translator(lang)
    titles = translations.labels(engine, "recommendation", "title", lang, list(base["id"]))
    base["title"] = [titles[i].text if i in titles else t for i, t in zip(base["id"], base["title"], strict=True)]
    verdicts = status.statuses(engine, as_of, wanted)
    overall = [verdicts.overall(i) for i in base["id"]]
    base["status"] = [v.status if v else Status.NOT_ASSESSED.value for v in overall]
    base["status_date"] = [v.as_of if v else None for v in overall]
    base["status_assessor"] = [names.name.get(v.assessor_id) if v and v.assessor_id else None for v in overall]
    base["year"] = pd.to_datetime(base["date_start"]).dt.year
    base["source_short"] = _short_source_labels(base, names, said)
    per_row: list[Any] = [  # a list of addressee records in each cell
        [_addressee_record(a, names, said.lang) for a in verdicts.addressees(rec_id)] for rec_id in base["id"]
    ]
    base["addressee_statuses"] = per_row
    # "as assessed for RGC" matters only where the ask has other addressees that this status does not cover
    base["status_scope"] = [
        names.scope(v.scope_id, said.lang) if v and len(verdicts.addressees(rec_id)) > 1 else ""
        for v, rec_id in zip(overall, base["id"], strict=True)
    ]
    base["addressee_ids"] = base["addressee_statuses"].apply(lambda items: [a["id"] for a in items])
    base["addressees"] = base["addressee_statuses"].apply(
        lambda items: "; ".join(
            said.t("{name} (inferred)", name=a["name"]) if a["inferred"] else a["name"] for a in items
        )
    )
    base["addressee_labels"] = base["addressee_statuses"].apply(lambda items: ", ".join(a["label"] for a in items))
    themes = sql.frame(
        engine,
        select(RT.c.recommendation_id, T.c.id.label("theme_id"), T.c.name)
        .join(T, T.c.id == RT.c.theme_id)
        .where(sql.in_ids(RT.c.recommendation_id, wanted))
        .order_by(RT.c.recommendation_id, T.c.name),
    )
    theme_names = translations.labels(engine, "theme", "name", lang)
    themes["name"] = [
        theme_names[i].text if i in theme_names else n for i, n in zip(themes["theme_id"], themes["name"], strict=True)
    ]
    by_theme = themes.groupby("recommendation_id")
    base["theme_ids"] = base["id"].map(by_theme["theme_id"].agg(list)).apply(as_list)
    base["themes"] = base["id"].map(by_theme["name"].agg("; ".join)).fillna("")
    bearing = evidence.counts(engine, wanted).set_index("recommendation_id")
    base["evidence_count"] = base["id"].map(bearing["evidence_count"]).fillna(0).astype(int)
    base["last_evidence_date"] = base["id"].map(bearing["last_date"])
    base["status_label"] = base["status"].map(STATUS_LABELS)
    searched = history.searches(engine, wanted)
    base["last_searched_on"] = pd.Series(
        [searched[i][0] if i in searched else None for i in base["id"]], index=base.index, dtype=object
    )
    base["research_state"] = [
        history.research_state(s, i in searched, searched.get(i, ("", False))[1])
        for s, i in zip(base["status"], base["id"], strict=True)
    ]
    base["research_label"] = base["research_state"].map(RESEARCH_STATES)
    # chosen addressees take in what they are part of: say so on each ask selected only that way
    reach = hierarchy.reach(engine, filters.addressees if filters is not None else [])
    base["asked_as_a_whole"] = base["addressee_ids"].map(lambda ids: reach.note(ids, said.lang))
    base["awaits_review"] = [  # English, the original, never awaits review
        translations.awaiting_review(titles, [i])
        or translations.awaiting_review(theme_names, theme_ids)
        or translations.awaiting_review(actors, actor_ids)
        for i, theme_ids, actor_ids in zip(base["id"], base["theme_ids"], base["addressee_ids"], strict=True)
    ]
    base = none_for_null(base, ["number", "section", "lead_in", "status_date", "status_assessor", "last_evidence_date"])
    return base[TABLE_COLUMNS].reset_index(drop=True)


def _addressee_record(
    item: status.AddresseeStatus, names: labels.ActorNames, lang: str = i18n.SOURCE_LANGUAGE
) -> dict[str, Any]:
    return {
        "id": item.actor_id,
        "name": names.name.get(item.actor_id, item.actor_id),
        "label": names.label.get(item.actor_id, item.actor_id),
        "role": item.role,
        "inferred": item.inferred,
        "status": item.status,
        "status_label": STATUS_LABELS[item.status],
        "status_date": item.as_of,
        "assessor": names.name.get(item.assessor_id) if item.assessor_id else None,
        "scope": names.scope(item.scope_id, lang),
    }


def addressee_statuses(
    engine: sql.Source, recommendations: list[str] | None = None, *, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Each recommendation's status for each of its addressees (the rule's per-addressee answer), a row each.

    ``scope`` says whether the status was judged for this addressee ("as assessed for RGC") or for the
    whole ask ("").
    """
    names = labels.actor_names(engine)
    verdicts = status.statuses(engine, as_of, recommendations)
    rows = [
        {"recommendation_id": rec_id, **_addressee_record(item, names)}
        for rec_id, items in verdicts.by_recommendation.items()
        for item in items
    ]
    return pd.DataFrame(rows, columns=ADDRESSEE_STATUS_COLUMNS)


def _short_source_labels(table: pd.DataFrame, names: labels.ActorNames, said: i18n.Translator) -> pd.Series:
    """ "2016 · MMN, CWCC · CSO consultation": enough to tell sources apart in a narrow column."""
    organisers = table["organisers"].apply(lambda ids: ", ".join(names.label.get(i, i) for i in ids or []))
    kinds = table["source_kind"].map(lambda kind: said.t(SOURCE_KIND_SHORT[kind]))
    return table["year"].astype(str) + " · " + organisers.where(organisers != "", "—") + " · " + kinds
