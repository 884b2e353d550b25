"""Overview for donors: what matters in words, progress over time, status by theme, owner and source, gaps."""

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from recommendations import numbers, ui
from recommendations.i18n import N_
from recommendations.read import figures as bases
from recommendations.read import headlines
from recommendations.ui import t
from recommendations.vocabulary import MOVING_LABEL, MOVING_MEANS

ui.through_entrypoint()

MOST_BARS = 30  # bars in a "where things stand" chart


def percent_columns(grid: pd.DataFrame, shares: bool) -> dict[str, Any]:
    """Whole percentages where the table holds shares (``headlines.status_table``), the one format."""
    return {c: st.column_config.NumberColumn(c, format=numbers.COLUMN_PERCENT) for c in grid.columns} if shares else {}


lang, said = ui.language(), ui.tr()
st.title(t("Migrant-worker recommendation tracker"))
st.write(
    t(
        "Every civil-society (CSO), ASEAN Forum on Migrant Labour (AFML) and Cambodian tripartite recommendation "
        "on migrant workers from 2011 to 2022 that we hold the text of: who is asked to act, what has been done "
        "since, and the evidence for it."
    )
)
filters = ui.current_filters()
ui.ahead(ui.status_over_time, filters, lang)  # the page's longest read, beside the counts it reads first
counted = ui.summary(filters)  # counts in SQL: no table of every recommendation
st.caption(ui.filter_summary(filters))
st.header(ui.esc(headlines.sentence_of(counted.count, lang)))

figures = headlines.figures_of(counted.count, counted.sources)
known = ui.counts()
ids = None if counted.ids is None else tuple(sorted(counted.ids))
evidence = ui.evidence_in(ids)
total, assessed, moving = int(figures["recommendations"]), int(figures["assessed"]), int(figures["moving"])
cols = st.columns(5)
cols[0].metric(t("Recommendations"), said.number(total))
cols[1].metric(t("Sources"), said.number(int(figures["sources"])))
assessed_help = t("Recommendations with a published status backed by evidence.")
cols[2].metric(t("Assessed"), numbers.of(assessed, total, lang=lang), help=assessed_help)
cols[3].metric(
    t(MOVING_LABEL), numbers.of(moving, total, lang=lang),
    help=t("Recommendations whose current status is {means}.", means=t(MOVING_MEANS)),
)  # fmt: skip
cols[4].metric(t("Evidence items"), said.number(evidence))
st.write(ui.esc(bases.progress_base(total, assessed, moving, lang)))
without_texts = known["sources"] - ui.sources_with_texts()
numbers_said = {
    "total": total, "sources": int(figures["sources"]), "known": known["sources"], "without": without_texts,
    "evidence": evidence, "all_evidence": known["evidence"],
}  # fmt: skip
numbers_said = {name: said.number(n) for name, n in numbers_said.items()}
st.caption(
    t(
        "These figures count the whole tracker: {total} recommendations from {sources} source documents (the tracker "
        "knows {known} sources, {without} of them without recommendation texts here: see Known gaps), and {evidence} "
        "evidence items that bear on them ({all_evidence} in the tracker in all).",
        **numbers_said,
    )
    if ids is None
    else t(
        "These figures count this selection: {total} recommendations from {sources} source documents (the tracker "
        "knows {known} sources, {without} of them without recommendation texts here: see Known gaps), and {evidence} "
        "evidence items that bear on them ({all_evidence} in the tracker in all).",
        **numbers_said,
    )
)
ui.review_note(counted.awaits_review)

if not counted.total:
    st.info(t("No recommendation matches these filters. Use **Clear filters** in the sidebar."))
    st.stop()

st.header(t("Status over time"))
st.write(ui.esc(ui.trend_sentence(filters)))
st.caption(
    t(
        "Status of the recommendations made so far, as of 31 December of each year, derived from the dated "
        "assessment history. A recommendation without an assessment backed by evidence is counted as not assessed."
    )
)
over_time = ui.status_over_time(filters)
SHOW = [N_("Counts"), N_("Shares")]  # the values (kept in the session); shown in the page's language
as_share = st.segmented_control(t("Show"), SHOW, format_func=said.t, default="Counts", key="overview_share") == "Shares"
shown = over_time.assign(share=over_time["count"] / over_time.groupby("year")["count"].transform("sum"))
axes = {
    "year": t("Year"),
    "count": t("Recommendations"),
    "share": t("Share of recommendations made"),
    "status_label": "",
}
ui.kept_chart(("overview", "over time", filters, as_share), lambda: ui.bars(  # built once per choice, for every reader
    shown, x="year", y="share" if as_share else "count", color="status_label", labels=axes,
    colours=ui.status_colours(), orders={"status_label": ui.status_order()},
).update_layout(bargap=0.15, xaxis={"dtick": 2}, yaxis=ui.share_axis(1.0) if as_share else {}),
    t("Bar chart: status of the recommendations made so far, at the end of each year."))  # fmt: skip
