"""The dataset matches its source documents: complete, verbatim, cited."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from recommendations.schema import Status, date_start
from recommendations.validate import read_dataset
from tests.conftest import DATA

DATASET, PROBLEMS = read_dataset(DATA)
SOURCES = {s.id: s for s in DATASET.sources}
EVIDENCE = {e.id: e for e in DATASET.evidence}


def plain(text: str) -> str:
    """Whitespace runs and markdown emphasis markers do not count; words do."""
    return " ".join(re.sub(r"\*\*|\*(?=\w)|(?<=\w)\*|\\(?=\W)", "", text).split())


def test_dataset_validates():
    assert PROBLEMS == []


# Counts read off the documents themselves (see docs/data-curation.md for what counts).
@pytest.mark.parametrize(
    ("source_id", "recorded", "expected"),
    [
        ("2011-tfamw-cwgamw-workshop", 52, 52),
        ("2015-lscw-mfa-cso-forum", 1, 1),
        ("2016-mmn-cwcc-consultation", 10, 10),
        ("2019-afml12-national-preparatory", 0, 13),
        ("2019-ilo-triangle-q3-brief", 0, 0),
        ("2022-afml15-national-tripartite-workshop", 21, 21),
    ],
)
def test_per_source_counts_match_documents(source_id, recorded, expected):
    source = SOURCES[source_id]
    assert len(source.recommendations) == recorded
    assert source.expected_recommendations == expected


def test_2011_statement_structure():
    kinds = Counter(r.kind for r in SOURCES["2011-tfamw-cwgamw-workshop"].recommendations)
    assert kinds == {"recommendation": 23, "commitment": 9, "principle": 8, "plan_of_action_item": 12}
    principles = [r.number for r in SOURCES["2011-tfamw-cwgamw-workshop"].recommendations if r.kind == "principle"]
    assert principles == [str(n) for n in range(1, 9)]


@pytest.mark.parametrize(
    ("source_id", "count"), [("2016-mmn-cwcc-consultation", 10), ("2022-afml15-national-tripartite-workshop", 21)]
)
def test_numbered_sources_are_complete_and_in_order(source_id, count):
    assert [r.number for r in SOURCES[source_id].recommendations] == [str(n) for n in range(1, count + 1)]


def test_2022_recommendations_carry_their_sub_theme():
    sections = Counter(r.section for r in SOURCES["2022-afml15-national-tripartite-workshop"].recommendations)
    assert len(sections) == 2
    assert sorted(sections.values()) == [8, 13]


def test_every_text_is_verbatim_in_its_source():
    checked = 0
    for source in DATASET.sources:
        if not source.recommendations:
            continue
        document = plain((DATA / source.text_path).read_text(encoding="utf-8"))
        for rec in source.recommendations:
            for quoted in [rec.text, rec.lead_in, rec.section, *rec.problems]:
                if quoted:
                    assert plain(quoted) in document, f"{rec.id}: {quoted[:60]!r} is not in {source.text_path}"
                    checked += 1
    assert checked >= len(DATASET.recommendations)


def test_findings_and_law_lists_are_not_recommendations():
    texts = " ".join(r.text for r in DATASET.recommendations)
    assert "Apart from a few key partners of the TF-AMW" not in texts  # a finding
    assert "Penal Code 2010" not in texts  # the 2011 list of laws
    assert "To put in place the legal foundation" not in texts  # 2015: reasons to ratify


def test_problems_stay_with_their_ask():
    recruitment = next(r for r in DATASET.recommendations if r.text.startswith("Ensure effective monitoring"))
    assert "false and misleading advertisement" in recruitment.problems
    assert not any(r.text == "false and misleading advertisement" for r in DATASET.recommendations)


def test_every_recommendation_has_addressee_and_theme():
    for rec in DATASET.recommendations:
        assert rec.addressees, rec.id
        assert rec.themes, rec.id


def test_named_addressees_are_split_into_actors():
    rec = next(r for r in DATASET.recommendations if r.id == "afml15-2022-11")
    assert {a.actor for a in rec.addressees} == {"rgc", "molvt", "destination-governments"}
    assert not any(a.inferred for a in rec.addressees)
    mmn = next(r for r in DATASET.recommendations if r.id == "mmn2016-03")
    assert [(a.actor, a.inferred) for a in mmn.addressees] == [("rgc", True)]


def test_every_status_cites_existing_evidence_dated_no_later():
    assessed = [a for a in DATASET.assessments if a.status != Status.NOT_ASSESSED]
    assert len(assessed) >= 20
    made = {r.id: date_start(s.date) for s in DATASET.sources for r in s.recommendations}
    for item in assessed:
        assert item.evidence, item.id
        assert all(e in EVIDENCE for e in item.evidence), item.id
        assert item.rationale.strip(), item.id
        as_of = date_start(item.as_of)
        assert as_of >= made[item.recommendation], f"{item.id} is dated before its recommendation"
        late = [e for e in item.evidence if date_start(EVIDENCE[e].date) > as_of]
        assert not late, f"{item.id} rests on evidence dated after it: {late}"


def test_lead_evidence_is_flagged_and_cited():
    leads = [e for e in DATASET.evidence if e.source is None]
    assert leads
    for item in leads:
        assert item.url and item.url.startswith(("http://", "https://")), item.id
        assert item.completeness and item.completeness.startswith("Lead from public sources"), item.id


def test_glossary_covers_document_acronyms():
    terms = {part.strip().lower() for g in DATASET.glossary for part in g.term.split(" / ")}
    for acronym in ["MoLVT", "PDOLVT", "NEA", "MRC", "ACRA", "MAC", "AFML", "ACMW", "TF-AMW", "CWG-AMW", "CMW",
                    "PRA", "LSCW", "CWCC", "MMN", "CLC", "ILO", "IOM", "ADMW"]:  # fmt: skip
        assert acronym.lower() in terms, acronym


def test_context_figures_add_up():
    assert len(DATASET.context_figures) == 8
    for figure in DATASET.context_figures:
        if figure.women is not None and figure.men is not None:
            assert figure.women + figure.men == figure.total, figure.id


def test_links_join_real_repetitions():
    assert len(DATASET.links) >= 10
    recs = {r.id: r for r in DATASET.recommendations}
    for link in DATASET.links:
        assert link.note, f"{link.source} -> {link.target} has no note saying what the two asks share"
        assert set(recs[link.source].themes) & set(recs[link.target].themes), f"{link.source} -> {link.target}"
