"""The tracker's entry point: `streamlit run app.py` serves the dashboard (dashboard.py: the pages) and, on the same
port, the open-data routes (the JSON API under /api/v1, /datapackage.json, /feed.atom) and the routes that set and
clear the session cookie, with security headers on every response (recommendations/api/).

`streamlit run dashboard.py` still serves the pages alone: no API, no feed, and a log-in lasts while the tab is open.
"""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.logger import get_logger

from recommendations.api import http, nodelay, records
from recommendations.api.routes import middleware, routes

STREAMLIT_PAGE = Path(st.__file__).resolve().parent / "static" / "index.html"


@contextlib.asynccontextmanager
async def warmed(_app: Any) -> AsyncIterator[None]:
    """As the server starts, a thread fills the default page's caches (recommendations/ui/warm.py), and again after
    each write. Imported here, once Streamlit's runtime has started, so that the pages' caches are the runtime's.
    Once it has ended, another thread makes the API's records ahead (recommendations/api/records.py). The server's
    socket is bound by then, and not yet accepting: small answers are sent without Nagle's wait
    (recommendations/api/nodelay.py)."""
    from recommendations.ui import warm

    nodelay.listening_sockets_no_delay()
    warm.start(again_after_writes=True)
    get_logger(records.__name__)  # Streamlit's handler and level: the log says when the records are made
    records.when_ready(warm.DONE, http.engine)
    yield


app = st.App("dashboard.py", routes=routes(), middleware=middleware(STREAMLIT_PAGE), lifespan=warmed)
