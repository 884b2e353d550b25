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
    source=table["source_title"],
    last_evidence=table["last_evidence_date"].fillna(""),
)[["title", "source", "year", "addressee_labels", "themes", "status_label", "last_evidence", "open_link", "id"]]
event = st.dataframe(
    view,
    key="explore_table",
    hide_index=True,
    width="stretch",
    height=min(38 * len(view) + 40, 640),
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "title": st.column_config.TextColumn("Recommendation (short title)", width="large"),
        "source": st.column_config.TextColumn("Source", width="medium"),
        "year": st.column_config.NumberColumn("Year", format="%d"),
        "addressee_labels": st.column_config.TextColumn("Asked of"),
        "themes": st.column_config.TextColumn("Themes"),
        "status_label": st.column_config.TextColumn("Current status"),
        "last_evidence": st.column_config.TextColumn("Last evidence"),
        "open_link": st.column_config.LinkColumn("Open", display_text="Open ›"),
        "id": st.column_config.TextColumn("Id"),
    },
)
rows = event.selection.rows if event and event.selection else []
if rows:
    st.switch_page("pages/recommendation.py", query_params={"id": view.iloc[rows[0]]["id"]})

labels = dict(zip(table["id"], table["year"].astype(str) + " · " + table["title"], strict=True))
choice = st.selectbox("Open a recommendation", list(labels), format_func=labels.get, index=None)
if choice:
    st.page_link("pages/recommendation.py", label="Open detail", icon=":material/article:", query_params={"id": choice})
