"""Audit log: every write (users, organisations, evidence, assessments, reviews, loads), for admins."""

import datetime as dt

import streamlit as st

from recommendations import ui
from recommendations.dataset import export
from recommendations.write import workspace

ui.through_entrypoint()
who = ui.require_page("pages/audit.py")
engine = ui.engine()

st.title("Audit log")
st.caption("One row per write, recorded in the same transaction; the database refuses to change or delete them.")
choices = workspace.audit_choices(engine)
cols = st.columns(4)
person = cols[0].text_input("Who (email contains)")
action = cols[1].selectbox("Action", ["", *choices["actions"]], format_func=lambda a: a or "any")
table = cols[2].selectbox("Record type", ["", *choices["tables"]], format_func=lambda t: t or "any")
since = cols[3].date_input("Since", value=None, format="YYYY-MM-DD")
log = workspace.audit_log(engine, who, who=person, action=action or None, table=table or None, since=since)
shown = log[["at", "who", "action", "table_name", "record_id", "changes"]]
st.caption(f"{len(shown)} entries (newest first, at most 2,000). Select one to read its changes line by line.")
picked = st.dataframe(
    shown.assign(changes=shown["changes"].str.replace("\n", " · ")), hide_index=True, key="audit_table",
    on_select="rerun", selection_mode="single-row",
    column_config={"at": "When (UTC)", "who": "Who", "action": "What", "table_name": "Record type",
                   "record_id": "Record", "changes": st.column_config.TextColumn("Changes (before → after)",
                                                                                 width="large")},
)  # fmt: skip
for index in picked.selection.rows:
    entry = shown.iloc[index]
    st.markdown(ui.esc(f"{entry['at']:%Y-%m-%d %H:%M} UTC · {entry['who']} · {entry['action']} · {entry['record_id']}"))
    st.text(entry["changes"] or "(no values recorded)")
today = dt.date.today().isoformat()
left, right = st.columns(2)
left.download_button("Download CSV", export.to_csv_bytes(shown), file_name=f"audit-{today}.csv", mime="text/csv")
right.download_button(
    "Download XLSX",
    export.to_xlsx_bytes({"audit": shown}),
    file_name=f"audit-{today}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
