"""The shared filters in the sidebar, kept in the address bar so a filtered view is a link someone can send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import streamlit as st

from recommendations.read.filters import PARAMS, Filters
from recommendations.read.selection import COMBINE_LABELS, COMBINE_MODES, OVERLAP, describe_selection
from recommendations.ui.data import options, reach, year_bounds
from recommendations.ui.language import t, tr
from recommendations.ui.widgets import esc


def filters_from_params(params: dict[str, list[str]]) -> Filters:
    """Filters from query parameters (``Filters.from_params``, with the choices that exist)."""
    return Filters.from_params(params, valid())


def valid() -> dict[str, set[str]]:
    """Field -> the values a filter may take (the ids that exist)."""
    return {key: {value for value, _ in choices} for key, choices in options().items()}


def labels() -> dict[str, dict[str, str]]:
    """Field -> id -> label, for saying the filters in words."""
    return {key: dict(choices) for key, choices in options().items()}


def current_filters() -> Filters:
    """The filters as the sidebar set them (read by pages)."""
    return st.session_state.get("_filters") or Filters()


def sidebar_filters() -> Filters:
    """Draw the shared filters and keep them in the URL."""
    opts = options()
    lo, hi = year_bounds()
    state = st.session_state
    in_url = {key: st.query_params.get_all(key) for key in PARAMS}
    years = state.get("f_years")
    if state.get("_filters_ready") and not (isinstance(years, tuple | list) and len(years) == 2):
        # After st.switch_page the range slider's state can come back as a single number (seen with
        # Streamlit 1.67): rebuild every filter from the address bar, which always holds them.
        state["_filters_ready"] = False
    if state.get("_filters_ready") and any(in_url.values()) and in_url != state.get("_synced_url"):
        # A link or button brought new filters in the address bar (e.g. Sources -> "its recommendations"):
        # the address bar wins. (The menu drops the parameters: then the filters set here are kept.)
        state["_filters_ready"] = False
    if not state.get("_filters_ready"):
        # The address bar, or else the filters last set (a work page does not draw the filters, so Streamlit
        # drops their widgets' state there; they come back as they were when the reader returns).
        start = filters_from_params(in_url) if any(in_url.values()) else current_filters()
        state["f_sources"] = start.sources
        state["f_years"] = (max(lo, start.year_from or lo), min(hi, start.year_to or hi))
        state["f_themes"] = start.themes
        state["f_addressees"] = start.addressees
        state["f_statuses"] = start.statuses
        state["f_kinds"] = start.kinds
        state["f_research"] = start.research
        state["f_text"] = start.text
        state["f_combine"] = start.combine  # set by the switch on Explore and the brief (combine_switch)
        state["_filters_ready"] = True

    labels = {key: dict(choices) for key, choices in opts.items()}
    with st.sidebar:
        st.header(t("Filters"))
        text = st.text_input(t("Search text"), key="f_text", placeholder=t("e.g. complaint, contract"))
        # a range slider: its state f_years is a pair (rebuilt above when it is not)
        years = (
            cast("tuple[int, int]", st.slider(t("Year of the source"), lo, hi, key="f_years")) if lo < hi else (lo, hi)
        )
        for key, label in (
            ("themes", t("Theme")),
            ("addressees", t("Asked of (addressee)")),
            ("statuses", t("Current status")),
            ("sources", t("Source / meeting")),
            ("kinds", t("Kind")),
            ("research", t("Research")),
        ):
            st.multiselect(
                label,
                list(labels[key]),
                format_func=labels[key].get,  # type: ignore[arg-type]  # None for an unknown id from the URL
                key=f"f_{key}",
                placeholder=t("Choose"),
                select_all=False,  # else Enter picks "Select N matches": typing MoLVT chose NEA and MoSVY too
            )
        st.button(t("Clear filters"), width="stretch", on_click=_clear_filters, args=(lo, hi))
    filters = Filters(
        sources=list(state["f_sources"]),
        year_from=years[0] if years[0] != lo else None,
        year_to=years[1] if years[1] != hi else None,
        themes=list(state["f_themes"]),
        addressees=list(state["f_addressees"]),
        statuses=list(state["f_statuses"]),
        kinds=list(state["f_kinds"]),
        research=list(state["f_research"]),
        text=text.strip(),
        combine=state.get("f_combine", OVERLAP),
    )
    state["_filters"] = filters
    sync_params(filters.to_params())
    state["_synced_url"] = {key: st.query_params.get_all(key) for key in PARAMS}
    return filters


def param_selectbox(
    label: str,
    choices: list[str],
    param: str,
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
    default: str | None = None,
) -> str:
    """A select box bound to a page's own query parameter, so the view is a link someone can send."""

    def to_url() -> None:
        st.query_params[param] = st.session_state[key]

    wanted = st.query_params.get(param)
    if wanted in choices:
        st.session_state[key] = wanted
    elif st.session_state.get(key) not in choices:
        st.session_state[key] = default if default in choices else choices[0]
    value = st.selectbox(label, choices, format_func=format_func, key=key, on_change=to_url)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def _clear_filters(lo: int, hi: int) -> None:
    # A callback runs before the widgets are drawn again, so their state may be reset here.
    set_filters(sources=[], themes=[], addressees=[], statuses=[], kinds=[], research=[])
    st.session_state["f_text"] = ""
    st.session_state["f_years"] = (lo, hi)
    st.session_state["f_combine"] = OVERLAP


