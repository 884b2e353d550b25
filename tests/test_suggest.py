"""Suggested earlier recommendations (read.suggest): what is proposed, in which order, with which reasons; and
how often the suggestions find the links curators made in data/links.yaml (read.suggest_quality)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import insert, select

from models.db import make_engine, migrate
from models.tables import ACT, AD, RT, R, S, T
from recommendations.audit import audit
from recommendations.read import suggest as suggest_module
from recommendations.read.suggest import suggest
from recommendations.read.suggest_quality import examined_not_linked, link_recall, pair_ranks
from recommendations.read.words import stem, words
from tests.conftest import DATA, _pg_database

ZW = "\u200b"
PAYLOAD = "<script>alert(1)</script> '; DROP TABLE recommendation; -- {title} %s **monitoring** [x](javascript:1)"
LATER = dt.date(2030, 1, 1)

SOURCES = [("s2011", "2011-11-23"), ("s2016", "2016-01-21"), ("s2022", "2022-08-18")]
#: id, source, text, themes, addressees
RECS = [
    (
        "r11-monitor",
        "s2011",
        "Effective monitoring of recruitment agencies and their practices.",
        ["recruitment"],
        ["rgc"],
    ),
    (
        "r11-media",
        "s2011",
        "Disseminate safe migration messages through television and radio.",
        ["information"],
        ["molvt"],
    ),
    ("r11-hotline", "s2011", "Set up hotlines for complaints of migrant workers.", ["complaints"], ["ilo"]),
    ("r11-twin-b", "s2011", "Publish the schedule of fees.", ["fees"], ["ilo"]),
    ("r11-twin-a", "s2011", "Publish the schedule of fees.", ["fees"], ["ilo"]),
    (
        "r16-monitor",
        "s2016",
        "Implement a strict monitoring mechanism for recruitment agencies.",
        ["recruitment"],
        ["molvt"],
    ),
    ("r16-khmer", "s2016", f"ការ{ZW}ត្រួតពិនិត្យ{ZW}ទីភ្នាក់ងារ{ZW}ជ្រើសរើស{ZW}ពលករ។", ["recruitment"], ["rgc"]),
    ("r16-twin", "s2016", "Publish the schedule of fees.", ["fees"], ["ilo"]),
    ("r16-payload", "s2016", PAYLOAD, ["information"], ["ilo"]),
    (
        "r22-monitor",
        "s2022",
        "Monitor recruitment agencies jointly with destination governments.",
        ["recruitment"],
        ["rgc"],
    ),
]


def _seed(engine) -> None:
    migrate(engine)
    with engine.begin() as conn:
        actors = [("rgc", "Royal Government of Cambodia", None), ("molvt", "Ministry of Labour", "rgc"),
                  ("ilo", "International Labour Organization", None)]  # fmt: skip
        conn.execute(insert(ACT), [{"id": i, "name": n, "type": "government", "part_of": p} for i, n, p in actors])
        themes = sorted({t for rec in RECS for t in rec[3]})
        conn.execute(insert(T), [{"id": t, "name": t.title()} for t in themes])
        conn.execute(insert(S), [
            {"id": i, "title": f"Meeting {i}", "date": d, "date_start": dt.date.fromisoformat(d), "kind": "afml",
             "organisers": []} for i, d in SOURCES
        ])  # fmt: skip
        for position, (rec_id, source, text, rec_themes, actors) in enumerate(RECS):
            conn.execute(insert(R).values(id=rec_id, source_id=source, position=position, text=text,
                                          title=text[:300], kind="recommendation", problems=[]))  # fmt: skip
            conn.execute(insert(RT), [{"recommendation_id": rec_id, "theme_id": t} for t in rec_themes])
            conn.execute(insert(AD), [
                {"recommendation_id": rec_id, "actor_id": a, "position": n, "role": "primary"}
                for n, a in enumerate(actors)
            ])  # fmt: skip
        audit(conn, "test", "load", "*", "seed")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request, tmp_path_factory):
    """A small database of ten recommendations in three sources, on SQLite and on PostgreSQL (read only)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('suggest') / 'seeded.db'}")
        _seed(engine)
        yield engine
        engine.dispose()
    else:
        databases = _pg_database(request.getfixturevalue("pg_server"))
        engine = next(databases)
        _seed(engine)
        yield engine
        next(databases, None)


def ids(found) -> list[str]:
    return [s.id for s in found]


# --- words -----------------------------------------------------------------------------------------------------


def test_forms_of_one_word_meet_and_stop_words_are_left_out() -> None:
    assert stem("agencies") == stem("agency")
    assert stem("monitoring") == stem("monitor") == stem("monitored")
    assert stem("recruitment") == stem("recruiting")
    assert stem("dissemination") == stem("disseminate")
    assert [form for _, form in words("The pre-departure training, for ALL workers")] == [
        "departure", "training", "workers"
    ]  # fmt: skip


