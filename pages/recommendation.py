"""Recommendation detail: verbatim text in its context, owners, assessment timeline, evidence, repetitions."""

import streamlit as st

from recommendations import labels, markdown, permissions, ui
from recommendations.permissions import Action
from recommendations.read import source_text
from recommendations.read.detail import asked_of
from recommendations.vocabulary import RECOMMENDATION_KIND_LABELS
from recommendations.write import workspace

ui.through_entrypoint()
t, said = ui.t, ui.tr()
DISAGREE = {"assessor": t("Assessed by"), "status_label": t("Their status"), "scope": t("For"), "as_of": t("As of")}


rec_id = st.query_params.get("id")
if not rec_id:
    st.title(t("Recommendation detail"))
    choice = ui.find_recommendation(t("Find a recommendation"), key="detail_find")
    if choice:
        st.query_params["id"] = choice
        st.rerun()
    st.info(t("Search for a recommendation above, or open one from **Explore recommendations**."))
    st.stop()

info = ui.detail(rec_id, ui.language())  # its short title, themes and actors in the page's language
if info is None:
    st.title(t("Recommendation detail"))
    st.error(
        t(
            "No recommendation has the id “{id}”. It may have been renamed; search for it in Explore.",
            id=ui.esc(rec_id[:200]),
        )
    )
    st.stop()

rec, source = info.record, info.source
st.title(ui.esc(rec["title"]))
kind = t(RECOMMENDATION_KIND_LABELS.get(rec["kind"], rec["kind"].replace("_", " ")))
st.caption(
    ui.esc(
        t(
            "Short title written for this tracker · id {id} · {kind} {number} · {source} ({date})",
            id=rec["id"], kind=kind, number=rec["number"] or "", source=source["title"], date=said.date(source["date"]),
        )
    )
)  # fmt: skip
ui.review_note(rec["awaits_review"])
status_col, date_col, evidence_col = st.columns([2, 1, 1])
status_col.metric(
    t("Current status"), t(rec["status_label"]), help=t("The least advanced part of the ask, see README.")
)
date_col.metric(t("Status as of"), ui.esc(said.date(rec["status_date"]) or "—"))
evidence_col.metric(t("Evidence items"), said.number(int(rec["evidence_count"])))
if rec["status_scope"]:
    st.caption(ui.esc(t("Overall status {scope}: no assessment covers the whole ask.", scope=rec["status_scope"])))

st.header(t("Text (verbatim)"))
if rec["section"]:
    st.caption(ui.esc(t("Section: {section}", section=rec["section"])))
if rec["lead_in"]:
    st.text(rec["lead_in"] + " …")
st.info(ui.esc(rec["text"]), icon=":material/format_quote:")
if rec["problems"]:
    st.write(t("Problems the source lists under this ask:"))
    for problem in rec["problems"]:
        st.text("• " + problem)

st.header(t("Asked of, and the status for each"))
for name, words in asked_of(info.addressees, said.lang):  # a list, not a table: it reads whole on a phone
    st.markdown(f"- **{ui.esc(name)}** {ui.esc(words)}")
st.caption(t("An assessment of one addressee's part of the ask speaks for that addressee only."))
st.header(t("Themes"))
st.markdown("\n".join(f"- {ui.esc(theme)}" for theme in info.themes))

st.header(t("Assessment timeline"))
who = ui.principal()
mine = who.organisation_id if permissions.may(who, Action.RECORD) else None  # the permission table decides
corrects = permissions.may(who, Action.PROPOSE_CORRECTION)
if mine:
    ui.page_link(
        "pages/update.py", label=t("Record an assessment"), icon=":material/edit_note:", query_params={"id": rec_id}
    )
    drafts = workspace.drafts(ui.engine(), who)
    for draft in drafts[drafts["recommendation_id"] == rec_id].itertuples():
        with st.container(border=True):
            state = t("returned by a reviewer") if draft.visibility == "returned" else t("waiting for review")
            st.markdown(t("**Draft of your organisation, not public** ({state})", state=ui.esc(state)))
            part = draft.addressee if isinstance(draft.addressee_id, str) else t(labels.WHOLE_ASK)
            st.markdown(
                ui.esc(
                    t(
                        "{status} · as of {date} · for {addressee} · {person}",
                        status=t(draft.status_label), date=said.date(draft.as_of), addressee=part,
                        person=draft.recorded_by,
                    )
                )
            )  # fmt: skip
            st.text(draft.rationale)
if info.history.empty:
    searched = rec["last_searched_on"]
    if searched:
        said_so = t(
            "No assessment yet, so the status is *not assessed*: evidence was last searched for on {date} and "
            "nothing found supports a status (see Research log).",
            date=ui.esc(said.date(searched)),
        )
    else:
        said_so = t(
            "No assessment yet, so the status is *not assessed*: no search for its evidence is on record yet, so "
            "this says nothing either way."
        )
    st.info(said_so, icon=":material/pending:")
for row in info.history[::-1].itertuples():
    corrects_it = bool(mine) and row.assessor_id == mine and row.state == "standing"
    ui.assessment_card(row, info.evidence, correct_link={"id": rec_id, "corrects": row.id} if corrects_it else None)
if not info.disagreement.empty:
    st.warning(t("Assessors disagree on the current status:"), icon=":material/balance:")
    disagreement = info.disagreement.assign(as_of=info.disagreement["as_of"].map(said.date))
    ui.dataframe(disagreement, key="detail_disagree", title="assessor", column_config=DISAGREE, width="stretch")

st.header(t("Evidence"))
if info.evidence.empty:
    st.write(t("No evidence on record for this recommendation."))
for ev in info.evidence.itertuples():
    with st.expander(ui.esc(f"{said.date(ev.date)} · {ev.title}")):
        st.text(ev.summary)
        st.markdown(t("Source: {link}", link=markdown.link(ev.url or ev.citation or ev.source_title or "", ev.url)))
        if ev.completeness:
            st.caption(ui.esc(ev.completeness))
        st.caption(t("Its id, to cite it in an upload of assessments (the button at the right copies it):"))
        st.code(ev.id, language=None)
        if corrects:
            ui.page_link("pages/evidence_edit.py", label=t("Correct this evidence item"), query_params={"id": ev.id})

st.header(t("Research log"))
ui.research_log(rec["research_label"], info.research)

st.header(t("Raised before or since"))
if info.links.empty:
    st.write(t("Not linked to any earlier or later recommendation."))


def open_linked(other: str) -> None:
    st.query_params["id"] = other  # the address bar follows, so a reload or a shared link shows this one


for link in info.links.itertuples():
    st.button(
        ui.esc(link.line),  # "raised again later (Repeats): 2019 · ...", in the page's language
        key=f"linked_{link.id}",
        on_click=open_linked,
        args=(link.id,),
        icon=":material/arrow_forward:",
        type="tertiary",
    )
    if link.note:
        st.caption(ui.esc(link.note))

st.header(t("Where it stands in its source"))
if info.passage:
    before, quote, after = (source_text.clean_source_text(part) for part in info.passage)
    st.caption(t("The source as converted to text, with the recommendation highlighted."))
    highlighted = f":orange-background[{ui.esc(' '.join(quote.split()))}]"  # Markdown's highlight: no words
    st.markdown(ui.esc(before).replace("\n", "  \n") + highlighted + ui.esc(after).replace("\n", "  \n"))
else:
    st.caption(t("The source text is not available here."))
