"""Tables that read on a phone. Streamlit's grid draws on a canvas: it never wraps a cell, so at 390 px a title is
cut to a few words and the columns that matter sit off screen. ``dataframe`` draws the grid for wide screens and,
for phones, the same rows as a list: the title in full, then the grid's other columns, then its link. The
stylesheet (style.css) shows one of the two; the grid keeps sorting and row selection. The list's own words and its
numbers are in the page's language (the column labels come translated from the page's ``column_config``)."""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import streamlit as st

from recommendations import i18n, markdown
from recommendations.numbers import COLUMN_PERCENT
from recommendations.ui.config import TTL
from recommendations.ui.language import language
from recommendations.ui.look import NARROW, WIDE

_PAGE_LINK = re.compile(r"[a-z_]+\?[A-Za-z0-9_.~%=&-]+")  # "recommendation?id=...": a page of this app


def dataframe(
    frame: pd.DataFrame,
    *,
    key: str,
    title: str,
    link: str | None = None,
    column_order: Sequence[str] | None = None,
    column_config: Mapping[str, Any] | None = None,
    **grid: Any,
) -> Any:
    """``st.dataframe`` on a wide screen; on a phone, the same rows as a list: the ``title`` column (or the index,
    when it has that name: the rows of a table of figures) in full, then the grid's other columns
    (``column_order``) labelled and formatted as ``column_config`` has them, then the ``link`` column. ``key`` is
    the grid's and names the pair; the grid shows the index only when it is the title. Returns what st.dataframe
    returns (the selection, when ``grid`` asks for one)."""
    grid.setdefault("hide_index", title in frame.columns)
    with st.container(key=WIDE + key):
        shown = st.dataframe(frame, column_order=column_order, column_config=column_config, key=key, **grid)
    facts = [column for column in (column_order or frame.columns) if column not in (title, link)]
    with st.container(key=NARROW + key):
        st.markdown(_listed(frame, title, tuple(facts), link, dict(column_config or {}), language()))
    return shown


def _rows_key(frame: pd.DataFrame) -> tuple[object, ...]:
    """What ``_listed`` is kept by: the columns, their types and every cell. Streamlit's own hash of a frame with a
    list in a cell (Themes' years) warns on every run before it pickles the frame; this pickles it quietly."""
    shape = (tuple(frame.columns), tuple(str(dtype) for dtype in frame.dtypes))
    try:
        return (*shape, pd.util.hash_pandas_object(frame).to_numpy().tobytes())
    except TypeError:  # a list in a cell
        return (*shape, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))


# at 50,000 a list of every source is about 0.5 MB
@st.cache_data(ttl=TTL, max_entries=128, show_spinner=False, hash_funcs={pd.DataFrame: _rows_key})
def _listed(
    frame: pd.DataFrame, title: str, facts: tuple[str, ...], link: str | None, column_config: dict[str, Any], lang: str
) -> str:
    """``as_list``, kept per rows, columns and language: the list of a table of figures (every source's row, on the
    Overview) was half a warm run's CPU, on every run of every reader. Cleared with the data (``clear_caches``)."""
    return as_list(frame, title=title, facts=facts, link=link, column_config=column_config, lang=lang)


def as_list(
    frame: pd.DataFrame,
    *,
    title: str,
    facts: Sequence[str],
    link: str | None,
    column_config: Mapping[str, Any],
    lang: str = i18n.SOURCE_LANGUAGE,
) -> str:
    """The rows as a Markdown list, one item a row: the title in bold, then "label: value" for each of ``facts``
    that has a value, then the link. Every value is escaped: data never becomes a link, a tag or a heading. The
    list's own words ("yes", "Open") and its numbers in ``lang``."""
    tr = i18n.translator(lang)
    if frame.empty:
        return tr.t("Nothing to list.")
    if title not in frame.columns and frame.index.name == title:
        frame = frame.reset_index()
    items = []
    for row in frame.to_dict("records"):
        shown = {column: _shown(row.get(column), column_config.get(column), tr) for column in facts}
        line = [f"{markdown.escape(_label(c, column_config))}: {markdown.escape(v)}" for c, v in shown.items() if v]
        if link and (target := _page_link(row.get(link))):
            text = markdown.escape(_link_text(column_config.get(link), tr)).replace(
                " ", "\u00a0"
            )  # "Open ›" stays whole
            line.append(f"[{text}]({target})")
        head = f"- **{markdown.escape(row.get(title) or tr.t('(untitled)'))}**"
        items.append(head + "  \n  " + " · ".join(line) if line else head)
    return "\n".join(items)


def _config(config: object) -> dict[str, Any]:
    return config if isinstance(config, dict) else {"label": config} if isinstance(config, str) else {}


def _label(column: str, column_config: Mapping[str, Any]) -> str:
    """The column's heading in the grid (its label in ``column_config``), else its name."""
    label = str(_config(column_config.get(column)).get("label") or str(column).replace("_", " "))
    return label[:1].upper() + label[1:]


def _link_text(config: object, tr: i18n.Translator) -> str:
    return str(_config(config).get("type_config", {}).get("display_text") or tr.t("Open"))


def _page_link(value: object) -> str | None:
    """A link to a page of this app (``recommendation?id=...``), its characters made safe for a Markdown link."""
    if not isinstance(value, str) or not value:
        return None
    return value if _PAGE_LINK.fullmatch(value) else quote(value, safe="?=&%")


def _shown(value: object, config: object, tr: i18n.Translator) -> str | None:
    """A cell for reading: a count with a thousands comma ("43,571"), a year without one (a column formatted
    "%d"), a share as a percentage, a list joined; None for an empty cell or an unticked box, which the list
    leaves out."""
    type_config = _config(config).get("type_config", {})
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(item) for item in value) or None
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    if type_config.get("type") == "checkbox" or isinstance(value, bool):
        return tr.t("yes") if value else None
    if type_config.get("format") == "percent":
        return tr.percent(float(value))  # type: ignore[arg-type]
    if type_config.get("format") == COLUMN_PERCENT:  # a whole percentage held as 0 to 100
        return tr.percent(float(value) / 100)  # type: ignore[arg-type]
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value)) if type_config.get("format") == "%d" else tr.number(int(value))
    return str(value)
