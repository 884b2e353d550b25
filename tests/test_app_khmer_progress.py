"""The Overview, Owners and Themes in Khmer (issue 19): with ``?lang=km`` no English interface string of the catalog
is shown, in the page's text (headings, captions, Markdown, metrics, labels, help, column headers: the check of
tests/test_app_khmer_public.py) or in its charts (axis titles, legend entries, hover labels, the text alternative);
headings and chart words are in Khmer script; the sentences built from the data (headline, bases, trend, gaps) are
the read side's Khmer sentences. The same checks find the English on the English pages (the control), and the read
side's sentences say the same figures in both languages."""

from __future__ import annotations

import json
import os
import re

import pandas as pd
import plotly.express as px
import pytest
import streamlit as st
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from recommendations import i18n, numbers
from recommendations.read import figures, headlines
from recommendations.read.table import recommendation_table
from recommendations.ui import charts
from tests.conftest import open_page
from tests.test_app_khmer_public import KHMER_LETTER, english_in, headings_not_khmer, texts, whole_english

KM = i18n.translator("km")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
#: Words of the English charts that no Khmer chart may say (the text alternative's own words).
CHART_WORDS = ("Bar chart", "Grid of", "Largest:", "Not assessed", "In progress", "Assessed")


def chart_texts(at: AppTest) -> list[tuple[str, str]]:
    """(kind, text) of every word a chart shows or says: axis titles, legend entries, hover labels (the words
    before each value), and the text alternative a screen reader announces."""
    out = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for axis in ("xaxis", "yaxis"):
            title = ((spec["layout"].get(axis) or {}).get("title") or {}).get("text")
            if title:
                out.append(("axis", title))
        for trace in spec["data"]:
            if trace.get("name") and trace.get("type") == "bar":  # a heatmap's trace has a name no one sees
                out.append(("legend", trace["name"]))
            for part in re.split(r"<br>|<extra></extra>", trace.get("hovertemplate") or ""):
                label = re.split(r"[=:]\s*%\{", part)[0].strip()
                if label and "%{" not in label:
                    out.append(("hover", label))
        out.append(("alt", chart.proto.alt))
    return out


def english_in_charts(at: AppTest) -> list[str]:
    """English interface strings in the charts: a text that is a catalog string, or holds a chart's own word."""
    found = []
    for kind, text in chart_texts(at):
        found += [f"{kind}: {english!r}" for english in whole_english(text)]
        if kind == "alt":
            found += [f"alt: {word!r} in {text[:80]!r}" for word in CHART_WORDS if word in text]
    return found


def not_khmer_in_charts(at: AppTest) -> list[str]:
    """Axis titles, legend entries and hover labels without a Khmer letter; a text alternative that does not
    begin in Khmer."""
    return [
        f"{kind}: {text!r}"
        for kind, text in chart_texts(at)
        if not (KHMER_LETTER.match(text) if kind == "alt" else KHMER_LETTER.search(text))
    ]


def assert_all_khmer(at: AppTest) -> None:
    """The page ran, and neither its text nor its charts show an English interface string; its headings, labels
    and the words of its charts are in Khmer script."""
    assert not at.exception
    assert english_in(at) == []
    assert headings_not_khmer(at) == []
    assert english_in_charts(at) == [] and not_khmer_in_charts(at) == []


def markdown_of(at: AppTest) -> list[str]:
    return [m.value.replace("\\", "") for m in at.markdown]


def database():
    return create_engine(os.environ["DATABASE_URL"])


# --- the control: the checks find the English ------------------------------------------------------------------


@pytest.mark.usefixtures("app_db")
def test_the_checks_find_english_on_the_english_pages():
    at = open_page("pages/overview.py", lang="en")
    assert not at.exception
    assert any("'Where things stand'" in f for f in english_in(at))
    assert any("'Recommendations'" in f for f in english_in(at))  # a metric's label
    found = english_in_charts(at)
    assert any(f.startswith("axis: 'Year'") for f in found) and any(
        f.startswith("legend: 'Not assessed'") for f in found
    )
    assert any(f.startswith("alt: 'Bar chart'") for f in found) and any(f.startswith("hover: 'Year'") for f in found)
    assert headings_not_khmer(at) and not_khmer_in_charts(at)


