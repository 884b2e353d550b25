"""The last steps of *Add a document* (pages/add_document.py) and its drafts: the earlier recommendations each
new one most likely repeats or follows up, confirmed as a link (with its kind and a note) or dismissed; submitting
(a reviewer or admin may publish at once); and the submitted documents, which a reviewer publishes or returns
with a comment and a contributor corrects when returned (a new version that supersedes it)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from recommendations import permissions
from recommendations.i18n import N_
from recommendations.permissions import Action, Principal
from recommendations.ui import curation as steps
from recommendations.ui.curation import named
from recommendations.ui.data import choosers, engine, short_names
from recommendations.ui.forms import moment, problem_summary, refusal, submit, write
from recommendations.ui.language import language, page_link, plural, t, tr
from recommendations.ui.session import principal
from recommendations.ui.widgets import esc
from recommendations.vocabulary import ACTOR_TYPE_LABELS, LINK_KIND_LABELS
from recommendations.write import curation, curation_form, errors
from recommendations.write.curation_form import DISMISS, UNDECIDED, Preview
from recommendations.write.curation_rows import proposed_id

STATES = {
    "awaiting review": N_("waits for review"),
    "published": N_("published"),
    "returned": N_("returned"),
    "corrected": N_("corrected by a later version"),
}


def suggestions_step(preview: Preview) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Step 4: for each new recommendation, the 5 earlier ones most like it; confirm a link or dismiss each.
    The confirmed links and the dismissed suggestions, as ``submit_document`` records them."""
    found = curation_form.suggestions(engine(), preview.checked)
    if not found:
        st.caption(t("Suggestions appear here once a recommendation is found verbatim in the kept text and the "
                     "document has a date."))  # fmt: skip
        return [], []
    names, actors = choosers(language())["themes"], short_names(language())
    decisions: dict[str, str] = {
        UNDECIDED: t("Not decided"), **{kind: t(label) for kind, label in LINK_KIND_LABELS.items()},
        DISMISS: t("Not linked (dismiss)"),
    }  # fmt: skip
    chosen = []
    said = tr()
    for rec in preview.checked.recommendations:
        if rec["id"] not in found:
            continue
        with st.expander(esc(t("{id}: {title}", id=rec["id"], title=rec["title"])), expanded=True):
            if not found[rec["id"]]:
                st.caption(t("No earlier recommendation is like it."))
            for item in found[rec["id"]]:
                st.markdown(f"**{esc(item.title)}** · {esc(item.id)}")
                st.caption(esc(t(
                    "{source}, {date} · score {score} · shared words: {words} · themes: {themes} · addressees: "
                    "{addressees}", source=item.source_id, date=said.date(item.date), score=said.percent(item.score),
                    words=", ".join(item.shared_words) or "—",
                    themes=", ".join(names.get(x, x) for x in item.shared_themes) or "—",
                    addressees=", ".join(actors.get(x, x) for x in item.shared_addressees) or "—",
                )))  # fmt: skip
                key = f"{rec['id']}_{item.id}"
                left, right = st.columns([1, 2])
                decision = left.selectbox(t("Decision"), list(decisions), format_func=named(decisions),
                                          key=f"cd_link_{key}")  # fmt: skip
                note = right.text_input(t("Note (why)"), key=f"cd_note_{key}")
                chosen.append((rec["id"], item, decision or UNDECIDED, note or ""))
    return curation_form.decided(chosen)


def submit_step(who: Principal, preview: Preview | None, links: list[Any], dismissed: list[Any]) -> None:
    """Step 5: submit the document as a draft of the organisation, or publish it at once (reviewer, admin)."""
    s = steps.state()
    problems = s.get("cd_errors", {})
    problem_summary(problems, beside=())
    count = len(preview.checked.problems) if preview else 0
    if preview is None:
        st.info(t("Keep the text and record at least one recommendation first."), icon=":material/info:")
        return
    if count:
        st.warning(plural("{n} problem to fix above before the document can be submitted.",
                          "{n} problems to fix above before the document can be submitted.", count),
                   icon=":material/error:")  # fmt: skip
    publish = False
    if permissions.may(who, Action.PUBLISH_DOCUMENT):
        publish = st.checkbox(t("Publish it now (as a reviewer)"), key="cd_publish")
    if not st.button(t("Submit the document"), type="primary", key="cd_submit", disabled=bool(count)):
        return
    document = steps.current()
    result = submit(
        curation_form.submit, key="cd_errors", publish=publish, links=links, dismissed=dismissed,
        text_name=s.get("cd_text_name"), **document,
    )  # fmt: skip
    if result is None:
        st.rerun()
    draft_id, published = result
    steps.reset()
    s["cd_done"] = (
        t("Published {id}: its recommendations count on every page now.", id=draft_id)
        if published
        else t("Submitted {id}: it waits for a reviewer of your organisation.", id=draft_id)
    )
    st.rerun()


