"""The data package (/datapackage.json and its CSV tables; the Download data page's zip) validated with frictionless,
and the Atom feed read by a real feed parser, on SQLite and PostgreSQL; hostile data stays inert in both."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import feedparser
import pytest
from frictionless import validate

from models.db import make_engine
from recommendations.dataset import export, package
from recommendations.dataset.loader import load_folder
from recommendations.read import open_data
from tests.apiclient import api_client
from tests.conftest import DATA
from tests.hostile import hostile_copy

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture
def client(loaded_engine, configure):
    configure(api_requests_per_minute=100_000)
    with api_client(loaded_engine) as c:
        yield c


def served_package(client, folder: Path) -> Path:
    """The package as a client downloads it: datapackage.json and each CSV at the path it names."""
    described = client.get("/datapackage.json").json()
    (folder / "datapackage.json").write_text(json.dumps(described))
    for resource in described["resources"]:
        answer = client.get("/" + resource["path"])
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        target = folder / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(answer.content)
    return folder / "datapackage.json"


def test_the_served_data_package_is_valid(client, tmp_path):
    descriptor = served_package(client, tmp_path)
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    described = json.loads(descriptor.read_text())
    assert described["$schema"] == package.PROFILE
    assert described["licenses"][0]["name"] == "CC-BY-4.0" and described["citation"]
    assert described["created"].endswith("Z")
    names = {r["name"] for r in described["resources"]}
    assert {"recommendations", "addressees", "assessments", "evidence", "links", "sources", "actors", "themes"} <= names
    assessments = next(r for r in described["resources"] if r["name"] == "assessments")["schema"]
    assert assessments["primaryKey"] == ["id"] and assessments["foreignKeys"]


def test_frictionless_finds_a_broken_key(client, tmp_path):
    """The control: the validator does check the foreign keys the package declares."""
    descriptor = served_package(client, tmp_path)
    links = tmp_path / "api" / "v1" / "data" / "links.csv"
    links.write_bytes(links.read_bytes() + b"no-such-recommendation,another,repeats,\r\n")
    assert not validate(str(descriptor)).valid


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_the_zip_on_the_download_page_and_the_exports_pass_frictionless_validate(loaded_engine, tmp_path):
    rows = package.tables(loaded_engine)
    state = open_data.data_state(loaded_engine)
    with zipfile.ZipFile(io.BytesIO(package.as_zip(rows, state, "A Coalition"))) as archive:
        archive.extractall(tmp_path / "zip")
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "datapackage.json"], cwd=tmp_path / "zip", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]
    described = json.loads((tmp_path / "zip" / "datapackage.json").read_text())
    assert "A Coalition" in described["citation"]
    with (tmp_path / "zip" / "data" / "recommendations.csv").open(encoding="utf-8-sig", newline="") as table:
        assert len(list(csv.DictReader(table))) == len(rows["recommendations"]) > 0
    (tmp_path / "recommendations.csv").write_bytes(export.export(loaded_engine, "csv", None))  # the page's CSV
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "recommendations.csv"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.fixture(scope="module")
def hostile_engine(tmp_path_factory):
    """data/ with hostile text in every free-text field, loaded."""
    folder = hostile_copy(DATA, tmp_path_factory.mktemp("hostile") / "data")
    engine = make_engine(f"sqlite:///{folder.parent / 'hostile.db'}")
    load_folder(folder, engine)
    yield engine
    engine.dispose()
    shutil.rmtree(folder.parent, ignore_errors=True)


def test_hostile_data_stays_inert_in_the_tables_and_the_feed(hostile_engine, configure):
    configure(api_requests_per_minute=100_000)
    with api_client(hostile_engine) as client:
        for name in ("recommendations", "evidence", "assessments", "actors"):
            text = client.get(f"/api/v1/data/{name}.csv").content.decode("utf-8-sig")
            assert "=1+1" in text  # the payload is there...
            cells = [c for line in text.splitlines() for c in line.split(",")]
            assert not [c for c in cells if c.startswith(export.FORMULA_PREFIXES)], name  # ...never as a formula
        atom = client.get("/feed.atom")
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert any("<script>" in t for t in titles)  # text, shown as text
    for entry in parsed.entries:
        assert entry.title_detail.type == "text/plain" and entry.summary_detail.type == "text/plain"
        assert entry.link.startswith("http://testserver/recommendation?id=")


def test_the_feed_is_valid_atom_and_follows_a_theme_or_a_ministry(client):
    answer = client.get("/feed.atom")
    assert answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert 0 < len(parsed.entries) <= 100
    assert parsed.feed.links[0].href == "http://testserver/feed.atom"
    for entry in parsed.entries:
        assert entry.id.startswith("urn:uuid:") and entry.title and entry.updated_parsed
        assert entry.link.startswith("http://testserver/recommendation?id=")
    times = [e.updated_parsed for e in parsed.entries]
    assert times == sorted(times, reverse=True)
    assert any(e.title.startswith("In progress") for e in parsed.entries)
    narrow = feedparser.parse(client.get("/feed.atom?theme=recruitment&addressee=molvt").content)
    assert not narrow.bozo and 0 < len(narrow.entries) < len(parsed.entries)
    kinds = {e.title.split(":")[0].split(" (")[0] for e in narrow.entries}
    assert "Recommendation" in kinds and kinds - {"Recommendation", "Assessment withdrawn"}  # made, and assessed
    assert "recruitment" in narrow.feed.subtitle.lower() or "Recruitment" in narrow.feed.subtitle
    for entry in narrow.entries:  # a status judged for another addressee is not this ministry's
        if not entry.title.startswith(("Recommendation:", "Assessment withdrawn")):
            assert "for Ministry of Labour and Vocational Training" in entry.summary or "the whole ask" in entry.summary
    assert client.get("/feed.atom?theme=nothing").status_code == 400
    assert client.get("/feed.atom?status=in_progress").json()["error"]["parameter"] == "status"