def test_khmer_words_split_on_zero_width_spaces_spaces_and_khmer_punctuation() -> None:
    found = [form for _, form in words(f"ការ{ZW}ត្រួតពិនិត្យ ទីភ្នាក់ងារ។ពលករ")]
    assert found == ["ត្រួតពិនិត្យ", "ទីភ្នាក់ងារ", "ពលករ"]  # ការ is a stop word; the vowel signs stay in their words


# --- suggest ---------------------------------------------------------------------------------------------------


def test_the_closest_earlier_recommendations_come_first_best_score_first(seeded) -> None:
    found = suggest(seeded, text="Monitoring of recruitment agencies", themes=["recruitment"], addressees=["rgc"],
                    before=LATER)  # fmt: skip
    assert ids(found)[:3] == ["r11-monitor", "r22-monitor", "r16-monitor"]
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert 0 < found[-1].score <= found[0].score <= 1
    assert found[0].source_id == "s2011" and found[0].date == dt.date(2011, 11, 23)
    assert found[0].title == RECS[0][2]
    assert len(suggest(seeded, text="fees", themes=[], addressees=[], before=LATER, limit=2)) == 2


def test_ties_go_to_the_later_source_then_the_id(seeded) -> None:
    found = suggest(seeded, text="Publish the schedule of fees.", themes=["fees"], addressees=["ilo"], before=LATER)
    assert ids(found)[:3] == ["r16-twin", "r11-twin-a", "r11-twin-b"]
    assert found[0].score == found[1].score == found[2].score == pytest.approx(1.0)


def test_only_sources_dated_strictly_before_before(seeded) -> None:
    query = {"text": "monitoring recruitment agencies", "themes": ["recruitment"], "addressees": ["rgc"]}
    on_the_day = suggest(seeded, **query, before=dt.date(2016, 1, 21), limit=20)
    assert {s.source_id for s in on_the_day} == {"s2011"}
    day_after = suggest(seeded, **query, before=dt.date(2016, 1, 22), limit=20)
    assert {s.source_id for s in day_after} == {"s2011", "s2016"}
    assert suggest(seeded, **query, before=dt.date(2011, 11, 23)) == []


def test_excluded_recommendations_are_never_suggested(seeded) -> None:
    query = {"text": "monitoring recruitment agencies", "themes": ["recruitment"], "addressees": [], "before": LATER}
    assert "r16-monitor" in ids(suggest(seeded, **query))
    kept = ids(suggest(seeded, **query, exclude={"r16-monitor", "r11-monitor"}, limit=20))
    assert "r16-monitor" not in kept and "r11-monitor" not in kept and "r22-monitor" in kept


def test_the_reasons_shared_words_themes_and_addressees(seeded) -> None:
    found = suggest(seeded, text="Strict monitoring of recruitment agencies in destination countries",
                    themes=["recruitment", "information"], addressees=["molvt"], before=LATER, limit=20)  # fmt: skip
    by_id = {s.id: s for s in found}
    r16 = by_id["r16-monitor"]
    assert set(r16.shared_words) == {"strict", "monitoring", "recruitment", "agencies"}  # as the new text writes them
    assert r16.shared_themes == ["recruitment"] and r16.shared_addressees == ["molvt"]
    # an ask of the Royal Government as a whole shares RGC with an ask of MoLVT, which is part of it
    assert by_id["r11-monitor"].shared_addressees == ["rgc"]
    assert "destination" in by_id["r22-monitor"].shared_words
    media = by_id["r11-media"]  # no shared word: suggested for the theme and the addressee only
    assert media.shared_words == [] and media.shared_themes == ["information"] and media.shared_addressees == ["molvt"]
    assert r16.score > media.score
    assert "r11-hotline" not in by_id  # nothing shared at all: never a candidate


def test_khmer_text_finds_khmer_text(seeded) -> None:
    found = suggest(seeded, text="ត្រួតពិនិត្យ ទីភ្នាក់ងារ", themes=[], addressees=[], before=LATER)
    assert ids(found) == ["r16-khmer"]
    assert set(found[0].shared_words) == {"ត្រួតពិនិត្យ", "ទីភ្នាក់ងារ"}
    assert ids(suggest(seeded, text=f"ការ{ZW}ពលករ", themes=[], addressees=[], before=LATER)) == ["r16-khmer"]


def test_empty_text_is_suggested_on_themes_and_addressees_alone(seeded) -> None:
    assert suggest(seeded, text="", themes=[], addressees=[], before=LATER) == []
    assert suggest(seeded, text="   \n", themes=["nonexistent"], addressees=["nobody"], before=LATER) == []
    found = suggest(seeded, text="", themes=["complaints"], addressees=[], before=LATER)
    assert ids(found) == ["r11-hotline"] and found[0].shared_words == []


