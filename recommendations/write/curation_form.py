"""What the *Add a document* page works with besides Streamlit (issue 21): the page's plain values turned into
what ``curation.check_document`` and ``submit_document`` take, a check without writing that sorts every problem
by row, where a text occurs more than once, the suggested earlier recommendations of each new one, the curator's
decisions on them as links and dismissals, a recorded draft as the form's values again (to correct it), and
submitting with "publish now" in one transaction.

Nothing here imports Streamlit; the page keeps only plain data (these dicts and lists) in its session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from recommendations import permissions, verbatim
from recommendations.dates import date_start
from recommendations.i18n import N_
from recommendations.permissions import Action, Principal
from recommendations.read.suggest import Suggestion, suggest
from recommendations.vocabulary import LinkKind
from recommendations.write.curation import review_document, submit_document
from recommendations.write.curation_check import Checked, check_document, check_proposed
from recommendations.write.curation_rows import COLUMNS
from recommendations.write.errors import FieldError

#: The fields of a new document's metadata, as the form shows them (and as ``check_document`` names them).
SOURCE_FIELDS = ("id", "title", "date", "kind", "organisers", "place", "url", "citation", "language")
#: A decision on a suggested earlier recommendation: undecided, a link of one kind, or dismissed.
UNDECIDED, DISMISS = "", "dismiss"
DECISIONS = (UNDECIDED, *(k.value for k in LinkKind), DISMISS)


def source_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """A new document's metadata from the form (organisers as ids or acronyms separated by ``;``)."""
    out: dict[str, Any] = {}
    for name in SOURCE_FIELDS:
        value = values.get(name)
        if name == "organisers":
            given = value if isinstance(value, list) else str(value or "").split(";")
            out[name] = [str(v).strip() for v in given if str(v).strip()]
        elif value not in (None, ""):
            out[name] = str(value).strip()
    return out


def row_of(values: Mapping[str, Any], row: int) -> dict[str, str]:
    """One recommendation entered by hand as a sheet row (themes and addressees as ``;``-separated ids)."""
    out = {"row": str(row)}
    for name in COLUMNS:
        value = values.get(name)
        out[name] = "; ".join(value) if isinstance(value, list) else str(value or "").strip()
    return out


