"""The sheet of a document's recommendations (CSV or XLSX), read through the safe readers of write/uploads.py
(size, kind, encoding, zip bomb, macros, external links, formulas), and its templates. Pure: nothing is written
and nothing is looked up; ``write/curation.check_document`` checks the rows against the text and the data.

Every problem is an ``errors.FieldError`` beside its column with its ``row`` (as a spreadsheet numbers it: the
header is row 1; "row" for the whole row, "file" for the file), all at once in one ``errors.Invalid``."""

from __future__ import annotations

from typing import NoReturn

import pandas as pd
from openpyxl.utils import column_index_from_string

from recommendations.dataset.export import to_csv_bytes, to_xlsx_bytes
from recommendations.i18n import N_, Message
from recommendations.write import errors
from recommendations.write.curation_rows import COLUMNS
from recommendations.write.uploads import UploadRefused, cell_value, read_table

#: A column the sheet may add: the recommendation's id (made from the source id and the number without it).
OPTIONAL = ("id",)
#: Columns the header must have (and "number" or "id").
REQUIRED = ("text", "title", "themes", "addressees")
#: In a workbook of several sheets, the one read.
SHEET = "recommendations"
#: The text of the templates' example row begins so; a row that still does is refused, never recorded.
EXAMPLE_MARK = "EXAMPLE ROW"

EXAMPLE = {
    "number": "1",
    "section": "Recommendations to the Royal Government of Cambodia",
    "lead_in": "We call on the Royal Government of Cambodia to:",
    "text": f"{EXAMPLE_MARK}: replace this row with a recommendation of the document. Copy its text exactly as the "
    "document has it.",
    "title": "A short title in your own words",
    "themes": "recruitment; information",
    "addressees": "MoLVT",
    "problems": "A problem the document lists under the recommendation\nAnother problem, on its own line",
}


def read_recommendations(name: str, data: bytes) -> list[dict[str, str]]:
    """Each filled row of the sheet as {"row": its row number, "id" and every column of COLUMNS: its text}
    (missing columns empty; themes/addressees/problems as written, split by the caller). errors.Invalid with
    every problem found, by row and column, when the file or a row cannot be used."""
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if claimed in ("xlsx", "xlsm") and not data.startswith(b"PK\x03\x04"):
        _refuse_file(N_("The file is named .xlsx but is not a workbook inside. Save it again as .xlsx, or as CSV "
                        "UTF-8, and upload that."))  # fmt: skip
    try:
        table = read_table(data, sheet=SHEET)
    except UploadRefused as refused:
        raise errors.Invalid([errors.FieldError("file", refused.message)]) from None
    header = [_column(h) for h in table.header]
    _check_header(header)
    problems = [
        errors.FieldError(_named(header, letter), FORMULA_IN_WORKBOOK, row=number) for number, letter in table.formulas
    ]
    out: list[dict[str, str]] = []
    for number, cells in table.rows:
        values = dict.fromkeys((*OPTIONAL, *COLUMNS), "")
        for i, column in enumerate(header):
            if not column:
                continue
            values[column], formula = cell_value(cells[i] if i < len(cells) else "", is_csv=table.is_csv)
            if formula:
                problems.append(errors.FieldError(column, FORMULA_IN_CSV, row=number))
        if not any(values.values()):
            continue  # an empty row is not a recommendation
        problems += _row_problems(number, values)
        out.append({"row": str(number), **values})
    if not out and not problems:
        _refuse_file(N_("The sheet has a header but no filled row."))
    if problems:
        raise errors.Invalid(problems)
    return out


FORMULA_IN_CSV = N_(
    "A spreadsheet would run this cell as a formula (it starts with = + - or @). Put an apostrophe (') before "
    "the text, or reword it, and upload again."
)
FORMULA_IN_WORKBOOK = N_("This cell holds a formula. Replace the formula by its value and upload again.")