def test_payload_text_is_just_data(seeded) -> None:
    found = suggest(seeded, text=PAYLOAD, themes=[], addressees=[], before=LATER)
    assert ids(found)[0] == "r16-payload"
    assert {"script", "alert", "drop", "table"} <= set(found[0].shared_words)
    with seeded.connect() as conn:  # the query changed nothing
        assert conn.execute(select(R.c.text).where(R.c.id == "r16-payload")).scalar_one() == PAYLOAD
        assert len(conn.execute(select(R.c.id)).all()) == len(RECS)


def test_the_index_follows_every_write_and_a_connection_sees_its_own(engine) -> None:
    _seed(engine)
    query = {"text": "labour inspection of fishing boats", "themes": [], "addressees": [], "before": LATER}
    assert suggest(engine, **query) == []
    with engine.begin() as conn:
        fishing = {"text": "Labour inspection on fishing boats.", "title": "Fishing", "problems": []}
        conn.execute(
            insert(R).values(id="r22-fishing", source_id="s2022", position=99, kind="recommendation", **fishing)
        )
        assert ids(suggest(conn, **query)) == ["r22-fishing"]  # inside the transaction that wrote it
        audit(conn, "test", "publish", "recommendation", "r22-fishing")
    assert ids(suggest(engine, **query)) == ["r22-fishing"]  # a new data version: the index is built again


def test_a_query_reads_only_the_lists_of_its_own_words_themes_and_addressees(seeded) -> None:
    index = suggest_module.index_for(seeded)
    assert {index.docs[n].id for n, _ in index.terms[stem("fees")]} == {"r11-twin-a", "r11-twin-b", "r16-twin"}
    reached = {n for n, _ in index.terms[stem("hotlines")]} | set(index.themes["complaints"])
    assert {index.docs[n].id for n in reached} == {"r11-hotline"}
    assert ids(suggest(seeded, text="hotlines", themes=["complaints"], addressees=[], before=LATER)) == ["r11-hotline"]


# --- quality on the real data ----------------------------------------------------------------------------------


def test_at_least_80_percent_of_curated_links_are_in_the_top_5_and_unrelated_texts_score_low(loaded_engine) -> None:
    recall = link_recall(loaded_engine, k=5)
    curated = yaml.safe_load((DATA / "links.yaml").read_text(encoding="utf-8"))["links"]
    assert {(p.source, p.target) for p in recall.pairs} == {(link["source"], link["target"]) for link in curated}
    assert len(recall.pairs) >= 20
    assert recall.share >= 0.8, [p for p in recall.pairs if not p.within(5)]
    unrelated = "Plant mango trees along the river banks for the annual boat racing festival"
    assert suggest(loaded_engine, text=unrelated, themes=[], addressees=[], before=LATER) == []  # nothing shared
    # a text on another subject that shares only everyday words with the recommendations
    everyday = "The government should organise an annual boat racing festival for the public and for workers"
    found = suggest(loaded_engine, text=everyday, themes=[], addressees=[], before=LATER)
    assert found and max(s.score for s in found) < 0.15
    found_links = [p.score for p in recall.pairs if p.within(5) and p.score is not None]
    assert min(found_links) > max(s.score for s in found)  # every link found scores above it


def test_examined_not_linked_pairs_are_read_from_the_comments(tmp_path: Path) -> None:
    pairs = examined_not_linked(DATA / "links.yaml")
    assert ("afml15-2022-20", "tfamw2011-cso-5") in pairs
    assert ("mmn2016-07", "tfamw2011-domestic-1") in pairs  # "A / B -> C" gives (A, C) and (B, C)
    copy = tmp_path / "links.yaml"
    shutil.copy(DATA / "links.yaml", copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write("examined_not_linked:\n  - {source: mmn2016-09, target: tfamw2011-poa-2, note: listed}\n")
    assert ("mmn2016-09", "tfamw2011-poa-2") in examined_not_linked(copy)


def test_pair_ranks_skip_unknown_ids(seeded) -> None:
    ranked = pair_ranks(seeded, [("r22-monitor", "r11-monitor"), ("r22-monitor", "nope"), ("nope", "r11-monitor")])
    assert [(p.source, p.target) for p in ranked] == [("r22-monitor", "r11-monitor")]
    assert ranked[0].rank is not None and ranked[0].within(5)


def test_the_suggest_quality_command_prints_every_link_and_the_share(
    sqlite_loaded_template, tmp_path, monkeypatch, capsys
) -> None:
    from recommendations.cli import main

    copy = tmp_path / "loaded.db"
    shutil.copy(sqlite_loaded_template, copy)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    assert main(["suggest-quality", "--database"]) == 0
    out = capsys.readouterr().out
    curated = yaml.safe_load((DATA / "links.yaml").read_text(encoding="utf-8"))["links"]
    for link in curated:
        assert f"{link['source']} -> {link['target']}" in out
    assert f"of {len(curated)} links (" in out and "have their earlier recommendation in the top 5" in out
    assert "examined, not linked pairs are in the top 5" in out
    assert main(["suggest-quality", "--database", "--min", "0.99"]) == 1  # below the target: the command fails
