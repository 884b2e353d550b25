"""Correct an evidence item: its own organisation saves at once; anyone else proposes, and that organisation decides."""

import streamlit as st

from recommendations import permissions, ui
from recommendations.write import corrections, workspace

ui.through_entrypoint()
who = ui.require_page("pages/evidence_edit.py")
state = st.session_state

evidence_id = st.query_params.get("id", "")
item = workspace.evidence_item(ui.engine(), who, evidence_id)
st.title("Correct an evidence item")
if item is None:
    st.error(ui.esc(f"No evidence item has the id “{evidence_id[:200]}”."))
    st.stop()
direct = permissions.allowed(who, permissions.Action.EDIT_EVIDENCE, item["organisation_id"])
seen_key = f"ev_seen_{evidence_id}"
state.setdefault(seen_key, item["version"])  # the version this person is editing, kept until they save
st.caption(ui.esc(f"{evidence_id} · {item['date']} · {item['kind']} · version {item['version']}"))
st.info(
    "Your correction is saved at once and every page shows it; the earlier wording stays in the item's history."
    if direct
    else "Your correction is a proposal: the organisation that recorded this item (for the curated dataset, an "
    "admin) publishes or returns it. The item does not change until then.",
    icon=":material/info:",
)
if done := state.pop("ev_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")
problems = state.pop("ev_errors", {})
if state.pop("ev_conflict", None):
    st.markdown("**As it is now:**")
    st.text(f"{item['title']}\n{item['url'] or item['citation'] or ''}\n{item['summary']}")
ui.problem_summary(problems, beside=(*corrections.EDITABLE_EVIDENCE, "reason"))
for name in corrections.EDITABLE_EVIDENCE:
    state.setdefault(f"ev_{evidence_id}_{name}", item[name] or "")
LABELS = {"title": "Title", "url": "Web address (http or https)", "citation": "Citation (when there is no address)",
          "summary": "Summary, in your own words", "completeness": "How much of the source could be read"}  # fmt: skip
with st.form("evidence_edit", enter_to_submit=False):
    values = {}
    for name, label in LABELS.items():
        field = st.text_area if name == "summary" else st.text_input
        values[name] = field(label, key=f"ev_{evidence_id}_{name}")
        ui.field_errors(problems, name)  # right under its field
    reason = st.text_area("Why it is corrected (kept in the history)", key=f"ev_{evidence_id}_reason")
    ui.field_errors(problems, "reason")
    submitted = st.form_submit_button("Save the correction" if direct else "Propose the correction", type="primary")
if submitted:
    seen = state[seen_key]
    result = ui.submit(
        corrections.correct_evidence, key="ev_errors", evidence_id=evidence_id, seen_version=seen, changes=values,
        reason=reason,
    )  # fmt: skip
    if result is not None:
        state[seen_key] = result.version
        state["ev_done"] = (
            "Saved. Every page shows the corrected item."
            if result.published
            else "Proposed. The item's organisation will publish or return your correction."
        )
    elif state["ev_errors"].get("conflict"):  # someone saved first: show their version
        state[seen_key] = item["version"]  # saving again, knowingly, replaces the newer version
        state["ev_conflict"] = True
    st.rerun()

history = workspace.corrections_of(ui.engine(), evidence_id)
if not history.empty:
    st.header("Earlier corrections")
    for row in history.itertuples():
        changed = [k for k in row.after if row.before.get(k) != row.after.get(k)]
        with st.expander(ui.esc(f"{row.reviewed_at:%Y-%m-%d} · {', '.join(changed)} · {row.proposed_by}")):
            st.text(f"Why: {row.reason}")
            for key in changed:
                st.text(f"{key} before: {row.before.get(key) or '—'}\n{key} after: {row.after.get(key) or '—'}")