# --- the pages in Khmer ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize("params", [{}, {"theme": "recruitment", "addressee": "molvt"}])
def test_overview_in_khmer(params):
    at = open_page("pages/overview.py", lang="km", **params)
    assert_all_khmer(at)
    assert len(at.get("plotly_chart")) == 4
    assert at.title[0].value == KM.t("Migrant-worker recommendation tracker")
    if not params:  # the headline, the base and the trend, as the read side says them in Khmer
        table = recommendation_table(database())
        assert at.header[0].value == headlines.headline_sentence(table, "km")
        assert at.header[0].value.startswith(f"ក្នុងចំណោមអនុសាសន៍ {len(table)}៖")
        shown = markdown_of(at)
        figures_ = headlines.headline(table)
        base = figures.progress_base(len(table), int(figures_["assessed"]), int(figures_["moving"]), "km")
        assert base in shown and base.startswith(f"អនុសាសន៍ {int(figures_['moving'])} ក្នុងចំណោម {len(table)} ")
        trend = figures.trend(headlines.year_end_statuses(database(), table), table)
        sentence = figures.trend_sentence(trend, "km")
        assert sentence in shown and sentence.startswith("ចាប់តាំងពីឆ្នាំ")
        assert headlines.gaps_summary(headlines.gaps(database()), "km") in shown
        metric = next(m for m in at.metric if m.label == KM.t("Assessed"))
        assert metric.value == f"{int(figures_['assessed'])} នៃ {len(table)}"
    captions = " ".join(c.value for c in at.caption)
    assert "ក្នុងឆ្នាំ" in captions and "In 20" not in captions  # "In 2026: 28 not assessed (33%), ..."


@pytest.mark.usefixtures("app_db")
def test_overview_shares_in_khmer_keep_the_choice_and_say_percentages():
    at = open_page("pages/overview.py", lang="km")
    control = at.segmented_control(key="overview_share")
    assert control.value == "Counts"  # the value is the same in every language; the page shows it translated
    control.set_value("Shares").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"] == KM.t("Share of recommendations made")
    assert "%" in at.get("plotly_chart")[0].proto.alt
    assert english_in(at) == [] and english_in_charts(at) == []


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize("params", [{}, {"actor": "molvt"}])
def test_owners_in_khmer(params):
    at = open_page("pages/owners.py", lang="km", **params)
    assert_all_khmer(at)
    assert at.title[0].value == "តួអង្គណាត្រូវបានស្នើឱ្យចាត់វិធានការ"
    asks = next(m for m in at.metric if m.label == KM.t("Asks still open")).value
    assert re.fullmatch(r"\d+ នៃ \d+", asks)
    base = next(m for m in markdown_of(at) if m.startswith("សំណើ "))
    assert "មិនទាន់បិទ។" in base and "An ask" not in base  # "143 of 152 asks (94%) are still open. ..."
    if params:
        captions = [c.value for c in at.caption]
        assert any(re.fullmatch(r"សំណើ 1–50 ក្នុងចំណោម \d+។", c) for c in captions), captions  # paged, in Khmer
        asks_table = [d.value for d in at.dataframe if "role" in d.value.columns][-1]  # everything asked of it
        assert set(asks_table["role"]) <= {KM.t("Responsible"), KM.t("Supporting")}
        whole = {note for note in asks_table["asked_as_a_whole"] if note}
        assert whole and all(note.startswith("ស្នើទៅកាន់ ") and "RGC" in note for note in whole)  # acronym kept


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize("params", [{}, {"theme": "recruitment", "chain": "afml15-2022-13"}])
def test_themes_in_khmer(params):
    at = open_page("pages/themes.py", lang="km", **params)
    assert_all_khmer(at)
    assert at.title[0].value == KM.t("Themes and recurrence")
    heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    themes = [label.replace("<br>", " ") for label in heatmap["y"]]
    assert themes and all(KHMER_LETTER.search(theme) for theme in themes)  # the themes' names in Khmer (data)
    chains = next(d.value for d in at.dataframe if "times_raised" in d.value.columns)
    assert all(KHMER_LETTER.search(s) for s in chains["latest_status_label"])
    if params:
        assert any(m.value.startswith(("មិនទាន់បិទអស់រយៈពេល", "លើកឡើងតាំងពីឆ្នាំ")) for m in at.markdown)
        links = next(d.value for d in at.dataframe if "note" in d.value.columns)
        assert set(links["kind"]) <= {KM.t("Repeats"), KM.t("Follows up"), KM.t("Supersedes")}


@pytest.mark.usefixtures("app_db")
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/owners.py", "pages/themes.py"])
def test_in_english_the_progress_pages_have_no_khmer(page):
    at = open_page(page, lang="en")
    assert not at.exception
    khmer = [(k, t) for k, t in texts(at) + chart_texts(at) if KHMER_LETTER.search(t.replace("ខ្មែរ", ""))]
    assert [(k, t) for k, t in khmer if "/ Language" not in t] == []