def set_filters(**values: list[str]) -> None:
    """For on_change/on_click callbacks: change shared list filters (and so the URL) from a page."""
    for name, value in values.items():
        st.session_state[f"f_{name}"] = list(value)


def sync_params(wanted: dict[str, list[str] | str]) -> None:
    """Write the filter params into the URL, leaving page-specific params alone."""
    for key in PARAMS:
        if key in wanted:
            if st.query_params.get_all(key) != ([wanted[key]] if isinstance(wanted[key], str) else wanted[key]):
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def filter_summary(filters: Filters) -> str:
    """The active filters in words, escaped for Markdown (the search text comes from the address bar)."""
    return esc(filters.words(_short_labels(filters), _wider(filters), tr().lang))


def _short_labels(filters: Filters) -> dict[str, dict[str, str]]:
    """Labels for words: addressees by their short names ("MoLVT"), as a sentence wants them."""
    return {**labels(), "addressees": dict(reach(tuple(filters.addressees)).label)}


def _wider(filters: Filters) -> list[str]:
    found = reach(tuple(filters.addressees))
    return [found.label[w] for w in found.wider]


def combine_switch(filters: Filters, *, key: str, say: bool = True) -> None:
    """Say in words how the chosen themes and addressees combine (unless the page says it already: ``say``), and
    offer the other way, kept in the link."""
    words = _short_labels(filters)
    if say and (filters.themes or filters.addressees):
        sentence = describe_selection(
            themes=[words["themes"].get(t, t) for t in filters.themes],
            addressees=[words["addressees"].get(a, a) for a in filters.addressees],
            wider=_wider(filters),
            combine=filters.combine,
            markdown=True,  # every label escaped
        )
        st.markdown(sentence)
    if not (filters.themes and filters.addressees):
        return
    st.session_state[key] = filters.combine
    said = {mode: t(COMBINE_LABELS[mode]) for mode in COMBINE_MODES}  # said now, in this run's language
    st.radio(
        t("Combine themes and addressees"),
        COMBINE_MODES,
        format_func=said.__getitem__,
        key=key,
        horizontal=True,
        on_change=_combine_from,
        args=(key,),
        help=t(
            "Both: only what is on a chosen theme and asked of a chosen addressee. Either: everything on a chosen "
            "theme, and everything asked of a chosen addressee."
        ),
    )


def _combine_from(key: str) -> None:
    st.session_state["f_combine"] = st.session_state[key]
