"""Review queue: a reviewer publishes their organisation's drafts or returns them with a comment."""

import streamlit as st

from recommendations import markdown, ui
from recommendations.write import updates, workspace

ui.through_entrypoint()
who = ui.require_page("pages/review.py")
engine = ui.engine()

st.title("Review queue")
st.caption(
    ui.esc(
        f"Drafts recorded for {who.organisation_name}, oldest first. "
        "Publishing makes a draft count on every page at once."
    )
)
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
        verb = "Published" if decision == updates.Decision.PUBLISHED else "Returned"
        st.session_state["review_done"] = f"{verb} {assessment_id}."


queue = workspace.review_queue(engine, who)
tab_queue, tab_withdraw, tab_corrections = st.tabs(
    [f"Waiting ({len(queue)})", "Withdraw a published assessment", "Corrections to your evidence"]
)
with tab_queue:
    if queue.empty:
        st.info("Nothing is waiting for review.", icon=":material/inbox:")
    for row in queue.itertuples():
        with st.container(border=True):
            st.markdown(f"**{ui.esc(row.title)}** · {ui.esc(row.recommendation_id)}")
            when = f"{row.recorded_at:%Y-%m-%d %H:%M} UTC"
            facts = f"{row.status_label} · as of {row.as_of} · for {row.addressee}"
            st.markdown(ui.esc(f"{facts} · recorded by {row.recorded_by} on {when}"))
            if row.supersedes_id:
                st.caption(ui.esc(f"Corrects {row.supersedes_id}: {row.supersede_reason}"))
            st.text(row.rationale)
            for ev in row.evidence:
                st.markdown(f"- {ui.esc(ev['date'])} · {markdown.link(ev['title'], ev['url'])}")
            if error := st.session_state.pop(f"review_error_{row.id}", None):
                st.error(ui.esc(error))
            st.text_area("Comment (needed to return it)", key=f"review_comment_{row.id}")
            left, right = st.columns(2)
            left.button(
                "Publish", key=f"review_publish_{row.id}", type="primary", on_click=decide, args=(row.id, "published")
            )
            right.button(
                "Return with the comment", key=f"review_return_{row.id}", on_click=decide, args=(row.id, "returned")
            )

with tab_withdraw:
    standing = workspace.standing_of(engine, who)
    if standing.empty:
        st.info("Your organisation has no published assessment that stands.")
    else:
        labels = {
            r.id: f"{r.recommendation_id} · {r.status_label} as of {r.as_of} ({r.id})" for r in standing.itertuples()
        }
        with st.form("withdraw"):
            chosen = st.selectbox("Assessment", list(labels), format_func=labels.get)
            reason = st.text_area("Why it is withdrawn (shown in the history)")
            if st.form_submit_button("Withdraw it"):
                if ui.submit(updates.withdraw, key="withdraw_errors", assessment_id=chosen, reason=reason):
                    st.session_state["review_done"] = f"Withdrew {chosen}; the history keeps it, marked as withdrawn."
                    st.rerun()
                for message in (m for found in st.session_state.pop("withdraw_errors").values() for m in found):
                    st.error(ui.esc(message))

with tab_corrections:
    st.caption("Corrections that others propose to the evidence items your organisation recorded.")
    ui.correction_queue(who)
