"""Bulk updates: a CSV or XLSX file of assessments (the export's assessments sheet), checked row by row.

Every row goes through the same write function as the form (``updates.record_assessment``), so the same
rules and permission checks apply. A preview runs all rows in a transaction that is rolled back; a commit
writes every valid row in one transaction (invalid rows are reported and left out), or nothing at all if
the file itself is refused. Files are recognised by their content, not their name, and refused early and
cheaply when too big, too long, of the wrong kind or encoding, or holding spreadsheet formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from models.tables import A
from recommendations.dataset.schema import ASSESSMENT_SHEET, ASSESSMENT_SHEET_COLUMNS, ASSESSMENT_SHEET_WRITABLE
from recommendations.permissions import PermissionDenied, Principal
from recommendations.vocabulary import STATUS_LABELS
from recommendations.write import errors, updates
from recommendations.write.uploads import (
    read_rows,
)

_LABEL_TO_STATUS = {label.lower(): status for status, label in STATUS_LABELS.items()}
_NEW_EVIDENCE = {
    "title": "new_evidence_title",
    "date": "new_evidence_date",
    "kind": "new_evidence_kind",
    "url": "new_evidence_url",
    "citation": "new_evidence_citation",
    "summary": "new_evidence_summary",
}
# a form field (as updates names it) -> the column a person sees in the sheet
_FIELD_COLUMNS = {
    "recommendation": "recommendation_id",
    "addressee": "addressee_id",
    "supersedes": "supersedes_id",
    "form": "row",
    **{f"new_evidence.0.{k}": v for k, v in _NEW_EVIDENCE.items()},
}


@dataclass
class RowResult:
    row: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str]
    outcome: str = "new"  # new | unchanged | error
    errors: list[str] = field(default_factory=list)  # "column as_of: 2099-01-01 is in the future"
    assessment_id: str | None = None


@dataclass
class Report:
    rows: list[RowResult]
    committed: bool = False

    @property
    def new(self) -> int:
        return sum(r.outcome == "new" for r in self.rows)

    @property
    def errors(self) -> int:
        return sum(r.outcome == "error" for r in self.rows)

    @property
    def unchanged(self) -> int:
        return sum(r.outcome == "unchanged" for r in self.rows)

    def lines(self) -> list[str]:
        out = []
        for r in self.rows:
            if r.outcome == "error":
                out += [f"row {r.row}, {e}" for e in r.errors]
            elif r.outcome == "unchanged":
                out.append(f"row {r.row}: {r.errors[0] if r.errors else 'already recorded'}; skipped")
        return out


# --- reading a file ----------------------------------------------------------------------------------------


# --- checking and writing ----------------------------------------------------------------------------------


def _form(values: dict[str, str], publish: bool) -> updates.AssessmentForm:
    status = values.get("status", "")
    status = _LABEL_TO_STATUS.get(status.lower(), status)
    new = {k: values.get(column, "") for k, column in _NEW_EVIDENCE.items()}
    return updates.AssessmentForm(
        recommendation=values.get("recommendation_id", ""),
        status=status,
        as_of=values.get("as_of", ""),
        rationale=values.get("rationale", ""),
        addressee=values.get("addressee_id") or None,
        evidence=[e.strip() for e in values.get("evidence", "").replace(",", ";").split(";") if e.strip()],
        new_evidence=[new] if any(new.values()) else [],
        supersedes=values.get("supersedes_id") or None,
        supersede_reason=values.get("supersede_reason") or None,
        publish=publish,
    )


def _words(error: errors.FieldError) -> str:
    column = _FIELD_COLUMNS.get(error.field, error.field)
    return f"column {column}: {error.message}" if column != "row" else error.message


def _recorded(conn: Connection, assessment_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(A).where(A.c.id == assessment_id)).first()
    return dict(row._mapping) if row else None


def _already_recorded(conn: Connection, principal: Principal | None, values: dict[str, str]) -> str | None:
    """An assessment of this organisation with the same recommendation, part, status, date and rationale:
    uploading a file twice (or after a commit) records nothing twice."""
    if principal is None or not principal.organisation_id:
        return None
    candidates = conn.execute(
        select(A).where(
            A.c.assessor_id == principal.organisation_id,
            A.c.recommendation_id == values.get("recommendation_id", ""),
            A.c.as_of == values.get("as_of", ""),
        )
    )
    return next((r.id for r in candidates if _same(dict(r._mapping), values)), None)


def _same(existing: dict[str, Any], values: dict[str, str]) -> bool:
    status = _LABEL_TO_STATUS.get(values.get("status", "").lower(), values.get("status", ""))
    return (
        existing["recommendation_id"] == values.get("recommendation_id")
        and (existing["addressee_id"] or "") == values.get("addressee_id", "")
        and existing["status"] == status
        and existing["as_of"] == values.get("as_of")
        and existing["rationale"].strip() == values.get("rationale", "").strip()
    )


def check_and_write(
    conn: Connection,
    principal: Principal | None,
    rows: list[tuple[int, dict[str, str]]],
    *,
    publish: bool = False,
    seen: dict[tuple[str, ...], int] | None = None,
) -> list[RowResult]:
    """Each row through updates.record_assessment, in the caller's transaction (rolled back for a preview).

    ``seen`` carries the rows already checked (across batches), so a repeated row is caught wherever it is.
    """
    results: list[RowResult] = []
    seen = {} if seen is None else seen
    for number, values in rows:
        result = RowResult(row=number, values=values)
        results.append(result)
        key = tuple(values.get(c, "") for c in ASSESSMENT_SHEET_WRITABLE)
        if key in seen:
            result.outcome, result.errors = "error", [f"repeats row {seen[key]}"]
            continue
        seen[key] = number
        existing_id = values.get("id", "")
        if existing_id:
            existing = _recorded(conn, existing_id)
            if existing is not None:
                if _same(existing, values):
                    result.outcome, result.errors = "unchanged", [f"assessment {existing_id} is already recorded"]
                else:
                    result.outcome = "error"
                    result.errors = [
                        f"assessment {existing_id} is already recorded and cannot change; to correct it, clear "
                        f"the id and put {existing_id} in supersedes_id with a supersede_reason"
                    ]
                continue
        twin = _already_recorded(conn, principal, values)
        if twin:
            result.outcome, result.errors = "unchanged", [f"the same assessment is already recorded as {twin}"]
            continue
        try:
            result.assessment_id = updates.record_assessment(
                conn=conn, principal=principal, form=_form(values, publish)
            )
        except errors.Invalid as exc:
            result.outcome, result.errors = "error", [_words(e) for e in exc.errors]
        except PermissionDenied as exc:
            result.outcome, result.errors = "error", [str(exc)]
    return results


def import_updates(
    engine: Engine,
    principal: Principal | None,
    data: bytes,
    *,
    commit: bool,
    publish: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read, check and (with ``commit``) write a file of assessments. Raises UploadRefused for a bad file."""
    rows = read_rows(data)
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            results: list[RowResult] = []
            seen: dict[tuple[str, ...], int] = {}
            for start in range(0, len(rows), 200):
                results += check_and_write(conn, principal, rows[start : start + 200], publish=publish, seen=seen)
                if progress:
                    progress(min(start + 200, len(rows)), len(rows))
            if commit and any(r.outcome == "new" for r in results):
                transaction.commit()
                return Report(results, committed=True)
        finally:
            if transaction.is_active:
                transaction.rollback()
    return Report(results, committed=False)


