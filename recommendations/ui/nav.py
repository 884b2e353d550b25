"""Which pages there are, in which menu section, and which action of the permission table opens each; and
the one workaround of a private Streamlit attribute (``through_entrypoint``), kept here behind a test that
fails when Streamlit changes it (tests/test_ui_nav.py)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from recommendations import permissions
from recommendations.i18n import N_
from recommendations.permissions import Action, Principal, Role
from recommendations.ui import session
from recommendations.ui.language import page_link, t, tr


def through_entrypoint() -> None:
    """Make sure a page runs inside dashboard.py (navigation, filters, layout).

    Streamlit keeps a process-wide legacy flag while a ``pages/`` folder exists
    and no run has called ``st.navigation`` yet; the first visitor arriving on a
    deep link (e.g. /recommendation?id=...) would get the page on its own. Every
    page calls this first: it clears the flag and reruns through the entrypoint,
    keeping the URL and its query parameters.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@dataclass(frozen=True)
class Page:
    """A page of the app: where it is, how the menu names it, and the action it is for (None: for everyone).

    ``title`` and ``section`` are in English, marked for the catalogs: the menu shows them translated."""

    path: str
    title: str
    icon: str
    section: str
    action: Action | None = None
    in_menu: bool = True  # False: opened from another page (a link), never listed
    default: bool = False

    def open_to(self, who: Principal | None) -> bool:
        """Whether ``who`` may use the page (the permission table decides; the server checks again on writes)."""
        return self.action is None or permissions.may(who, self.action)

    @property
    def shows_filters(self) -> bool:
        """The shared filters belong to the reading pages; a work page (one an action opens) and the log-in page
        ignore them, so they are not drawn there."""
        return self.action is None and self.section != "Account"


#: The tracker's icon (the browser tab's): Streamlit reads it with its table of emoji, which the warm-up loads.
APP_ICON = "📋"

#: Every page, grouped by what a person came to do. The menu, each page's guard and the tests read this table.
PAGES: tuple[Page, ...] = (
    Page("pages/overview.py", N_("Overview"), ":material/monitoring:", N_("Progress"), default=True),
    Page("pages/owners.py", N_("Owners"), ":material/groups:", N_("Progress")),
    Page("pages/themes.py", N_("Themes and recurrence"), ":material/repeat:", N_("Progress")),
    Page("pages/explore.py", N_("Explore recommendations"), ":material/table_view:", N_("Explore")),
    Page("pages/recommendation.py", N_("Recommendation detail"), ":material/article:", N_("Explore")),
    Page("pages/brief.py", N_("Meeting brief"), ":material/description:", N_("Prepare a meeting")),
    Page("pages/sources.py", N_("Sources and glossary"), ":material/menu_book:", N_("Sources and data")),
    Page("pages/data.py", N_("Download data"), ":material/download:", N_("Sources and data")),
    Page("pages/update.py", N_("Update status"), ":material/edit_note:", N_("Your organisation"), Action.RECORD),
    Page("pages/upload.py", N_("Upload updates"), ":material/upload_file:", N_("Your organisation"), Action.RECORD),
    Page("pages/review.py", N_("Review queue"), ":material/fact_check:", N_("Your organisation"), Action.REVIEW),
    Page("pages/add_document.py", N_("Add a document"), ":material/note_add:", N_("Your organisation"),
         Action.ADD_DOCUMENT),
    Page("pages/my_organisation.py", N_("My organisation"), ":material/home_work:", N_("Your organisation"),
         Action.VIEW_DRAFTS),
    Page("pages/evidence_edit.py", N_("Correct an evidence item"), ":material/edit:", N_("Your organisation"),
         Action.PROPOSE_CORRECTION, in_menu=False),
    Page("pages/admin.py", N_("Users and organisations"), ":material/manage_accounts:", N_("Administration"),
         Action.MANAGE_USERS),
    Page("pages/audit.py", N_("Audit log"), ":material/history:", N_("Administration"), Action.VIEW_AUDIT),
)  # fmt: skip
LOGIN = Page("pages/login.py", N_("Log in"), ":material/login:", N_("Account"))
BY_PATH = {page.path: page for page in (*PAGES, LOGIN)}

#: Where each role's work is: the page a person lands on after logging in. A contributor's drafts, returns and
#: what to assess next are on My organisation; a reviewer's work waits in the review queue; an admin's is the
#: accounts. (tests/test_app_forms.py checks each is open to its role.)
HOME: dict[Role, str] = {
    Role.CONTRIBUTOR: "pages/my_organisation.py",
    Role.REVIEWER: "pages/review.py",
    Role.ADMIN: "pages/admin.py",
}


def home(who: Principal | None, wanted: str | None = None) -> Page:
    """The page to open after logging in: ``wanted`` (the page that asked for the log-in) when it is open to
    ``who``, else the role's own page, else the default page."""
    for path in (wanted, HOME.get(who.role) if who else None):
        if path in BY_PATH and BY_PATH[path].open_to(who):
            return BY_PATH[path]
    return next(page for page in PAGES if page.default)


def roles_for(action: Action) -> list[str]:
    """The roles the permission table lets take ``action`` ("contributors", "reviewers"), in English."""
    return [permissions.ROLE_GROUPS[role] for role, rules in permissions.PERMISSIONS.items() if action in rules]


def require_page(path: str) -> Principal:
    """The logged-in person if the page's action is theirs to take; otherwise a log-in prompt (or a word that
    the page is for others) and stop. This decides what the page shows: the write functions check again."""
    page = BY_PATH[path]
    who = session.principal()
    if who is not None and page.open_to(who):
        return who
    if who is None:
        st.session_state["_after_login"] = path
        st.warning(t("Log in to use this page."), icon=":material/lock:")
        page_link(LOGIN.path, label=t(LOGIN.title), icon=LOGIN.icon)
    else:
        roles = [t(role) for role in roles_for(page.action)] if page.action else []
        st.warning(t("This page is for {roles}.", roles=tr().join(roles)), icon=":material/block:")
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run