last = shown[shown["year"] == shown["year"].max()]
last = last.assign(order=last["status_label"].map(ui.status_order().index)).sort_values("order")
in_year = [
    f"{said.number(int(r.count))} {r.status_label.lower()} ({numbers.percent(r.share, lang)})"
    for r in last.itertuples()
]
st.caption(ui.esc(t("In {year}: {figures}.", year=int(last["year"].max()), figures=", ".join(in_year))))
YEAR = {"year": st.column_config.NumberColumn(t("Year"), format="%d")}
with st.expander(t("The numbers behind the chart")):
    grid = headlines.status_table(shown, "year", shares=as_share, lang=lang)
    st.caption(
        t("Each year's share of the recommendations made so far.") if as_share else t("Recommendations per year.")
    )
    ui.dataframe(
        grid.reset_index(), key="overview_over_time", title="year",
        column_config={**YEAR, **percent_columns(grid, as_share)}, hide_index=True,
    )  # fmt: skip

st.header(t("Where things stand"))
DIMENSIONS = {  # dimension: (tab, axis label, the chart's text alternative, the expander)
    "theme": (
        t("By theme"), t("Theme"), t("Bar chart: recommendations by theme, split by current status."),
        t("The numbers behind the chart (theme)"),
    ),
    "addressee": (
        t("By addressee"), t("Asked of"), t("Bar chart: recommendations by addressee, split by current status."),
        t("The numbers behind the chart (asked of)"),
    ),
    "source": (
        t("By source"), t("Source"), t("Bar chart: recommendations by source, split by current status."),
        t("The numbers behind the chart (source)"),
    ),
}  # fmt: skip
tabs = st.tabs([tab for tab, *_ in DIMENSIONS.values()])
for tab, (dimension, (_, label, alt, behind_label)) in zip(tabs, DIMENSIONS.items(), strict=True):
    with tab:
        frame = counted.by[dimension]
        frame = frame.assign(label=frame[dimension].map(ui.chart_label))
        order = frame.groupby("label")["count"].sum().sort_values(ascending=False).index.tolist()
        behind = frame
        if len(order) > MOST_BARS:  # a bar per source of a regional tracker would be unreadable, and heavy
            st.caption(
                t("The {most} with the most recommendations of {total}; the table below has all.",
                  most=MOST_BARS, total=said.number(len(order)))
            )  # fmt: skip
            order = order[:MOST_BARS]
            frame = frame[frame["label"].isin(order)]
        if dimension == "addressee":
            st.caption(
                t("Each addressee's status for its part of the ask: a status judged for one is never another's.")
            )
        bars = partial(  # built once per filter and language, for every reader
            ui.bars, frame, y="label", x="count", color="status_label", orientation="h",
            colours=ui.status_colours(),
            orders={"status_label": ui.status_order(), "label": order},
            labels={"label": label, "count": t("Recommendations"), "status_label": ""},
        )  # fmt: skip
        ui.kept_chart(("overview", dimension, filters), bars, alt, rows=len(order))
        with st.expander(behind_label):
            ui.dataframe(
                headlines.status_table(behind, dimension, lang=lang), key=f"overview_by_{dimension}", title=dimension,
                width="stretch",
            )  # fmt: skip

disagreeing = ui.disagreement_rows()  # counted in SQL; only the page shown is built
if counted.ids is not None:
    disagreeing = disagreeing[disagreeing["recommendation_id"].isin(counted.ids)]
if len(disagreeing):
    st.header(t("Where assessors disagree"))
    st.caption(
        t(
            "Several organisations may assess the same recommendation; their latest assessments stand side by side. "
            "Open a recommendation to read each one's rationale."
        )
    )
    start = ui.page_start(int(disagreeing["rows"].sum()), "overview_disagree_page", per_page=20, what=t("assessments"))
    disagree = ui.disagreements_page(disagreeing, start, 20)
    disagree = disagree.assign(as_of=disagree["as_of"].map(said.date))
    ui.dataframe(
        disagree.assign(link="recommendation?id=" + disagree["recommendation_id"]), key="overview_disagree",
        title="title", link="link", column_order=["title", "assessor", "status_label", "as_of", "link"],
        column_config={
            "title": t("Recommendation"), "assessor": t("Assessed by"), "status_label": t("Their latest status"),
            "as_of": t("As of"), "link": st.column_config.LinkColumn(t("Open"), display_text=t("Open ›")),
        },
        hide_index=True,
    )  # fmt: skip

st.header(t("Known gaps"))
st.write(ui.esc(headlines.gaps_summary(ui.gaps(), lang)))
ui.page_link(
    "pages/sources.py", label=t("Each document, what is missing and where its text is"), icon=":material/menu_book:"
)
