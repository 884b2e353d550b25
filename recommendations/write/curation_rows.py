"""One recommendation row of a document being added (issue 21), as ``curation_check`` checks it: its id, number,
themes and addressees (ids, names or acronyms, any case, ``;``-separated), its text quoted verbatim from the
document (THE verbatim rule: ``recommendations.verbatim``), and every problem of the row at once, each with its
row and column."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.tables import ACT, T
from recommendations import labels, verbatim
from recommendations.dataset.schema import RecommendationIn
from recommendations.i18n import N_
from recommendations.write.errors import FieldError, pydantic_errors

#: The columns of a recommendations sheet, in the templates' order, and the fields of one recommendation entered
#: by hand: THE list (themes and addressees: ids or acronyms separated by ";"; problems: one per line). ``id`` may
#: be added; without it ids are made from the source id and the number.
COLUMNS = ("number", "section", "lead_in", "text", "title", "themes", "addressees", "problems")


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _listed(value: str, separator: str) -> list[str]:
    return [part.strip() for part in value.split(separator) if part.strip()]


def _rows_number(row: Mapping[str, Any], index: int) -> int:
    given = row.get("row")
    return int(given) if isinstance(given, int) or (isinstance(given, str) and given.isdigit()) else index + 2


class Names:
    """Themes and actors by id, name or acronym (any case), read once per check; proposed actors count too."""

    def __init__(self, conn: Connection, proposed: Sequence[Mapping[str, Any]]) -> None:
        self.themes = {r.id: r.name for r in conn.execute(select(T.c.id, T.c.name))}
        self.actors = [(r.id, r.name, r.acronym) for r in conn.execute(select(ACT.c.id, ACT.c.name, ACT.c.acronym))]
        self.proposed: dict[str, str] = {}
        for actor in proposed:
            ident = proposed_id(actor)
            for name in (actor.get("acronym"), actor.get("name"), ident):
                if name:
                    self.proposed[str(name).strip().casefold()] = ident

    def theme(self, given: str) -> str | None:
        wanted = given.casefold()
        found = [i for i, name in self.themes.items() if wanted in (i.casefold(), name.casefold())]
        return found[0] if len(found) == 1 else None

    def actor(self, given: str) -> str | None:
        found = labels.actors_named(given, self.actors)
        if len(found) == 1:
            return found[0]
        return self.proposed.get(given.strip().casefold()) if not found else None


def proposed_id(actor: Mapping[str, Any]) -> str:
    """The id a proposed actor gets: its acronym (or name) in lower case with hyphens."""
    return _slug(str(actor.get("acronym") or actor.get("name") or ""))[:80] or "actor"


def check_row(
    index: int, row: Mapping[str, Any], source_id: str, full_text: str, names: Names, choices: Mapping[str, int]
) -> tuple[dict[str, Any], list[FieldError]]:
    """One recommendation row as it would be recorded, and all of its problems."""
    number = _rows_number(row, index)
    problems: list[FieldError] = []

    def problem(column: str, msgid: str, /, **named: Any) -> None:
        problems.append(FieldError(column, msgid, row=number, **named))

    values = {c: _cell(row, c) for c in (*COLUMNS, "id")}
    ident = values["id"] or (f"{source_id}-{_slug(values['number'])}" if values["number"] and source_id else "")
    if not values["id"] and not values["number"]:
        problem("number", N_("give the number as printed in the document (or an id column)"))
    rec: dict[str, Any] = {
        "id": ident,
        "number": values["number"] or None,
        "section": values["section"] or None,
        "lead_in": values["lead_in"] or None,
        "text": values["text"],
        "title": values["title"],
        "themes": [],
        "addressees": [],
        "problems": _listed(values["problems"], "\n"),
        "row": number,
    }
    for given in _listed(values["themes"], ";"):
        theme = names.theme(given)
        if theme is None:
            problem("themes", N_("no theme has the id or name {given}"), given=repr(given))
        elif theme not in rec["themes"]:
            rec["themes"].append(theme)
    for given in _listed(values["addressees"], ";"):
        actor = names.actor(given)
        if actor is None:
            problem("addressees", N_("no organisation or body has the id or acronym {given}"), given=repr(given))
        elif actor not in rec["addressees"]:
            rec["addressees"].append(actor)
    # the schema's rules on each field; a theme or addressee already refused above is not said to be missing too
    themes = rec["themes"] or (["x"] if values["themes"] else [])
    addressees = rec["addressees"] or (["x"] if values["addressees"] else [])
    fields = {k: v for k, v in rec.items() if k not in ("row", "themes", "addressees") and v is not None}
    try:
        RecommendationIn.model_validate(
            {**fields, "id": ident or "x", "themes": themes, "addressees": [{"actor": a} for a in addressees]}
        )
    except ValidationError as exc:
        for error in pydantic_errors(exc):
            column = error.field.split(".", 1)[0]
            problems.append(
                FieldError(column if column in COLUMNS or column == "id" else "row", error.said, row=number)
            )
    if rec["text"]:
        found = verbatim.occurrences(full_text, rec["text"])
        if not found:
            problem(
                "text",
                N_("not found verbatim in the document; the closest passage is: {passage}"),
                passage=verbatim.closest(full_text, rec["text"]),
            )
        elif len(found) > 1 and not (0 <= choices.get(ident, -1) < len(found)):
            problem("text", N_("occurs {n} times in the document: choose which"), n=len(found))
        else:
            rec["text_start"], rec["text_end"] = found[choices.get(ident, 0) if len(found) > 1 else 0]
    quoted = [("lead_in", rec["lead_in"]), ("section", rec["section"])] + [("problems", p) for p in rec["problems"]]
    for column, value in quoted:
        if value and not verbatim.occurrences(full_text, value):
            problem(
                column,
                N_("not found verbatim in the document; the closest passage is: {passage}"),
                passage=verbatim.closest(full_text, value),
            )
    return rec, problems
