"""The published data as a Frictionless Data Package (v2): CSV tables with their field types, primary and foreign
keys, the licence, how to cite it and the date of the data. The API serves it (``/datapackage.json`` and
``/api/v1/data/*.csv``) and the Download data page offers it as a zip; both are built here, once.

What it holds is what the public may see (``read.open_data``, the status rule, the visibility rule, and
``read.evidence.bearing`` for which evidence bears on which recommendation). Cells are spreadsheet-safe
(``export.neutralise``): text that a spreadsheet would run as a formula starts with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.tables import AE, RT, E, L
from recommendations import sql, visibility
from recommendations.dataset.export import addressee_sheet, neutralise
from recommendations.read import evidence, open_data
from recommendations.read.history import assessment_history
from recommendations.read.table import recommendation_table

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME = "migrant-worker-recommendation-tracker"
TITLE = "Migrant-worker recommendation tracker: published data"
#: The licence of the tracker's own work (the compilation, statuses, rationales, evidence summaries). The
#: recommendation texts are quoted verbatim from their documents; their authors keep their rights.
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
SERVED_AT = "api/v1/data/"  # where the app serves the CSV files, relative to /datapackage.json
IN_ZIP = "data/"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, integer, boolean, date, array
    description: str
    required: bool = False


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    references: tuple[tuple[str, str, str], ...] = ()  # (field, resource, its field)


def _f(name: str, kind: str = "string", description: str = "", *, required: bool = False) -> Field:
    return Field(name, kind, description, required)


ID = _f("id", description="Identifier, stable across versions of the data", required=True)
PARTIAL = "Date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD"
STATUS = "Status code: not_assessed, no_progress, in_progress, partially_implemented, implemented, not_applicable"


def _join(name: str, title: str, description: str, left: tuple[str, str], right: tuple[str, str]) -> Resource:
    """A table that joins two others: (field, the resource its id belongs to) for each side."""
    return Resource(
        name,
        title,
        description,
        (_f(left[0], required=True), _f(right[0], required=True)),
        (left[0], right[0]),
        ((left[0], left[1], "id"), (right[0], right[1], "id")),
    )


RESOURCES: tuple[Resource, ...] = (
    Resource(
        "sources",
        "Sources",
        "The documents the recommendations come from (meetings, statements, briefs).",
        (
            ID,
            _f("title", required=True),
            _f("date", description=PARTIAL, required=True),
            _f("date_start", "date", "First day of the date"),
            _f("kind"),
            _f("kind_label"),
            _f("organisers", "array", "Actor ids of the organisers (a JSON array)"),
            _f("place"),
            _f("url"),
            _f("citation"),
            _f("expected_recommendations", "integer", "How many recommendations the document holds, if known"),
            _f("recorded_recommendations", "integer", "How many of them the tracker holds"),
            _f("gap_note", description="What is missing and why"),
        ),
        ("id",),
    ),
    Resource(
        "actors",
        "Actors",
        "Who is asked to act, organises or assesses.",
        (
            ID,
            _f("name", required=True),
            _f("acronym"),
            _f("type"),
            _f("country"),
            _f("note"),
            _f("part_of", description="The actor this one is part of (a ministry: the Government)"),
        ),
        ("id",),
        (("part_of", "actors", "id"),),
    ),
    Resource(
        "themes",
        "Themes",
        "The themes recommendations are grouped by.",
        (ID, _f("name", required=True), _f("description")),
        ("id",),
    ),
    Resource(
        "recommendations",
        "Recommendations",
        "One row per recommendation: the verbatim text, its source and its current overall status (the least "
        "advanced of its responsible addressees' statuses).",
        (
            ID,
            _f("source_id", required=True),
            _f("source_date", description=PARTIAL),
            _f("number"),
            _f("section"),
            _f("kind"),
            _f("title", required=True),
            _f("lead_in", description="The words before the text in the source"),
            _f("text", description="Verbatim from the source", required=True),
            _f("status", description=STATUS),
            _f("status_label"),
            _f("status_date", description="As-of date of the assessment the status rests on"),
            _f("status_scope", description="Set when the status was judged for one addressee only"),
            _f("evidence_count", "integer"),
            _f("last_evidence_date", description=PARTIAL),
            _f("research_state"),
        ),
        ("id",),
        (("source_id", "sources", "id"),),
    ),
    _join(
        "recommendation_themes",
        "Themes of each recommendation",
        "Which themes each recommendation is under.",
        ("recommendation_id", "recommendations"),
        ("theme_id", "themes"),
    ),
    Resource(
        "addressees",
        "Addressees",
        "Who each recommendation asks to act, each with its own status (a status judged for one addressee is never "
        "shown as another's).",
        (
            _f("recommendation_id", required=True),
            _f("actor_id", required=True),
            _f("role", description="responsible or supporting"),
            _f("inferred", "boolean", "Not named in the text"),
            _f("status", description=STATUS),
            _f("status_label"),
            _f("status_date", description=PARTIAL),
            _f("scope", description="Set when the status was judged for this addressee only"),
        ),
        ("recommendation_id", "actor_id"),
        (("recommendation_id", "recommendations", "id"), ("actor_id", "actors", "id")),
    ),
    Resource(
        "assessments",
        "Assessments",
        "Every published status assessment, oldest first: superseded and withdrawn ones are kept and marked in "
        "state. Drafts are never here.",
        (
            ID,
            _f("recommendation_id", required=True),
            _f("addressee_id", description="Empty: judged for the whole ask"),
            _f("status", description=STATUS, required=True),
            _f("status_label"),
            _f("as_of", description=PARTIAL, required=True),
            _f("assessor_id", required=True),
            _f("rationale"),
            _f("state", description="standing, superseded, withdrawn, or withdrawal (the record that withdraws one)"),
            _f("supersedes_id"),
            _f("supersede_reason"),
            _f("superseded_by"),
        ),
        ("id",),
        (
            ("recommendation_id", "recommendations", "id"),
            ("addressee_id", "actors", "id"),
            ("assessor_id", "actors", "id"),
        ),
    ),
    _join(
        "assessment_evidence",
        "Evidence cited by each assessment",
        "Which evidence each assessment rests on.",
        ("assessment_id", "assessments"),
        ("evidence_id", "evidence"),
    ),
    Resource(
        "evidence",
        "Evidence",
        "Dated facts (laws, policies, reports, news) that assessments rest on.",
        (
            ID,
            _f("date", description=PARTIAL, required=True),
            _f("date_start", "date", "First day of the date"),
            _f("kind"),
            _f("title", required=True),
            _f("summary"),
            _f("url"),
            _f("citation"),
            _f("source_id", description="Set when the evidence comes from one of the sources"),
            _f("completeness"),
        ),
        ("id",),
        (("source_id", "sources", "id"),),
    ),
    _join(
        "evidence_recommendations",
        "Evidence bearing on each recommendation",
        "Evidence linked to a recommendation, or cited by a published assessment of it.",
        ("recommendation_id", "recommendations"),
        ("evidence_id", "evidence"),
    ),
    Resource(
        "links",
        "Repeated asks",
        "A later recommendation that repeats or follows up an earlier one.",
        (
            _f("recommendation_id", description="The later recommendation", required=True),
            _f("earlier_id", description="The earlier recommendation it repeats or follows up", required=True),
            _f("kind"),
            _f("note"),
        ),
        ("recommendation_id", "earlier_id"),
        (("recommendation_id", "recommendations", "id"), ("earlier_id", "recommendations", "id")),
    ),
)
BY_NAME = {r.name: r for r in RESOURCES}


Rows = pd.DataFrame | list[dict[str, Any]]


def tables(engine: Engine) -> dict[str, Rows]:
    """Every resource's rows (a frame or plain dicts, with more columns than the fields), as the public sees them."""
    table = recommendation_table(engine)
    history = assessment_history(engine, viewer=visibility.PUBLIC)
    shown = set(history["id"])
    history["supersedes_id"] = history["supersedes_id"].where(history["supersedes_id"].isin(shown), None)
    public_evidence = sql.rows(engine, select(E).where(visibility.evidence(visibility.PUBLIC, E)).order_by(E.c.id))
    cited = sql.rows(engine, select(AE.c.assessment_id, AE.c.evidence_id).order_by(AE.c.assessment_id, AE.c.position))
    bearing = evidence.bearing().subquery("bearing")
    themed = select(RT.c.recommendation_id, RT.c.theme_id).order_by(RT.c.recommendation_id, RT.c.theme_id)
    links = select(L.c.source_id.label("recommendation_id"), L.c.target_id.label("earlier_id"), L.c.kind, L.c.note)
    return {
        "sources": open_data.sources(engine),
        "actors": open_data.actors(engine),
        "themes": open_data.themes(engine),
        "recommendations": table,
        "recommendation_themes": sql.rows(engine, themed),
        "addressees": addressee_sheet(table).rename(columns={"id": "actor_id"}),
        "assessments": history,
        "assessment_evidence": [r for r in cited if r["assessment_id"] in shown],
        "evidence": public_evidence,
        "evidence_recommendations": sql.rows(
            engine,
            select(bearing.c.recommendation_id, bearing.c.evidence_id)
            .distinct()
            .order_by(bearing.c.recommendation_id, bearing.c.evidence_id),
        ),
        "links": sql.rows(engine, links.order_by(L.c.source_id, L.c.target_id)),
    }