@dataclass
class Preview:
    """``check_document``'s answer, its problems sorted: by sheet row, and the rest by field."""

    checked: Checked
    by_row: dict[int, list[FieldError]] = field(default_factory=dict)
    by_field: dict[str, list[FieldError]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.checked.ok


def preview(
    engine: Engine,
    *,
    source: Mapping[str, Any],
    fills: str | None,
    full_text: str,
    rows: Sequence[Mapping[str, Any]],
    choices: Mapping[str, int] | None = None,
    supersedes: str | None = None,
    proposed_actors: Sequence[Mapping[str, Any]] = (),
    organisation: str | None = None,
) -> Preview:
    """Check the document as it stands on the page, writing nothing (``organisation``: the curator's)."""
    with engine.connect() as conn:
        checked = check_document(
            conn=conn, source=source, full_text=full_text, rows=rows, fills=fills, choices=choices or {},
            supersedes=supersedes, proposed_actors=proposed_actors, organisation=organisation,
        )  # fmt: skip
    out = Preview(checked)
    for problem in checked.problems:
        if problem.row is not None:
            out.by_row.setdefault(problem.row, []).append(problem)
        else:
            out.by_field.setdefault(problem.field, []).append(problem)
    return out


def propose(engine: Engine, proposed: Sequence[Mapping[str, Any]], actor: Mapping[str, Any]) -> list[FieldError]:
    """The problems of proposing ``actor`` (name, acronym, type) besides the ``proposed`` ones: the rules of
    ``curation_check.check_proposed``, and one already in the list of organisations and bodies. None: it may be
    added."""
    given = {k: str(actor.get(k) or "").strip() for k in ("name", "acronym", "type") if actor.get(k)}
    with engine.connect() as conn:
        kept, problems = check_proposed(conn, [*proposed, given])
    mine = [p for p in problems if p.field.startswith(f"proposed_actors.{len(proposed)}.")]
    if not mine and given not in kept and given.get("name"):  # it is an actor already: left out without a word
        mine = [FieldError("name", N_("{name} is already in the list of addressees: choose it there"),
                           name=given["name"])]  # fmt: skip
    return [FieldError(p.field.rsplit(".", 1)[-1], p.said) for p in mine]


def occurrences(full_text: str, quote: str, *, around: int = 50) -> list[str]:
    """Each place ``quote`` stands in the text, as the passage around it ("…before [quote] after…")."""
    out = []
    for start, end in verbatim.occurrences(full_text, quote):
        before = " ".join(full_text[max(0, start - around) : start].split())
        after = " ".join(full_text[end : end + around].split())
        out.append(f"…{before} [{' '.join(full_text[start:end].split())}] {after}…")
    return out


def suggestions(engine: Engine, checked: Checked, *, limit: int = 5) -> dict[str, list[Suggestion]]:
    """For each new recommendation found verbatim in the text, the earlier ones it most likely repeats or follows
    up (of sources dated before this document), best first. None without a valid date."""
    try:
        before = date_start(str(checked.source.get("date") or ""))
    except (ValueError, TypeError):
        return {}
    own = frozenset(r["id"] for r in checked.recommendations if r["id"])
    out = {}
    for rec in checked.recommendations:
        if rec["id"] and rec.get("text_start") is not None:
            out[rec["id"]] = suggest(
                engine, text=rec["text"], themes=rec["themes"], addressees=rec["addressees"], before=before,
                exclude=own, limit=limit, lead_in=rec.get("lead_in"), title=rec.get("title"),
            )  # fmt: skip
    return out


def decided(
    decisions: Iterable[tuple[str, Suggestion, str, str]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The curator's decisions, each (new recommendation id, suggestion, decision, note), as the confirmed links
    and the dismissed suggestions ``submit_document`` records; undecided ones are left out."""
    links, dismissed = [], []
    for source, found, decision, note in decisions:
        note = note.strip()
        if decision == DISMISS:
            dismissed.append({"source": source, "target": found.id, "note": note, "score": round(found.score, 3)})
        elif decision in DECISIONS and decision != UNDECIDED:
            links.append({"source": source, "target": found.id, "kind": decision, **({"note": note} if note else {})})
    return links, dismissed


def submit(*, conn: Any, principal: Principal | None, publish: bool = False, **document: Any) -> tuple[str, bool]:
    """Submit the document (``submit_document``) and, when asked by someone who may, publish it in the same
    transaction. The draft's id, and whether it was published."""
    draft_id = submit_document(conn=conn, principal=principal, **document)
    if publish and permissions.may(principal, Action.PUBLISH_DOCUMENT):
        review_document(conn=conn, principal=principal, draft_id=draft_id, decision="published")
        return draft_id, True
    return draft_id, False


def form_of(draft: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded draft as the page's values again, to submit a corrected version of it (``supersedes``)."""
    meta = dict(draft["source"])
    rows = [
        {**{c: str(rec.get(c) or "") for c in ("number", "section", "lead_in", "text", "title")},
         "id": rec["id"], "row": str(rec.get("row") or i + 1), "themes": "; ".join(rec.get("themes") or []),
         "addressees": "; ".join(rec.get("addressees") or []), "problems": "\n".join(rec.get("problems") or [])}
        for i, rec in enumerate(draft["recommendations"])
    ]  # fmt: skip
    choices = {}
    for rec in draft["recommendations"]:
        starts = [s for s, _ in verbatim.occurrences(draft["full_text"], rec["text"])]
        if len(starts) > 1 and rec.get("text_start") in starts:
            choices[rec["id"]] = starts.index(rec["text_start"])
    return {
        "fills": draft["source_id"] if draft["fills_gap"] else None,
        "source": {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in meta.items() if k in SOURCE_FIELDS},
        "full_text": draft["full_text"], "text_name": draft.get("text_name"), "rows": rows, "choices": choices,
        "links": list(draft.get("links") or []), "dismissed": list(draft.get("dismissed") or []),
        "proposed_actors": list(draft.get("proposed_actors") or []), "supersedes": draft["id"],
    }  # fmt: skip
