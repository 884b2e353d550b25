"""Reading an uploaded file of assessments (CSV or XLSX), recognised by its content, bounded whatever it claims,
and refused early and cheaply, with the reason, when it is too big, too long, of the wrong kind or encoding,
or holds spreadsheet formulas. ``bulk`` checks and writes the rows it gives."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from recommendations import settings
from recommendations.dataset.export import NEUTRALISED_PREFIXES, runs_as_formula
from recommendations.dataset.schema import ASSESSMENT_SHEET, ASSESSMENT_SHEET_COLUMNS, ASSESSMENT_SHEET_WRITABLE
from recommendations.i18n import N_, Message
from recommendations.write.office import UploadRefused as UploadRefused
from recommendations.write.office import open_package, refuse_active_content
from recommendations.write.office import size_words as size_words

MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX that inflates beyond this is refused before it is opened


MAX_COLUMNS = 64  # columns read from a sheet, whatever its <dimension> claims (an exported sheet has 21)


REQUIRED = ("recommendation_id", "status", "as_of", "rationale")


def limits() -> tuple[int, int]:
    """(bytes, rows) an upload may have: TRACKER_UPLOAD_MAX_MB and TRACKER_UPLOAD_MAX_ROWS."""
    config = settings.current()
    return int(config.upload_max_mb * 1024 * 1024), config.upload_max_rows


@dataclass(frozen=True)
class Table:
    """What an uploaded sheet holds, read but not yet checked: its header, its rows (as a spreadsheet numbers
    them: the header is row 1) and the cells a spreadsheet would run as formulas, each (row, column)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    is_csv: bool
    formulas: list[tuple[int, str]] = field(default_factory=list)


def read_table(data: bytes, *, sheet: str, max_rows: int | None = None) -> Table:
    """The header and rows of an uploaded CSV or XLSX (in a workbook of several sheets, the one named ``sheet``),
    refused with a plain explanation (UploadRefused) when the file as a whole cannot be read: too big, too long,
    of the wrong kind or encoding, a zip bomb, macros or external links. Cells are not checked here."""
    max_bytes, row_limit = limits()
    max_rows = row_limit if max_rows is None else max_rows
    if not data:
        raise UploadRefused(EMPTY)
    if len(data) > max_bytes:
        raise UploadRefused(
            N_("The file is {size}; uploads are limited to {limit}. Split it into smaller files."),
            size=size_words(len(data)), limit=size_words(max_bytes),
        )  # fmt: skip
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet, max_rows)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRefused(
            N_("This is an old Excel (.xls) workbook. Save it as .xlsx or as CSV UTF-8 and upload that.")
        )
    if data[:5] == b"%PDF-" or (b"\x00" in data[:4096] and not data.startswith(_UTF16_BOMS)):
        raise UploadRefused(N_("This is not a CSV or XLSX file (it holds binary data). Use the template."))
    return _read_csv(data, max_rows)


def cell_value(raw: object, *, is_csv: bool) -> tuple[str, bool]:
    """A cell's text as the upload keeps it, and whether a spreadsheet would run it as a formula (in a CSV: a
    workbook's formulas are found by ``read_table``). Our own export's neutralising apostrophe is undone."""
    text = "" if raw is None else str(raw).strip()
    if text.startswith(NEUTRALISED_PREFIXES):  # written by our own export: text, shown with its apostrophe
        return text[1:], False
    return text, is_csv and runs_as_formula(text)


def formulas_refused(cells: list[tuple[int, str]], *, is_csv: bool) -> UploadRefused:
    """The refusal of a file whose cells would run as formulas, naming the first few (and ``cells`` all)."""
    named = _cells([_cell(row, column) for row, column in cells])
    if is_csv:
        refused = UploadRefused(
            N_("The file holds cells a spreadsheet would run as formulas ({cells}): they start with = + - or @. Put "
               "an apostrophe (') before such a text, or reword it, and upload again."),
            cells=named,
        )  # fmt: skip
    else:
        refused = UploadRefused(
            N_("The workbook holds formulas ({cells}). Replace each formula by its value and upload again."),
            cells=named,
        )
    refused.cells = list(cells)
    return refused


