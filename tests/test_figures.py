"""Figures that say their base (issue 18): one number format, base sentences checked against counts made from the
YAML alone, the trend sentence (with and without a rise), statuses in the scale's order, shares shown as shares,
axes that fit their bars, and gap notes split into a public sentence and the curators' note."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from recommendations import numbers, visibility
from recommendations.dataset.export import database_as_yaml
from recommendations.read import figures, headlines
from recommendations.ui.charts import share_axis
from recommendations.vocabulary import STATUS_LABELS
from tests import oracle
from tests.conftest import open_page
from tests.helpers import data_dataset, known_gaps
from tests.plain_words import process_words_in

DATASET, _ = data_dataset()
WITH_PROGRESS = {"in_progress", "partially_implemented", "implemented"}  # the scale's words, written out here


# --- one number format --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.4211, "42%"), (0.0, "0%"), (1.0, "100%"), (0.005, "1%"), (0.125, "13%"), (0.001, "under 1%"),
     (0.999, "over 99%"), (29 / 84, "35%")],
)  # fmt: skip
def test_a_share_is_a_whole_percentage_and_never_says_none_or_all_when_it_is_not(share, shown):
    assert numbers.percent(share) == shown


def test_a_count_carries_its_base():
    assert numbers.of(29, 84, "recommendations") == "29 of 84 recommendations"
    assert numbers.share_of(1234, 5000) == "1,234 of 5,000 (25%)"
    assert numbers.share_of(0, 0) == "0 of 0"
    assert numbers.whole_percent(0.4211) == 42


# --- base sentences -----------------------------------------------------------------------------------------


def test_the_progress_sentence_names_both_bases():
    assert figures.progress_base(84, 30, 29) == (
        "29 of 84 recommendations have progress on record (implemented, partially implemented or in progress): "
        "29 of the 30 assessed. 54 are not assessed, so whether they moved is not known."
    )
    assert figures.progress_base(3, 3, 1) == (
        "1 of 3 recommendations has progress on record (implemented, partially implemented or in progress): "
        "1 of the 3 assessed."
    )
    assert (
        figures.progress_base(2, 0, 0)
        == "None of the 2 recommendations here is assessed yet, so none has progress on record."
    )
    assert figures.progress_base(0, 0, 0) == ""


def test_the_asks_sentence_ties_asks_to_recommendations():
    sentence = figures.asks_base(143, 152, 84)
    assert sentence.startswith("143 of 152 asks (94%) are still open. An ask is one recommendation made to one actor")
    assert "the 84 recommendations here make 152 asks" in sentence
    assert "a share of asks is not a share of recommendations" in sentence
    assert figures.asks_base(0, 0, 0) == ""


# --- the trend ----------------------------------------------------------------------------------------------


def years(statuses: dict[str, list[str]], first: int) -> pd.DataFrame:
    """A year_end_statuses frame: each recommendation's status on 31 December of each year from ``first``."""
    rows = [(first + i, rec, s) for rec, per_year in statuses.items() for i, s in enumerate(per_year) if s]
    return pd.DataFrame(rows, columns=["year", "recommendation_id", "status"])


def recs(**sources: str) -> pd.DataFrame:
    """A recommendation table: id -> "title/year" of its source."""
    split = {rec: where.split("/") for rec, where in sources.items()}
    return pd.DataFrame(
        {
            "id": list(split),
            "source_title": [t for t, _ in split.values()],
            "year": [int(y) for _, y in split.values()],
            "last_searched_on": ["2026-12-05"] * len(split),
        }
    )


N, P, I = "not_assessed", "in_progress", "implemented"  # noqa: E741


def test_a_rise_says_from_what_to_what_where_it_comes_from_and_what_it_also_reflects():
    per_year = years({"a": [N, N, P, I], "b": [N, N, N, P], "c": [N, P, P, P], "d": ["", "", N, P]}, 2000)
    t = figures.trend(per_year, recs(a="A/2000", b="A/2000", c="B/2000", d="C/2002"))
    assert (t.start, t.end, t.start_with, t.start_made, t.end_with, t.end_made) == (2000, 2003, 0, 3, 4, 4)
    assert t.by_source[0] == ("“A” (2000)", 2)
    assert figures.trend_sentence(t) == (
        "Since 2000 the share of recommendations with progress rose from 0% (0 of 3 made by the end of 2000) to "
        "100% (4 of 4 by the end of 2003). The largest part of the rise comes from evidence recorded for the "
        "recommendations of “A” (2000) (2 of the 4 recommendations that gained progress). Each year's status rests "
        "on the dated evidence found for it, so the rise also reflects when evidence was found and looked for, not "
        "only what was done: the recommendations that gained were last searched for evidence in 2026."
    )
    most = figures.trend(per_year, recs(a="A/2000", b="A/2000", c="A/2000", d="C/2002"))
    assert "Most of the rise comes from evidence recorded for the recommendations of “A” (2000) (3 of the 4" in (
        figures.trend_sentence(most)
    )


