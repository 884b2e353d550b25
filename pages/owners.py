"""Owners: who is asked to act, what is asked of each actor, and where those asks stand."""

from urllib.parse import quote

import pandas as pd
import plotly.express as px
import streamlit as st

from recommendations import numbers, ui
from recommendations.read import figures, owners
from recommendations.vocabulary import ACTOR_TYPE_LABELS, MOVING_LABEL, MOVING_MEANS

ui.through_entrypoint()


INFERRED = "The text names no addressee; the document's own addressee is used."
WHOLE = "Asks made to what this actor is part of as a whole (a ministry: the Government), counted apart from its own."
LINK = st.column_config.LinkColumn("Detail", display_text="View", help="Open the recommendation's detail page.")
STATUS = st.column_config.TextColumn("Current status", help="Latest published assessment (not assessed if none).")
YEAR = st.column_config.NumberColumn("Source year", format="%d")
SHARE = {"format": numbers.COLUMN_PERCENT, "min_value": 0, "max_value": 100}  # whole percentages, as everywhere
SUMMARY = {
    "name": st.column_config.TextColumn("Actor", width="medium"), "acronym": "Acronym", "type": "Type",
    "asks": "Asks", "responsible": "Responsible",
    "supporting": "Supporting", "inferred": st.column_config.NumberColumn("Inferred", help=INFERRED),
    "open": "Open", "assessed": "Assessed",
    "moving": st.column_config.NumberColumn(MOVING_LABEL, help=f"Asks whose status is {MOVING_MEANS}."),
    "share_open": st.column_config.ProgressColumn("Share open", **SHARE),
    "share_assessed": st.column_config.ProgressColumn("Share assessed", **SHARE),
    "oldest_open_year": st.column_config.NumberColumn("Oldest open ask (year)", format="%d"),
    "also": st.column_config.TextColumn("Also asked as part of", help=WHOLE, width="medium"),
}  # fmt: skip
OLDEST = {
    "title": st.column_config.TextColumn("Recommendation", width="medium"), "status_label": STATUS,
    "years_open": st.column_config.NumberColumn("Years open", help="Whole years since the source date."),
    "year": YEAR, "link": LINK,
}  # fmt: skip
ASKS = {
    "title": st.column_config.TextColumn("Recommendation", width="medium"), "status_label": STATUS, "year": YEAR,
    "role": st.column_config.TextColumn("Role", help="Responsible for the ask, or supporting it."),
    "inferred": st.column_config.CheckboxColumn("Inferred", help=INFERRED),
    "status_date": "Status as of", "link": LINK,
    "source_title": st.column_config.TextColumn("Source", width="medium"),
    "asked_as_a_whole": st.column_config.TextColumn("Asked as a whole", help=WHOLE),
}  # fmt: skip

st.title("Who is asked to act")
st.write(
    "Each recommendation names the actors it asks to act (its addressees). Here: how much is asked of each "
    "actor, where those asks stand, and which have been open the longest. A commitment its authors made for "
    "themselves is counted among their asks but never as open."
)
filters = ui.current_filters()
table = ui.table(filters)
st.caption(ui.filter_summary(filters))
if table.empty:
    st.info("No recommendation matches these filters, so no actor is asked anything. Use **Clear filters**.")
    st.stop()
ids = None if filters.is_empty() else tuple(sorted(table["id"]))
actors = ui.owner_summary(ids)
if actors.empty:
    st.info("None of the recommendations in this selection names an addressee.")
    st.stop()

cols = st.columns(4)
cols[0].metric("Actors asked", len(actors))
cols[1].metric("Asks", int(actors["asks"].sum()), help="Recommendation–addressee pairs: one per actor asked.")
cols[2].metric(
    "Most asked", ui.esc(actors.iloc[0]["label"]), help=ui.esc(actors.iloc[0]["name"])
)  # values are Markdown
cols[3].metric(
    "Asks still open",
    numbers.of(int(actors["open"].sum()), int(actors["asks"].sum())),
    help="Open status (not assessed, no progress, in progress, partially implemented); commitments never count.",
)
asked = int(table["addressee_ids"].map(len).gt(0).sum())  # the recommendations that ask someone to act
st.write(ui.esc(figures.asks_base(int(actors["open"].sum()), int(actors["asks"].sum()), asked)))

# One chart label per actor id (two actors never share a bar), markup escaped, wrapped for phones.
shown_as = ui.chart_labels(actors["actor_id"], actors["label"])
order = [shown_as[a] for a in actors["actor_id"]]
st.header("Status of what is asked of each actor")
st.caption("Each actor's asks by their status *for that actor* (an ask to several actors counts for each).")
mix = ui.owner_status_mix(ids)
fig = px.bar(
    mix.assign(label=mix["actor_id"].map(shown_as)),
    y="label",
    x="count",
    color="status_label",
    orientation="h",
    color_discrete_map=ui.STATUS_COLOURS,
    category_orders={"status_label": ui.STATUS_LABEL_ORDER, "label": order},
    labels={"label": "Asked of", "count": "Asks", "status_label": ""},
)
ui.chart(fig, "Bar chart: asks of each actor, split by their status for that actor", rows=len(order))
top = actors.iloc[0]
st.caption(
    ui.esc(
        f"Most asked: {top['label']}, {int(top['asks'])} asks, {int(top['open'])} still open. "
        f"In all, {int(actors['open'].sum())} of {int(actors['asks'].sum())} asks are open."
    )
)

