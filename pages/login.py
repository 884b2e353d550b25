"""Log in: email and password (argon2-checked on the server), or single sign-on when it is configured."""

import streamlit as st

from recommendations import ui
from recommendations.ui import t

ui.through_entrypoint()

st.title(t("Log in"))
st.write(
    t(
        "Coalition members log in to record status assessments for their organisation and to review them. "
        "Reading the tracker needs no account."
    )
)
if who := ui.principal():
    st.success(t("You are logged in."), icon=":material/check_circle:")
    home = ui.home(who)
    ui.page_link(home.path, label=t("Go to {page}", page=t(home.title)), icon=home.icon)
    st.stop()

with st.form("login", enter_to_submit=True, clear_on_submit=True):  # the password never lingers in the page
    email = st.text_input(t("Email"), key="login_email", autocomplete="username")
    password = st.text_input(t("Password"), type="password", key="login_password", autocomplete="current-password")
    submitted = st.form_submit_button(t("Log in"), type="primary")
if submitted:
    problem = ui.log_in(email, password)
    if problem:
        st.error(ui.esc(problem), icon=":material/lock:")
    else:
        ui.switch_page(ui.home(ui.principal(), st.session_state.pop("_after_login", None)).path)

if ui.sso_enabled():
    st.divider()
    st.write(t("Or log in with your organisation's identity provider (your email must have an account here)."))
    if error := st.session_state.pop("_sso_error", None):
        st.error(ui.esc(error))
    st.button(t("Log in with single sign-on"), on_click=st.login, icon=":material/key:")

st.caption(
    t(
        "After 5 failed log-ins an account is locked for 15 minutes. Accounts are created by an admin; "
        "ask your coalition's admin if you do not have one."
    )
)
