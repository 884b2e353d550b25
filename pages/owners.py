"""Owners: who is asked to act, what is asked of each actor, and where those asks stand."""

from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from recommendations import numbers, ui
from recommendations.read import figures, owners
from recommendations.ui import t
from recommendations.vocabulary import ACTOR_TYPE_LABELS, ADDRESSEE_ROLE_LABELS, MOVING_LABEL, MOVING_MEANS

ui.through_entrypoint()

lang, said = ui.language(), ui.tr()
INFERRED = t("The text names no addressee; the document's own addressee is used.")
WHOLE = t(
    "Asks made to what this actor is part of as a whole (a ministry: the Government), counted apart from its own."
)
LINK = st.column_config.LinkColumn(
    t("Detail"), display_text=t("View"), help=t("Open the recommendation's detail page.")
)
STATUS = st.column_config.TextColumn(t("Current status"), help=t("Latest published assessment (not assessed if none)."))
YEAR = st.column_config.NumberColumn(t("Source year"), format="%d")
MOVING_HELP = t("Asks whose status is {means}.", means=t(MOVING_MEANS))
SHARE = {"format": numbers.COLUMN_PERCENT, "min_value": 0, "max_value": 100}  # whole percentages, as everywhere
SUMMARY = {
    "name": st.column_config.TextColumn(t("Actor"), width="medium"), "acronym": t("Acronym"), "type": t("Type"),
    "asks": t("Asks"), "responsible": t("Responsible"),
    "supporting": t("Supporting"), "inferred": st.column_config.NumberColumn(t("Inferred"), help=INFERRED),
    "open": t("Still open"), "assessed": t("Assessed"),
    "moving": st.column_config.NumberColumn(t(MOVING_LABEL), help=MOVING_HELP),
    "share_open": st.column_config.ProgressColumn(t("Share open"), **SHARE),
    "share_assessed": st.column_config.ProgressColumn(t("Share assessed"), **SHARE),
    "oldest_open_year": st.column_config.NumberColumn(t("Oldest open ask (year)"), format="%d"),
    "also": st.column_config.TextColumn(t("Also asked as part of"), help=WHOLE, width="medium"),
}  # fmt: skip
OLDEST = {
    "title": st.column_config.TextColumn(t("Recommendation"), width="medium"), "status_label": STATUS,
    "years_open": st.column_config.NumberColumn(t("Years open"), help=t("Whole years since the source date.")),
    "year": YEAR, "link": LINK,
}  # fmt: skip
ASKS = {
    "title": st.column_config.TextColumn(t("Recommendation"), width="medium"), "status_label": STATUS, "year": YEAR,
    "role": st.column_config.TextColumn(t("Role"), help=t("Responsible for the ask, or supporting it.")),
    "inferred": st.column_config.CheckboxColumn(t("Inferred"), help=INFERRED),
    "status_date": t("Status as of"), "link": LINK,
    "source_title": st.column_config.TextColumn(t("Source"), width="medium"),
    "asked_as_a_whole": st.column_config.TextColumn(t("Asked as a whole"), help=WHOLE),
}  # fmt: skip

st.title(t("Who is asked to act"))
st.write(
    t(
        "Each recommendation names the actors it asks to act (its addressees). Here: how much is asked of each "
        "actor, where those asks stand, and which have been open the longest. A commitment its authors made for "
        "themselves is counted among their asks but never as open."
    )
)
filters = ui.current_filters()
st.caption(ui.filter_summary(filters))
if not ui.selected_count(filters):
    st.info(t("No recommendation matches these filters, so no actor is asked anything. Use **Clear filters**."))
    st.stop()
ids = ui.selected_ids(filters)
actors = ui.owner_summary(ids)
if actors.empty:
    st.info(t("None of the recommendations in this selection names an addressee."))
    st.stop()

all_open, all_asks = int(actors["open"].sum()), int(actors["asks"].sum())
cols = st.columns(4)
cols[0].metric(t("Actors asked"), said.number(len(actors)))
cols[1].metric(t("Asks"), said.number(all_asks), help=t("Recommendation–addressee pairs: one per actor asked."))
cols[2].metric(t("Most asked"), ui.esc(actors.iloc[0]["label"]), help=ui.esc(actors.iloc[0]["name"]))  # Markdown
cols[3].metric(
    t("Asks still open"), numbers.of(all_open, all_asks, lang=lang),
    help=t("Open status (not assessed, no progress, in progress, partially implemented); commitments never count."),
)  # fmt: skip
st.write(ui.esc(figures.asks_base(all_open, all_asks, ui.asked(filters), lang)))
ui.review_note(ui.awaits_review(filters, lang))

# One chart label per actor id (two actors never share a bar), markup escaped, wrapped for phones.
shown_as = ui.chart_labels(actors["actor_id"], actors["label"])
order = [shown_as[a] for a in actors["actor_id"]]
st.header(t("Status of what is asked of each actor"))
st.caption(t("Each actor's asks by their status *for that actor* (an ask to several actors counts for each)."))


def status_bars() -> go.Figure:  # built once per selection and language (``ui.kept_chart``), for every reader
    mix = ui.owner_status_mix(ids)
    return ui.bars(
        mix.assign(label=mix["actor_id"].map(shown_as)), y="label", x="count", color="status_label", orientation="h",
        colours=ui.status_colours(), orders={"status_label": ui.status_order(), "label": order},
        labels={"label": t("Asked of"), "count": t("Asks"), "status_label": ""},
    )  # fmt: skip


