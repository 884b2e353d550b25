"""Presentation for phones and screen readers: a table as a list (tables.as_list), a chart's text alternative
(charts.summarise), and the stylesheet the sanitiser must let through. Browser checks: tests/e2e/test_readers.py."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.express as px
import pytest
import streamlit as st

from recommendations.ui import charts, look, tables
from tests.hostile import PAYLOAD

CONFIG = {
    "title": st.column_config.TextColumn("Ask", width="medium"),
    "status": "Status now",
    "times": st.column_config.NumberColumn("Times raised"),
    "first": st.column_config.NumberColumn("First raised", format="%d"),
    "share": st.column_config.ProgressColumn("Share assessed", format="percent", min_value=0, max_value=1),
    "years": st.column_config.ListColumn("Years raised"),
    "inferred": st.column_config.CheckboxColumn("Inferred"),
    "link": st.column_config.LinkColumn("Detail", display_text="View"),
}
FRAME = pd.DataFrame(
    {
        "title": ["Joint monitoring of recruitment, fee deductions and documents", "Second ask"],
        "status": ["Not assessed", None],
        "times": [3, 1250],
        "first": [2011.0, np.nan],
        "share": [0.4211, 0.0],
        "years": [np.array([2011, 2016, 2022]), np.array([], dtype=int)],
        "inferred": [True, False],
        "link": ["recommendation?id=afml15-2022-13", "recommendation?id=x"],
    }
)


def test_a_table_as_a_list_gives_each_row_its_whole_title_then_its_labelled_facts_then_its_link():
    facts = ["status", "times", "first", "share", "years", "inferred"]
    out = tables.as_list(FRAME, title="title", facts=facts, link="link", column_config=CONFIG).split("\n")
    assert out[0] == "- **Joint monitoring of recruitment, fee deductions and documents**  "
    assert out[1] == (
        "  Status now: Not assessed · Times raised: 3 · First raised: 2011 · Share assessed: 42% · "
        "Years raised: 2011, 2016, 2022 · Inferred: yes · [View](recommendation?id=afml15-2022-13)"
    )
    # empty cells, an empty list and an unticked box are left out, not shown as "nan", "" or "no"
    assert out[3] == "  Times raised: 1,250 · Share assessed: 0% · [View](recommendation?id=x)"


def test_a_list_labels_a_column_without_a_label_by_its_name_and_says_when_there_is_nothing():
    out = tables.as_list(FRAME.head(1), title="title", facts=["times"], link=None, column_config={})
    assert out.endswith("  Times: 3")
    assert tables.as_list(FRAME.iloc[0:0], title="title", facts=[], link=None, column_config={}) == "Nothing to list."


def test_a_list_keeps_hostile_data_inert():
    frame = pd.DataFrame({"title": [PAYLOAD], "note": [PAYLOAD], "link": ["recommendation?id=" + PAYLOAD]})
    out = tables.as_list(frame, title="title", facts=["note"], link="link", column_config={})
    unescaped = re.findall(r"(?<!\\)[<>\[\]]", out)
    assert unescaped == ["[", "]"], unescaped  # the one link: "[Open](...)"; every bracket from the data escaped
    target = out.rsplit("](", 1)[1]
    assert target.startswith("recommendation?id=") and " " not in target and ")" not in target[:-1]


def test_a_stacked_bar_chart_names_its_largest_bars():
    frame = pd.DataFrame(
        {"label": ["Recruitment<br>and fees", "Recruitment<br>and fees", "Wages &amp; pay"],
         "status": ["In progress", "Not assessed", "Not assessed"], "count": [3, 13, 2]}
    )  # fmt: skip
    fig = px.bar(frame, y="label", x="count", color="status", orientation="h")
    assert charts.summarise(fig) == "Largest: Recruitment and fees 16, Wages & pay 2."


def test_a_chart_over_the_years_gives_its_latest_year_colour_by_colour_in_counts_or_shares():
    frame = pd.DataFrame(
        {"year": [2021, 2021, 2022, 2022], "status": ["Not assessed", "In progress"] * 2, "n": [10, 2, 54, 18]}
    )
    counts = px.bar(frame, x="year", y="n", color="status")
    assert charts.summarise(counts) == "2022: Not assessed 54, In progress 18."
    shares = px.bar(frame.assign(n=[0.8, 0.2, 0.75, 0.25]), x="year", y="n", color="status")
    shares.update_layout(yaxis={"tickformat": ".0%"})  # as the Overview draws shares
    assert charts.summarise(shares) == "2022: Not assessed 75%, In progress 25%."


def test_a_grid_of_counts_names_its_largest_rows_and_other_charts_need_their_own_words():
    grid = pd.DataFrame([[1, 4], [0, 1]], index=["Recruitment", "Wages"], columns=["2011", "2016"])
    assert charts.summarise(px.imshow(grid), most=1) == "Largest: Recruitment 5."
    assert charts.summarise(px.scatter(grid.reset_index(), x="2011", y="2016")) == ""


def test_bars_side_by_side_give_each_measure_of_the_first_bars_in_the_charts_order():
    frame = pd.DataFrame({"actor": ["RGC (57)", "RGC (57)", "NEA (1)", "NEA (1)"],
                          "measure": ["Assessed", "Moving"] * 2, "share": [0.4, 0.35, 0.0, 1.0]})  # fmt: skip
    grouped = px.bar(frame, x="share", y="actor", color="measure", barmode="group", orientation="h")
    grouped.update_layout(xaxis={"tickformat": ".0%"})
    assert charts.summarise(grouped) == "RGC (57): Assessed 40%, Moving 35%; NEA (1): Assessed 0%, Moving 100%."


def test_the_stylesheet_holds_no_angle_bracket_which_the_sanitiser_would_drop_it_for():
    css = look.STYLESHEET.read_text()
    assert "<" not in css  # DOMPurify drops a style element whose text holds "<" and a letter or "/"
    assert look.WIDE in css and look.NARROW in css and ":focus-visible" in css


def test_a_table_of_figures_lists_each_row_under_its_index_with_every_figure_even_zero():
    counts = pd.DataFrame({"theme": ["Recruitment", "Wages"], "year": [2011, 2016], "n": [4, 0]})
    grid = counts.pivot_table(index="theme", columns="year", values="n", fill_value=0)
    out = tables.as_list(grid, title="theme", facts=list(grid.columns), link=None, column_config={})
    assert out == "- **Recruitment**  \n  2011: 4 · 2016: 0\n- **Wages**  \n  2011: 0 · 2016: 0"


def test_the_kept_list_follows_its_rows_columns_and_language():
    """The phone's list is kept per rows, columns and language (``tables._listed``): each says what ``as_list`` says of
    them, never another's list (a list column, which pandas cannot hash, included)."""
    facts = ("status", "times", "years", "inferred")
    asked = [
        (FRAME, facts, "en"),
        (FRAME, facts, "km"),  # another language: "yes" in Khmer
        (FRAME.assign(times=[4, 1250]), facts, "en"),  # one cell changed
        (FRAME, facts[:2], "en"),  # fewer columns
    ]
    seen = []
    for frame, chosen, lang in asked * 2:  # the second time, kept
        kept = tables._listed(frame, "title", chosen, "link", CONFIG, lang)
        assert kept == tables.as_list(frame, title="title", facts=chosen, link="link", column_config=CONFIG, lang=lang)
        seen.append(kept)
    assert len(set(seen)) == len(asked)  # not vacuous: four different lists


