"""Users and organisations: admins create accounts, change roles, disable accounts, add organisations."""

import streamlit as st

from recommendations import ui
from recommendations.permissions import ROLE_LABELS, ROLE_NAMES, Role
from recommendations.vocabulary import ACTOR_TYPE_LABELS
from recommendations.write import accounts, workspace

ui.through_entrypoint()
who = ui.require_page("pages/admin.py")
engine = ui.engine()
state = st.session_state
tr = ui.tr()
t = tr.t  # bound to this run's language: a format_func may be called after the run (AppTest does)

st.title(t("Users and organisations"))
if done := state.pop("admin_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")
orgs = workspace.organisations(engine)
org_labels = {r.id: f"{r.name} ({r.id})" for r in orgs.itertuples()}


def run(label: str, function, *, clear: tuple[str, ...] = (), **arguments) -> None:  # noqa: ANN001
    """One write; on success say so, empty the fields in ``clear`` and draw the page again, else name each problem."""
    if ui.submit(function, key="admin_errors", **arguments) is not None or not state["admin_errors"]:
        for key in clear:
            state.pop(key, None)
        state["admin_done"] = label
        st.rerun()
    for message in (m for field, found in state.pop("admin_errors").items() if field != "conflict" for m in found):
        st.error(ui.esc(message))


NEW_ACCOUNT = ("admin_email", "admin_name", "admin_role", "admin_org", "admin_password")
users = workspace.users(engine, who)
st.header(t("Accounts"))
ACCOUNT_HEADERS = {
    "email": t("Email"),
    "name": t("Name"),
    "role": t("Role"),
    "organisation_id": t("Organisation"),
    "active": t("Active"),
    "locked_until": t("Locked until (UTC)"),
    "created_at": t("Created (UTC)"),
}
st.dataframe(users.assign(role=users["role"].map(lambda r: t(ROLE_NAMES[Role(r)]))), hide_index=True,
             column_config=ACCOUNT_HEADERS)  # fmt: skip
problems = state.get("admin_add_errors", {})
ui.problem_summary(problems, beside=("email", "name", "role", "organisation", "password"))
with st.form("add_user", enter_to_submit=False):  # Enter in a field must not add a half-filled account
    st.markdown(f"**{t('Add an account')}**")
    email = st.text_input(t("Email"), key="admin_email")
    ui.field_errors(problems, "email")
    name = st.text_input(t("Name (shown in the history)"), key="admin_name")
    ui.field_errors(problems, "name")
    role = st.selectbox(t("Role"), [r.value for r in Role], format_func=lambda r: t(ROLE_LABELS[r]), key="admin_role")
    ui.field_errors(problems, "role")
    organisation = st.selectbox(
        t("Organisation"), ["", *org_labels], format_func=lambda o: org_labels.get(o, t("(none: admins only)")),
        key="admin_org",
    )  # fmt: skip
    ui.field_errors(problems, "organisation")
    password = st.text_input(
        t("First password (12 characters or more; they should change it)"), type="password", key="admin_password"
    )
    ui.field_errors(problems, "password")
    added = st.form_submit_button(t("Add account"), type="primary")
if added:
    new = ui.submit(accounts.create_user, key="admin_add_errors", email=email, role=role, password=password, name=name,
                    organisation=organisation or None)  # fmt: skip
    if new is not None:  # a clean form for the next account: no email, and above all no password, left in it
        for key in NEW_ACCOUNT:
            state.pop(key, None)
        state["admin_done"] = t("Added {name}.", name=email.strip())
    st.rerun()

