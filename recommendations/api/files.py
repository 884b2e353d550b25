"""The data package (``/datapackage.json`` and its CSV tables under ``/api/v1/data/``) and the Atom feed
(``/feed.atom``): the published data for researchers' tools and for feed readers."""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from recommendations import settings
from recommendations.api import http
from recommendations.api.v1 import page_url
from recommendations.dataset import package
from recommendations.read import feed, headlines, open_data

ATOM = "http://www.w3.org/2005/Atom"
TITLE = "Migrant-worker recommendation tracker"
FEED_PARAMS = ("theme", "addressee", "lang")


def _descriptor(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    described = package.descriptor(open_data.data_state(db), package.SERVED_AT, settings.current().organisation)
    described["homepage"] = http.origin(request) + "/"
    return json.dumps(described, ensure_ascii=False, indent=2).encode("utf-8"), "application/json"


def _table(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    resource = package.BY_NAME.get(request.path_params["name"])
    if resource is None:
        raise http.NotFound("The data package has no table of this name; see /datapackage.json.")
    rows = http.per_version("package", db, lambda: package.tables(db))  # every table once, each CSV cut from them
    return package.csv_bytes(resource, rows[resource.name]), "text/csv; charset=utf-8"


def descriptor(request: Request) -> Response:
    return http.respond(request, ("lang",), _descriptor)


def table(request: Request) -> Response:
    return http.respond(request, ("lang",), _table)


# --- the feed ---------------------------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def _when(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"  # stored times are UTC


def _entry_words(entry: feed.Entry) -> tuple[str, str]:
    """The title and summary of an entry, in plain words (the summary is type="text": never markup)."""
    if entry.kind == "recommendation":
        return f"Recommendation: {entry.recommendation_title}", f"Made in: {entry.source_title}."
    if entry.kind == "withdrawal":
        return (
            f"Assessment withdrawn: {entry.recommendation_title}",
            f"An earlier assessment was withdrawn by {entry.assessor}. {entry.rationale or ''}".strip(),
        )
    whom = "" if entry.part == "the whole ask" else f" ({entry.part})"
    return (
        f"{entry.status_label}{whom}: {entry.recommendation_title}",
        f"{entry.status_label} as of {entry.as_of}, for {entry.part}, assessed by {entry.assessor}. "
        f"{entry.rationale or ''}".strip(),
    )


def _feed(db: Engine, request: Request, params: dict[str, list[str]]) -> tuple[bytes, str]:
    chosen = http.filters(db, params)
    base = http.origin(request)
    found = feed.entries(db, chosen)
    labels = {key: dict(choices) for key, choices in headlines.options(db).items()}
    query = urlencode([(k, v) for k, values in params.items() for v in values])
    self_url = f"{base}/feed.atom" + (f"?{query}" if query else "")
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "id", self_url)
    _text(root, "title", TITLE + ": latest assessments and recommendations")
    _text(root, "subtitle", chosen.words(labels), type="text")
    _text(root, "updated", _when(found[0].at if found else open_data.data_state(db).modified))
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": base + "/"})
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", settings.current().organisation or TITLE)
    for entry in found:
        title, summary = _entry_words(entry)
        item = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(item, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"tracker:{entry.kind}:{entry.id}").urn)
        _text(item, "title", title, type="text")
        _text(item, "updated", _when(entry.at))
        href = page_url(base, entry.recommendation_id)
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": href})
        _text(item, "summary", summary, type="text")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body, "application/atom+xml; charset=utf-8"


def atom(request: Request) -> Response:
    return http.respond(request, FEED_PARAMS, _feed)


def routes() -> list[BaseRoute]:
    return [
        Route("/datapackage.json", descriptor, methods=["GET"]),
        Route("/api/v1/data/{name}.csv", table, methods=["GET"]),
        Route("/feed.atom", atom, methods=["GET"]),
    ]
