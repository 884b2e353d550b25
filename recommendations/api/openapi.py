"""The OpenAPI 3.1 description of every open-data route, its parameters and the shape of each answer. The tests
check every route is described and every answer matches its schema (JSON Schema 2020-12, as OpenAPI 3.1 uses)."""

from __future__ import annotations

from typing import Any

from recommendations.dataset.package import RESOURCES
from recommendations.read.filters import PARAMS

Schema = dict[str, Any]

TEXT: Schema = {"type": "string"}
MAYBE: Schema = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "description": "As precise as known: YYYY, YYYY-MM or YYYY-MM-DD"}
STATUSES = ["not_assessed", "no_progress", "in_progress", "partially_implemented", "implemented", "not_applicable"]
FILTERS = {
    "theme": "Theme id (see /api/v1/themes); repeat for several",
    "addressee": "Actor id of an addressee (see /api/v1/actors); repeat for several",
    "status": f"Current overall status: {', '.join(STATUSES)}; repeat for several",
    "source": "Source id (see /api/v1/sources); repeat for several",
    "kind": "Kind of record (recommendation, ...); repeat for several",
    "research": "Research state: not_researched, sources_only, researched, assessed; repeat for several",
    "from": "First year of the source (four digits)",
    "to": "Last year of the source (four digits)",
    "q": "Words in the title or text (at most 200 characters)",
}


