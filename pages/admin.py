"""Users and organisations: admins create accounts, change roles, disable accounts, add organisations."""

import streamlit as st

from recommendations import permissions, ui
from recommendations.vocabulary import ACTOR_TYPE_LABELS
from recommendations.write import accounts, workspace

ui.through_entrypoint()
who = ui.require_page("pages/admin.py")
engine = ui.engine()
state = st.session_state

st.title("Users and organisations")
if done := state.pop("admin_done", None):
    st.success(ui.esc(done), icon=":material/check_circle:")
orgs = workspace.organisations(engine)
org_labels = {r.id: f"{r.name} ({r.id})" for r in orgs.itertuples()}


def run(label: str, function, **arguments) -> None:  # noqa: ANN001
    if ui.submit(function, key="admin_errors", **arguments) is not None or not state["admin_errors"]:
        state["admin_done"] = label
        st.rerun()
    for field, messages in state.pop("admin_errors").items():
        for message in messages:
            st.error(ui.esc(message if field in ("form", "conflict") else f"{field}: {message}"))


st.header("Accounts")
st.dataframe(workspace.users(engine, who), hide_index=True, column_config={"organisation_id": "Organisation"})
with st.form("add_user", clear_on_submit=False):
    st.markdown("**Add an account**")
    email = st.text_input("Email", key="admin_email")
    name = st.text_input("Name (shown in the history)", key="admin_name")
    role = st.selectbox(
        "Role", [r.value for r in permissions.Role], format_func=lambda r: permissions.ROLE_LABELS[r], key="admin_role"
    )
    organisation = st.selectbox(
        "Organisation",
        ["", *org_labels],
        format_func=lambda o: org_labels.get(o, "(none: admins only)"),
        key="admin_org",
    )
    password = st.text_input(
        "First password (12 characters or more; they should change it)", type="password", key="admin_password"
    )
    if st.form_submit_button("Add account"):
        run(
            f"Added {email}.",
            accounts.create_user,
            email=email,
            role=role,
            password=password,
            name=name,
            organisation=organisation or None,
        )

accounts = workspace.users(engine, who)["email"].tolist()
with st.form("change_user"):
    st.markdown("**Change an account**")
    target = st.selectbox("Account", accounts, key="admin_target")
    new_role = st.selectbox("New role", [r.value for r in permissions.Role], key="admin_new_role")
    cols = st.columns(3)
    set_role = cols[0].form_submit_button("Set this role")
    disable = cols[1].form_submit_button("Disable the account")
    enable = cols[2].form_submit_button("Enable it again")
    if set_role and target:
        run(f"{target} is now {new_role}; their sessions are ended.", accounts.set_role, email=target, role=new_role)
    if disable and target:
        run(f"Disabled {target}; their sessions are ended.", accounts.disable_user, email=target)
    if enable and target:
        run(f"{target} can log in again.", accounts.enable_user, email=target)

st.header("Organisations")
st.caption("An organisation is an actor: the coalitions, CSOs and unions whose members record assessments.")
st.dataframe(orgs.drop(columns=["version"]), hide_index=True)
with st.form("rename_organisation"):
    st.markdown("**Rename an organisation**")
    target_org = st.selectbox("Organisation", list(org_labels), format_func=org_labels.get, key="admin_rename_target")
    row = orgs.set_index("id").loc[target_org] if target_org else None
    seen = state.setdefault(f"admin_seen_{target_org}", int(row["version"])) if row is not None else 0
    new_name = st.text_input("New name", key="admin_rename_name")
    if st.form_submit_button("Rename") and target_org:
        changes = {"name": new_name}
        if ui.submit(accounts.edit_organisation, key="admin_errors", actor_id=target_org, seen_version=seen,
                     changes=changes) is not None:  # fmt: skip
            state.pop(f"admin_seen_{target_org}", None)
            state["admin_done"] = f"Renamed {target_org}."
            st.rerun()
        problems = state.pop("admin_errors")
        if problems.get("conflict"):  # the typed name stays in the field; saving again replaces the newer name
            state[f"admin_seen_{target_org}"] = int(row["version"])
        for message in (m for field, found in problems.items() if field != "conflict" for m in found):
            st.error(ui.esc(message))

with st.form("add_organisation"):
    st.markdown("**Add an organisation**")
    org_name = st.text_input("Name", key="admin_org_name")
    acronym = st.text_input("Acronym (optional)", key="admin_org_acronym")
    kind = st.selectbox(
        "Type",
        list(ACTOR_TYPE_LABELS),
        format_func=ACTOR_TYPE_LABELS.get,
        index=list(ACTOR_TYPE_LABELS).index("cso"),
        key="admin_org_type",
    )
    country = st.text_input("Country (optional)", key="admin_org_country")
    if st.form_submit_button("Add organisation"):
        run(
            f"Added {org_name}.",
            accounts.add_organisation,
            data={"name": org_name, "acronym": acronym, "type": kind, "country": country},
        )

st.header("Proposed corrections to the curated dataset's evidence")
ui.correction_queue(who)
