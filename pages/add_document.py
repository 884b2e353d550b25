"""Add a document: a source document the tracker lacks (or the text of a known gap), its recommendations quoted
verbatim, the earlier recommendations each repeats or follows up, submitted for review; and the drafts."""

import streamlit as st

from recommendations import ui
from recommendations.ui import curation as steps
from recommendations.ui import curation_review as review
from recommendations.write import curation_form

ui.through_entrypoint()
who = ui.require_page("pages/add_document.py")
engine = ui.engine()
t = ui.tr().t
state = st.session_state

st.title(t("Add a document"))
st.caption(
    ui.esc(
        t(
            "Add a document the tracker lacks, or the text of a known gap, for {organisation}: its details, its full "
            "text, its recommendations quoted exactly, and how they relate to earlier ones. It counts once a reviewer "
            "publishes it.",
            organisation=who.organisation_name or t("the curated dataset"),
        )
    )
)
if done := state.pop("cd_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")

add, drafts = st.tabs([t("Add a document"), t("Drafts")])
with drafts:
    review.drafts_part(who)

with add:
    if supersedes := state.get("cd_supersedes"):
        st.info(ui.esc(t("You are correcting {id}: submitting makes a new version of it.", id=supersedes)))
        st.button(t("Start a new document instead"), key="cd_restart", on_click=steps.reset)
    document = steps.current()
    started = bool(document["full_text"] or document["rows"])
    preview = curation_form.preview(engine, organisation=who.organisation_id, **document) if started else None
    problems = preview.by_field if preview else {}

    st.header(t("1. The document"))
    steps.details_step(problems)

    st.header(t("2. Its text"))
    steps.text_step(problems)

    st.header(t("3. Its recommendations"))
    for found in problems.get("recommendations", []):
        st.error(ui.esc(found.words(ui.tr())), icon=":material/error:")
    steps.rows_step(preview)

    st.header(t("4. Earlier recommendations they repeat or follow up"))
    links, dismissed = review.suggestions_step(preview) if preview else ([], [])
    if preview is None:
        st.caption(t("Suggestions appear once the text is kept and a recommendation is recorded."))

    st.header(t("5. Submit"))
    shown = {"id", "title", "date", "kind", "organisers", "place", "url", "citation", "language", "fills",
             "full_text", "recommendations"}  # fmt: skip
    elsewhere = [p for field, found in problems.items() if field not in shown and not field.startswith("proposed_")
                 for p in found]  # fmt: skip
    for found in elsewhere:  # a link's problem, or a rule with no field on the page
        st.error(ui.esc(found.words(ui.tr())), icon=":material/error:")
    review.submit_step(who, preview, links, dismissed)
