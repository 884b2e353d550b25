"""The steps of *Add a document* (pages/add_document.py): the document's details or the gap it fills, its text
(pasted, or read from a TXT/DOCX/PDF and corrected before it is kept), and its recommendations (one by one or
from a sheet), each with its problems shown under it as text. What the person entered stays in
``st.session_state`` as plain values (strings, lists, dicts) under keys starting ``cd_``; the rules are on the
write side (``write/curation_form.py``, ``write/curation.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from recommendations.i18n import N_, Message
from recommendations.ui.data import choosers, engine, gaps
from recommendations.ui.forms import field_errors
from recommendations.ui.language import language, plural, t, tr
from recommendations.ui.widgets import esc
from recommendations.vocabulary import ACTOR_TYPE_LABELS, SOURCE_KIND_LABELS, SourceKind
from recommendations.write import curation_form, curation_rows, curation_sheet, errors, extract
from recommendations.write.curation_form import Preview
from recommendations.write.office import size_words

PREFIX = "cd_"
#: The document uploader's own limit (Streamlit's is 10 MB): the reader's, so a larger file is refused in words.
UPLOAD_MB = -(-extract.MAX_BYTES // (1024 * 1024)) + 1
COLUMN = "column {column}: {problem}"
#: extract.read_document's words for a file over its limit (said here before the file is read at all).
TOO_BIG = N_(
    "The file is {size}; documents are limited to {limit}. Paste the text instead, or upload the part that holds "
    "the recommendations."
)  # the upload page's words for a problem of one column (in the catalog)


#: The columns of a recommendations sheet (and the fields of one entered by hand), as a problem names them.
COLUMN_NAMES = {
    "number": N_("number"), "section": N_("section"), "lead_in": N_("lead_in"), "text": N_("text"),
    "title": N_("title"), "themes": N_("themes"), "addressees": N_("addressees"), "problems": N_("problems"),
    "id": N_("id"), "row": N_("row"),
}  # fmt: skip


def column(field: str | None) -> str:
    """A sheet column's name in the page's language (the header as it stands in the sheet, in English)."""
    return t(COLUMN_NAMES[field]) if field in COLUMN_NAMES else str(field)


def named(labels: Mapping[Any, str]) -> Callable[[Any], str]:
    """A chooser's ``format_func``: each option by its label (the option itself if it has none)."""
    return lambda key: labels.get(key, str(key))


def state() -> Any:
    return st.session_state


def reset() -> None:
    """Forget the document being added (after it is submitted, or to start another)."""
    for key in [k for k in state() if str(k).startswith(PREFIX)]:
        del state()[key]


def load(values: Mapping[str, Any]) -> None:
    """Put a recorded draft's values (``curation_form.form_of``) into the page, to correct it."""
    reset()
    s = state()
    s["cd_mode"] = "gap" if values["fills"] else "new"
    s["cd_fills"] = values["fills"]
    for name, value in values["source"].items():
        s[f"cd_src_{name}"] = value
    if isinstance(s.get("cd_src_organisers"), str):
        s["cd_src_organisers"] = [v.strip() for v in s["cd_src_organisers"].split(";") if v.strip()]
    s["cd_text"] = s["cd_text_area"] = values["full_text"]
    s["cd_text_name"] = values["text_name"]
    s["cd_rows"] = values["rows"]
    s["cd_choices"] = values["choices"]
    for row in values["rows"]:
        if row["id"] in values["choices"]:
            s[f"cd_occ_{row['row']}"] = values["choices"][row["id"]]
    s["cd_supersedes"] = values["supersedes"]
    s["cd_proposed"] = list(values.get("proposed_actors") or [])
    for link in values["links"]:
        s[f"cd_link_{link['source']}_{link['target']}"] = link["kind"]
        s[f"cd_note_{link['source']}_{link['target']}"] = link.get("note") or ""
    for item in values["dismissed"]:
        s[f"cd_link_{item['source']}_{item['target']}"] = curation_form.DISMISS
        s[f"cd_note_{item['source']}_{item['target']}"] = item.get("note") or ""


def current() -> dict[str, Any]:
    """The document as the page holds it now: what ``curation_form.preview`` and ``submit`` take."""
    s = state()
    fills = s.get("cd_fills") if s.get("cd_mode") == "gap" else None
    values = {name: s.get(f"cd_src_{name}") for name in curation_form.SOURCE_FIELDS}
    source = {"language": s.get("cd_src_language") or None} if fills else curation_form.source_of(values)
    return {
        "source": source, "fills": fills, "full_text": s.get("cd_text", ""), "rows": list(s.get("cd_rows", [])),
        "choices": dict(s.get("cd_choices", {})), "supersedes": s.get("cd_supersedes"),
        "proposed_actors": list(s.get("cd_proposed", [])),
    }  # fmt: skip