# --- the sentences the read side builds ------------------------------------------------------------------------


def test_a_count_with_its_base_reads_in_khmer():
    assert numbers.of(29, 84, lang="km") == "29 នៃ 84"  # short: it fits a metric
    assert numbers.of(29, 84, "recommendations", lang="km") == "អនុសាសន៍ 29 ក្នុងចំណោម 84"
    assert numbers.of(1234, 5000, "asks", lang="km") == "សំណើ 1,234 ក្នុងចំណោម 5,000"
    assert numbers.of(1, 1, "recommendations") == "1 of 1 recommendation"
    assert numbers.share_of(29, 84, "km") == "29 នៃ 84 (35%)"
    assert numbers.percent(0.001, "km") == "តិចជាង 1%" and numbers.percent(0.999, "km") == "លើសពី 99%"
    assert numbers.percent(0.001) == "under 1%" and numbers.percent(0.999) == "over 99%"


def test_the_headline_and_the_bases_in_khmer_say_the_same_figures():
    rows = [{"status": s} for s in ["not_assessed"] * 66 + ["in_progress"] * 10 + ["partially_implemented"] * 7
            + ["no_progress"]]  # fmt: skip
    assert headlines.headline_sentence(pd.DataFrame(rows), "km") == (
        "ក្នុងចំណោមអនុសាសន៍ 84៖ គ្មានអនុសាសន៍ណាមួយត្រូវបានវាយតម្លៃថាបានអនុវត្តទេ; អនុសាសន៍ 17 បានអនុវត្តមួយផ្នែក "
        "ឬកំពុងដំណើរការ; អនុសាសន៍មួយត្រូវបានរកឃើញថាគ្មានវឌ្ឍនភាព; អនុសាសន៍ 66 មិនទាន់ត្រូវបានវាយតម្លៃ។"
    )
    assert figures.progress_base(84, 30, 29, "km") == (
        "អនុសាសន៍ 29 ក្នុងចំណោម 84 មានវឌ្ឍនភាពក្នុងកំណត់ត្រា (បានអនុវត្ត បានអនុវត្តមួយផ្នែក ឬកំពុងដំណើរការ)៖ "
        "29 ក្នុងចំណោម 30 ដែលបានវាយតម្លៃ។ អនុសាសន៍ 54 មិនទាន់ត្រូវបានវាយតម្លៃ ដូច្នេះមិនដឹងថាមានវឌ្ឍនភាពឬអត់ទេ។"
    )
    asks = figures.asks_base(143, 152, 84, "km")
    assert asks.startswith("សំណើ 143 ក្នុងចំណោម 152 (94%) នៅមិនទាន់បិទ។ ") and "អនុសាសន៍ 84 " in asks
    assert "សំណើចំនួន 152" in asks
    for khmer in (headlines.headline_sentence(pd.DataFrame(rows), "km"), figures.progress_base(2, 0, 0, "km"), asks):
        assert not LATIN_WORD.search(khmer), khmer
    assert headlines.headline_sentence(pd.DataFrame(columns=["status"]), "km") == KM.t(
        "No recommendation matches this selection."
    )


def test_the_trend_in_khmer_rises_or_says_plainly_it_did_not():
    from tests.test_figures import I, N, P, recs, years

    per_year = years({"a": [N, N, P, I], "b": [N, N, N, P], "c": [N, P, P, P], "d": ["", "", N, P]}, 2000)
    rise = figures.trend_sentence(figures.trend(per_year, recs(a="A/2000", b="A/2000", c="B/2000", d="C/2002")), "km")
    assert rise.startswith(
        "ចាប់តាំងពីឆ្នាំ 2000 មក ភាគរយនៃអនុសាសន៍ដែលមានវឌ្ឍនភាពបានកើនឡើងពី 0% (0 នៃ 3 ដែលបានធ្វើឡើងត្រឹមចុងឆ្នាំ "
        "2000) ដល់ 100% (4 នៃ 4 ត្រឹមចុងឆ្នាំ 2003)។ ផ្នែកធំបំផុតនៃការកើនឡើង បានមកពីភស្តុតាងដែលបានកត់ត្រាសម្រាប់"
        "អនុសាសន៍នៃ “A” (2000) (2 ក្នុងចំណោមអនុសាសន៍ 4 ដែលទទួលបានវឌ្ឍនភាព)។"
    )
    assert rise.endswith("ត្រូវបានស្វែងរកភស្តុតាងចុងក្រោយនៅឆ្នាំ 2026។")
    flat = figures.trend(years({"a": [P, P, P], "b": [N, N, N]}, 2010), recs(a="A/2010", b="B/2010"))
    assert figures.trend_sentence(flat, "km").startswith(
        "ចាប់តាំងពីឆ្នាំ 2010 មក ភាគរយនៃអនុសាសន៍ដែលមានវឌ្ឍនភាពមិនបានកើនឡើងទេ៖ វាមាន 50%"
    )
    for sentence in (rise, figures.trend_sentence(flat, "km")):
        assert not LATIN_WORD.search(sentence.replace("“A”", "")), sentence


