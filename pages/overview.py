"""Overview for donors: what matters in words, progress over time, status by theme, owner and source, gaps."""

import plotly.express as px
import streamlit as st

from recommendations import ui
from recommendations.read import headlines

ui.through_entrypoint()

MOST_BARS = 30  # bars in a "where things stand" chart


st.title("Migrant-worker recommendation tracker")
st.write(
    "Every civil-society (CSO), ASEAN Forum on Migrant Labour (AFML) and Cambodian tripartite recommendation "
    "on migrant workers from 2011 to 2022 that we hold the text of: who is asked to act, what has been done "
    "since, and the evidence for it."
)
filters = ui.current_filters()
table = ui.table(filters)
st.caption(ui.filter_summary(filters))
st.header(ui.esc(headlines.headline_sentence(table)))

figures = headlines.headline(table)
known = ui.counts()
ids = None if filters.is_empty() else tuple(sorted(table["id"]))
evidence = ui.evidence_in(ids)
cols = st.columns(5)
cols[0].metric("Recommendations", figures["recommendations"])
cols[1].metric("Sources", figures["sources"])
cols[2].metric("Assessed", f"{figures['share_assessed']:.0%}", help="Share with a published, evidence-backed status.")
cols[3].metric(
    "Implemented or moving",
    f"{figures['share_moving']:.0%}",
    help="Share whose current status is implemented, partially implemented or in progress.",
)
cols[4].metric("Evidence items", evidence)
without_texts = known["sources"] - len(set(ui.table(None)["source_id"]))
st.caption(
    f"These figures count {'the whole tracker' if ids is None else 'this selection'}: "
    f"{figures['recommendations']} recommendations from {figures['sources']} source documents (the tracker "
    f"knows {known['sources']} sources, {without_texts} of them without recommendation texts here: see Known "
    f"gaps), and {evidence} evidence items that bear on them ({known['evidence']} in the tracker in all)."
)

if table.empty:
    st.info("No recommendation matches these filters. Use **Clear filters** in the sidebar.")
    st.stop()

st.header("Status over time")
st.caption(
    "Status of the recommendations made so far, as of 31 December of each year, derived from the dated "
    "assessment history. A recommendation without an assessment backed by evidence is counted as not assessed."
)
over_time = ui.status_over_time(filters)
as_share = st.segmented_control("Show", ["Counts", "Shares"], default="Counts", key="overview_share") == "Shares"
shown = over_time.assign(share=over_time["count"] / over_time.groupby("year")["count"].transform("sum"))
chart = px.bar(
    shown,
    x="year",
    y="share" if as_share else "count",
    color="status_label",
    color_discrete_map=ui.STATUS_COLOURS,
    category_orders={"status_label": ui.STATUS_LABEL_ORDER},
    labels={"year": "Year", "count": "Recommendations", "share": "Share of recommendations made", "status_label": ""},
)
chart.update_layout(bargap=0.15, xaxis={"dtick": 2}, yaxis={"tickformat": ".0%"} if as_share else {})
ui.chart(chart, "Bar chart: status of the recommendations made so far, at the end of each year")
last = shown[shown["year"] == shown["year"].max()]
last = last.assign(order=last["status_label"].map(ui.STATUS_LABEL_ORDER.index)).sort_values("order")
st.caption(
    ui.esc(
        f"In {int(last['year'].max())}: "
        + ", ".join(f"{int(r.count)} {r.status_label.lower()} ({r.share:.0%})" for r in last.itertuples())
        + "."
    )
)
with st.expander("The numbers behind the chart"):
    ui.dataframe(
        shown.pivot_table(index="year", columns="status_label", values="count", fill_value=0),
        key="overview_over_time",
        title="year",
        width="stretch",
    )

st.header("Where things stand")
tabs = st.tabs(["By theme", "By addressee", "By source"])
for tab, dimension, label in zip(tabs, ("theme", "addressee", "source"), ("Theme", "Asked of", "Source"), strict=True):
    with tab:
        frame = headlines.status_by(table, dimension)
        frame = frame.assign(label=frame[dimension].map(ui.chart_label))
        order = frame.groupby("label")["count"].sum().sort_values(ascending=False).index.tolist()
        numbers = frame
        if len(order) > MOST_BARS:  # a bar per source of a regional tracker would be unreadable, and heavy
            st.caption(f"The {MOST_BARS} with the most recommendations of {len(order):,}; the table below has all.")
            order = order[:MOST_BARS]
            frame = frame[frame["label"].isin(order)]
        if dimension == "addressee":
            st.caption("Each addressee's status for its part of the ask: a status judged for one is never another's.")
        fig = px.bar(
            frame,
            y="label",
            x="count",
            color="status_label",
            orientation="h",
            color_discrete_map=ui.STATUS_COLOURS,
            category_orders={"status_label": ui.STATUS_LABEL_ORDER, "label": order},
            labels={"label": label, "count": "Recommendations", "status_label": ""},
        )
        ui.chart(fig, f"Bar chart: recommendations by {dimension}, split by current status", rows=len(order))
        with st.expander(f"The numbers behind the chart ({label.lower()})"):
            ui.dataframe(
                numbers.pivot_table(index=dimension, columns="status_label", values="count", fill_value=0),
                key=f"overview_by_{dimension}",
                title=dimension,
                width="stretch",
            )

disagree = ui.disagreements()
disagree = disagree[disagree["recommendation_id"].isin(table["id"])]
if not disagree.empty:
    st.header("Where assessors disagree")
    st.caption(
        "Several organisations may assess the same recommendation; their latest assessments stand side by side. "
        "Open a recommendation to read each one's rationale."
    )
    disagree = ui.paged(disagree, "overview_disagree_page", per_page=20, what="assessments")
    ui.dataframe(
        disagree.assign(link="recommendation?id=" + disagree["recommendation_id"]),
        key="overview_disagree",
        title="title",
        link="link",
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

st.header("Known gaps")
gaps = ui.gaps()
if gaps.empty:
    st.write("No known gaps: we hold the text of every recommendation the sources mention.")
forums = gaps[gaps["kind"] == "afml"]
for gap in gaps[gaps["kind"] != "afml"].itertuples():
    missing = "an unknown number of" if gap.expected is None else str(gap.missing)
    st.warning(
        f"**{ui.esc(gap.title)}** ({ui.esc(gap.date)}): {ui.esc(missing)} recommendation(s) missing from this "
        f"tracker. {ui.esc(gap.gap_note or '')}",
        icon=":material/help:",
    )
if not forums.empty:
    st.warning(ui.esc(headlines.afml_record(gaps)), icon=":material/help:")
    with st.expander(ui.esc(f"The {len(forums)} Forums, and where their official texts are")):
        for gap in forums.itertuples():
            count = "number not known" if gap.expected is None else f"{gap.expected} recommendations, none held"
            st.markdown(f"**{ui.esc(gap.title)}** ({ui.esc(gap.date)}; {ui.esc(count)})")
            st.caption(ui.esc(gap.gap_note or ""))
