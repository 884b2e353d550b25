"""Actors form a hierarchy (``part_of``): the walk up, its validation with file and line, the load, and what a
chosen addressee takes in (filters, table, exports, Owners, the brief), on SQLite and PostgreSQL.

Expected sets are computed from the YAML by walking ``part_of`` in the test (``oracle.taken_in``), never copied
from the code under test.
"""

from __future__ import annotations

import datetime as dt
import io

import docx
import pandas as pd
import pytest
import yaml
from sqlalchemy import select

from models.tables import ACT
from recommendations import hierarchy, status
from recommendations.dataset.export import export, write_yaml_layout
from recommendations.dataset.loader import DataInvalid, load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.markdown import escape
from recommendations.read import owners
from recommendations.read.brief import brief_docx, brief_markdown, brief_rows, build_brief
from recommendations.read.filters import Filters
from recommendations.read.selection import EITHER, OVERLAP, describe_selection
from recommendations.read.table import recommendation_table
from recommendations.visibility import EVERYTHING
from recommendations.vocabulary import OPEN_STATUSES
from tests import oracle
from tests.helpers import data_dataset, snapshot

DATASET, _ = data_dataset()
RECS = {r.id: r for r in DATASET.recommendations}
SOURCE_OF = {r.id: s for s in DATASET.sources for r in s.recommendations}
NAMED = {r.id: {a.actor for a in r.addressees} for r in DATASET.recommendations}
MEETING = dt.date(2022, 10, 19)


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


# --- the walk up, in Python --------------------------------------------------------------------------------


def test_ancestors_nearest_first_and_order_for_loading():
    parents = {"nea": "molvt", "molvt": "rgc", "rgc": None, "pdolvt": "molvt"}
    assert hierarchy.ancestors(parents, "nea") == ["molvt", "rgc"]
    assert hierarchy.ancestors(parents, "rgc") == []
    assert hierarchy.ancestors(parents, "unknown") == []
    order = hierarchy.parents_first(["nea", "pdolvt", "rgc", "molvt"], parents)
    assert order.index("rgc") < order.index("molvt") < min(order.index("nea"), order.index("pdolvt"))


def test_a_cycle_never_loops_and_is_found():
    parents = {"a": "b", "b": "c", "c": "a", "d": "a", "e": "e"}
    assert hierarchy.ancestors(parents, "a") == ["b", "c"]
    assert hierarchy.ancestors(parents, "d") == ["a", "b", "c"]
    assert [x for x in parents if hierarchy.in_cycle(parents, x)] == ["a", "b", "c", "e"]  # d only leads into one


def test_the_dataset_hierarchy_is_the_documented_one():
    parents = {a.id: a.part_of for a in DATASET.actors if a.part_of}
    assert parents["nea"] == "molvt" and parents["molvt"] == "rgc" and parents["pdolvt"] == "molvt"
    assert parents["cambodian-embassies"] == "mofaic"
    assert all(parents[m] == "rgc" for m in ("moi", "mosavy", "mowa", "mofaic"))
    assert "rgc" not in parents


# --- validation: unknown ids and cycles, with file and line --------------------------------------------------


def _line_of(path, actor_id: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if f"{{id: {actor_id}," in line)


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ("ministry-of-labour", "part_of: unknown actor id 'ministry-of-labour'"),
        ("pdolvt", "part_of: 'pdolvt' would be part of itself (pdolvt -> pdolvt); remove one link"),
    ],
)
def test_an_unknown_parent_or_an_actor_part_of_itself_is_refused_with_file_and_line(data_copy, parent, message):
    path = data_copy / "actors.yaml"
    path.write_text(path.read_text().replace("part_of: molvt}", f"part_of: {parent}}}", 1))  # PDOLVT's line
    _, problems = read_dataset(data_copy)
    assert [str(p) for p in problems] == [f"data/actors.yaml:{_line_of(path, 'pdolvt')}: {message}"]


