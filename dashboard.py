"""Recommendation tracker for labour-migration advocacy: Streamlit entrypoint.

Builds the database from data/ on first start, draws the shared filters and the
login state, and runs the page the user picked. Pages are UI only; the rules live
in recommendations/ and models/. The menu shows each role the pages it may use;
every write is checked again on the server (recommendations/updates.py).
"""

from pathlib import Path

import streamlit as st

from recommendations import ui
from recommendations.permissions import ROLE_LABELS

st.set_page_config(page_title="Migrant-worker recommendation tracker", page_icon="📋", layout="wide")

HERE = Path(__file__).resolve().parent
# section -> (page file, title, icon); grouped by what a user came to do. Readable by everyone.
NAVIGATION = {
    "Progress": [
        ("pages/overview.py", "Overview", ":material/monitoring:"),
        ("pages/owners.py", "Owners", ":material/groups:"),
        ("pages/themes.py", "Themes and recurrence", ":material/repeat:"),
    ],
    "Explore": [
        ("pages/explore.py", "Explore recommendations", ":material/table_view:"),
        ("pages/recommendation.py", "Recommendation detail", ":material/article:"),
    ],
    "Prepare a meeting": [
        ("pages/brief.py", "Meeting brief", ":material/description:"),
    ],
    "Sources and data": [
        ("pages/sources.py", "Sources and glossary", ":material/menu_book:"),
        ("pages/data.py", "Download data", ":material/download:"),
    ],
}
# Pages for people who log in: (page file, title, icon, roles that see it in the menu). A page a role may
# not use is still registered (hidden), so a deep link to it asks the visitor to log in instead of failing.
WORK = {
    "Your organisation": [
        ("pages/update.py", "Update status", ":material/edit_note:", ("contributor", "reviewer")),
        ("pages/upload.py", "Upload updates", ":material/upload_file:", ("contributor", "reviewer")),
        ("pages/review.py", "Review queue", ":material/fact_check:", ("reviewer",)),
        ("pages/my_organisation.py", "My organisation", ":material/home_work:", ("contributor", "reviewer")),
        ("pages/evidence_edit.py", "Correct an evidence item", ":material/edit:", ()),  # opened from a detail page
    ],
    "Administration": [
        ("pages/admin.py", "Users and organisations", ":material/manage_accounts:", ("admin",)),
        ("pages/audit.py", "Audit log", ":material/history:", ("admin",)),
    ],
}
LOGIN_PAGE = ("pages/login.py", "Log in", ":material/login:")

every_file = [p for entries in NAVIGATION.values() for p, *_ in entries]
every_file += [p for entries in WORK.values() for p, *_ in entries] + [LOGIN_PAGE[0]]
missing = [path for path in every_file if not (HERE / path).exists()]
if missing:  # a page left out of the menu without a word would look like a feature that never existed
    raise FileNotFoundError(f"dashboard.NAVIGATION names page files that do not exist: {', '.join(missing)}")

ui.start()  # a wrong setting (a placeholder secret above all) stops here, naming it
ui.engine()  # builds the database on first run
ui.refresh_if_changed()  # another app server (or a load) wrote: show it
who = ui.principal()
role = who.role.value if who else None
pages = {
    section: [
        st.Page(path, title=title, icon=icon, default=path == "pages/overview.py") for path, title, icon in entries
    ]
    for section, entries in NAVIGATION.items()
}
for section, entries in WORK.items():
    shown = [
        st.Page(path, title=title, icon=icon, visibility="visible" if role in roles else "hidden")
        for path, title, icon, roles in entries
    ]
    pages[section] = shown
pages["Account"] = [
    st.Page(LOGIN_PAGE[0], title=LOGIN_PAGE[1], icon=LOGIN_PAGE[2], visibility="hidden" if who else "visible")
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
    ui.session_cookie()
page.run()