def said(problem: errors.FieldError) -> str:
    return problem.words(tr())


def details_step(problems: Mapping[str, list[errors.FieldError]]) -> None:
    """Step 1: a new document's details, or the known gap the document fills."""
    modes = {"new": t("A new document"), "gap": t("It fills a known gap (a document the tracker lists)")}
    mode = st.radio(t("The document"), list(modes), format_func=named(modes), key="cd_mode", horizontal=True)
    shown = {name: [said(p) for p in found] for name, found in problems.items()}
    if mode == "gap":
        table = gaps()
        labels = {}
        row: Any  # a row of the gaps frame
        for row in table.itertuples():
            missing = (
                t("{n} of {expected} missing", n=tr().number(int(row.missing)), expected=tr().number(int(row.expected)))
                if row.missing is not None
                else t("number missing not known")
            )
            labels[row.id] = f"{row.title} ({tr().date(row.date)}; {missing})"
        if state().get("cd_fills") not in labels:
            state()["cd_fills"] = None
        st.selectbox(t("Which gap"), list(labels), format_func=named(labels), index=None, key="cd_fills",
                     placeholder=t("Choose"))  # fmt: skip
        field_errors(shown, "fills")
    else:
        left, right = st.columns(2)
        left.text_input(t("Id (lower case, e.g. 2023-cwcc-statement)"), key="cd_src_id")
        with left:
            field_errors(shown, "id")
        right.text_input(t("Date (YYYY, YYYY-MM or YYYY-MM-DD)"), key="cd_src_date")
        with right:
            field_errors(shown, "date")
        st.text_input(t("Title"), key="cd_src_title")
        field_errors(shown, "title")
        kinds = {k.value: t(SOURCE_KIND_LABELS[k]) for k in SourceKind}
        st.selectbox(t("Kind"), list(kinds), format_func=named(kinds), index=None, key="cd_src_kind",
                     placeholder=t("Choose"))  # fmt: skip
        field_errors(shown, "kind")
        actors = choosers(language())["addressees"]
        st.multiselect(t("Organised by"), list(actors), format_func=named(actors), key="cd_src_organisers",
                       placeholder=t("Choose"))  # fmt: skip
        field_errors(shown, "organisers")
        st.text_input(t("Place"), key="cd_src_place")
        field_errors(shown, "place")
        st.text_input(t("Web address (http or https)"), key="cd_src_url")
        field_errors(shown, "url")
        st.text_input(t("Citation"), key="cd_src_citation")
        field_errors(shown, "citation")
    if "cd_src_language" not in state():
        state()["cd_src_language"] = "en"
    st.text_input(t("Language of the text (a code: en, km)"), key="cd_src_language")
    field_errors(shown, "language")


