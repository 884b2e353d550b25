"""Recommendation tracker for labour-migration advocacy: Streamlit entrypoint.

Builds the database from data/ on first start, draws the shared filters and
runs the page the user picked. Pages are UI only; the rules live in
recommendations/ and models/.
"""

import streamlit as st

from recommendations import ui

st.set_page_config(page_title="Migrant-worker recommendation tracker", page_icon="📋", layout="wide")

PAGES = {
    "Progress": [
        st.Page("pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    ],
}

page = st.navigation(PAGES)
ui.engine()  # builds the database on first run
with st.sidebar:
    st.caption(
        "Tracks civil-society, AFML and Cambodian tripartite recommendations on migrant workers "
        "(2011–2022): who is asked to act, what has been done since, and the evidence."
    )
ui.sidebar_filters()
page.run()
