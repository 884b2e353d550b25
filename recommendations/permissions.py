"""Who may do what: roles, actions, the permission table and the acting person. Plain Python.

THE permission table (``PERMISSIONS``) is asked by the write side before every change (``write.auth.require``),
by the private read side, by the menu and by each page, so what a page shows and what the server allows cannot
drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from recommendations.i18n import N_, Message


class Role(StrEnum):
    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CONTRIBUTOR: N_("Contributor (records assessments and evidence as drafts for their organisation)"),
    Role.REVIEWER: N_("Reviewer (publishes or returns their organisation's drafts)"),
    Role.ADMIN: N_("Admin (manages users and organisations, sees the audit log)"),
}
#: A role in a sentence ("Logged in as Dara: reviewer."), and the people who hold it ("for reviewers").
ROLE_NAMES = {Role.CONTRIBUTOR: N_("contributor"), Role.REVIEWER: N_("reviewer"), Role.ADMIN: N_("admin")}
ROLE_GROUPS = {Role.CONTRIBUTOR: N_("contributors"), Role.REVIEWER: N_("reviewers"), Role.ADMIN: N_("admins")}


class Action(StrEnum):
    """What a person may do; each value is also the words for it in a sentence ("Log in to {action}.")."""

    RECORD = N_("record an assessment")
    PUBLISH = N_("publish an assessment")
    REVIEW = N_("review a draft")
    WITHDRAW = N_("withdraw an assessment")
    ADD_EVIDENCE = N_("add evidence")
    EDIT_EVIDENCE = N_("correct an evidence item")
    PROPOSE_CORRECTION = N_("propose a correction to an evidence item")
    DECIDE_CORRECTION = N_("publish or return a proposed correction")
    VIEW_DRAFTS = N_("see drafts")
    ADD_DOCUMENT = N_("add a source document and its recommendations")
    PUBLISH_DOCUMENT = N_("publish or return a source document")
    MANAGE_USERS = N_("manage users")
    MANAGE_ORGANISATIONS = N_("manage organisations")
    VIEW_AUDIT = N_("see the audit log")


class Scope(StrEnum):
    """On whose records a permitted action may be taken."""

    ANY = "any"  # every record
    OWN = "own"  # records of the person's own organisation
    DATASET = "dataset"  # records of the curated dataset (no organisation recorded them in the app)


# Which role may do what, and on whose records: THE permission table (pages and menus ask it too).
PERMISSIONS: dict[Role, dict[Action, Scope]] = {
    Role.CONTRIBUTOR: {
        Action.RECORD: Scope.OWN, Action.ADD_EVIDENCE: Scope.OWN, Action.PROPOSE_CORRECTION: Scope.ANY,
        Action.VIEW_DRAFTS: Scope.OWN, Action.ADD_DOCUMENT: Scope.OWN,
    },
    Role.REVIEWER: {
        Action.RECORD: Scope.OWN, Action.PUBLISH: Scope.OWN, Action.REVIEW: Scope.OWN, Action.WITHDRAW: Scope.OWN,
        Action.ADD_EVIDENCE: Scope.OWN, Action.EDIT_EVIDENCE: Scope.OWN, Action.PROPOSE_CORRECTION: Scope.ANY,
        Action.DECIDE_CORRECTION: Scope.OWN, Action.VIEW_DRAFTS: Scope.OWN, Action.ADD_DOCUMENT: Scope.OWN,
        Action.PUBLISH_DOCUMENT: Scope.OWN,
    },
    Role.ADMIN: {
        Action.MANAGE_USERS: Scope.ANY, Action.MANAGE_ORGANISATIONS: Scope.ANY, Action.VIEW_AUDIT: Scope.ANY,
        Action.EDIT_EVIDENCE: Scope.DATASET, Action.PROPOSE_CORRECTION: Scope.ANY,
        Action.DECIDE_CORRECTION: Scope.DATASET, Action.ADD_DOCUMENT: Scope.ANY, Action.PUBLISH_DOCUMENT: Scope.ANY,
    },
}  # fmt: skip


class PermissionDenied(Exception):
    """The caller may not do this; the message says why in plain words. ``message`` says it in any language
    (``i18n.Translator.say``: a named value that is a ``Message``, such as an action, is said in it too);
    ``str()`` in English."""

    def __init__(self, msgid: str, /, **named: object) -> None:
        self.message = Message(msgid, named)
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Principal:
    """The acting person (or the command line), as every write function receives it.

    Only ``session_id`` (a web session) or ``user_id`` (a maintainer acting as an account from the command
    line) is taken from it: ``require`` reads everything else again from the database.
    """

    user_id: int | None
    email: str
    name: str
    role: Role
    organisation_id: str | None
    organisation_name: str | None = None
    session_id: str | None = None  # None only for the command line, which has no session to end

    @property
    def display(self) -> str:
        """How the person is named in the history: "Sok Dara (CWCC)"."""
        return f"{self.name} ({self.organisation_name})" if self.organisation_name else self.name

    @classmethod
    def command_line(cls, who: str = "command line") -> Principal:
        """The maintainer at the command line: an admin without a session (for `users` commands)."""
        return cls(user_id=None, email=who, name=who, role=Role.ADMIN, organisation_id=None)


def scope_of(principal: Principal | None, action: Action) -> Scope | None:
    """On whose records ``principal`` may take ``action``; None: not at all."""
    if principal is None:
        return None
    return PERMISSIONS.get(principal.role, {}).get(action)


def allowed(principal: Principal | None, action: Action, organisation: str | None = None) -> bool:
    """May ``principal`` take ``action`` on a record of ``organisation`` (None: a record of the curated dataset)?"""
    scope = scope_of(principal, action)
    if scope is None or principal is None:
        return False
    if scope == Scope.ANY:
        return True
    if scope == Scope.DATASET:
        return organisation is None
    return organisation is not None and organisation == principal.organisation_id


def may(principal: Principal | None, action: Action) -> bool:
    """May ``principal`` take ``action`` on some record at all (what a menu or a button asks)?"""
    return scope_of(principal, action) is not None