def test_a_cycle_is_refused_with_file_and_line_and_nothing_is_loaded(data_copy, sqlite_engine):
    path = data_copy / "actors.yaml"
    lines = path.read_text().splitlines()
    rgc = _line_of(path, "rgc") - 1
    assert lines[rgc].endswith(", country: Cambodia}")
    lines[rgc] = lines[rgc].removesuffix("}") + ", part_of: nea}"
    path.write_text("\n".join(lines) + "\n")
    _, problems = read_dataset(data_copy)
    found = {p.line: p.message for p in problems if p.path == "data/actors.yaml"}
    assert set(found) == {_line_of(path, a) for a in ("rgc", "molvt", "nea")}  # each actor in the loop
    assert (
        found[_line_of(path, "nea")]
        == "part_of: 'nea' would be part of itself (nea -> molvt -> rgc -> nea); remove one link"
    )
    assert len(problems) == 3
    with pytest.raises(DataInvalid):
        load_folder(data_copy, sqlite_engine)
    assert snapshot(sqlite_engine).get("actor", []) == []


# --- the tables and the YAML round trip ----------------------------------------------------------------------


def test_load_writes_part_of_whatever_the_order_in_the_file_and_export_gives_it_back(engine, data_copy, tmp_path):
    path = data_copy / "actors.yaml"
    lines = path.read_text().splitlines(keepends=True)
    rgc = next(i for i, line in enumerate(lines) if "{id: rgc," in line)
    lines.append(lines.pop(rgc))  # the Government after its ministries: loaded parents first all the same
    path.write_text("".join(lines))
    load_folder(data_copy, engine)
    with engine.connect() as conn:
        stored = dict(conn.execute(select(ACT.c.id, ACT.c.part_of).where(ACT.c.part_of.is_not(None))).all())
    assert stored == {a.id: a.part_of for a in DATASET.actors if a.part_of}
    write_yaml_layout(engine, tmp_path / "out", EVERYTHING)
    exported = yaml.safe_load((tmp_path / "out" / "actors.yaml").read_text())["actors"]
    assert {a["id"]: a.get("part_of") for a in exported if a.get("part_of")} == stored


def test_a_reload_may_move_an_actor_under_a_new_one(engine, data_copy):
    load_folder(data_copy, engine)
    path = data_copy / "actors.yaml"
    text = path.read_text().replace("part_of: molvt}", "part_of: pdolvt-phnom-penh}", 1)
    text += (
        "  - {id: pdolvt-phnom-penh, name: Phnom Penh Department of Labour, type: government_origin, part_of: molvt}\n"
    )
    path.write_text(text)
    load_folder(data_copy, engine)  # the new actor is inserted before the edited one points at it
    with engine.connect() as conn:
        assert conn.execute(select(ACT.c.part_of).where(ACT.c.id == "pdolvt")).scalar() == "pdolvt-phnom-penh"


# --- what a chosen addressee takes in --------------------------------------------------------------------------


def test_reach_names_what_the_chosen_are_part_of(loaded):
    found = hierarchy.reach(loaded, ["nea", "no-such-actor"])
    assert found.chosen == ("nea",)
    assert found.wider == ("molvt", "rgc")  # nearest first
    assert found.note(["rgc", "employers"]) == "asked of RGC as a whole"
    assert found.note(["molvt", "rgc"]) == "asked of MoLVT and RGC as a whole"
    assert found.note(["nea", "rgc"]) == ""  # names the chosen actor itself
    assert hierarchy.reach(loaded, []).every == ()


@pytest.mark.parametrize(
    ("themes", "chosen", "combine"),
    [
        ([], ["molvt"], OVERLAP),
        ([], ["nea"], OVERLAP),
        (["recruitment"], ["molvt"], OVERLAP),
        (["recruitment"], ["molvt"], EITHER),
        (["recruitment"], [], EITHER),
        (["recruitment", "complaints-justice"], ["cambodian-embassies", "employers"], EITHER),
        (["recruitment"], ["rgc"], OVERLAP),
    ],
)
def test_filters_take_in_what_the_chosen_are_part_of(loaded, themes, chosen, combine):
    filters = Filters(themes=themes, addressees=chosen, combine=combine)
    assert set(filters.ids(loaded) or []) == oracle.selected(DATASET, themes, chosen, combine)


