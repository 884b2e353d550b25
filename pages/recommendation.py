"""Recommendation detail: verbatim text in its context, owners, assessment timeline, evidence, repetitions."""

import streamlit as st

from recommendations import markdown, permissions, ui
from recommendations.permissions import Action
from recommendations.read import source_text
from recommendations.write import workspace

ui.through_entrypoint()

DISAGREE = {"assessor": "Assessed by", "status_label": "Their status", "scope": "For", "as_of": "As of"}


rec_id = st.query_params.get("id")
if not rec_id:
    st.title("Recommendation detail")
    choice = ui.find_recommendation("Find a recommendation", key="detail_find")
    if choice:
        st.query_params["id"] = choice
        st.rerun()
    st.info("Search for a recommendation above, or open one from **Explore recommendations**.")
    st.stop()

info = ui.detail(rec_id, ui.language())  # its short title, themes and actors in the page's language
if info is None:
    st.title("Recommendation detail")
    st.error(
        ui.esc(f"No recommendation has the id “{rec_id[:200]}”. It may have been renamed; search for it in Explore.")
    )
    st.stop()

rec, source = info.record, info.source
st.title(ui.esc(rec["title"]))
st.caption(
    ui.esc(
        f"Short title written for this tracker · id {rec['id']} · {rec['kind'].replace('_', ' ')} "
        f"{rec['number'] or ''} · {source['title']} ({source['date']})"
    )
)
ui.review_note(rec["awaits_review"])
status_col, date_col, evidence_col = st.columns([2, 1, 1])
status_col.metric("Current status", rec["status_label"], help="The least advanced part of the ask, see README.")
date_col.metric("Status as of", ui.esc(rec["status_date"] or "—"))
evidence_col.metric("Evidence items", int(rec["evidence_count"]))
if rec["status_scope"]:
    st.caption(ui.esc(f"Overall status {rec['status_scope']}: no assessment covers the whole ask."))

st.header("Text (verbatim)")
if rec["section"]:
    st.caption(ui.esc(f"Section: {rec['section']}"))
if rec["lead_in"]:
    st.text(rec["lead_in"] + " …")
st.info(ui.esc(rec["text"]), icon=":material/format_quote:")
if rec["problems"]:
    st.write("Problems the source lists under this ask:")
    for problem in rec["problems"]:
        st.text("• " + problem)

st.header("Asked of, and the status for each")
for who_row in info.addressees.itertuples():  # a list, not a table: it reads whole on a phone
    how = [who_row.role] + (
        ["inferred: the text does not name it as the party to act; the tracker infers it from the context"]
        if who_row.inferred
        else []
    )
    if who_row.status_date:
        judged = "judged for this addressee" if who_row.scope else "judged for the whole ask"
        state_words = f"{who_row.status_label} as of {who_row.status_date}, {judged}"
    else:
        state_words = "not assessed"
    st.markdown(f"- **{ui.esc(who_row.name)}** ({ui.esc('; '.join(how))}): {ui.esc(state_words)}")
st.caption("An assessment of one addressee's part of the ask speaks for that addressee only.")
st.header("Themes")
st.markdown("\n".join(f"- {ui.esc(t)}" for t in info.themes))

st.header("Assessment timeline")
who = ui.principal()
mine = who.organisation_id if permissions.may(who, Action.RECORD) else None  # the permission table decides
corrects = permissions.may(who, Action.PROPOSE_CORRECTION)
if mine:
    st.page_link(
        "pages/update.py", label="Record an assessment", icon=":material/edit_note:", query_params={"id": rec_id}
    )
    drafts = workspace.drafts(ui.engine(), who)
    for draft in drafts[drafts["recommendation_id"] == rec_id].itertuples():
        with st.container(border=True):
            state = "returned by a reviewer" if draft.visibility == "returned" else "waiting for review"
            st.markdown(f"**Draft of your organisation, not public** ({ui.esc(state)})")
            st.markdown(
                ui.esc(f"{draft.status_label} · as of {draft.as_of} · for {draft.addressee} · {draft.recorded_by}")
            )
            st.text(draft.rationale)
if info.history.empty:
    searched = rec["last_searched_on"]
    st.info(
        "No assessment yet, so the status is *not assessed*: "
        + (
            ui.esc(
                f"evidence was last searched for on {searched} and nothing found supports a status (see Research log)."
            )
            if searched
            else "no search for its evidence is on record yet, so this says nothing either way."
        ),
        icon=":material/pending:",
    )
for row in info.history[::-1].itertuples():
    corrects_it = bool(mine) and row.assessor_id == mine and row.state == "standing"
    ui.assessment_card(row, info.evidence, correct_link={"id": rec_id, "corrects": row.id} if corrects_it else None)
if not info.disagreement.empty:
    st.warning("Assessors disagree on the current status:", icon=":material/balance:")
    ui.dataframe(info.disagreement, key="detail_disagree", title="assessor", column_config=DISAGREE, width="stretch")

st.header("Evidence")
if info.evidence.empty:
    st.write("No evidence on record for this recommendation.")
for ev in info.evidence.itertuples():
    with st.expander(ui.esc(f"{ev.date} · {ev.title}")):
        st.text(ev.summary)
        st.markdown(f"Source: {markdown.link(ev.url or ev.citation or ev.source_title or '', ev.url)}")
        if ev.completeness:
            st.caption(ui.esc(ev.completeness))
        st.caption("Its id, to cite it in an upload of assessments (the button at the right copies it):")
        st.code(ev.id, language=None)
        if corrects:
            st.page_link("pages/evidence_edit.py", label="Correct this evidence item", query_params={"id": ev.id})

st.header("Research log")
ui.research_log(rec["research_label"], info.research)

st.header("Raised before or since")
if info.links.empty:
    st.write("Not linked to any earlier or later recommendation.")


def open_linked(other: str) -> None:
    st.query_params["id"] = other  # the address bar follows, so a reload or a shared link shows this one


for link in info.links.itertuples():
    st.button(
        ui.esc(f"{link.direction} ({link.kind.replace('_', ' ')}): {link.date[:4]} · {link.title}"),
        key=f"linked_{link.id}",
        on_click=open_linked,
        args=(link.id,),
        icon=":material/arrow_forward:",
        type="tertiary",
    )
    if link.note:
        st.caption(ui.esc(link.note))

st.header("Where it stands in its source")
if info.passage:
    before, quote, after = (source_text.clean_source_text(part) for part in info.passage)
    st.caption("The source as converted to text, with the recommendation highlighted.")
    st.markdown(
        ui.esc(before).replace("\n", "  \n")
        + ":orange-background["
        + ui.esc(" ".join(quote.split()))
        + "]"
        + ui.esc(after).replace("\n", "  \n")
    )
else:
    st.caption("The source text is not available here.")
