"""My organisation: its drafts, what was returned, what is getting stale before the next AFML, and, when nothing
is, what to assess next."""

from urllib.parse import quote

import streamlit as st

from recommendations import ui
from recommendations.write import workspace

ui.through_entrypoint()
who = ui.require_page("pages/my_organisation.py")
engine = ui.engine()
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)
lang = f"&lang={quote(tr.lang)}"  # a link out of a table keeps the page's language

st.title(ui.esc(t("My organisation: {name}", name=who.organisation_name)))
drafts = workspace.drafts_by_state(engine, who, tr)
waiting, returned = drafts["waiting"], drafts["returned"]
stale = workspace.stale(engine, who, tr=tr)
cols = st.columns(3)
cols[0].metric(t("Drafts waiting for review"), tr.number(len(waiting)))
cols[1].metric(t("Returned to you"), tr.number(len(returned)))
cols[2].metric(t("Stale (evidence over 12 months old, or none)"), tr.number(len(stale)))
ui.page_link("pages/update.py", label=t("Record an assessment"), icon=":material/edit_note:")

LINK = st.column_config.LinkColumn(t("Open"), display_text=t("Open ›"))
HEADERS = {"title": t("Recommendation"), "status_label": t("Status"), "source_short": t("Source"), "link": LINK}
st.header(t("Drafts waiting for review"))
if waiting.empty:
    st.write(t("None."))
else:
    st.dataframe(
        waiting.assign(link="recommendation?id=" + waiting["recommendation_id"].map(quote) + lang),
        column_order=["title", "status_label", "as_of", "addressee", "recorded_by", "recorded_at", "link"],
        column_config={**HEADERS, "as_of": t("As of"), "addressee": t("For"), "recorded_by": t("Recorded by"),
                       "recorded_at": t("Recorded (UTC)")},
        hide_index=True,
    )  # fmt: skip

st.header(t("Returned by a reviewer"))
if returned.empty:
    st.write(t("None."))
for row in returned.itertuples():
    with st.container(border=True):
        facts = t("{status} as of {as_of}", status=row.status_label, as_of=tr.date(row.as_of))
        st.markdown(f"**{ui.esc(row.title)}** · {ui.esc(facts)}")
        st.caption(ui.esc(t("Returned by {name}:", name=row.reviewed_by)))
        st.text(row.review_comment or "")
        ui.page_link(
            "pages/update.py", label=t("Record a revised assessment"), query_params={"id": row.recommendation_id}
        )

st.header(t("Stale: to update before the next meeting"))
st.caption(
    t(
        "Recommendations addressed to your organisation or assessed by it (drafts included) whose latest evidence "
        "is more than 12 months old, or which have none. *Your draft* says where your own draft of one stands."
    )
)
UPDATE = st.column_config.LinkColumn(t("Update"), display_text=t("Update ›"))
if not stale.empty:
    st.dataframe(
        stale.assign(update="update?id=" + stale["id"].map(quote) + lang,
                     link="recommendation?id=" + stale["id"].map(quote) + lang),
        column_order=["title", "status_label", "why", "your_draft", "source_short", "update", "link"],
        column_config={**HEADERS, "why": t("Why it is stale"), "your_draft": t("Your draft"), "update": UPDATE},
        hide_index=True,
    )  # fmt: skip
else:
    st.write(t("Nothing is stale."))
    st.header(t("What to assess next"))
    ideas = workspace.suggestions(engine, who, tr)
    if ideas.themes:
        st.caption(ui.esc(t(
            "Open asks your organisation has not assessed, on its themes (those of the asks it was asked or has "
            "assessed: {themes}); the latest meetings first.", themes=", ".join(ideas.themes),
        )))  # fmt: skip
    else:
        st.caption(t("Open asks your organisation has not assessed; the latest meetings first."))
    if ideas.asks.empty:
        st.write(t("Your organisation has assessed every open ask."))
    else:
        asks = ideas.asks.head(25)
        total = len(ideas.asks)
        st.write(
            t("{n} open asks, the first 25 shown.", n=tr.number(total)) if total > 25
            else ui.plural("{n} open ask.", "{n} open asks.", total)
        )  # fmt: skip
        st.dataframe(
            asks.assign(update="update?id=" + asks["id"].map(quote) + lang,
                        link="recommendation?id=" + asks["id"].map(quote) + lang),
            column_order=["title", "status_label", "themes", "source_short", "update", "link"],
            column_config={**HEADERS, "themes": t("Themes"), "update": UPDATE},
            hide_index=True,
        )  # fmt: skip
