"""The app's one stylesheet (style.css beside this module): a focus ring a keyboard user can see on every control,
and the screen width at which a table becomes a list (ui.tables)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).with_name("style.css")
#: Class prefixes style.css shows on a wide screen only, and on a phone only (Streamlit gives a container with a
#: key the class ``st-key-<key>``).
WIDE = "wide-"
NARROW = "narrow-"


def style() -> None:
    """Load the stylesheet into this run (a style-only element: it takes no room on the page)."""
    st.html(STYLESHEET)
