"""The data in Khmer: every actor, glossary term and short title has a Khmer form (validated with file and line,
awaiting review); a Khmer search finds the recommendations whose Khmer short title, themes or addressees hold it,
on SQLite and PostgreSQL, whatever the zero-width spaces and the Unicode form; the read side gives labels in the
page's language, English by default; and how much is translated is counted as the files say."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import update

from models.tables import TR
from recommendations import i18n
from recommendations.dataset.validate import read_dataset
from recommendations.read import headlines, source_text, translations
from recommendations.read.filters import Filters
from recommendations.read.table import recommendation_table
from recommendations.write import workspace
from tests.conftest import ROOT
from tests.helpers import data_dataset

DATASET, _ = data_dataset()
RECS = {r.id: r for r in DATASET.recommendations}
THEMES_KM = {t.id: t.translations["km"].name for t in DATASET.themes}
ACTORS_KM = {a.id: a.translations["km"].name for a in DATASET.actors}
WATCHDOG = "ឃ្លាំមើល"  # "watch", in one short title only: ក្រុមឃ្លាំមើលនៅសហគមន៍ (community watchdog groups)


def khmer(text: str | None) -> bool:
    return bool(text) and i18n.in_script(str(text), "km")


def test_every_actor_glossary_term_and_short_title_has_a_khmer_form_awaiting_review():
    for actor in DATASET.actors:
        assert khmer(actor.translations["km"].name), actor.id
    for term in DATASET.glossary:
        km = term.translations["km"]
        assert khmer(km.expansion), term.term
        assert (km.note is None) == (term.note is None), term.term  # a note in English has its Khmer form
    for rec in DATASET.recommendations:
        assert khmer(rec.translations["km"].title), rec.id
    everything = [*DATASET.actors, *DATASET.glossary, *DATASET.recommendations]
    assert not any(item.translations["km"].reviewed for item in everything)  # honest: nobody has reviewed them
    assert "MoLVT" not in ACTORS_KM["molvt"]  # the acronym is not translated: it stays in its own field


# --- validation: the language, the text and its script, with file and line -----------------------------------

ACTOR_LINE = re.compile(r'translations: \{km: \{name: "រាជរដ្ឋាភិបាលកម្ពុជា", ')
BAD = [
    ("fr", "Gouvernement royal", "unknown language code 'fr'"),
    ("km", "", "String should have at least 1 character"),
    ("km", "Royal Government of Cambodia", "has no letters of the language's script"),
]


def problems(data: Path) -> list[str]:
    return [str(p) for p in read_dataset(data)[1] if "translations" in str(p)]


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("lang", "value", "wanted"), BAD)
def test_an_actors_wrong_translation_is_refused_at_its_line(data_copy, lang, value, wanted):
    path = data_copy / "actors.yaml"
    text = path.read_text()
    assert ACTOR_LINE.search(text)
    path.write_text(ACTOR_LINE.sub(f'translations: {{{lang}: {{name: "{value}", ', text, count=1))
    found = problems(data_copy)
    assert len(found) == 1 and wanted in found[0], found
    assert found[0].startswith(f"data/actors.yaml:{line_of(path, '{id: rgc,')}: ")


@pytest.mark.parametrize(("lang", "value", "wanted"), BAD)
def test_a_glossary_terms_wrong_translation_is_refused_at_its_line(data_copy, lang, value, wanted):
    path = data_copy / "glossary.yaml"
    lines = path.read_text().splitlines()
    at = lines.index("  - term: CLC") + 4  # term, expansion, translations:, km:, then its expansion
    assert lines[at - 1] == "      km:" and lines[at].startswith("        expansion: ")
    lines[at - 1 : at + 1] = [f"      {lang}:", f'        expansion: "{value}"']
    path.write_text("\n".join(lines) + "\n")
    found = problems(data_copy)
    assert len(found) == 1 and wanted in found[0], found
    assert found[0].startswith(f"data/glossary.yaml:{at + 1}: "), found  # the line of the text (1-based)


@pytest.mark.parametrize(("lang", "value", "wanted"), BAD)
def test_a_short_titles_wrong_translation_is_refused_at_its_line(data_copy, lang, value, wanted):
    path = data_copy / "sources" / "2011-tfamw-cwgamw-workshop.yaml"
    lines = path.read_text().splitlines()
    at = lines.index("    title: Community watchdog groups") + 3  # translations:, km:, then the title
    assert lines[at - 1] == "      km:"
    assert lines[at] == f"        title: {RECS['tfamw2011-cso-4'].translations['km'].title}"
    lines[at - 1 : at + 1] = [f"      {lang}:", f'        title: "{value}"']
    path.write_text("\n".join(lines) + "\n")
    found = problems(data_copy)
    assert len(found) == 1 and wanted in found[0], found
    assert found[0].startswith(f"data/sources/{path.name}:{at + 1}: "), found  # the line of the title (1-based)


# --- search in Khmer ----------------------------------------------------------------------------------------


def found_by_hand(word: str) -> set[str]:
    """What a search for ``word`` should find, worked out from the YAML: its text, lead-in, short title or id in
    English, or the Khmer of its short title, of a theme's name or of an addressee's name."""
    wanted = word.lower()
    out = set()
    for rec in DATASET.recommendations:
        own = [rec.text, rec.lead_in or "", rec.title, rec.id, rec.translations["km"].title]
        names = [THEMES_KM[t] for t in rec.themes] + [ACTORS_KM[a.actor] for a in rec.addressees]
        if any(wanted in value.lower() for value in own + names):
            out.add(rec.id)
    return out


def search(engine, word: str) -> set[str]:
    return set(Filters(text=word).ids(engine) or [])


def test_a_khmer_word_finds_what_the_khmer_titles_themes_and_addressees_say(loaded_engine):
    work = "ការងារ"  # work, labour: in the Ministry of Labour's name, in themes and in titles
    expected = found_by_hand(work)
    by_title = {r.id for r in DATASET.recommendations if work in r.translations["km"].title}
    by_theme = {r.id for r in DATASET.recommendations if any(work in THEMES_KM[t] for t in r.themes)}
    by_actor = {r.id for r in DATASET.recommendations if any(work in ACTORS_KM[a.actor] for a in r.addressees)}
    assert by_title - by_theme - by_actor and by_theme - by_title - by_actor and by_actor - by_title - by_theme
    assert search(loaded_engine, work) == expected == by_title | by_theme | by_actor
    assert 0 < len(expected) < len(DATASET.recommendations)


@pytest.mark.parametrize(
    "word",
    [
        WATCHDOG,  # one short title
        THEMES_KM["recruitment"],  # a theme's whole Khmer name
        ACTORS_KM["mosavy"],  # an addressee's Khmer name
        "មីក្រូហិរញ្ញវត្ថុ",  # part of one (micro-finance institutions)
        ACTORS_KM["molvt"],  # a ministry asked often
    ],
)
def test_each_kind_of_khmer_label_is_searched(loaded_engine, word):
    expected = found_by_hand(word)
    assert expected and search(loaded_engine, word) == expected


def test_a_khmer_theme_or_addressee_name_finds_every_ask_under_it(loaded_engine):
    themed = {r.id for r in DATASET.recommendations if "recruitment" in r.themes}
    asked = {r.id for r in DATASET.recommendations if any(a.actor == "molvt" for a in r.addressees)}
    assert themed <= search(loaded_engine, THEMES_KM["recruitment"])
    assert asked and asked <= search(loaded_engine, ACTORS_KM["molvt"])


def test_zero_width_spaces_count_on_neither_side_and_the_query_is_read_as_nfc(loaded_engine):
    rec = "tfamw2011-cso-4"
    assert search(loaded_engine, WATCHDOG) == {rec}
    spaced = "ក្រុម\u200bឃ្លាំ\u200bមើល\u200bនៅ\u200bសហគមន៍"  # the same title with zero-width spaces between words
    with loaded_engine.begin() as conn:
        conn.execute(
            update(TR)
            .where(TR.c.entity == "recommendation", TR.c.record_id == rec, TR.c.field_name == "title")
            .values(value=spaced)
        )
    assert search(loaded_engine, WATCHDOG) == {rec}  # typed without them, found with them
    assert search(loaded_engine, "ឃ្លាំ\u200bមើល") == {rec}
    assert search(loaded_engine, "\u200bឃ្លាំមើលនៅ\u200b") == {rec}
    attaches = {r.id for r in DATASET.recommendations if "attachés" in r.title}
    decomposed = unicodedata.normalize("NFD", "attachés")
    assert decomposed != "attachés" and attaches and search(loaded_engine, decomposed) == attaches


def test_the_box_that_opens_one_recommendation_searches_the_same_way(loaded_engine):
    found = workspace.search_recommendations(loaded_engine, WATCHDOG)
    assert [rec_id for rec_id, _ in found] == ["tfamw2011-cso-4"]
    themed = workspace.search_recommendations(loaded_engine, THEMES_KM["domestic-workers"])
    assert {rec_id for rec_id, _ in themed} == found_by_hand(THEMES_KM["domestic-workers"]) != set()


def test_a_khmer_search_that_matches_nothing_finds_nothing(loaded_engine):
    assert search(loaded_engine, "គ្មានពាក្យនេះទេ") == set()
    assert search(loaded_engine, "ការងារ%") == set()  # the wildcard is a character, in Khmer too


# --- labels in the page's language ----------------------------------------------------------------------------


def test_the_table_speaks_khmer_when_asked_and_english_by_default(loaded_engine):
    english = recommendation_table(loaded_engine).set_index("id")
    km = recommendation_table(loaded_engine, lang="km").set_index("id")
    for rec in DATASET.recommendations:
        assert english.loc[rec.id, "title"] == rec.title
        assert km.loc[rec.id, "title"] == rec.translations["km"].title
        assert km.loc[rec.id, "text"] == rec.text  # a quotation stays as it was written
        assert set(km.loc[rec.id, "themes"].split("; ")) == {THEMES_KM[t] for t in rec.themes}
        names = {a["id"]: a["name"] for a in km.loc[rec.id, "addressee_statuses"]}
        assert names == {a.actor: ACTORS_KM[a.actor] for a in rec.addressees}
    molvt = next(a for a in km.loc["tfamw2011-awareness-2", "addressee_statuses"] if a["id"] == "molvt")
    assert molvt["label"] == "MoLVT"  # the acronym stays
    assert km["awaits_review"].all() and not english["awaits_review"].any()
    assert list(km["status_label"]) == list(english["status_label"])  # interface strings: the page translates
    assert (english.drop(columns="awaits_review").columns == km.drop(columns="awaits_review").columns).all()


def test_the_filters_choices_and_the_glossary_speak_khmer(loaded_engine):
    km = headlines.options(loaded_engine, "km")
    assert all(khmer(label) for key in ("themes", "statuses", "research") for _, label in km[key])
    assert dict(km["themes"]) == THEMES_KM
    assert dict(km["addressees"])["molvt"] == f"MoLVT · {ACTORS_KM['molvt']}"
    english = headlines.options(loaded_engine)
    assert dict(english["themes"])["recruitment"] == "Recruitment and fees"
    assert [i for i, _ in km["statuses"]] == [i for i, _ in english["statuses"]]
    glossary = source_text.glossary(loaded_engine, "km").set_index("term")
    for term in DATASET.glossary:
        assert glossary.loc[term.term, "expansion"] == term.translations["km"].expansion
    assert glossary["awaits_review"].all()
    assert not source_text.glossary(loaded_engine)["awaits_review"].any()


# --- how much is translated -----------------------------------------------------------------------------------


def coverage_by_hand() -> dict[tuple[str, str], tuple[int, int, int]]:
    """(entity, field) -> (records with the field, of them translated into Khmer, of those reviewed), from the YAML."""
    records = {
        ("theme", "name"): DATASET.themes, ("theme", "description"): DATASET.themes, ("actor", "name"): DATASET.actors,
        ("glossary", "expansion"): DATASET.glossary, ("glossary", "note"): DATASET.glossary,
        ("recommendation", "title"): DATASET.recommendations,
    }  # fmt: skip
    out = {}
    for (entity, field), items in records.items():
        having = [item for item in items if getattr(item, field)]
        translated = [item for item in having if getattr(item.translations.get("km"), field, None)]
        reviewed = [item for item in translated if item.translations["km"].reviewed]
        out[entity, field] = (len(having), len(translated), len(reviewed))
    return out


def test_coverage_counts_what_the_yaml_holds(loaded_engine):
    expected = coverage_by_hand()
    found = translations.coverage(loaded_engine, "km")
    assert {(c.entity, c.field_name): (c.records, c.translated, c.reviewed) for c in found} == expected
    assert expected["glossary", "note"] == (44, 44, 0) and expected["recommendation", "title"] == (84, 84, 0)


def po_counts(path: Path) -> tuple[int, int, int]:
    """Entries, translated entries and reviewed entries of a .po file, read by hand (not with Babel)."""
    entries = translated = reviewed = 0
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        msgid = "".join(re.findall(r'"(.*)"', "\n".join(_part(lines, "msgid "))))
        if not msgid or any(line.startswith("#~") for line in lines):
            continue
        strings = ["".join(re.findall(r'"(.*)"', "\n".join(_part(lines, key)))) for key in _msgstr_keys(lines)]
        entries += 1
        if strings and all(strings):
            translated += 1
            reviewed += any(line.startswith("# reviewed: by ") for line in lines)
    return entries, translated, reviewed


def _msgstr_keys(lines: list[str]) -> list[str]:
    return sorted({line.split(" ", 1)[0] + " " for line in lines if line.startswith("msgstr")})


def _part(lines: list[str], key: str) -> list[str]:
    """The lines of one field of a catalog entry: its first line and the quoted lines that continue it."""
    out: list[str] = []
    for line in lines:
        if line.startswith(key):
            out.append(line[len(key) :])
        elif out and line.startswith('"'):
            out.append(line)
        elif out:
            break
    return out


def test_interface_coverage_counts_what_the_catalog_holds():
    state = i18n.review_state("km")
    assert (state.messages, state.translated, state.reviewed) == po_counts(ROOT / "locale/km/LC_MESSAGES/tracker.po")
    assert state.messages > 100


def test_an_actors_khmer_name_with_a_source_is_the_published_wording_awaiting_review():
    """Official names where they are published (issue 23): the page's address, a Khmer name, not yet reviewed."""
    published = {a.id: a.translations["km"] for a in DATASET.actors if a.translations["km"].source}
    assert set(published) == {"rgc", "molvt", "moi", "mosavy", "mowa"}
    for actor_id, km in published.items():
        assert km.name and km.name.strip() and khmer(km.name), actor_id
        assert not re.search(r"[A-Za-z]", km.name), actor_id  # the name alone, no English
        assert unicodedata.is_normalized("NFC", km.name), actor_id
        assert km.source.startswith("https://"), actor_id
        assert km.translated_by and km.translated_by.startswith("official name"), actor_id
        assert not km.reviewed, actor_id  # published is not reviewed: a Khmer speaker has still to check it
    others = [a.translations["km"] for a in DATASET.actors if a.id not in published]
    assert all("developers" in (km.translated_by or "") for km in others)  # the rest say who wrote them
