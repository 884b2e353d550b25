"""AppTest: the work pages (update, upload, review, my organisation, evidence, admin, audit) in Khmer, opened by
the role each is for. No English interface string is left: the page's visible text, once the data it shows is
taken out (recommendation texts and titles, ids, emails, names and acronyms), holds no English word of the
catalog (a word of an English msgid that its Khmer translation does not keep, as it keeps XLSX or YYYY). The
same check finds such words on the English page, so it can fail. The write side's refusals (an empty assessment
form, an upload with problems) reach the page in Khmer."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from models.tables import ACT, A, E, R, T, U
from recommendations import i18n
from recommendations.dataset.schema import ASSESSMENT_SHEET_COLUMNS
from recommendations.i18n import placeholders
from recommendations.permissions import Principal, Role
from recommendations.write import updates
from tests import test_app_forms
from tests.test_app_forms import EVIDENCE, REC, as_, beside, unescaped, upload

pytestmark = pytest.mark.usefixtures("app_db")
KM = i18n.translator("km")
WORD = re.compile(r"[A-Za-z]{4,}")
#: Proto fields that hold no text a reader sees as interface (ids, keys, values typed or chosen, icons, data).
NOT_TEXT = {"id", "form_id", "key", "icon", "value", "default", "arrow_data", "data", "url", "mime", "type", "page",
            "page_script_hash", "deprecated_value", "raw_values", "set_value", "format", "autocomplete"}  # fmt: skip


#: The app's database, built by a first run, with a contributor, a reviewer and an admin.
engine = test_app_forms.engine


def english_words() -> set[str]:
    """Lower-cased words of 4+ letters of the catalog's English msgids (placeholders left out), but those that a
    Khmer translation keeps as they are: names and codes such as XLSX, YYYY or the sheet name "assessments"."""
    english: set[str] = set()
    kept: set[str] = set()
    for entry in i18n.catalog("km"):
        if not entry.id:
            continue
        for msgid in list(entry.id) if isinstance(entry.id, tuple | list) else [entry.id]:
            for name in placeholders(msgid):
                msgid = re.sub(r"\{" + name + r"[^}]*\}", " ", msgid)
            english |= {w.lower() for w in WORD.findall(msgid)}
        for value in entry.string if isinstance(entry.string, tuple | list) else [entry.string]:
            kept |= {w.lower() for w in WORD.findall(value)}
    return english - kept


ENGLISH = english_words()


def data_values(engine) -> list[str]:
    """What the pages show as data, longest first: texts, titles, ids, names, acronyms, emails, and the upload's
    column names (the sheet's headers are the same in every language)."""
    found: set[str] = set(ASSESSMENT_SHEET_COLUMNS)
    with engine.connect() as conn:
        for columns in ((R.c.id, R.c.title, R.c.text), (ACT.c.id, ACT.c.name, ACT.c.acronym),
                        (E.c.id, E.c.title, E.c.summary, E.c.citation, E.c.url), (T.c.id, T.c.name),
                        (U.c.email, U.c.name), (A.c.id, A.c.rationale)):  # fmt: skip
            for row in conn.execute(select(*columns)):
                found |= {str(v) for v in row if v}
    return sorted(found, key=len, reverse=True)


def _strings(message: object, name: str = "") -> list[str]:
    """Every string field of a proto message, recursively, but those in NOT_TEXT."""
    if isinstance(message, str):
        return [] if name in NOT_TEXT else [message]
    if isinstance(message, bytes | int | float | bool) or message is None:
        return []
    if isinstance(message, list | tuple) or type(message).__name__.startswith("Repeated"):
        return [s for item in message for s in _strings(item, name)]
    out = []
    for field, value in message.ListFields():
        if field.name not in NOT_TEXT:
            out += _strings(value, field.name)
    return out


def shown(at) -> list[str]:
    """The text of the page's main area as a reader sees it: headings, paragraphs, messages, labels, placeholders,
    help, options, metric labels, tab and expander labels, table headers (not the tables' cells: data)."""
    texts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if type(node).__name__ == "Dataframe":
            for column in json.loads(proto.columns or "{}").values():
                texts.extend(str(column.get(k, "")) for k in ("label", "help"))
                texts.append(str(column.get("type_config", {}).get("display_text", "")))
        elif proto is not None and hasattr(proto, "ListFields"):
            texts.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return [unescaped(t) for t in texts if t]


def english_left(at, data: list[str]) -> set[str]:
    """English words of the catalog on the page once its data values are taken out."""
    text = "\n".join(shown(at))
    for value in data:
        text = text.replace(value, " ")
    return {w for w in WORD.findall(text) if w.lower() in ENGLISH}


def a_draft(engine) -> str:
    """A contributor's draft of REC, for the review queue and My organisation to show."""
    with engine.begin() as conn:
        user_id = conn.execute(select(U.c.id).where(U.c.email == "contrib@cwcc.example")).scalar_one()
        who = Principal(user_id=user_id, email="contrib@cwcc.example", name="x", role=Role.CONTRIBUTOR,
                        organisation_id="cwcc")  # fmt: skip
        form = updates.AssessmentForm(recommendation=REC, status="in_progress", as_of="2023-03-01",
                                      rationale="Piloted in two provinces.", evidence=[EVIDENCE])  # fmt: skip
        return updates.record_assessment(conn=conn, principal=who, form=form)


WORK_PAGES = [
    ("pages/update.py", "contrib@cwcc.example", {"id": REC}),
    ("pages/upload.py", "contrib@cwcc.example", {}),
    ("pages/my_organisation.py", "contrib@cwcc.example", {}),
    ("pages/review.py", "review@cwcc.example", {}),
    ("pages/add_document.py", "review@cwcc.example", {}),
    ("pages/evidence_edit.py", "contrib@cwcc.example", {"id": EVIDENCE}),
    ("pages/admin.py", "admin@example.org", {}),
    ("pages/audit.py", "admin@example.org", {}),
]


@pytest.mark.parametrize(("page", "email", "params"), WORK_PAGES)
def test_a_work_page_in_khmer_has_no_english_interface_string_left(engine, page, email, params):
    a_draft(engine)  # something in the review queue, on My organisation and in the audit log
    data = data_values(engine)
    at = as_(engine, email, page, lang="km", **params)
    if page == "pages/update.py":
        at = at.button(key="u_add_item").click().run()  # the new evidence item's fields too
    if page == "pages/admin.py":
        at.selectbox(key="admin_target").set_value("contrib@cwcc.example")
        at = at.run()  # the fields to change an account too
    assert not at.exception
    texts = shown(at)
    assert len(texts) > 5 and sum(i18n.in_script(t, "km") for t in texts) > 5, texts
    assert english_left(at, data) == set(), [t for t in texts if WORD.search(t)]

    english = as_(engine, email, page, lang="en", **params)  # the control: the same check finds English
    assert english_left(english, data), shown(english)


def test_the_assessment_form_submitted_empty_names_its_problems_in_khmer(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/update.py", id=REC, lang="km")
    at = at.button(key="u_submit").click().run()
    assert beside(at, "assessment", "u_status") == ["សូមជ្រើសរើសស្ថានភាព។"]
    assert beside(at, "assessment", "u_as_of") == ["សូមបំពេញកាលបរិច្ឆេទ «គិតត្រឹម» (កាលបរិច្ឆេទនៃភស្តុតាងចុងក្រោយបង្អស់)៖ វានៅទទេ។"]
    assert beside(at, "assessment", "u_rationale") == ["សូមបំពេញហេតុផល៖ វានៅទទេ។"]
    summary = at.error[0].value
    assert summary == KM.plural(
        "Nothing was saved: {n} problem to fix; each is shown beside its field.",
        "Nothing was saved: {n} problems to fix; each is shown beside its field.",
        3,
    )
    assert "3" in summary and i18n.in_script(summary, "km")
    assert english_left(at, data_values(engine)) == set()


def test_an_upload_with_problems_names_each_row_and_column_in_khmer(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/upload.py", lang="km")
    base = {"recommendation_id": REC, "status": "", "as_of": "", "rationale": "", "evidence": "", "addressee_id": ""}
    at = upload(at, [
        {**base, "addressee_id": "RGC"},  # every required cell empty
        {**base, "status": "finished", "as_of": "2099-01-01", "rationale": "Piloted.", "evidence": EVIDENCE,
         "addressee_id": "MoLVT"},
        {**base, "status": "In progress", "as_of": "2023-03-01", "rationale": "Piloted.", "evidence": EVIDENCE,
         "addressee_id": "rgc"},
    ])  # fmt: skip
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "0", "2"]
    rows = {m.value.split("**")[1]: unescaped(m.value) for m in at.markdown if m.value.startswith("**")}
    assert set(rows) == {"ជួរដេកទី 2", "ជួរដេកទី 3"}
    assert "- ជួរឈរ rationale៖ សូមបំពេញហេតុផល៖ វានៅទទេ។" in rows["ជួរដេកទី 2"]
    assert "- ជួរឈរ status៖ “finished” មិនមែនជាជម្រើសមួយសម្រាប់ស្ថានភាពទេ៖ មិនទាន់វាយតម្លៃ," in rows["ជួរដេកទី 3"]
    assert "ជួរឈរ addressee_id៖ អនុសាសន៍នេះ (mmn2016-04) មិនបានស្នើអ្វីទៅកាន់ molvt ទេ" in rows["ជួរដេកទី 3"]
    assert "ជួរឈរ as_of៖ 2099-01-01 ស្ថិតនៅក្នុងអនាគត" in rows["ជួរដេកទី 3"]
    assert english_left(at, data_values(engine)) == set(), shown(at)


def test_a_refused_upload_says_why_in_khmer(engine):
    at = as_(engine, "contrib@cwcc.example", "pages/upload.py", lang="km")
    at = upload(at, [{"recommendation_id": REC, "status": "in_progress", "as_of": "2023-03-01", "rationale": "=cmd"}])
    refused = unescaped(at.error[0].value)
    assert "ឯកសារមានក្រឡាដែលកម្មវិធីតារាងនឹងដំណើរការជារូបមន្ត (ជួរដេកទី 2 ជួរឈរ rationale)" in refused
    assert refused.endswith("គ្មានអ្វីត្រូវបានសរសេរទេ។")
