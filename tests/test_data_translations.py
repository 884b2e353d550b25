"""Data in Khmer: ``translations:`` on themes, actors, glossary terms and short titles, validated with file and line,
loaded into the ``translation`` table (SQLite and PostgreSQL), read back with English where none exists, and kept
by the YAML export."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.tables import TR
from recommendations.dataset import translations as data_translations
from recommendations.dataset.export import database_as_yaml, write_yaml_layout
from recommendations.dataset.loader import load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.read import translations
from recommendations.visibility import EVERYTHING

THEME_KM = "ការជ្រើសរើសពលករ និងថ្លៃសេវា"  # data/themes.yaml, recruitment


def add_to_theme(data: Path, theme: str, block: str) -> int:
    """Put a ``translations:`` block under ``theme`` in data/themes.yaml; the line its first row lands on."""
    path = data / "themes.yaml"
    lines = path.read_text().splitlines()
    at = lines.index(f"  - id: {theme}") + 1
    while at < len(lines) and lines[at].startswith("    ") and not lines[at].startswith("    translations:"):
        at += 1
    end = at
    while end < len(lines) and lines[end].startswith(("    translations:", "      ")):
        end += 1  # drop the translation already there
    lines[at:end] = ["    translations:", *["      " + row for row in block.strip("\n").splitlines()]]
    path.write_text("\n".join(lines) + "\n")
    return at + 2  # 1-based line of the first row under translations:


def problems_of(data: Path) -> list[str]:
    return [str(p) for p in read_dataset(data)[1]]


def test_the_dataset_has_khmer_theme_names_awaiting_review():
    data, problems = read_dataset(Path("data"))
    assert problems == []
    themes = {t.id: t for t in data.themes}
    assert all("km" in t.translations for t in themes.values())
    assert themes["recruitment"].translations["km"].name == THEME_KM
    assert not any(t.translations["km"].reviewed for t in themes.values())


@pytest.mark.parametrize(
    ("block", "wanted"),
    [
        ("fr:\n  name: Recrutement", "translations.fr: unknown language code 'fr'"),
        ("en:\n  name: Recruitment", "translations.en: unknown language code 'en'"),
        ("km:\n  name: Recruitment and fees", "translations.km.name: 'Recruitment and fees' has no letters"),
        ("km:\n  name: ''", "translations.km.name: String should have at least 1 character"),
        ("km:\n  reviewed: false", "translations.km: a translation needs at least one"),
        ("km:\n  name: ការងារ\n  reviewed: true", "who reviewed it and when"),
        ("km:\n  name: ការងារ\n  reviewed_by: Sok", "reviewed_by and reviewed_on are for a reviewed translation"),
        ("km:\n  title: ការងារ", "translations.km.title: Extra inputs are not permitted"),
        ("km: ការងារ", "translations.km: Input should be a valid dictionary"),
    ],
)
def test_a_wrong_translation_is_refused_with_its_file_and_line(data_copy, block, wanted):
    line = add_to_theme(data_copy, "skills", block)
    found = [p for p in problems_of(data_copy) if "translations" in p]
    assert found, problems_of(data_copy)
    where, message = found[0].split(": ", 1)
    assert where in (f"data/themes.yaml:{line}", f"data/themes.yaml:{line + 1}")  # the language or its field
    assert wanted in message


def test_a_reviewed_translation_names_who_and_when(data_copy):
    block = "km:\n  name: ជំនាញ\n  reviewed: true\n  reviewed_by: Sok Dara\n  reviewed_on: 2026-11"
    add_to_theme(data_copy, "skills", block)
    assert problems_of(data_copy) == []


def test_the_fields_the_read_side_knows_are_the_fields_a_translation_may_hold():
    models = {
        "theme": data_translations.ThemeTranslation,
        "actor": data_translations.ActorTranslation,
        "glossary": data_translations.GlossaryTranslation,
        "recommendation": data_translations.RecommendationTranslation,
    }
    review = set(data_translations.TranslationIn.model_fields)
    assert {e: tuple(f for f in m.model_fields if f not in review) for e, m in models.items()} == translations.FIELDS


def test_labels_in_khmer_with_english_where_there_is_no_translation(loaded_engine):
    names = translations.labels(loaded_engine, "theme", "name", "km")
    assert names["recruitment"] == translations.Label(THEME_KM, "km", reviewed=False)
    assert names["recruitment"].awaits_review
    english = translations.labels(loaded_engine, "theme", "name", "en")
    assert english["recruitment"] == translations.Label("Recruitment and fees", "en", reviewed=True)
    actors = translations.labels(loaded_engine, "actor", "name", "km")
    assert actors["molvt"] == translations.Label("ក្រសួងការងារ និងបណ្ដុះបណ្ដាលវិជ្ជាជីវៈ", "km", reviewed=False)
    titles = translations.labels(loaded_engine, "recommendation", "title", "km")
    assert len(titles) == 84 and all(label.lang == "km" for label in titles.values())
    with loaded_engine.connect() as conn:
        conn.execute(TR.delete().where(TR.c.entity == "actor", TR.c.record_id == "molvt"))
        conn.commit()
    english = translations.labels(loaded_engine, "actor", "name", "km")["molvt"]
    assert english == translations.Label("Ministry of Labour and Vocational Training", "en", reviewed=True)
    with loaded_engine.connect() as conn:
        # themes: 18 names and 18 descriptions; 42 actor names; 54 glossary expansions and 44 notes; 84 titles
        assert conn.execute(select(func.count()).select_from(TR)).scalar_one() == 36 + 41 + 54 + 44 + 84


def test_coverage_says_how_much_is_translated_and_reviewed(loaded_engine):
    found = {(c.entity, c.field_name): c for c in translations.coverage(loaded_engine, "km")}
    assert found["theme", "name"] == translations.Coverage("theme", "name", 18, 18, 0)
    assert found["actor", "name"] == translations.Coverage("actor", "name", 42, 42, 0)


def test_translations_survive_the_yaml_export_and_a_reload(loaded_engine, tmp_path, sqlite_engine):
    files = database_as_yaml(loaded_engine, EVERYTHING)
    recruitment = next(t for t in files["themes.yaml"]["themes"] if t["id"] == "recruitment")
    assert recruitment["translations"]["km"]["name"] == THEME_KM
    assert recruitment["translations"]["km"]["reviewed"] is False
    write_yaml_layout(loaded_engine, tmp_path / "backup", EVERYTHING)
    load_folder(tmp_path / "backup", sqlite_engine)
    assert translations.labels(sqlite_engine, "theme", "name", "km") == translations.labels(
        loaded_engine, "theme", "name", "km"
    )


def test_removing_a_translation_from_the_yaml_removes_it_from_the_database(data_copy, sqlite_engine):
    load_folder(data_copy, sqlite_engine)
    path = data_copy / "themes.yaml"
    lines = path.read_text().splitlines()
    at = lines.index("  - id: gender") + 3  # id, name, description, then translations:
    assert lines[at] == "    translations:"
    del lines[at : at + 6]
    path.write_text("\n".join(lines) + "\n")
    load_folder(data_copy, sqlite_engine)
    assert translations.labels(sqlite_engine, "theme", "name", "km")["gender"].lang == "en"


# --- where a wording is published: ``source`` -------------------------------------------------------------------

MOI_PAGE = "https://interior.gov.kh/note"  # data/actors.yaml, moi: the ministry's page that shows its Khmer name


@pytest.mark.parametrize("address", ["interior.gov.kh/note", "ftp://interior.gov.kh/note", "https://"])
def test_a_source_that_is_not_an_http_address_is_refused_at_its_line(data_copy, address):
    line = add_to_theme(data_copy, "skills", f"km:\n  name: ជំនាញ\n  source: {address}\n  reviewed: false")
    found = [p for p in problems_of(data_copy) if "translations" in p]
    assert len(found) == 1, found
    where, message = found[0].split(": ", 1)
    assert where == f"data/themes.yaml:{line + 2}"  # the line of source:
    assert message.startswith("translations.km.source: ") and "must be an http(s) address" in message


def test_a_source_is_a_field_of_every_translation_not_a_text(data_copy):
    add_to_theme(data_copy, "skills", f"km:\n  name: ជំនាញ\n  source: {MOI_PAGE}\n  reviewed: false")
    data, problems = read_dataset(data_copy)
    assert problems == []
    km = next(t for t in data.themes if t.id == "skills").translations["km"]
    assert km.source == MOI_PAGE and km.texts() == {"name": "ជំនាញ"}  # the address is never taken for a text
    assert "source" not in translations.FIELDS["theme"]


def test_a_source_is_loaded_and_survives_the_yaml_export_and_a_reload(loaded_engine, tmp_path, sqlite_engine):
    def sources(engine) -> dict[tuple[str, str, str], str | None]:
        with engine.connect() as conn:
            found = conn.execute(select(TR.c.entity, TR.c.record_id, TR.c.field_name, TR.c.source)).all()
        return {(e, r, f): s for e, r, f, s in found}

    loaded = sources(loaded_engine)
    assert loaded["actor", "moi", "name"] == MOI_PAGE
    assert loaded["theme", "recruitment", "name"] is None
    files = database_as_yaml(loaded_engine, EVERYTHING)
    moi = next(a for a in files["actors.yaml"]["actors"] if a["id"] == "moi")
    assert moi["translations"]["km"]["source"] == MOI_PAGE
    recruitment = next(t for t in files["themes.yaml"]["themes"] if t["id"] == "recruitment")
    assert "source" not in recruitment["translations"]["km"]  # none written where there is none
    write_yaml_layout(loaded_engine, tmp_path / "backup", EVERYTHING)
    data, problems = read_dataset(tmp_path / "backup")
    assert problems == []
    assert next(a for a in data.actors if a.id == "moi").translations["km"].source == MOI_PAGE
    load_folder(tmp_path / "backup", sqlite_engine)
    assert sources(sqlite_engine) == loaded
