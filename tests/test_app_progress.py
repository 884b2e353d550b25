"""AppTest of the Progress pages (Owners, Themes and recurrence) through the dashboard, on the real dataset."""

from __future__ import annotations

from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from tests import conftest
from tests.helpers import calls_to, data_dataset
from tests.test_recurrence import expected_chains

DATASET, _ = data_dataset()
ACTOR_NAMES = {a.id: a.name for a in DATASET.actors}
ASKS = Counter(ad.actor for r in DATASET.recommendations for ad in r.addressees)
PARENT = {a.id: a.part_of for a in DATASET.actors if a.part_of}


def asked_of(actor: str) -> set[str]:
    """The asks an actor's own list shows: made to it, or to what it is part of as a whole (the hierarchy)."""
    reach, at = {actor}, actor
    while at in PARENT:
        at = PARENT[at]
        reach.add(at)
    return {r.id for r in DATASET.recommendations if any(a.actor in reach for a in r.addressees)}


pytestmark = pytest.mark.usefixtures("app_db")


def open_page(page: str, **params) -> AppTest:
    """Run the dashboard once (st.navigation registers the pages), then switch to ``page``."""
    at = conftest.open_page(None, **params)
    assert not at.exception
    return at.switch_page(page).run()


def frame_with(at: AppTest, column: str, last: bool = False):
    """The first (or last) dataframe on the page that has ``column``."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    return frames[-1 if last else 0]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_owners_lists_every_addressee_with_its_asks():
    at = open_page("pages/owners.py")
    assert not at.exception
    assert at.title[0].value == "Who is asked to act"
    summary = frame_with(at, "oldest_open_year")
    assert dict(zip(summary["name"], summary["asks"], strict=True)) == {ACTOR_NAMES[a]: n for a, n in ASKS.items()}
    assert "Ministry of Labour and Vocational Training" in set(summary["name"])
    assert metric(at, "Actors asked") == str(len(ASKS))
    top = ASKS.most_common(1)[0][0]
    assert metric(at, "Most asked") == next(a.acronym or a.name for a in DATASET.actors if a.id == top) == "RGC"
    assert len(at.get("plotly_chart")) == 2
    assert at.selectbox(key="owners_actor").value == top
    assert at.query_params["actor"] == top


def test_owners_actor_from_the_link():
    at = open_page("pages/owners.py", actor="molvt")
    assert not at.exception
    assert at.selectbox(key="owners_actor").value == "molvt"
    asks = frame_with(at, "role", last=True)
    named = {r.id for r in DATASET.recommendations if any(a.actor == "molvt" for a in r.addressees)}
    every = asked_of("molvt")
    assert every > named  # with the Government's asks, each marked
    assert any(c.value == f"Asks 1–{min(50, len(every))} of {len(every)}." for c in at.caption)  # paged, 50 a page
    assert set(asks["recommendation_id"]) <= every and len(asks) == min(50, len(every))
    assert set(asks.loc[asks["asked_as_a_whole"] == "", "recommendation_id"]) <= named
    assert set(asks.loc[asks["asked_as_a_whole"] != "", "recommendation_id"]).isdisjoint(named)
    assert all(asks["link"] == "recommendation?id=" + asks["recommendation_id"])
    assert any("Everything asked of Ministry of Labour and Vocational Training" in m.value for m in at.markdown)
    assert metric(at, "Its asks") == str(len(named))  # counted as named


def test_owners_picking_an_actor_updates_the_link():
    at = open_page("pages/owners.py", actor="molvt")
    at.selectbox(key="owners_actor").set_value("destination-governments").run()
    assert not at.exception
    assert at.query_params["actor"] == "destination-governments"
    assert len(frame_with(at, "role", last=True)) == ASKS["destination-governments"]


def test_owners_unknown_actor_and_empty_selection_are_explained():
    at = open_page("pages/owners.py", actor="no-such-actor")
    assert not at.exception
    assert any("not asked anything in this selection" in i.value for i in at.info)
    at = open_page("pages/owners.py", q="zzz-no-recommendation-says-this")
    assert not at.exception
    assert any("No recommendation matches these filters" in i.value for i in at.info)
    assert not at.dataframe


def test_owners_respects_the_theme_filter():
    at = open_page("pages/owners.py", theme="recruitment")
    assert not at.exception
    themed = Counter(ad.actor for r in DATASET.recommendations if "recruitment" in r.themes for ad in r.addressees)
    summary = frame_with(at, "oldest_open_year")
    assert dict(zip(summary["name"], summary["asks"], strict=True)) == {ACTOR_NAMES[a]: n for a, n in themed.items()}


def test_themes_shows_heatmap_and_chronic_asks():
    at = open_page("pages/themes.py", theme="recruitment")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    chronic = frame_with(at, "times_raised").set_index("chain_id")
    themed = {r.id for r in DATASET.recommendations if "recruitment" in r.themes}
    chains = expected_chains(DATASET)
    assert set(chronic.index) == {k for k, v in chains.items() if len(v) >= 2 and themed & set(v)}
    monitoring = chronic.loc["afml15-2022-13"]
    assert monitoring["first_year"] == 2011
    assert monitoring["times_raised"] == 3  # 2011, 2016 and 2022
    assert "Effective monitoring of recruitment agencies" in monitoring["first_title"]


def chain_holding(chains: dict[str, list[str]], rec_id: str) -> str:
    return min(head for head, members in chains.items() if rec_id in members)


def test_themes_follow_a_chain_from_the_link():
    chains = expected_chains(DATASET)
    complaints = chain_holding(chains, "tfamw2011-postarrival-5")
    at = open_page("pages/themes.py", chain=complaints)
    assert not at.exception
    assert at.selectbox(key="themes_chain").value == complaints
    members = frame_with(at, "recommendation_id")
    assert members["recommendation_id"].tolist() == chains[complaints]
    assert all(members["link"] == "recommendation?id=" + members["recommendation_id"])
    notes = frame_with(at, "note")
    inside = set(chains[complaints])
    expected = {link.note for link in DATASET.links if link.source in inside and link.target in inside}
    assert set(notes["note"]) == expected
    contracts = chain_holding(chains, "tfamw2011-poa-4")
    at.selectbox(key="themes_chain").set_value(contracts).run()
    assert at.query_params["chain"] == contracts
    assert frame_with(at, "recommendation_id")["recommendation_id"].tolist() == chains[contracts]


def test_themes_empty_selection_is_explained():
    at = open_page("pages/themes.py", q="zzz-no-recommendation-says-this")
    assert not at.exception
    assert any("No recommendation matches these filters" in i.value for i in at.info)
    # a selection with recommendations, none of them in a chain
    linked = {link.source for link in DATASET.links} | {link.target for link in DATASET.links}
    themes = {t.id for t in DATASET.themes}
    lone = sorted(themes - {t for r in DATASET.recommendations if r.id in linked for t in r.themes})
    used = {t for r in DATASET.recommendations for t in r.themes}
    lone = [t for t in lone if t in used]
    assert lone, "the test needs a theme no linked recommendation carries"
    at = open_page("pages/themes.py", theme=lone[0])
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert any("no chain to show" in i.value for i in at.info)


def test_owners_defaults_to_the_filtered_addressee():
    at = open_page("pages/owners.py", addressee="mowa")
    assert not at.exception
    assert at.selectbox(key="owners_actor").value == "mowa"
    assert len(frame_with(at, "role", last=True)) == min(50, len(asked_of("mowa")))


def test_the_overview_builds_each_figure_once_per_choice_and_again_after_a_write(monkeypatch):
    """Building figures was most of a warm Overview run: they are kept per filters, choice and language
    (``ui.kept_chart``), the same figures as built, and built again when the data changes."""
    from recommendations import ui

    built = calls_to(monkeypatch, ui, "bars")
    at = open_page("pages/overview.py")
    first = [(c.proto.spec, c.proto.alt) for c in at.get("plotly_chart")]
    assert len(first) == 4 and len(built) == 4
    at.run()
    assert [(c.proto.spec, c.proto.alt) for c in at.get("plotly_chart")] == first and len(built) == 4
    at.segmented_control(key="overview_share").set_value("Shares").run()
    assert len(built) == 5 and at.get("plotly_chart")[0].proto.spec != first[0][0]  # only the chart that changed
    at.query_params["lang"] = "km"
    at.run()
    assert len(built) == 9 and at.get("plotly_chart")[1].proto.alt != first[1][1]  # in the page's language
    ui.clear_caches()  # what every write does
    at.run()
    assert len(built) == 13 and not at.exception


def test_owners_builds_its_figures_once_per_selection_and_language(monkeypatch):
    """Owners' two charts are kept like the Overview's (``ui.kept_chart``): the same figures on a rerun, built again
    for another selection (its bars follow it) and another language."""
    from recommendations import ui

    built = calls_to(monkeypatch, ui, "bars")
    at = open_page("pages/owners.py")
    first = [(c.proto.spec, c.proto.alt) for c in at.get("plotly_chart")]
    opened = len(built)  # the Overview's figures too (open_page starts there)
    assert len(first) == 2
    at.run()
    assert [(c.proto.spec, c.proto.alt) for c in at.get("plotly_chart")] == first and len(built) == opened
    at.query_params["theme"] = "recruitment"
    at.run()
    assert len(built) == opened + 2 and not at.exception
    assert all(c.proto.spec != spec for c, (spec, _) in zip(at.get("plotly_chart"), first, strict=True))
    at.query_params["lang"] = "km"
    at.run()
    assert len(built) == opened + 4 and at.get("plotly_chart")[0].proto.alt != first[0][1]
