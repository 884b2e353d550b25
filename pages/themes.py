"""Themes and recurrence: when each theme was raised, and the "chronic asks" raised again and again."""

from urllib.parse import quote

import streamlit as st

from recommendations import numbers, ui
from recommendations.ui import t
from recommendations.vocabulary import LINK_KIND_LABELS

ui.through_entrypoint()

CHAIN_CHOICES = 200

lang, said = ui.language(), ui.tr()
LINK = st.column_config.LinkColumn(
    t("Detail"), display_text=t("View"), help=t("Open the recommendation's detail page.")
)
MEDIUM = {"width": "medium"}
CHRONIC = {
    "latest_title": st.column_config.TextColumn(t("Ask (as last raised)"), **MEDIUM),
    "latest_status_label": st.column_config.TextColumn(t("Status now"), help=t("Current status of the latest ask.")),
    "first_year": st.column_config.NumberColumn(t("First raised"), format="%d"),
    "times_raised": st.column_config.NumberColumn(
        t("Times raised"), help=t("Different documents (meetings) in which the ask was made.")
    ),
    "years": st.column_config.ListColumn(t("Years raised")),
    "years_open": st.column_config.NumberColumn(
        t("Years open"), help=t("Whole years from first raised to today, or to when the latest ask was closed.")
    ),
    "earliest_status_label": st.column_config.TextColumn(t("Status of first ask")),
    "open_members": st.column_config.NumberColumn(t("Open asks"), help=t("Asks in the chain whose status is open.")),
    "n_recommendations": st.column_config.NumberColumn(t("Recommendations"), help=t("Recommendations in the chain.")),
    "first_title": st.column_config.TextColumn(t("First raised as"), **MEDIUM),
    "sources": st.column_config.TextColumn(t("Raised in"), **MEDIUM),
    "members": st.column_config.TextColumn(t("Recommendations (title and id)"), width="large"),
}  # fmt: skip
MEMBERS = {
    "title": st.column_config.TextColumn(t("Recommendation"), **MEDIUM), "status_label": t("Current status"),
    "year": st.column_config.NumberColumn(t("Year"), format="%d"), "link": LINK, "status_date": t("Status as of"),
    "source_title": st.column_config.TextColumn(t("Source"), **MEDIUM), "recommendation_id": t("Id"),
}  # fmt: skip
NOTES = {
    "later_title": st.column_config.TextColumn(t("Later ask"), **MEDIUM), "kind": t("Link"),
    "earlier_title": st.column_config.TextColumn(t("Earlier ask"), **MEDIUM),
    "note": st.column_config.TextColumn(t("Why they are linked"), width="large"),
}  # fmt: skip

st.title(t("Themes and recurrence"))
filters = ui.current_filters()
st.caption(ui.filter_summary(filters))
ui.review_note(ui.awaits_review(filters, lang))
if not ui.selected_count(filters):
    st.info(t("No recommendation matches these filters. Use **Clear filters** in the sidebar."))
    st.stop()
ui.ahead(ui.chronic_asks, ui.selected_ids(filters), lang)  # the page's longest read, beside the themes by year

st.header(t("When each theme was raised"))
st.caption(
    t(
        "Recommendations per theme and source year (a recommendation with several themes counts for each). "
        "Only years in which a source in this selection was issued are shown."
    )
)
by_year = ui.theme_by_year(filters, lang)
grid = by_year.pivot_table(index="theme", columns="year", values="count", aggfunc="sum", fill_value=0)
grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index]
grid.columns = [str(year) for year in grid.columns]
fig = ui.counts_grid(
    grid.set_axis([ui.chart_label(theme, 22) for theme in grid.index], axis=0),
    x=t("Source year"), y=t("Theme"), value=t("Recommendations"),
)  # fmt: skip
fig.update_xaxes(type="category", side="top")
fig.update_coloraxes(showscale=False)
alt = t("Grid of recommendations per theme (rows) and source year (columns).")
ui.chart(fig, alt, rows=len(grid), legend=False)
busiest = grid.sum(axis=1)
st.caption(
    ui.esc(
        t(
            "Most raised: {themes}. Years shown: {years}.",
            themes=", ".join(f"{theme} ({said.number(int(n))})" for theme, n in busiest.head(3).items()),
            years=", ".join(grid.columns),
        )
    )
)
with st.expander(t("The numbers behind the chart")):
    ui.dataframe(grid, key="themes_by_year", title="theme", width="stretch")