def template_csv() -> bytes:
    import pandas as pd

    from recommendations.dataset.export import to_csv_bytes

    return to_csv_bytes(pd.DataFrame(columns=ASSESSMENT_SHEET_COLUMNS))


def template_xlsx() -> bytes:
    import pandas as pd

    from recommendations.dataset.export import to_xlsx_bytes

    notes = pd.DataFrame(
        {
            "column": ASSESSMENT_SHEET_COLUMNS,
            "what to put there": [
                _COLUMN_HELP.get(c, "filled in by the tracker; ignored on upload") for c in ASSESSMENT_SHEET_COLUMNS
            ],
        }
    )
    return to_xlsx_bytes({ASSESSMENT_SHEET: pd.DataFrame(columns=ASSESSMENT_SHEET_COLUMNS), "columns": notes})


_COLUMN_HELP = {
    "recommendation_id": "required: the recommendation's id, e.g. mmn2016-06 (shown on its page)",
    "addressee_id": "optional: the addressee whose part of the ask it judges (an actor id); empty for the whole ask",
    "status": "required: not_assessed, no_progress, in_progress, partially_implemented, implemented, not_applicable",
    "as_of": "required: YYYY-MM-DD (or YYYY-MM, YYYY): the date of the latest evidence it rests on",
    "rationale": "required: why the evidence supports the status, and what it does not show",
    "evidence": "ids of existing evidence, separated by ';' (needed unless the status is not_assessed)",
    "supersedes_id": "optional: the id of your organisation's assessment this one corrects",
    "supersede_reason": "with supersedes_id: why the earlier assessment is corrected",
    "new_evidence_title": "optional, one new evidence item per row: its title",
    "new_evidence_date": "its date (YYYY-MM-DD, YYYY-MM or YYYY)",
    "new_evidence_kind": "law, policy, agreement, report, statistic, news, meeting or institution",
    "new_evidence_url": "its http(s) address",
    "new_evidence_citation": "or a citation, when there is no address",
    "new_evidence_summary": "what it says, in your own words",
}
