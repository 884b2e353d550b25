"""Bulk updates: a CSV or XLSX file of assessments (the export's assessments sheet), checked row by row.

Every row goes through the same write function as the form (``updates.record_assessment``), so the same
rules and permission checks apply. A preview runs all rows in a transaction that is rolled back; a commit
writes every valid row in one transaction (invalid rows are reported and left out), or nothing at all if
the file itself is refused. Files are recognised by their content, not their name, and refused early and
cheaply when too big, too long, of the wrong kind or encoding, or holding spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from models.tables import A
from recommendations import settings
from recommendations.dataset.export import NEUTRALISED_PREFIXES, runs_as_formula
from recommendations.dataset.schema import ASSESSMENT_SHEET, ASSESSMENT_SHEET_COLUMNS, ASSESSMENT_SHEET_WRITABLE
from recommendations.permissions import PermissionDenied, Principal
from recommendations.vocabulary import STATUS_LABELS
from recommendations.write import errors, updates

MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX that inflates beyond this is refused before it is opened
MAX_COLUMNS = 64  # columns read from a sheet, whatever its <dimension> claims (the template has 21)
REQUIRED = ("recommendation_id", "status", "as_of", "rationale")
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


class UploadRefused(Exception):
    """The file as a whole cannot be read; nothing was written. The message says why, in words."""


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


def limits() -> tuple[int, int]:
    """(bytes, rows) an upload may have: TRACKER_UPLOAD_MAX_MB and TRACKER_UPLOAD_MAX_ROWS."""
    config = settings.current()
    return int(config.upload_max_mb * 1024 * 1024), config.upload_max_rows


def size_words(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 100 * 1024 else f"{n / 1024:.0f} KB"


def read_rows(data: bytes, *, max_rows: int | None = None) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for each filled row; raises UploadRefused with a plain explanation."""
    max_bytes, row_limit = limits()
    max_rows = row_limit if max_rows is None else max_rows
    if not data:
        raise UploadRefused("The file is empty.")
    if len(data) > max_bytes:
        raise UploadRefused(
            f"The file is {size_words(len(data))}; uploads are limited to {size_words(max_bytes)}. "
            "Split it into smaller files."
        )
    is_csv = False
    if data[:4] == b"PK\x03\x04":
        header, rows = _read_xlsx(data, max_rows)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRefused("This is an old Excel (.xls) workbook. Save it as .xlsx or as CSV UTF-8 and upload that.")
    elif data[:5] == b"%PDF-" or b"\x00" in data[:4096]:
        raise UploadRefused("This is not a CSV or XLSX file (it holds binary data). Use the template.")
    else:
        is_csv = True
        header, rows = _read_csv(data, max_rows)
    _check_header(header)
    out = []
    formulas: list[str] = []
    for number, cells in rows:
        values = {}
        for i, column in enumerate(header):
            raw = "" if i >= len(cells) or cells[i] is None else str(cells[i]).strip()
            if raw.startswith(NEUTRALISED_PREFIXES):  # written by our own export: text, shown with its apostrophe
                raw = raw[1:]
            elif is_csv and runs_as_formula(raw):
                formulas.append(f"row {number}, column {column}")
            values[column] = raw
        if any(values.get(c) for c in ASSESSMENT_SHEET_WRITABLE):
            out.append((number, values))
    if formulas:
        shown = "; ".join(formulas[:5]) + (f" and {len(formulas) - 5} more" if len(formulas) > 5 else "")
        raise UploadRefused(
            f"The file holds cells a spreadsheet would run as formulas ({shown}): they start with = + - or @. "
            "Put an apostrophe (') before such a text, or reword it, and upload again."
        )
    if not out:
        raise UploadRefused("The file has a header but no filled row.")
    return out


