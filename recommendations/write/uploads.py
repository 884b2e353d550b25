"""Reading an uploaded file of assessments (CSV or XLSX), recognised by its content, bounded whatever it claims,
and refused early and cheaply, with the reason, when it is too big, too long, of the wrong kind or encoding,
or holds spreadsheet formulas. ``bulk`` checks and writes the rows it gives."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from recommendations import settings
from recommendations.dataset.export import NEUTRALISED_PREFIXES, runs_as_formula
from recommendations.dataset.schema import ASSESSMENT_SHEET, ASSESSMENT_SHEET_COLUMNS, ASSESSMENT_SHEET_WRITABLE
from recommendations.i18n import N_, Message

MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX that inflates beyond this is refused before it is opened


MAX_COLUMNS = 64  # columns read from a sheet, whatever its <dimension> claims (an exported sheet has 21)


REQUIRED = ("recommendation_id", "status", "as_of", "rationale")


class UploadRefused(Exception):
    """The file as a whole cannot be read; nothing was written. The message says why, in words: ``message`` in
    any language (``i18n.Translator.say``), ``str()`` in English."""

    def __init__(self, msgid: str, /, **named: object) -> None:
        self.message = Message(msgid, named)
        super().__init__(str(self.message))


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
        raise UploadRefused(EMPTY)
    if len(data) > max_bytes:
        raise UploadRefused(
            N_("The file is {size}; uploads are limited to {limit}. Split it into smaller files."),
            size=size_words(len(data)), limit=size_words(max_bytes),
        )  # fmt: skip
    is_csv = False
    if data[:4] == b"PK\x03\x04":
        header, rows = _read_xlsx(data, max_rows)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRefused(
            N_("This is an old Excel (.xls) workbook. Save it as .xlsx or as CSV UTF-8 and upload that.")
        )
    elif data[:5] == b"%PDF-" or (b"\x00" in data[:4096] and not data.startswith(_UTF16_BOMS)):
        raise UploadRefused(N_("This is not a CSV or XLSX file (it holds binary data). Use the template."))
    else:
        is_csv = True
        header, rows = _read_csv(data, max_rows)
    _check_header(header)
    out = []
    formulas: list[Message] = []
    for number, cells in rows:
        values = {}
        for i, column in enumerate(header):
            raw = "" if i >= len(cells) or cells[i] is None else str(cells[i]).strip()
            if raw.startswith(NEUTRALISED_PREFIXES):  # written by our own export: text, shown with its apostrophe
                raw = raw[1:]
            elif is_csv and runs_as_formula(raw):
                formulas.append(_cell(number, column))
            values[column] = raw
        if any(values.get(c) for c in ASSESSMENT_SHEET_WRITABLE):
            out.append((number, values))
    if formulas:
        raise UploadRefused(
            N_("The file holds cells a spreadsheet would run as formulas ({cells}): they start with = + - or @. Put "
               "an apostrophe (') before such a text, or reword it, and upload again."),
            cells=_cells(formulas),
        )  # fmt: skip
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


def _read_csv(data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
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
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise UploadRefused(
            N_("The CSV cannot be read at line {line}: {problem}."), line=reader.line_num, problem=str(exc)
        ) from None
    return header, rows


def _read_xlsx(data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a requirement
        raise UploadRefused(N_("This server cannot read workbooks safely (defusedxml is missing); upload a CSV."))

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        inflated = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise UploadRefused(N_("The file looks like a zip archive but cannot be opened. Use the template.")) from None
    if "xl/workbook.xml" not in names:
        raise UploadRefused(N_("This is a zip archive, not an XLSX workbook. Use the template."))
    if inflated > MAX_UNZIPPED:
        raise UploadRefused(N_("The workbook unpacks to more than 50 MB; it is refused before it is opened."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds; each gets the same plain answer, with its reason
        raise UploadRefused(N_("The workbook cannot be read ({problem}). Save it again as .xlsx."),
                            problem=_xml_problem(exc)) from None  # fmt: skip
    if ASSESSMENT_SHEET in book.sheetnames:
        sheet = book[ASSESSMENT_SHEET]
    elif len(book.sheetnames) == 1:
        sheet = book[book.sheetnames[0]]
    else:
        raise UploadRefused(
            N_("The workbook has no sheet named '{sheet}' (it has: {sheets}). Put the rows in a sheet called "
               "'{sheet}'."),
            sheet=ASSESSMENT_SHEET, sheets=", ".join(book.sheetnames),
        )  # fmt: skip
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    formulas: list[Message] = []
    try:
        for number, cells, formula_columns in _sheet_rows(book, sheet):
            formulas += [_cell(number, get_column_letter(c)) for c in formula_columns]
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
    if formulas:
        raise UploadRefused(
            N_("The workbook holds formulas ({cells}). Replace each formula by its value and upload again."),
            cells=_cells(formulas),
        )
    if header is None:
        raise UploadRefused(N_("The workbook's sheet is empty."))
    return header, rows


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
