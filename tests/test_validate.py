"""Every validation rule, each with a failing example: clear message, file:line, nothing loaded."""

from __future__ import annotations

import pytest

from recommendations.dataset.loader import DataInvalid, load_folder
from recommendations.dataset.validate import read_dataset
from tests.helpers import append_items, snapshot

MMN = "sources/2016-mmn-cwcc-consultation.yaml"

EVIDENCE_OK = """  - id: ev-test
    date: "2019-09-19"
    kind: news
    title: Test evidence
    summary: A dated, cited test item.
    url: https://example.org/item
"""


@pytest.fixture(autouse=True, params=["parsed here", "parsed by a worker"])
def _parser(request, monkeypatch):
    """Every rule twice: the files parsed in the reader's process and in a worker (``dataset.parsing``), which a
    read of this size would not start by itself."""
    if request.param == "parsed by a worker":
        monkeypatch.setattr("recommendations.dataset.parsing.PARALLEL_FROM", 0)
        monkeypatch.setattr("recommendations.dataset.parsing.cores", lambda: 2)


def problems_of(root):
    _, problems = read_dataset(root)
    return [str(p) for p in problems]


def test_real_dataset_is_valid():
    from tests.conftest import DATA

    assert problems_of(DATA) == []


def test_invalid_yaml_reports_line(data_copy):
    path = data_copy / "themes.yaml"
    lines = path.read_text().splitlines()
    lines[4] = "    name: [unclosed"
    path.write_text("\n".join(lines) + "\n")
    found = problems_of(data_copy)
    assert len(found) == 1
    assert found[0].startswith("data/themes.yaml:")
    assert "invalid YAML" in found[0]


def test_duplicate_key_is_reported(data_copy):
    path = data_copy / "themes.yaml"
    path.write_text(path.read_text().replace("    name: Recruitment and fees\n", "    name: A\n    name: B\n", 1))
    found = problems_of(data_copy)
    assert any("duplicate key 'name'" in p for p in found)


def test_unknown_actor_theme_and_multiple_problems_all_reported(data_copy):
    path = data_copy / MMN
    text = path.read_text()
    text = text.replace("themes: [recruitment, governance]", "themes: [recruitment, no-such-theme]")
    text = text.replace("{actor: mosavy, role: supporting}", "{actor: nobody, role: supporting}")
    path.write_text(text)
    found = problems_of(data_copy)
    assert any("unknown theme id 'no-such-theme'" in p and p.startswith(f"data/{MMN}:") for p in found)
    assert any("unknown actor id 'nobody'" in p for p in found)
    assert len(found) == 2


def test_duplicate_recommendation_id(data_copy):
    path = data_copy / MMN
    path.write_text(path.read_text().replace("id: mmn2016-02\n", "id: mmn2016-01\n"))
    found = problems_of(data_copy)
    assert any("duplicate recommendations id 'mmn2016-01'" in p for p in found)


def test_bad_date(data_copy):
    path = data_copy / MMN
    path.write_text(path.read_text().replace('date: "2016-01-21"', 'date: "2016-02-30"'))
    found = problems_of(data_copy)
    assert found == [f"data/{MMN}:4: date: date '2016-02-30' does not exist (day is out of range for month)"]


def test_empty_text(data_copy):
    path = data_copy / MMN
    text = path.read_text()
    path.write_text(
        text.replace('text: "Monitor and punish recruitment agencies who provide sub-licenses."', 'text: "  "')
    )
    found = problems_of(data_copy)
    assert len(found) == 1 and "text: String should have at least 1 character" in found[0]


def test_text_must_be_verbatim(data_copy):
    path = data_copy / MMN
    text = path.read_text()
    path.write_text(
        text.replace("Monitor and punish recruitment agencies", "Monitor and sanction recruitment agencies")
    )
    found = problems_of(data_copy)
    assert len(found) == 1 and "text: not found verbatim" in found[0] and "mmn2016-04" in found[0]


def test_unknown_field_is_rejected(data_copy):
    path = data_copy / MMN
    path.write_text(path.read_text().replace("place: Sunway", "venue: Sunway"))
    found = problems_of(data_copy)
    assert any("venue: Extra inputs are not permitted" in p for p in found)


def test_non_http_url_rejected(data_copy):
    line = append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK.replace("https://", "javascript://"))
    found = problems_of(data_copy)
    assert any(p.startswith(f"data/evidence.yaml:{line + 5}: url:") and "http(s)" in p for p in found)