def test_either_widens_and_overlap_narrows(loaded):
    both = set(Filters(themes=["recruitment"], addressees=["molvt"]).ids(loaded) or [])
    either = set(Filters(themes=["recruitment"], addressees=["molvt"], combine=EITHER).ids(loaded) or [])
    on_theme = set(Filters(themes=["recruitment"]).ids(loaded) or [])
    asked = set(Filters(addressees=["molvt"]).ids(loaded) or [])
    assert both == on_theme & asked and either == on_theme | asked and both < either


def test_the_table_and_the_exports_mark_what_is_asked_as_a_whole(loaded):
    table = recommendation_table(loaded, Filters(themes=["recruitment"], addressees=["molvt"]))
    marked = dict(zip(table["id"], table["asked_as_a_whole"], strict=True))
    assert marked["afml15-2022-13"] == "asked of RGC as a whole"
    for rec_id, note in marked.items():
        assert (note == "asked of RGC as a whole") == ("molvt" not in NAMED[rec_id]), rec_id
    assert set(recommendation_table(loaded)["asked_as_a_whole"]) == {""}  # nothing chosen, nothing marked
    csv = pd.read_csv(io.BytesIO(export(loaded, "csv", None, Filters(addressees=["molvt"]))), encoding="utf-8-sig")
    assert set(csv["id"]) == oracle.selected(DATASET, [], ["molvt"])
    assert {i for i, n in zip(csv["id"], csv["asked_as_a_whole"].fillna(""), strict=True) if n} == {
        i for i in csv["id"] if "molvt" not in NAMED[i]
    }


# --- Owners: per actor as named, what it is part of apart ---------------------------------------------------


def test_owners_count_per_actor_as_named_and_the_wider_asks_apart(loaded):
    summary = owners.actor_summary(loaded).set_index("actor_id")
    named_molvt = {r for r, named in NAMED.items() if "molvt" in named}
    government_only = {r for r, named in NAMED.items() if "rgc" in named and "molvt" not in named}
    assert summary.loc["molvt", "asks"] == len(named_molvt)  # as named: not inflated by the Government's asks
    assert summary.loc["rgc", "asks"] == sum("rgc" in named for named in NAMED.values())
    assert summary.loc["molvt", "also_asked"] == len(government_only) > 0
    assert summary.loc["molvt", "also"] == f"also asked of RGC as a whole: {len(government_only)}"
    assert summary.loc["rgc", "also_asked"] == 0 and summary.loc["rgc", "also"] == ""
    asks = owners.actor_asks(loaded, "molvt", wider=True)
    assert set(asks["recommendation_id"]) == named_molvt | government_only
    assert asks["recommendation_id"].is_unique
    whole = set(asks.loc[asks["asked_as_a_whole"] != "", "recommendation_id"])
    assert whole == government_only
    own = owners.actor_asks(loaded, "molvt")
    assert set(own["recommendation_id"]) == named_molvt and set(own["asked_as_a_whole"]) == {""}


def test_owners_of_a_filtered_set(loaded):
    ids = sorted(oracle.selected(DATASET, ["recruitment"], ["molvt"]))
    summary = owners.actor_summary(loaded, ids).set_index("actor_id")
    assert summary.loc["molvt", "asks"] == sum("molvt" in NAMED[i] for i in ids)
    assert summary.loc["molvt", "also_asked"] == sum("rgc" in NAMED[i] and "molvt" not in NAMED[i] for i in ids)


# --- the brief: the case ------------------------------------------------------------------------------


def test_recruitment_brief_for_molvt_includes_the_asks_of_the_government_as_a_whole(loaded):
    brief = build_brief(loaded, themes=["recruitment"], addressees=["molvt"], meeting_date=MEETING)
    expected = oracle.brief_ids(DATASET, ["recruitment"], ["molvt"], MEETING)
    listed = {item.id: item for item in brief.items}
    assert set(listed) == expected
    assert "afml15-2022-13" in listed
    government = {r for r in expected if "molvt" not in NAMED[r]}
    assert len(government) > 3  # the issue saw 3 asks in all: the Government's were dropped
    assert {r for r, item in listed.items() if item.asked_as_a_whole == "asked of RGC as a whole"} == government
    rows = brief_rows(brief).set_index("id")
    assert rows.loc["afml15-2022-13", "asked_as_a_whole"] == "asked of RGC as a whole"
    markdown = brief_markdown(brief)
    asked_of = [line for line in markdown.splitlines() if line.startswith("- **Asked of:**")]
    assert sum("asked of RGC as a whole" in line for line in asked_of) == len(government)  # why it is listed
    cells = [c.text for t in docx.Document(io.BytesIO(brief_docx(brief))).tables for row in t.rows for c in row.cells]
    assert sum("(asked of RGC as a whole)" in c for c in cells) == len(government)
    assert brief.selection == (
        "On Recruitment and fees and asked of Ministry of Labour and Vocational Training (MoLVT) or of Royal "
        "Government of Cambodia (RGC) as a whole."
    )


