"""Review queue: a reviewer publishes their organisation's drafts or returns them with a comment."""

import streamlit as st

from recommendations import markdown, ui
from recommendations.ui.curation_review import waiting_note
from recommendations.write import updates, workspace

ui.through_entrypoint()
who = ui.require_page("pages/review.py")
engine = ui.engine()
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)

st.title(t("Review queue"))
st.caption(
    ui.esc(
        t(
            "Drafts recorded for {organisation}, oldest first. Publishing makes a draft count on every page at once.",
            organisation=who.organisation_name,
        )
    )
)
waiting_note(who)  # documents submitted for review are decided on under Add a document → Drafts
if done := st.session_state.pop("review_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")


def decide(assessment_id: str, decision: str) -> None:
    comment = st.session_state.get(f"review_comment_{assessment_id}", "")  # as typed when the button was pressed
    key = f"review_error_{assessment_id}"
    ui.submit(updates.review, key=key, assessment_id=assessment_id, decision=decision, comment=comment)
    if st.session_state[key]:
        st.session_state[key] = "; ".join(m for found in st.session_state[key].values() for m in found)
    else:
        del st.session_state[key]
        published = decision == updates.Decision.PUBLISHED
        st.session_state["review_done"] = (
            t("Published {id}.", id=assessment_id) if published else t("Returned {id}.", id=assessment_id)
        )


queue = workspace.review_queue(engine, who, tr)
tab_queue, tab_withdraw, tab_corrections = st.tabs(
    [t("Waiting ({n})", n=tr.number(len(queue))), t("Withdraw a published assessment"),
     t("Corrections to your evidence")]
)  # fmt: skip
with tab_queue:
    if queue.empty:
        st.info(t("Nothing is waiting for review."), icon=":material/inbox:")
    for row in queue.itertuples():
        with st.container(border=True):
            st.markdown(f"**{ui.esc(row.title)}** · {ui.esc(row.recommendation_id)}")
            facts = t(
                "{status} · as of {as_of} · for {addressee} · recorded by {person} on {when}",
                status=row.status_label, as_of=tr.date(row.as_of), addressee=row.addressee, person=row.recorded_by,
                when=ui.moment(row.recorded_at),
            )  # fmt: skip
            st.markdown(ui.esc(facts))
            if row.supersedes_id:
                st.caption(ui.esc(t("Corrects {id}: {reason}", id=row.supersedes_id, reason=row.supersede_reason)))
            st.text(row.rationale)
            for ev in row.evidence:
                st.markdown(f"- {ui.esc(tr.date(ev['date']))} · {markdown.link(ev['title'], ev['url'])}")
            if error := st.session_state.pop(f"review_error_{row.id}", None):
                st.error(ui.esc(error))
            st.text_area(t("Comment (needed to return it)"), key=f"review_comment_{row.id}")
            left, right = st.columns(2)
            left.button(
                t("Publish"), key=f"review_publish_{row.id}", type="primary", on_click=decide,
                args=(row.id, "published"),
            )  # fmt: skip
            right.button(
                t("Return with the comment"), key=f"review_return_{row.id}", on_click=decide, args=(row.id, "returned")
            )

with tab_withdraw:
    standing = workspace.standing_of(engine, who, tr)
    if standing.empty:
        st.info(t("Your organisation has no published assessment that stands."))
    else:
        labels = {
            r.id: t("{recommendation} · {status} as of {as_of} ({id})", recommendation=r.recommendation_id,
                    status=r.status_label, as_of=tr.date(r.as_of), id=r.id)
            for r in standing.itertuples()
        }  # fmt: skip
        with st.form("withdraw"):
            chosen = st.selectbox(t("Assessment"), list(labels), format_func=labels.get)
            reason = st.text_area(t("Why it is withdrawn (shown in the history)"))
            if st.form_submit_button(t("Withdraw it")):
                if ui.submit(updates.withdraw, key="withdraw_errors", assessment_id=chosen, reason=reason):
                    st.session_state["review_done"] = t(
                        "Withdrew {id}; the history keeps it, marked as withdrawn.", id=chosen
                    )
                    st.rerun()
                for message in (m for found in st.session_state.pop("withdraw_errors").values() for m in found):
                    st.error(ui.esc(message))

with tab_corrections:
    st.caption(t("Corrections that others propose to the evidence items your organisation recorded."))
    ui.correction_queue(who)
