"""Explore: the filtered table of recommendations; choosing a row opens its detail."""

import streamlit as st

from recommendations import ui

ui.through_entrypoint()

st.title("Explore recommendations")
filters = ui.current_filters()
table = ui.table(filters)
st.caption(f"{len(table)} recommendations · {ui.filter_summary(filters)} Click a row to open it; column headers sort.")

if table.empty:
    st.info("No recommendation matches these filters. Loosen them in the sidebar, or use **Clear filters**.")
    st.stop()

view = table.assign(
    open_link="recommendation?id=" + table["id"],
    last_evidence=table["last_evidence_date"].fillna(""),
)[["open_link", "title", "status_label", "source_short", "addressee_labels", "themes", "last_evidence", "id"]]
event = st.dataframe(
    view,
    key="explore_table",
    hide_index=True,
    width="stretch",
    height=min(35 * len(view) + 38, 640),
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "open_link": st.column_config.LinkColumn("", display_text="Open ›", width=60),
        "title": st.column_config.TextColumn("Recommendation (short title)", width=300),
        "status_label": st.column_config.TextColumn("Current status", width=150),
        "source_short": st.column_config.TextColumn("Source", width=250, help="Year · organisers · kind"),
        "addressee_labels": st.column_config.TextColumn("Asked of", width=150),
        "themes": st.column_config.TextColumn("Themes", width=220),
        "last_evidence": st.column_config.TextColumn("Last evidence", width=100),
        "id": st.column_config.TextColumn("Id", width=150),
    },
)
rows = event.selection.rows if event and event.selection else []
if rows:
    st.switch_page("pages/recommendation.py", query_params={"id": view.iloc[rows[0]]["id"]})

labels = dict(zip(table["id"], table["year"].astype(str) + " · " + table["title"], strict=True))
choice = st.selectbox("Open a recommendation", list(labels), format_func=labels.get, index=None)
if choice:
    st.page_link("pages/recommendation.py", label="Open detail", icon=":material/article:", query_params={"id": choice})
