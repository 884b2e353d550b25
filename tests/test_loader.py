"""Loading: counts, idempotence, non-destructive reloads, round trip; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Assessment, Recommendation, RecommendationTheme, Source
from models.db import is_empty
from recommendations import visibility
from recommendations.dataset.export import write_yaml_layout
from recommendations.dataset.loader import load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.write.updates import audit
from tests.conftest import DATA
from tests.helpers import app_assessment, content, snapshot


def test_load_counts_match_yaml(engine):
    data, problems = read_dataset(DATA)
    assert problems == []
    assert is_empty(engine)
    load_folder(DATA, engine)
    assert not is_empty(engine)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Source)).one()[0] == len(data.sources)
        assert session.exec(select(func.count()).select_from(Recommendation)).one()[0] == len(data.recommendations)
        assert session.exec(select(func.count()).select_from(Assessment)).one()[0] == len(data.assessments)


def test_second_load_changes_nothing(engine):
    first = load_folder(DATA, engine)
    assert first.changed
    before = snapshot(engine)
    second = load_folder(DATA, engine)
    assert not second.changed
    assert all(t.inserted == t.updated == t.removed == 0 for t in second.tables.values())
    assert snapshot(engine) == before


def test_reload_keeps_app_assessments_and_applies_yaml_edits(engine, data_copy):
    load_folder(data_copy, engine)
    app_assessment(engine, "app-1", "mmn2016-03")
    mmn = data_copy / "sources/2016-mmn-cwcc-consultation.yaml"
    text = mmn.read_text()
    mmn.write_text(text.replace("themes: [recruitment, governance]", "themes: [recruitment]"))
    report = load_folder(data_copy, engine)
    assert report.tables["assessment"].kept == 1
    assert report.tables["recommendation_theme"].removed == 1
    with Session(engine) as session:
        assert session.get(Assessment, "app-1") is not None
        themes = session.exec(
            select(RecommendationTheme.theme_id).where(RecommendationTheme.recommendation_id == "mmn2016-01")
        ).all()
        assert [t[0] for t in themes] == ["recruitment"]


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
def test_yaml_round_trip_reproduces_database(engine, sqlite_engine, tmp_path, request):
    load_folder(DATA, engine)
    app_assessment(
        engine,
        "app-roundtrip",
        "mmn2016-06",
        as_of="2023",
        as_of_start=dt.date(2023, 1, 1),
        assessor_id="mmn",
        visibility="draft",
        recorded_at=dt.datetime(2023, 3, 4, 5, 6, 7),
    )
    out = tmp_path / "export"
    write_yaml_layout(engine, out, visibility.EVERYTHING)
    _, problems = read_dataset(out)
    assert problems == []
    target = request.getfixturevalue("pg_engine") if engine.dialect.name == "sqlite" else sqlite_engine
    if target is engine:  # pragma: no cover - fixtures give distinct databases
        raise AssertionError("round trip needs a second database")
    load_folder(out, target)
    assert content(target) == content(engine)


def test_an_unchanged_reload_reads_nothing_and_a_changed_file_is_read_again(sqlite_engine, data_copy):
    first = load_folder(data_copy, sqlite_engine)
    assert first.changed and not first.unchanged_files
    again = load_folder(data_copy, sqlite_engine)
    assert again.unchanged_files and not again.tables  # compared fingerprints, parsed nothing
    themes = data_copy / "themes.yaml"
    themes.write_text(themes.read_text().replace("name: Recruitment and fees", "name: Recruitment, fees and costs"))
    third = load_folder(data_copy, sqlite_engine)
    assert not third.unchanged_files and third.tables["theme"].updated == 1


def test_a_write_since_the_last_load_makes_the_next_load_compare_again(sqlite_engine, data_copy):
    from sqlalchemy import text

    load_folder(data_copy, sqlite_engine)
    with sqlite_engine.begin() as conn:  # any write adds an audit row: the app, an upload, a script
        audit(conn, "someone", "edit", "theme", "recruitment")
    again = load_folder(data_copy, sqlite_engine)
    assert not again.unchanged_files and again.tables["theme"].unchanged > 0
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("select count(*) from load_state")).scalar() == 2
    assert load_folder(data_copy, sqlite_engine).unchanged_files


def test_research_log_loads_and_links_follow_the_yaml(engine, data_copy):
    from models import RecommendationLink, ResearchLogEntry

    data, _ = read_dataset(DATA)
    load_folder(data_copy, engine)
    log, links = ResearchLogEntry.__table__, RecommendationLink.__table__
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(log)).scalar_one() == len(data.research_log) > 84
        row = conn.execute(select(log).where(log.c.recommendation_id == "mmn2016-04").order_by(log.c.position)).all()[
            -1
        ]
        assert (row.searched_on, row.outcome) == ("2026-12-01", "partial")
        assert row.where and "central-sublicensing-concern-2017" in row.evidence
        assert conn.execute(select(func.count()).select_from(links)).scalar_one() == len(data.links)
    # links and research-log entries are curated in the YAML only: one removed there is removed here
    path = data_copy / "links.yaml"
    text = path.read_text()
    start = text.index("  - source: mmn2016-04\n    target: tfamw2011-recruitment-1\n")
    end = text.index("\n  #", start) + 1
    path.write_text(text[:start] + text[end:])
    report = load_folder(data_copy, engine)
    assert report.tables["recommendation_link"].removed == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(links)).scalar_one() == len(data.links) - 1


_IMPORTED = """
import json, sys
from recommendations.dataset.validate import read_dataset
from recommendations.dataset.loader import load_folder
print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()
                        if n.split(".")[0] in ("recommendations", "models") and getattr(m, "__file__", None))))