alt = t("Bar chart: asks of each actor, split by their status for that actor.")
ui.kept_chart(("owners", "status", ids), status_bars, alt, rows=len(order))
top = actors.iloc[0]
st.caption(
    ui.esc(
        t(
            "Most asked: {actor}, {asks} asks, {open} still open. In all, {all_open} of {all_asks} asks are open.",
            actor=top["label"], asks=said.number(int(top["asks"])), open=said.number(int(top["open"])),
            all_open=said.number(all_open), all_asks=said.number(all_asks),
        )
    )
)  # fmt: skip

st.header(t("Comparison across actors"))
st.caption(
    t(
        "Actors by number of asks (in brackets): the share of their asks assessed at all, and the share with "
        "progress ({means}). An ask assessed as making no progress counts only in the first; one not assessed counts "
        "in neither: whether it moved is not known.",
        means=t(MOVING_MEANS),
    )
)


def share_bars() -> go.Figure:  # kept as the chart above
    shares = actors.assign(
        actor=[f"{shown_as[a]} ({n})" for a, n in zip(actors["actor_id"], actors["asks"], strict=True)]
    ).melt(id_vars=["actor"], value_vars=["share_assessed", "share_moving"], var_name="measure", value_name="share")
    measures = {"share_assessed": t("Assessed"), "share_moving": t(MOVING_LABEL)}
    shares["measure"] = shares["measure"].map(measures)
    fig = ui.bars(
        shares, y="actor", x="share", color="measure", barmode="group", orientation="h",
        colours=dict(zip(measures.values(), ["#0072B2", "#007A5A"], strict=True)),
        orders={"actor": shares["actor"].unique().tolist(), "measure": list(measures.values())},
        labels={"actor": t("Asked of (number of asks)"), "share": t("Share of its asks"), "measure": ""},
    )  # fmt: skip
    return fig.update_layout(xaxis=ui.share_axis(shares["share"].max()))


alt = t("Bar chart: share of each actor's asks assessed, and with progress.")
ui.kept_chart(("owners", "shares", ids), share_bars, alt, rows=int(len(order) * 1.4))
also_asked = ["also"] if actors["also"].any() else []  # asks to what an actor is part of, counted apart
KEY_SUMMARY = ["name", "asks", "open", "share_assessed", "oldest_open_year", *also_asked]
every_column = st.toggle(t("Show every column"), key="owners_all_columns", help=t("Fewer columns fit a phone."))
ui.dataframe(
    actors.assign(
        type=actors["type"].map(lambda kind: t(ACTOR_TYPE_LABELS[kind]) if kind in ACTOR_TYPE_LABELS else kind),
        acronym=actors["acronym"].fillna(""),
        **{c: actors[c].map(numbers.whole_percent) for c in ("share_open", "share_assessed")},
    ),
    key="owners_actors", title="name", column_order=list(SUMMARY) if every_column else KEY_SUMMARY,
    column_config=SUMMARY, hide_index=True, height="content", placeholder="",
)  # fmt: skip

st.header(t("One actor in detail"))
names = {
    r.actor_id: r.name + (f" ({r.acronym})" if isinstance(r.acronym, str) and r.acronym else "")
    for r in actors.itertuples()
}
choices = actors["actor_id"].tolist()
wanted = st.query_params.get("actor")
if wanted and wanted not in choices:
    st.info(t("The actor in the link is not asked anything in this selection; showing another."))
default = next((a for a in filters.addressees if a in choices), choices[0])
actor = ui.param_selectbox(t("Actor"), choices, "actor", key="owners_actor", format_func=names.get, default=default)
asks = ui.owner_asks(actor, ids).assign(link=lambda d: "recommendation?id=" + d["recommendation_id"].map(quote))
row = actors.set_index("actor_id").loc[actor]
cols = st.columns(4)
roles = t("{responsible} as responsible, {supporting} supporting.", responsible=said.number(int(row["responsible"])),
          supporting=said.number(int(row["supporting"])))  # fmt: skip
cols[0].metric(t("Its asks"), said.number(int(row["asks"])), help=roles)
cols[1].metric(t("Still open"), said.number(int(row["open"])))
cols[2].metric(t("Assessed"), said.number(int(row["assessed"])))
cols[3].metric(t("Oldest open ask"), t("none") if pd.isna(row["oldest_open_year"]) else str(row["oldest_open_year"]))

if row["also"]:
    also = row["also"][:1].upper() + row["also"][1:]
    st.caption(
        ui.esc(t("{also}. Those asks are listed below, marked, and not counted in its own asks above.", also=also))
    )
st.markdown(t("**Oldest open asks of {actor}**", actor=ui.esc(names[actor])))
oldest = owners.oldest_open(asks[asks["asked_as_a_whole"] == ""])  # its own, as named
if oldest.empty:
    st.success(t("Nothing asked of this actor in this selection is still open (all implemented or not applicable)."))
else:
    ui.dataframe(
        oldest, key="owners_oldest", title="title", link="link", column_order=list(OLDEST), column_config=OLDEST
    )

st.markdown(t("**Everything asked of {actor}**", actor=ui.esc(names[actor])))
shown = ui.paged(asks, "owners_asks_page", what=t("asks"))
ui.dataframe(
    shown.assign(
        role=shown["role"].map(lambda role: t(ADDRESSEE_ROLE_LABELS[role]) if role in ADDRESSEE_ROLE_LABELS else role),
        status_date=shown["status_date"].map(lambda day: said.date(day) if day else None),
    ),
    key="owners_asks", title="title", link="link", column_order=list(ASKS), column_config=ASKS, hide_index=True,
    placeholder="",
)  # fmt: skip
