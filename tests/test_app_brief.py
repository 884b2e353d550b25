"""AppTest of the meeting-brief page through the dashboard, on the real dataset."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from recommendations.dates import date_start
from tests import oracle
from tests.conftest import open_page
from tests.helpers import data_dataset

DATASET, _ = data_dataset()
RECS_BY_ID = {r.id: r for r in DATASET.recommendations}
LABELS = ["Download brief (DOCX)", "Download brief (Markdown)", "Download rows (CSV)", "Download rows (XLSX)"]


pytestmark = pytest.mark.usefixtures("app_db")


def brief_page(**params) -> AppTest:
    return open_page("pages/brief.py", **params)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def param(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def open_on(rec_id: str, meeting: dt.date) -> bool:
    history = sorted(
        (a for a in DATASET.assessments if a.recommendation == rec_id and date_start(a.as_of) <= meeting),
        key=lambda a: (date_start(a.as_of), a.recorded_at, a.id),
    )
    if RECS_BY_ID[rec_id].kind == "commitment":  # the authors' own undertaking, not an open ask (kinds rule)
        return False
    return not history or history[-1].status not in {"implemented", "not_applicable"}


def test_brief_for_a_theme_from_the_link():
    at = brief_page(theme="recruitment", brief_date="2022-12-01")
    assert not at.exception
    assert at.title[0].value == "Meeting brief"
    assert at.multiselect(key="brief_themes").value == ["recruitment"]
    assert at.date_input(key="brief_meeting_date").value == dt.date(2022, 12, 1)
    assert param(at, "brief_date") == ["2022-12-01"]
    assert [b.label for b in at.download_button] == LABELS
    text = markdown(at)
    rec = next(r for r in DATASET.recommendations if r.id == "tfamw2011-recruitment-1")
    assert open_on(rec.id, dt.date(2022, 12, 1))
    assert rec.title in text
    # an open recruitment recommendation made after the meeting date is not in a brief for 2015
    later = next(r for r in DATASET.recommendations if "recruitment" in r.themes and r.id.startswith("afml15-2022"))
    assert later.title in text
    at.date_input(key="brief_meeting_date").set_value(dt.date(2015, 1, 1)).run()
    assert not at.exception
    assert later.title not in markdown(at)
    assert param(at, "brief_date") == ["2015-01-01"]


def test_counts_match_the_data():
    at = brief_page(theme="recruitment")
    assert not at.exception
    today = dt.date.today()
    expected = [
        r
        for s in DATASET.sources
        if date_start(s.date) <= today
        for r in s.recommendations
        if "recruitment" in r.themes and open_on(r.id, today)
    ]
    metric = next(m for m in at.metric if m.label == "Open recommendations")
    assert metric.value == str(len(expected))
    assert at.date_input(key="brief_meeting_date").value == today


def test_no_selection_explains_and_offers_the_example():
    at = brief_page()
    assert not at.exception
    assert at.info and "Choose at least one theme or addressee" in at.info[0].value
    assert not at.download_button
    example = next(b for b in at.button if b.label.startswith("Try the example"))
    example.click().run()
    assert not at.exception
    assert at.multiselect(key="brief_themes").value == ["recruitment"]
    assert param(at, "theme") == ["recruitment"]  # kept in the link via the sidebar filters
    assert [b.label for b in at.download_button] == LABELS


def test_everything_brief_when_ticked():
    at = brief_page()
    at.checkbox(key="brief_all").check().run()
    assert not at.exception
    assert [b.label for b in at.download_button] == LABELS
    metric = next(m for m in at.metric if m.label == "Open recommendations")
    assert int(metric.value) == sum(1 for r in DATASET.recommendations if open_on(r.id, dt.date.today()))


def test_a_link_to_the_broad_brief_opens_it_and_unticking_takes_it_out_of_the_link():
    at = brief_page(brief_all="1")
    assert not at.exception
    assert at.checkbox(key="brief_all").value
    assert [b.label for b in at.download_button] == LABELS
    at.checkbox(key="brief_all").uncheck().run()
    assert not at.exception and not at.download_button
    assert param(at, "brief_all") == []
    at.checkbox(key="brief_all").check().run()
    assert param(at, "brief_all") == ["1"]  # ticked on the page: the link says so, to be shared


@pytest.mark.parametrize("value", ["0", "yes", "<script>alert(1)</script>", "=cmd"])
def test_anything_but_1_in_the_link_leaves_the_broad_brief_unticked(value):
    at = brief_page(brief_all=value)
    assert not at.exception
    assert not at.checkbox(key="brief_all").value and not at.download_button


def test_bad_date_in_link_falls_back_to_today():
    at = brief_page(theme="recruitment", brief_date="not-a-date")
    assert not at.exception
    assert at.date_input(key="brief_meeting_date").value == dt.date.today()


def test_choice_on_the_page_goes_into_the_link():
    at = brief_page(theme="recruitment")
    at.multiselect(key="brief_themes").select("gender").run()
    assert not at.exception
    assert at.multiselect(key="brief_themes").value == ["recruitment", "gender"]
    assert sorted(param(at, "theme")) == ["gender", "recruitment"]
    sidebar_theme = next(m for m in at.sidebar.multiselect if m.label == "Theme")
    assert sidebar_theme.value == ["recruitment", "gender"]
    # and the sidebar drives the page
    next(m for m in at.sidebar.multiselect if m.label == "Theme").unselect("recruitment").run()
    assert not at.exception
    assert at.multiselect(key="brief_themes").value == ["gender"]
    assert param(at, "theme") == ["gender"]


# --- the hierarchy and how themes and addressees combine -------------------------------------------------------

MEETING = dt.date(2022, 10, 19)


def open_count(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "Open recommendations").value)


def test_the_brief_says_how_themes_and_addressees_combine_and_offers_the_other_way():
    at = brief_page(theme="recruitment", addressee="molvt", brief_date=MEETING.isoformat())
    assert not at.exception
    assert "On Recruitment and fees **and** asked of MoLVT or of RGC as a whole." in markdown(at)
    both = oracle.brief_ids(DATASET, ["recruitment"], ["molvt"], MEETING)
    assert open_count(at) == len(both)
    government = sum("molvt" not in {a.actor for a in RECS_BY_ID[r].addressees} for r in both)
    assert any(c.value == f"{government} of the {len(both)} are included because they were asked of RGC as a whole."
               for c in at.caption)  # fmt: skip
    switch = at.radio(key="brief_combine")
    assert switch.value == "overlap" and len(switch.options) == 2
    switch.set_value("either").run()
    assert not at.exception
    assert param(at, "combine") == ["either"]
    assert "On Recruitment and fees, **or** asked of MoLVT or of RGC as a whole." in markdown(at)
    assert open_count(at) > len(both)
    assert at.radio(key="brief_combine").value == "either"
    at.multiselect(key="brief_addressees").set_value([]).run()  # one side only: nothing to combine
    assert not at.exception
    assert not [r for r in at.radio if r.key == "brief_combine"]
    assert "On Recruitment and fees, asked of anyone." in markdown(at)


@pytest.mark.parametrize(
    "hostile", ["<script>alert(1)</script>", "EITHER", "either' OR 1=1 --", "x" * 3000, "**or**", "%00", ""]
)
def test_a_hostile_combine_in_the_link_reads_as_both(hostile):
    at = brief_page(theme="recruitment", addressee="molvt", brief_date=MEETING.isoformat(), combine=hostile)
    assert not at.exception
    assert at.radio(key="brief_combine").value == "overlap"
    assert open_count(at) == len(oracle.brief_ids(DATASET, ["recruitment"], ["molvt"], MEETING))
    assert "combine" not in at.query_params  # the default is not written back, nor is the hostile value
    assert hostile not in markdown(at) or hostile in ("", "EITHER")


def test_typed_acronyms_come_first_in_the_addressee_box():
    """Typing "MoLVT" then Enter takes the first match (no "Select N matches" row): the acronym leads its label."""
    at = brief_page()
    box = at.multiselect(key="brief_addressees")
    labels = list(box.options)  # as shown (formatted)
    molvt = next(label for label in labels if label.startswith("MoLVT"))
    assert molvt == "MoLVT · Ministry of Labour and Vocational Training"
    assert all(not label.startswith("MoLVT") for label in labels if label != molvt)
    assert box.proto.select_all == 0
