"""Small pieces every page uses: data shown inert in Markdown, a page of a long table, a search for one
recommendation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from recommendations import markdown
from recommendations.ui.data import engine
from recommendations.write.workspace import SEARCH_LIMIT, search_recommendations


def esc(text: object) -> str:
    """Data placed inside markdown is shown as written (line breaks kept): no links, images, HTML or formatting."""
    return markdown.escape(text, keep_lines=True)


PAGE_SIZE = 50  # rows per page of a table: what a reader scans, and a small payload at any size of dataset


def paged(frame: pd.DataFrame, key: str, per_page: int = PAGE_SIZE, what: str = "rows") -> pd.DataFrame:
    """One page of ``frame`` and a page chooser: the browser receives a page, never every row."""
    pages = max(1, -(-len(frame) // per_page))
    if pages == 1:
        return frame
    if not isinstance(st.session_state.get(key), int) or not 1 <= st.session_state[key] <= pages:
        st.session_state[key] = 1  # the selection shrank under the page the reader was on
    page = st.number_input(f"Page (1 to {pages:,})", min_value=1, max_value=pages, step=1, key=key)
    start = (int(page) - 1) * per_page
    st.caption(f"{what.capitalize()} {start + 1:,}–{min(start + per_page, len(frame)):,} of {len(frame):,}.")
    return frame.iloc[start : start + per_page]


def find_recommendation(label: str, key: str) -> str | None:
    """A search box for one recommendation (words of its title or text, or its id): never a list of them all."""
    query = st.text_input(label, placeholder="a word of its title or text, or its id", key=key)
    if not query.strip():
        return None

    matches = dict(search_recommendations(engine(), query))
    if not matches:
        st.info("No recommendation matches. Try another word.")
        return None
    return st.selectbox(
        f"{len(matches)} found" + (f" (the first {SEARCH_LIMIT} shown)" if len(matches) >= SEARCH_LIMIT else ""),
        list(matches),
        format_func=matches.get,  # type: ignore[arg-type]  # None for a choice no longer listed: Streamlit drops it
        index=None,
        key=f"{key}_choice",
    )


STATE_NOTES = {
    "superseded": "superseded: corrected by a later record, no longer counts",
    "withdrawn": "withdrawn: no longer counts",
    "withdrawal": "withdrawal of an earlier assessment",
}


def assessment_card(row: Any, evidence: pd.DataFrame, *, correct_link: dict[str, str] | None = None) -> None:
    """One record of an assessment history: status, date, part of the ask, assessor, how it stands, rationale,
    the evidence it cites (links only to http(s) addresses) and, for its own organisation, "Correct"."""
    with st.container(border=True):
        scope = f"for {row.addressee}" if row.addressee else "for the whole ask"
        head = f"**{esc(row.status_label)}** · as of {esc(row.as_of)} · {esc(scope)} · by {esc(row.assessor)}"
        if row.state == "withdrawal":
            head = f"**Withdrawal** of {esc(row.supersedes_id)} · as of {esc(row.as_of)} · by {esc(row.assessor)}"
        st.markdown(head)
        if row.state in STATE_NOTES:
            st.caption(esc(STATE_NOTES[row.state] + (f" (by {row.superseded_by})" if row.superseded_by else "")))
        if row.supersedes_id and row.state != "withdrawal":
            st.caption(esc(f"Corrects {row.supersedes_id}: {row.supersede_reason}"))
        elif row.state == "withdrawal":
            st.caption(esc(f"Reason: {row.supersede_reason}"))
        st.text(row.rationale)
        ev: Any  # a row of the evidence DataFrame
        for ev in evidence[evidence["id"].isin(row.evidence)].itertuples():
            st.markdown(f"- {esc(ev.date)} · {markdown.link(ev.title, ev.url)}")
        if correct_link:
            st.page_link("pages/update.py", label="Correct this assessment", query_params=correct_link)


def research_log(state_label: str, entries: pd.DataFrame) -> None:
    """Every search for a recommendation's evidence, the latest first, opened."""
    st.caption(
        esc(f"{state_label}. Every search for this recommendation's evidence, the latest first: ")
        + "looked and found nothing is a result too."
    )
    if entries.empty:
        st.write("Not yet researched: no search for evidence on this recommendation is on record.")
    search: Any  # a row of the research log's DataFrame
    for number, search in enumerate(entries.itertuples()):
        label = f"{search.searched_on} · {search.scope_label} · {search.outcome_label}"
        with st.expander(esc(label), expanded=number == 0):
            st.caption(esc(f"By {search.searched_by}."))
            st.markdown("**Where we looked**")
            for place in search.where:
                st.text("• " + place)
            st.markdown("**What was found**")
            st.text(search.found)
            if len(search.evidence):
                st.caption(esc("Evidence recorded from it: " + ", ".join(search.evidence)))
            if search.partly_read:
                st.caption("A relevant source could only be read in part.")
            if search.note:
                st.caption(esc(search.note))
