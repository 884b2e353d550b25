"""Audit log: every write (users, organisations, evidence, assessments, reviews, loads), for admins."""

import datetime as dt

import streamlit as st

from recommendations import ui
from recommendations.audit import ACTION_LABELS, TABLE_LABELS
from recommendations.dataset import export
from recommendations.write import workspace

ui.through_entrypoint()
who = ui.require_page("pages/audit.py")
engine = ui.engine()
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)


def action_words(action: str) -> str:
    return t(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def table_words(table: str) -> str:
    return t(TABLE_LABELS[table]) if table in TABLE_LABELS else table


st.title(t("Audit log"))
st.caption(t("One row per write, recorded in the same transaction; the database refuses to change or delete them."))
choices = workspace.audit_choices(engine)
cols = st.columns(4)
person = cols[0].text_input(t("Who (email contains)"))
action = cols[1].selectbox(t("Action"), ["", *choices["actions"]], format_func=lambda a: action_words(a) or t("any"))
table = cols[2].selectbox(
    t("Record type"), ["", *choices["tables"]], format_func=lambda name: table_words(name) or t("any")
)
since = cols[3].date_input(t("Since"), value=None, format="YYYY-MM-DD")
log = workspace.audit_log(engine, who, who=person, action=action or None, table=table or None, since=since, tr=tr)
shown = log[["at", "who", "action", "table_name", "record_id", "changes"]]
st.caption(
    ui.plural(
        "{n} entry (newest first, at most 2,000). Select one to read its changes line by line.",
        "{n} entries (newest first, at most 2,000). Select one to read its changes line by line.",
        len(shown),
    )
)
picked = st.dataframe(
    shown.assign(changes=shown["changes"].str.replace("\n", " · "), action=shown["action"].map(action_words),
                 table_name=shown["table_name"].map(table_words)),
    hide_index=True, key="audit_table", on_select="rerun", selection_mode="single-row",
    column_config={"at": t("When (UTC)"), "who": t("Who"), "action": t("What"), "table_name": t("Record type"),
                   "record_id": t("Record"), "changes": st.column_config.TextColumn(t("Changes (before → after)"),
                                                                                    width="large")},
)  # fmt: skip
for index in picked.selection.rows:
    entry = shown.iloc[index]
    when = ui.moment(entry["at"])
    st.markdown(ui.esc(f"{when} · {entry['who']} · {action_words(entry['action'])} · {entry['record_id']}"))
    st.text(entry["changes"] or t("(no values recorded)"))
today = dt.date.today().isoformat()
left, right = st.columns(2)
left.download_button(t("Download CSV"), export.to_csv_bytes(shown), file_name=f"audit-{today}.csv", mime="text/csv")
right.download_button(
    t("Download XLSX"),
    export.to_xlsx_bytes({"audit": shown}),
    file_name=f"audit-{today}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