st.header(t("Chronic asks: raised again and again"))
st.caption(
    t(
        "The tracker links a recommendation to an earlier one it repeats, follows up or supersedes. A chain is the "
        "latest recommendation on an ask with everything it links back to, directly or through others; times "
        "raised counts the documents (meetings) it was made in. A chain is shown whole if any of its "
        "recommendations is in the current selection; its status now is the current status of its latest "
        "recommendation."
    )
)
chains = ui.chronic_asks(ui.selected_ids(filters))
if chains.empty:
    st.info(
        t("No recommendation in this selection is linked to an earlier or later one, so there is no chain to show.")
    )
    st.stop()
cols = st.columns(3)
cols[0].metric(t("Chains"), said.number(len(chains)))
most = int(chains["times_raised"].max())
cols[1].metric(t("Most often raised"), ui.plural("{n} meeting", "{n} meetings", most))
cols[2].metric(
    t("Still open"), numbers.of(int(chains["open"].sum()), len(chains), lang=lang),
    help=t("Chains whose latest recommendation is still open, of all chains shown."),
)  # fmt: skip
KEY_CHRONIC = ["latest_title", "latest_status_label", "first_year", "times_raised", "years_open"]
every_column = st.toggle(t("Show every column"), key="themes_all_columns", help=t("Fewer columns fit a phone."))
ui.dataframe(
    ui.paged(chains, "themes_chains_page", what=t("chains")), key="themes_chains", title="latest_title",
    column_order=list(CHRONIC) if every_column else KEY_CHRONIC, column_config=CHRONIC, hide_index=True,
    placeholder="",
)  # fmt: skip

st.header(t("Follow one chain"))
labels = {
    r.chain_id: t("{title} (raised {times} times since {year})", title=r.latest_title, times=r.times_raised,
                  year=r.first_year)
    for r in chains.itertuples()
}  # fmt: skip
# the most raised chains, and the one in the link: a select box of every chain would not scale
choices = chains["chain_id"].head(CHAIN_CHOICES).tolist()
if st.query_params.get("chain") in labels and st.query_params["chain"] not in choices:
    choices.append(st.query_params["chain"])
if len(chains) > CHAIN_CHOICES:
    st.caption(
        t("The {most} most raised chains are listed; narrow the sidebar filters to find others.", most=CHAIN_CHOICES)
    )
chain = ui.param_selectbox(t("Chain"), choices, "chain", key="themes_chain", format_func=labels.get)
row = chains.set_index("chain_id").loc[chain]
if row["open"]:
    st.write(
        t("Open for {years} years: first raised in {first}, last in {last}.", years=row["years_open"],
          first=row["first_year"], last=row["latest_year"])
    )  # fmt: skip
else:
    closed = t(
        "Raised from {first}; closed on {closed} after {years} years.", first=row["first_year"],
        closed=said.date(row["closed_on"]), years=row["years_open"],
    )  # fmt: skip
    st.write(ui.esc(closed))
in_chain = ui.chain_members()[lambda d: d["chain_id"] == chain]
ui.dataframe(
    in_chain.assign(
        link="recommendation?id=" + in_chain["recommendation_id"].map(quote),
        status_date=in_chain["status_date"].map(lambda day: said.date(day) if isinstance(day, str) else day),
    ),
    key="themes_members", title="title", link="link", column_order=list(MEMBERS), column_config=MEMBERS,
    hide_index=True, placeholder="",
)  # fmt: skip
notes = ui.chain_links()[lambda d: d["chain_id"] == chain]
st.markdown(t("**How they are linked**"))
ui.dataframe(
    notes.assign(kind=notes["kind"].map(lambda kind: t(LINK_KIND_LABELS[kind]) if kind in LINK_KIND_LABELS else kind)),
    key="themes_links", title="later_title", column_order=list(NOTES), column_config=NOTES, hide_index=True,
)  # fmt: skip
