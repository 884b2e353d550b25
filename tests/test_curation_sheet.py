"""The sheet of a document's recommendations (write/curation_sheet.py): CSV and XLSX read through the safe
readers of write/uploads.py, every problem by row and column, and templates whose example row is refused."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from recommendations import i18n
from recommendations.write import errors, uploads
from recommendations.write.curation_sheet import COLUMNS, read_recommendations, template_csv, template_xlsx

KM = i18n.translator("km")
ROW = {
    "number": "3",
    "section": "To the Royal Government",
    "lead_in": "We call on the RGC to:",
    "text": "Ratify ILO Convention 189 on domestic workers.",
    "title": "Ratify C189",
    "themes": "domestic-workers; gender",
    "addressees": "RGC",
    "problems": "Domestic work is not covered by the Labour Law\nNo inspection of homes",
}


def sheet_csv(rows: list[dict[str, str]], header: list[str] | tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return buffer.getvalue().encode()


def sheet_xlsx(rows: list[dict[str, str]], header: list[str] | tuple[str, ...] = COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "recommendations"
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(c, "") for c in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(name: str, data: bytes) -> list[tuple[int | None, str, str]]:
    """(row, column, message) of each problem found."""
    with pytest.raises(errors.Invalid) as caught:
        read_recommendations(name, data)
    return [(e.row, e.field, e.message) for e in caught.value.errors]


@pytest.mark.parametrize("make", [sheet_csv, sheet_xlsx], ids=["csv", "xlsx"])
def test_rows_come_back_with_their_sheet_row_numbers_and_every_column(make):
    second = {**ROW, "number": "4", "text": "Set up a complaint mechanism.", "problems": ""}
    rows = read_recommendations(f"recs.{make.__name__[-4:]}", make([ROW, {}, second]))
    assert [r["row"] for r in rows] == ["2", "4"]  # the empty row 3 is skipped, and still counted
    assert rows[0] == {"row": "2", "id": "", **ROW}
    assert rows[0]["problems"].split("\n") == [
        "Domestic work is not covered by the Labour Law",
        "No inspection of homes",
    ]


def test_a_cell_with_line_breaks_does_not_shift_the_row_numbers_of_a_csv():
    bad = {**ROW, "number": "5", "text": ""}
    assert problems("recs.csv", sheet_csv([ROW, ROW, bad])) == [
        (4, "text", "The text is empty: copy the recommendation's text from the document, exactly as it is written.")
    ]


def test_headings_are_read_whatever_their_case_and_an_id_column_is_kept():
    header = ["ID", "Number", "Section", "Lead-in", "Text", "Title", "Themes", "Addressees", "Problems"]
    data = sheet_csv([dict(zip(header, ["nat2019-01", *ROW.values()], strict=True))], header)
    assert read_recommendations("recs.csv", data)[0]["id"] == "nat2019-01"


def test_missing_unknown_and_duplicated_columns_are_named_on_the_header_row():
    header = ["number", "text", "text", "colour", "addressees"]
    found = problems("recs.csv", sheet_csv([ROW], header))
    assert found == [
        (1, "title", "The column title is missing: add it to the header row (download the template to see every "
                     "column)."),
        (1, "themes", "The column themes is missing: add it to the header row (download the template to see every "
                      "column)."),
        (1, "colour", "The column colour is not one of the sheet's columns (id, number, section, lead_in, text, "
                      "title, themes, addressees, problems): rename or remove it."),
        (1, "text", "The column text is given twice: keep one."),
    ]  # fmt: skip


def test_a_sheet_without_number_or_id_is_refused():
    header = [c for c in COLUMNS if c != "number"]
    assert problems("recs.csv", sheet_csv([ROW], header))[0][:2] == (1, "number")


def test_every_problem_of_every_row_at_once():
    rows = [{**ROW, "number": "", "text": ""}, ROW, {**ROW, "text": "=cmd|' /C calc'!A0", "title": "@SUM(1)"}]
    assert [(row, column) for row, column, _ in problems("recs.csv", sheet_csv(rows))] == [
        (2, "number"), (2, "text"), (4, "text"), (4, "title"),
    ]  # fmt: skip


def test_csv_formula_payloads_are_refused_as_bulk_refuses_them():
    found = problems("recs.csv", sheet_csv([{**ROW, "addressees": '+HYPERLINK("http://evil")'}]))
    assert found == [
        (2, "addressees", "A spreadsheet would run this cell as a formula (it starts with = + - or @). Put an "
                          "apostrophe (') before the text, or reword it, and upload again."),
    ]  # fmt: skip
    # the apostrophe our own exports put before such a text is taken away, and the text kept
    kept = read_recommendations("recs.csv", sheet_csv([{**ROW, "text": "'=1+1 is not a formula here"}]))
    assert kept[0]["text"] == "=1+1 is not a formula here"


def test_a_workbook_formula_is_refused_beside_its_column():
    found = problems("recs.xlsx", sheet_xlsx([{**ROW, "title": "=cmd|' /C calc'!A0"}]))
    assert found == [(2, "title", "This cell holds a formula. Replace the formula by its value and upload again.")]


@pytest.mark.parametrize("make", [sheet_csv, sheet_xlsx], ids=["csv", "xlsx"])
def test_markup_payloads_are_kept_as_text_for_the_pages_to_show_inert(make):
    payload = {**ROW, "title": "<script>alert(1)</script>", "section": "[click](javascript:alert(1)) **bold**"}
    row = read_recommendations("recs", make([payload]))[0]
    assert row["title"] == "<script>alert(1)</script>"
    assert row["section"] == "[click](javascript:alert(1)) **bold**"


def _with(data: bytes, add: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


EXTERNAL_LINK = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/externalLinkPath" Target="file:///C:/secret/book.xlsx" TargetMode="External"/></Relationships>'
)


@pytest.mark.parametrize(
    ("add", "words"),
    [
        ({"xl/vbaProject.bin": b"macro"}, "The file holds macros (xl/vbaProject.bin)"),
        ({"xl/externalLinks/_rels/externalLink1.xml.rels": EXTERNAL_LINK},
         "links to something outside it (externalLinkPath: file:///C:/secret/book.xlsx)"),
    ],
    ids=["macros", "external link"],
)  # fmt: skip
def test_a_workbook_with_macros_or_external_links_is_refused_here_and_in_bulk_uploads(add, words):
    data = _with(sheet_xlsx([ROW]), add)
    found = problems("recs.xlsx", data)
    assert [(row, column) for row, column, _ in found] == [(None, "file")] and words in found[0][2]
    with pytest.raises(uploads.UploadRefused, match=words.replace("(", r"\(").replace(")", r"\)")):
        uploads.read_rows(data)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("recs.csv", b"", "The file is empty"),
        ("recs.csv", sheet_csv([]), "The sheet has a header but no filled row"),
        ("recs.xlsx", b"number,text\n1,x\n", "named .xlsx but is not a workbook"),
        ("recs.csv", "number,text,title,themes,addressees\n1,Caf\xe9,t,x,y\n".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_files_that_cannot_be_read_are_refused_as_a_whole(name, data, words):
    found = problems(name, data)
    assert [(row, column) for row, column, _ in found] == [(None, "file")] and words in found[0][2]


def _edited_csv(data: bytes) -> bytes:
    return data.replace(b"EXAMPLE ROW: replace this row", b"Ratify C189")


def _edited_xlsx(data: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["recommendations"]
    sheet.cell(row=2, column=COLUMNS.index("text") + 1).value = "Ratify C189 with a real text."
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "template", "edit"),
    [("template.csv", template_csv, _edited_csv), ("template.xlsx", template_xlsx, _edited_xlsx)],
    ids=["csv", "xlsx"],
)
def test_the_templates_read_back_and_their_example_row_is_refused_unedited(name, template, edit):
    data = template()
    assert problems(name, data) == [
        (2, "row", "This is the template's example row: replace it with a recommendation of the document, or "
                   "delete it."),
    ]  # fmt: skip
    row = read_recommendations(name, edit(data))[0]
    assert row["text"].startswith("Ratify C189") and row["addressees"] == "MoLVT" and row["number"] == "1"
    assert row["problems"].count("\n") == 1


def test_the_workbook_template_explains_each_column():
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames == ["recommendations", "columns"]
    assert [c.value for c in book["recommendations"][1]] == list(COLUMNS)
    explained = {row[0]: row[1] for row in book["columns"].iter_rows(min_row=2, values_only=True)}
    assert set(explained) == {*COLUMNS, "id"} and all(explained.values())


def test_a_row_problem_is_said_in_khmer_with_its_row():
    with pytest.raises(errors.Invalid) as caught:
        read_recommendations("recs.csv", sheet_csv([{**ROW, "text": ""}]))
    error = caught.value.errors[0]
    assert (error.row, error.field) == (2, "text")
    assert i18n.in_script(error.words(KM), "km") and error.words(KM) != error.words()