def _read_csv(data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            f"The file is not UTF-8 text (byte {exc.object[exc.start]:#04x} at position {exc.start}). "
            "In your spreadsheet, save it as 'CSV UTF-8', or upload the XLSX."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise UploadRefused("The file is empty.") from None
    rows = []
    try:
        for cells in reader:
            if len(rows) >= max_rows:
                raise UploadRefused(f"The file has more than {max_rows:,} rows; upload at most {max_rows:,} at a time.")
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise UploadRefused(f"The CSV cannot be read at line {reader.line_num}: {exc}.") from None
    return header, rows


def _read_xlsx(data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a requirement
        raise UploadRefused("This server cannot read workbooks safely (defusedxml is missing); upload a CSV.")

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        inflated = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise UploadRefused("The file looks like a zip archive but cannot be opened. Use the template.") from None
    if "xl/workbook.xml" not in names:
        raise UploadRefused("This is a zip archive, not an XLSX workbook. Use the template.")
    if inflated > MAX_UNZIPPED:
        raise UploadRefused("The workbook unpacks to more than 50 MB; it is refused before it is opened.")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds; each gets the same plain answer, with its reason
        raise UploadRefused(f"The workbook cannot be read ({_xml_problem(exc)}). Save it again as .xlsx.") from None
    if ASSESSMENT_SHEET in book.sheetnames:
        sheet = book[ASSESSMENT_SHEET]
    elif len(book.sheetnames) == 1:
        sheet = book[book.sheetnames[0]]
    else:
        raise UploadRefused(
            f"The workbook has no sheet named '{ASSESSMENT_SHEET}' (it has: {', '.join(book.sheetnames)}). "
            f"Put the rows in a sheet called '{ASSESSMENT_SHEET}'."
        )
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    formulas = []
    try:
        for number, cells, formula_columns in _sheet_rows(book, sheet):
            formulas += [f"row {number}, column {get_column_letter(c)}" for c in formula_columns]
            if header is None:
                header = [str(c).strip() for c in cells]
                continue
            if all(c in ("", None) for c in cells):
                continue  # an empty row (formatting left below the data) is not a row of the upload
            if len(rows) >= max_rows:
                raise UploadRefused(f"The file has more than {max_rows:,} rows; upload at most {max_rows:,} at a time.")
            rows.append((number, [_cell_text(c) for c in cells]))
    except UploadRefused:
        raise
    except Exception as exc:  # a malformed sheet, an XML entity declaration (refused by defusedxml)...
        reason = _xml_problem(exc)
        raise UploadRefused(f"The workbook's sheet cannot be read ({reason}). Save it again as .xlsx.") from None
    finally:
        book.close()
    if formulas:
        shown = "; ".join(formulas[:5]) + (f" and {len(formulas) - 5} more" if len(formulas) > 5 else "")
        raise UploadRefused(
            f"The workbook holds formulas ({shown}). Replace each formula by its value and upload again."
        )
    if header is None:
        raise UploadRefused("The workbook's sheet is empty.")
    return header, rows


def _sheet_rows(book, sheet) -> Iterator[tuple[int, list[object], list[int]]]:  # noqa: ANN001
    """The rows the sheet's XML holds: (row number, values of its first MAX_COLUMNS columns, the columns holding
    formulas). Only rows written in the file are read: neither its <dimension> (a 5 KB file may claim a million
    rows by 16,384 columns) nor the gaps between its rows are filled in, as openpyxl's own reading does.
    (openpyxl's sheet parser is private API; tests/test_bulk.py fails if it changes.)"""
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source, sheet._shared_strings, data_only=False, epoch=book.epoch,
            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,
        )  # fmt: skip
        for number, cells in parser.parse():
            values: list[object] = [""] * MAX_COLUMNS
            formulas = []
            for cell in cells:
                column = cell["column"]
                if not 1 <= column <= MAX_COLUMNS:
                    continue
                if cell["data_type"] == "f":
                    formulas.append(column)
                elif cell["value"] is not None:
                    values[column - 1] = cell["value"]
            while values and values[-1] == "":
                values.pop()
            yield number, values, formulas


def _xml_problem(exc: BaseException) -> str:
    """Why a workbook could not be read, in a few words (openpyxl wraps the XML parser's error: look inside)."""
    chain: list[BaseException] = []
    while exc is not None and len(chain) < 10:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    for error in chain:
        name = type(error).__name__
        if "Entities" in name or "DTD" in name or "ExternalReference" in name:
            return "it declares XML entities, which are refused"
        if name == "ParseError":
            return f"its XML is broken: {str(error)[:80]}"
    first = chain[0]
    words = " ".join(str(first).split())[:120]
    return f"{type(first).__name__}: {words}" if words else type(first).__name__


def _cell_text(value: object) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_header(header: list[str]) -> None:
    unknown = [h for h in header if h and h not in ASSESSMENT_SHEET_COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if duplicated:
        problems.append(f"column(s) given twice: {', '.join(duplicated)}")
    if problems:
        raise UploadRefused(
            "The header row does not match the template: " + "; ".join(problems) + ". Download the template to see "
            "the columns."
        )


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


def _recorded(conn: Connection, assessment_id: str) -> dict | None:
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


def _same(existing: dict, values: dict[str, str]) -> bool:
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
    seen: dict[tuple, int] | None = None,
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
            seen: dict[tuple, int] = {}
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
