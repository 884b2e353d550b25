"""Checking a source document before it is recorded (issue 21): its metadata as the YAML schema says, each of its
recommendations quoted verbatim from its text (THE verbatim rule, ``recommendations.verbatim``), their numbers
and ids, themes and addressees, the curator's links, and that a known gap is not filled twice.

Nothing here writes. ``check_document`` answers every problem at once, each beside its row and column (a
``FieldError`` with ``row``: the sheet's row, the header being row 1), the way ``bulk`` reports an upload.
``write.curation`` records and publishes what passed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from models.tables import ACT, DRAFTS, R, S
from recommendations import labels, text, verbatim
from recommendations.dataset.schema import ActorIn, LinkIn, SourceIn
from recommendations.i18n import N_
from recommendations.vocabulary import ActorType
from recommendations.write.accounts import LOOKS_THE_SAME, TAKEN_ID, look_alike
from recommendations.write.curation_chain import own_chain, pending, published_ids, published_of, same_document
from recommendations.write.curation_rows import Names, check_row, proposed_id
from recommendations.write.errors import FieldError, pydantic_errors

#: The longest document text kept (characters): a 2,000-page PDF holds about this much.
MAX_TEXT = 10_000_000
_META_DROPPED = ("recommendations", "text_path")


@dataclass
class Checked:
    """What ``check_document`` found: the document as it would be recorded, and every problem."""

    source_id: str
    fills_gap: bool
    source: dict[str, Any]  # the metadata in the data/sources/*.yaml format, without recommendations or text_path
    full_text: str
    recommendations: list[dict[str, Any]]  # id, number, section, lead_in, text, title, themes, addressees, ...
    links: list[dict[str, Any]] = field(default_factory=list)
    dismissed: list[dict[str, Any]] = field(default_factory=list)
    proposed_actors: list[dict[str, Any]] = field(default_factory=list)
    problems: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _clean_text(value: str, problems: list[FieldError], field_name: str) -> str:
    try:
        return text.clean(value, limit=MAX_TEXT)
    except text.TextProblem as exc:
        problems.append(FieldError(field_name, str(exc)))
        return ""


def _source_meta(
    conn: Connection, source: Mapping[str, Any], fills: str | None, own: set[str], problems: list[FieldError]
) -> tuple[str, dict[str, Any]]:
    """The document's id and metadata (for a gap: the known source's, with the language given)."""
    if fills:
        row = conn.execute(select(S).where(S.c.id == fills)).first()
        if row is None:
            problems.append(FieldError("fills", N_("no known source has the id {id}"), id=repr(fills)))
            return fills, {"id": fills}
        meta = {k: v for k, v in row._mapping.items() if k in SourceIn.model_fields and k not in _META_DROPPED}
        meta = {k: v for k, v in meta.items() if v not in (None, [])}
        if source.get("language"):
            meta["language"] = source["language"]
        recorded = conn.execute(select(func.count()).select_from(R).where(R.c.source_id == fills)).scalar_one()
        expected = row.expected_recommendations
        full = (expected is not None and recorded >= expected) or (expected is None and recorded > 0)
        if full and not published_of(conn, own, fills):
            problems.append(
                FieldError(
                    "fills", N_("{id} is not a gap: it already holds its {n} recommendations"), id=fills, n=recorded
                )
            )
        elif (
            not published_of(conn, own, fills)
            and conn.execute(select(R.c.id).where(R.c.source_id == fills, R.c.origin == "app").limit(1)).first()
        ):
            problems.append(
                FieldError(
                    "fills",
                    N_("{id} was partly filled by a document added in the app: only a new version of it adds more"),
                    id=fills,
                )
            )
        _language(meta, problems)
        return fills, meta
    values = {k: v for k, v in source.items() if k not in _META_DROPPED and v not in (None, "", [])}
    for name in _META_DROPPED:
        if source.get(name):
            problems.append(
                FieldError(name, N_("{field} is not given here: the text and the recommendations are"), field=name)
            )
    actors = [(r.id, r.name, r.acronym) for r in conn.execute(select(ACT.c.id, ACT.c.name, ACT.c.acronym))]
    organisers = []
    for given in values.get("organisers") or []:
        found = labels.actors_named(str(given), actors)
        if len(found) != 1:
            problems.append(
                FieldError("organisers", N_("no organisation or body has the id or acronym {given}"), given=repr(given))
            )
        organisers += found[:1]
    values["organisers"] = organisers
    try:
        checked = SourceIn.model_validate({**values, "recommendations": []})
    except ValidationError as exc:
        problems += pydantic_errors(exc)
        return str(values.get("id") or ""), values
    meta = checked.model_dump(mode="json", exclude={"recommendations", "text_path"}, exclude_none=True)
    meta["organisers"] = organisers
    exists = conn.execute(select(S.c.origin).where(S.c.id == checked.id)).first()
    if exists is not None and not (exists.origin == "app" and published_of(conn, own, checked.id)):
        problems.append(
            FieldError(
                "id",
                N_("a source with the id {id} is already recorded: choose the gap it fills, or another id"),
                id=checked.id,
            )
        )
    return checked.id, meta


def _language(meta: dict[str, Any], problems: list[FieldError]) -> None:
    if meta.get("language") and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", str(meta["language"])):
        problems.append(FieldError("language", N_("give the language as a code such as en or km")))


def _links(
    conn: Connection,
    links: Sequence[Mapping[str, Any]],
    dismissed: Sequence[Mapping[str, Any]],
    ids: set[str],
    date: str | None,
    problems: list[FieldError],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The curator's confirmed links (from a new recommendation to an earlier one) and dismissed suggestions."""
    out, seen = [], set()
    for index, link in enumerate(links):
        try:
            checked = LinkIn.model_validate({k: v for k, v in link.items() if v not in (None, "")})
        except ValidationError as exc:
            problems += [FieldError(f"links.{index}.{e.field}", e.said) for e in pydantic_errors(exc)]
            continue
        if checked.source not in ids:
            problems.append(
                FieldError(
                    f"links.{index}.source", N_("{id} is not a recommendation of this document"), id=checked.source
                )
            )
        target = conn.execute(select(S.c.date).join(R, R.c.source_id == S.c.id).where(R.c.id == checked.target)).first()
        if target is None:
            problems.append(
                FieldError(f"links.{index}.target", N_("unknown recommendation id {id}"), id=checked.target)
            )
        elif date and target.date > date:
            problems.append(
                FieldError(
                    f"links.{index}.target",
                    N_("{id} is later than this document: a link runs from the later recommendation to the earlier"),
                    id=checked.target,
                )
            )
        if (checked.source, checked.target) not in seen:
            seen.add((checked.source, checked.target))
            out.append(checked.model_dump(mode="json", exclude_none=True))
    kept = []
    for item in dismissed:
        pair = {"source": str(item.get("source") or ""), "target": str(item.get("target") or "")}
        note = str(item.get("note") or "").strip()
        score = item.get("score")
        kept.append({**pair, **({"note": note} if note else {}), **({"score": score} if score is not None else {})})
    return out, kept