st.header("Comparison across actors")
st.caption(
    "Actors by number of asks (in brackets): the share of their asks assessed at all, and the share with "
    f"progress ({MOVING_MEANS}). An ask assessed as making no progress counts only in the first; one not "
    "assessed counts in neither: whether it moved is not known."
)
shares = actors.assign(actor=[f"{shown_as[a]} ({n})" for a, n in zip(actors["actor_id"], actors["asks"], strict=True)])
shares = shares.melt(
    id_vars=["actor"], value_vars=["share_assessed", "share_moving"], var_name="measure", value_name="share"
)
shares["measure"] = shares["measure"].map({"share_assessed": "Assessed", "share_moving": MOVING_LABEL})
fig = px.bar(
    shares,
    y="actor",
    x="share",
    color="measure",
    barmode="group",
    orientation="h",
    color_discrete_map={"Assessed": "#0072B2", MOVING_LABEL: "#007A5A"},
    category_orders={"actor": shares["actor"].unique().tolist(), "measure": ["Assessed", MOVING_LABEL]},
    labels={"actor": "Asked of (number of asks)", "share": "Share of its asks", "measure": ""},
)
fig.update_layout(xaxis=ui.share_axis(shares["share"].max()))
ui.chart(fig, "Bar chart: share of each actor's asks assessed, and with progress", rows=int(len(order) * 1.4))
also_asked = ["also"] if actors["also"].any() else []  # asks to what an actor is part of, counted apart
KEY_SUMMARY = ["name", "asks", "open", "share_assessed", "oldest_open_year", *also_asked]
every_column = st.toggle("Show every column", key="owners_all_columns", help="Fewer columns fit a phone.")
ui.dataframe(
    actors.assign(
        type=actors["type"].map(ACTOR_TYPE_LABELS),
        acronym=actors["acronym"].fillna(""),
        **{c: actors[c].map(numbers.whole_percent) for c in ("share_open", "share_assessed")},
    ),
    key="owners_actors",
    title="name",
    column_order=list(SUMMARY) if every_column else KEY_SUMMARY,
    column_config=SUMMARY,
    hide_index=True,
    height="content",
    placeholder="",
)

st.header("One actor in detail")
names = {
    r.actor_id: r.name + (f" ({r.acronym})" if isinstance(r.acronym, str) and r.acronym else "")
    for r in actors.itertuples()
}
choices = actors["actor_id"].tolist()
wanted = st.query_params.get("actor")
if wanted and wanted not in choices:
    st.info("The actor in the link is not asked anything in this selection; showing another.")
default = next((a for a in filters.addressees if a in choices), choices[0])
actor = ui.param_selectbox("Actor", choices, "actor", key="owners_actor", format_func=names.get, default=default)
asks = ui.owner_asks(actor, ids).assign(link=lambda d: "recommendation?id=" + d["recommendation_id"].map(quote))
row = actors.set_index("actor_id").loc[actor]
cols = st.columns(4)
cols[0].metric(
    "Its asks", int(row["asks"]), help=f"{row['responsible']} as responsible, {row['supporting']} supporting."
)
cols[1].metric("Still open", int(row["open"]))
cols[2].metric("Assessed", int(row["assessed"]))
cols[3].metric("Oldest open ask", "none" if pd.isna(row["oldest_open_year"]) else str(row["oldest_open_year"]))

if row["also"]:
    also = row["also"][:1].upper() + row["also"][1:]
    st.caption(ui.esc(f"{also}. Those asks are listed below, marked, and not counted in its own asks above."))
st.markdown(f"**Oldest open asks of {ui.esc(names[actor])}**")
oldest = owners.oldest_open(asks[asks["asked_as_a_whole"] == ""])  # its own, as named
if oldest.empty:
    st.success("Nothing asked of this actor in this selection is still open (all implemented or not applicable).")
else:
    ui.dataframe(
        oldest, key="owners_oldest", title="title", link="link", column_order=list(OLDEST), column_config=OLDEST
    )

st.markdown(f"**Everything asked of {ui.esc(names[actor])}**")
shown = ui.paged(asks, "owners_asks_page", what="asks")
ui.dataframe(
    shown.assign(role=shown["role"].str.capitalize()),
    key="owners_asks",
    title="title",
    link="link",
    column_order=list(ASKS),
    column_config=ASKS,
    hide_index=True,
    placeholder="",
)