"""


def test_every_module_a_load_imports_is_in_its_fingerprint_or_said_not_to_change_what_it_loads():
    """A no-change reload reads nothing when the files and the rules are those of the last load: a module that can
    change what a load accepts or writes (a vocabulary, a text rule, a table) must be among the rules, or a reload
    after an upgrade keeps rows that the new rules would refuse or write otherwise."""
    import json
    import subprocess
    import sys

    from recommendations.dataset import load_state
    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", _IMPORTED], cwd=ROOT, capture_output=True, text=True, check=True)
    imported = {Path(f).resolve().relative_to(ROOT).as_posix() for f in json.loads(done.stdout)}
    imported -= {"recommendations/__init__.py", "recommendations/dataset/__init__.py"}
    assert imported - set(load_state.RULES) - set(load_state.NOT_RULES) == set()
    assert not set(load_state.RULES) & set(load_state.NOT_RULES)
    assert all((ROOT / name).is_file() for name in load_state.RULES)


_LOAD_AND_LIST = """
import sys
from recommendations.cli import main
code = main(["load", sys.argv[1]])
print(sorted(m for m in ("sqlmodel", "sqlalchemy.orm", "models.orm", "pandas") if m in sys.modules))
sys.exit(code)
"""


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_first_load_imports_neither_sqlmodel_nor_the_orm(kind, request, tmp_path):
    """A load needs the tables, not the classes: SQLModel, the ORM and the 28 classes cost it about 0.2 s of its
    imports (models.core is what it writes into)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    if kind == "postgres":
        engine = request.getfixturevalue("pg_bare")  # not even the schema: the load migrates it, as on a new server
        url = engine.url.render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'new.db'}"
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_LOAD_CACHE": str(tmp_path / "kept")}
    done = subprocess.run([sys.executable, "-c", _LOAD_AND_LIST, str(DATA)], cwd=ROOT, env=env, capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "recommendation" in done.stdout and "+" in done.stdout  # it loaded (the report's lines)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_rule_outside_the_dataset_package_changes_the_fingerprint(tmp_path, monkeypatch):
    import shutil

    from recommendations.dataset import load_state
    from tests.conftest import ROOT

    for name in load_state.RULES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setattr(load_state, "_REPOSITORY", tmp_path)
    before = load_state.fingerprint(DATA)
    assert before == load_state.fingerprint(DATA)
    vocabulary = tmp_path / "recommendations" / "vocabulary.py"
    vocabulary.write_text(vocabulary.read_text() + "\n# a status added\n")
    assert load_state.fingerprint(DATA) != before
