"""Correct an evidence item (title, address, citation, summary), refused if someone changed it meanwhile."""

import streamlit as st
from sqlalchemy import select

from models import Evidence
from recommendations import auth, sql, ui, updates

ui.through_entrypoint()
who = ui.require_role(("contributor", "reviewer"), "pages/evidence_edit.py")
state = st.session_state
E = Evidence.__table__

evidence_id = st.query_params.get("id", "")
rows = sql.rows(ui.engine(), select(E).where(E.c.id == evidence_id))
st.title("Correct an evidence item")
if not rows:
    st.error(ui.esc(f"No evidence item has the id “{evidence_id[:200]}”."))
    st.stop()
item = rows[0]
seen_key = f"ev_seen_{evidence_id}"
state.setdefault(seen_key, item["version"])  # the version this person is editing, kept until they save
st.caption(ui.esc(f"{evidence_id} · {item['date']} · {item['kind']} · version {item['version']}"))
if done := state.pop("ev_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")
if conflict := state.pop("ev_conflict", None):
    st.error(ui.esc(conflict), icon=":material/sync_problem:")
    st.markdown("**As it is now:**")
    st.text(f"{item['title']}\n{item['url'] or item['citation'] or ''}\n{item['summary']}")

for name in updates.EDITABLE_EVIDENCE:
    state.setdefault(f"ev_{evidence_id}_{name}", item[name] or "")
with st.form("evidence_edit"):
    values = {
        "title": st.text_input("Title", key=f"ev_{evidence_id}_title"),
        "url": st.text_input("Web address (http or https)", key=f"ev_{evidence_id}_url"),
        "citation": st.text_input("Citation (when there is no address)", key=f"ev_{evidence_id}_citation"),
        "summary": st.text_area("Summary, in your own words", key=f"ev_{evidence_id}_summary"),
        "completeness": st.text_input("How much of the source could be read", key=f"ev_{evidence_id}_completeness"),
    }
    submitted = st.form_submit_button("Save the correction", type="primary")
if submitted:
    try:
        version = ui.write(updates.edit_evidence, evidence_id=evidence_id, seen_version=state[seen_key], changes=values)
    except updates.Conflict as exc:
        state["ev_conflict"] = str(exc)
        state[seen_key] = item["version"]  # saving again, knowingly, replaces the newer version
        st.rerun()
    except updates.Invalid as exc:
        for error in exc.errors:
            st.error(ui.esc(f"{error.field}: {error.message}"))
    except auth.PermissionDenied as exc:
        st.error(ui.esc(str(exc)))
    else:
        state[seen_key] = version
        state["ev_done"] = "Saved. Every page shows the corrected item."
        st.rerun()