def _row_problems(number: int, values: dict[str, str]) -> list[errors.FieldError]:
    if values["text"].startswith(EXAMPLE_MARK):
        return [errors.FieldError("row", N_("This is the template's example row: replace it with a recommendation "
                                            "of the document, or delete it."), row=number)]  # fmt: skip
    problems = []
    if not values["number"] and not values["id"]:
        problems.append(errors.FieldError("number", N_("Give the recommendation's number as the document prints "
                                                       "it (or its id)."), row=number))  # fmt: skip
    if not values["text"]:
        empty = N_("The text is empty: copy the recommendation's text from the document, exactly as it is written.")
        problems.append(errors.FieldError("text", empty, row=number))
    return problems


def _column(heading: str) -> str:
    """A heading as the column it names: "Lead-in" and "lead in" are lead_in."""
    return "_".join(heading.strip().lower().replace("-", " ").split())


def _named(header: list[str], letter: str) -> str:
    """A workbook column (its letter) by its heading, when it has one."""
    index = column_index_from_string(letter) - 1
    return header[index] if 0 <= index < len(header) and header[index] else letter


def _check_header(header: list[str]) -> None:
    known = (*OPTIONAL, *COLUMNS)
    problems = []
    for column in REQUIRED:
        if column not in header:
            problems.append(errors.FieldError(column, N_("The column {column} is missing: add it to the header row "
                                                         "(download the template to see every column)."),
                                              row=1, column=column))  # fmt: skip
    if "number" not in header and "id" not in header:
        missing = N_("The column number is missing: add it to the header row, with each recommendation's number.")
        problems.append(errors.FieldError("number", missing, row=1))
    for column in dict.fromkeys(h for h in header if h and h not in known):
        problems.append(errors.FieldError(column, N_("The column {column} is not one of the sheet's columns ("
                                                     "{columns}): rename or remove it."),
                                          row=1, column=column, columns=", ".join(known)))  # fmt: skip
    for column in dict.fromkeys(h for h in header if h and header.count(h) > 1):
        problems.append(errors.FieldError(column, N_("The column {column} is given twice: keep one."), row=1,
                                          column=column))  # fmt: skip
    if problems:
        raise errors.Invalid(problems)


def _refuse_file(msgid: str, /, **named: object) -> NoReturn:
    raise errors.Invalid([errors.FieldError("file", Message(msgid, named))])


def _template() -> pd.DataFrame:
    return pd.DataFrame([EXAMPLE], columns=list(COLUMNS), dtype=object)


def template_csv() -> bytes:
    """The CSV template: the sheet's columns and one example row (refused if uploaded as it is)."""
    return to_csv_bytes(_template())


def template_xlsx() -> bytes:
    """The XLSX template: the same sheet, and a second sheet saying what goes in each column."""
    columns = [*COLUMNS, *OPTIONAL]
    notes = pd.DataFrame({"column": columns, "what to put there": [HELP[c] for c in columns]})
    return to_xlsx_bytes({SHEET: _template(), "columns": notes})


HELP = {
    "number": "the recommendation's number or letter as the document prints it (e.g. 3, 2.1 or c)",
    "section": "optional: the heading it stands under",
    "lead_in": "optional: the document's words that the text completes, verbatim (e.g. 'We call on ASEAN to:')",
    "text": "required: the recommendation's text, copied exactly as the document has it (it is checked against "
    f"the document's text; the example row, whose text begins {EXAMPLE_MARK}, is never recorded)",
    "title": "required: a short title in your own words (not a quotation)",
    "themes": "required: theme ids separated by ';' (e.g. recruitment; information)",
    "addressees": "required: who is asked, by acronym or id, separated by ';' (e.g. MoLVT; ASEAN)",
    "problems": "optional: problems the document lists under the recommendation, verbatim, one per line",
    "id": "optional column: the recommendation's id; without it the id is made from the source's id and the number",
}
