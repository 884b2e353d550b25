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
st.header("Accounts")
st.dataframe(users, hide_index=True, column_config={"organisation_id": "Organisation"})
problems = state.get("admin_add_errors", {})
ui.problem_summary(problems, beside=("email", "name", "role", "organisation", "password"))
with st.form("add_user", enter_to_submit=False):  # Enter in a field must not add a half-filled account
    st.markdown("**Add an account**")
    email = st.text_input("Email", key="admin_email")
    ui.field_errors(problems, "email")
    name = st.text_input("Name (shown in the history)", key="admin_name")
    ui.field_errors(problems, "name")
    role = st.selectbox(
        "Role", [r.value for r in permissions.Role], format_func=lambda r: permissions.ROLE_LABELS[r], key="admin_role"
    )
    ui.field_errors(problems, "role")
    organisation = st.selectbox(
        "Organisation", ["", *org_labels], format_func=lambda o: org_labels.get(o, "(none: admins only)"),
        key="admin_org",
    )  # fmt: skip
    ui.field_errors(problems, "organisation")
    password = st.text_input(
        "First password (12 characters or more; they should change it)", type="password", key="admin_password"
    )
    ui.field_errors(problems, "password")
    added = st.form_submit_button("Add account", type="primary")
if added:
    new = ui.submit(accounts.create_user, key="admin_add_errors", email=email, role=role, password=password, name=name,
                    organisation=organisation or None)  # fmt: skip
    if new is not None:  # a clean form for the next account: no email, and above all no password, left in it
        for key in NEW_ACCOUNT:
            state.pop(key, None)
        state["admin_done"] = f"Added {email.strip()}."
    st.rerun()

st.markdown("**Change an account**")
rows = {r.email: r for r in users.itertuples()}
target = st.selectbox(
    "Account", list(rows), key="admin_target", index=None, placeholder="Choose an account",
    format_func=lambda e: f"{e} · {rows[e].role} · {'active' if rows[e].active else 'disabled'}",
)  # fmt: skip
if target:
    account = rows[target]
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    roles = [r.value for r in permissions.Role]
    new_role = left.selectbox("Role", roles, index=roles.index(account.role), key="admin_new_role")
    if right.button("Set this role", key="admin_set_role", disabled=new_role == account.role):
        run(f"{target} is now {new_role}; their sessions are ended.", accounts.set_role, email=target, role=new_role)
    if not account.active:
        st.caption("This account is disabled: it cannot log in.")
        if st.button("Enable the account again", key="admin_enable", icon=":material/lock_open:"):
            run(f"{target} can log in again.", accounts.enable_user, email=target)
    elif state.get("admin_confirm_disable") != target:
        if st.button("Disable the account…", key="admin_disable", icon=":material/block:"):
            state["admin_confirm_disable"] = target
            st.rerun()
    else:
        st.warning(
            ui.esc(f"Disable {target}? They can no longer log in and their sessions end now; what they recorded "
                   "stays. You can enable the account again later."), icon=":material/warning:",
        )  # fmt: skip
        yes, no = st.columns(2)
        if yes.button("Yes, disable it", key="admin_disable_yes", type="primary"):
            state.pop("admin_confirm_disable", None)
            run(f"Disabled {target}; their sessions are ended.", accounts.disable_user, email=target)
        if no.button("Cancel", key="admin_disable_no"):
            state.pop("admin_confirm_disable", None)
            st.rerun()

st.header("Organisations")
st.caption("An organisation is an actor: the coalitions, CSOs and unions whose members record assessments.")
st.dataframe(orgs.drop(columns=["version"]), hide_index=True)
with st.form("rename_organisation", enter_to_submit=False):
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

with st.form("add_organisation", enter_to_submit=False):
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
            clear=("admin_org_name", "admin_org_acronym", "admin_org_type", "admin_org_country"),
            data={"name": org_name, "acronym": acronym, "type": kind, "country": country},
        )

st.header("Proposed corrections to the curated dataset's evidence")
ui.correction_queue(who)