def _decide(draft_id: str, decision: str) -> None:
    comment = st.session_state.get(f"cdr_comment_{draft_id}", "")
    try:
        write(curation.review_document, draft_id=draft_id, decision=decision, comment=comment)
    except (errors.Invalid, errors.Conflict, permissions.PermissionDenied) as exc:
        st.session_state[f"cdr_error_{draft_id}"] = refusal(exc)
        return
    st.session_state["cd_done"] = (
        t("Published {id}.", id=draft_id) if decision == "published" else t("Returned {id}.", id=draft_id)
    )


def _correct(draft_id: str) -> None:
    try:
        with engine().connect() as conn:
            found = curation.draft(conn, principal(), draft_id)
    except (errors.Invalid, permissions.PermissionDenied) as exc:  # signed out, or no longer theirs to correct
        st.session_state[f"cdr_error_{draft_id}"] = refusal(exc)
        return
    steps.load(curation_form.form_of(found))


def drafts_part(who: Principal) -> None:
    """The organisation's submitted documents (an admin's: all), newest first, with what to do with each."""
    with engine().connect() as conn:
        rows = curation.drafts(conn, who)
    if not rows:
        st.info(t("No document was submitted yet."), icon=":material/inbox:")
    may_publish = permissions.may(who, Action.PUBLISH_DOCUMENT)
    actors = short_names(language())
    for row in rows:
        with st.container(border=True):
            st.markdown(f"**{esc(row['title'] or row['source_id'])}** · {esc(row['id'])}")
            facts = plural(
                "{state} · {n} recommendation · recorded by {person} on {when}",
                "{state} · {n} recommendations · recorded by {person} on {when}", row["recommendations"],
                state=t(STATES[row["state"]]), person=row["recorded_by"], when=moment(row["recorded_at"]),
            )  # fmt: skip
            st.caption(esc(facts))
            if row["fills_gap"]:
                st.caption(esc(t("Fills the known gap {id}.", id=row["source_id"])))
            if row["supersedes"]:
                st.caption(esc(t("A new version of {id}.", id=row["supersedes"])))
            proposed = {proposed_id(a): a.get("acronym") or a["name"] for a in row["proposed_actors"]}
            with st.expander(plural("Its {n} recommendation", "Its {n} recommendations", len(row["items"]))):
                for item in row["items"]:
                    printed = t("No. {number}", number=item["number"]) if item.get("number") else ""
                    st.markdown(" · ".join(esc(x) for x in (item["id"], printed, item.get("title")) if x))
                    st.text(item.get("text") or "")
                    named = ", ".join(proposed.get(a) or actors.get(a, a) for a in item.get("addressees") or [])
                    st.caption(esc(t("Addressees: {names}", names=named or "—")))
            for actor in row.get("proposed_actors") or []:
                kind = t(ACTOR_TYPE_LABELS.get(actor.get("type") or "other", ACTOR_TYPE_LABELS["other"]))
                st.caption(esc(t(
                    "Proposes a new addressee: {name} ({acronym}), {type}. It is created when the document is "
                    "published, if a recommendation names it.", name=actor.get("name"),
                    acronym=actor.get("acronym") or "—", type=kind,
                )))  # fmt: skip
            if row["comment"]:
                st.text(t("Comment from {person}: {comment}", person=row["reviewed_by"], comment=row["comment"]))
            if error := st.session_state.pop(f"cdr_error_{row['id']}", None):
                st.error(esc(error))
            if row["state"] == "awaiting review" and may_publish:
                st.text_area(t("Comment (needed to return it)"), key=f"cdr_comment_{row['id']}")
                left, right = st.columns(2)
                left.button(t("Publish"), key=f"cdr_publish_{row['id']}", type="primary", on_click=_decide,
                            args=(row["id"], "published"))  # fmt: skip
                right.button(t("Return with the comment"), key=f"cdr_return_{row['id']}", on_click=_decide,
                             args=(row["id"], "returned"))  # fmt: skip
            if row["state"] in ("returned", "published"):
                st.button(t("Correct it (a new version)"), key=f"cdr_correct_{row['id']}", on_click=_correct,
                          args=(row["id"],), icon=":material/edit:")  # fmt: skip


def waiting_note(who: Principal) -> None:
    """On the review queue: how many submitted documents wait for this reviewer, and where to decide on them."""
    with engine().connect() as conn:
        waiting = sum(1 for row in curation.drafts(conn, who) if row["state"] == "awaiting review")
    if waiting:
        st.info(plural("{n} submitted document waits for review under Add a document → Drafts.",
                       "{n} submitted documents wait for review under Add a document → Drafts.", waiting),
                icon=":material/description:")  # fmt: skip
        page_link("pages/add_document.py", label=t("Add a document"), icon=":material/note_add:")
