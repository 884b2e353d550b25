"""The dataset matches its source documents: complete, verbatim, cited."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from recommendations.dates import date_end, date_start
from recommendations.vocabulary import Status
from tests.conftest import DATA
from tests.helpers import data_dataset

DATASET, PROBLEMS = data_dataset()
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
        # Known gaps (issue 12): sources we know of whose texts we do not hold. A count only where a public
        # source states one (the ILO says the 10th AFML adopted 19); otherwise None, with a gap note.
        ("2015-lscw-draft-cso-statement", 0, None),
        ("2019-lscw-complaints-policy-brief", 0, None),
        ("2011-afml04", 0, None),
        ("2012-afml05", 0, None),
        ("2013-afml06", 0, None),
        ("2014-afml07", 0, None),
        ("2015-afml08", 0, None),
        ("2016-afml09", 0, None),
        ("2017-afml10", 0, 19),
        ("2018-afml11", 0, None),
        ("2019-afml12", 0, None),
        ("2020-afml13", 0, None),
        ("2021-afml14", 0, None),
        ("2022-afml15", 0, None),
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
    # The 2016 lead-in makes its recommendations "to the Cambodian government": named (the inferred rule, issue 12)
    mmn = next(r for r in DATASET.recommendations if r.id == "mmn2016-03")
    assert [(a.actor, a.inferred) for a in mmn.addressees] == [("rgc", False)]


def test_inferred_flags_follow_one_rule():
    """docs/data-curation.md section 3: named when the record's own words (text, lead_in, section) name the party."""
    recs = {r.id: r for r in DATASET.recommendations}
    for rec in SOURCES["2016-mmn-cwcc-consultation"].recommendations:
        assert "to the Cambodian government" in rec.lead_in
        assert [a.inferred for a in rec.addressees if a.actor == "rgc"] == [False], rec.id
    local = {a.actor: a for a in recs["afml15-2022-03"].addressees}["local-authorities-kh"]
    assert (local.role, local.inferred) == ("supporting", True)  # named only as those to be supported
    principle = {a.actor: a.inferred for a in recs["tfamw2011-principle-7"].addressees}
    assert principle == {"asean-member-states": True, "rgc": True}
    # "government protection mechanisms in receiving country" does not say which government: inferred
    assert all(a.inferred for a in recs["tfamw2011-postarrival-5"].addressees)


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


def test_dataset_counts():
    """Before issue 12: 30 assessments, 17 links, 80 evidence items, 6 sources. After the second pass: 70 assessments
    (16 corrections), 20 links, 150 evidence items, 131 research-log entries. After the third pass: 134 assessments
    (34 corrections), 21 links, 169 evidence items, 198 research-log entries. After its review: as below (one
    correction, one withdrawal and one new assessment; one evidence item; ten research-log entries)."""
    assert len(DATASET.assessments) == 137
    assert len(DATASET.links) == 21
    assert len(DATASET.evidence) == 170
    assert len(DATASET.sources) == 20
    assert sum(1 for a in DATASET.assessments if a.supersedes) == 36
    assert len(DATASET.research_log) == 208


def test_problem_bullets_carry_no_link():
    pairs = {(link.source, link.target): link.kind for link in DATASET.links}
    assert ("afml15-2022-09", "tfamw2011-recruitment-1") not in pairs
    assert ("afml15-2022-11", "tfamw2011-recruitment-1") not in pairs
    assert pairs[("mmn2016-05", "tfamw2011-predeparture-4")] == "repeats"
    assert pairs[("lscw2015-01", "tfamw2011-principle-7")] == "follows_up"


def test_audit_corrections_supersede_and_say_why():
    by_id = {a.id: a for a in DATASET.assessments}
    for corrected, status, addressee in [
        ("as-tfamw2011-cso-6-2022", "in_progress", None),
        ("as-tfamw2011-postarrival-5-2013", "in_progress", "rgc"),
        ("as-tfamw2011-principle-7-2015", "no_progress", "rgc"),
        ("as-afml15-2022-11-2022", "in_progress", "molvt"),
    ]:
        correction = by_id[f"{corrected}-b"]
        assert correction.supersedes == corrected
        assert correction.supersede_reason
        assert (correction.status, correction.addressee) == (status, addressee)
        assert corrected in by_id  # the corrected record stays in the history


