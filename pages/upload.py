"""Upload updates: many assessments at once from a CSV or XLSX file, checked row by row before anything is written."""

import pandas as pd
import streamlit as st

from recommendations import permissions, ui
from recommendations.write import bulk, uploads

ui.through_entrypoint()
who = ui.require_page("pages/upload.py")
state = st.session_state
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)

st.title(t("Upload updates"))
st.write(
    ui.esc(
        t(
            "Before a meeting, record many assessments at once. Rows are recorded for {organisation}, as drafts "
            "unless a reviewer publishes them.",
            organisation=who.organisation_name,
        )
    )
)
st.markdown(
    "\n".join(
        f"- {line}"
        for line in (
            t("Start from the template: one row per assessment, and an **example row** to replace (it is never "
              "recorded)."),
            t("Name an addressee by its acronym or id (*MoLVT* or *molvt*); leave it empty for the whole ask."),
            t("Cite evidence by its id, shown under each evidence item on a recommendation's page; separate ids "
              "with ;."),
            t("An **assessments** sheet of the XLSX download, edited, can be uploaded back as it is."),
        )
    )
)  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
engine = ui.engine()
left, right = st.columns(2)
left.download_button(
    t("Template (XLSX, with notes on each column)"), lambda: bulk.template_xlsx(engine),
    file_name="assessments-template.xlsx", mime=XLSX, icon=":material/download:",
)  # fmt: skip
right.download_button(
    t("Template (CSV)"), lambda: bulk.template_csv(engine), file_name="assessments-template.csv", mime="text/csv",
    icon=":material/download:",
)  # fmt: skip

max_bytes, max_rows = uploads.limits()
upload = st.file_uploader(
    t(
        "The filled file (CSV UTF-8 or XLSX; at most {size} and {rows} rows)",
        size=uploads.size_words(max_bytes),
        rows=tr.number(max_rows),
    ),
    type=["csv", "xlsx"],
    key="upload_file",
)
publish = False
if permissions.allowed(who, permissions.Action.PUBLISH, who.organisation_id):
    publish = st.checkbox(t("Publish the rows at once (as a reviewer)"), key="upload_publish")
if upload is None:
    st.stop()

data = upload.getvalue()
try:
    preview = bulk.import_updates(engine, who, data, commit=False, publish=publish)
except uploads.UploadRefused as exc:
    refused = t("{file}: {problem} Nothing was written.", file=upload.name, problem=tr.say(exc.message))
    st.error(ui.esc(refused), icon=":material/block:")
    st.stop()

cols = st.columns(3)
cols[0].metric(t("Rows to record"), tr.number(preview.new))
cols[1].metric(t("Already recorded (skipped)"), tr.number(preview.unchanged))
cols[2].metric(t("Rows with problems (not written)"), tr.number(preview.errors))
OUTCOMES = {"new": t("will be recorded"), "unchanged": t("already recorded"), "error": t("problem")}
table = pd.DataFrame(
    [
        {
            "row": r.row,
            "outcome": OUTCOMES[r.outcome],
            "problems": len(r.problems) if r.outcome == "error" else 0,
            "recommendation": r.values.get("recommendation_id", ""),
            "status": r.values.get("status", ""),
            "as of": r.values.get("as_of", ""),
        }
        for r in preview.rows
    ]
)
HEADERS = {"row": t("Row"), "outcome": t("Outcome"), "recommendation": t("Recommendation"), "status": t("Status"),
           "as of": t("As of"), "problems": st.column_config.NumberColumn(t("Problems"))}  # fmt: skip
st.dataframe(table, hide_index=True, column_config=HEADERS)
if preview.errors:  # as text, not a table column: it wraps, and a phone shows all of it
    st.header(t("Problems, row by row"))
    for r in (r for r in preview.rows if r.outcome == "error"):
        which = r.values.get("recommendation_id") or t("no recommendation id")
        st.markdown(
            f"**{t('Row {n}', n=r.row)}** ({ui.esc(which)})\n\n" + "\n".join(f"- {ui.esc(e)}" for e in r.said(tr))
        )
if preview.new == 0:
    st.info(t("Nothing to record: fix the rows with problems and upload the file again."))
    st.stop()

record = (
    t("Record the {n} valid row(s) as published", n=tr.number(preview.new))
    if publish
    else t("Record the {n} valid row(s) as drafts", n=tr.number(preview.new))
)
if st.button(record, type="primary", key="upload_commit"):
    try:
        report = bulk.import_updates(engine, ui.principal(), data, commit=True, publish=publish)
    except uploads.UploadRefused as exc:
        st.error(ui.esc(tr.say(exc.message)))
    else:
        ui.clear_caches()
        counts = {"n": tr.number(report.new), "errors": tr.number(report.errors)}
        st.success(
            t("Recorded {n} row(s) as published; {errors} row(s) with problems were not written.", **counts)
            if publish
            else t("Recorded {n} row(s) as drafts; {errors} row(s) with problems were not written.", **counts)
        )
