"""Load a validated data/ folder into the database in one transaction.

The load is a diff, not a rebuild: rows equal to the YAML are not touched (so
loading twice writes nothing), changed rows are updated, and records that are
in the database but not in the YAML (such as assessments recorded in the app)
are kept and counted. The child rows of a record that *is* in the YAML (its
themes, addressees, evidence links) are replaced by what the YAML says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from models import (
    Actor,
    Addressee,
    Assessment,
    AssessmentEvidence,
    ContextFigure,
    Evidence,
    EvidenceRecommendation,
    GlossaryTerm,
    Recommendation,
    RecommendationLink,
    RecommendationTheme,
    Source,
    Theme,
)
from models.db import migrate
from recommendations.schema import date_start
from recommendations.validate import Dataset, Problem, read_dataset


class DataInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


@dataclass
class TableReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    removed: int = 0


@dataclass
class LoadReport:
    tables: dict[str, TableReport] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(t.inserted or t.updated or t.removed for t in self.tables.values())

    def lines(self) -> list[str]:
        out = []
        for name, t in self.tables.items():
            out.append(
                f"{name:24} +{t.inserted} inserted, ~{t.updated} updated, ={t.unchanged} unchanged, "
                f"{t.kept} kept (not in YAML), -{t.removed} child rows removed"
            )
        return out


# A table whose rows belong to a parent record: (table, parent key column, parent table)
_CHILDREN = {
    RecommendationTheme: "recommendation_id",
    Addressee: "recommendation_id",
    EvidenceRecommendation: "evidence_id",
    AssessmentEvidence: "assessment_id",
}


def _utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def dataset_rows(data: Dataset) -> dict[type, list[dict]]:
    """Rows for every table, in foreign-key order."""
    rows: dict[type, list[dict]] = {
        Actor: [a.model_dump() for a in data.actors],
        Theme: [t.model_dump() for t in data.themes],
        GlossaryTerm: [g.model_dump() for g in data.glossary],
        Source: [],
        Recommendation: [],
        RecommendationTheme: [],
        Addressee: [],
        Evidence: [],
        EvidenceRecommendation: [],
        Assessment: [],
        AssessmentEvidence: [],
        RecommendationLink: [],
        ContextFigure: [],
    }
    for source in data.sources:
        row = source.model_dump(exclude={"recommendations"})
        row["date_start"] = date_start(source.date)
        row["full_text"] = (data.root / source.text_path).read_text(encoding="utf-8") if source.text_path else None
        rows[Source].append(row)
        for position, rec in enumerate(source.recommendations):
            rec_row = rec.model_dump(exclude={"themes", "addressees"})
            rec_row.update(source_id=source.id, position=position)
            rows[Recommendation].append(rec_row)
            rows[RecommendationTheme] += [{"recommendation_id": rec.id, "theme_id": t} for t in rec.themes]
            rows[Addressee] += [
                {
                    "recommendation_id": rec.id,
                    "actor_id": a.actor,
                    "position": i,
                    "role": a.role,
                    "inferred": a.inferred,
                }
                for i, a in enumerate(rec.addressees)
            ]
    for item in data.evidence:
        row = item.model_dump(exclude={"recommendations", "source"})
        row.update(date_start=date_start(item.date), source_id=item.source)
        rows[Evidence].append(row)
        rows[EvidenceRecommendation] += [{"evidence_id": item.id, "recommendation_id": r} for r in item.recommendations]
    for item in data.assessments:
        row = item.model_dump(exclude={"recommendation", "addressee", "assessor", "evidence"})
        row.update(
            recommendation_id=item.recommendation,
            addressee_id=item.addressee,
            assessor_id=item.assessor,
            as_of_start=date_start(item.as_of),
            recorded_at=_utc_naive(item.recorded_at),
        )
        rows[Assessment].append(row)
        rows[AssessmentEvidence] += [
            {"assessment_id": item.id, "evidence_id": e, "position": i} for i, e in enumerate(item.evidence)
        ]
    rows[RecommendationLink] = [
        {"source_id": link.source, "target_id": link.target, "kind": link.kind, "note": link.note}
        for link in data.links
    ]
    rows[ContextFigure] = [{**f.model_dump(exclude={"source"}), "source_id": f.source} for f in data.context_figures]
    return rows


def _key(table: Table, row: dict) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def _sync(conn: Connection, model: type, wanted: Iterable[dict], parents: set[str] | None) -> TableReport:
    table: Table = model.__table__  # type: ignore[attr-defined]
    report = TableReport()
    columns = [c.name for c in table.columns]
    existing = {_key(table, dict(r._mapping)): dict(r._mapping) for r in conn.execute(select(table))}
    wanted_by_key = {}
    for row in wanted:
        full = {c: row.get(c) for c in columns}
        wanted_by_key[_key(table, full)] = full
    pk = list(table.primary_key.columns)
    for key, row in wanted_by_key.items():
        old = existing.get(key)
        if old is None:
            conn.execute(insert(table).values(**row))
            report.inserted += 1
        elif old != row:
            conn.execute(update(table).where(and_(*(c == v for c, v in zip(pk, key, strict=True)))).values(**row))
            report.updated += 1
        else:
            report.unchanged += 1
    for key, old in existing.items():
        if key in wanted_by_key:
            continue
        parent_column = _CHILDREN.get(model)
        if parent_column and old[parent_column] in (parents or set()):
            conn.execute(delete(table).where(and_(*(c == v for c, v in zip(pk, key, strict=True)))))
            report.removed += 1
        else:
            report.kept += 1
    return report


def load_dataset(data: Dataset, engine: Engine) -> LoadReport:
    """Write a validated dataset; all or nothing."""
    migrate(engine)
    rows = dataset_rows(data)
    parent_ids = {
        RecommendationTheme: {r["id"] for r in rows[Recommendation]},
        Addressee: {r["id"] for r in rows[Recommendation]},
        EvidenceRecommendation: {r["id"] for r in rows[Evidence]},
        AssessmentEvidence: {r["id"] for r in rows[Assessment]},
    }
    report = LoadReport()
    with engine.begin() as conn:
        for model, wanted in rows.items():
            report.tables[model.__tablename__] = _sync(conn, model, wanted, parent_ids.get(model))
    if report.changed and engine.dialect.name == "postgresql":
        # Fresh statistics, or the planner guesses after a bulk load (measured: 3 s instead of 0.13 s at 20k rows).
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return report


def load_folder(root: Path, engine: Engine) -> LoadReport:
    """Validate ``root`` and load it; raise DataInvalid (database untouched) on any problem."""
    data, problems = read_dataset(root)
    if problems:
        raise DataInvalid(problems)
    return load_dataset(data, engine)
