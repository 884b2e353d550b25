"""Explore: the filtered table of recommendations; choosing a row opens its detail."""

import streamlit as st

from recommendations import ui

ui.through_entrypoint()

st.title(ui.t("Explore recommendations"))
filters = ui.current_filters()
lang = ui.language()  # short titles, themes and actors in the page's language where the data has them
said = ui.tr()
count = ui.selected_count(filters)  # a COUNT; only the page shown is built
if filters.is_empty():
    caption = ui.plural(
        "{n} recommendation · {filters} Click a row to open it; column headers sort.",
        "{n} recommendations · {filters} Click a row to open it; column headers sort.",
        count,
        filters=ui.filter_summary(filters),
    )
else:
    caption = ui.t(
        "{n} of {total} recommendations · {filters} Click a row to open it; column headers sort.",
        n=said.number(count),
        total=said.number(ui.selected_count(None)),
        filters=ui.filter_summary(filters),
    )
st.caption(caption)
ui.combine_switch(filters, key="explore_combine", say=False)  # the caption says it

if not count:
    st.info(ui.t("No recommendation matches these filters. Loosen them in the sidebar, or use **Clear filters**."))
    st.stop()

KEY = ["title", "status_shown", "source_short", "open_link"]
if filters.addressees:  # asks taken in through what a chosen addressee is part of say so
    KEY.insert(2, "asked_as_a_whole")
start = ui.page_start(count, "explore_page", what=ui.t("recommendations"))
page = ui.table_page(filters, start, ui.PAGE_SIZE, lang)
view = page.assign(
    open_link=[f"recommendation?id={rec_id}&lang={lang}" for rec_id in page["id"]],  # a new tab keeps the language
    last_evidence=[said.date(day) for day in page["last_evidence_date"]],
    status_shown=[
        f"{ui.t(s)} ({scope})" if scope else ui.t(s)
        for s, scope in zip(page["status_label"], page["status_scope"], strict=True)
    ],
)[[*dict.fromkeys([*KEY, "addressee_labels", "themes", "last_evidence", "asked_as_a_whole", "id"])]]
every_column = st.toggle(ui.t("Show every column"), key="explore_all_columns", help=ui.t("Fewer columns fit a phone."))
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
        "open_link": st.column_config.LinkColumn("", display_text=ui.t("Open ›"), width=60),
        "title": st.column_config.TextColumn(ui.t("Recommendation (short title)"), width=280),
        "status_shown": st.column_config.TextColumn(ui.t("Current status"), width=140),
        "source_short": st.column_config.TextColumn(ui.t("Source"), width=250, help=ui.t("Year · organisers · kind")),
        "addressee_labels": st.column_config.TextColumn(ui.t("Asked of"), width=150),
        "asked_as_a_whole": st.column_config.TextColumn(
            ui.t("Asked as a whole"),
            width=170,
            help=ui.t("Asked of what a chosen addressee is part of, such as the Government"),
        ),
        "themes": st.column_config.TextColumn(ui.t("Themes"), width=220),
        "last_evidence": st.column_config.TextColumn(ui.t("Last evidence"), width=100),
        "id": st.column_config.TextColumn(ui.t("Id"), width=150),
    },
)
ui.review_note(page["awaits_review"].any())
rows = event.selection.rows if event and event.selection else []
if rows:
    ui.switch_page("pages/recommendation.py", query_params={"id": view.iloc[rows[0]]["id"]})

choice = ui.find_recommendation(ui.t("Open a recommendation by searching for it"), key="explore_find")
if choice:
    ui.page_link(
        "pages/recommendation.py", label=ui.t("Open detail"), icon=":material/article:", query_params={"id": choice}
    )
