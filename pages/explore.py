"""Explore: the filtered table of recommendations; choosing a row opens its detail."""

import streamlit as st

from recommendations import numbers, ui

ui.through_entrypoint()

st.title("Explore recommendations")
filters = ui.current_filters()
lang = ui.language()  # short titles, themes and actors in the page's language where the data has them
table = ui.table(filters, lang)
shown = f"{len(table)}" if filters.is_empty() else numbers.of(len(table), len(ui.table(None, lang)))
st.caption(f"{shown} recommendations · {ui.filter_summary(filters)} Click a row to open it; column headers sort.")
ui.combine_switch(filters, key="explore_combine", say=False)  # the caption says it

if table.empty:
    st.info(ui.t("No recommendation matches these filters. Loosen them in the sidebar, or use **Clear filters**."))
    st.stop()

KEY = ["title", "status_shown", "source_short", "open_link"]
if filters.addressees:  # asks taken in through what a chosen addressee is part of say so
    KEY.insert(2, "asked_as_a_whole")
page = ui.paged(table, "explore_page", what="recommendations")
view = page.assign(
    open_link="recommendation?id=" + page["id"],
    last_evidence=page["last_evidence_date"].fillna(""),
    status_shown=[
        f"{s} ({scope})" if scope else s for s, scope in zip(page["status_label"], page["status_scope"], strict=True)
    ],
)[[*dict.fromkeys([*KEY, "addressee_labels", "themes", "last_evidence", "asked_as_a_whole", "id"])]]
every_column = st.toggle("Show every column", key="explore_all_columns", help="Fewer columns fit a phone.")
event = ui.dataframe(
    view,
    column_order=None if every_column else KEY,
    key="explore_table",
    title="title",
    link="open_link",
    hide_index=True,
    width="stretch",
    height=min(35 * len(view) + 38, 640),
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "open_link": st.column_config.LinkColumn("", display_text="Open ›", width=60),
        "title": st.column_config.TextColumn("Recommendation (short title)", width=280),
        "status_shown": st.column_config.TextColumn("Current status", width=140),
        "source_short": st.column_config.TextColumn("Source", width=250, help="Year · organisers · kind"),
        "addressee_labels": st.column_config.TextColumn("Asked of", width=150),
        "asked_as_a_whole": st.column_config.TextColumn(
            "Asked as a whole", width=170, help="Asked of what a chosen addressee is part of, such as the Government"
        ),
        "themes": st.column_config.TextColumn("Themes", width=220),
        "last_evidence": st.column_config.TextColumn("Last evidence", width=100),
        "id": st.column_config.TextColumn("Id", width=150),
    },
)
ui.review_note(page["awaits_review"].any())
rows = event.selection.rows if event and event.selection else []
if rows:
    st.switch_page("pages/recommendation.py", query_params={"id": view.iloc[rows[0]]["id"]})

choice = ui.find_recommendation("Open a recommendation by searching for it", key="explore_find")
if choice:
    st.page_link("pages/recommendation.py", label="Open detail", icon=":material/article:", query_params={"id": choice})