def text_step(problems: Mapping[str, list[errors.FieldError]]) -> None:
    """Step 2: the text, pasted or read from a file, shown for correction; kept only on "Keep this text"."""
    s = state()
    upload = st.file_uploader(
        t("Read the text from a file (TXT, DOCX or PDF; at most {size} MB), or paste it below",
          size=tr().number(extract.MAX_BYTES // (1024 * 1024))),
        type=["txt", "docx", "pdf"], key="cd_file", max_upload_size=UPLOAD_MB,
    )  # fmt: skip
    if upload is not None and s.get("cd_file_seen") != upload.file_id:
        s["cd_file_seen"] = upload.file_id
        s["cd_file_problems"], s["cd_warnings"] = [], []
        if upload.size > extract.MAX_BYTES:  # refused by its size, before a byte of it is read
            limit = f"{extract.MAX_BYTES // (1024 * 1024)} MB"
            s["cd_file_problems"] = [(TOO_BIG, {"size": size_words(upload.size), "limit": limit})]
        else:
            try:
                found = extract.read_document(upload.name, upload.getvalue())
            except errors.Invalid as exc:
                s["cd_file_problems"] = [(e.said.msgid, dict(e.said.named)) for e in exc.errors]
            else:
                s["cd_text_area"] = found.text
                s["cd_text_name"] = upload.name
                s["cd_warnings"] = [(w.msgid, dict(w.named)) for w in found.warnings]
    for msgid, named in s.get("cd_file_problems", []):
        st.error(esc(errors.sentence(tr().say(Message(msgid, named)))), icon=":material/block:")
    for msgid, named in s.get("cd_warnings", []):
        st.warning(esc(errors.sentence(tr().say(Message(msgid, named)))), icon=":material/warning:")
    st.text_area(t("The document's text: check it and correct what the reading got wrong"), key="cd_text_area",
                 height=260)  # fmt: skip
    st.button(t("Keep this text"), key="cd_keep_text", icon=":material/check:", on_click=_keep_text)
    kept = s.get("cd_text", "")
    if kept:
        st.caption(t("Text kept: {n} characters.", n=tr().number(len(kept))))
        if kept != s.get("cd_text_area", ""):
            st.caption(t("The text above was changed since it was kept: keep it again to use the change."))
    field_errors({k: [said(p) for p in v] for k, v in problems.items()}, "full_text")


def _keep_text() -> None:
    state()["cd_text"] = state().get("cd_text_area", "")


def _add_row() -> None:
    s = state()
    rows = list(s.get("cd_rows", []))
    values = {name: s.get(f"cd_one_{name}") for name in curation_rows.COLUMNS}
    rows.append(curation_form.row_of(values, max((int(r["row"]) for r in rows), default=0) + 1))
    s["cd_rows"] = rows  # the form empties itself (clear_on_submit) for the next one


def _remove_row(number: str) -> None:
    state()["cd_rows"] = [r for r in state().get("cd_rows", []) if r["row"] != number]


def _correct_row(number: str) -> None:
    corrected = state().get(f"cd_fix_{number}", "")
    state()["cd_rows"] = [
        {**r, "text": corrected} if r["row"] == number else r for r in state().get("cd_rows", [])
    ]  # fmt: skip


def addressees() -> dict[str, str]:
    """The addressees a recommendation may name: the known actors, then the ones proposed on this page."""
    proposed = {
        curation_rows.proposed_id(a): t("{name} (proposed)", name=a.get("acronym") or a["name"])
        for a in state().get("cd_proposed", [])
    }  # fmt: skip
    return {**choosers(language())["addressees"], **proposed}


def _propose() -> None:
    s = state()
    actor = {k: s.get(f"cd_new_actor_{k}") or "" for k in ("name", "acronym", "type")}
    proposed = list(s.get("cd_proposed", []))
    found = curation_form.propose(engine(), proposed, actor)
    s["cd_propose_problems"] = [(p.field, p.said.msgid, dict(p.said.named)) for p in found]
    if not found:
        s["cd_proposed"] = [*proposed, {k: v.strip() for k, v in actor.items() if v.strip()}]
        for k in ("name", "acronym"):
            s[f"cd_new_actor_{k}"] = ""


def _withdraw(index: int) -> None:
    proposed = list(state().get("cd_proposed", []))
    state()["cd_proposed"] = proposed[:index] + proposed[index + 1 :]


def propose_part(problems: Mapping[str, list[errors.FieldError]]) -> None:
    """ "An addressee that is not in the list?": propose an organisation or body (name, acronym, type); the
    recommendations may then name it; it is created when a reviewer publishes the document."""
    s = state()
    proposed = s.get("cd_proposed", [])
    with st.expander(t("An addressee that is not in the list?"), expanded=bool(proposed)):
        st.caption(t("Propose it here: it is offered among the addressees (marked proposed) and created when the "
                     "document is published. A sheet may name it by its acronym."))  # fmt: skip
        left, right = st.columns([3, 1])
        left.text_input(t("Name"), key="cd_new_actor_name")
        right.text_input(t("Acronym (optional)"), key="cd_new_actor_acronym")
        types = {k: t(label) for k, label in ACTOR_TYPE_LABELS.items()}
        st.selectbox(t("Type"), list(types), format_func=named(types), key="cd_new_actor_type",
                     index=list(types).index("other"))  # fmt: skip
        st.button(t("Propose it"), key="cd_propose", on_click=_propose, icon=":material/person_add:")
        fields = {"name": t("Name"), "acronym": t("Acronym (optional)"), "type": t("Type")}
        for field, msgid, given in s.get("cd_propose_problems", []):
            words = errors.sentence(tr().say(Message(msgid, given)))
            st.error(esc(t(COLUMN, column=fields.get(field, field), problem=words)), icon=":material/error:")
        for index, actor in enumerate(proposed):
            kind = t(ACTOR_TYPE_LABELS.get(actor.get("type") or "other", ACTOR_TYPE_LABELS["other"]))
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.text(t("Proposed: {name} ({acronym}), {type}", name=actor["name"],
                        acronym=actor.get("acronym") or "—", type=kind))  # fmt: skip
            right.button(t("Withdraw"), key=f"cd_withdraw_{index}", on_click=_withdraw, args=(index,))
            for field, found in problems.items():
                if field.startswith(f"proposed_actors.{index}."):
                    for problem in found:
                        st.error(esc(said(problem)), icon=":material/error:")


def one_by_one() -> None:
    names = {**choosers(language()), "addressees": addressees()}
    with st.form("cd_one", border=True, clear_on_submit=True):
        left, right = st.columns([1, 3])
        left.text_input(t("Number as printed"), key="cd_one_number")
        right.text_input(t("Section (optional)"), key="cd_one_section")
        st.text_input(t("Lead-in (optional, e.g. 'We call on the government to:')"), key="cd_one_lead_in")
        st.text_area(t("Text, copied exactly from the document"), key="cd_one_text")
        st.text_input(t("Short title, in your own words"), key="cd_one_title")
        st.multiselect(t("Themes"), list(names["themes"]), format_func=named(names["themes"]), key="cd_one_themes",
                       placeholder=t("Choose"))  # fmt: skip
        st.multiselect(t("Addressees"), list(names["addressees"]), format_func=named(names["addressees"]),
                       key="cd_one_addressees", placeholder=t("Choose"))  # fmt: skip
        st.text_area(t("Problems the document lists under it (optional, one per line)"), key="cd_one_problems")
        st.form_submit_button(t("Add this recommendation"), on_click=_add_row, icon=":material/add:")


def from_sheet() -> None:
    s = state()
    left, right = st.columns(2)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    left.download_button(t("Template (XLSX, with notes on each column)"), curation_sheet.template_xlsx,
                         file_name="recommendations-template.xlsx", mime=xlsx, icon=":material/download:")  # fmt: skip
    right.download_button(t("Template (CSV)"), curation_sheet.template_csv, file_name="recommendations-template.csv",
                          mime="text/csv", icon=":material/download:")  # fmt: skip
    sheet = st.file_uploader(t("The filled sheet (CSV UTF-8 or XLSX): its rows replace the list below"),
                             type=["csv", "xlsx"], key="cd_sheet")  # fmt: skip
    if sheet is not None and s.get("cd_sheet_seen") != sheet.file_id:
        s["cd_sheet_seen"] = sheet.file_id
        try:
            s["cd_rows"] = curation_sheet.read_recommendations(sheet.name, sheet.getvalue())
            s["cd_sheet_problems"] = []
        except errors.Invalid as exc:
            s["cd_sheet_problems"] = [(e.row, e.field, e.said.msgid, dict(e.said.named)) for e in exc.errors]
        st.rerun()  # the rows are checked at the top of the page
    problems = s.get("cd_sheet_problems", [])
    if problems:
        st.error(t("The sheet was not read: fix these problems and upload it again."), icon=":material/block:")
    for row, field, msgid, named in problems:
        words = errors.sentence(tr().say(Message(msgid, named)))
        named_ = {"column": column(field), "problem": words}
        st.error(esc(t("Row {n}, column {column}: {problem}", n=row, **named_) if row is not None
                     else t(COLUMN, **named_)))  # fmt: skip


def rows_step(preview: Preview | None) -> None:
    """Step 3: the recommendations, and under each row every problem it has, as text."""
    s = state()
    ways = {"one": t("One by one"), "sheet": t("From a sheet (CSV or XLSX)")}
    way = st.radio(t("How to record them"), list(ways), format_func=named(ways), key="cd_rows_how", horizontal=True)
    propose_part(preview.by_field if preview else {})
    one_by_one() if way == "one" else from_sheet()
    rows = s.get("cd_rows", [])
    if not rows:
        return
    st.subheader(plural("{n} recommendation recorded", "{n} recommendations recorded", len(rows)))
    by_row = preview.by_row if preview else {}
    checked = {str(r["row"]): r for r in preview.checked.recommendations} if preview else {}
    for row in rows:
        number = str(row["row"])
        found = by_row.get(int(number), [])
        with st.container(border=True):
            head = "**" + esc(t("Row {n}", n=number)) + "**"
            printed = t("No. {number}", number=row["number"]) if row.get("number") else ""
            st.markdown(" · ".join([head, *(esc(x) for x in (printed, row.get("title")) if x)]))
            st.text(row.get("text") or "")
            for problem in found:
                st.error(esc(t(COLUMN, column=column(problem.field), problem=said(problem))), icon=":material/error:")
            rec = checked.get(number, {})
            places = curation_form.occurrences(s.get("cd_text", ""), row.get("text") or "")
            if len(places) > 1 and rec.get("id"):
                choice = st.radio(t("Which occurrence is this recommendation?"), range(len(places)), index=None,
                                  format_func=places.__getitem__, key=f"cd_occ_{number}")  # fmt: skip
                if choice is not None and s.setdefault("cd_choices", {}).get(rec["id"]) != choice:
                    s["cd_choices"] = {**s["cd_choices"], rec["id"]: choice}
                    st.rerun()
            if any(p.field == "text" for p in found):
                s.setdefault(f"cd_fix_{number}", row.get("text") or "")
                st.text_area(t("Correct the text"), key=f"cd_fix_{number}")
                st.button(t("Use the corrected text"), key=f"cd_fixed_{number}", on_click=_correct_row,
                          args=(number,))  # fmt: skip
            st.button(t("Remove"), key=f"cd_remove_{number}", on_click=_remove_row, args=(number,),
                      icon=":material/delete:")  # fmt: skip
