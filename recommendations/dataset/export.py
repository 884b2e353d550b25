"""Exports: the YAML layout of data/ (a full backup) and flat tables.

The YAML export is what makes the database reproducible: ``load`` of an export gives back the same rows, including
assessments and documents recorded in the app. Flat exports are meant to be opened in spreadsheets, so any cell
that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement

from models import tables
from models.tables import A, E
from recommendations import visibility
from recommendations.dataset import translations
from recommendations.dataset.folder import SOURCES_DIR
from recommendations.dataset.records import APP_ONLY, TEXTS_DIR, examined_not_linked
from recommendations.dataset.schema import ASSESSMENT_SHEET, ASSESSMENT_SHEET_COLUMNS
from recommendations.dataset.yamlio import dump_yaml
from recommendations.read.filters import Filters
from recommendations.read.history import assessment_history
from recommendations.read.table import recommendation_table

#: What a spreadsheet may run as a formula at the start of a cell (OWASP's list for CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: How ``neutralise`` protects such a cell: a leading apostrophe, which spreadsheets show as text.
NEUTRALISED_PREFIXES = tuple("'" + p for p in FORMULA_PREFIXES)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def runs_as_formula(value: str) -> bool:
    """A cell a spreadsheet would run (a formula), not a plain signed number like -5."""
    return value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value.strip())


FLAT_COLUMNS = [
    "id", "source_id", "source_title", "source_date", "number", "section", "kind", "title", "lead_in", "text",
    "addressees", "themes", "status", "status_label", "status_date", "status_assessor", "status_scope",
    "addressee_statuses", "evidence_count", "last_evidence_date", "research_state", "last_searched_on",
    "asked_as_a_whole",
]  # fmt: skip
#: In JSON, each addressee is an object with its own status (the status rule's per-addressee answer).
ADDRESSEE_FIELDS = ["id", "name", "role", "inferred", "status", "status_date", "scope"]


def _rows(
    conn: Connection, table: Table, order: tuple[str, ...] = (), where: ColumnElement[bool] | None = None
) -> list[dict[str, Any]]:
    stmt = select(table).order_by(*(table.c[c] for c in order)) if order else select(table)
    if where is not None:
        stmt = stmt.where(where)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def _clean(record: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """Drop empty optional fields so exported YAML reads like hand-written YAML."""
    return {k: v for k, v in record.items() if k not in drop and v is not None and v != []}


def database_as_yaml(engine: Engine, viewer: visibility.Viewer) -> dict[str, object]:
    """Relative path -> content for every file of the data/ layout, as ``viewer`` may see it.

    The public's copy holds what is published; ``visibility.EVERYTHING`` (the maintainer's backup on the
    command line) holds drafts, returned drafts and reviewers' comments too, so that loading it reproduces the
    database.
    """
    files: dict[str, object] = {}
    seen_assessments = visibility.assessments(viewer, A)
    seen_evidence = visibility.evidence(viewer, E)
    with engine.connect() as conn:
        translated = translations.as_yaml(_rows(conn, tables.TR, ("entity", "record_id", "lang", "field_name")))

        def told(entity: str, key: str, record: dict[str, Any]) -> dict[str, Any]:
            found = translated.get((entity, record[key]))
            return {**record, "translations": found} if found else record

        files["actors.yaml"] = {
            "actors": [told("actor", "id", _clean(r, drop=("version",))) for r in _rows(conn, tables.ACT, ("id",))]
        }
        files["themes.yaml"] = {"themes": [told("theme", "id", _clean(r)) for r in _rows(conn, tables.T, ("id",))]}
        files["glossary.yaml"] = {
            "glossary": [told("glossary", "term", _clean(r)) for r in _rows(conn, tables.G, ("term",))]
        }
        themes: dict[str, list[str]] = {}
        for r in _rows(conn, tables.RT, ("recommendation_id", "theme_id")):
            themes.setdefault(r["recommendation_id"], []).append(r["theme_id"])
        addressees: dict[str, list[dict[str, Any]]] = {}
        for r in _rows(conn, tables.AD, ("recommendation_id", "position")):
            addressees.setdefault(r["recommendation_id"], []).append(
                {"actor": r["actor_id"], "role": r["role"], "inferred": bool(r["inferred"])}
            )
        recs: dict[str, list[dict[str, Any]]] = {}
        for r in _rows(conn, tables.R, ("source_id", "position")):
            rec = _clean(r, drop=("source_id", "position", *APP_ONLY))
            rec["themes"] = themes.get(r["id"], [])
            rec["addressees"] = addressees.get(r["id"], [])
            rec = told("recommendation", "id", rec)
            recs.setdefault(r["source_id"], []).append(rec)
        for r in _rows(conn, tables.S, ("id",)):
            full_text = r.pop("full_text")
            r["text_path"] = r["text_path"] or (f"{TEXTS_DIR}/{r['id']}.txt" if full_text is not None else None)
            source = _clean(r, drop=("date_start", *APP_ONLY))
            source["recommendations"] = recs.get(r["id"], [])
            files[f"{SOURCES_DIR}/{r['id']}.yaml"] = source
            if r["text_path"] and full_text is not None:
                files[r["text_path"]] = full_text
        ev_recs: dict[str, list[str]] = {}
        for r in _rows(conn, tables.ER, ("evidence_id", "recommendation_id")):
            ev_recs.setdefault(r["evidence_id"], []).append(r["recommendation_id"])
        evidence = []
        for r in _rows(conn, tables.E, ("date_start", "id"), where=seen_evidence):
            item = _clean(r, drop=("date_start", "source_id", "version", "organisation_id"))
            if r["source_id"]:
                item["source"] = r["source_id"]
            if r["organisation_id"]:
                item["organisation"] = r["organisation_id"]
            item["recommendations"] = ev_recs.get(r["id"], [])
            evidence.append(_clean(item))
        files["evidence.yaml"] = {"evidence": evidence}
        shown = {r["id"]: r for r in _rows(conn, tables.A, ("as_of_start", "recorded_at", "id"), seen_assessments)}
        ass_ev: dict[str, list[str]] = {}
        for r in _rows(conn, tables.AE, ("assessment_id", "position")):
            if r["assessment_id"] in shown:
                ass_ev.setdefault(r["assessment_id"], []).append(r["evidence_id"])
        reviews = {}
        for r in _rows(conn, tables.REVIEWS):
            assessment = shown.get(r["assessment_id"])
            if assessment is None:
                continue
            own = viewer.everything or viewer.organisation_id == assessment["assessor_id"]
            reviews[r["assessment_id"]] = _clean(
                {
                    "decision": r["decision"],
                    "reviewed_by": r["reviewed_by"],
                    "reviewed_at": r["reviewed_at"].isoformat(),
                    "comment": r["comment"] if own else None,  # a reviewer's words are for their organisation
                }
            )
        assessments = []
        for r in shown.values():
            assessments.append(
                _clean(
                    {
                        "id": r["id"],
                        "recommendation": r["recommendation_id"],
                        "addressee": r["addressee_id"],
                        "status": r["status"],
                        "as_of": r["as_of"],
                        "assessor": r["assessor_id"],
                        "rationale": r["rationale"],
                        "evidence": ass_ev.get(r["id"], []),
                        "visibility": r["visibility"],
                        "supersedes": r["supersedes_id"],
                        "supersede_reason": r["supersede_reason"],
                        "recorded_by": r["recorded_by"],
                        "recorded_at": r["recorded_at"].isoformat(),
                        "review": reviews.get(r["id"]),
                    }
                )
            )
        files["assessments.yaml"] = {"assessments": assessments}
        links = {
            "links": [
                _clean({"source": r["source_id"], "target": r["target_id"], "kind": r["kind"], "note": r["note"]})
                for r in _rows(conn, tables.L, ("source_id", "target_id"))
            ]
        }
        if examined := examined_not_linked(conn):
            links["examined_not_linked"] = examined
        files["links.yaml"] = links
        files["context_figures.yaml"] = {
            "context_figures": [
                _clean({**_clean(r, drop=("source_id",)), "source": r["source_id"]})
                for r in _rows(conn, tables.C, ("id",))
            ]
        }
        files["research_log.yaml"] = {
            "research_log": [
                _clean(
                    {
                        "recommendation": r["recommendation_id"],
                        "searched_on": r["searched_on"],
                        "by": r["searched_by"],
                        "where": r["where"],
                        "found": r["found"],
                        "evidence": r["evidence"],
                        "outcome": r["outcome"],
                        "scope": r["scope"],
                        "partly_read": r["partly_read"] or None,
                        "note": r["note"],
                    }
                )
                for r in _rows(conn, tables.RL, ("recommendation_id", "position"))
            ]
        }
    return files


def write_yaml_layout(engine: Engine, out: Path, viewer: visibility.Viewer) -> list[Path]:
    written = []
    for rel, content in database_as_yaml(engine, viewer).items():
        path = Path(out) / rel
        if isinstance(content, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        else:
            dump_yaml(content, path, header="Exported from the recommendation tracker database.")
        written.append(path)
    return written


def neutralise(value: object) -> object:
    """Make a cell safe to open in a spreadsheet (no formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def flat_table(engine: Engine, filters: Filters | None = None) -> pd.DataFrame:
    return flat_from(recommendation_table(engine, filters))


def flat_from(table: pd.DataFrame) -> pd.DataFrame:
    """One row per recommendation; ``addressee_statuses`` spells out its status for each addressee."""
    out = table.reindex(columns=FLAT_COLUMNS)
    out["addressee_statuses"] = table["addressee_statuses"].apply(addressee_status_text) if len(table) else []
    return out


def addressee_status_text(items: list[dict[str, Any]]) -> str:
    """ "RGC: Partially implemented (as of 2021-01, as assessed for RGC); Destination governments: Not assessed" """
    parts = []
    for a in items:
        detail = ", ".join(x for x in (f"as of {a['status_date']}" if a["status_date"] else "", a["scope"]) if x)
        parts.append(f"{a['label']}: {a['status_label']}" + (f" ({detail})" if detail else ""))
    return "; ".join(parts)


def json_records(engine: Engine, filters: Filters | None = None) -> list[dict[str, Any]]:
    """The flat table as JSON records, ``addressees`` a list of objects with each addressee's status."""
    table = recommendation_table(engine, filters)
    frame = flat_from(table).drop(columns=["addressees", "addressee_statuses"])
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", force_ascii=False))
    for record, items in zip(records, table["addressee_statuses"], strict=True):
        record["addressees"] = [{k: a[k] for k in ADDRESSEE_FIELDS} for a in items]
    return records


def addressee_sheet(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (recommendation, addressee) with its status for that addressee, for the XLSX workbook."""
    rows = [
        {"recommendation_id": rec_id, **{k: a[k] for k in ADDRESSEE_FIELDS}, "status_label": a["status_label"]}
        for rec_id, items in zip(table["id"], table["addressee_statuses"], strict=True)
        for a in items
    ]
    return pd.DataFrame(rows, columns=["recommendation_id", *ADDRESSEE_FIELDS, "status_label"])


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(neutralise)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            spreadsheet_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def to_json_bytes(records: list[dict[str, Any]] | pd.DataFrame) -> bytes:
    if isinstance(records, pd.DataFrame):
        records = json.loads(records.to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8")


def export(
    engine: Engine,
    fmt: str,
    out: Path | None,
    filters: Filters | None = None,
    viewer: visibility.Viewer = visibility.PUBLIC,
) -> bytes | list[Path]:
    """Write one export, as ``viewer`` may see the data; yaml needs a folder, the others return bytes or write a
    file."""
    if fmt == "yaml":
        if out is None:
            raise ValueError("yaml export needs --out FOLDER")
        return write_yaml_layout(engine, out, viewer)
    if fmt == "json":
        payload = to_json_bytes(json_records(engine, filters))
    elif fmt == "csv":
        payload = to_csv_bytes(flat_table(engine, filters))
    elif fmt == "xlsx":
        payload = workbook(engine, filters, viewer)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(payload)
    return payload


def yaml_zip(engine: Engine, viewer: visibility.Viewer) -> bytes:
    """The data/ layout as a zip, as ``viewer`` may see it, for the app's download button."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in write_yaml_layout(engine, Path(tmp), viewer):
            archive.write(path, str(Path("data") / path.relative_to(tmp)))
    return buffer.getvalue()


def workbook(engine: Engine, filters: Filters | None = None, viewer: visibility.Viewer = visibility.PUBLIC) -> bytes:
    """Recommendations (filtered), each addressee's status, the assessment history and the evidence, a sheet each.

    Statuses and the history are what is in force, whoever asks; the evidence sheet is what ``viewer`` may see.
    """
    table = recommendation_table(engine, filters)
    recs = flat_from(table)
    ids = list(recs["id"])
    history = assessment_history(engine, ids)
    assessments = assessment_sheet(history)
    evidence = evidence_table(engine, ids, viewer)
    return to_xlsx_bytes(
        {
            "recommendations": recs,
            "addressees": addressee_sheet(table),
            ASSESSMENT_SHEET: assessments,
            "evidence": evidence,
        }
    )


def assessment_sheet(history: pd.DataFrame) -> pd.DataFrame:
    """The assessments sheet (schema.ASSESSMENT_SHEET_COLUMNS): also the template an upload fills in."""
    return history.assign(evidence=history["evidence"].apply("; ".join)).reindex(columns=ASSESSMENT_SHEET_COLUMNS)


def evidence_table(
    engine: Engine, recommendation_ids: list[str] | None = None, viewer: visibility.Viewer = visibility.PUBLIC
) -> pd.DataFrame:
    """Evidence items ``viewer`` may see, with the recommendations each bears on (linked directly, or cited by
    an assessment ``viewer`` may see); with ``recommendation_ids``, only those bearing on one of them."""
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(E).where(visibility.evidence(viewer, E)).order_by(
            E.c.date_start, E.c.id))]  # fmt: skip
        links = [dict(r._mapping) for r in conn.execute(select(tables.ER))]
        cited = conn.execute(
            select(tables.AE.c.evidence_id, A.c.recommendation_id)
            .join(A, A.c.id == tables.AE.c.assessment_id)
            .where(visibility.assessments(viewer, A))
        ).all()
    bears: dict[str, set[str]] = {}
    for link in links:
        bears.setdefault(link["evidence_id"], set()).add(link["recommendation_id"])
    for evidence_id, rec_id in cited:
        bears.setdefault(evidence_id, set()).add(rec_id)
    frame = pd.DataFrame(rows).drop(columns=["date_start", "actors", "themes", "organisation_id"], errors="ignore")
    if frame.empty:
        return frame
    frame["recommendations"] = frame["id"].map(lambda i: "; ".join(sorted(bears.get(i, set()))))
    if recommendation_ids is not None:
        wanted = set(recommendation_ids)
        frame = frame[frame["id"].map(lambda i: bool(bears.get(i, set()) & wanted))]
    return frame.reset_index(drop=True)
