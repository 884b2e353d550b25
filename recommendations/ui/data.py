"""Every cache of the app's reads, in one place: the engine (one per process) and the cached read-side results,
cleared after every write on this server and whenever another server (or a load) has written (the downloads' caches,
``ui.files``, with them)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.scriptrunner import add_script_run_ctx

from models.db import make_engine
from recommendations import hierarchy
from recommendations.dataset.loader import prepare
from recommendations.read import brief as briefs
from recommendations.read import figures, headlines, owners, recurrence, source_text, stored, translations
from recommendations.read import summary as overview
from recommendations.read.detail import Detail, page_of, recommendation_detail
from recommendations.read.filters import Filters
from recommendations.read.selection import OVERLAP
from recommendations.ui.charts import kept_figures
from recommendations.ui.config import TTL, configured
from recommendations.ui.language import language

DATA = Path(__file__).resolve().parents[2] / "data"

FIRST_START = "First start: building the database from the data files (once; a large dataset takes minutes)…"


@st.cache_resource(show_spinner=FIRST_START)
def engine() -> Engine:
    """One engine per process; builds the database from data/ on first start, saying so instead of a blank page."""
    eng = make_engine(configured().database_url)
    prepare(eng, DATA)
    return eng


def clear_caches() -> None:
    """Call after any write so every page shows the new state."""
    st.cache_data.clear()
    brief.clear()
    kept_figures.clear()


@st.cache_resource
def _seen_version() -> dict[str, int | None]:
    return {"version": None}


def refresh_if_changed() -> bool:
    """Drop this server's cached pages when anything was written since (by any server, or a load); whether it did.

    One indexed query per run; with several app servers on one database, each shows the others' writes
    on its next run instead of after the cache's time-to-live.
    """
    version = headlines.data_version(engine())
    seen = _seen_version()
    changed = seen["version"] is not None and seen["version"] != version
    if changed:
        clear_caches()
    seen["version"] = version
    return changed


@st.cache_data(ttl=TTL, show_spinner=False)
def awaits_review(filters: Filters | None, lang: str) -> bool:
    """Whether the selection shows a translation nobody has reviewed, in ``lang`` (a query, no table)."""
    return overview.awaits_review(engine(), selected(filters), lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def asked(filters: Filters | None) -> int:
    """How many selected recommendations name someone to act (a COUNT, no table)."""
    return owners.asked(engine(), selected(filters))


@st.cache_data(ttl=TTL, show_spinner=False)
def selected_count(filters: Filters | None) -> int:
    """How many recommendations the filters select (a COUNT, no table)."""
    return overview.selected_count(engine(), filters)


def table_page(filters: Filters | None, start: int, size: int, lang: str | None = None) -> pd.DataFrame:
    """Rows ``start`` to ``start + size`` of the table for ``filters`` in the sources' order: only they are built."""
    return _table_page(filters, start, size, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _table_page(filters: Filters | None, start: int, size: int, lang: str) -> pd.DataFrame:
    return overview.table_page(engine(), filters, start, size, lang)


def options(lang: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """The shared filters' choices, labelled in ``lang`` (None: the page's language)."""
    return _options(lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _options(lang: str) -> dict[str, list[tuple[str, str]]]:
    return headlines.options(engine(), lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def year_bounds() -> tuple[int, int]:
    return headlines.year_bounds(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def counts() -> dict[str, int]:
    return headlines.counts(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def gaps() -> pd.DataFrame:
    return headlines.gaps(engine())


def summary(filters: Filters | None = None, lang: str | None = None) -> overview.Summary:
    """The Overview's counts for ``filters`` (GROUP BY in SQL, no table), labelled in ``lang`` (None: the page's)."""
    return _summary(filters, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _summary(filters: Filters | None, lang: str) -> overview.Summary:
    return overview.summary(engine(), filters, lang, _counted(filters))


@st.cache_data(ttl=TTL, show_spinner=False)
def _counted(filters: Filters | None) -> overview.Counted:
    """The counts every language's ``summary`` labels: read once per selection, not once per language."""
    return stored.counted(engine(), filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def sources_with_texts() -> int:
    return overview.sources_with_texts(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def selected(filters: Filters | None) -> list[str] | None:
    """The ids the filters select (None: every recommendation)."""
    return overview.selected(engine(), filters)


def selected_ids(filters: Filters | None) -> tuple[str, ...] | None:
    """The selection's ids, sorted, as the per-selection caches (owners, chains) are keyed (None: no filter)."""
    ids = selected(filters)
    return None if ids is None else tuple(sorted(ids))


@st.cache_data(ttl=TTL, show_spinner=False)
def _over_time(filters: Filters | None = None) -> overview.OverTime:
    """The year-end counts and the trend's two years for ``filters`` (one statement; no row per year fetched)."""
    return stored.over_time(engine(), selected(filters))


def ahead(read: Callable[..., object], *args: object) -> None:
    """Start ``read(*args)``, one of these cached reads with every argument given (the language too: nothing is read
    off the session on another thread), on a thread of its own, so that it overlaps with what the page reads first.
    The page's own call then waits for it under the cache's lock, or finds it kept. The thread carries the page
    run's context, as Streamlit asks of a thread that calls it."""
    thread = threading.Thread(target=read, args=args, name="tracker-read-ahead", daemon=True)
    add_script_run_ctx(thread)
    thread.start()


def status_over_time(filters: Filters | None = None, lang: str | None = None) -> pd.DataFrame:
    """Counts by status at the end of each year, the statuses labelled in ``lang`` (None: the page's language)."""
    return _status_over_time(filters, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _status_over_time(filters: Filters | None, lang: str) -> pd.DataFrame:
    counts = _over_time(filters).counts
    return counts.assign(status_label=counts["status"].map(headlines.status_labels(lang)))


def trend_sentence(filters: Filters | None = None, lang: str | None = None) -> str:
    """Is it getting better? The Overview's one sentence on the trend, and what it also reflects, in ``lang``."""
    return _trend_sentence(filters, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _trend_sentence(filters: Filters | None, lang: str) -> str:
    trend = figures.trend(_over_time(filters).trend_years, overview.trend_rows(engine(), selected(filters)))
    return figures.trend_sentence(trend, lang)


def glossary(lang: str | None = None) -> pd.DataFrame:
    """The glossary in ``lang`` where translated (None: the page's language)."""
    return _glossary(lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _glossary(lang: str) -> pd.DataFrame:
    return source_text.glossary(engine(), lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def translation_coverage(lang: str) -> list[translations.Coverage]:
    """How much of the data is translated into ``lang`` and reviewed (the Sources page)."""
    return translations.coverage(engine(), lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def context_figures() -> pd.DataFrame:
    return source_text.context_figures(engine())


def disagreements(lang: str | None = None) -> pd.DataFrame:
    """Where assessors disagree, titles, names and statuses in ``lang`` (None: the page's language)."""
    return _disagreements_in(lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _disagreements_in(lang: str) -> pd.DataFrame:
    return headlines.disagreements(engine(), lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def disagreement_rows() -> pd.DataFrame:
    """(recommendation_id, rows): where assessors disagree, counted in SQL (the list is built a page at a time)."""
    return stored.disagreement_rows(engine())


def disagreements_page(rows: pd.DataFrame, start: int, size: int, lang: str | None = None) -> pd.DataFrame:
    """Rows ``start`` to ``start + size`` of ``disagreements`` for the recommendations of ``rows`` (a selection of
    ``disagreement_rows``): only the page's recommendations are built."""
    ids, offset = page_of(rows.reset_index(drop=True), start, size)
    return _disagreements_of(tuple(ids), lang or language()).iloc[offset : offset + size].reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def _disagreements_of(ids: tuple[str, ...], lang: str) -> pd.DataFrame:
    return headlines.disagreements(engine(), lang, list(ids))


@st.cache_data(ttl=TTL, show_spinner=False)
def evidence_in(ids: tuple[str, ...] | None) -> int:
    return stored.evidence_count(engine(), None if ids is None else list(ids))


def detail(rec_id: str, lang: str | None = None) -> Detail | None:
    """One recommendation's page, its short title, themes and actors in ``lang`` (None: the page's language)."""
    return _detail(rec_id, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _detail(rec_id: str, lang: str) -> Detail | None:
    return recommendation_detail(engine(), rec_id, lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def sources() -> pd.DataFrame:
    return source_text.sources_table(engine())


@st.cache_data(ttl=TTL, show_spinner=False)
def source_text_of(source_id: str) -> tuple[str, pd.DataFrame]:
    return source_text.source_text(engine(), source_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def recorded_spans_of(source_id: str) -> dict[str, tuple[int, int]]:
    """Where a document added in the app recorded each recommendation in its text (the Sources page marks it)."""
    return source_text.recorded_spans(engine(), source_id)


def owner_summary(ids: tuple[str, ...] | None, lang: str | None = None) -> pd.DataFrame:
    """Owners' row per actor, names in ``lang`` (None: the page's language)."""
    return _owner_summary(ids, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _owner_summary(ids: tuple[str, ...] | None, lang: str) -> pd.DataFrame:
    return owners.actor_summary(engine(), ids, lang, _owner_counts(ids))


@st.cache_data(ttl=TTL, show_spinner=False)
def _owner_counts(ids: tuple[str, ...] | None) -> pd.DataFrame:
    """Asks per actor, role, status and kind, counted once in SQL for the summary and the status mix."""
    return stored.asks_by_actor(engine(), ids)


def owner_status_mix(ids: tuple[str, ...] | None, lang: str | None = None) -> pd.DataFrame:
    """Asks per actor and status, labelled in ``lang`` (None: the page's language)."""
    return _owner_status_mix(ids, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _owner_status_mix(ids: tuple[str, ...] | None, lang: str) -> pd.DataFrame:
    return owners.actor_status(engine(), ids, lang, _owner_counts(ids))


def owner_asks(actor_id: str, ids: tuple[str, ...] | None, lang: str | None = None) -> pd.DataFrame:
    """What is asked of one actor, titles and notes in ``lang`` (None: the page's language)."""
    return _owner_asks(actor_id, ids, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _owner_asks(actor_id: str, ids: tuple[str, ...] | None, lang: str) -> pd.DataFrame:
    return owners.actor_asks(engine(), actor_id, ids, wider=True, lang=lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_by_year(filters: Filters | None, lang: str) -> pd.DataFrame:
    """Recommendations per theme and source year in the selection, theme names in ``lang`` (GROUP BY, no table)."""
    return recurrence.theme_by_year(engine(), selected(filters), dict(options(lang)["themes"]))


def chronic_asks(ids: tuple[str, ...] | None, lang: str | None = None) -> pd.DataFrame:
    """Chains of repeated asks, titles and statuses in ``lang`` (None: the page's language)."""
    return _chronic_asks(ids, lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _chronic_asks(ids: tuple[str, ...] | None, lang: str) -> pd.DataFrame:
    return stored.chronic_asks(engine(), lang, parts=lambda: _chain_parts(lang), ids=ids)


@st.cache_data(ttl=TTL, show_spinner=False)
def _chain_parts(lang: str) -> recurrence.ChainParts:
    """Every chain's members and links, read once for the Themes page's three parts (``recurrence.chain_parts``)."""
    return stored.chain_parts(engine(), lang)


def chain_members(lang: str | None = None) -> pd.DataFrame:
    """Every chain's members, titles and statuses in ``lang`` (None: the page's language)."""
    return _chain_members(lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _chain_members(lang: str) -> pd.DataFrame:
    return recurrence.chain_members(engine(), lang, _chain_parts(lang))


def chain_links(lang: str | None = None) -> pd.DataFrame:
    """The links inside each chain, titles in ``lang`` (None: the page's language)."""
    return _chain_links(lang or language())


@st.cache_data(ttl=TTL, show_spinner=False)
def _chain_links(lang: str) -> pd.DataFrame:
    return recurrence.chain_links(engine(), lang, _chain_parts(lang))


@st.cache_data(ttl=TTL, show_spinner=False)
def reach(addressees: tuple[str, ...]) -> hierarchy.Reach:
    """The chosen addressees and what they are part of, with their short labels."""
    return hierarchy.reach(engine(), list(addressees))


# Kept as one shared, read-only object (cache_resource), not a copy per run: a broad brief at 10,000 holds thousands
# of items, and copying them out of cache_data took seconds on every rerun of the page. Cleared with the others.
@st.cache_resource(ttl=TTL, max_entries=32, show_spinner=False)  # the page says "Building the brief…" itself
def brief(
    themes: tuple[str, ...],
    addressees: tuple[str, ...],
    meeting: dt.date,
    combine: str = OVERLAP,
    lang: str = briefs.DEFAULT_LANGUAGE,
    detailed: int | None = None,
) -> briefs.Brief:
    """The brief; ``detailed``: the page's preview (``build_brief``), whose counts are the whole brief's."""
    return briefs.build_brief(
        engine(),
        themes=list(themes),
        addressees=list(addressees),
        meeting_date=meeting,
        combine=combine,
        lang=lang,
        detailed=detailed,
    )


@st.cache_data(ttl=TTL, show_spinner=False)
def choosers(lang: str) -> dict[str, dict[str, str]]:
    """Themes and addressees as a chooser names them in ``lang`` (``read.translations.choosers``)."""
    return translations.choosers(engine(), lang)


@st.cache_data(ttl=TTL, show_spinner=False)
def short_names(lang: str) -> dict[str, str]:
    """Every actor's short name in ``lang``: its acronym, else its (translated) name, as a sentence wants it."""
    return translations.actor_names(engine(), lang).label