# --- charts.bars: plotly express's figure, made without it -----------------------------------------------------------

_STATUSES = {"Not assessed": "#BBBBBB", "In progress": "#E69F00", "Implemented": "#009E73"}
_BARS = {  # the pages' shapes, and the edges: a colour without one given, a listed value with no row, no row at all
    "over time": (
        pd.DataFrame({"year": [2020, 2021, 2021, 2022], "count": [3, 1, 2, 5],
                      "status_label": ["Not assessed", "In progress", "Not assessed", "Implemented"]}),
        {"x": "year", "y": "count", "color": "status_label", "colours": _STATUSES,
         "orders": {"status_label": list(_STATUSES)}, "labels": {"year": "Year", "count": "N", "status_label": ""}},
    ),
    "lying, ordered": (
        pd.DataFrame({"label": ["A", "B", "A", "C"], "count": [3, 4, 5, 1],
                      "status_label": ["In progress", "In progress", "Implemented", "Mystery"]}),
        {"x": "count", "y": "label", "color": "status_label", "colours": _STATUSES, "orientation": "h",
         "orders": {"status_label": ["Implemented", "Not assessed", "In progress"], "label": ["C", "B", "A"]},
         "labels": {"label": "Asked of", "count": "Asks"}},
    ),
    "side by side": (
        pd.DataFrame({"actor": ["A (3)", "B (2)", "A (3)", "B (2)"], "share": [0.3, 0.4, 0.5, 0.1],
                      "measure": ["Assessed", "Assessed", "Moving", "Moving"]}),
        {"x": "share", "y": "actor", "color": "measure", "colours": {"Assessed": "#0072B2", "Moving": "#007A5A"},
         "orientation": "h", "barmode": "group", "orders": {"actor": ["A (3)", "B (2)"], "measure": ["Moving"]},
         "labels": {"actor": "Asked of (number of asks)", "share": "Share of its asks", "measure": ""}},
    ),
    "stacked, nothing ordered": (
        pd.DataFrame({"label": ["x", "y"], "n": [1.5, 2], "sex": ["Women", "Men"]}),
        {"x": "n", "y": "label", "color": "sex", "colours": {"Women": "#CC79A7"}, "orientation": "h",
         "barmode": "stack"},
    ),
    "one colour": (
        pd.DataFrame({"year": [2021, 2022], "count": [4, 4], "status_label": ["Implemented", "Implemented"]}),
        {"x": "year", "y": "count", "color": "status_label", "colours": _STATUSES, "labels": {"year": "Year"}},
    ),
    "empty": (
        pd.DataFrame({"year": pd.Series(dtype=int), "count": pd.Series(dtype=int),
                      "status_label": pd.Series(dtype=str)}),
        {"x": "year", "y": "count", "color": "status_label", "colours": _STATUSES},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", _BARS)
def test_bars_draw_what_plotly_express_draws(case):
    frame, how = _BARS[case]
    ours = charts.bars(frame, **how).to_plotly_json()
    theirs = px.bar(
        frame, x=how["x"], y=how["y"], color=how["color"], color_discrete_map=how["colours"],
        orientation=how.get("orientation"), barmode=how.get("barmode", "relative"),
        category_orders=how.get("orders", {}), labels=how.get("labels", {}),
    ).to_plotly_json()  # fmt: skip
    assert _plain(ours) == _plain(theirs)
    assert len(ours["data"]) == frame[how["color"]].nunique()  # not vacuous: a trace a colour, none for no row


def _plain(value: object) -> object:
    """A figure's JSON with its arrays as lists, to compare."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    return value


_GRIDS = {  # Themes' shape (wrapped labels, years as text, zeros), one cell, and counts as floats
    "themes": pd.DataFrame([[1, 0, 3], [4, 5, 0]], index=["Recruitment<br>and fees", "Wages"],
                           columns=["2011", "2016", "2022"]),
    "one cell": pd.DataFrame([[7]], index=["Wages"], columns=["2022"]),
    "floats": pd.DataFrame([[1.0, 2.5]], index=["x"], columns=["2019", "2020"]),
}  # fmt: skip


@pytest.mark.parametrize("case", _GRIDS)
def test_a_grid_of_counts_draws_what_plotly_express_draws(case):
    grid = _GRIDS[case]
    words = {"x": "Source year", "y": "Theme", "value": "Recommendations"}
    figure = charts.counts_grid(grid, **words)
    ours = figure.to_plotly_json()
    theirs = px.imshow(
        grid, text_auto=True, aspect="auto", color_continuous_scale="Blues",
        labels={"x": words["x"], "y": words["y"], "color": words["value"]},
    ).to_plotly_json()  # fmt: skip
    assert _plain(ours) == _plain(theirs)
    assert np.asarray(figure.data[0].z).tolist() == grid.to_numpy().tolist()  # not vacuous: the counts are in it


def test_no_page_imports_plotly_express():
    """Every chart is drawn with plotly's figures (``bars``, ``counts_grid``): a server never imports plotly express
    (about 0.2 s, which the first reader of Themes used to wait for)."""
    from tests.conftest import ROOT

    for path in [ROOT / "dashboard.py", ROOT / "app.py", *(ROOT / "pages").glob("*.py"),
                 *(ROOT / "recommendations").rglob("*.py")]:  # fmt: skip
        assert not re.search(r"^\s*(import plotly\.express|from plotly import express)", path.read_text(), re.M), path
