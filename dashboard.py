"""Recommendation tracker for labour-migration advocacy: Streamlit entrypoint.

Builds the database from data/ on first start, draws the shared filters and the
login state, and runs the page the user picked. Pages are UI only; the rules live
in recommendations/ and models/. The menu shows each role the pages it may use;
every write is checked again on the server (recommendations/write/).
"""

from pathlib import Path

import streamlit as st

from recommendations import ui
from recommendations.permissions import ROLE_LABELS
from recommendations.ui.nav import LOGIN

st.set_page_config(page_title="Migrant-worker recommendation tracker", page_icon="📋", layout="wide")

HERE = Path(__file__).resolve().parent
missing = [page.path for page in (*ui.PAGES, LOGIN) if not (HERE / page.path).exists()]
if missing:  # a page left out of the menu without a word would look like a feature that never existed
    raise FileNotFoundError(f"ui.nav.PAGES names page files that do not exist: {', '.join(missing)}")

ui.start()  # a wrong setting (a placeholder secret above all) stops here, naming it
ui.engine()  # builds the database on first run
ui.refresh_if_changed()  # another app server (or a load) wrote: show it
who = ui.principal()
# Every page is registered; a page is in the menu when the permission table opens it to this person. A hidden
# page is still registered, so a deep link to it asks the visitor to log in instead of failing.
pages: dict[str, list] = {}
for entry in ui.PAGES:
    shown = entry.in_menu and entry.open_to(who)
    pages.setdefault(entry.section, []).append(
        st.Page(entry.path, title=entry.title, icon=entry.icon, default=entry.default,
                visibility="visible" if shown else "hidden")
    )  # fmt: skip
pages[LOGIN.section] = [
    st.Page(LOGIN.path, title=LOGIN.title, icon=LOGIN.icon, visibility="hidden" if who else "visible")
]
page = st.navigation(pages)
with st.sidebar:
    if who:
        st.caption(ui.esc(f"Logged in as {who.display}: {ROLE_LABELS[who.role].split(' (')[0].lower()}."))
        if st.button("Log out", icon=":material/logout:", width="stretch"):
            ui.log_out()
            st.rerun()
    elif st.session_state.pop("_session_ended", False):
        st.info("Your session has ended. Log in again to record or review.", icon=":material/timer_off:")
    st.caption(
        "Tracks civil-society, AFML and Cambodian tripartite recommendations on migrant workers "
        "(2011–2022): who is asked to act, what has been done since, and the evidence."
    )
ui.sidebar_filters()
with st.sidebar:
    ui.session_cookie(page)  # after a log-in or log-out: the server sets or clears the cookie
page.run()
