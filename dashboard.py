"""Recommendation tracker for labour-migration advocacy: Streamlit entrypoint.

Builds the database from data/ on first start, draws the shared filters and the
login state, and runs the page the user picked. Pages are UI only; the rules live
in recommendations/ and models/. The menu shows each role the pages it may use;
every write is checked again on the server (recommendations/write/).
"""

from pathlib import Path

import streamlit as st

from recommendations import ui
from recommendations.permissions import ROLE_NAMES
from recommendations.ui import t, warm
from recommendations.ui.nav import APP_ICON, LOGIN

st.set_page_config(page_title=t("Migrant-worker recommendation tracker"), page_icon=APP_ICON, layout="wide")
ui.style()  # the focus ring, and tables as lists on a phone (recommendations/ui/style.css)

HERE = Path(__file__).resolve().parent
missing = [page.path for page in (*ui.PAGES, LOGIN) if not (HERE / page.path).exists()]
if missing:  # a page left out of the menu without a word would look like a feature that never existed
    raise FileNotFoundError(f"ui.nav.PAGES names page files that do not exist: {', '.join(missing)}")

ui.start()  # a wrong setting (a placeholder secret above all) stops here, naming it
ui.engine()  # builds the database on first run
if ui.refresh_if_changed():  # this or another app server (or a load) wrote: show it
    warm.again()  # and fill the default page again in the background (where app.py started the warm-up)
who = ui.principal()
# Every page is registered; a page is in the menu when the permission table opens it to this person. A hidden
# page is still registered, so a deep link to it asks the visitor to log in instead of failing.
pages: dict[str, list] = {}
entries = []  # (st.Page, its entry in ui.PAGES)
for entry in ui.PAGES:
    shown = entry.in_menu and entry.open_to(who)
    entries.append((st.Page(entry.path, title=t(entry.title), icon=entry.icon, default=entry.default,
                            visibility="visible" if shown else "hidden"), entry))  # fmt: skip
    pages.setdefault(t(entry.section), []).append(entries[-1][0])
entries.append((st.Page(LOGIN.path, title=t(LOGIN.title), icon=LOGIN.icon, visibility="hidden" if who else "visible"),
                LOGIN))  # fmt: skip
pages[t(LOGIN.section)] = [entries[-1][0]]
page = st.navigation(pages)
running = next(entry for st_page, entry in entries if st_page is page)
ui.language_switch()
with st.sidebar:
    if who:
        st.caption(ui.esc(t("Logged in as {name}: {role}.", name=who.display, role=t(ROLE_NAMES[who.role]))))
        if st.button(t("Log out"), icon=":material/logout:", width="stretch"):
            ui.log_out()
            st.rerun()
    elif st.session_state.pop("_session_ended", False):
        st.info(t("Your session has ended. Log in again to record or review."), icon=":material/timer_off:")
    st.caption(
        t(
            "Tracks civil-society, AFML and Cambodian tripartite recommendations on migrant workers "
            "(2011–2022): who is asked to act, what has been done since, and the evidence."
        )
    )
if running.shows_filters:  # a work page ignores the shared filters: they are not drawn there
    ui.sidebar_filters()
with st.sidebar:
    ui.session_cookie(page)  # after a log-in or log-out: the server sets or clears the cookie
page.run()