def read_rows(data: bytes, *, max_rows: int | None = None) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for each filled row of a file of assessments; raises UploadRefused with a
    plain explanation."""
    table = read_table(data, sheet=ASSESSMENT_SHEET, max_rows=max_rows)
    if table.formulas:
        raise formulas_refused(table.formulas, is_csv=False)
    header = table.header
    _check_header(header)
    out = []
    formulas: list[tuple[int, str]] = []
    for number, cells in table.rows:
        values = {}
        for i, column in enumerate(header):
            raw, formula = cell_value(cells[i] if i < len(cells) else "", is_csv=table.is_csv)
            if formula:
                formulas.append((number, column))
            values[column] = raw
        if any(values.get(c) for c in ASSESSMENT_SHEET_WRITABLE):
            out.append((number, values))
    if formulas:
        raise formulas_refused(formulas, is_csv=True)
    if not out:
        raise UploadRefused(N_("The file has a header but no filled row."))
    return out


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EMPTY = N_("The file is empty.")
TOO_MANY_ROWS = N_("The file has more than {n} rows; upload at most {n} at a time.")


def _cell(row: int, column: str) -> Message:
    return Message(N_("row {row}, column {column}"), {"row": row, "column": column})


def _cells(cells: list[Message]) -> Message:
    """The first five cells named ("row 2, column rationale; row 3, column status and 4 more")."""
    shown: dict[str, object] = {f"c{i}": cell for i, cell in enumerate(cells[:5])}
    listed = "; ".join(f"{{c{i}}}" for i in range(len(shown)))
    more = len(cells) - 5
    if more > 0:
        return Message(N_("{cells} and {n} more"), {"cells": Message(listed, shown), "n": more})
    return Message(listed, shown)


def decode_text(data: bytes) -> str:
    """The text of an uploaded file in any Unicode encoding a spreadsheet saves: UTF-8 with or without a byte-order
    mark, UTF-16 little- or big-endian with one ("Unicode text"). UploadRefused for anything else."""
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            N_("The file is not UTF-8 text (byte {byte} at position {position}), nor UTF-16 with a byte-order mark. "
               "In your spreadsheet, save it as 'CSV UTF-8' or 'Unicode text', or upload the XLSX."),
            byte=f"{exc.object[exc.start]:#04x}", position=exc.start,
        ) from None  # fmt: skip


def _read_csv(data: bytes, max_rows: int) -> Table:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    tabs = "\t" in first_line and "," not in first_line  # "Unicode text" from a spreadsheet is tab-separated
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tabs else ",")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise UploadRefused(EMPTY) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if len(rows) >= max_rows:
                raise UploadRefused(TOO_MANY_ROWS, n=f"{max_rows:,}")
            rows.append((len(rows) + 2, cells))  # as a spreadsheet numbers it (a cell may hold line breaks)
    except csv.Error as exc:
        raise UploadRefused(
            N_("The CSV cannot be read at line {line}: {problem}."), line=reader.line_num, problem=str(exc)
        ) from None
    return Table(header, rows, is_csv=True)


def _read_xlsx(data: bytes, sheet_name: str, max_rows: int) -> Table:
    import openpyxl
    from openpyxl.utils import get_column_letter

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a requirement
        raise UploadRefused(N_("This server cannot read workbooks safely (defusedxml is missing); upload a CSV."))

    archive = open_package(data, max_unzipped=MAX_UNZIPPED)
    if "xl/workbook.xml" not in archive.namelist():
        raise UploadRefused(N_("This is a zip archive, not an XLSX workbook. Use the template."))
    refuse_active_content(archive)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds; each gets the same plain answer, with its reason
        raise UploadRefused(N_("The workbook cannot be read ({problem}). Save it again as .xlsx."),
                            problem=_xml_problem(exc)) from None  # fmt: skip
    if sheet_name in book.sheetnames:
        sheet = book[sheet_name]
    elif len(book.sheetnames) == 1:
        sheet = book[book.sheetnames[0]]
    else:
        raise UploadRefused(
            N_("The workbook has no sheet named '{sheet}' (it has: {sheets}). Put the rows in a sheet called "
               "'{sheet}'."),
            sheet=sheet_name, sheets=", ".join(book.sheetnames),
        )  # fmt: skip
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    formulas: list[tuple[int, int]] = []
    try:
        for number, cells, formula_columns in _sheet_rows(book, sheet):
            formulas += [(number, c) for c in formula_columns]
            if header is None:
                header = [str(c).strip() for c in cells]
                continue
            if all(c in ("", None) for c in cells):
                continue  # an empty row (formatting left below the data) is not a row of the upload
            if len(rows) >= max_rows:
                raise UploadRefused(TOO_MANY_ROWS, n=f"{max_rows:,}")
            rows.append((number, [_cell_text(c) for c in cells]))
    except UploadRefused:
        raise
    except Exception as exc:  # a malformed sheet, an XML entity declaration (refused by defusedxml)...
        reason = _xml_problem(exc)
        raise UploadRefused(N_("The workbook's sheet cannot be read ({problem}). Save it again as .xlsx."),
                            problem=reason) from None  # fmt: skip
    finally:
        book.close()
    if header is None:
        raise UploadRefused(N_("The workbook's sheet is empty."))
    return Table(header, rows, is_csv=False, formulas=[(n, get_column_letter(c)) for n, c in formulas])


def _sheet_rows(book: Any, sheet: Any) -> Iterator[tuple[int, list[object], list[int]]]:
    """The rows the sheet's XML holds: (row number, values of its first MAX_COLUMNS columns, the columns holding
    formulas). Only rows written in the file are read: neither its <dimension> (a 5 KB file may claim a million
    rows by 16,384 columns) nor the gaps between its rows are filled in, as openpyxl's own reading does.
    (openpyxl's sheet parser is private API; tests/test_bulk.py fails if it changes. ``book`` and ``sheet`` are a
    Workbook and a ReadOnlyWorksheet, typed Any: the private attributes read here are not in openpyxl's stubs.)"""
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
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
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
    problems: dict[str, object] = {}
    if missing:
        problems["p0"] = Message(N_("missing column(s): {columns}"), {"columns": ", ".join(missing)})
    if unknown:
        problems[f"p{len(problems)}"] = Message(N_("unknown column(s): {columns}"), {"columns": ", ".join(unknown)})
    if duplicated:
        problems[f"p{len(problems)}"] = Message(
            N_("column(s) given twice: {columns}"), {"columns": ", ".join(duplicated)}
        )
    if problems:
        raise UploadRefused(
            N_("The header row does not match the template: {problems}. Download the template to see the columns."),
            problems=Message("; ".join(f"{{{k}}}" for k in problems), problems),
        )