def test_status_without_evidence_and_unknown_status(data_copy):
    line = append_items(
        data_copy / "assessments.yaml",
        "assessments",
        """  - id: as-test-1
    recommendation: mmn2016-03
    status: implemented
    as_of: "2020"
    assessor: maintainers
    rationale: No evidence given.
    recorded_by: test
    recorded_at: "2026-01-01T00:00:00"
  - id: as-test-2
    recommendation: mmn2016-03
    status: done
    as_of: "2020"
    assessor: maintainers
    rationale: Unknown status.
    evidence: [ev-x]
    recorded_by: test
    recorded_at: "2026-01-01T00:00:00"
""",
    )
    found = problems_of(data_copy)
    assert (
        f"data/assessments.yaml:{line}: record: status 'implemented' needs evidence: cite at least one evidence item"
        in found
    )
    assert any(p.startswith(f"data/assessments.yaml:{line + 10}: status: Input should be") for p in found)


def test_broken_references_in_assessment(data_copy):
    append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK)
    line = append_items(
        data_copy / "assessments.yaml",
        "assessments",
        """  - id: as-test-3
    recommendation: mmn2016-99
    addressee: ilo
    status: in_progress
    as_of: "2019-09-19"
    assessor: nobody
    rationale: Broken references.
    evidence: [ev-test, ev-missing]
    recorded_by: test
    recorded_at: "2026-01-01T00:00:00"
""",
    )
    found = problems_of(data_copy)
    here = f"data/assessments.yaml:{line}: "
    assert here + "recommendation: unknown recommendation id 'mmn2016-99'" in found
    assert here + "assessor: unknown actor id 'nobody'" in found
    assert here + "evidence: unknown evidence id 'ev-missing'" in found


def test_assessment_rules_on_dates_and_addressee(data_copy):
    append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK)
    line = append_items(
        data_copy / "assessments.yaml",
        "assessments",
        """  - id: as-test-4
    recommendation: mmn2016-03
    addressee: ilo
    status: in_progress
    as_of: "2015"
    assessor: maintainers
    rationale: Dated before the recommendation and before its evidence.
    evidence: [ev-test]
    recorded_by: test
    recorded_at: "2026-01-01T00:00:00"
""",
    )
    found = problems_of(data_copy)
    here = f"data/assessments.yaml:{line}: "
    assert here + "as_of: 2015 is before the recommendation was made (2016-01-21)" in found
    assert (
        here
        + "evidence: ev-test dated after as_of 2015 (a partial as_of stands for its first day: write the full date)"
        in found
    )
    assert here + "addressee: 'ilo' is not an addressee of mmn2016-03" in found


def test_links_checked(data_copy):
    line = append_items(
        data_copy / "links.yaml",
        "links",
        """  - {source: mmn2016-03, target: mmn2016-03, kind: repeats}
  - {source: mmn2016-03, target: nowhere, kind: repeats}
  - {source: mmn2016-03, target: mmn2016-04, kind: copies}
""",
    )
    found = problems_of(data_copy)
    assert any(p.startswith(f"data/links.yaml:{line}:") and "cannot link to itself" in p for p in found)
    assert f"data/links.yaml:{line + 1}: target: unknown recommendation id 'nowhere'" in found
    assert any(p.startswith(f"data/links.yaml:{line + 2}: kind:") for p in found)


def test_missing_required_file(data_copy):
    (data_copy / "actors.yaml").unlink()
    found = problems_of(data_copy)
    assert "data/actors.yaml:0: required file is missing" in found


def test_more_recommendations_than_expected(data_copy):
    path = data_copy / MMN
    path.write_text(path.read_text().replace("expected_recommendations: 10", "expected_recommendations: 9"))
    found = problems_of(data_copy)
    assert found == [f"data/{MMN}:2: expected_recommendations: 9 but 10 recorded"]


@pytest.mark.parametrize(
    "breakage",
    [
        ("themes.yaml", "    name: Recruitment and fees", "    name: [oops"),
        (MMN, "mmn2016-05", "MMN 2016 05"),
        (MMN, "themes: [contracts]", "themes: []"),
    ],
)
def test_load_of_invalid_data_leaves_database_unchanged(engine, data_copy, breakage):
    load_folder(data_copy, engine)
    before = snapshot(engine)
    filename, old, new = breakage
    path = data_copy / filename
    path.write_text(path.read_text().replace(old, new, 1))
    # A valid change elsewhere must not sneak in either.
    mmn = data_copy / MMN
    mmn.write_text(mmn.read_text().replace("title: Strict monitoring", "title: CHANGED monitoring"))
    with pytest.raises(DataInvalid) as info:
        load_folder(data_copy, engine)
    assert info.value.problems
    assert snapshot(engine) == before


