"""Small pieces every page uses: data shown inert in Markdown, a page of a long table, a search for one
recommendation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from recommendations import markdown
from recommendations.i18n import N_
from recommendations.ui.data import engine
from recommendations.ui.language import page_link, t, tr
from recommendations.vocabulary import RESEARCH_OUTCOME_LABELS, RESEARCH_SCOPE_LABELS
from recommendations.write.workspace import SEARCH_LIMIT, search_recommendations


def esc(text: object) -> str:
    """Data placed inside markdown is shown as written (line breaks kept): no links, images, HTML or formatting."""
    return markdown.escape(text, keep_lines=True)


PAGE_SIZE = 50  # rows per page of a table: what a reader scans, and a small payload at any size of dataset


def paged(frame: pd.DataFrame, key: str, per_page: int = PAGE_SIZE, what: str = "rows") -> pd.DataFrame:
    """One page of ``frame`` and a page chooser: the browser receives a page, never every row. ``what`` names
    the rows, in the page's language (``t("recommendations")``)."""
    start = page_start(len(frame), key, per_page, what)
    return frame.iloc[start : start + per_page]


def page_start(total: int, key: str, per_page: int = PAGE_SIZE, what: str = "rows") -> int:
    """The page chooser of ``paged`` for ``total`` rows the database holds: the first row of the chosen page
    (0-based), so that only that page's rows are read."""
    pages = max(1, -(-total // per_page))
    if pages == 1:
        return 0
    if not isinstance(st.session_state.get(key), int) or not 1 <= st.session_state[key] <= pages:
        st.session_state[key] = 1  # the selection shrank under the page the reader was on
    said = tr()
    page = st.number_input(
        t("Page (1 to {pages})", pages=said.number(pages)), min_value=1, max_value=pages, step=1, key=key
    )
    start = (int(page) - 1) * per_page
    first, last, count = (said.number(n) for n in (start + 1, min(start + per_page, total), total))
    st.caption(
        t("{what} {first}–{last} of {total}.", what=what[:1].upper() + what[1:], first=first, last=last, total=count)
    )
    return start


def find_recommendation(label: str, key: str) -> str | None:
    """A search box for one recommendation (words of its title or text, or its id): never a list of them all."""
    query = st.text_input(label, placeholder=t("a word of its title or text, or its id"), key=key)
    if not query.strip():
        return None

    matches = dict(search_recommendations(engine(), query))
    if not matches:
        st.info(t("No recommendation matches. Try another word."))
        return None
    found = tr().number(len(matches))
    return st.selectbox(
        t("{n} found (the first {limit} shown)", n=found, limit=tr().number(SEARCH_LIMIT))
        if len(matches) >= SEARCH_LIMIT
        else t("{n} found", n=found),
        list(matches),
        placeholder=t("Choose"),
        format_func=matches.get,  # type: ignore[arg-type]  # None for a choice no longer listed: Streamlit drops it
        index=None,
        key=f"{key}_choice",
    )


#: How a record that no longer counts is marked; with the record that replaced it when there is one.
STATE_NOTES = {
    "superseded": N_("superseded: corrected by a later record, no longer counts"),
    "withdrawn": N_("withdrawn: no longer counts"),
    "withdrawal": N_("withdrawal of an earlier assessment"),
}
STATE_NOTES_BY = {
    "superseded": N_("superseded: corrected by a later record, no longer counts (by {id})"),
    "withdrawn": N_("withdrawn: no longer counts (by {id})"),
    "withdrawal": N_("withdrawal of an earlier assessment (by {id})"),
}


def assessment_card(row: Any, evidence: pd.DataFrame, *, correct_link: dict[str, str] | None = None) -> None:
    """One record of an assessment history: status, date, part of the ask, assessor, how it stands, rationale,
    the evidence it cites (links only to http(s) addresses) and, for its own organisation, "Correct"."""
    said = tr()
    with st.container(border=True):
        when, by = esc(said.date(row.as_of)), esc(row.assessor)
        if row.state == "withdrawal":
            head = t(
                "**Withdrawal** of {id} · as of {date} · by {assessor}",
                id=esc(row.supersedes_id),
                date=when,
                assessor=by,
            )
        elif row.addressee:
            head = t(
                "**{status}** · as of {date} · for {addressee} · by {assessor}",
                status=esc(t(row.status_label)),
                date=when,
                addressee=esc(row.addressee),
                assessor=by,
            )
        else:
            head = t(
                "**{status}** · as of {date} · for the whole ask · by {assessor}",
                status=esc(t(row.status_label)),
                date=when,
                assessor=by,
            )
        st.markdown(head)
        if row.state in STATE_NOTES:
            note = (
                t(STATE_NOTES_BY[row.state], id=row.superseded_by) if row.superseded_by else t(STATE_NOTES[row.state])
            )
            st.caption(esc(note))
        if row.supersedes_id and row.state != "withdrawal":
            st.caption(esc(t("Corrects {id}: {reason}", id=row.supersedes_id, reason=row.supersede_reason)))
        elif row.state == "withdrawal":
            st.caption(esc(t("Reason: {reason}", reason=row.supersede_reason)))
        st.text(row.rationale)
        ev: Any  # a row of the evidence DataFrame
        for ev in evidence[evidence["id"].isin(row.evidence)].itertuples():
            st.markdown(f"- {esc(said.date(ev.date))} · {markdown.link(ev.title, ev.url)}")
        if correct_link:
            page_link("pages/update.py", label=t("Correct this assessment"), query_params=correct_link)


def research_log(state_label: str, entries: pd.DataFrame) -> None:
    """Every search for a recommendation's evidence, the latest first, opened; ``state_label`` is the research
    state's English label (said here in the page's language). What the searchers wrote stays as written."""
    st.caption(
        t(
            "{state}. Every search for this recommendation's evidence, the latest first: looked and found nothing is "
            "a result too.",
            state=esc(t(state_label)),
        )
    )
    if entries.empty:
        st.write(t("Not yet researched: no search for evidence on this recommendation is on record."))
    said = tr()
    search: Any  # a row of the research log's DataFrame
    for number, search in enumerate(entries.itertuples()):
        scope = t(RESEARCH_SCOPE_LABELS.get(search.scope, search.scope_label))
        outcome = t(RESEARCH_OUTCOME_LABELS.get(search.outcome, search.outcome_label))
        label = f"{said.date(search.searched_on)} · {scope} · {outcome}"
        with st.expander(esc(label), expanded=number == 0):
            st.caption(esc(t("By {name}.", name=search.searched_by)))
            st.markdown(t("**Where we looked**"))
            for place in search.where:
                st.text("• " + place)
            st.markdown(t("**What was found**"))
            st.text(search.found)
            if len(search.evidence):
                st.caption(esc(t("Evidence recorded from it: {ids}", ids=", ".join(search.evidence))))
            if search.partly_read:
                st.caption(t("A relevant source could only be read in part."))
            if search.note:
                st.caption(esc(search.note))