def check_document(
    *,
    conn: Connection,
    source: Mapping[str, Any],
    full_text: str,
    rows: Sequence[Mapping[str, Any]],
    fills: str | None,
    choices: Mapping[str, int] | None = None,
    links: Sequence[Mapping[str, Any]] = (),
    dismissed: Sequence[Mapping[str, Any]] = (),
    proposed_actors: Sequence[Mapping[str, Any]] = (),
    supersedes: str | None = None,
    draft_id: str | None = None,
    organisation: str | None = None,
) -> Checked:
    """Check a document without writing anything: every problem, each beside its field (and row).

    ``source`` is the metadata in the data/sources/*.yaml format (for a gap, ``fills`` names the known source and
    only ``language`` is read from ``source``); ``rows`` the recommendations, each a mapping of ``COLUMNS`` (``row``:
    its row in the sheet). ``choices`` picks, for a recommendation whose text occurs more than once, which
    occurrence is meant (recommendation id -> index into ``verbatim.occurrences``). ``supersedes`` (a draft id)
    makes this a new version of that document; ``draft_id`` is the draft being checked again when published;
    ``organisation`` the submitter's (another organisation's draft is not named to it).
    """
    problems: list[FieldError] = []
    own = own_chain(conn, supersedes) | ({draft_id} if draft_id else set())
    source_id, meta = _source_meta(conn, source, fills, own, problems)
    if supersedes:
        same_document(conn, supersedes, source_id, fills, problems)
    full_text = _clean_text(full_text or "", problems, "full_text")
    if not verbatim.normalise(full_text):
        problems.append(FieldError("full_text", N_("give the document's full text (paste it or upload the file)")))
    if source_id:
        waiting = pending(conn, source_id, own)
        if waiting:
            where = "fills" if fills else "id"
            theirs = conn.execute(select(DRAFTS.c.organisation_id).where(DRAFTS.c.id == waiting[0])).scalar()
            if organisation is not None and theirs != organisation:  # another organisation's draft is not named
                said = N_("{id} was already submitted by another organisation and waits for its review")
                problems.append(FieldError(where, said, id=source_id))
            else:
                problems.append(
                    FieldError(
                        where,
                        N_("{id} is already submitted and waits for a review ({draft}): correct that draft instead"),
                        id=source_id,
                        draft=waiting[0],
                    )
                )
    actors, found = check_proposed(conn, proposed_actors)
    problems += found
    names = Names(conn, actors)
    recs: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        rec, row_problems = check_row(index, row, source_id, full_text, names, choices or {})
        recs.append(rec)
        problems += row_problems
    if not rows:
        problems.append(FieldError("recommendations", N_("record at least one recommendation")))
    _repeats(recs, problems)
    published = published_ids(conn, own)
    _collisions(conn, recs, source_id, published, problems)
    for missing in sorted(published - {r["id"] for r in recs}):
        problems.append(
            FieldError(
                "recommendations", N_("{id} was published: a new version keeps it (nothing is deleted)"), id=missing
            )
        )
    confirmed, kept = _links(conn, links, dismissed, {r["id"] for r in recs}, meta.get("date"), problems)
    return Checked(source_id, bool(fills), meta, full_text, recs, confirmed, kept, actors, problems)


