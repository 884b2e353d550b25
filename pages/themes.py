"""Themes and recurrence: when each theme was raised, and the "chronic asks" raised again and again."""

from urllib.parse import quote

import plotly.express as px
import streamlit as st

from recommendations import numbers, ui
from recommendations.read import recurrence

ui.through_entrypoint()

CHAIN_CHOICES = 200


LINK = st.column_config.LinkColumn("Detail", display_text="View", help="Open the recommendation's detail page.")
MEDIUM = {"width": "medium"}
CHRONIC = {
    "latest_title": st.column_config.TextColumn("Ask (as last raised)", **MEDIUM),
    "latest_status_label": st.column_config.TextColumn("Status now", help="Current status of the latest ask."),
    "first_year": st.column_config.NumberColumn("First raised", format="%d"),
    "times_raised": st.column_config.NumberColumn(
        "Times raised", help="Different documents (meetings) in which the ask was made."
    ),
    "years": st.column_config.ListColumn("Years raised"),
    "years_open": st.column_config.NumberColumn(
        "Years open", help="Whole years from first raised to today, or to when the latest ask was closed."
    ),
    "earliest_status_label": st.column_config.TextColumn("Status of first ask"),
    "open_members": st.column_config.NumberColumn("Open asks", help="Asks in the chain whose status is open."),
    "n_recommendations": st.column_config.NumberColumn("Recommendations", help="Recommendations in the chain."),
    "first_title": st.column_config.TextColumn("First raised as", **MEDIUM),
    "sources": st.column_config.TextColumn("Raised in", **MEDIUM),
    "members": st.column_config.TextColumn("Recommendations (title and id)", width="large"),
}  # fmt: skip
MEMBERS = {
    "title": st.column_config.TextColumn("Recommendation", **MEDIUM), "status_label": "Current status",
    "year": st.column_config.NumberColumn("Year", format="%d"), "link": LINK, "status_date": "Status as of",
    "source_title": st.column_config.TextColumn("Source", **MEDIUM), "recommendation_id": "Id",
}  # fmt: skip
NOTES = {
    "later_title": st.column_config.TextColumn("Later ask", **MEDIUM), "kind": "Link",
    "earlier_title": st.column_config.TextColumn("Earlier ask", **MEDIUM),
    "note": st.column_config.TextColumn("Why they are linked", width="large"),
}  # fmt: skip

st.title("Themes and recurrence")
filters = ui.current_filters()
table = ui.table(filters)
st.caption(ui.filter_summary(filters))
if table.empty:
    st.info("No recommendation matches these filters. Use **Clear filters** in the sidebar.")
    st.stop()

st.header("When each theme was raised")
st.caption(
    "Recommendations per theme and source year (a recommendation with several themes counts for each). "
    "Only years in which a source in this selection was issued are shown."
)
by_year = recurrence.theme_by_year(table, dict(ui.options()["themes"]))
grid = by_year.pivot_table(index="theme", columns="year", values="count", aggfunc="sum", fill_value=0)
grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index]
grid.columns = [str(year) for year in grid.columns]
fig = px.imshow(
    grid.set_axis([ui.chart_label(t, 22) for t in grid.index], axis=0),
    text_auto=True,
    aspect="auto",
    color_continuous_scale="Blues",
    labels={"x": "Source year", "y": "Theme", "color": "Recommendations"},
)
fig.update_xaxes(type="category", side="top")
fig.update_coloraxes(showscale=False)
ui.chart(fig, "Grid of recommendations per theme (rows) and source year (columns)", rows=len(grid), legend=False)
busiest = grid.sum(axis=1)
st.caption(
    ui.esc(
        "Most raised: "
        + ", ".join(f"{theme} ({int(n)})" for theme, n in busiest.head(3).items())
        + f". Years shown: {', '.join(grid.columns)}."
    )
)
with st.expander("The numbers behind the chart"):
    ui.dataframe(grid, key="themes_by_year", title="theme", width="stretch")

st.header("Chronic asks: raised again and again")
st.caption(
    "The tracker links a recommendation to an earlier one it repeats, follows up or supersedes. A chain is the "
    "latest recommendation on an ask with everything it links back to, directly or through others; times raised "
    "counts the documents (meetings) it was made in. A chain is shown whole if any of its recommendations is in "
    "the current selection; its status now is the current status of its latest recommendation."
)
chains = ui.chronic_asks(None if filters.is_empty() else tuple(sorted(table["id"])))
if chains.empty:
    st.info("No recommendation in this selection is linked to an earlier or later one, so there is no chain to show.")
    st.stop()
cols = st.columns(3)
cols[0].metric("Chains", len(chains))
cols[1].metric("Most often raised", f"{chains['times_raised'].max()} meetings")
cols[2].metric(
    "Still open",
    numbers.of(int(chains["open"].sum()), len(chains)),
    help="Chains whose latest recommendation is still open, of all chains shown.",
)
KEY_CHRONIC = ["latest_title", "latest_status_label", "first_year", "times_raised", "years_open"]
every_column = st.toggle("Show every column", key="themes_all_columns", help="Fewer columns fit a phone.")
ui.dataframe(
    ui.paged(chains, "themes_chains_page", what="chains"),
    key="themes_chains",
    title="latest_title",
    column_order=list(CHRONIC) if every_column else KEY_CHRONIC,
    column_config=CHRONIC,
    hide_index=True,
    placeholder="",
)

st.header("Follow one chain")
labels = {
    r.chain_id: f"{r.latest_title} (raised {r.times_raised} times since {r.first_year})" for r in chains.itertuples()
}
# the most raised chains, and the one in the link: a select box of every chain would not scale
choices = chains["chain_id"].head(CHAIN_CHOICES).tolist()
if st.query_params.get("chain") in labels and st.query_params["chain"] not in choices:
    choices.append(st.query_params["chain"])
if len(chains) > CHAIN_CHOICES:
    st.caption(f"The {CHAIN_CHOICES} most raised chains are listed; narrow the sidebar filters to find others.")
chain = ui.param_selectbox("Chain", choices, "chain", key="themes_chain", format_func=labels.get)
row = chains.set_index("chain_id").loc[chain]
if row["open"]:
    st.write(f"Open for {row['years_open']} years: first raised in {row['first_year']}, last in {row['latest_year']}.")
else:
    st.write(ui.esc(f"Raised from {row['first_year']}; closed on {row['closed_on']} after {row['years_open']} years."))
in_chain = ui.chain_members()[lambda d: d["chain_id"] == chain]
ui.dataframe(
    in_chain.assign(link="recommendation?id=" + in_chain["recommendation_id"].map(quote)),
    key="themes_members",
    title="title",
    link="link",
    column_order=list(MEMBERS),
    column_config=MEMBERS,
    hide_index=True,
    placeholder="",
)
notes = ui.chain_links()[lambda d: d["chain_id"] == chain]
st.markdown("**How they are linked**")
ui.dataframe(
    notes.assign(kind=notes["kind"].str.replace("_", " ").str.capitalize()),
    key="themes_links",
    title="later_title",
    column_order=list(NOTES),
    column_config=NOTES,
    hide_index=True,
)
