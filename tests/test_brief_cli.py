"""``python -m recommendations brief``: the same brief as the page's downloads, the public view, and clear
refusals (exit 2, nothing written) for unknown ids, bad dates and unknown choices."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import docx
import openpyxl
import pytest

from models.db import make_engine
from recommendations.cli import main
from recommendations.dataset.brief_file import FORMATS, brief_file
from recommendations.read.brief import build_brief
from tests.helpers import app_assessment

MEETING = dt.date(2022, 10, 19)
SELECTION = ["--theme", "recruitment", "--addressee", "molvt", "--date", MEETING.isoformat()]


@pytest.fixture
def engine(tmp_path, monkeypatch, sqlite_loaded_template):
    """The loaded dataset in a database of its own, named by DATABASE_URL as the command reads it."""
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_loaded_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def docx_content(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [document.sections[0].header.paragraphs[0].text, *(p.text for p in document.paragraphs), *cells]


def xlsx_content(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_the_brief_the_page_downloads(engine, tmp_path, capsys, fmt):
    out = tmp_path / f"brief.{fmt}"
    assert main(["brief", *SELECTION, "--format", fmt, "--out", str(out)]) == 0
    built = build_brief(engine, themes=["recruitment"], addressees=["molvt"], meeting_date=MEETING)
    expected, written = brief_file(built, fmt), out.read_bytes()
    if fmt == "docx":
        assert docx_content(written) == docx_content(expected)
    elif fmt == "xlsx":
        assert xlsx_content(written) == xlsx_content(expected)
        assert list(xlsx_content(written)) == ["chronic asks", "recommendations", "known gaps"]
    else:
        assert written == expected
    assert built.items
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out} (")
    assert f"{len(built.items)} open recommendations" in said


def test_without_a_date_the_brief_is_for_today(engine, tmp_path):
    out = tmp_path / "today.md"
    assert main(["brief", "--theme", "recruitment", "--format", "md", "--out", str(out)]) == 0
    today = build_brief(engine, themes=["recruitment"], addressees=[], meeting_date=dt.date.today())
    assert out.read_bytes() == brief_file(today, "md")


def test_the_command_line_brief_is_the_public_view(engine, tmp_path):
    """A draft (even one that would close the ask) is never in it: only what the public sees."""
    marker = "UNPUBLISHED-DRAFT-7f3a"
    app_assessment(
        engine, "as-cli-draft", "afml15-2022-09", status="implemented", visibility="draft", rationale=marker,
        as_of="2022-09-01", as_of_start=dt.date(2022, 9, 1),
    )  # fmt: skip
    for fmt in ("md", "csv"):
        out = tmp_path / f"public.{fmt}"
        assert main(["brief", *SELECTION, "--format", fmt, "--out", str(out)]) == 0
        text = out.read_bytes().decode("utf-8-sig")
        assert marker not in text
        assert "afml15-2022-09" in text  # still open for the public: the draft is not a status


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--theme", "Recruitment"], "--theme 'Recruitment' is not a known id; use one of: "),
        (["--addressee", "MoLVT"], "--addressee 'MoLVT' is not a known id; use one of: "),
    ],
)
def test_unknown_ids_are_refused_and_nothing_is_written(engine, tmp_path, capsys, args, said):
    out = tmp_path / "brief.md"
    assert main(["brief", *args, "--format", "md", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"error: {said}" in err
    assert "no brief was written" in err
    assert not out.exists()
    out.write_text("an earlier brief")
    assert main(["brief", *args, "--format", "md", "--out", str(out)]) == 2
    assert out.read_text() == "an earlier brief"  # left as it was


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--date", "2022-02-30"], "'2022-02-30' is not a date as YYYY-MM-DD"),
        (["--date", "19/10/2022"], "'19/10/2022' is not a date as YYYY-MM-DD"),
        (["--date", "20221019"], "'20221019' is not a date as YYYY-MM-DD"),
        (["--lang", "th"], "argument --lang: invalid choice: 'th'"),
        (["--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    ],
)
def test_bad_dates_and_choices_are_refused_and_nothing_is_written(engine, tmp_path, capsys, args, said):
    out = tmp_path / "brief.docx"
    command = ["brief", "--theme", "recruitment", "--format", "docx", "--out", str(out)]
    with pytest.raises(SystemExit) as stopped:
        main([*command, *args])
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_a_folder_that_does_not_exist_is_refused(engine, tmp_path, capsys):
    out = tmp_path / "missing" / "brief.md"
    assert main(["brief", "--theme", "recruitment", "--format", "md", "--out", str(out)]) == 2
    assert f"error: cannot write {out}" in capsys.readouterr().err
    assert not out.parent.exists()
