"""THE visibility rule: what a reader may see of the history. Every read path asks here.

- **The public** sees what is in force: published assessments (recorded as published, or drafts a reviewer
  published) and withdrawals; evidence of the curated dataset, and evidence recorded in the app once an
  assessment citing it is in force; a reviewer's decision that published a draft, without its comment.
- **A member of an organisation** (a logged-in contributor or reviewer) sees that, plus their own
  organisation's drafts (waiting or returned, with the reviewers' comments) and the evidence it recorded.
- **The maintainer's backup** (``export --format yaml`` on the command line, which holds the database anyway)
  sees everything.

Accounts, sessions, log-in attempts and the audit log are never in any reader's view.
The status rule (``recommendations.status``) counts only what is in force, whoever reads: a member's drafts are
shown to them as drafts, never as a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, false, or_, true
from sqlalchemy.sql import ColumnElement, FromClause

from models.tables import AE, A
from recommendations import permissions, status


@dataclass(frozen=True)
class Viewer:
    """Who is reading: the public (``organisation_id`` None), a member of an organisation, or everything."""

    organisation_id: str | None = None
    everything: bool = False

    @classmethod
    def of(cls, principal: permissions.Principal | None) -> Viewer:
        """The view of a logged-in person: their organisation's drafts if their role may see drafts."""
        if principal is not None and permissions.allowed(
            principal, permissions.Action.VIEW_DRAFTS, principal.organisation_id
        ):
            return cls(organisation_id=principal.organisation_id)
        return PUBLIC

    @property
    def is_public(self) -> bool:
        return self.organisation_id is None and not self.everything


PUBLIC = Viewer()
EVERYTHING = Viewer(everything=True)


def assessments(viewer: Viewer, table: FromClause = A) -> ColumnElement[bool]:
    """The assessments ``viewer`` may see: in force, or their organisation's own."""
    if viewer.everything:
        return true()
    visible = status.in_force(table)
    if viewer.organisation_id is not None:
        visible = or_(visible, table.c.assessor_id == viewer.organisation_id)
    return visible


def evidence(viewer: Viewer, table: FromClause) -> ColumnElement[bool]:
    """The evidence items ``viewer`` may see: the curated dataset's, those an in-force assessment cites, and
    their own organisation's. An item recorded with a draft stays private until the draft is published."""
    if viewer.everything:
        return true()
    cited = A.alias("citing")
    # EXISTS per item, not IN (every cited item): asked only for the few items an organisation recorded, through
    # the index on the citing table, instead of gathering every in-force citation first
    in_force = exists().where(AE.c.evidence_id == table.c.id, cited.c.id == AE.c.assessment_id, status.in_force(cited))
    visible = or_(table.c.organisation_id.is_(None), in_force)
    if viewer.organisation_id is not None:
        visible = or_(visible, table.c.organisation_id == viewer.organisation_id)
    return visible


def review_comments(viewer: Viewer, assessor_column: ColumnElement[Any]) -> ColumnElement[bool]:
    """Whether ``viewer`` may read a reviewer's comment on an assessment of ``assessor_column``: only its own
    organisation (and the backup). The public learns that a draft was published, not what was said about it."""
    if viewer.everything:
        return true()
    if viewer.organisation_id is None:
        return false()
    return and_(assessor_column == viewer.organisation_id)
