"""The tracker's entry point: `streamlit run app.py` serves the dashboard (dashboard.py: the pages) and, on the same
port, the open-data routes (the JSON API under /api/v1, /datapackage.json, /feed.atom) and the routes that set and
clear the session cookie, with security headers on every response (recommendations/api/).

`streamlit run dashboard.py` still serves the pages alone: no API, no feed, and a log-in lasts while the tab is open.
"""

from pathlib import Path

import streamlit as st

from recommendations.api.routes import middleware, routes

STREAMLIT_PAGE = Path(st.__file__).resolve().parent / "static" / "index.html"

app = st.App("dashboard.py", routes=routes(), middleware=middleware(STREAMLIT_PAGE))
