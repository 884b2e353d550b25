"""Khmer text in and out: uploads in every Unicode encoding a spreadsheet saves, and Khmer with zero-width spaces
(the word breaks Khmer writes) through the CSV, XLSX, JSON and YAML exports byte for byte."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import openpyxl
import pytest

from recommendations.dataset.export import export
from recommendations.dataset.loader import load_folder
from recommendations.dataset.yamlio import read_yaml
from recommendations.visibility import EVERYTHING
from recommendations.write.uploads import UploadRefused, decode_text, read_rows

ZWSP = "\u200b"
#: "decent work for migrant workers", words parted by zero-width spaces; a subscript consonant (ក្ស) and vowel signs.
KHMER = f"ការងារ{ZWSP}សមរម្យ{ZWSP}សម្រាប់{ZWSP}ពលករ{ZWSP}ចំណាកស្រុក ក្សេត្រ"
assert unicodedata.normalize("NFC", KHMER) == KHMER

HEADER = ["recommendation_id", "status", "as_of", "rationale"]
ROW = ["mmn2016-03", "in_progress", "2022-05", KHMER]


def sheet(delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([HEADER, ROW])
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ","),  # "CSV UTF-8" from a spreadsheet: with a byte-order mark
        ("utf-16", "\t"),  # "Unicode text": UTF-16 with a byte-order mark (little-endian here), tab-separated
        ("utf-16-le-bom", "\t"),
        ("utf-16-be-bom", "\t"),
        ("utf-16-be-bom", ","),
    ],
)
def test_an_upload_in_any_unicode_encoding_reads_the_same(encoding, delimiter):
    text = sheet(delimiter)
    if encoding.endswith("-bom"):
        codec = encoding.removesuffix("-bom")
        data = "\ufeff".encode(codec) + text.encode(codec)
    else:
        data = text.encode(encoding)
    rows = read_rows(data)
    assert [values for _, values in rows] == [dict(zip(HEADER, ROW, strict=True))]
    assert rows[0][1]["rationale"].encode() == KHMER.encode()  # byte for byte, zero-width spaces kept


def test_utf16_without_a_byte_order_mark_is_refused_in_words():
    with pytest.raises(UploadRefused, match="not a CSV or XLSX"):
        read_rows(sheet().encode("utf-16-le"))


def test_a_legacy_encoding_is_refused_in_words():
    with pytest.raises(UploadRefused, match=r"not UTF-8 text \(byte 0xe9.*nor UTF-16"):
        decode_text("café".encode("latin-1"))


@pytest.fixture
def khmer_engine(data_copy, sqlite_engine):
    """The dataset with one short title in Khmer (a test copy: the real titles are the curators' English)."""
    path = next((data_copy / "sources").glob("2016-mmn-*.yaml"))
    text = path.read_text()
    old = "title: Strict monitoring of recruitment agencies"
    assert old in text
    path.write_text(text.replace(old, f"title: {KHMER}"))
    load_folder(data_copy, sqlite_engine)
    return sqlite_engine


def test_khmer_round_trips_through_every_export(khmer_engine, tmp_path):
    csv_bytes = export(khmer_engine, "csv", None)
    assert KHMER.encode() in csv_bytes  # the UTF-8 bytes themselves, nothing escaped or normalised away
    titles = [row["title"] for row in csv.DictReader(io.StringIO(decode_text(csv_bytes)))]
    assert KHMER in titles

    json_bytes = export(khmer_engine, "json", None)
    assert KHMER.encode() in json_bytes
    assert KHMER in [r["title"] for r in json.loads(json_bytes)]

    xlsx = openpyxl.load_workbook(io.BytesIO(export(khmer_engine, "xlsx", None)), read_only=True)
    cells = [c for ws in xlsx.worksheets for row in ws.iter_rows(values_only=True) for c in row if c == KHMER]
    assert cells

    written = export(khmer_engine, "yaml", tmp_path / "backup", viewer=EVERYTHING)
    source = next(p for p in written if p.name.startswith("2016-mmn-"))
    assert KHMER.encode() in source.read_bytes()
    recs = read_yaml(source)["recommendations"]
    assert KHMER in [r["title"] for r in recs]
