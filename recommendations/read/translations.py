"""Curated texts in the reader's language: the one read of a translated label (a theme's name, an actor's name, a
glossary expansion, a short title), with English where no translation exists yet and whether it awaits review.

Pages, the brief and the exports ask here; none of them joins the ``translation`` table itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, and_, select

from models.tables import ACT, TR, G, R, T
from recommendations import i18n, sql
from recommendations import labels as actor_labels
from recommendations.i18n import N_

#: Entity -> (its table, its key column): where the English text of a translated field lives.
_SOURCE: dict[str, tuple[Table, str]] = {
    "theme": (T, "id"),
    "actor": (ACT, "id"),
    "glossary": (G, "term"),
    "recommendation": (R, "id"),
}
#: What is translated: entity -> its translated fields (the ``translations:`` models of dataset/translations.py).
FIELDS: dict[str, tuple[str, ...]] = {
    "theme": ("name", "description"),
    "actor": ("name",),
    "glossary": ("expansion", "note"),
    "recommendation": ("title",),
}
#: How the Sources page names each translated field (interface strings, translated where shown).
FIELD_LABELS: dict[tuple[str, str], str] = {
    ("theme", "name"): N_("Theme names"),
    ("theme", "description"): N_("Theme descriptions"),
    ("actor", "name"): N_("Names of actors"),
    ("glossary", "expansion"): N_("Glossary: what the terms stand for"),
    ("glossary", "note"): N_("Glossary: notes"),
    ("recommendation", "title"): N_("Short titles of recommendations"),
}


@dataclass(frozen=True)
class Label:
    """A curated text as shown: the text, the language it is in, and whether a speaker has reviewed it."""

    text: str
    lang: str  # the language asked for, or English where there is no translation
    reviewed: bool  # English, the original, counts as reviewed

    @property
    def awaits_review(self) -> bool:
        """A translation nobody who speaks the language has checked yet (the page says so)."""
        return not self.reviewed


def labels(
    engine: sql.Source, entity: str, field_name: str, lang: str, ids: Sequence[str] | None = None
) -> dict[str, Label]:
    """Record id -> its ``field_name`` in ``lang`` (``labels(engine, "theme", "name", "km")``), English where the
    record has no translation into ``lang``; only the records ``ids`` names when given. KeyError for an entity or
    field that is not translated."""
    table, key = _SOURCE[entity]
    english = table.c[field_name]
    wanted = sql.in_ids(table.c[key], None if ids is None else list(ids))
    if lang == i18n.SOURCE_LANGUAGE:
        statement = select(table.c[key].label("id"), english.label("english")).where(wanted)
        return {r["id"]: Label(r["english"], lang, True) for r in sql.rows(engine, statement) if r["english"]}
    joined = and_(
        TR.c.entity == entity, TR.c.record_id == table.c[key], TR.c.field_name == field_name, TR.c.lang == lang
    )
    statement = (
        select(table.c[key].label("id"), english.label("english"), TR.c.value, TR.c.reviewed)
        .select_from(table.outerjoin(TR, joined))
        .where(wanted)
    )
    out = {}
    for r in sql.rows(engine, statement):
        if r["value"]:
            out[r["id"]] = Label(r["value"], lang, bool(r["reviewed"]))
        elif r["english"]:
            out[r["id"]] = Label(r["english"], i18n.SOURCE_LANGUAGE, True)
    return out


def actor_names(engine: sql.Source, lang: str = i18n.SOURCE_LANGUAGE) -> actor_labels.ActorNames:
    """Every actor's name, short name and full name in ``lang`` (English where not translated; acronyms stay)."""
    if lang == i18n.SOURCE_LANGUAGE:
        return actor_labels.actor_names(engine)
    names = {actor_id: label.text for actor_id, label in labels(engine, "actor", "name", lang).items()}
    return actor_labels.actor_names(engine, names)


def awaiting_review(found: dict[str, Label], ids: Iterable[str]) -> bool:
    """Whether any of ``ids`` is shown in a translation that awaits review (the page then says so)."""
    return any(found[i].awaits_review for i in ids if i in found)


@dataclass(frozen=True)
class Coverage:
    """How much of one kind of curated text is translated into a language, and how much of that is reviewed."""

    entity: str
    field_name: str
    records: int
    translated: int
    reviewed: int


def coverage(engine: sql.Source, lang: str) -> list[Coverage]:
    """For the Sources page: per translated field, how many records have it in ``lang``, and how many reviewed."""
    out = []
    for entity, fields in FIELDS.items():
        for field_name in fields:
            found = labels(engine, entity, field_name, lang)
            translated = [label for label in found.values() if label.lang == lang]
            out.append(
                Coverage(entity, field_name, len(found), len(translated), sum(lab.reviewed for lab in translated))
            )
    return out
