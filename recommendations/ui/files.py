"""The app's downloads, each built when its button is clicked and cached like every read (``ui.data``'s caches are
cleared together: ``st.cache_data.clear``)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from recommendations import visibility
from recommendations.dataset import export, package
from recommendations.dataset.brief_file import brief_file as brief_as_file
from recommendations.read import brief as briefs
from recommendations.read import open_data
from recommendations.read.filters import Filters
from recommendations.read.selection import OVERLAP
from recommendations.ui.config import TTL, configured
from recommendations.ui.data import brief, engine


@st.cache_data(ttl=TTL, show_spinner=False)
def brief_file(
    ext: str,
    themes: tuple[str, ...],
    addressees: tuple[str, ...],
    meeting: dt.date,
    combine: str = OVERLAP,
    lang: str = briefs.DEFAULT_LANGUAGE,
) -> bytes:
    """One download of the brief, built when its button is clicked (a broad brief's DOCX takes seconds)."""
    return brief_as_file(brief(themes, addressees, meeting, combine, lang), ext)


@st.cache_data(ttl=TTL, show_spinner=False)
def download(filters: Filters | None, fmt: str, viewer: visibility.Viewer) -> bytes:
    """One file of Download data, built when its button is clicked (building every file on every visit cost 24 s
    at 1,000 recommendations)."""
    if fmt == "csv":
        return export.to_csv_bytes(export.flat_table(engine(), filters))
    if fmt == "json":
        return export.to_json_bytes(export.json_records(engine(), filters))
    return export.workbook(engine(), filters, viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def yaml_archive(viewer: visibility.Viewer) -> bytes:
    """What this reader may see, as the data/ layout: the public's copy holds no draft and no reviewer's comment."""
    return export.yaml_zip(engine(), viewer)


@st.cache_data(ttl=TTL, show_spinner=False)
def data_package() -> bytes:
    """The published data as a Frictionless Data Package in one zip, built when its button is clicked."""
    db = engine()
    return package.as_zip(package.tables(db), open_data.data_state(db), configured().organisation)
