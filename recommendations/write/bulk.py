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

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from models.tables import ACT, AD, A, R, S
from recommendations import sql, status
from recommendations.dataset.export import to_csv_bytes, to_xlsx_bytes
from recommendations.dataset.schema import ASSESSMENT_SHEET, ASSESSMENT_SHEET_WRITABLE
from recommendations.i18n import N_, Message, Translator
from recommendations.permissions import PermissionDenied, Principal
from recommendations.read import evidence
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
    #: What is wrong with the row (or why it is skipped), each beside its column ("row": the whole row).
    problems: list[errors.FieldError] = field(default_factory=list)
    assessment_id: str | None = None

    @property
    def errors(self) -> list[str]:
        """The problems in English: "column as_of: 2099-01-01 is in the future: give the date …"."""
        return self.said()

    def said(self, translator: Translator | None = None) -> list[str]:
        """The problems in ``translator``'s language (English without one), each naming its column."""
        out = []
        for problem in self.problems:
            words = problem.words(translator)
            if problem.field == "row":
                out.append(words)
            else:
                named = {"column": problem.field, "problem": words}
                out.append(translator.t(COLUMN, **named) if translator else str(Message(COLUMN, named)))
        return out


COLUMN = N_("column {column}: {problem}")


def _row_problem(msgid: str, /, **named: Any) -> list[errors.FieldError]:
    return [errors.FieldError("row", msgid, whole=True, **named)]


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
                out.append(f"row {r.row}: {r.errors[0] if r.errors else 'Already recorded.'} Skipped.")
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


def _column_order(error: errors.FieldError) -> int:
    column = _FIELD_COLUMNS.get(error.field, error.field)
    return ASSESSMENT_SHEET_WRITABLE.index(column) if column in ASSESSMENT_SHEET_WRITABLE else -1


def _in_column(error: errors.FieldError) -> errors.FieldError:
    """A problem of the form beside the sheet's column it is about ("row" for the whole row)."""
    return errors.FieldError(_FIELD_COLUMNS.get(error.field, error.field), error.said, whole=True)


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
        and (existing["addressee_id"] or "").casefold() == values.get("addressee_id", "").strip().casefold()
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
            result.outcome, result.problems = "error", _row_problem(N_("Repeats row {row}."), row=seen[key])
            continue
        seen[key] = number
        if values.get("rationale", "").startswith(EXAMPLE_MARK):
            result.outcome = "error"
            result.problems = _row_problem(
                N_("This is the template's example row: replace it with your own assessment, or delete it.")
            )
            continue
        existing_id = values.get("id", "")
        if existing_id:
            existing = _recorded(conn, existing_id)
            if existing is not None:
                if _same(existing, values):
                    result.outcome = "unchanged"
                    result.problems = _row_problem(N_("Assessment {id} is already recorded."), id=existing_id)
                else:
                    result.outcome = "error"
                    result.problems = _row_problem(
                        N_("Assessment {id} is already recorded and cannot change; to correct it, clear the id and "
                           "put {id} in supersedes_id with a supersede_reason."),
                        id=existing_id,
                    )  # fmt: skip
                continue
        twin = _already_recorded(conn, principal, values)
        if twin:
            result.outcome = "unchanged"
            result.problems = _row_problem(N_("The same assessment is already recorded as {id}."), id=twin)
            continue
        try:
            result.assessment_id = updates.record_assessment(
                conn=conn, principal=principal, form=_form(values, publish)
            )
        except errors.Invalid as exc:  # every problem of the row, in the order of the sheet's columns
            result.outcome = "error"
            result.problems = [_in_column(e) for e in sorted(exc.errors, key=_column_order)]
        except PermissionDenied as exc:
            result.outcome, result.problems = "error", [errors.FieldError("row", exc.message, whole=True)]
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


#: The rationale of the templates' example row begins so; a row that still does is refused, never recorded.
EXAMPLE_MARK = "EXAMPLE ROW"


def example_row(engine: Engine) -> dict[str, str]:
    """The templates' one example row: a real recommendation (an ask of the latest source with evidence on
    record), one of its addressees by acronym, an evidence item bearing on it, and the status and date left for
    the person to fill in; the rationale says it is an example. Empty when the database holds no such ask."""
    pairs = evidence.bearing().subquery("bearing")
    found = sql.rows(
        engine,
        select(R.c.id, ACT.c.acronym, pairs.c.evidence_id)
        .join(S, S.c.id == R.c.source_id)
        .join(AD, AD.c.recommendation_id == R.c.id)
        .join(ACT, ACT.c.id == AD.c.actor_id)
        .join(pairs, pairs.c.recommendation_id == R.c.id)
        .where(ACT.c.acronym.is_not(None), R.c.kind.not_in(sorted(status.NOT_ASKS)))
        .order_by(S.c.date_start.desc(), R.c.position, AD.c.position, pairs.c.evidence_id)
        .limit(1),
    )
    if not found:
        return {}
    row = found[0]
    return {
        "recommendation_id": row["id"],
        "addressee_id": row["acronym"],
        "rationale": f"{EXAMPLE_MARK}: replace this row with your own. Say why the evidence supports the status you "
        "choose, and what it does not show.",
        "evidence": row["evidence_id"],
    }


def _template(engine: Engine) -> pd.DataFrame:
    example = example_row(engine)
    return pd.DataFrame([example] if example else [], columns=ASSESSMENT_SHEET_WRITABLE, dtype=object).fillna("")


def template_csv(engine: Engine) -> bytes:
    """The CSV template: the columns an upload reads, and the example row."""
    return to_csv_bytes(_template(engine))


def template_xlsx(engine: Engine) -> bytes:
    """The XLSX template: the same sheet, and a second sheet saying what goes in each column."""
    notes = pd.DataFrame(
        {"column": ASSESSMENT_SHEET_WRITABLE, "what to put there": [_COLUMN_HELP[c] for c in ASSESSMENT_SHEET_WRITABLE]}
    )
    return to_xlsx_bytes({ASSESSMENT_SHEET: _template(engine), "columns": notes})


_COLUMN_HELP = {
    "recommendation_id": "required: the recommendation's id, e.g. mmn2016-06 (shown on its page)",
    "addressee_id": "optional: the addressee whose part of the ask it judges, by acronym or id (MoLVT or molvt); "
    "empty for the whole ask",
    "status": "required: " + ", ".join(STATUS_LABELS.values()) + " (or their codes: " + ", ".join(STATUS_LABELS) + ")",
    "as_of": "required: YYYY-MM-DD (or YYYY-MM, YYYY): the date of the latest evidence it rests on",
    "rationale": "required: why the evidence supports the status, and what it does not show (the example row, "
    f"whose rationale begins {EXAMPLE_MARK}, is never recorded: replace it or delete it)",
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