def test_no_rise_is_said_plainly():
    flat = figures.trend(years({"a": [P, P, P], "b": [N, N, N]}, 2010), recs(a="A/2010", b="B/2010"))
    assert figures.trend_sentence(flat) == (
        "Since 2010 the share of recommendations with progress has not risen: it was 50% (1 of 2 made by the end "
        "of 2010) and is 50% (1 of 2 by the end of 2012)."
    )
    fell = figures.trend(years({"a": [P, "no_progress"], "b": [P, P]}, 2010), recs(a="A/2010", b="B/2010"))
    assert figures.trend_sentence(fell) == (
        "Since 2010 the share of recommendations with progress has not risen: it fell from 100% (2 of 2 made by "
        "the end of 2010) to 50% (1 of 2 by the end of 2011)."
    )
    assert "rise comes" not in figures.trend_sentence(flat) + figures.trend_sentence(fell)


def test_the_trend_looks_back_a_decade_and_needs_two_years():
    long = years({"a": [N] * 20 + [P]}, 2000)
    assert figures.trend(long, recs(a="A/2000")).start == 2010  # type: ignore[union-attr]
    assert figures.trend(years({"a": [P]}, 2020), recs(a="A/2020")) is None
    assert figures.trend_sentence(None) == ""


def test_the_trend_of_the_real_data_matches_the_yaml(loaded_engine):
    from recommendations.read.table import recommendation_table

    table = recommendation_table(loaded_engine)
    t = figures.trend(headlines.year_end_statuses(loaded_engine, table), table)
    assert t is not None
    made = {r.id: int(s.date[:4]) for s in DATASET.sources for r in s.recommendations}
    for year, with_, count in ((t.start, t.start_with, t.start_made), (t.end, t.end_with, t.end_made)):
        status = oracle.overall(DATASET, dt.date(year, 12, 31))
        ids = [r for r, y in made.items() if y <= year]
        assert (with_, count) == (sum(status[r] in WITH_PROGRESS for r in ids), len(ids)), year


# --- tables and axes ----------------------------------------------------------------------------------------


def test_status_tables_follow_the_scale_and_show_shares_as_shares():
    frame = pd.DataFrame(
        [("x", "Partially implemented", 1), ("x", "Implemented", 1), ("x", "Not assessed", 2), ("y", "No progress", 3)],
        columns=["theme", "status_label", "count"],
    )
    counts = headlines.status_table(frame, "theme")
    order = list(STATUS_LABELS.values())
    assert list(counts.columns) == sorted(counts.columns, key=order.index) != sorted(counts.columns)
    assert counts.loc["x"].to_dict() == {
        "Not assessed": 2,
        "No progress": 0,
        "Partially implemented": 1,
        "Implemented": 1,
    }
    shares = headlines.status_table(frame, "theme", shares=True)
    assert shares.loc["x"].to_dict() == {
        "Not assessed": 50,
        "No progress": 0,
        "Partially implemented": 25,
        "Implemented": 25,
    }
    assert shares.loc["y", "No progress"] == 100


@pytest.mark.parametrize("largest", [0.0, 0.37, 0.8, 1.0, 1.3])
def test_a_share_axis_fits_its_largest_bar_and_labels_the_whole(largest):
    axis = share_axis(largest)
    assert axis["range"][0] == 0 and axis["range"][1] > max(largest, 1.0)
    assert 1.0 in axis["tickvals"] and axis["tickformat"] == axis["hoverformat"] == numbers.PLOTLY_PERCENT


# --- the pages ----------------------------------------------------------------------------------------------


