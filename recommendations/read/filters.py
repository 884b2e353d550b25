"""The filters every page shares: what they are, how they sit in the address bar, how they read in words, and
which recommendations they select, in SQL (a filter is a WHERE, never a pass over a whole table in pandas)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from models.tables import AD, RT, TR, R, S
from recommendations import hierarchy, i18n, sql, status
from recommendations.i18n import N_
from recommendations.read import history
from recommendations.read.selection import COMBINE_MODES, EITHER, OVERLAP, describe_selection

#: Address-bar parameter -> (field, holds a list)
PARAMS: dict[str, tuple[str, bool]] = {
    "source": ("sources", True),
    "theme": ("themes", True),
    "addressee": ("addressees", True),
    "status": ("statuses", True),
    "kind": ("kinds", True),
    "research": ("research", True),
    "from": ("year_from", False),
    "to": ("year_to", False),
    "q": ("text", False),
    "combine": ("combine", False),  # how themes and addressees combine: overlap (the default) or either
}
#: Field -> how the words say it ("status: Open"); themes and addressees are said by ``describe_selection``.
WORDS = {
    "statuses": N_("status: {values}"),
    "sources": N_("source: {values}"),
    "kinds": N_("kind: {values}"),
    "research": N_("research: {values}"),
}
MAX_TEXT = 200


class BadParameter(ValueError):
    """A query parameter a client must be told about (the API answers 400 naming it)."""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter}: {problem}")
        self.parameter = parameter
        self.problem = problem


@dataclass
class Filters:
    """The filters shared by every page (and by exports of "the filtered set")."""

    sources: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    themes: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    research: list[str] = field(default_factory=list)  # research states (vocabulary.RESEARCH_STATES)
    text: str = ""
    combine: str = OVERLAP  # themes and addressees: "overlap" (both) or "either"; alone it selects nothing

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self) if f.name != "combine")

    # --- the address bar ------------------------------------------------------------------------------

    @classmethod
    def from_params(cls, params: Mapping[str, list[str]], valid: Mapping[str, set[str]]) -> Filters:
        """Filters from query parameters; unknown values, non-numbers and over-long text are dropped."""
        filters = cls()
        for param, (name, many) in PARAMS.items():
            values = params.get(param) or []
            if many:
                setattr(filters, name, [v for v in values if v in valid.get(name, set())])
            elif values:
                if name == "combine":
                    filters.combine = values[-1] if values[-1] in COMBINE_MODES else OVERLAP
                elif name == "text":
                    filters.text = values[-1].strip()[:MAX_TEXT]
                elif values[-1].isdigit() and len(values[-1]) == 4:
                    setattr(filters, name, int(values[-1]))
        return filters

    @classmethod
    def strict(cls, params: Mapping[str, list[str]], valid: Mapping[str, set[str]]) -> Filters:
        """``from_params`` for a client that must be told what was wrong (the API): every value given must be
        kept as given, else BadParameter names the parameter. Empty values count as not given."""
        filters = cls.from_params(params, valid)
        kept = filters.to_params()
        for param, (_name, many) in PARAMS.items():
            given = [v for v in params.get(param) or [] if v.strip()]
            if not given:
                continue
            if not many and len(given) > 1:
                raise BadParameter(param, "give it once")
            for value in given:
                if value in kept.get(param, []) if many else kept.get(param) == value.strip():
                    continue
                if param == "q":
                    raise BadParameter(param, f"at most {MAX_TEXT} characters")
                if not many:
                    raise BadParameter(param, "a year of four digits, like 2016")
                raise BadParameter(param, f"{value[:80]!r} is not one of the known values")
        return filters

    def to_params(self) -> dict[str, list[str] | str]:
        out: dict[str, list[str] | str] = {}
        for param, (name, many) in PARAMS.items():
            value = getattr(self, name)
            if many and value:
                out[param] = list(value)
            elif not many and value not in (None, "", OVERLAP):
                out[param] = str(value)
        return out

    # --- words ----------------------------------------------------------------------------------------

    def words(
        self, labels: Mapping[str, Mapping[str, str]], wider: Sequence[str] = (), lang: str = i18n.SOURCE_LANGUAGE
    ) -> str:
        """The active filters in words ("Filtered by: On Recruitment and fees, asked of anyone; years 2016–…."),
        with each id's label from ``labels`` (field -> id -> label, already in ``lang``) and ``wider`` the labels
        of what the chosen addressees are part of; in ``lang``, each filter a clause of its own. Plain text: the
        caller escapes it for Markdown."""
        said = i18n.translator(lang)
        if self.is_empty():
            return said.t("All recommendations (no filters).")
        parts = []
        if self.themes or self.addressees:
            selection = describe_selection(
                themes=[labels.get("themes", {}).get(v, v) for v in self.themes],
                addressees=[labels.get("addressees", {}).get(v, v) for v in self.addressees],
                wider=wider,
                combine=self.combine,
                lang=lang,
            )
            parts.append(selection.rstrip(".\u17d4"))  # a clause here, without its full stop (Khmer: ។)
        for name, clause in WORDS.items():
            values = getattr(self, name)
            if values:
                parts.append(said.t(clause, values=", ".join(labels.get(name, {}).get(v, v) for v in values)))
        if self.year_from or self.year_to:
            parts.append(said.t("years {start}–{end}", start=self.year_from or "…", end=self.year_to or "…"))
        if self.text:
            parts.append(said.t("text contains “{text}”", text=self.text))
        return said.t("Filtered by: {filters}.", filters="; ".join(parts))

    # --- SQL ------------------------------------------------------------------------------------------

    def matching(self, as_of: dt.date | None = None, *, by_index: bool) -> Select[*tuple[Any, ...]]:
        """SELECT the ids of the recommendations these filters select (statuses as of ``as_of``; ``by_index``: as
        ``status.per_addressee``'s)."""
        conditions = []
        if self.sources:
            conditions.append(sql.in_ids(R.c.source_id, self.sources))
        if self.year_from is not None:
            conditions.append(S.c.date_start >= dt.date(self.year_from, 1, 1))
        if self.year_to is not None:
            conditions.append(S.c.date_start <= dt.date(self.year_to, 12, 31))
        chosen = []
        if self.themes:
            chosen.append(exists().where(RT.c.recommendation_id == R.c.id, sql.in_ids(RT.c.theme_id, self.themes)))
        if self.addressees:  # an actor chosen, or anything it is part of (hierarchy): asked of the Government too
            asked = AD.c.actor_id.in_(select(hierarchy.upward(self.addressees).c.id))
            chosen.append(exists().where(AD.c.recommendation_id == R.c.id, asked))
        if len(chosen) == 2 and self.combine == EITHER:
            conditions.append(or_(*chosen))
        else:
            conditions += chosen
        if self.kinds:
            conditions.append(sql.in_ids(R.c.kind, self.kinds))
        if self.text.strip():
            conditions.append(words_match(self.text))
        statement = select(R.c.id).join(S, S.c.id == R.c.source_id)
        if self.statuses or self.research:
            verdict = status.overall(as_of, by_index=by_index).subquery("verdict")
            statement = statement.join(verdict, verdict.c.recommendation_id == R.c.id)
            if self.statuses:
                conditions.append(sql.in_ids(verdict.c.status, self.statuses))
            if self.research:
                conditions.append(sql.in_ids(history.research_state_sql(verdict.c.status, R.c.id), self.research))
        return statement.where(and_(*conditions)) if conditions else statement

    def ids(self, db: sql.Source, as_of: dt.date | None = None) -> list[str] | None:
        """The selected recommendation ids (None: no filter, every recommendation)."""
        if self.is_empty():
            return None
        return [r["id"] for r in sql.rows(db, self.matching(as_of, by_index=status.picks_by_index(db)))]


def words_match(text: str) -> ColumnElement[bool]:
    """The search words: in the recommendation's own text, lead-in, short title or id, or in a translation of its
    short title, of one of its themes' names or of one of its addressees' names (any language the data has: a
    Khmer search finds the asks whose Khmer title, theme or ministry holds it). ``sql.contains`` compares."""

    def translated(entity: str, field_name: str, record_id: ColumnElement[Any]) -> ColumnElement[bool]:
        return exists().where(
            TR.c.entity == entity,
            TR.c.field_name == field_name,
            TR.c.record_id == record_id,
            sql.contains(TR.c.value, text),
        )

    return or_(
        *(sql.contains(column, text) for column in (R.c.title, R.c.text, R.c.lead_in, R.c.id)),
        translated("recommendation", "title", R.c.id),
        exists().where(RT.c.recommendation_id == R.c.id, translated("theme", "name", RT.c.theme_id)),
        exists().where(AD.c.recommendation_id == R.c.id, translated("actor", "name", AD.c.actor_id)),
    )