def _lines(resource: Resource, rows: Rows) -> Iterable[tuple[Any, ...]]:
    names = [f.name for f in resource.fields]
    if isinstance(rows, pd.DataFrame):
        frame = rows.reindex(columns=names)
        return zip(*(frame[name] for name in names), strict=True)
    return (tuple(row.get(name) for name in names) for row in rows)


def _cell(value: object, kind: str) -> str:
    """A value as CSV text for a field of ``kind`` (a missing value, None, NaN, NaT or NA, is empty)."""
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if value is None or pd.isna(value):  # type: ignore[call-overload]  # a scalar: lists were handled above
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "integer":
        return str(int(value))  # type: ignore[call-overload]  # a count from the database or pandas
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return str(neutralise(str(value)))


def csv_bytes(resource: Resource, rows: Rows) -> bytes:
    """One resource as CSV (UTF-8 with a byte-order mark, so spreadsheets read Khmer and other scripts)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.name for f in resource.fields])
    kinds = [f.type for f in resource.fields]
    for line in _lines(resource, rows):
        writer.writerow([_cell(value, kind) for value, kind in zip(line, kinds, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def citation(state: open_data.DataState, organisation: str = "") -> str:
    who = f"{organisation}. " if organisation else ""
    return f"{who}Migrant-worker recommendation tracker: published data, as of {state.modified:%Y-%m-%d}."


def descriptor(state: open_data.DataState, prefix: str = SERVED_AT, organisation: str = "") -> dict[str, Any]:
    """datapackage.json, with each resource's path under ``prefix`` (relative to the descriptor)."""
    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": NAME,
        "title": TITLE,
        "description": (
            "Civil-society, ASEAN Forum on Migrant Labour and Cambodian tripartite recommendations on migrant "
            "workers (2011-2022): who is asked to act, each addressee's status, the published assessments and the "
            "evidence. Only published data. Text cells that begin with = + - or @ begin with an apostrophe, so that "
            "spreadsheets do not run them as formulas. The recommendation texts are quoted verbatim from their "
            "source documents, whose authors keep their rights; the licence covers the tracker's own work."
        ),
        "version": f"1.0.{state.version}",
        "created": state.modified.replace(microsecond=0).isoformat() + "Z",
        "licenses": [LICENCE],
        "citation": citation(state, organisation),
        "keywords": ["migrant workers", "labour migration", "ASEAN", "Cambodia", "recommendations", "accountability"],
        "resources": [],
    }
    if organisation:
        package["contributors"] = [{"title": organisation, "roles": ["publisher"]}]
    for resource in RESOURCES:
        schema: dict[str, Any] = {
            "fields": [
                {"name": f.name, "type": f.type, "description": f.description, "constraints": {"required": True}}
                if f.required
                else {"name": f.name, "type": f.type, "description": f.description}
                for f in resource.fields
            ],
            "primaryKey": list(resource.key),
        }
        if resource.references:
            schema["foreignKeys"] = [
                {"fields": [field], "reference": {"resource": other, "fields": [its]}}
                for field, other, its in resource.references
            ]
        package["resources"].append(
            {
                "name": resource.name,
                "title": resource.title,
                "description": resource.description,
                "path": f"{prefix}{resource.name}.csv",
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": schema,
            }
        )
    return package


def as_zip(rows: dict[str, Rows], state: open_data.DataState, organisation: str = "") -> bytes:
    """The whole package in one file: datapackage.json and data/*.csv (the Download data page's zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        package = descriptor(state, IN_ZIP, organisation)
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for resource in RESOURCES:
            archive.writestr(f"{IN_ZIP}{resource.name}.csv", csv_bytes(resource, rows[resource.name]))
    return buffer.getvalue()