def check_proposed(
    conn: Connection, proposed: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, str]], list[FieldError]]:
    """The organisations or bodies the curator proposes (name, acronym, type), as a draft keeps them, and their
    problems (field ``proposed_actors.<index>.<name>``): the actor schema's rules, and a name, acronym or id that
    would be taken for an existing actor's (``accounts.look_alike``) or another proposal's. A proposal that an
    earlier version of the document already created (same id, same name) is left out: it is an actor now."""
    out: list[dict[str, str]] = []
    problems: list[FieldError] = []
    seen: dict[str, int] = {}
    for index, given in enumerate(proposed):
        actor = {k: str(given.get(k) or "").strip() for k in ("name", "acronym", "type") if given.get(k)}
        where = f"proposed_actors.{index}"
        if not actor.get("name"):
            problems.append(FieldError(f"{where}.name", N_("give the name of the proposed body")))
            continue
        ident = proposed_id(actor)
        try:
            ActorIn.model_validate({"id": ident, "type": ActorType.OTHER.value, **actor})
        except ValidationError as exc:
            problems += [FieldError(f"{where}.{e.field}", e.said) for e in pydantic_errors(exc)]
            continue
        existing = conn.execute(select(ACT.c.name, ACT.c.acronym).where(ACT.c.id == ident)).first()
        mine = (actor["name"], actor.get("acronym", ""))
        if existing is not None and (existing.name, existing.acronym or "") == mine:
            continue  # created when an earlier version of this document was published
        if twin := look_alike(conn, actor["name"], actor.get("acronym")):
            problems.append(FieldError(f"{where}.name", LOOKS_THE_SAME, organisation=twin))
        elif existing is not None:
            problems.append(FieldError(f"{where}.acronym", TAKEN_ID, id=repr(ident)))
        elif ident in seen:
            again = N_("proposal {other} has the same acronym or name: give each body its own")
            problems.append(FieldError(f"{where}.name", again, other=seen[ident] + 1))
        seen.setdefault(ident, index)
        out.append(actor)
    return out, problems


def _repeats(recs: list[dict[str, Any]], problems: list[FieldError]) -> None:
    """Two rows with the same number, or the same id."""
    for column in ("number", "id"):
        first: dict[str, int] = {}
        for rec in recs:
            value = str(rec[column] or "").casefold()
            if not value:
                continue
            if value in first:
                problems.append(
                    FieldError(
                        column,
                        N_("row {other} has the same {column}: {value}"),
                        row=rec["row"],
                        other=first[value],
                        column=column,
                        value=rec[column],
                    )
                )
            else:
                first[value] = rec["row"]


def _collisions(
    conn: Connection, recs: list[dict[str, Any]], source_id: str, published: set[str], problems: list[FieldError]
) -> None:
    """Ids that another document's recommendations already hold (a document's own earlier version may)."""
    ids = [r["id"] for r in recs if r["id"]]
    taken = {r.id: r.source_id for r in conn.execute(select(R.c.id, R.c.source_id).where(R.c.id.in_(ids)))}
    for rec in recs:
        if rec["id"] not in taken or rec["id"] in published:
            continue
        if taken[rec["id"]] == source_id:
            problems.append(
                FieldError(
                    "id",
                    N_(
                        "{id} is already recorded with other values: submit the document as a new version to correct it"
                    ),
                    row=rec["row"],
                    id=rec["id"],
                )
            )
        else:
            problems.append(
                FieldError(
                    "id",
                    N_("the id {id} is already taken by a recommendation of {source}"),
                    row=rec["row"],
                    id=rec["id"],
                    source=taken[rec["id"]],
                )
            )