def values(data: list[float] | dict[str, str]) -> list[float]:
    """A plotly trace's numbers, whether written out or packed (plotly 6 packs arrays as base64)."""
    if isinstance(data, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.usefixtures("app_db")
def test_the_overview_gives_each_figure_its_base():
    at = open_page()
    status = oracle.overall(DATASET)
    total = len(status)
    assessed = sum(s != "not_assessed" for s in status.values())
    moving = sum(s in WITH_PROGRESS for s in status.values())
    assert metric(at, "Assessed") == f"{assessed} of {total}"
    assert metric(at, "With progress") == f"{moving} of {total}"
    text = [m.value for m in at.markdown]
    assert f"{moving} of {total} recommendations have progress on record" in "\n".join(text)
    assert f"{moving} of the {assessed} assessed." in "\n".join(text)
    trend = next(m for m in text if m.startswith("Since "))
    assert "rise also reflects when evidence was found" in trend
    # Known gaps: a sentence and a link to Sources, not half the page
    gaps = known_gaps(DATASET)
    forums = [s for s in gaps if s.kind == "afml"]
    counted = [s.expected_recommendations - len(s.recommendations) for s in gaps if s.expected_recommendations]
    summary = next(m for m in text if m.startswith("The tracker knows"))
    assert summary == (
        f"The tracker knows {len(gaps)} source documents whose recommendation texts it does not hold, in all or in "
        f"part: {len(forums)} ASEAN Forums on Migrant Labour (2011–2022) and {len(gaps) - len(forums)} other "
        f"documents. Public sources give the number missing for {len(counted)} of them ({sum(counted)} "
        f"recommendations); for the other {len(gaps) - len(counted)} it is not known."
    )
    assert not at.warning
    assert any(link.proto.page == "sources" for link in at.get("page_link"))


@pytest.mark.usefixtures("app_db")
def test_the_overview_shares_are_shares_in_the_scale_order():
    at = open_page()
    at.segmented_control(key="overview_share").set_value("Shares").run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("year")
    order = list(STATUS_LABELS.values())
    assert list(table.columns) == sorted(table.columns, key=order.index)
    assert ((table.sum(axis=1) - 100).abs() <= len(table.columns)).all()  # whole percentages of each year
    assert table.loc[int(table.index.min()), "Not assessed"] == 100  # nothing is assessed the year it is made
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["yaxis"]["range"][1] >= 1 and chart["layout"]["yaxis"]["tickformat"] == ".0%"
    assert "%" in next(c.value for c in at.caption if c.value.startswith("In 20"))


@pytest.mark.usefixtures("app_db")
def test_owners_asks_say_their_base_and_the_axis_fits():
    at = open_page("pages/owners.py")
    per = oracle.per_addressee(DATASET)
    kinds = {r.id: r.kind for r in DATASET.recommendations}
    asks = len(per)
    still_open = sum(
        s in {"not_assessed", "no_progress", "in_progress", "partially_implemented"} and kinds[rec] != "commitment"
        for (rec, _), s in per.items()
    )
    assert metric(at, "Asks still open") == f"{still_open} of {asks}"
    sentence = next(m.value for m in at.markdown if m.value.startswith(f"{still_open} of {asks} asks"))
    assert f"the {len(DATASET.recommendations)} recommendations here make {asks} asks" in sentence
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    largest = max(x for trace in chart["data"] for x in values(trace["x"]))
    assert chart["layout"]["xaxis"]["range"][1] > largest == 1.0  # an actor's every ask has progress: not cut
    summary = at.dataframe[0].value
    assert summary["share_assessed"].map(lambda v: float(v).is_integer() and 0 <= v <= 100).all()


# --- gap notes ----------------------------------------------------------------------------------------------


def test_gap_notes_are_short_and_plain_and_the_research_is_kept_for_curators():
    noted = [s for s in DATASET.sources if s.gap_note]
    assert len(noted) >= 15
    for source in noted:
        assert len(source.gap_note) <= 400, source.id
        assert not process_words_in(source.gap_note), source.id
        assert "What was read" not in source.gap_note and "chars" not in source.gap_note, source.id
        assert source.curator_note and len(source.curator_note) > len(source.gap_note), source.id  # the detail kept


def test_the_gap_note_split_survives_load_and_export(loaded_engine):
    exported = database_as_yaml(loaded_engine, visibility.EVERYTHING)
    for source in DATASET.sources:
        out = exported[f"sources/{source.id}.yaml"]
        assert isinstance(out, dict)
        assert (out.get("gap_note"), out.get("curator_note")) == (source.gap_note, source.curator_note), source.id
