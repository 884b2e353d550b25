"""The web edge for machines and for the session cookie: Starlette routes and middleware that ``app.py`` hands to
``st.App`` beside the pages. The read-only API (``/api/v1``), the data package, the Atom feed, the log-in and
log-out routes that set the session cookie, and the security headers on every response.

Nothing here imports Streamlit (tests/test_architecture.py): the routes read through the read side and the
visibility rule like the pages, and are tested with Starlette's test client on both databases.
"""
