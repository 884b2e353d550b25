"""AppTest: every page runs on the real dataset, with and without filters, and shows key content."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from recommendations import dates, status
from recommendations.vocabulary import STATUS_LABELS
from tests import oracle
from tests.helpers import data_dataset, known_gaps

DATASET, _ = data_dataset()
N_RECS = len(DATASET.recommendations)


pytestmark = pytest.mark.usefixtures("app_db")


def app(**params) -> AppTest:
    """The dashboard, not yet run, with query ``params``."""
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.first_start
def test_overview_builds_database_and_shows_counts(tmp_path):
    assert not (tmp_path / "app.db").exists()  # the app's own first start: it builds the database
    at = app().run()
    assert (tmp_path / "app.db").exists()
    assert not at.exception
    assert metric(at, "Recommendations") == str(N_RECS)
    assert metric(at, "Sources") == str(len({s.id for s in DATASET.sources if s.recommendations}))
    bearing = {e.id for e in DATASET.evidence if e.recommendations}
    bearing |= {e for a in DATASET.assessments if a.visibility == "published" for e in a.evidence}
    assert metric(at, "Evidence items") == str(len(bearing))  # what bears on the selection, not all items
    assert not at.warning  # the known gaps are one sentence with a link to Sources (tests/test_figures.py)
    gaps = known_gaps(DATASET)
    forums = [s for s in gaps if s.kind == "afml"]
    assert len(forums) == 12  # the 4th to 15th AFML
    at.switch_page("pages/sources.py").run()
    warnings, captions = [w.value for w in at.warning], [c.value for c in at.caption]
    assert all(any(source.gap_note in w.replace("\\", "") for w in warnings) for source in gaps)
    for source in gaps:
        if source.expected_recommendations is not None:
            missing = source.expected_recommendations - len(source.recommendations)
            assert any(
                f"of {source.expected_recommendations} mentioned: {missing} texts missing" in c for c in captions
            )
    assert any("10th ASEAN Forum" in t.value for t in at.markdown)
    at.switch_page("pages/overview.py").run()
    assert any(h.value.startswith(f"Of {N_RECS} recommendations, ") for h in at.header)  # an h2, under the h1


def test_overview_evidence_and_sources_follow_the_filters():
    at = app(theme="recruitment").run()
    themed = {r.id for r in DATASET.recommendations if "recruitment" in r.themes}
    bearing = {e.id for e in DATASET.evidence if set(e.recommendations) & themed}
    bearing |= {
        e for a in DATASET.assessments if a.recommendation in themed and a.visibility == "published" for e in a.evidence
    }
    assert metric(at, "Recommendations") == str(len(themed))
    assert metric(at, "Evidence items") == str(len(bearing))


def caption_count(at: AppTest) -> int:
    text = next(c.value for c in at.caption if " recommendations · " in c.value)
    return int(text.split(" ", 1)[0])


def test_explore_counts_follow_filters_from_the_url():
    at = app().run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert caption_count(at) == N_RECS
    recruitment = sum("recruitment" in r.themes for r in DATASET.recommendations)
    at = app(theme="recruitment").run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert caption_count(at) == recruitment
    assert at.sidebar.multiselect[0].value == ["recruitment"]
    assert "Recruitment and fees" in at.caption[0].value


def test_explore_takes_in_the_government_and_switches_how_themes_and_addressees_combine():
    at = app(theme="recruitment", addressee="molvt", combine="either").run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    either = oracle.selected(DATASET, ["recruitment"], ["molvt"], "either")
    assert caption_count(at) == len(either)
    assert "On Recruitment and fees, or asked of MoLVT or of RGC as a whole" in at.caption[0].value
    switch = at.radio(key="explore_combine")
    assert switch.value == "either"
    switch.set_value("overlap").run()
    assert not at.exception
    both = oracle.selected(DATASET, ["recruitment"], ["molvt"])
    assert caption_count(at) == len(both) < len(either)
    assert "combine" not in at.query_params  # back to the default
    shown = at.dataframe[0].value.set_index("id")
    assert shown.loc["afml15-2022-13", "asked_as_a_whole"] == "asked of RGC as a whole"


def test_owners_counts_molvt_as_named_and_the_governments_asks_apart():
    at = app(addressee="molvt").run()
    at.switch_page("pages/owners.py").run()
    assert not at.exception
    named = [r for r in DATASET.recommendations if "molvt" in {a.actor for a in r.addressees}]
    government = oracle.selected(DATASET, [], ["molvt"]) - {r.id for r in named}
    assert metric(at, "Its asks") == str(len(named))  # MoLVT in detail: its own asks only
    assert any(
        c.value == f"Also asked of RGC as a whole: {len(government)}. Those asks are listed below, marked, and not "
        "counted in its own asks above."
        for c in at.caption
    )
    shown = at.dataframe[-1].value  # "Everything asked of MoLVT" (a page of it): the Government's asks marked
    marked = set(shown.loc[shown["asked_as_a_whole"] == "asked of RGC as a whole", "recommendation_id"])
    assert marked == set(shown["recommendation_id"]) & government and marked


def test_explore_ships_one_page_of_rows_and_pages_through_them_all():
    from recommendations.ui import PAGE_SIZE

    at = app().run()
    at.switch_page("pages/explore.py").run()
    first = at.dataframe[0].value
    assert len(first) == min(PAGE_SIZE, N_RECS) < N_RECS  # the browser gets a page, not every row
    at.number_input(key="explore_page").set_value(2).run()
    assert not at.exception
    second = at.dataframe[0].value
    assert len(second) == N_RECS - PAGE_SIZE
    assert set(first["id"]).isdisjoint(second["id"])
    assert set(first["id"]) | set(second["id"]) == {r.id for r in DATASET.recommendations}
    assert not [s for s in at.selectbox if len(s.options) >= N_RECS]  # no select box of every recommendation


@pytest.mark.parametrize("page", ["pages/explore.py", "pages/recommendation.py"])
def test_a_recommendation_is_found_by_search_and_wildcards_are_literal(page):
    key = "explore_find" if page == "pages/explore.py" else "detail_find"
    wanted = next(r for r in DATASET.recommendations if "sub-licenses" in r.text)
    at = app().run()
    at.switch_page(page).run()
    assert not at.selectbox  # nothing is listed before a search
    for hostile in ("%", "_", "\\", "<script>alert(1)</script>"):
        at.text_input(key=key).set_value(hostile).run()
        assert not at.exception
        assert any("No recommendation matches" in i.value for i in at.info), hostile
    at.text_input(key=key).set_value("SUB-LICENSES").run()
    chooser = at.selectbox(key=f"{key}_choice")
    assert len(chooser.options) == 1 and wanted.title in chooser.options[0]
    chooser.set_value(wanted.id).run()
    assert not at.exception
    if page == "pages/recommendation.py":
        assert at.query_params["id"] == wanted.id
        assert any(wanted.title in t.value for t in at.title)
    else:
        assert any("Open detail" in str(link.proto) for link in at.get("page_link"))


def test_explore_text_search_and_bad_params_are_harmless():
    at = app(q="sub-licenses", theme="no-such-theme", **{"from": "abc"}).run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert caption_count(at) == 1


def test_filters_stay_in_the_url_across_pages():
    at = app(theme="complaints-justice", status="partially_implemented").run()
    at.switch_page("pages/explore.py").run()
    params = {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}
    assert params["theme"] == ["complaints-justice"]
    assert params["status"] == ["partially_implemented"]


def test_detail_shows_verbatim_text_history_and_links():
    at = app(id="tfamw2011-postarrival-5").run()
    at.switch_page("pages/recommendation.py").run()
    assert not at.exception
    assert "providing complaint and redress mechanism" in [i.value for i in at.info]
    history = [a for a in DATASET.assessments if a.recommendation == "tfamw2011-postarrival-5"]
    facts = oracle.facts_of(DATASET)["tfamw2011-postarrival-5"]
    verdict = status.overall_verdict(facts, oracle.addressees_of(DATASET)["tfamw2011-postarrival-5"])
    assert metric(at, "Status as of") == dates.human(verdict.fact.as_of)  # dates in words, one style everywhere
    assert metric(at, "Current status") == STATUS_LABELS[verdict.status]
    markdown = " ".join(m.value for m in at.markdown)
    assert markdown.count("by Dataset maintainers") == len(history)
    assert markdown.count("for Royal Government of Cambodia") == sum(a.addressee == "rgc" for a in history)


def test_detail_of_unassessed_recommendation_explains_how_to_add_one():
    assessed = {a.recommendation for a in DATASET.assessments}
    rec = next(r for r in DATASET.recommendations if r.id not in assessed)
    at = app(id=rec.id).run()
    at.switch_page("pages/recommendation.py").run()
    assert not at.exception
    assert metric(at, "Current status") == "Not assessed"
    assert any("No assessment yet" in i.value for i in at.info)


def test_detail_unknown_id_is_a_clear_message():
    at = app(id="does-not-exist").run()
    at.switch_page("pages/recommendation.py").run()
    assert not at.exception
    assert "No recommendation has the id" in at.error[0].value


def test_sources_page_marks_recommendations_and_shows_glossary_and_figures():
    at = app().run()
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    assert "52 of 52 recommendations located" not in " ".join(c.value for c in at.caption)  # texts on demand
    for toggle in at.toggle:
        toggle.set_value(True)
    at.run()
    captions = " ".join(c.value for c in at.caption)
    assert "52 of 52 recommendations located" in captions
    assert "13 mentioned: 13 texts missing" in captions
    markdown = [m.value for m in at.markdown]
    assert any(m.startswith("**MoLVT / MOLVT**: Ministry of Labour and Vocational Training") for m in markdown)
    assert sum(m.startswith("**") and "**: " in m for m in markdown) == len(DATASET.glossary)
    assert len(at.dataframe[0].value) == len(DATASET.context_figures)
    assert "CSO statement" in captions


def test_data_page_offers_filtered_and_full_downloads():
    at = app(theme="recruitment").run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV (the filtered set)" in labels
    assert "Download XLSX (everything)" in labels
    assert "Download YAML layout (zip)" in labels
    assert "Download the data package (zip)" in labels  # validated with frictionless in tests/test_api_files.py


def test_clear_filters_resets_everything():
    at = app(theme="recruitment", q="agencies").run()
    at.switch_page("pages/explore.py").run()
    assert caption_count(at) < N_RECS
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert caption_count(at) == N_RECS
    assert at.sidebar.multiselect[0].value == []
    assert "theme" not in at.query_params


def test_dashboard_refuses_to_drop_a_missing_page_silently(tmp_path):
    """A page named in the menu but missing from disk is an error, not a shorter menu."""
    import shutil

    from tests.conftest import ROOT

    shutil.copy(ROOT / "dashboard.py", tmp_path / "dashboard.py")
    shutil.copytree(ROOT / "pages", tmp_path / "pages")
    (tmp_path / "pages" / "owners.py").unlink()
    from streamlit import config

    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")  # visitors see a redacted message; the test wants it
    try:
        at = AppTest.from_file(str(tmp_path / "dashboard.py"), default_timeout=60).run()
    finally:
        config.set_option("client.showErrorDetails", shown)
    assert at.exception
    assert "names page files that do not exist: pages/owners.py" in at.exception[0].value
