"""Typed handles to the tables, for SQLAlchemy Core statements: one place instead of a re-alias in every module.

The tables are those of ``models.core`` (written from the classes of ``models.orm``, which are mapped onto these
same ``Table`` objects), so importing this imports no SQLModel. The short names follow the habit of the queries
(``A.c.id`` for the assessment table).
"""

from __future__ import annotations

from sqlalchemy import Table

from models.core import metadata


def table(name: str) -> Table:
    """The table ``name`` (as in ``__tablename__``)."""
    return metadata.tables[name]


ACT = table("actor")
AD = table("addressee")
A = table("assessment")
AE = table("assessment_evidence")
REVIEWS = table("assessment_review")
AUDIT = table("audit_log")
C = table("context_figure")
DRAFTS = table("curation_draft")
DRAFT_REVIEWS = table("curation_review")
E = table("evidence")
CORRECTIONS = table("evidence_correction")
CORRECTION_REVIEWS = table("evidence_correction_review")
ER = table("evidence_recommendation")
G = table("glossary_term")
LOAD_STATE = table("load_state")
ATTEMPTS = table("login_attempt")
THROTTLE = table("login_throttle")
R = table("recommendation")
L = table("recommendation_link")
RT = table("recommendation_theme")
RL = table("research_log")
S = table("source")
SSO = table("sso_login")
T = table("theme")
TR = table("translation")
U = table("app_user")
SESSIONS = table("user_session")
