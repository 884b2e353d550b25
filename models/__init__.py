"""The database's tables: SQLModel classes (``models.orm``), and the same tables as SQLAlchemy Core (``models.core``,
typed handles in ``models.tables``).

Importing ``models`` imports neither: ``from models import Assessment`` imports the classes when first asked
(SQLModel, the ORM and the classes cost about 0.2 s), so a load, which needs only the tables, never does. Current
status is never stored: it is derived from the append-only ``assessment`` table by the queries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import SQLModel

    from models.orm import (
        Actor,
        Addressee,
        AppUser,
        Assessment,
        AssessmentEvidence,
        AssessmentReview,
        AuditEntry,
        ContextFigure,
        CurationDraft,
        CurationReview,
        Evidence,
        EvidenceCorrection,
        EvidenceCorrectionReview,
        EvidenceRecommendation,
        GlossaryTerm,
        LoadState,
        LoginAttempt,
        LoginThrottle,
        Recommendation,
        RecommendationLink,
        RecommendationTheme,
        ResearchLogEntry,
        SingleSignOn,
        Source,
        StoredRead,
        TableModel,
        Theme,
        Translation,
        UserSession,
    )


def __getattr__(name: str) -> Any:
    """A class of ``models.orm``, imported on first use. Any other name is not here: a submodule (``from models
    import db``) is then imported by Python itself, without importing the classes."""
    if name in __all__:
        return getattr(importlib.import_module("models.orm"), name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")


__all__ = [
    "Actor",
    "Addressee",
    "AppUser",
    "Assessment",
    "AssessmentEvidence",
    "AssessmentReview",
    "AuditEntry",
    "ContextFigure",
    "CurationDraft",
    "CurationReview",
    "Evidence",
    "EvidenceCorrection",
    "EvidenceCorrectionReview",
    "EvidenceRecommendation",
    "GlossaryTerm",
    "LoadState",
    "LoginAttempt",
    "LoginThrottle",
    "Recommendation",
    "RecommendationLink",
    "RecommendationTheme",
    "ResearchLogEntry",
    "SQLModel",
    "SingleSignOn",
    "Source",
    "StoredRead",
    "TableModel",
    "Theme",
    "Translation",
    "UserSession",
]
