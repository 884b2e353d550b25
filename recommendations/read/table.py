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
from recommendations import dates, hierarchy, i18n, labels, sql, status
from recommendations.read import evidence, history, translations
from recommendations.read.filters import Filters
from recommendations.read.history import none_for_null
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


#: Columns that hold None where there is nothing (never NaN: NaN is truthy, so pages could not test them).
NULLABLE_COLUMNS = [
    "number", "section", "lead_in", "status_date", "status_assessor", "last_evidence_date", "last_searched_on",
]  # fmt: skip


def recommendation_table(
    engine: sql.Source,
    filters: Filters | None = None,
    *,
    as_of: dt.date | None = None,
    ids: Sequence[str] | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
) -> pd.DataFrame:
    """``recommendation_rows`` as a frame, for the pages and exports that filter, sort and show it."""
    rows = recommendation_rows(engine, filters, as_of=as_of, ids=ids, lang=lang)
    if not rows:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    return none_for_null(pd.DataFrame(rows, columns=TABLE_COLUMNS), NULLABLE_COLUMNS)


def recommendation_rows(
    engine: sql.Source,
    filters: Filters | None = None,
    *,
    as_of: dt.date | None = None,
    ids: Sequence[str] | None = None,
    lang: str = i18n.SOURCE_LANGUAGE,
) -> list[dict[str, Any]]:
    """One row per recommendation (``TABLE_COLUMNS``) with its overall status and its status for each addressee;
    the filtered set, in the order of the sources. Plain records, built without a frame: the API makes its records
    from them, and building a frame column by column cost a page of 100 about 17 of its 46 ms.

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
    base = sql.rows(
        engine,
        select(
            R.c.id, R.c.source_id, S.c.title.label("source_title"), S.c.date.label("source_date"), S.c.date_start,
            S.c.organisers, S.c.kind.label("source_kind"), R.c.number, R.c.section, R.c.kind, R.c.title, R.c.lead_in,
            R.c.text,
        )
        .join(S, S.c.id == R.c.source_id)
        .where(sql.in_ids(R.c.id, wanted))
        .order_by(S.c.date_start, R.c.source_id, R.c.position),
    )  # fmt: skip
    if not base:
        return []
    actors = translations.labels(engine, "actor", "name", lang)
    names = labels.actor_names(engine, {actor_id: label.text for actor_id, label in actors.items()})
    said = i18n.translator(lang)
    titles = translations.labels(engine, "recommendation", "title", lang, [row["id"] for row in base])
    verdicts = status.statuses(engine, as_of, wanted)
    themes: dict[str, list[tuple[str, str]]] = {}
    theme_names = translations.labels(engine, "theme", "name", lang)
    for row in sql.rows(
        engine,
        select(RT.c.recommendation_id, T.c.id.label("theme_id"), T.c.name)
        .join(T, T.c.id == RT.c.theme_id)
        .where(sql.in_ids(RT.c.recommendation_id, wanted))
        .order_by(RT.c.recommendation_id, T.c.name),
    ):
        shown = theme_names[row["theme_id"]].text if row["theme_id"] in theme_names else row["name"]
        themes.setdefault(row["recommendation_id"], []).append((row["theme_id"], shown))
    bearing = evidence.counts(engine, wanted)
    searched = history.searches(engine, wanted)
    # chosen addressees take in what they are part of: say so on each ask selected only that way
    reach = hierarchy.reach(engine, filters.addressees if filters is not None else [])
    out = []
    for row in base:
        rec_id = row["id"]
        overall = verdicts.overall(rec_id)
        items = verdicts.addressees(rec_id)
        addressees = [_addressee_record(a, names, said.lang) for a in items]
        addressee_ids = [a["id"] for a in addressees]
        theme_ids = [theme_id for theme_id, _ in themes.get(rec_id, [])]
        year = dates.as_date(row["date_start"]).year
        current = overall.status if overall else Status.NOT_ASSESSED.value
        found = bearing.get(rec_id)
        research = history.research_state(current, rec_id in searched, searched.get(rec_id, ("", False))[1])
        organisers = ", ".join(names.label.get(i, i) for i in row["organisers"] or [])
        out.append(
            {
                **{k: row[k] for k in ("id", "source_id", "source_title", "source_date")},
                "year": year,
                **{k: row[k] for k in ("number", "section", "kind")},
                "title": titles[rec_id].text if rec_id in titles else row["title"],
                "lead_in": row["lead_in"],
                "text": row["text"],
                "addressees": "; ".join(
                    said.t("{name} (inferred)", name=a["name"]) if a["inferred"] else a["name"] for a in addressees
                ),
                "addressee_ids": addressee_ids,
                "addressee_labels": ", ".join(a["label"] for a in addressees),
                "addressee_statuses": addressees,
                "themes": "; ".join(name for _, name in themes.get(rec_id, [])),
                "theme_ids": theme_ids,
                "status": current,
                "status_label": STATUS_LABELS[current],
                "status_date": overall.as_of if overall else None,
                "status_assessor": names.name.get(overall.assessor_id) if overall and overall.assessor_id else None,
                # "as assessed for RGC" matters only where the ask has other addressees this status does not cover
                "status_scope": names.scope(overall.scope_id, said.lang) if overall and len(items) > 1 else "",
                "evidence_count": found[0] if found else 0,
                "last_evidence_date": found[1] if found else None,
                "source_short": f"{year} · {organisers or '—'} · {said.t(SOURCE_KIND_SHORT[row['source_kind']])}",
                "research_state": research,
                "research_label": RESEARCH_STATES[research],
                "last_searched_on": searched[rec_id][0] if rec_id in searched else None,
                "asked_as_a_whole": reach.note(addressee_ids, said.lang),
                "awaits_review": (  # English, the original, never awaits review
                    translations.awaiting_review(titles, [rec_id])
                    or translations.awaiting_review(theme_names, theme_ids)
                    or translations.awaiting_review(actors, addressee_ids)
                ),
            }
        )
    return out


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
