"""What ``app.py`` hands to ``st.App``: the routes (API, data package, feed, session cookie; the JSON 404 for the
rest of /api last) and the middleware (security headers outermost, then the open-data guard, then the pages'
declared language)."""

from __future__ import annotations

from pathlib import Path

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from recommendations.api import cookie, files, guard, page, v1


def routes() -> list[BaseRoute]:
    cookie.mark_served()
    return [*v1.routes(), *files.routes(), *cookie.routes(), *v1.fallback()]


def middleware(index_html: Path | None = None) -> list[Middleware]:
    """``index_html``: Streamlit's page, whose inline scripts the Content-Security-Policy allows by hash."""
    return [
        Middleware(guard.SecurityHeaders, csp=guard.policy(index_html)),
        Middleware(guard.OpenData),
        Middleware(page.PageLanguage),
    ]
