"""The tracker's words: statuses, kinds, roles, visibility, research states, each with its English label.

The labels are interface strings, marked ``N_`` for the catalogs: a page shows ``t(STATUS_LABELS[status])``.

One definition of each, used by the data format (``dataset/schema.py``), the status rule, the pages, the brief,
the exports and the API. Plain Python: no database, no Streamlit.
"""

from __future__ import annotations

from enum import StrEnum

from recommendations.i18n import N_


class Status(StrEnum):
    """Implementation status scale (see README.md, "Status scale")."""

    NOT_ASSESSED = "not_assessed"
    NO_PROGRESS = "no_progress"
    IN_PROGRESS = "in_progress"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    IMPLEMENTED = "implemented"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS: dict[str, str] = {
    Status.NOT_ASSESSED: N_("Not assessed"),
    Status.NO_PROGRESS: N_("No progress"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.PARTIALLY_IMPLEMENTED: N_("Partially implemented"),
    Status.IMPLEMENTED: N_("Implemented"),
    Status.NOT_APPLICABLE: N_("Not applicable"),
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
    SourceKind.CSO_STATEMENT: N_("CSO statement"),
    SourceKind.CSO_CONSULTATION: N_("CSO consultation"),
    SourceKind.CSO_FORUM: N_("CSO forum"),
    SourceKind.NATIONAL_TRIPARTITE_PREPARATORY: N_("National tripartite preparatory meeting"),
    SourceKind.AFML: N_("ASEAN Forum on Migrant Labour"),
    SourceKind.PROGRAMME_REPORT: N_("Programme report"),
}


SOURCE_KIND_SHORT: dict[str, str] = {
    SourceKind.CSO_STATEMENT: N_("CSO statement"),
    SourceKind.CSO_CONSULTATION: N_("CSO consultation"),
    SourceKind.CSO_FORUM: N_("CSO forum"),
    SourceKind.NATIONAL_TRIPARTITE_PREPARATORY: N_("tripartite prep."),
    SourceKind.AFML: N_("AFML"),
    SourceKind.PROGRAMME_REPORT: N_("report"),
}


class RecommendationKind(StrEnum):
    RECOMMENDATION = "recommendation"
    COMMITMENT = "commitment"
    PRINCIPLE = "principle"
    PLAN_OF_ACTION_ITEM = "plan_of_action_item"


RECOMMENDATION_KIND_LABELS: dict[str, str] = {
    RecommendationKind.RECOMMENDATION: N_("Recommendation"),
    RecommendationKind.COMMITMENT: N_("Commitment"),
    RecommendationKind.PRINCIPLE: N_("Principle"),
    RecommendationKind.PLAN_OF_ACTION_ITEM: N_("Plan of action item"),
}


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
    ActorType.GOVERNMENT_ORIGIN: N_("Government (origin)"),
    ActorType.GOVERNMENT_DESTINATION: N_("Government (destination)"),
    ActorType.GOVERNMENT_GROUP: N_("Group of governments"),
    ActorType.LOCAL_AUTHORITY: N_("Local authority"),
    ActorType.RECRUITMENT_INDUSTRY: N_("Recruitment industry"),
    ActorType.EMPLOYER: N_("Employers"),
    ActorType.TRADE_UNION: N_("Trade union"),
    ActorType.CSO: N_("CSO"),
    ActorType.SERVICE_PROVIDER: N_("Service provider"),
    ActorType.FINANCIAL_SECTOR: N_("Financial sector"),
    ActorType.INTERNATIONAL_ORGANISATION: N_("International organisation"),
    ActorType.ASEAN_BODY: N_("ASEAN body"),
    ActorType.ASSESSOR: N_("Assessor"),
    ActorType.OTHER: N_("Other"),
}


class AddresseeRole(StrEnum):
    RESPONSIBLE = "responsible"
    SUPPORTING = "supporting"


