"""The language of the page: kept in the session and in the address bar (``?lang=km``), so that a shared link
opens in the sender's language; the switch in the sidebar; and ``t``, the lookup every page calls.

First visit: the address bar's ``lang`` if it names a language on offer, else the browser's language
(``st.context.locale``) when there is a catalog for it, else English. A ``lang`` value that names no language
on offer is ignored (and replaced in the address bar). Streamlit's menu drops the address bar's parameters
when it changes page: the session keeps the language and puts it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

import streamlit as st

from recommendations import i18n

PARAM = "lang"
_STATE = "_lang"
_SWITCH = "_lang_switch"
#: The switch's label, in both scripts on purpose: a reader who does not read the page's language finds it.
SWITCH_LABEL = "ភាសា / Language"


def language() -> str:
    """The language of this run (settled from the address bar, the session and the browser)."""
    state = st.session_state
    asked = i18n.pick(st.query_params.get(PARAM))
    if asked:
        state[_STATE] = asked
    elif i18n.pick(state.get(_STATE)) is None:
        state[_STATE] = i18n.from_locale(st.context.locale)
    lang: str = state[_STATE]
    if st.query_params.get_all(PARAM) != [lang]:
        st.query_params[PARAM] = lang
    return lang


def tr() -> i18n.Translator:
    """This run's translator: strings, numbers, dates and lists in the page's language."""
    return i18n.translator(_current())


def t(msgid: str, /, **named: object) -> str:
    """An interface string in the page's language, its named placeholders filled (English if untranslated)."""
    return tr().t(msgid, **named)


def plural(singular: str, plural_: str, count: int, /, **named: object) -> str:
    """The plural form for ``count`` in the page's language; ``{n}`` is ``count``, formatted."""
    return tr().plural(singular, plural_, count, **named)


def _current() -> str:
    lang = st.session_state.get(_STATE)
    return lang if isinstance(lang, str) and i18n.pick(lang) else language()


def _switched() -> None:
    st.session_state[_STATE] = st.session_state[_SWITCH]
    st.query_params[PARAM] = st.session_state[_SWITCH]


def language_switch() -> str:
    """The language switch in the sidebar (on every page, drawn by dashboard.py); returns the language."""
    lang = language()
    options = list(i18n.languages())
    if len(options) < 2:
        return lang
    st.session_state[_SWITCH] = lang  # the address bar may have changed it since the last run
    with st.sidebar:
        st.radio(SWITCH_LABEL, options, format_func=i18n.native_name, key=_SWITCH, horizontal=True, on_change=_switched)
        state = i18n.review_state(lang)
        if lang != i18n.SOURCE_LANGUAGE and state.reviewed < state.messages:
            st.caption(
                plural(
                    "{n} interface string in this language awaits review by a native speaker.",
                    "{n} interface strings in this language await review by a native speaker.",
                    state.messages - state.reviewed,
                )
            )
    return lang


def review_note(shown: object) -> None:
    """The one small note under data shown in a translation that no speaker of the language has reviewed yet
    (``shown``: whether the page shows one, e.g. ``table["awaits_review"].any()``)."""
    if shown:
        st.caption(t("The translated names and titles on this page await review by a native speaker."))


def with_language(query_params: Mapping[str, str | list[str]] | None = None) -> dict[str, str | list[str]]:
    """``query_params`` for an internal link, with the page's language kept."""
    return {**(query_params or {}), PARAM: _current()}


def page_link(
    page: str, *, label: str, icon: str | None = None, query_params: Mapping[str, str | list[str]] | None = None
) -> None:
    """``st.page_link`` to a page of the app that keeps the language (the label is already translated)."""
    st.page_link(page, label=label, icon=icon, query_params=with_language(query_params))


def switch_page(page: str, query_params: Mapping[str, str | list[str]] | None = None) -> NoReturn:
    """``st.switch_page`` that keeps the language."""
    st.switch_page(page, query_params=with_language(query_params))
