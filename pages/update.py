"""Update status: record a dated assessment, with its evidence, for the logged-in person's organisation."""

import streamlit as st

from recommendations import permissions, ui
from recommendations.vocabulary import EVIDENCE_KIND_LABELS, STATUS_LABELS, EvidenceKind
from recommendations.write import updates, workspace

ui.through_entrypoint()
who = ui.require_page("pages/update.py")
engine = ui.engine()
state = st.session_state
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)

st.title(t("Update status"))
st.caption(
    ui.esc(t("Recorded for {organisation} as {person}.", organisation=who.organisation_name, person=who.display))
)

rec_id = st.query_params.get("id")
found = workspace.recommendation_brief(engine, rec_id) if rec_id else None
if found is None:
    if rec_id:
        st.error(t("No recommendation has the id in the link. Search for it below."))
    query = st.text_input(t("Find the recommendation"), placeholder=t("a word of its title or text, or its id"))
    matches = workspace.search_recommendations(engine, query) if query.strip() else []
    if query.strip() and not matches:
        st.info(t("No recommendation matches. Try another word."))
    if matches:
        labels = dict(matches)
        found_words = ui.plural("{n} found (at most 25 shown)", "{n} found (at most 25 shown)", len(matches))
        choice = st.selectbox(found_words, list(labels), format_func=labels.get, index=None)
        if choice:
            st.query_params["id"] = choice
            st.rerun()
    st.stop()

st.header(ui.esc(found["title"]))
st.text(found["text"])
st.caption(ui.esc(t("{id} · made {date}", id=found["id"], date=tr.date(found["date"]))))

corrects = st.query_params.get("corrects")
if corrects:
    own = workspace.standing_of(engine, who, tr)
    own = own[(own["id"] == corrects) & (own["recommendation_id"] == found["id"])]
    if own.empty:
        st.warning(
            t("The assessment in the link is not a standing assessment of your organisation; recording a new one.")
        )
        corrects = None
    else:
        row = own.iloc[0]
        st.info(ui.esc(t(
            "Correcting {id}: {status} as of {as_of}. It stays in the history, marked as superseded.",
            id=row["id"], status=row["status_label"], as_of=tr.date(row["as_of"]),
        )))  # fmt: skip

problems = state.get("u_errors", {})
if done := state.pop("u_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")
    ui.page_link("pages/my_organisation.py", label=t("See it under My organisation"), icon=":material/home_work:")

search = st.text_input(t("Find other evidence to cite"), key="u_evidence_search", placeholder=t("a word of its title"))
choices = dict(workspace.evidence_choices(engine, who, found["id"], search))
addressees = {"": t("The whole ask (every addressee)"), **dict(found["addressees"])}
state.setdefault("u_new_count", 0)


def more_items(step: int) -> None:
    state["u_new_count"] = min(5, max(0, state["u_new_count"] + step))


FIELDS = ("addressee", "status", "as_of", "rationale", "evidence", "new_evidence.", "supersede_reason", "supersedes")
ui.problem_summary(problems, beside=FIELDS)
with st.form("assessment", clear_on_submit=False, enter_to_submit=False):  # Enter must not save a half-filled form
    addressee = st.selectbox(
        t("Which part of the ask it judges"), list(addressees), format_func=addressees.get, key="u_addressee"
    )
    ui.field_errors(problems, "addressee")
    status = st.selectbox(
        t("Status"), list(STATUS_LABELS), format_func=lambda s: t(STATUS_LABELS[s]), index=None,
        placeholder=t("Choose a status"), key="u_status",
    )  # fmt: skip
    ui.field_errors(problems, "status")
    as_of = st.text_input(
        t("As of: the date of the latest evidence it rests on (YYYY-MM-DD; YYYY-MM or YYYY if only that is known)"),
        key="u_as_of", placeholder=t("e.g. {date}", date="2023-03-01"),
    )  # fmt: skip
    ui.field_errors(problems, "as_of")
    rationale = st.text_area(
        t("Rationale: why the evidence supports this status, and what it does not show"), key="u_rationale"
    )
    ui.field_errors(problems, "rationale")
    cited = st.multiselect(
        t("Evidence it rests on (required unless the status is not assessed)"),
        list(choices),
        format_func=choices.get,
        key="u_evidence",
        placeholder=t("Choose the evidence items"),
    )
    ui.field_errors(problems, "evidence")
    new_items = []
    for i in range(state["u_new_count"]):
        st.markdown(f"**{t('New evidence item {n}', n=i + 1)}**")
        item = {}
        for name, draw in (
            ("title", lambda key: st.text_input(t("Title"), key=key)),
            ("date", lambda key: st.text_input(t("Date (YYYY, YYYY-MM or YYYY-MM-DD)"), key=key)),
            ("kind", lambda key: st.selectbox(t("Kind"), [k.value for k in EvidenceKind], key=key,
                                              format_func=lambda k: t(EVIDENCE_KIND_LABELS[k]))),
            ("url", lambda key: st.text_input(t("Web address (http or https)"), key=key)),
            ("citation", lambda key: st.text_input(t("Or a citation (document, page)"), key=key)),
            ("summary", lambda key: st.text_area(t("Summary, in your own words"), key=key)),
        ):  # fmt: skip
            item[name] = draw(f"u_new_{i}_{name}")
            ui.field_errors(problems, f"new_evidence.{i}.{name}")  # right under its field
        new_items.append(item)
    st.caption(t("New evidence items to add with this assessment: {n} (at most 5).", n=state["u_new_count"]))
    add, remove = st.columns(2)
    add.form_submit_button(t("Add a new evidence item"), key="u_add_item", on_click=more_items, args=(1,),
                           disabled=state["u_new_count"] >= 5, icon=":material/add:")  # fmt: skip
    remove.form_submit_button(t("Remove the last new item"), key="u_remove_item", on_click=more_items, args=(-1,),
                              disabled=state["u_new_count"] == 0, icon=":material/remove:")  # fmt: skip
    reason = st.text_area(t("Why the earlier assessment is corrected"), key="u_reason") if corrects else None
    ui.field_errors(problems, "supersede_reason")
    ui.field_errors(problems, "supersedes")
    publish = (
        st.checkbox(t("Publish now (as a reviewer)"), key="u_publish")
        if permissions.allowed(who, permissions.Action.PUBLISH, who.organisation_id)
        else False
    )
    # One label and key whatever the checkbox says: a button whose label changes between runs loses its click.
    submitted = st.form_submit_button(t("Save"), type="primary", key="u_submit")
    st.caption(t("A contributor's record is a draft until a reviewer of the organisation publishes it."))

if submitted:
    form = updates.AssessmentForm(
        recommendation=found["id"], status=status or "", as_of=as_of.strip(), rationale=rationale,
        addressee=addressee or None, evidence=list(cited), new_evidence=new_items, supersedes=corrects,
        supersede_reason=reason, publish=bool(publish),
    )  # fmt: skip
    new_id = ui.submit(updates.record_assessment, key="u_errors", form=form)
    if new_id is not None:
        for key in [k for k in state if str(k).startswith("u_") and k not in ("u_errors",)]:
            del state[key]
        state["u_done"] = (
            t("Saved {id} and published it.", id=new_id) if publish else
            t("Saved {id} as a draft: a reviewer of your organisation will publish or return it.", id=new_id)
        )  # fmt: skip
        if corrects:
            del st.query_params["corrects"]
    st.rerun()