def _object(properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
    return {"type": "object", "properties": properties, "required": [k for k in properties if k not in optional]}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> Schema:
    return _object({"items": {"type": "array", "items": _ref(name)}})


SCHEMAS: dict[str, Schema] = {
    "Error": _object(
        {"error": _object({"status": {"type": "integer"}, "message": TEXT, "parameter": TEXT}, optional=("parameter",))}
    ),
    "Addressee": _object(
        {
            "id": TEXT,
            "name": TEXT,
            "role": {"enum": ["responsible", "supporting"]},
            "inferred": {"type": "boolean"},
            "status": {"enum": STATUSES},
            "status_label": TEXT,
            "status_date": DATE,
            "scope": {"type": "string", "description": "'as assessed for X' when judged for this addressee only"},
        }
    ),
    "Recommendation": _object(
        {
            "id": TEXT,
            "title": TEXT,
            "text": {"type": "string", "description": "Verbatim from the source"},
            "lead_in": MAYBE,
            "number": MAYBE,
            "section": MAYBE,
            "kind": TEXT,
            "source": _object({"id": TEXT, "title": TEXT}),
            "date": DATE,
            "themes": {"type": "array", "items": _object({"id": TEXT, "name": TEXT})},
            "addressees": {"type": "array", "items": _ref("Addressee")},
            "status": {"enum": STATUSES},
            "status_label": TEXT,
            "status_date": DATE,
            "status_scope": MAYBE,
            "evidence_count": {"type": "integer"},
            "last_evidence_date": DATE,
            "research_state": TEXT,
            "url": {"type": "string", "description": "The recommendation's page in the app"},
            "api_url": TEXT,
        }
    ),
    "Assessment": _object(
        {
            "id": TEXT,
            "addressee_id": MAYBE,
            "addressee": MAYBE,
            "status": {"enum": STATUSES},
            "status_label": TEXT,
            "as_of": TEXT,
            "assessor_id": TEXT,
            "assessor": MAYBE,
            "rationale": TEXT,
            "state": {"enum": ["standing", "superseded", "withdrawn", "withdrawal"]},
            "supersedes_id": MAYBE,
            "supersede_reason": MAYBE,
            "superseded_by": MAYBE,
            "evidence": {"type": "array", "items": TEXT},
        }
    ),
    "Evidence": _object(
        {
            "id": TEXT,
            "date": TEXT,
            "kind": TEXT,
            "title": TEXT,
            "summary": TEXT,
            "url": MAYBE,
            "citation": MAYBE,
            "source_title": MAYBE,
        }
    ),
    "Link": _object(
        {
            "direction": {"enum": ["earlier", "later"]},
            "kind": TEXT,
            "note": MAYBE,
            "id": TEXT,
            "title": TEXT,
            "date": TEXT,
            "url": TEXT,
            "api_url": TEXT,
        }
    ),
    "Source": _object(
        {
            "id": TEXT,
            "title": TEXT,
            "date": TEXT,
            "kind": TEXT,
            "kind_label": TEXT,
            "organisers": {"type": "array", "items": TEXT},
            "place": MAYBE,
            "url": MAYBE,
            "citation": MAYBE,
            "expected_recommendations": {"type": ["integer", "null"]},
            "recorded_recommendations": {"type": "integer"},
            "gap_note": MAYBE,
        }
    ),
    "Actor": _object({"id": TEXT, "name": TEXT, "acronym": MAYBE, "type": TEXT, "country": MAYBE, "note": MAYBE}),
    "Theme": _object({"id": TEXT, "name": TEXT, "description": MAYBE}),
    "StatusCount": _object(
        {"year": {"type": "integer"}, "status": {"enum": STATUSES}, "status_label": TEXT, "count": {"type": "integer"}}
    ),
}
SCHEMAS["RecommendationDetail"] = {
    "allOf": [
        _ref("Recommendation"),
        _object(
            {
                "assessments": {
                    "type": "array",
                    "items": _ref("Assessment"),
                    "description": "Published assessments, oldest first; superseded and withdrawn kept",
                },
                "evidence": {"type": "array", "items": _ref("Evidence")},
                "links": {"type": "array", "items": _ref("Link")},
            }
        ),
    ]
}
SCHEMAS["Page"] = _object(
    {
        "items": {"type": "array", "items": _ref("Recommendation")},
        "total": {"type": "integer", "description": "How many recommendations the filters select"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "next": {"type": ["string", "null"], "description": "The next page's address, or null on the last"},
    }
)


def _parameter(name: str, description: str, schema: Schema, where: str = "query") -> Schema:
    return {"name": name, "in": where, "description": description, "schema": schema, "required": where == "path"}


def _filters() -> list[Schema]:
    out = []
    for param, (_field, many) in PARAMS.items():
        schema: Schema = {"type": "array", "items": TEXT} if many else TEXT
        out.append(_parameter(param, FILTERS.get(param, param), schema))
    return out


LANG = _parameter("lang", "Language of the answer (en or km; answers are in English for now)", {"enum": ["en", "km"]})
PAGING = [
    _parameter("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
    _parameter("per_page", "Recommendations per page (default 100)", {"type": "integer", "minimum": 1, "maximum": 500}),
]
ERRORS = {
    "400": {"description": "A parameter is wrong; the error names it",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "304": {"description": "Not modified since the ETag or date the client sent"},
    "429": {"description": "Too many requests from this client; Retry-After says when to try again",
            "content": {"application/json": {"schema": _ref("Error")}}},
}  # fmt: skip


def _get(summary: str, parameters: list[Schema], content: dict[str, Schema], **more: Schema) -> Schema:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": {"description": "OK", "content": content}, **ERRORS, **more},
        }
    }


def _json(name: str) -> dict[str, Schema]:
    return {"application/json": {"schema": _ref(name) if name in SCHEMAS else _list(name.removesuffix("List"))}}


def document(base: str) -> Schema:
    """The OpenAPI 3.1 document, with ``base`` as the server."""
    not_found = {"404": {"description": "No such recommendation", "content": _json("Error")}}
    csv_names = [r.name for r in RESOURCES]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Migrant-worker recommendation tracker: open data",
            "version": "1",
            "description": "Read-only, published data only. Every answer carries an ETag and Last-Modified and "
            "answers conditional requests with 304; any origin may read it (CORS); no cookies are read or set. "
            "Requests are limited per client (429 with Retry-After).",
        },
        "servers": [{"url": base}],
        "paths": {
            "/api/v1/recommendations": _get(
                "Recommendations, filtered as in the app's address bar, a page at a time",
                [*_filters(), *PAGING, LANG],
                _json("Page"),
            ),
            "/api/v1/recommendations/{id}": _get(
                "One recommendation with its published assessment history, evidence and linked asks",
                [_parameter("id", "The recommendation's id", TEXT, "path"), LANG],
                _json("RecommendationDetail"),
                **not_found,
            ),
            "/api/v1/sources": _get("The source documents", [LANG], _json("SourceList")),
            "/api/v1/actors": _get("Every actor", [LANG], _json("ActorList")),
            "/api/v1/themes": _get("The themes", [LANG], _json("ThemeList")),
            "/api/v1/status-over-time": _get(
                "How many of the selected recommendations stood at each status at the end of each year",
                [*_filters(), LANG],
                _json("StatusCountList"),
            ),
            "/api/v1/openapi.json": _get("This description", [], {"application/json": {"schema": {"type": "object"}}}),
            "/datapackage.json": _get(
                "The published data as a Frictionless Data Package (v2): CSV resources, keys, licence, citation",
                [LANG],
                {"application/json": {"schema": {"type": "object"}}},
            ),
            "/api/v1/data/{name}.csv": _get(
                "One table of the data package",
                [_parameter("name", "The resource", {"enum": csv_names}, "path"), LANG],
                {"text/csv": {"schema": TEXT}},
                **not_found,
            ),
            "/feed.atom": _get(
                "Atom feed of the latest published assessments and new recommendations (at most 100)",
                [p for p in _filters() if p["name"] in ("theme", "addressee")] + [LANG],
                {"application/atom+xml": {"schema": TEXT}},
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