def test_the_known_gaps_in_khmer():
    gaps = pd.DataFrame({"kind": ["afml", "afml", "cso_statement"], "date": ["2011-05", "2022-10", "2015"]})
    gaps["missing"] = pd.Series([19, None, 13], dtype=object)  # as headlines.gaps gives it: None where unknown
    assert headlines.gaps_summary(gaps, "km") == (
        "កម្មវិធីតាមដានដឹងពីឯកសារប្រភពចំនួន 3 ដែលខ្លួនមិនមានអត្ថបទអនុសាសន៍ ទាំងស្រុង ឬមួយផ្នែក៖ "
        "វេទិកាអាស៊ានស្ដីពីពលករចំណាកស្រុកចំនួន 2 (2011–2022) និង\u200bឯកសារផ្សេងទៀតចំនួន 1។ ប្រភពសាធារណៈផ្ដល់ចំនួនអនុសាសន៍"
        "ដែលបាត់ សម្រាប់ឯកសារ 2 ក្នុងចំណោមឯកសារទាំងនោះ (អនុសាសន៍ 32); សម្រាប់ឯកសារ 1 ផ្សេងទៀត មិនដឹងចំនួនទេ។"
    )
    assert headlines.gaps_summary(gaps) == (
        "The tracker knows 3 source documents whose recommendation texts it does not hold, in all or in part: "
        "2 ASEAN Forums on Migrant Labour (2011–2022) and 1 other document. Public sources give the number missing "
        "for 2 of them (32 recommendations); for the other 1 it is not known."
    )


def test_a_charts_text_alternative_and_a_phone_list_in_khmer():
    frame = pd.DataFrame({"label": ["ការជ្រើសរើសពលករ", "ប្រាក់ឈ្នួល"], "status": ["a", "a"], "count": [16, 2]})
    fig = px.bar(frame, y="label", x="count", color="status", orientation="h")
    assert charts.summarise(fig, lang="km") == "ធំបំផុត៖ ការជ្រើសរើសពលករ 16, ប្រាក់ឈ្នួល 2។"
    assert charts.summarise(fig) == "Largest: ការជ្រើសរើសពលករ 16, ប្រាក់ឈ្នួល 2."
    by_year = px.bar(pd.DataFrame({"year": [2022], "s": ["x"], "count": [1234]}), x="year", y="count", color="s")
    assert charts.summarise(by_year, lang="km") == "2022: x 1,234."
    from recommendations.ui import tables

    rows = pd.DataFrame({"title": ["ក"], "inferred": [True], "n": [1250]})
    assert tables.as_list(rows, title="title", facts=["inferred", "n"], link=None, column_config={}, lang="km") == (
        f"- **ក**  \n  Inferred: {KM.t('yes')} · N: 1,250"
    )
    share = {"share": st.column_config.ProgressColumn("ភាគរយ", format=numbers.COLUMN_PERCENT, max_value=100)}
    listed = tables.as_list(rows.assign(share=60), title="title", facts=["share"], link=None, column_config=share)
    assert listed.endswith("ភាគរយ: 60%")  # a whole percentage, as the grid shows it
    assert tables.as_list(rows.iloc[0:0], title="title", facts=[], link=None, column_config={}, lang="km") == KM.t(
        "Nothing to list."
    )


def test_a_khmer_chart_label_is_never_cut_inside_a_word():
    label = "ព័ត៌មានមុនចេញដំណើរ និងការធ្វើចំណាកស្រុកដោយសុវត្ថិភាព"
    lines = charts.chart_label(label, 22).split("<br>")
    assert lines == ["ព័ត៌មានមុនចេញដំណើរ", "និងការធ្វើចំណាកស្រុកដោយសុវត្ថិភាព"]
    assert not any(line.startswith("\u17d2") for line in lines)  # no line begins with a coeng (a cut subscript)
