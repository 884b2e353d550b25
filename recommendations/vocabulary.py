"""The tracker's words: statuses, kinds, roles, visibility, research states, each with its English label.

One definition of each, used by the data format (``dataset/schema.py``), the status rule, the pages, the brief,
the exports and the API. Plain Python: no database, no Streamlit.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Implementation status scale (see README.md, "Status scale")."""

    NOT_ASSESSED = "not_assessed"
    NO_PROGRESS = "no_progress"
    IN_PROGRESS = "in_progress"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    IMPLEMENTED = "implemented"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS: dict[str, str] = {
    Status.NOT_ASSESSED: "Not assessed",
    Status.NO_PROGRESS: "No progress",
    Status.IN_PROGRESS: "In progress",
    Status.PARTIALLY_IMPLEMENTED: "Partially implemented",
    Status.IMPLEMENTED: "Implemented",
    Status.NOT_APPLICABLE: "Not applicable",
}

#: Statuses that mean the ask is still open (used by briefs and "chronic asks").
OPEN_STATUSES = frozenset({Status.NOT_ASSESSED, Status.NO_PROGRESS, Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED})


class SourceKind(StrEnum):
    CSO_STATEMENT = "cso_statement"
    CSO_CONSULTATION = "cso_consultation"
    CSO_FORUM = "cso_forum"
    NATIONAL_TRIPARTITE_PREPARATORY = "national_tripartite_preparatory"
    AFML = "afml"
    PROGRAMME_REPORT = "programme_report"


SOURCE_KIND_LABELS: dict[str, str] = {
    SourceKind.CSO_STATEMENT: "CSO statement",
    SourceKind.CSO_CONSULTATION: "CSO consultation",
    SourceKind.CSO_FORUM: "CSO forum",
    SourceKind.NATIONAL_TRIPARTITE_PREPARATORY: "National tripartite preparatory meeting",
    SourceKind.AFML: "ASEAN Forum on Migrant Labour",
    SourceKind.PROGRAMME_REPORT: "Programme report",
}


SOURCE_KIND_SHORT: dict[str, str] = {
    SourceKind.CSO_STATEMENT: "CSO statement",
    SourceKind.CSO_CONSULTATION: "CSO consultation",
    SourceKind.CSO_FORUM: "CSO forum",
    SourceKind.NATIONAL_TRIPARTITE_PREPARATORY: "tripartite prep.",
    SourceKind.AFML: "AFML",
    SourceKind.PROGRAMME_REPORT: "report",
}


class RecommendationKind(StrEnum):
    RECOMMENDATION = "recommendation"
    COMMITMENT = "commitment"
    PRINCIPLE = "principle"
    PLAN_OF_ACTION_ITEM = "plan_of_action_item"


class ActorType(StrEnum):
    GOVERNMENT_ORIGIN = "government_origin"
    GOVERNMENT_DESTINATION = "government_destination"
    GOVERNMENT_GROUP = "government_group"
    LOCAL_AUTHORITY = "local_authority"
    RECRUITMENT_INDUSTRY = "recruitment_industry"
    EMPLOYER = "employer"
    TRADE_UNION = "trade_union"
    CSO = "cso"
    SERVICE_PROVIDER = "service_provider"
    FINANCIAL_SECTOR = "financial_sector"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    ASEAN_BODY = "asean_body"
    ASSESSOR = "assessor"
    OTHER = "other"


ACTOR_TYPE_LABELS: dict[str, str] = {
    ActorType.GOVERNMENT_ORIGIN: "Government (origin)",
    ActorType.GOVERNMENT_DESTINATION: "Government (destination)",
    ActorType.GOVERNMENT_GROUP: "Group of governments",
    ActorType.LOCAL_AUTHORITY: "Local authority",
    ActorType.RECRUITMENT_INDUSTRY: "Recruitment industry",
    ActorType.EMPLOYER: "Employers",
    ActorType.TRADE_UNION: "Trade union",
    ActorType.CSO: "CSO",
    ActorType.SERVICE_PROVIDER: "Service provider",
    ActorType.FINANCIAL_SECTOR: "Financial sector",
    ActorType.INTERNATIONAL_ORGANISATION: "International organisation",
    ActorType.ASEAN_BODY: "ASEAN body",
    ActorType.ASSESSOR: "Assessor",
    ActorType.OTHER: "Other",
}


