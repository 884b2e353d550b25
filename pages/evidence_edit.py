"""Correct an evidence item: its own organisation saves at once; anyone else proposes, and that organisation decides."""

import streamlit as st

from recommendations import permissions, ui
from recommendations.vocabulary import EVIDENCE_KIND_LABELS
from recommendations.write import corrections, workspace

ui.through_entrypoint()
who = ui.require_page("pages/evidence_edit.py")
state = st.session_state
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)

evidence_id = st.query_params.get("id", "")
item = workspace.evidence_item(ui.engine(), who, evidence_id)
st.title(t("Correct an evidence item"))
if item is None:
    st.error(ui.esc(t("No evidence item has the id “{id}”.", id=evidence_id[:200])))
    st.stop()
direct = permissions.allowed(who, permissions.Action.EDIT_EVIDENCE, item["organisation_id"])
seen_key = f"ev_seen_{evidence_id}"
state.setdefault(seen_key, item["version"])  # the version this person is editing, kept until they save
kind = t(EVIDENCE_KIND_LABELS[item["kind"]]) if item["kind"] in EVIDENCE_KIND_LABELS else item["kind"]
facts = t("{id} · {date} · {kind} · version {version}", id=evidence_id, date=tr.date(item["date"]), kind=kind,
          version=item["version"])  # fmt: skip
st.caption(ui.esc(facts))
st.info(
    t("Your correction is saved at once and every page shows it; the earlier wording stays in the item's history.")
    if direct
    else t("Your correction is a proposal: the organisation that recorded this item (for the curated dataset, an "
           "admin) publishes or returns it. The item does not change until then."),
    icon=":material/info:",
)  # fmt: skip
if done := state.pop("ev_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")
problems = state.pop("ev_errors", {})
if state.pop("ev_conflict", None):
    st.markdown(f"**{t('As it is now:')}**")
    st.text(f"{item['title']}\n{item['url'] or item['citation'] or ''}\n{item['summary']}")
ui.problem_summary(problems, beside=(*corrections.EDITABLE_EVIDENCE, "reason"))
for name in corrections.EDITABLE_EVIDENCE:
    state.setdefault(f"ev_{evidence_id}_{name}", item[name] or "")
LABELS = {"title": t("Title"), "url": t("Web address (http or https)"),
          "citation": t("Citation (when there is no address)"), "summary": t("Summary, in your own words"),
          "completeness": t("How much of the source could be read")}  # fmt: skip
with st.form("evidence_edit", enter_to_submit=False):
    values = {}
    for name, label in LABELS.items():
        field = st.text_area if name == "summary" else st.text_input
        values[name] = field(label, key=f"ev_{evidence_id}_{name}")
        ui.field_errors(problems, name)  # right under its field
    reason = st.text_area(t("Why it is corrected (kept in the history)"), key=f"ev_{evidence_id}_reason")
    ui.field_errors(problems, "reason")
    submitted = st.form_submit_button(
        t("Save the correction") if direct else t("Propose the correction"), type="primary"
    )
if submitted:
    seen = state[seen_key]
    result = ui.submit(
        corrections.correct_evidence, key="ev_errors", evidence_id=evidence_id, seen_version=seen, changes=values,
        reason=reason,
    )  # fmt: skip
    if result is not None:
        state[seen_key] = result.version
        state["ev_done"] = (
            t("Saved. Every page shows the corrected item.")
            if result.published
            else t("Proposed. The item's organisation will publish or return your correction.")
        )
    elif state["ev_errors"].get("conflict"):  # someone saved first: show their version
        state[seen_key] = item["version"]  # saving again, knowingly, replaces the newer version
        state["ev_conflict"] = True
    st.rerun()

history = workspace.corrections_of(ui.engine(), evidence_id)
if not history.empty:
    st.header(t("Earlier corrections"))
    for row in history.itertuples():
        changed = [k for k in row.after if row.before.get(k) != row.after.get(k)]
        names = ", ".join(ui.field_label(k) for k in changed)
        with st.expander(ui.esc(f"{tr.date(row.reviewed_at.date())} · {names} · {row.proposed_by}")):
            st.text(t("Why: {reason}", reason=row.reason))
            for key in changed:
                st.text(ui.changed_values(key, row.before.get(key), row.after.get(key)))
