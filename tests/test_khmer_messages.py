"""The write side's words in any language: refusals, problems beside fields, upload and row problems, the audit
log's lines. Below the web edge they are ``i18n.Message``s (a msgid and its named values); ``str()`` stays the
English sentence the logs, the command line and the English pages show, and a page says them in its language.
Pure functions: no database."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recommendations import audit, i18n
from recommendations.dataset.schema import EvidenceIn
from recommendations.permissions import Action, PermissionDenied, Principal, Role
from recommendations.vocabulary import STATUS_LABELS
from recommendations.write import auth, bulk, errors, uploads

KM = i18n.translator("km")
EN = i18n.translator("en")
CONTRIBUTOR = Principal(user_id=1, email="c@x.org", name="C", role=Role.CONTRIBUTOR, organisation_id="cwcc",
                        organisation_name="CWCC")  # fmt: skip


def refused(function, *args) -> PermissionDenied:
    with pytest.raises(PermissionDenied) as caught:
        function(*args)
    return caught.value


def test_a_permission_refusal_names_role_and_action_in_the_readers_language():
    other = refused(auth.require_on, CONTRIBUTOR, Action.RECORD, "lscw")
    assert str(other) == "You can record an assessment only for your own organisation (CWCC)."
    assert KM.say(other.message) == "អ្នកអាចកត់ត្រាការវាយតម្លៃបានតែសម្រាប់អង្គការរបស់អ្នកផ្ទាល់ (CWCC) ប៉ុណ្ណោះ។"
    role = refused(auth.require_on, CONTRIBUTOR, Action.PUBLISH, "cwcc")
    assert str(role) == "A contributor may not publish an assessment."
    assert KM.say(role.message) == "អ្នករួមចំណែក មិនអាចផ្សព្វផ្សាយការវាយតម្លៃបានទេ។"
    assert EN.say(role.message) == str(role)


def test_every_action_and_role_has_words_in_khmer():
    for action in Action:
        assert i18n.in_script(KM.t(action.value), "km"), action
    assert all(i18n.in_script(KM.t(STATUS_LABELS[s]), "km") for s in STATUS_LABELS)


def test_a_problem_beside_a_field_is_english_in_str_and_khmer_on_a_khmer_page():
    with pytest.raises(ValidationError) as caught:
        EvidenceIn(id="ev", date="2023", kind="news", title="Two\nlines", summary="", url="javascript:alert(1)")
    invalid = errors.Invalid(errors.pydantic_errors(caught.value))
    assert invalid.by_field() == {
        "title": ["The title must be a single line."],
        "summary": ["Fill in the summary: it is empty."],
        "url": ["Start the web address with http:// or https://."],
    }
    assert invalid.by_field(KM) == {
        "title": ["ចំណងជើង៖ ត្រូវតែជាបន្ទាត់តែមួយ។"],
        "summary": ["សូមបំពេញសេចក្ដីសង្ខេប៖ វានៅទទេ។"],
        "url": ["សូមចាប់ផ្ដើមអាសយដ្ឋានគេហទំព័រដោយ http:// ឬ https://។"],
    }


def test_the_status_choices_are_the_labels_in_one_phrase():
    assert errors.STATUS_CHOICES == errors._or_list(list(STATUS_LABELS.values()))


def test_a_khmer_sentence_keeps_its_own_full_stop():
    assert errors.sentence("វានៅទទេ។") == "វានៅទទេ។"
    assert errors.sentence("it is empty") == "It is empty."


def test_a_refused_upload_is_english_in_str_and_khmer_on_a_khmer_page():
    with pytest.raises(uploads.UploadRefused) as caught:
        uploads.read_rows(b"recommendation_id,status,as_of,rationale,colour\n")
    assert str(caught.value) == (
        "The header row does not match the template: unknown column(s): colour. Download the template to see the "
        "columns."
    )
    assert KM.say(caught.value.message) == ("ជួរក្បាលមិនត្រូវគ្នានឹងគំរូទេ៖ ជួរឈរដែលមិនស្គាល់៖ colour។ សូមទាញយកគំរូ ដើម្បីមើលជួរឈរ។")


def test_a_row_problem_names_its_column_in_the_readers_language():
    row = bulk.RowResult(row=3, values={}, outcome="error", problems=[
        errors.FieldError("as_of", errors.findings([("as_of", "2099-01-01 is in the future")])[0].said, whole=True),
        errors.FieldError("row", "Repeats row {row}.", whole=True, row=2),
    ])  # fmt: skip
    assert row.errors == [
        "column as_of: 2099-01-01 is in the future: give the date of evidence that exists today.",
        "Repeats row 2.",
    ]
    assert row.said(KM) == [
        "ជួរឈរ as_of៖ 2099-01-01 ស្ថិតនៅក្នុងអនាគត៖ សូមផ្ដល់កាលបរិច្ឆេទនៃភស្តុតាងដែលមានស្រាប់នៅថ្ងៃនេះ។",
        "ដដែលនឹងជួរដេកទី 2។",
    ]


def test_the_audit_lines_name_fields_in_the_readers_language_and_keep_the_values():
    before = {"role": "contributor", "active": True, "as_of": "2023"}
    after = {"role": "reviewer", "active": False, "as_of": "2024"}
    assert audit.readable(before, after) == "role: contributor → reviewer\nactive: yes → no\nas of: 2023 → 2024"
    assert audit.readable(before, after, KM) == ("តួនាទី: contributor → reviewer\nសកម្ម: បាទ/ចាស → ទេ\nគិតត្រឹម: 2023 → 2024")
    assert all(i18n.in_script(KM.t(words), "km") for words in audit.ACTION_LABELS.values())