def test_an_ask_of_the_government_as_a_whole_is_judged_by_the_governments_status(loaded):
    brief = build_brief(loaded, themes=[], addressees=["molvt"], meeting_date=dt.date(2026, 11, 22))
    verdicts = status.statuses(loaded, dt.date(2026, 11, 22))
    for item in brief.items:
        if item.asked_as_a_whole:
            assert item.status == (verdicts.for_addressees(item.id, ["rgc"]) or verdicts.overall(item.id)).status
    titles = [g.title for g in brief.groups]
    assert titles == [
        "Ministry of Labour and Vocational Training (MoLVT)",
        "Royal Government of Cambodia (RGC), asked as a whole",
    ]
    assert all(item.asked_as_a_whole for item in brief.groups[1].items)


def test_either_in_the_brief_lists_asks_on_the_theme_by_their_overall_status(loaded):
    brief = build_brief(loaded, themes=["recruitment"], addressees=["molvt"], meeting_date=MEETING, combine=EITHER)
    overall = oracle.overall(DATASET, as_of=MEETING)
    for item in brief.items:
        if not NAMED[item.id] & {"molvt", "rgc"}:  # selected by its theme alone
            assert overall[item.id] in OPEN_STATUSES
            assert item.asked_as_a_whole == ""
    assert brief.selection.startswith("On Recruitment and fees, or asked of")


# --- the words ------------------------------------------------------------------------------------------------


def test_describe_selection_says_how_themes_and_addressees_combine():
    words = {"themes": ["Recruitment and fees"], "addressees": ["MoLVT"], "wider": ["RGC"]}
    assert describe_selection(**words) == "On Recruitment and fees and asked of MoLVT or of RGC as a whole."
    assert describe_selection(**words, combine=EITHER) == (
        "On Recruitment and fees, or asked of MoLVT or of RGC as a whole."
    )
    assert describe_selection(**words, markdown=True).count("**and**") == 1
    assert describe_selection(themes=["A"], addressees=[]) == "On A, asked of anyone."
    assert describe_selection(themes=[], addressees=["MoLVT"]) == "On any theme, asked of MoLVT."
    assert describe_selection(themes=[], addressees=[]) == "On any theme, asked of anyone."
    assert describe_selection(**words, combine="<script>") == describe_selection(**words)  # unknown: overlap


def test_describe_selection_escapes_labels_in_markdown():
    evil = "[x](javascript:alert(1)) <b>*b*</b>"
    shown = describe_selection(themes=[evil], addressees=["MoLVT"], wider=[evil], markdown=True)
    assert "[x](" not in shown and "<b>" not in shown and "*b*" not in shown
    assert shown.count(escape(evil)) == 2 and "**and**" in shown


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["either"], EITHER),
        (["overlap"], OVERLAP),
        (["EITHER"], OVERLAP),
        (["<script>alert(1)</script>"], OVERLAP),
        (["either", "x" * 5000], OVERLAP),
        (["x", "either"], EITHER),  # the last value wins, as for the other single-valued filters
        ([""], OVERLAP),
        (["either\x00"], OVERLAP),
    ],
)
def test_combine_from_the_address_bar_takes_only_its_two_values(given, expected):
    filters = Filters.from_params({"combine": given, "theme": ["recruitment"]}, {"themes": {"recruitment"}})
    assert filters.combine == expected
    assert filters.to_params() == {"theme": ["recruitment"], **({"combine": EITHER} if expected == EITHER else {})}
    assert Filters.from_params({"combine": given}, {}).is_empty()  # alone it selects nothing
