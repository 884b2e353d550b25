"""How actors and the scope of a status are named: one wording for pages, exports and the brief.

An actor's *short* name is its acronym when it has one ("MoLVT"), for charts and narrow columns; its *full*
name spells it out with the acronym ("Ministry of Labour and Vocational Training (MoLVT)"), for choosers and
the brief. A status judged for one addressee says so ("as assessed for RGC"); one judged for the whole ask
says nothing, or "the whole ask" where a part must be named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from babel.lists import format_list
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from models.tables import ACT
from recommendations import i18n, sql

WHOLE_ASK = i18n.N_("the whole ask")  # an interface string: shown as t(WHOLE_ASK)


def short(name: str, acronym: object) -> str:
    """The acronym when the actor has one, else its name."""
    return str(acronym) if isinstance(acronym, str) and acronym.strip() else name


def full(name: str, acronym: object) -> str:
    """The name with its acronym: "Ministry of Labour and Vocational Training (MoLVT)"."""
    return f"{name} ({acronym})" if isinstance(acronym, str) and acronym.strip() and acronym != name else name


def chooser(name: str, acronym: object) -> str:
    """For a list one types into, the acronym first ("MoLVT · Ministry of Labour and Vocational Training"): typing
    an acronym then ranks its actor above those whose names merely contain it (NEA's name holds "(MoLVT)")."""
    return f"{acronym} · {name}" if isinstance(acronym, str) and acronym.strip() and acronym != name else name


def as_a_whole(parents: Sequence[str], *, joiner: str = "and", lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """How an ask selected through what a chosen actor is part of is marked: "asked of RGC as a whole" (in
    ``lang``; ``parents`` are labels in it). ``joiner`` "and" or "or" joins several: "asked of MoLVT and RGC"."""
    if not parents:
        return ""
    tr = i18n.translator(lang)
    if tr.lang == i18n.SOURCE_LANGUAGE:
        names = f" {joiner} ".join(parents)
    else:
        names = format_list(list(parents), style="or" if joiner == "or" else "standard", locale=tr.lang)
    return tr.t("asked of {names} as a whole", names=names)


def scope_words(label: str | None, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """How a status's scope reads: "as assessed for RGC", or "" for the whole ask (in ``lang``)."""
    return i18n.translator(lang).t("as assessed for {name}", name=label) if label else ""


def actors_named(given: str, actors: Iterable[tuple[str, str, object]]) -> list[str]:
    """The ids of the actors that ``given`` names, from (id, name, acronym) rows: the one whose id it is exactly;
    else, ignoring case and spaces at either end, every actor whose id or acronym it is ("MoLVT", "molvt" and
    "MOLVT" name the Ministry of Labour). More than one id: the caller asks which is meant."""
    rows = list(actors)
    if any(actor_id == given for actor_id, _, _ in rows):
        return [given]
    wanted = given.strip().casefold()
    return [
        actor_id
        for actor_id, _, acronym in rows
        if wanted and (actor_id.casefold() == wanted or (isinstance(acronym, str) and acronym.casefold() == wanted))
    ]


@dataclass(frozen=True)
class ActorNames:
    """Every actor's name, short name and full name, read once per request."""

    name: dict[str, str]
    label: dict[str, str]  # short
    full: dict[str, str]

    def scope(self, scope_id: object, lang: str = i18n.SOURCE_LANGUAGE) -> str:
        """ "as assessed for RGC" for a status judged for one addressee; "" for one judged for the whole ask."""
        return scope_words(self.label.get(scope_id, scope_id), lang) if isinstance(scope_id, str) else ""

    def part(self, scope_id: object) -> str:
        """The part of an ask a status judges: the addressee's name, or "the whole ask"."""
        return self.name.get(scope_id, scope_id) if isinstance(scope_id, str) else WHOLE_ASK


def actor_names(db: Engine | Connection, names: Mapping[str, str] | None = None) -> ActorNames:
    """Every actor's names; ``names`` gives some of them in the reader's language (``read.translations``), the
    acronyms staying as they are: "ក្រសួងការងារ និងបណ្តុះបណ្តាលវិជ្ជាជីវៈ (MoLVT)"."""
    rows = [
        {**r, "name": (names or {}).get(r["id"]) or r["name"]}
        for r in sql.rows(db, select(ACT.c.id, ACT.c.name, ACT.c.acronym))
    ]
    return ActorNames(
        name={r["id"]: r["name"] for r in rows},
        label={r["id"]: short(r["name"], r["acronym"]) for r in rows},
        full={r["id"]: full(r["name"], r["acronym"]) for r in rows},
    )
