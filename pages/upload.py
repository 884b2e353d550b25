"""Upload updates: many assessments at once from a CSV or XLSX file, checked row by row before anything is written."""

import pandas as pd
import streamlit as st

from recommendations import permissions, ui
from recommendations.write import bulk, uploads

ui.through_entrypoint()
who = ui.require_page("pages/upload.py")
state = st.session_state

st.title("Upload updates")
st.write(
    "Before a meeting, record many assessments at once. Rows are recorded for "
    f"{ui.esc(who.organisation_name)}, as drafts unless a reviewer publishes them."
)
st.markdown(
    "- Start from the template: one row per assessment, and an **example row** to replace (it is never recorded).\n"
    "- Name an addressee by its acronym or id (*MoLVT* or *molvt*); leave it empty for the whole ask.\n"
    "- Cite evidence by its id, shown under each evidence item on a recommendation's page; separate ids with ;.\n"
    "- An **assessments** sheet of the XLSX download, edited, can be uploaded back as it is."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
engine = ui.engine()
left, right = st.columns(2)
left.download_button(
    "Template (XLSX, with notes on each column)", lambda: bulk.template_xlsx(engine),
    file_name="assessments-template.xlsx", mime=XLSX, icon=":material/download:",
)  # fmt: skip
right.download_button(
    "Template (CSV)", lambda: bulk.template_csv(engine), file_name="assessments-template.csv", mime="text/csv",
    icon=":material/download:",
)  # fmt: skip

max_bytes, max_rows = uploads.limits()
limit = f"{uploads.size_words(max_bytes)} and {max_rows:,} rows"
upload = st.file_uploader(
    f"The filled file (CSV UTF-8 or XLSX; at most {limit})", type=["csv", "xlsx"], key="upload_file"
)
publish = False
if permissions.allowed(who, permissions.Action.PUBLISH, who.organisation_id):
    publish = st.checkbox("Publish the rows at once (as a reviewer)", key="upload_publish")
if upload is None:
    st.stop()

data = upload.getvalue()
try:
    preview = bulk.import_updates(engine, who, data, commit=False, publish=publish)
except uploads.UploadRefused as exc:
    st.error(ui.esc(f"{upload.name}: {exc} Nothing was written."), icon=":material/block:")
    st.stop()

cols = st.columns(3)
cols[0].metric("Rows to record", preview.new)
cols[1].metric("Already recorded (skipped)", preview.unchanged)
cols[2].metric("Rows with problems (not written)", preview.errors)
table = pd.DataFrame(
    [
        {
            "row": r.row,
            "outcome": {"new": "will be recorded", "unchanged": "already recorded", "error": "problem"}[r.outcome],
            "problems": len(r.errors) if r.outcome == "error" else 0,
            "recommendation": r.values.get("recommendation_id", ""),
            "status": r.values.get("status", ""),
            "as of": r.values.get("as_of", ""),
        }
        for r in preview.rows
    ]
)
st.dataframe(table, hide_index=True, column_config={"problems": st.column_config.NumberColumn("Problems")})
if preview.errors:  # as text, not a table column: it wraps, and a phone shows all of it
    st.header("Problems, row by row")
    for r in (r for r in preview.rows if r.outcome == "error"):
        st.markdown(
            f"**Row {r.row}** ({ui.esc(r.values.get('recommendation_id') or 'no recommendation id')})\n\n"
            + "\n".join(f"- {ui.esc(e)}" for e in r.errors)
        )
if preview.new == 0:
    st.info("Nothing to record: fix the rows with problems and upload the file again.")
    st.stop()

what = "published" if publish else "drafts"
if st.button(f"Record the {preview.new} valid row(s) as {what}", type="primary", key="upload_commit"):
    try:
        report = bulk.import_updates(engine, ui.principal(), data, commit=True, publish=publish)
    except uploads.UploadRefused as exc:
        st.error(ui.esc(str(exc)))
    else:
        ui.clear_caches()
        st.success(f"Recorded {report.new} row(s) as {what}; {report.errors} row(s) with problems were not written.")