def _assessment(ident: str, **fields) -> str:
    values = {
        "recommendation": "mmn2016-03",
        "status": "in_progress",
        "as_of": '"2022-12-01"',
        "assessor": "maintainers",
        "rationale": "Test.",
        "evidence": "[ev-test]",
        "recorded_by": "test",
        "recorded_at": '"2026-12-01T00:00:00"',
        **fields,
    }
    return f"  - id: {ident}\n" + "".join(f"    {k}: {v}\n" for k, v in values.items() if v is not None)


def test_supersedes_is_checked(data_copy):
    append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK)
    items = [
        _assessment("as-fix-unknown", supersedes="nowhere", supersede_reason="typo"),
        _assessment(
            "as-fix-other-rec", recommendation="mmn2016-04", supersedes="as-mmn2016-03-2022", supersede_reason="x"
        ),
        _assessment(
            "as-fix-earlier",
            as_of='"2016-02-01"',
            evidence=None,
            status="not_assessed",
            supersedes="as-mmn2016-03-2022",
            supersede_reason="x",
        ),
        _assessment("as-fix-twice", supersedes="as-mmn2016-03-2022", supersede_reason="again"),
        _assessment("as-fix-no-reason", supersedes="as-mmn2016-01-2018", recommendation="mmn2016-01"),
    ]
    line = append_items(data_copy / "assessments.yaml", "assessments", "".join(items))
    starts = {}
    for item in items:
        starts[item.split("\n")[0].split(": ")[1]] = line
        line += item.count("\n")
    found = problems_of(data_copy)
    at = {k: f"data/assessments.yaml:{v}: " for k, v in starts.items()}
    assert at["as-fix-unknown"] + "supersedes: unknown assessment id 'nowhere'" in found
    assert (
        at["as-fix-other-rec"] + "supersedes: as-mmn2016-03-2022 is an assessment of mmn2016-03, not of mmn2016-04"
        in found
    )
    assert (
        at["as-fix-earlier"] + "supersedes: as-mmn2016-03-2022 is dated 2022-11-30, after this one (2016-02-01)"
        in found
    )
    assert any(
        p.startswith(at["as-fix-twice"] + "supersedes: as-mmn2016-03-2022 is already superseded by") for p in found
    )
    assert any(p.startswith(at["as-fix-no-reason"]) and "supersede_reason" in p for p in found)


def test_withdrawal_rules(data_copy):
    items = [
        _assessment("as-out-no-target", visibility="withdrawn", status="not_assessed", evidence=None),
        _assessment(
            "as-out-with-status",
            visibility="withdrawn",
            supersedes="as-mmn2016-03-2022",
            supersede_reason="wrong",
            evidence="[ev-test]",
        ),
        _assessment(
            "as-out-ok",
            visibility="withdrawn",
            status="not_assessed",
            evidence=None,
            supersedes="as-mmn2016-03-2022",
            supersede_reason="the source was misread",
        ),
        _assessment(
            "as-out-of-out",
            visibility="withdrawn",
            status="not_assessed",
            evidence=None,
            supersedes="as-out-ok",
            supersede_reason="again",
        ),
    ]
    append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK)
    append_items(data_copy / "assessments.yaml", "assessments", "".join(items))
    found = problems_of(data_copy)
    assert any("a withdrawal needs 'supersedes'" in p for p in found)
    assert any("a withdrawal carries no status of its own" in p for p in found)
    assert any("supersedes: as-out-ok is itself a withdrawal" in p for p in found)
    assert not any("as-out-ok" in p and "supersedes: as-mmn" in p for p in found)


def test_supersede_cycles_are_found(data_copy):
    append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK)
    items = [
        _assessment("as-loop-a", supersedes="as-loop-b", supersede_reason="x"),
        _assessment("as-loop-b", supersedes="as-loop-a", supersede_reason="x"),
    ]
    append_items(data_copy / "assessments.yaml", "assessments", "".join(items))
    found = problems_of(data_copy)
    assert any("as-loop-a is part of a cycle of corrections" in p for p in found)


def test_partial_as_of_stands_for_its_first_day(data_copy):
    """ "2022-12" is read as 1 December 2022: evidence of 15 December is after it; "2022-12-15" is not."""
    append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK.replace("2019-09-19", "2022-12-15"))
    line = append_items(data_copy / "assessments.yaml", "assessments", _assessment("as-partial", as_of='"2022-12"'))
    assert any(
        p.startswith(f"data/assessments.yaml:{line}: evidence: ev-test dated after as_of 2022-12")
        for p in problems_of(data_copy)
    )
    path = data_copy / "assessments.yaml"
    path.write_text(path.read_text().replace('as_of: "2022-12"\n', 'as_of: "2022-12-15"\n'))
    assert problems_of(data_copy) == []


