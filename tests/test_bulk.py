"""Bulk updates: the template is the export's sheet, rows are checked like the form, bad files are refused."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile

import openpyxl
import pytest
from sqlalchemy import text

from recommendations import sql, status
from recommendations.dataset.export import workbook
from recommendations.dataset.schema import (
    ASSESSMENT_SHEET_COLUMNS,
    ASSESSMENT_SHEET_READ_ONLY,
    ASSESSMENT_SHEET_WRITABLE,
)
from recommendations.permissions import Principal
from recommendations.read import evidence
from recommendations.read.filters import Filters
from recommendations.write import accounts, auth, bulk, uploads
from tests.conftest import run_cli
from tests.helpers import snapshot

PASSWORD = "correct horse battery staple"
REC = "mmn2016-04"
EVIDENCE = "src2019-mrc-prey-veng"


@pytest.fixture
def people(loaded_engine):
    engine = loaded_engine
    cli = Principal.command_line()
    with engine.begin() as conn:
        for email, role, org in [("c@cwcc.example", "contributor", "cwcc"), ("r@cwcc.example", "reviewer", "cwcc")]:
            accounts.create_user(conn=conn, principal=cli, email=email, role=role, password=PASSWORD, organisation=org)
    with engine.connect() as conn:
        return engine, {
            k: auth.principal_of_account(conn, e) for k, e in (("c", "c@cwcc.example"), ("r", "r@cwcc.example"))
        }


def csv_bytes(rows: list[dict], columns: list[str] = ASSESSMENT_SHEET_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def good(**fields) -> dict:
    return {
        "recommendation_id": REC, "status": "in_progress", "as_of": "2023-03-01",
        "rationale": "A contract template was piloted.", "evidence": EVIDENCE, **fields,
    }  # fmt: skip


def statuses(engine) -> dict:
    return {
        r["recommendation_id"]: r["status"]
        for r in sql.rows(engine, status.overall(by_index=status.picks_by_index(engine)))
    }


def test_the_template_has_the_input_columns_and_one_example_row(people):
    """Only what an upload reads (not the export's own columns), and an example a person recognises as one: a real
    ask, one of its addressees by acronym, evidence bearing on it, and the status and date left to fill in."""
    engine, _ = people
    book = openpyxl.load_workbook(io.BytesIO(bulk.template_xlsx(engine)))
    sheet = [[c.value for c in row] for row in book["assessments"].iter_rows()]
    exported = openpyxl.load_workbook(io.BytesIO(workbook(engine, Filters(themes=["complaints-justice"]))))
    exported_header = [c.value for c in next(exported["assessments"].iter_rows())]
    assert sheet[0] == ASSESSMENT_SHEET_WRITABLE == exported_header[: len(ASSESSMENT_SHEET_WRITABLE)]
    assert not set(sheet[0]) & set(ASSESSMENT_SHEET_READ_ONLY)
    assert [r[0] for r in book["columns"].iter_rows(min_row=2, values_only=True)] == ASSESSMENT_SHEET_WRITABLE
    (example,) = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert example["rationale"].startswith(bulk.EXAMPLE_MARK)
    assert example["status"] in (None, "") and example["as_of"] in (None, "")
    with engine.connect() as conn:
        asked = {r.acronym: r.id for r in conn.execute(text(
            "SELECT actor.id, actor.acronym FROM addressee JOIN actor ON actor.id = addressee.actor_id "
            "WHERE addressee.recommendation_id = :r"), {"r": example["recommendation_id"]})}  # fmt: skip
    assert example["addressee_id"] in asked  # a real addressee of a real ask, by its acronym
    bearing = sql.rows(engine, evidence.bearing([example["recommendation_id"]]))
    assert example["evidence"] in {r["evidence_id"] for r in bearing}
    rows = list(csv.reader(io.StringIO(bulk.template_csv(engine).decode("utf-8-sig"))))
    assert rows[0] == ASSESSMENT_SHEET_WRITABLE and len(rows) == 2


@pytest.mark.parametrize("filled", [False, True])
def test_the_templates_example_row_is_never_recorded(people, filled):
    """Uploaded as downloaded, or with a status and a date filled in but the example's words left: refused."""
    engine, who = people
    example = bulk.example_row(engine)
    if filled:
        example = {**example, "status": "in_progress", "as_of": "2023-03-01"}
    before = snapshot(engine)
    report = bulk.import_updates(engine, who["c"], csv_bytes([example], ASSESSMENT_SHEET_WRITABLE), commit=True)
    assert (report.new, report.errors, report.committed) == (0, 1, False)
    assert report.rows[0].errors == [
        "This is the template's example row: replace it with your own assessment, or delete it."
    ]
    assert snapshot(engine) == before


def test_an_edited_export_uploads_back(people):
    """Unchanged rows are skipped, an edited recorded row is refused (corrections supersede), a new row is recorded."""
    engine, who = people
    book = openpyxl.load_workbook(io.BytesIO(workbook(engine, Filters(themes=["complaints-justice"]))))
    sheet = book["assessments"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    changed = rows[0]
    changed[header.index("status")].value = "implemented"
    new = sheet.max_row + 1
    for column, value in good().items():
        sheet.cell(row=new, column=header.index(column) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    report = bulk.import_updates(engine, who["c"], buffer.getvalue(), commit=True)
    assert report.new == 1
    assert report.unchanged == len(rows) - 1
    (refused,) = [r for r in report.rows if r.outcome == "error"]
    assert refused.row == 2 and "already recorded and cannot change" in refused.errors[0]
    assert "supersedes_id" in refused.errors[0]


def test_row_problems_are_named_by_row_and_column_and_preview_writes_nothing(people):
    engine, who = people
    rows = [
        good(),
        good(as_of="2099-01-01", rationale="future"),
        good(recommendation_id="nowhere", rationale="unknown"),
        good(evidence="", rationale="no evidence"),
        good(evidence="", rationale="bad link", new_evidence_title="x", new_evidence_date="2023-01-01",
             new_evidence_kind="news", new_evidence_summary="s", new_evidence_url="javascript:alert(1)"),
        good(),  # repeats the first row
        good(status="Partially implemented", rationale="label instead of code"),
        good(status="finished", rationale="unknown status"),
    ]  # fmt: skip
    before = snapshot(engine)
    report = bulk.import_updates(engine, who["c"], csv_bytes(rows), commit=False)
    assert snapshot(engine) == before
    by_row = {r.row: r for r in report.rows}
    assert by_row[2].outcome == "new" and by_row[8].outcome == "new"
    assert by_row[3].errors == [
        "column as_of: 2099-01-01 is in the future: give the date of evidence that exists today."
    ]
    assert by_row[4].errors == ["column recommendation_id: No recommendation has the id 'nowhere'."]
    assert by_row[5].errors == [
        "column evidence: Cite at least one evidence item, or add a new one: every status but Not assessed rests on "
        "evidence."
    ]
    assert "column new_evidence_url: Start the web address with http:// or https://." in by_row[6].errors
    assert by_row[7].errors == ["Repeats row 2."]
    assert by_row[9].errors == [
        "column status: “finished” is not one of the choices for a status: Not assessed, No progress, In progress, "
        "Partially implemented, Implemented or Not applicable."
    ]
    assert report.lines()[0].startswith("row 3, column as_of")


def test_every_problem_of_a_row_is_named_at_once_in_plain_words(people):
    engine, who = people
    hostile = "<script>x</script> ![i](http://x) [l](javascript:alert(1)) # h"
    rows = [
        {"addressee_id": "RGC"},  # every required cell left empty
        good(status="", as_of=hostile, rationale=" ", addressee_id=hostile, evidence=hostile,
             new_evidence_title=hostile, new_evidence_kind=hostile, new_evidence_url=hostile),
        good(evidence="", rationale=""),  # a field and the rule on the whole row: both named
    ]  # fmt: skip
    report = bulk.import_updates(engine, who["c"], csv_bytes(rows), commit=False)
    empty, bad, both = report.rows
    assert {e.split(":")[0] for e in empty.errors} == {
        "column recommendation_id", "column status", "column as_of", "column rationale"}  # fmt: skip
    assert {e.split(":")[0] for e in bad.errors} >= {
        "column status", "column as_of", "column rationale", "column addressee_id", "column evidence",
        "column new_evidence_kind", "column new_evidence_url", "column new_evidence_date",
        "column new_evidence_summary",
    }  # fmt: skip
    assert {e.split(":")[0] for e in both.errors} == {"column rationale", "column evidence"}
    words = " ".join(report.lines())
    for pydantic_words in ("String should", "Input should", "validation error", "pydantic", "Value error", "pattern"):
        assert pydantic_words not in words


@pytest.mark.parametrize(
    ("given", "recorded"), [("RGC", "rgc"), ("rgc", "rgc"), ("Rgc", "rgc"), ("", None)]
)  # fmt: skip
def test_an_addressee_is_accepted_by_acronym_or_id_in_any_case(people, given, recorded):
    engine, who = people
    report = bulk.import_updates(engine, who["c"], csv_bytes([good(addressee_id=given)]), commit=True)
    assert report.new == 1, report.lines()
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT addressee_id FROM assessment WHERE id = :i"),
                              {"i": report.rows[0].assessment_id}).scalar_one()  # fmt: skip
    assert stored == recorded


def test_an_addressee_that_names_no_one_or_several_is_explained(people):
    engine, who = people
    report = bulk.import_updates(engine, who["c"], csv_bytes([good(addressee_id="MoLVT Cambodia")]), commit=False)
    (message,) = report.rows[0].errors
    assert message == (
        "column addressee_id: No organisation or body has the id or acronym 'MoLVT Cambodia'. This recommendation "
        "asks: Royal Government of Cambodia (RGC), id rgc."
    )


def test_commit_writes_valid_rows_as_drafts_in_one_go(people):
    engine, who = people
    rows = [good(), good(as_of="2024-01-01", rationale="second"), good(as_of="2099-01-01", rationale="bad")]
    report = bulk.import_updates(engine, who["c"], csv_bytes(rows), commit=True)
    assert (report.committed, report.new, report.errors) == (True, 2, 1)
    assert statuses(engine)[REC] == "not_assessed"  # drafts count nowhere
    with engine.connect() as conn:
        drafts = conn.execute(text("SELECT COUNT(*) FROM assessment WHERE visibility = 'draft'")).scalar()
        audited = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'record assessment'")).scalar()
    assert drafts == 2 and audited == 2


def test_uploading_the_same_file_twice_records_nothing_twice(people):
    engine, who = people
    data = csv_bytes([good(), good(as_of="2024-01-01", rationale="second")])
    assert bulk.import_updates(engine, who["c"], data, commit=True).new == 2
    again = bulk.import_updates(engine, who["c"], data, commit=True)
    assert (again.new, again.unchanged, again.committed) == (0, 2, False)
    assert "already recorded as" in again.rows[0].errors[0]


def test_a_reviewer_may_publish_rows_a_contributor_may_not(people):
    engine, who = people
    refused = bulk.import_updates(engine, who["c"], csv_bytes([good()]), commit=True, publish=True)
    assert refused.new == 0 and "may not publish" in refused.rows[0].errors[0]
    assert statuses(engine)[REC] == "not_assessed"
    published = bulk.import_updates(engine, who["r"], csv_bytes([good()]), commit=True, publish=True)
    assert published.new == 1
    assert statuses(engine)[REC] == "in_progress"


def test_hostile_cells_are_stored_as_given_and_neutralised_in_exports(people):
    from recommendations.dataset.export import to_csv_bytes
    from recommendations.read.history import assessment_history

    engine, who = people
    payload = '=HYPERLINK("http://evil") <script>x</script> ![i](http://e/i.png)'
    # an export edited in a spreadsheet comes back with the apostrophe the export put before such a text
    bulk.import_updates(engine, who["r"], csv_bytes([good(rationale="'" + payload)]), commit=True, publish=True)
    history = assessment_history(engine, [REC])
    assert payload in set(history["rationale"])
    exported = to_csv_bytes(history[["rationale"]]).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported
    # and the neutralising quote of an export is undone when it is uploaded back
    again = uploads.read_rows(csv_bytes([good(rationale="'=1+1")]))
    assert again[0][1]["rationale"] == "=1+1"


def _xlsx(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _assessment_sheet(book, rows=(), title="assessments"):
    sheet = book.active
    sheet.title = title
    sheet.append(ASSESSMENT_SHEET_COLUMNS)
    for row in rows:
        sheet.append([row.get(c, "") for c in ASSESSMENT_SHEET_COLUMNS])
    return sheet


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "0" * (60 * 1024 * 1024))
    return buffer.getvalue()


LATIN1 = "recommendation_id,status,as_of,rationale\nmmn2016-04,in_progress,2023-01-01,Caf\xe9\n".encode("latin-1")
BAD_FILES = {
    "empty": (b"", "The file is empty"),
    "old excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel (.xls)"),
    "pdf": (b"%PDF-1.7\n...", "not a CSV or XLSX"),
    "binary": (b"\x00\x01\x02 binary", "not a CSV or XLSX"),
    "latin-1": (LATIN1, "not UTF-8 text (byte 0xe9"),
    "zip, not xlsx": (lambda: _zip_of("hello.txt"), "a zip archive, not an XLSX workbook"),
    "zip bomb": (_bomb, "unpacks to more than 50 MB"),
    "unknown column": (csv_bytes([good()], [*ASSESSMENT_SHEET_COLUMNS, "colour"]), "unknown column(s): colour"),
    "missing column": (b"recommendation_id,status\nmmn2016-04,in_progress\n", "missing column(s): as_of, rationale"),
    "formula": (lambda: _xlsx(lambda b: _assessment_sheet(b, [good(rationale="=1+1")])),
                "holds formulas (row 2, column E)"),
    "wrong sheet": (lambda: _xlsx(lambda b: (_assessment_sheet(b, [good()], title="Sheet1"), b.create_sheet("notes"))),
                    "no sheet named 'assessments'"),
    "header only": (csv_bytes([]), "no filled row"),
    "csv formula": (csv_bytes([good(rationale="=cmd|' /C calc'!A0"), good(rationale="@SUM(1+1)*cmd"),
                               good(rationale="-2+3+cmd")]),
                    "run as formulas (row 2, column rationale; row 3, column rationale; row 4, column rationale)"),
    "csv formula in another column": (csv_bytes([good(evidence="+HYPERLINK(\"http://evil\")")]),
                                      "row 2, column evidence"),
    "entity bomb": (lambda: _entity_bomb(), "declares XML entities, which are refused"),
    "malformed sheet": (lambda: _broken_sheet(), "its XML is broken: unclosed token"),
}  # fmt: skip


def _patched_xlsx(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx(lambda b: _assessment_sheet(b, [good()]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    return buffer.getvalue()


def _entity_bomb() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return _patched_xlsx(
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>'.encode()
    )


def _broken_sheet() -> bytes:
    return _patched_xlsx(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml')


REQUIRED = ["recommendation_id", "status", "as_of", "rationale"]


def _dimension_bomb() -> bytes:
    """5 KB that claim a million rows by 16,384 columns (<dimension ref="A1:XFD1048576">)."""
    rows = "".join(
        f'<row r="{n}">' + "".join(f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
                                   for i, v in enumerate(values)) + "</row>"
        for n, values in enumerate([REQUIRED, ["mmn2016-04", "in_progress", "2023-01-01", "A rationale."]], 1)
    )  # fmt: skip
    return _patched_xlsx(
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:XFD1048576"/><sheetData>{rows}<row r="1048576"/></sheetData></worksheet>'.encode()
    )


def _zip_of(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "hello")
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_a_clear_answer_and_write_nothing(people, case):
    engine, who = people
    data, message = BAD_FILES[case]
    data = data() if callable(data) else data
    before = snapshot(engine)
    with pytest.raises(uploads.UploadRefused) as caught:
        bulk.import_updates(engine, who["c"], data, commit=True)
    assert message in str(caught.value)
    assert snapshot(engine) == before


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_too_big_and_too_long_files_are_refused_before_any_check(people, configure):
    engine, who = people
    configure(upload_max_mb=0.001)
    with pytest.raises(uploads.UploadRefused, match="uploads are limited to 1 KB"):
        uploads.read_rows(b"x" * 2000)
    configure(upload_max_mb=5)
    rows = [good(rationale=f"row {i}") for i in range(2_001)]  # one more than the default limit
    with pytest.raises(uploads.UploadRefused, match="more than 2,000 rows"):
        bulk.import_updates(engine, who["c"], csv_bytes(rows), commit=True)
    workbook_rows = _xlsx(lambda b: _assessment_sheet(b, rows))
    with pytest.raises(uploads.UploadRefused, match="more than 2,000 rows"):
        uploads.read_rows(workbook_rows)


def test_the_command_line_import(people, tmp_path):
    engine, _ = people
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    path = tmp_path / "updates.csv"
    path.write_bytes(csv_bytes([good(), good(as_of="2099-01-01", rationale="bad")]))

    def run(*args: str) -> subprocess.CompletedProcess:
        return run_cli("import-updates", str(path), *args, env=env)

    dry = run("--as", "c@cwcc.example", "--dry-run")
    assert dry.returncode == 1  # a row has a problem
    assert "row 3, column as_of: 2099-01-01 is in the future" in dry.stderr
    assert "1 row(s) would be recorded as drafts" in dry.stdout and "nothing was written" in dry.stdout
    assert statuses(engine)[REC] == "not_assessed"
    published = run("--as", "r@cwcc.example", "--publish")
    assert "recorded 1 row(s) as published" in published.stdout
    assert statuses(engine)[REC] == "in_progress"
    unknown = run("--as", "nobody@example.org")
    assert unknown.returncode == 2 and "no active account" in unknown.stderr