ADDRESSEE_ROLE_LABELS: dict[str, str] = {
    AddresseeRole.RESPONSIBLE: N_("Responsible"),
    AddresseeRole.SUPPORTING: N_("Supporting"),
}


class EvidenceKind(StrEnum):
    LAW = "law"
    POLICY = "policy"
    AGREEMENT = "agreement"
    REPORT = "report"
    STATISTIC = "statistic"
    NEWS = "news"
    MEETING = "meeting"
    INSTITUTION = "institution"


EVIDENCE_KIND_LABELS: dict[str, str] = {
    EvidenceKind.LAW: N_("Law"),
    EvidenceKind.POLICY: N_("Policy"),
    EvidenceKind.AGREEMENT: N_("Agreement"),
    EvidenceKind.REPORT: N_("Report"),
    EvidenceKind.STATISTIC: N_("Statistic"),
    EvidenceKind.NEWS: N_("News"),
    EvidenceKind.MEETING: N_("Meeting"),
    EvidenceKind.INSTITUTION: N_("Institution"),
}


class LinkKind(StrEnum):
    REPEATS = "repeats"
    FOLLOWS_UP = "follows_up"
    SUPERSEDES = "supersedes"


LINK_KIND_LABELS: dict[str, str] = {
    LinkKind.REPEATS: N_("Repeats"),
    LinkKind.FOLLOWS_UP: N_("Follows up"),
    LinkKind.SUPERSEDES: N_("Supersedes"),
}


class Visibility(StrEnum):
    """Where an assessment stands. Only published ones count; a withdrawal is a record of its own."""

    PUBLISHED = "published"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"  # a record that withdraws the assessment it supersedes; never a status itself


VISIBILITY_LABELS: dict[str, str] = {
    Visibility.PUBLISHED: N_("Published"),
    Visibility.DRAFT: N_("Draft"),
    Visibility.WITHDRAWN: N_("Withdrawn"),
}


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
MOVING_LABEL = N_("With progress")
MOVING_MEANS = N_("implemented, partially implemented or in progress")
#: Moving but not done: in progress or partially implemented (the headline sentence names implemented apart).
UNDER_WAY = frozenset({Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED})


class ResearchOutcome(StrEnum):
    """What a search for evidence on one recommendation came to (data/research_log.yaml)."""

    ASSESSED = "assessed"  # the evidence found supports a status, recorded in assessments.yaml
    PARTIAL = "partial"  # evidence found and recorded, but not enough for a status under the rules
    NO_EVIDENCE = "no_evidence"  # nothing found that bears on the ask after it was made


RESEARCH_OUTCOME_LABELS: dict[str, str] = {
    ResearchOutcome.ASSESSED: N_("Assessed"),
    ResearchOutcome.PARTIAL: N_("Evidence found, not enough for a status"),
    ResearchOutcome.NO_EVIDENCE: N_("Nothing found"),
}


class ResearchScope(StrEnum):
    """How far a search looked: a reader must not take "read our own sources" for "searched the public record"."""

    PUBLIC_RECORD = "public_record"  # government, UN, NGO and press sources beyond the tracker's own documents
    SOURCE_DOCUMENTS = "source_documents"  # only the tracker's source documents and the leads it was built from
    DATASET_REVIEW = "dataset_review"  # a re-reading of records already in the dataset (no new sources)


RESEARCH_SCOPE_LABELS: dict[str, str] = {
    ResearchScope.PUBLIC_RECORD: N_("Searched the public record"),
    ResearchScope.SOURCE_DOCUMENTS: N_("Only the source documents read"),
    ResearchScope.DATASET_REVIEW: N_("Review of records already held"),
}


#: How far the search for a recommendation's evidence has come (``read.history.research_state``), in the order shown.
RESEARCH_STATES: dict[str, str] = {
    "not_researched": N_("Not yet researched"),
    "sources_only": N_("Not yet searched beyond the source documents"),
    "researched": N_("Searched the public record, no evidence for a status"),
    "assessed": N_("Assessed"),
}