class AddresseeRole(StrEnum):
    RESPONSIBLE = "responsible"
    SUPPORTING = "supporting"


class EvidenceKind(StrEnum):
    LAW = "law"
    POLICY = "policy"
    AGREEMENT = "agreement"
    REPORT = "report"
    STATISTIC = "statistic"
    NEWS = "news"
    MEETING = "meeting"
    INSTITUTION = "institution"


class LinkKind(StrEnum):
    REPEATS = "repeats"
    FOLLOWS_UP = "follows_up"
    SUPERSEDES = "supersedes"


class Visibility(StrEnum):
    """Where an assessment stands. Only published ones count; a withdrawal is a record of its own."""

    PUBLISHED = "published"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"  # a record that withdraws the assessment it supersedes; never a status itself


#: How far an ask has come, for "the least advanced part" of an ask (see recommendations/status/).
PROGRESS_RANK: dict[str, int] = {
    Status.NOT_ASSESSED: 0,
    Status.NO_PROGRESS: 1,
    Status.IN_PROGRESS: 2,
    Status.PARTIALLY_IMPLEMENTED: 3,
    Status.IMPLEMENTED: 4,
    Status.NOT_APPLICABLE: 5,
}

#: The statuses that count as progress: something was done towards the ask (one definition for every figure
#: and sentence that says "implemented or moving").
MOVING = frozenset({Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED, Status.IMPLEMENTED})
#: How every page and sentence names ``MOVING``, and what it means, in the scale's words.
MOVING_LABEL = "With progress"
MOVING_MEANS = "implemented, partially implemented or in progress"
#: Moving but not done: in progress or partially implemented (the headline sentence names implemented apart).
UNDER_WAY = frozenset({Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED})


class ResearchOutcome(StrEnum):
    """What a search for evidence on one recommendation came to (data/research_log.yaml)."""

    ASSESSED = "assessed"  # the evidence found supports a status, recorded in assessments.yaml
    PARTIAL = "partial"  # evidence found and recorded, but not enough for a status under the rules
    NO_EVIDENCE = "no_evidence"  # nothing found that bears on the ask after it was made


RESEARCH_OUTCOME_LABELS: dict[str, str] = {
    ResearchOutcome.ASSESSED: "Assessed",
    ResearchOutcome.PARTIAL: "Evidence found, not enough for a status",
    ResearchOutcome.NO_EVIDENCE: "Nothing found",
}


class ResearchScope(StrEnum):
    """How far a search looked: a reader must not take "read our own sources" for "searched the public record"."""

    PUBLIC_RECORD = "public_record"  # government, UN, NGO and press sources beyond the tracker's own documents
    SOURCE_DOCUMENTS = "source_documents"  # only the tracker's source documents and the leads it was built from
    DATASET_REVIEW = "dataset_review"  # a re-reading of records already in the dataset (no new sources)


RESEARCH_SCOPE_LABELS: dict[str, str] = {
    ResearchScope.PUBLIC_RECORD: "Searched the public record",
    ResearchScope.SOURCE_DOCUMENTS: "Only the source documents read",
    ResearchScope.DATASET_REVIEW: "Review of records already held",
}


#: How far the search for a recommendation's evidence has come (``read.history.research_state``), in the order shown.
RESEARCH_STATES: dict[str, str] = {
    "not_researched": "Not yet researched",
    "sources_only": "Not yet searched beyond the source documents",
    "researched": "Searched the public record, no evidence for a status",
    "assessed": "Assessed",
}
