"""Flat exports: columns, filters, spreadsheet safety."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from recommendations.dataset.export import FLAT_COLUMNS, export, neutralise, to_csv_bytes, to_xlsx_bytes
from recommendations.dataset.loader import load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.read.filters import Filters
from tests import oracle
from tests.conftest import DATA
from tests.helpers import data_dataset

DATASET, _ = data_dataset()


@pytest.fixture
def loaded(sqlite_engine):
    load_folder(DATA, sqlite_engine)
    return sqlite_engine


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM", "'@SUM"), ("plain", "plain"), (3, 3)],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_and_xlsx_neutralise_formulas():
    frame = pd.DataFrame({"title": ["=cmd|' /C calc'!A0", "fine"], "n": [1, 2]})
    csv_text = to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=cmd" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))
    cell = book["s"]["A2"]
    assert cell.value == "'=cmd|' /C calc'!A0"
    assert cell.data_type == "s"


def test_json_has_one_row_per_recommendation_with_required_columns(loaded):
    rows = json.loads(export(loaded, "json", None))

    assert len(rows) == len(read_dataset(DATA)[0].recommendations)
    assert list(rows[0]) == [c for c in FLAT_COLUMNS if c not in ("addressees", "addressee_statuses")] + ["addressees"]
    mmn = next(r for r in rows if r["id"] == "mmn2016-06")
    assert mmn["source_date"] == "2016-01-21"
    assert mmn["status"] == oracle.overall(DATASET)["mmn2016-06"]  # the status rule, worked out from the YAML
    assert mmn["text"].startswith("Standard contract should be implemented in Khmer")


def test_filtered_csv_export(loaded, tmp_path):
    out = tmp_path / "x.csv"
    export(loaded, "csv", out, Filters(sources=["2016-mmn-cwcc-consultation"], text="recruitment agencies"))
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(frame["id"]) == ["mmn2016-03", "mmn2016-04"]


def test_xlsx_export_opens(loaded, tmp_path):
    out = tmp_path / "x.xlsx"
    export(loaded, "xlsx", out)
    sheet = openpyxl.load_workbook(out)["recommendations"]
    header = [c.value for c in sheet[1]]
    assert header == FLAT_COLUMNS
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {r.id for r in DATASET.recommendations}  # one row per recommendation, each once
    expected = oracle.overall(DATASET)
    assert {i: r["status"] for i, r in rows.items()} == expected
