"""Recommendation tracker for labour-migration advocacy: Streamlit entrypoint.

Builds the database from data/ on first start, draws the shared filters and
runs the page the user picked. Pages are UI only; the rules live in
recommendations/ and models/.
"""

from pathlib import Path

import streamlit as st

from recommendations import ui

st.set_page_config(page_title="Migrant-worker recommendation tracker", page_icon="📋", layout="wide")

HERE = Path(__file__).resolve().parent
# section -> (page file, title, icon); grouped by what a user came to do
NAVIGATION = {
    "Progress": [
        ("pages/overview.py", "Overview", ":material/monitoring:"),
        ("pages/owners.py", "Owners", ":material/groups:"),
        ("pages/themes.py", "Themes and recurrence", ":material/repeat:"),
    ],
    "Explore": [
        ("pages/explore.py", "Explore recommendations", ":material/table_view:"),
        ("pages/recommendation.py", "Recommendation detail", ":material/article:"),
    ],
    "Prepare a meeting": [
        ("pages/brief.py", "Meeting brief", ":material/description:"),
    ],
    "Sources and data": [
        ("pages/sources.py", "Sources and glossary", ":material/menu_book:"),
        ("pages/data.py", "Download data", ":material/download:"),
    ],
}

missing = [path for entries in NAVIGATION.values() for path, _, _ in entries if not (HERE / path).exists()]
if missing:  # a page left out of the menu without a word would look like a feature that never existed
    raise FileNotFoundError(f"dashboard.NAVIGATION names page files that do not exist: {', '.join(missing)}")
pages = {
    section: [
        st.Page(path, title=title, icon=icon, default=path == "pages/overview.py") for path, title, icon in entries
    ]
    for section, entries in NAVIGATION.items()
}
page = st.navigation(pages)
ui.engine()  # builds the database on first run
with st.sidebar:
    st.caption(
        "Tracks civil-society, AFML and Cambodian tripartite recommendations on migrant workers "
        "(2011–2022): who is asked to act, what has been done since, and the evidence."
    )
ui.sidebar_filters()
page.run()