RESEARCH_OK = """  - recommendation: mmn2016-01
    searched_on: "2026-12-02"
    by: test curator
    where: ["web search: 'a query'"]
    found: Nothing bearing on the ask.
    outcome: no_evidence
    scope: public_record
"""


def test_research_log_refuses_unknown_references_with_path_and_line(data_copy):
    path = data_copy / "research_log.yaml"
    line = append_items(
        path,
        "research_log",
        RESEARCH_OK.replace("mmn2016-01", "no-such-rec")
        + RESEARCH_OK.replace("outcome: no_evidence", "outcome: partial\n    evidence: [no-such-evidence]"),
    )
    before = snapshot_of_nothing = problems_of(data_copy)
    assert (
        before
        == snapshot_of_nothing
        == [
            f"data/research_log.yaml:{line}: recommendation: unknown recommendation id 'no-such-rec'",
            f"data/research_log.yaml:{line + 7}: evidence: unknown evidence id 'no-such-evidence'",
        ]
    )


def test_research_log_fields_are_checked(data_copy, sqlite_engine):
    path = data_copy / "research_log.yaml"
    line = append_items(
        path,
        "research_log",
        RESEARCH_OK.replace("outcome: no_evidence", "outcome: looked")
        + RESEARCH_OK.replace("""    where: ["web search: 'a query'"]\n""", "    where: []\n")
        + RESEARCH_OK.replace('"2026-12-02"', '"2015-02-30"')
        + RESEARCH_OK.replace(
            "    found: Nothing bearing on the ask.\n", "    found: x\n    evidence: [src2011-prakas-inspection-ra]\n"
        )
        + RESEARCH_OK.replace('"2026-12-02"', '"2015"'),
    )
    found = problems_of(data_copy)
    assert found[0].startswith(f"data/research_log.yaml:{line + 5}: outcome: Input should be 'assessed'")
    assert found[1].startswith(f"data/research_log.yaml:{line + 10}: where: List should have at least 1 item")
    assert found[2].startswith(f"data/research_log.yaml:{line + 15}: searched_on: date '2015-02-30' does not exist")
    assert found[3] == (
        f"data/research_log.yaml:{line + 21}: record: outcome no_evidence lists no evidence: use partial or assessed"
    )
    assert found[4] == f"data/research_log.yaml:{line + 29}: searched_on: 2015 is before mmn2016-01 was made"
    assert len(found) == 5
    with pytest.raises(DataInvalid):
        load_folder(data_copy, sqlite_engine)


def test_a_streamed_read_finds_what_a_kept_read_finds(data_copy):
    """``keep=False`` (the command line's validate and load) holds no record, yet reports the same problems, with
    the same path:line, and counts what it read: here a duplicate evidence id (named with the first one's place),
    a correction of an unknown assessment and a cycle of corrections, all found by SQL over the scratch tables."""
    first = append_items(data_copy / "evidence.yaml", "evidence", EVIDENCE_OK + EVIDENCE_OK)
    items = [
        _assessment("as-loop-a", supersedes="as-loop-b", supersede_reason="x"),
        _assessment("as-loop-b", supersedes="as-loop-a", supersede_reason="x"),
        _assessment("as-orphan", supersedes="as-nowhere", supersede_reason="x"),
    ]
    append_items(data_copy / "assessments.yaml", "assessments", "".join(items))
    kept, kept_problems = read_dataset(data_copy)
    streamed, problems = read_dataset(data_copy, keep=False)
    assert [str(p) for p in problems] == [str(p) for p in kept_problems]
    found = "\n".join(str(p) for p in problems)
    assert (
        f"data/evidence.yaml:{first + 6}: duplicate evidence id 'ev-test' (first at data/evidence.yaml:{first})"
        in found
    )
    assert "supersedes: unknown assessment id 'as-nowhere'" in found
    assert "as-loop-a is part of a cycle of corrections" in found
    assert streamed.assessments == [] and streamed.evidence == []
    assert streamed.counts["assessments"] == len(kept.assessments) > 0
    assert streamed.counts["evidence"] == len(kept.evidence)
    assert streamed.counts["recommendations"] == len(kept.recommendations)


def test_a_read_collects_the_young_generation_less_often_and_puts_the_thresholds_back():
    import gc

    from tests.conftest import DATA

    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []

    def rows(kind, record):
        seen.append(gc.get_threshold())

    read_dataset(DATA, keep=False, rows=rows)
    assert seen and all(t[0] == 50_000 and t[1:] == before[1:] for t in seen)
    assert gc.get_threshold() == before

    def fails(kind, record):
        raise RuntimeError("stopped half way")

    with pytest.raises(RuntimeError):
        read_dataset(DATA, keep=False, rows=fails)
    assert gc.get_threshold() == before  # a read that fails puts them back too
