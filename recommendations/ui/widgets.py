"""Small pieces every page uses: data shown inert in Markdown, a page of a long table, a search for one
recommendation."""

from __future__ import annotations

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
        format_func=matches.get,
        index=None,
        key=f"{key}_choice",
    )