def test_research_log_covers_every_recommendation():
    logged = Counter(e.recommendation for e in DATASET.research_log)
    assert set(logged) == {r.id for r in DATASET.recommendations}
    researched = {
        e.recommendation for e in DATASET.research_log if e.searched_on == "2026-12-01" and e.scope == "public_record"
    }
    wanted = {r.id for s in ("2016-mmn-cwcc-consultation", "2022-afml15-national-tripartite-workshop")
              for r in SOURCES[s].recommendations}  # fmt: skip
    assert researched == wanted
    assert len(wanted) == 31
    for entry in DATASET.research_log:
        assert entry.where and entry.found.strip(), entry.recommendation
        assert all(e in EVIDENCE for e in entry.evidence), entry.recommendation


def test_third_pass_links_rest_on_the_asks():
    """Pairs re-examined on the asks, not the tags (docs/data-curation.md, third pass)."""
    pairs = {(link.source, link.target): link.kind for link in DATASET.links}
    recs = {r.id: r for r in DATASET.recommendations}
    assert pairs[("afml15-2022-05", "tfamw2011-poa-1")] == "follows_up"
    assert pairs[("afml15-2022-21", "tfamw2011-principle-6")] == "follows_up"
    assert ("afml15-2022-11", "tfamw2011-cso-6") not in pairs  # shared aim and evidence, not the ask
    assert "cso-participation" in recs["afml15-2022-05"].themes
    assert "rights-at-destination" in recs["tfamw2011-principle-6"].themes


def test_standing_statuses_rest_on_evidence_dated_by_their_as_of():
    """The rule for partial and inferred dates (docs/data-curation.md): an item dated only to a year or a month counts
    from the last day it can stand for, so a standing status never rests on evidence that may postdate it."""
    corrected = {a.supersedes for a in DATASET.assessments if a.supersedes}
    standing = [a for a in DATASET.assessments if a.id not in corrected and a.visibility == "published"]
    assert len(standing) >= 50
    for item in standing:
        late = [e for e in item.evidence if date_end(EVIDENCE[e].date) > date_start(item.as_of)]
        assert not late, f"{item.id} (as of {item.as_of}) rests on evidence that may be later: {late}"


def test_third_pass_decisions_on_flagged_records():
    by_id = {a.id: a for a in DATASET.assessments}
    corrected = {a.supersedes: a for a in DATASET.assessments if a.supersedes}
    for old, status in [
        ("as-afml15-2022-05-2025-destination-governments", "in_progress"),
        ("as-tfamw2011-postarrival-5-2018-b", "in_progress"),
        ("as-tfamw2011-postarrival-5-2021-b", "in_progress"),
        ("as-mmn2016-03-2017", "not_assessed"),
        ("as-afml15-2022-20-2024", "in_progress"),
        ("as-afml15-2022-08-2025-11", "in_progress"),
        ("as-tfamw2011-cso-7-2013-b", "in_progress"),
    ]:
        new = corrected[old]
        assert new.status == status and new.supersede_reason, old
        assert new.assessor == by_id[old].assessor and date_start(new.as_of) >= date_start(by_id[old].as_of)
    assert corrected["as-mmn2016-03-2017"].visibility == "withdrawn"
    assert "as-afml15-2022-05-2025-rgc" not in corrected  # kept, with the reason in docs/data-curation.md
    assert date_start(corrected["as-afml15-2022-20-2024"].as_of) >= date_end("2024")


def test_third_pass_searched_every_2011_and_2015_recommendation():
    """Each recommendation of 2011 and 2015 has a search of the public record on file (2026-12-05), saying where."""
    wanted = {
        r.id for s in ("2011-tfamw-cwgamw-workshop", "2015-lscw-mfa-cso-forum") for r in SOURCES[s].recommendations
    }
    searched = {
        e.recommendation for e in DATASET.research_log if e.scope == "public_record" and e.searched_on == "2026-12-05"
    }
    assert len(wanted) == 53
    assert wanted <= searched
    for entry in DATASET.research_log:
        if entry.searched_on == "2026-12-05" and entry.scope == "public_record":
            assert any(w.startswith("web search") for w in entry.where), entry.recommendation
