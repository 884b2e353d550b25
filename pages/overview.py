"""Overview for donors: what matters in words, progress over time, status by theme, owner and source, gaps."""

from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from recommendations import numbers, ui
from recommendations.read import figures as bases
from recommendations.read import headlines
from recommendations.vocabulary import MOVING_LABEL, MOVING_MEANS

ui.through_entrypoint()

MOST_BARS = 30  # bars in a "where things stand" chart


def percent_columns(grid: pd.DataFrame, shares: bool) -> dict[str, Any]:
    """Whole percentages where the table holds shares (``headlines.status_table``), the one format."""
    return {c: st.column_config.NumberColumn(c, format=numbers.COLUMN_PERCENT) for c in grid.columns} if shares else {}


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
total, assessed, moving = figures["recommendations"], figures["assessed"], figures["moving"]
cols = st.columns(5)
cols[0].metric("Recommendations", total)
cols[1].metric("Sources", figures["sources"])
cols[2].metric(
    "Assessed", numbers.of(assessed, total), help="Recommendations with a published status backed by evidence."
)
cols[3].metric(MOVING_LABEL, numbers.of(moving, total), help=f"Recommendations whose current status is {MOVING_MEANS}.")
cols[4].metric("Evidence items", evidence)
st.write(ui.esc(bases.progress_base(total, assessed, moving)))
without_texts = known["sources"] - len(set(ui.table(None)["source_id"]))
st.caption(
    f"These figures count {'the whole tracker' if ids is None else 'this selection'}: "
    f"{total} recommendations from {figures['sources']} source documents (the tracker "
    f"knows {known['sources']} sources, {without_texts} of them without recommendation texts here: see Known "
    f"gaps), and {evidence} evidence items that bear on them ({known['evidence']} in the tracker in all)."
)

if table.empty:
    st.info("No recommendation matches these filters. Use **Clear filters** in the sidebar.")
    st.stop()

st.header("Status over time")
st.write(ui.esc(ui.trend_sentence(filters)))
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
chart.update_layout(bargap=0.15, xaxis={"dtick": 2}, yaxis=ui.share_axis(1.0) if as_share else {})
ui.chart(chart, "Bar chart: status of the recommendations made so far, at the end of each year")
last = shown[shown["year"] == shown["year"].max()]
last = last.assign(order=last["status_label"].map(ui.STATUS_LABEL_ORDER.index)).sort_values("order")
st.caption(
    ui.esc(
        f"In {int(last['year'].max())}: "
        + ", ".join(f"{int(r.count)} {r.status_label.lower()} ({numbers.percent(r.share)})" for r in last.itertuples())
        + "."
    )
)
YEAR = {"year": st.column_config.NumberColumn("Year", format="%d")}
with st.expander("The numbers behind the chart"):
    grid = headlines.status_table(shown, "year", shares=as_share)
    st.caption("Each year's share of the recommendations made so far." if as_share else "Recommendations per year.")
    ui.dataframe(
        grid.reset_index(), key="overview_over_time", title="year",
        column_config={**YEAR, **percent_columns(grid, as_share)}, hide_index=True,
    )  # fmt: skip

st.header("Where things stand")
tabs = st.tabs(["By theme", "By addressee", "By source"])
for tab, dimension, label in zip(tabs, ("theme", "addressee", "source"), ("Theme", "Asked of", "Source"), strict=True):
    with tab:
        frame = headlines.status_by(table, dimension)
        frame = frame.assign(label=frame[dimension].map(ui.chart_label))
        order = frame.groupby("label")["count"].sum().sort_values(ascending=False).index.tolist()
        behind = frame
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
                headlines.status_table(behind, dimension), key=f"overview_by_{dimension}", title=dimension,
                width="stretch",
            )  # fmt: skip

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
st.write(ui.esc(headlines.gaps_summary(ui.gaps())))
st.page_link(
    "pages/sources.py", label="Each document, what is missing and where its text is", icon=":material/menu_book:"
)
