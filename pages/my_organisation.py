"""My organisation: its drafts, what was returned, what is getting stale before the next AFML, and, when nothing
is, what to assess next."""

from urllib.parse import quote

import streamlit as st

from recommendations import ui
from recommendations.write import workspace

ui.through_entrypoint()
who = ui.require_page("pages/my_organisation.py")
engine = ui.engine()

st.title(ui.esc(f"My organisation: {who.organisation_name}"))
drafts = workspace.drafts_by_state(engine, who)
waiting, returned = drafts["waiting"], drafts["returned"]
stale = workspace.stale(engine, who)
cols = st.columns(3)
cols[0].metric("Drafts waiting for review", len(waiting))
cols[1].metric("Returned to you", len(returned))
cols[2].metric("Stale (evidence over 12 months old, or none)", len(stale))
st.page_link("pages/update.py", label="Record an assessment", icon=":material/edit_note:")

LINK = st.column_config.LinkColumn("Open", display_text="Open ›")
st.header("Drafts waiting for review")
if waiting.empty:
    st.write("None.")
else:
    st.dataframe(
        waiting.assign(link="recommendation?id=" + waiting["recommendation_id"].map(quote)),
        column_order=["title", "status_label", "as_of", "addressee", "recorded_by", "recorded_at", "link"],
        column_config={"title": "Recommendation", "status_label": "Status", "as_of": "As of", "addressee": "For",
                       "recorded_by": "Recorded by", "recorded_at": "Recorded (UTC)", "link": LINK},
        hide_index=True,
    )  # fmt: skip

st.header("Returned by a reviewer")
if returned.empty:
    st.write("None.")
for row in returned.itertuples():
    with st.container(border=True):
        st.markdown(f"**{ui.esc(row.title)}** · {ui.esc(row.status_label)} as of {ui.esc(row.as_of)}")
        st.caption(ui.esc(f"Returned by {row.reviewed_by}:"))
        st.text(row.review_comment or "")
        st.page_link("pages/update.py", label="Record a revised assessment", query_params={"id": row.recommendation_id})

st.header("Stale: to update before the next meeting")
st.caption(
    "Recommendations addressed to your organisation or assessed by it (drafts included) whose latest evidence is "
    "more than 12 months old, or which have none. *Your draft* says where your own draft of one stands."
)
UPDATE = st.column_config.LinkColumn("Update", display_text="Update ›")
if not stale.empty:
    st.dataframe(
        stale.assign(update="update?id=" + stale["id"].map(quote), link="recommendation?id=" + stale["id"].map(quote)),
        column_order=["title", "status_label", "why", "your_draft", "source_short", "update", "link"],
        column_config={"title": "Recommendation", "status_label": "Status", "why": "Why it is stale",
                       "your_draft": "Your draft", "source_short": "Source", "update": UPDATE, "link": LINK},
        hide_index=True,
    )  # fmt: skip
else:
    st.write("Nothing is stale.")
    st.header("What to assess next")
    ideas = workspace.suggestions(engine, who)
    if ideas.themes:
        st.caption(ui.esc(
            "Open asks your organisation has not assessed, on its themes (those of the asks it was asked or has "
            f"assessed: {', '.join(ideas.themes)}); the latest meetings first."
        ))  # fmt: skip
    else:
        st.caption("Open asks your organisation has not assessed; the latest meetings first.")
    if ideas.asks.empty:
        st.write("Your organisation has assessed every open ask.")
    else:
        asks = ideas.asks.head(25)
        st.write(f"{len(ideas.asks):,} open asks" + (", the first 25 shown." if len(ideas.asks) > 25 else "."))
        st.dataframe(
            asks.assign(update="update?id=" + asks["id"].map(quote), link="recommendation?id=" + asks["id"].map(quote)),
            column_order=["title", "status_label", "themes", "source_short", "update", "link"],
            column_config={"title": "Recommendation", "status_label": "Status", "themes": "Themes",
                           "source_short": "Source", "update": UPDATE, "link": LINK},
            hide_index=True,
        )  # fmt: skip
