"""Read side: derived status, status over time, detail, passages; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from models.tables import A, S
from recommendations import dates, sql
from recommendations.dataset.export import evidence_table, workbook, yaml_zip
from recommendations.read import filters, headlines, history, source_text
from recommendations.read.detail import recommendation_detail
from recommendations.read.table import recommendation_table
from recommendations.visibility import PUBLIC
from tests import oracle
from tests.helpers import app_assessment, data_dataset

DATASET, _ = data_dataset()


@pytest.fixture
def loaded(loaded_engine):
    return loaded_engine


def test_current_status_follows_the_rule(loaded):
    table = recommendation_table(loaded).set_index("id")
    expected = oracle.overall(DATASET)
    per_addressee = oracle.per_addressee(DATASET)
    for rec in DATASET.recommendations:
        assert table.loc[rec.id, "status"] == expected[rec.id], rec.id
        got = {a["id"]: a["status"] for a in table.loc[rec.id, "addressee_statuses"]}
        assert got == {a.actor: per_addressee[(rec.id, a.actor)] for a in rec.addressees}, rec.id


def test_drafts_never_count_and_newer_app_assessment_wins(loaded):
    app_assessment(loaded, "app-draft", "mmn2016-04", status="implemented", visibility="draft")
    assert recommendation_table(loaded).set_index("id").loc["mmn2016-04", "status"] == "not_assessed"
    app_assessment(loaded, "app-new", "mmn2016-04", status="no_progress", assessor_id="lscw")
    row = recommendation_table(loaded).set_index("id").loc["mmn2016-04"]
    assert (row["status"], row["status_assessor"]) == ("no_progress", "Legal Support for Children and Women")


def test_status_over_time_counts_each_year(loaded):
    table = recommendation_table(loaded)
    over_time = headlines.status_over_time(loaded, table, until=2022)
    per_year = over_time.groupby("year")["count"].sum().to_dict()
    for year in (2011, 2015, 2016, 2022):
        made = sum(1 for s in DATASET.sources for _ in s.recommendations if int(s.date[:4]) <= year)
        assert per_year[year] == made
    first_year = min(int(a.as_of[:4]) for a in DATASET.assessments)
    assessed = over_time[over_time.status != "not_assessed"].groupby("year")["count"].sum()
    assert first_year - 1 not in assessed.index  # nothing assessed before the first evidence-backed assessment
    assessed_by_first_year = {a.recommendation for a in DATASET.assessments if int(a.as_of[:4]) <= first_year}
    assert assessed[first_year] == len(assessed_by_first_year)


def test_one_pass_year_ends_agree_with_the_rule_asked_year_by_year(loaded):
    """The one-pass history must give, for every year, what the SQL rule gives when asked about that 31 December."""
    import datetime as dt

    from recommendations import sql, status

    table = recommendation_table(loaded)
    one_pass = headlines.year_end_statuses(loaded, table, until=2026)
    assert set(one_pass["status"]) - {"not_assessed"}  # the check below is not vacuous
    for year, rows in one_pass.groupby("year"):
        ids = rows["recommendation_id"].tolist()
        asked = sql.frame(loaded, status.overall(dt.date(year, 12, 31), ids, by_index=status.picks_by_index(loaded)))
        expected = dict(zip(asked["recommendation_id"], asked["status"], strict=True))
        assert dict(zip(rows["recommendation_id"], rows["status"], strict=True)) == expected, year


def test_status_by_theme_adds_up(loaded):
    table = recommendation_table(loaded)
    by_theme = headlines.status_by(table, "theme")
    assert by_theme["count"].sum() == sum(len(r.themes) for r in DATASET.recommendations)


def test_filters(loaded):
    """Choosing MoLVT takes in what it is part of (the Government): asks made to RGC as a whole are selected."""
    table = recommendation_table(loaded, filters.Filters(addressees=["molvt"], year_from=2016))
    wanted = oracle.taken_in(DATASET, ["molvt"])
    assert wanted == {"molvt", "rgc"}
    expected = {
        r.id
        for s in DATASET.sources
        if int(s.date[:4]) >= 2016
        for r in s.recommendations
        if wanted & {a.actor for a in r.addressees}
    }
    assert set(table["id"]) == expected and expected


def test_gaps_list_missing_texts(loaded):
    gaps = headlines.gaps(loaded).set_index("id")
    # a known count not held, and (issue 12) sources with a gap note and no texts, whose count is unknown
    assert int(gaps.loc["2019-afml12-national-preparatory", "missing"]) == 13
    assert int(gaps.loc["2017-afml10", "missing"]) == 19
    assert gaps.loc["2015-lscw-draft-cso-statement", "expected"] is None
    assert gaps.loc["2015-lscw-draft-cso-statement", "missing"] is None
    afml = [i for i in gaps.index if "-afml" in i and i[4:] != "-afml12-national-preparatory"]
    assert len(afml) == 12  # the 4th to the 15th AFML
    # the 2015 forum itself holds the one item its report records: not a gap
    assert "2015-lscw-mfa-cso-forum" not in gaps.index


def test_detail_has_history_links_and_passage(loaded):
    detail = recommendation_detail(loaded, "tfamw2011-postarrival-5")
    assert len(detail.history) == sum(1 for a in DATASET.assessments if a.recommendation == "tfamw2011-postarrival-5")
    linked = {link.source for link in DATASET.links if link.target == "tfamw2011-postarrival-5"}
    assert set(detail.links["id"]) == linked
    before, quote, _ = detail.passage
    assert quote == "providing complaint and redress mechanism"
    assert "Provide better government protection mechanisms" in before
    assert recommendation_detail(loaded, "nope") is None


def test_disagreement_between_assessors(loaded):
    app_assessment(
        loaded, "app-other-view", "tfamw2011-postarrival-5", status="no_progress", as_of="2021-02", assessor_id="lscw"
    )
    detail = recommendation_detail(loaded, "tfamw2011-postarrival-5")
    assert set(detail.disagreement["assessor"]) == {
        "Legal Support for Children and Women",
        "Dataset maintainers (desk review)",
    }


def test_locate_across_line_breaks_and_markup():
    text = "Intro.\n\n1. The **Royal Government** should\nact now.\nNext item."
    before, quote, after = source_text.locate(text, "The Royal Government should act now.")
    assert quote.startswith("The **Royal") and quote.endswith("now.")
    assert before.endswith("1. ") and after.startswith("\nNext")
    assert source_text.locate(text, "absent words") is None


def test_every_recommendation_is_located_in_its_source(loaded):
    for source in DATASET.sources:
        if not source.recommendations:
            continue
        full_text, recs = source_text.source_text(loaded, source.id)
        assert len(source_text.spans(full_text, dict(zip(recs["id"], recs["text"], strict=True)))) == len(recs)


def test_sources_glossary_figures(loaded):
    sources = source_text.sources_table(loaded).set_index("id")
    assert sources.loc["2016-mmn-cwcc-consultation", "organisers"] == "MMN, CWCC"
    assert sources.loc["2016-mmn-cwcc-consultation", "place"] is not None
    assert len(source_text.glossary(loaded)) == len(DATASET.glossary)
    assert len(source_text.context_figures(loaded)) == len(DATASET.context_figures)


def test_workbook_and_yaml_zip(loaded):
    book = openpyxl.load_workbook(io.BytesIO(workbook(loaded, filters.Filters(themes=["complaints-justice"]))))
    assert book.sheetnames == ["recommendations", "addressees", "assessments", "evidence"]
    ids = {row[0].value for row in book["recommendations"].iter_rows(min_row=2)}
    assert "tfamw2011-postarrival-5" in ids
    assert len(evidence_table(loaded)) == len(DATASET.evidence)
    names = zipfile.ZipFile(io.BytesIO(yaml_zip(loaded, PUBLIC))).namelist()
    assert "data/assessments.yaml" in names and "data/sources/2016-mmn-cwcc-consultation.yaml" in names


def test_research_states_tell_not_looked_from_looked_and_found_nothing(loaded):
    from sqlalchemy import delete, select

    from models import ResearchLogEntry

    log = ResearchLogEntry.__table__
    table = recommendation_table(loaded).set_index("id")
    assert table.loc["mmn2016-03", "research_state"] == "assessed"  # a current status backed by evidence
    assert table.loc["mmn2016-04", "research_state"] == "researched"  # the public record searched, nothing to rate
    assert table.loc["mmn2016-04", "research_label"] == "Searched the public record, no evidence for a status"
    assert table.loc["mmn2016-04", "last_searched_on"] == "2026-12-01"
    assert "not_researched" not in set(table["research_state"])  # every one of the 84 has a search on record
    with loaded.connect() as conn:
        public = {
            r.recommendation_id
            for r in conn.execute(select(log.c.recommendation_id).where(log.c.scope == "public_record"))
        }
    unrated = table[table["status"] == "not_assessed"]
    for rec_id, state in unrated["research_state"].items():  # "researched" only where the public record was searched
        assert state == ("researched" if rec_id in public else "sources_only"), rec_id
    with loaded.begin() as conn:  # only the reading of the source documents is left on record
        conn.execute(delete(log).where(log.c.recommendation_id == "mmn2016-04", log.c.scope == "public_record"))
    after = recommendation_table(loaded).set_index("id")
    assert after.loc["mmn2016-04", "research_state"] == "sources_only"
    assert after.loc["mmn2016-04", "research_label"] == "Not yet searched beyond the source documents"
    with loaded.begin() as conn:  # a recommendation whose searches are not on record at all
        conn.execute(delete(log).where(log.c.recommendation_id == "mmn2016-04"))
    after = recommendation_table(loaded).set_index("id")
    assert after.loc["mmn2016-04", "research_state"] == "not_researched"
    assert after.loc["mmn2016-04", "last_searched_on"] is None
    only = recommendation_table(loaded, filters.Filters(research=["not_researched"]))
    assert list(only["id"]) == ["mmn2016-04"]
    researched = recommendation_table(loaded, filters.Filters(research=["researched"]))
    assert "mmn2016-04" not in set(researched["id"]) and len(researched) > 0


def test_detail_shows_the_latest_search_first(loaded):
    log = recommendation_detail(loaded, "mmn2016-04").research
    assert list(log["searched_on"]) == ["2026-12-01", "2026-11-22"]
    latest = log.iloc[0]
    assert latest["scope"] == "public_record" and latest["scope_label"] == "Searched the public record"
    assert latest["where"] and latest["found"]
    assert latest["outcome"] == "partial"
    assert latest["outcome_label"] == "Evidence found, not enough for a status"
    assert "central-sublicensing-concern-2017" in latest["evidence"]


def test_research_state_rule():
    assert history.research_state("in_progress", False) == "assessed"
    assert history.research_state("in_progress", True, True) == "assessed"
    assert history.research_state("not_assessed", True, True) == "researched"
    assert history.research_state("not_assessed", True, False) == "sources_only"
    assert history.research_state(None, False) == "not_researched"


def test_year_of_reads_the_year_of_every_date_column(loaded):
    """``sql.year_of`` (text on SQLite, a date on PostgreSQL): the year Python reads from the same value."""
    for column in (S.c.date_start, A.c.as_of_start):
        found = sql.rows(loaded, select(column.label("day"), sql.year_of(column).label("year")).distinct())
        assert len(found) > 10
        assert all(row["year"] == dates.as_date(row["day"]).year for row in found), column
        assert {type(row["year"]) for row in found} == {int}
