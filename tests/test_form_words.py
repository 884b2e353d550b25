"""The words a form speaks: the schema's and the cross-record rules' findings as plain sentences (one mapping, in
write/errors.py), an addressee named by id or acronym, the audit log's values as readable lines. Pure functions:
no database."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from recommendations import audit, labels
from recommendations.dataset.schema import ActorIn, AssessmentIn, EvidenceIn
from recommendations.write.errors import FieldError, Invalid, findings, pydantic_errors, record_rule, sentence

PYDANTIC = ("String should", "Input should", "validation error", "pydantic", "Value error", "pattern")


def assessment_errors(**changes: object) -> dict[str, str]:
    values: dict[str, object] = {
        "id": "as-x", "recommendation": "mmn2016-04", "status": "in_progress", "as_of": "2023-03-01",
        "assessor": "cwcc", "rationale": "Why.", "evidence": ["ev"], "recorded_by": "me",
        "recorded_at": dt.datetime(2023, 3, 2),
    }  # fmt: skip
    values.update(changes)
    with pytest.raises(ValidationError) as caught:
        AssessmentIn(**values)
    return {e.field: e.message for e in pydantic_errors(caught.value)}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"status": ""}, "status", "Choose a status"),
        ({"status": "finished"}, "status", "“finished” is not one of the choices for a status: Not assessed, "
                                           "No progress, In progress, Partially implemented, Implemented or Not "
                                           "applicable"),
        ({"as_of": ""}, "as_of", "Fill in the As of date (the date of the latest evidence): it is empty"),
        ({"as_of": "March 2023"}, "as_of", "Write the As of date (the date of the latest evidence) as YYYY-MM-DD "
                                           "(or YYYY-MM, or YYYY when only that is known)"),
        ({"as_of": "2023-02-30"}, "as_of", "“2023-02-30” is not a day of the calendar: check the As of date (the "
                                           "date of the latest evidence)"),
        ({"rationale": "   "}, "rationale", "Fill in the rationale: it is empty"),
        ({"rationale": "x" * 50_001}, "rationale", "The rationale is 50,001 characters long; at most 50,000 are kept "
                                                   "here"),
        ({"recommendation": "MMN 2016/04"}, "recommendation", "“MMN 2016/04” is not an id: an id has only small "
                                                              "letters, digits, dots, hyphens and underscores (for "
                                                              "example mmn2016-04)"),
        ({"evidence": []}, "evidence", "Cite at least one evidence item, or add a new one: every status but Not "
                                       "assessed rests on evidence"),
        ({"supersedes": "as-old"}, "supersede_reason", "Say why the earlier assessment is corrected"),
    ],
)  # fmt: skip
def test_the_schemas_findings_are_plain_sentences_beside_their_field(changes, field, words):
    found = assessment_errors(**changes)
    assert found[field] == words
    assert not any(p in found[field] for p in PYDANTIC)


def test_an_evidence_items_findings_name_its_fields():
    with pytest.raises(ValidationError) as caught:
        EvidenceIn(id="ev", date="2023", kind="rumour", title="Two\nlines", summary="", url="javascript:alert(1)")
    found = {e.field: e.message for e in pydantic_errors(caught.value, "new_evidence.0.")}
    assert found == {
        "new_evidence.0.kind": "“rumour” is not one of the choices for the kind: law, policy, agreement, report, "
        "statistic, news, meeting or institution",
        "new_evidence.0.title": "The title must be a single line",
        "new_evidence.0.summary": "Fill in the summary: it is empty",
        "new_evidence.0.url": "Start the web address with http:// or https://",
    }
    with pytest.raises(ValidationError) as caught:
        EvidenceIn(id="ev", date="2023", kind="news", title="t", summary="s")
    assert [(e.field, e.message) for e in pydantic_errors(caught.value)] == [
        ("url", "Give a web address or a citation for the evidence item")
    ]


def test_an_organisations_findings_name_its_fields():
    with pytest.raises(ValidationError) as caught:
        ActorIn(id="x", name="", type="club")
    found = {e.field: e.message for e in pydantic_errors(caught.value)}
    assert found["name"] == "Fill in the name: it is empty"
    assert found["type"].startswith("“club” is not one of the choices for the type: ")


def test_the_rules_across_records_are_reworded_for_the_form_and_others_kept():
    pairs = [
        ("as_of", "2099-01-01 is in the future"),
        ("evidence", "ev-a, ev-b dated after as_of 2019 (a partial as_of stands for its first day: write the full "
                     "date)"),
        ("addressee", "'molvt' is not an addressee of mmn2016-04"),
        ("as_of", "2015 is before the recommendation was made (2016-01-21)"),
    ]  # fmt: skip
    assert [(e.field, e.message) for e in findings(pairs)] == [
        ("as_of", "2099-01-01 is in the future: give the date of evidence that exists today"),
        ("evidence", "The evidence ev-a, ev-b is dated after the As of date (2019). As of is the date of the latest "
                     "evidence: make it at least as late as each item cited (a date without a day counts as its "
                     "first day)"),
        ("addressee", "This recommendation (mmn2016-04) asks nothing of molvt: name one of its addressees, or leave "
                      "the addressee empty for the whole ask"),
        ("as_of", "2015 is before the recommendation was made (2016-01-21)"),
    ]  # fmt: skip


def test_every_refusal_is_a_sentence_and_ids_keep_their_case():
    assert sentence("the password must be at least 12 characters long") == (
        "The password must be at least 12 characters long."
    )
    assert sentence("as-mmn2016-04-2023 is itself a withdrawal") == "as-mmn2016-04-2023 is itself a withdrawal."
    assert sentence("Is this right?") == "Is this right?"
    refused = Invalid([FieldError("email", "an account for a@b.org already exists")])
    assert refused.by_field() == {"email": ["An account for a@b.org already exists."]}
    assert record_rule("something new about the record").field == "form"


ACTORS = [
    ("rgc", "Royal Government of Cambodia", "RGC"),
    ("molvt", "Ministry of Labour and Vocational Training", "MoLVT"),
    ("nctc", "National Committee for Counter Trafficking", "NCCT"),
    ("mfa", "Migrant Forum in Asia", "MFA"),
    ("mofa-x", "A ministry of foreign affairs", "MFA"),
    ("ilo", "International Labour Organization", None),
]


@pytest.mark.parametrize(
    ("given", "ids"),
    [
        ("molvt", ["molvt"]), ("MoLVT", ["molvt"]), ("MOLVT", ["molvt"]), (" MoLVT ", ["molvt"]),
        ("NCCT", ["nctc"]), ("nctc", ["nctc"]), ("ILO", ["ilo"]),
        ("MFA", ["mfa", "mofa-x"]),  # ambiguous: the caller asks which
        ("Ministry of Labour", []), ("", []), ("Mo LVT", []),
    ],
)  # fmt: skip
def test_an_actor_is_named_by_its_id_or_acronym_in_any_case(given, ids):
    assert labels.actors_named(given, ACTORS) == ids


def test_an_exact_id_wins_over_an_acronym():
    assert labels.actors_named("mfa", ACTORS) == ["mfa"]


def test_the_audit_values_read_as_lines_not_json():
    assert (
        audit.readable(
            {"email": "a@b.org", "role": "contributor", "active": True, "organisation_id": "cwcc"},
            {"email": "a@b.org", "role": "reviewer", "active": False, "organisation_id": "cwcc", "sessions_ended": 2},
        )
        == "role: contributor → reviewer\nactive: yes → no\nsessions ended: — → 2"
    )
    assert audit.readable(None, {"email": "a@b.org", "name": "", "evidence": ["ev-1", "ev-2"], "password": True}) == (
        "email: a@b.org\nevidence: ev-1, ev-2\npassword: yes"
    )
    assert audit.readable({"visibility": "draft"}, {"decision": "returned", "comment": "Cite it"}) == (
        "visibility: draft → —\ndecision: — → returned\ncomment: — → Cite it"
    )
    assert audit.readable(None, {"rationale": "x" * 400}).endswith("x…")
    assert audit.readable(None, None) == ""
