"""Overview for donors: headline figures, progress over time, status by theme, owner and source, known gaps."""

import plotly.express as px
import streamlit as st

from recommendations import queries, ui

ui.through_entrypoint()

st.title("Migrant-worker recommendation tracker")
st.write(
    "Every civil-society (CSO), ASEAN Forum on Migrant Labour (AFML) and Cambodian tripartite recommendation "
    "on migrant workers from 2011 to 2022 that we hold the text of: who is asked to act, what has been done "
    "since, and the evidence for it."
)
filters = ui.current_filters()
table = ui.table(filters)
st.caption(ui.filter_summary(filters))

figures = queries.headline(table)
cols = st.columns(5)
cols[0].metric("Recommendations", figures["recommendations"])
cols[1].metric("Sources", figures["sources"])
cols[2].metric("Assessed", f"{figures['share_assessed']:.0%}", help="Share with at least one published assessment.")
cols[3].metric(
    "Implemented or moving",
    f"{figures['share_moving']:.0%}",
    help="Share whose current status is implemented, partially implemented or in progress.",
)
cols[4].metric("Evidence items", ui.counts()["evidence"])

if table.empty:
    st.info("No recommendation matches these filters. Use **Clear filters** in the sidebar.")
    st.stop()

st.subheader("Status over time")
st.caption(
    "Status of the recommendations made so far, as of 31 December of each year, derived from the dated "
    "assessment history. A recommendation without an assessment backed by evidence is counted as not assessed."
)
over_time = ui.status_over_time(filters)
chart = px.bar(
    over_time,
    x="year",
    y="count",
    color="status_label",
    color_discrete_map=ui.STATUS_COLOURS,
    category_orders={"status_label": ui.STATUS_LABEL_ORDER},
    labels={"year": "Year", "count": "Recommendations", "status_label": "Status"},
)
chart.update_layout(legend_title_text="Status", bargap=0.15, xaxis={"dtick": 1})
st.plotly_chart(chart, width="stretch")

st.subheader("Where things stand")
tabs = st.tabs(["By theme", "By addressee", "By source"])
for tab, dimension, label in zip(tabs, ("theme", "addressee", "source"), ("Theme", "Asked of", "Source"), strict=True):
    with tab:
        frame = queries.status_by(table, dimension)
        order = frame.groupby(dimension)["count"].sum().sort_values().index.tolist()
        fig = px.bar(
            frame,
            y=dimension,
            x="count",
            color="status_label",
            orientation="h",
            color_discrete_map=ui.STATUS_COLOURS,
            category_orders={"status_label": ui.STATUS_LABEL_ORDER, dimension: order[::-1]},
            labels={dimension: label, "count": "Recommendations", "status_label": "Status"},
            height=max(320, 28 * len(order) + 120),
        )
        st.plotly_chart(fig, width="stretch")

disagree = ui.cached("disagreements")
disagree = disagree[disagree["recommendation_id"].isin(table["id"])]
if not disagree.empty:
    st.subheader("Where assessors disagree")
    st.caption(
        "Several organisations may assess the same recommendation; their latest assessments stand side by side. "
        "Open a recommendation to read each one's rationale."
    )
    st.dataframe(
        disagree.assign(link="recommendation?id=" + disagree["recommendation_id"]),
        column_order=["title", "assessor", "status_label", "as_of", "link"],
        column_config={
            "title": "Recommendation",
            "assessor": "Assessed by",
            "status_label": "Their latest status",
            "as_of": "As of",
            "link": st.column_config.LinkColumn("Open", display_text="Open ›"),
        },
        hide_index=True,
    )

st.subheader("Known gaps")
gaps = ui.gaps()
if gaps.empty:
    st.write("No known gaps: we hold the text of every recommendation the sources mention.")
else:
    for gap in gaps.itertuples():
        st.warning(
            f"**{ui.esc(gap.title)}** ({gap.date}): the source mentions {gap.expected} recommendation(s); "
            f"we hold the text of {gap.recorded}, so {gap.missing} are missing from this tracker. "
            + ui.esc(gap.gap_note or ""),
            icon=":material/help:",
        )
