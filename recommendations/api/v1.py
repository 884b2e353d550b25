"""The read-only JSON API, ``/api/v1``: recommendations (the pages' filters, a page at a time), one recommendation
with its history, the sources, actors and themes, and the status-over-time series. Published data only: every
answer comes from ``read.open_data``, which reads through the status and visibility rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from recommendations.api import http, records
from recommendations.api.openapi import document
from recommendations.read import open_data

PREFIX = "/api/v1"
PAGED = (*http.filter_names(), "page", "per_page")
MAX_ID = 80  # the longest id the database holds


def page_url(base: str, rec_id: str) -> str:
    """The recommendation's page in the app."""
    return f"{base}/recommendation?{urlencode({'id': rec_id})}"


def api_url(base: str, rec_id: str) -> str:
    """The recommendation's answer in this API."""
    return f"{base}{PREFIX}/recommendations/{quote(rec_id)}"


def linked(record: dict[str, Any], base: str) -> dict[str, Any]:
    """A record with the addresses of its page and of its API answer."""
    return {**record, "url": page_url(base, record["id"]), "api_url": api_url(base, record["id"])}


def _recommendations(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    chosen = http.filters(db, params)
    number = http.whole(params, "page", 1, 1, 1_000_000)
    size = http.whole(params, "per_page", http.DEFAULT_PER_PAGE, 1, http.MAX_PER_PAGE)
    # every page of one selection is cut from it, kept for the data's version: paging sorts and counts once
    selected = http.per_version(f"selection {chosen!r}", db, lambda: open_data.selection(db, chosen))
    ids, total = selected[(number - 1) * size : number * size], len(selected)
    base = http.origin(request)
    following = None
    if number * size < total:
        query = [(k, v) for k, values in params.items() if k != "page" for v in values] + [("page", str(number + 1))]
        following = f"{base}{request.url.path}?{urlencode(query)}"
    body, media_type = http.as_json({"items": [], "total": total, "page": number, "per_page": size, "next": following})
    items = [records.linked(r, page_url(base, i), api_url(base, i)) for i, r in records.SHELF.records(db, ids)]
    return b"".join((b'{"items": [', b", ".join(items), b"]", body.removeprefix(b'{"items": []'))), media_type


def _recommendation(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    rec_id = request.path_params["rec_id"]
    found = open_data.record(db, rec_id) if len(rec_id) <= MAX_ID else None
    if found is None:
        raise http.NotFound("No published recommendation has this id.")
    base = http.origin(request)
    found["links"] = [linked(link, base) for link in found["links"]]
    return http.as_json(linked(found, base))


def _listing(read: Callable[[Engine], list[dict[str, Any]]]) -> http.Build:
    def build(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
        return http.as_json({"items": read(db)})

    return build


def _series(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    return http.as_json({"items": open_data.status_series(db, http.filters(db, params))})


def _openapi(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    return http.as_json(document(http.origin(request)))


def recommendations(request: Request) -> Response:
    return http.respond(request, PAGED, _recommendations)


def recommendation(request: Request) -> Response:
    return http.respond(request, ("lang",), _recommendation)


def sources(request: Request) -> Response:
    return http.respond(request, ("lang",), _listing(open_data.sources))


def actors(request: Request) -> Response:
    return http.respond(request, ("lang",), _listing(open_data.actors))


def themes(request: Request) -> Response:
    return http.respond(request, ("lang",), _listing(open_data.themes))


def status_over_time(request: Request) -> Response:
    return http.respond(request, http.filter_names(), _series)


def openapi(request: Request) -> Response:
    return http.respond(request, (), _openapi)


def unknown(request: Request) -> Response:
    """Any other address under /api/v1: a JSON 404 (not the app's page, which would answer 200)."""
    return http.error(404, f"No such address; the API is described at {PREFIX}/openapi.json.")


def routes() -> list[BaseRoute]:
    return [
        Route(f"{PREFIX}/recommendations", recommendations, methods=["GET"]),
        Route(f"{PREFIX}/recommendations/{{rec_id}}", recommendation, methods=["GET"]),
        Route(f"{PREFIX}/sources", sources, methods=["GET"]),
        Route(f"{PREFIX}/actors", actors, methods=["GET"]),
        Route(f"{PREFIX}/themes", themes, methods=["GET"]),
        Route(f"{PREFIX}/status-over-time", status_over_time, methods=["GET"]),
        Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
    ]


def fallback() -> list[BaseRoute]:
    """Last of all the routes: the rest of /api/ answers 404 in JSON."""
    return [Route("/api/{rest:path}", unknown, methods=["GET"]), Route("/api", unknown, methods=["GET"])]
