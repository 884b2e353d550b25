"""Forms: one ``submit`` runs a write as the logged-in person and turns every refusal into messages beside the
fields (Invalid), or one message for the form (PermissionDenied, Conflict), keeping what the person typed. The
write side words its refusals as ``i18n.Message``s; they are said here in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import streamlit as st

from recommendations.audit import FIELD_LABELS
from recommendations.permissions import PermissionDenied, Principal
from recommendations.ui.data import clear_caches, engine
from recommendations.ui.language import plural, t, tr
from recommendations.ui.session import principal
from recommendations.ui.widgets import esc
from recommendations.write import corrections, errors, workspace

T = TypeVar("T")
CONFLICT = "conflict"  # the key, among a form's problems, of a refusal because someone else saved first


def write(function: Callable[..., T], **arguments: object) -> T:
    """Run one write function in one transaction as the logged-in principal, then refresh every cached view.

    The function checks the principal's permissions itself (recommendations.updates), whatever the page shows.
    """
    with engine().begin() as conn:
        result = function(conn=conn, principal=principal(), **arguments)
    clear_caches()
    return result


def submit(function: Callable[..., T], *, key: str, **arguments: object) -> T | None:
    """Run one write (``write``); on a refusal keep the messages in ``st.session_state[key]`` (field -> messages,
    "form" for the whole form) for ``field_errors`` to show beside each field, and return None. The one way a page
    turns Invalid, PermissionDenied and Conflict into words; what the person typed stays in the form."""
    try:
        result = write(function, **arguments)
    except errors.Invalid as exc:
        st.session_state[key] = exc.by_field(tr())
        return None
    except errors.Conflict as exc:  # someone saved first: "conflict" tells the page to show their version
        said = refusal(exc)
        st.session_state[key] = {"form": [said], CONFLICT: [said]}
        return None
    except PermissionDenied as exc:
        st.session_state[key] = {"form": [refusal(exc)]}
        return None
    st.session_state[key] = {}
    return result


def problem_summary(problems: dict[str, list[str]], *, beside: Iterable[str]) -> None:
    """Above a form: how many problems stop it from being saved, and in full those that have no field of their
    own in it (the others are shown beside their fields). ``beside``: the fields the form shows a message under
    (a name ending in "." stands for every field under it, e.g. "new_evidence.")."""
    placed = tuple(beside)
    messages = [(f, m) for f, found in problems.items() if f != CONFLICT for m in found]
    if not messages:
        return
    elsewhere = [m for f, m in messages if not any(f == p or (p.endswith(".") and f.startswith(p)) for p in placed)]
    count = len(messages)
    if not elsewhere:
        st.error(
            t("Nothing was saved: one problem to fix; it is shown beside its field.") if count == 1 else
            plural("Nothing was saved: {n} problem to fix; each is shown beside its field.",
                   "Nothing was saved: {n} problems to fix; each is shown beside its field.", count),
            icon=":material/error:",
        )  # fmt: skip
        return
    rest = count - len(elsewhere)
    head = (
        t("Nothing was saved: one problem to fix.") if count == 1 else
        plural("Nothing was saved: {n} problem to fix.", "Nothing was saved: {n} problems to fix.", count)
    )  # fmt: skip
    after = [] if not rest else [t("The other is shown beside its field.") if rest == 1 else
                                 t("The others are shown beside their fields.")]  # fmt: skip
    st.error(esc(" ".join([head, *elsewhere, *after])), icon=":material/error:")


def field_errors(problems: dict[str, list[str]], name: str) -> None:
    """The form's messages for one field, shown right under it (plain text, never Markdown)."""
    for message in problems.get(name, []):
        st.error(esc(message), icon=":material/error:")


def correction_queue(who: Principal) -> None:
    """Proposed corrections of evidence this person decides on, each with Publish and Return (review and admin
    pages: a reviewer sees their organisation's items, an admin the curated dataset's)."""
    queue = workspace.correction_queue(engine(), who)
    if queue.empty:
        st.info(t("No proposed correction is waiting."), icon=":material/inbox:")
    row: Any  # a row of the queue's DataFrame (columns as the query names them)
    for row in queue.itertuples():
        with st.container(border=True):
            st.markdown(f"**{esc(row.current_title)}** · {esc(row.evidence_id)}")
            st.caption(esc(t("Proposed by {name} on {when}", name=row.proposed_by, when=moment(row.proposed_at))))
            st.text(t("Why: {reason}", reason=row.reason))
            for key in row.after:
                if row.before.get(key) != row.after.get(key):
                    st.text(changed_values(key, row.before.get(key), row.after.get(key), proposed=True))
            if error := st.session_state.pop(f"corr_error_{row.id}", None):
                st.error(esc(error))
            st.text_input(t("Comment (needed to return it)"), key=f"corr_comment_{row.id}")
            left, right = st.columns(2)
            for column, decision, label in ((left, "published", t("Publish")), (right, "returned", t("Return"))):
                column.button(
                    label, key=f"corr_{decision}_{row.id}", on_click=_decide_correction, args=(row.id, decision),
                    type="primary" if decision == "published" else "secondary",
                )  # fmt: skip


def refusal(exc: PermissionDenied | errors.Conflict | errors.Invalid) -> str:
    """A refusal from the write side in the page's language (all of an Invalid's problems, joined)."""
    if isinstance(exc, errors.Invalid):
        return "; ".join(m for found in exc.by_field(tr()).values() for m in found)
    return errors.sentence(tr().say(exc.message))


def moment(value: dt.datetime) -> str:
    """A time of the log in the page's language: "5 December 2026, 09:14 UTC" ("5 ធ្នូ 2026, 09:14 UTC")."""
    return t("{date}, {time} UTC", date=tr().date(value.date()), time=f"{value:%H:%M}")


def field_label(key: str) -> str:
    """A field of a record ("completeness"), named in the page's language."""
    return t(FIELD_LABELS[key]) if key in FIELD_LABELS else key


def changed_values(key: str, before: object, after: object, *, proposed: bool = False) -> str:
    """A field's value before and after a correction, on two lines, the field named in the page's language."""
    name = field_label(key)
    old, new = before or "—", after or "—"
    if proposed:
        return t("{field} now: {old}\n{field} proposed: {new}", field=name, old=old, new=new)
    return t("{field} before: {old}\n{field} after: {new}", field=name, old=old, new=new)


def _decide_correction(correction_id: str, decision: str) -> None:
    comment = st.session_state.get(f"corr_comment_{correction_id}", "")
    try:
        write(corrections.decide_correction, correction_id=correction_id, decision=decision, comment=comment)
    except (errors.Invalid, errors.Conflict, PermissionDenied) as exc:
        st.session_state[f"corr_error_{correction_id}"] = refusal(exc)