st.markdown(f"**{t('Change an account')}**")
rows = {r.email: r for r in users.itertuples()}
target = st.selectbox(
    t("Account"), list(rows), key="admin_target", index=None, placeholder=t("Choose an account"),
    format_func=lambda e: (t("{email} · {role} · active", email=e, role=t(ROLE_NAMES[Role(rows[e].role)]))
                           if rows[e].active else
                           t("{email} · {role} · disabled", email=e, role=t(ROLE_NAMES[Role(rows[e].role)]))),
)  # fmt: skip
if target:
    account = rows[target]
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    roles = [r.value for r in Role]
    new_role = left.selectbox(t("Role"), roles, index=roles.index(account.role), key="admin_new_role",
                              format_func=lambda r: t(ROLE_NAMES[Role(r)]))  # fmt: skip
    if right.button(t("Set this role"), key="admin_set_role", disabled=new_role == account.role):
        now = t("{email} is now {role}; their sessions are ended.", email=target, role=t(ROLE_NAMES[Role(new_role)]))
        run(now, accounts.set_role, email=target, role=new_role)
    if not account.active:
        st.caption(t("This account is disabled: it cannot log in."))
        if st.button(t("Enable the account again"), key="admin_enable", icon=":material/lock_open:"):
            run(t("{email} can log in again.", email=target), accounts.enable_user, email=target)
    elif state.get("admin_confirm_disable") != target:
        if st.button(t("Disable the account…"), key="admin_disable", icon=":material/block:"):
            state["admin_confirm_disable"] = target
            st.rerun()
    else:
        st.warning(
            ui.esc(t("Disable {email}? They can no longer log in and their sessions end now; what they recorded "
                     "stays. You can enable the account again later.", email=target)), icon=":material/warning:",
        )  # fmt: skip
        yes, no = st.columns(2)
        if yes.button(t("Yes, disable it"), key="admin_disable_yes", type="primary"):
            state.pop("admin_confirm_disable", None)
            run(t("Disabled {email}; their sessions are ended.", email=target), accounts.disable_user, email=target)
        if no.button(t("Cancel"), key="admin_disable_no"):
            state.pop("admin_confirm_disable", None)
            st.rerun()

st.header(t("Organisations"))
st.caption(t("An organisation is an actor: the coalitions, CSOs and unions whose members record assessments."))
ORG_HEADERS = {"id": t("Id"), "name": t("Name"), "acronym": t("Acronym"), "type": t("Type")}
shown_orgs = orgs.drop(columns=["version"])
shown_orgs["type"] = shown_orgs["type"].map(lambda k: t(ACTOR_TYPE_LABELS[k]) if k in ACTOR_TYPE_LABELS else k)
st.dataframe(shown_orgs, hide_index=True, column_config=ORG_HEADERS)
with st.form("rename_organisation", enter_to_submit=False):
    st.markdown(f"**{t('Rename an organisation')}**")
    target_org = st.selectbox(
        t("Organisation"), list(org_labels), format_func=org_labels.get, key="admin_rename_target"
    )
    row = orgs.set_index("id").loc[target_org] if target_org else None
    seen = state.setdefault(f"admin_seen_{target_org}", int(row["version"])) if row is not None else 0
    new_name = st.text_input(t("New name"), key="admin_rename_name")
    if st.form_submit_button(t("Rename")) and target_org:
        changes = {"name": new_name}
        if ui.submit(accounts.edit_organisation, key="admin_errors", actor_id=target_org, seen_version=seen,
                     changes=changes) is not None:  # fmt: skip
            state.pop(f"admin_seen_{target_org}", None)
            state["admin_done"] = t("Renamed {id}.", id=target_org)
            st.rerun()
        problems = state.pop("admin_errors")
        if problems.get("conflict"):  # the typed name stays in the field; saving again replaces the newer name
            state[f"admin_seen_{target_org}"] = int(row["version"])
        for message in (m for field, found in problems.items() if field != "conflict" for m in found):
            st.error(ui.esc(message))

with st.form("add_organisation", enter_to_submit=False):
    st.markdown(f"**{t('Add an organisation')}**")
    org_name = st.text_input(t("Name"), key="admin_org_name")
    acronym = st.text_input(t("Acronym (optional)"), key="admin_org_acronym")
    kind = st.selectbox(
        t("Type"),
        list(ACTOR_TYPE_LABELS),
        format_func=lambda k: t(ACTOR_TYPE_LABELS[k]),
        index=list(ACTOR_TYPE_LABELS).index("cso"),
        key="admin_org_type",
    )
    country = st.text_input(t("Country (optional)"), key="admin_org_country")
    if st.form_submit_button(t("Add organisation")):
        run(
            t("Added {name}.", name=org_name),
            accounts.add_organisation,
            clear=("admin_org_name", "admin_org_acronym", "admin_org_type", "admin_org_country"),
            data={"name": org_name, "acronym": acronym, "type": kind, "country": country},
        )

st.header(t("Proposed corrections to the curated dataset's evidence"))
ui.correction_queue(who)
