"""What a YAML record may be.

These pydantic models are the single definition of the data format: the
validator, the loader, the JSON Schema published for editors and the YAML
exporter all use them. SQLModel table models do not validate, so every record
passes through here before it reaches the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from recommendations.dataset import folder
from recommendations.dataset.fields import (
    Id,
    IdentityName,
    LongText,
    PartialDate,
    Record,
    ShortText,
    Text,
    Url,
)
from recommendations.dataset.translations import (
    ActorTranslations,
    GlossaryTranslations,
    RecommendationTranslations,
    ThemeTranslations,
)
from recommendations.vocabulary import (
    ActorType,
    AddresseeRole,
    EvidenceKind,
    LinkKind,
    RecommendationKind,
    ResearchOutcome,
    ResearchScope,
    SourceKind,
    Status,
    Visibility,
)


class AddresseeIn(Record):
    actor: Id
    role: AddresseeRole = AddresseeRole.RESPONSIBLE
    inferred: bool = Field(
        default=False,
        description=(
            "True when neither the text, its lead_in nor its section names this party as the one to act (or as"
            " channel or partner) and the curators supplied it (docs/data-curation.md, section 3)."
        ),
    )


class RecommendationIn(Record):
    id: Id
    number: ShortText | None = Field(default=None, description="Number or label in the source, as printed.")
    section: ShortText | None = Field(default=None, description="Section heading it stands under.")
    lead_in: LongText | None = Field(
        default=None,
        description="Verbatim sentence in the source that the text completes (e.g. a heading ending 'by:').",
    )
    text: LongText = Field(description="Verbatim text from the source (whitespace may be normalised).")
    title: ShortText = Field(description="Short title written by the curators (not a quotation).")
    kind: RecommendationKind = RecommendationKind.RECOMMENDATION
    themes: list[Id] = Field(min_length=1)
    addressees: list[AddresseeIn] = Field(min_length=1)
    problems: list[Text] = Field(
        default_factory=list,
        description="Problems the source lists under the ask, verbatim; kept with it, not separate asks.",
    )
    note: Text | None = None
    translations: RecommendationTranslations = Field(
        default_factory=dict, description="The short title in other languages (never the text: it is a quotation)."
    )

    @field_validator("themes")
    @classmethod
    def _unique_themes(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a theme is listed twice")
        return value


class SourceIn(Record):
    id: Id
    title: ShortText
    date: PartialDate
    kind: SourceKind
    organisers: list[Id] = Field(default_factory=list)
    place: ShortText | None = None
    url: Url | None = None
    citation: Text | None = None
    text_path: ShortText | None = Field(
        default=None, description="Path of the full text under data/, where we have it."
    )
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None = Field(
        default=None, description="The language of the text, as a BCP-47 tag (en, km); absent: English."
    )
    expected_recommendations: int | None = Field(
        default=None,
        ge=0,
        description="How many recommendations the document is known to contain, when not all texts are here.",
    )
    gap_note: Text | None = Field(
        default=None, description="What is missing and where its text is, in a short sentence for readers."
    )
    curator_note: Text | None = Field(
        default=None,
        description="For the people who maintain the data: what was read, what is doubtful, what to take from where "
        "(shown only on the Sources page, in a section for them).",
    )
    recommendations: list[RecommendationIn] = Field(default_factory=list)


class ActorIn(Record):
    id: Id
    name: IdentityName
    acronym: IdentityName | None = None
    type: ActorType
    country: ShortText | None = None
    note: Text | None = None
    part_of: Id | None = Field(
        default=None,
        description="The actor this one is part of (a ministry of the Government, an agency of its ministry): "
        "choosing this actor also selects what is asked of that one as a whole.",
    )
    translations: ActorTranslations = Field(default_factory=dict, description="The name in other languages.")


class ThemeIn(Record):
    id: Id
    name: ShortText
    description: Text | None = None
    translations: ThemeTranslations = Field(
        default_factory=dict, description="Name and description in other languages."
    )


class GlossaryIn(Record):
    term: ShortText
    expansion: Text
    note: Text | None = None
    translations: GlossaryTranslations = Field(
        default_factory=dict, description="Expansion and note in other languages."
    )


class EvidenceIn(Record):
    id: Id
    date: PartialDate
    kind: EvidenceKind
    title: ShortText
    summary: Text
    url: Url | None = None
    citation: Text | None = None
    source: Id | None = Field(default=None, description="Source document id, when the evidence comes from one.")
    completeness: Text | None = Field(
        default=None, description="Where the underlying source was only partly available, say so."
    )
    actors: list[Id] = Field(default_factory=list)
    themes: list[Id] = Field(default_factory=list)
    recommendations: list[Id] = Field(default_factory=list, description="Recommendations this evidence bears on.")
    organisation: Id | None = Field(
        default=None,
        description="The organisation that recorded it in the app (an actor id); absent for the curated dataset. "
        "Until an assessment citing it is published, only that organisation sees it.",
    )

    @model_validator(mode="after")
    def _cited(self) -> EvidenceIn:
        if not (self.url or self.citation or self.source):
            raise ValueError("evidence needs a url, a citation or a source document")
        return self


class ReviewIn(Record):
    """A reviewer's decision on a draft recorded in the app (exported so a load reproduces it)."""

    decision: Annotated[str, StringConstraints(pattern=r"^(published|returned)$")]
    reviewed_by: ShortText
    reviewed_at: dt.datetime
    comment: Text | None = None


class AssessmentIn(Record):
    id: Id
    recommendation: Id
    addressee: Id | None = Field(default=None, description="Actor, when the status concerns one addressee.")
    status: Status
    as_of: PartialDate
    assessor: Id = Field(description="Actor id of the assessing organisation.")
    rationale: LongText
    evidence: list[Id] = Field(default_factory=list)
    visibility: Visibility = Visibility.PUBLISHED
    supersedes: Id | None = Field(
        default=None,
        description="Id of the earlier assessment this one corrects or (with visibility withdrawn) withdraws.",
    )
    supersede_reason: Text | None = Field(default=None, description="Why the earlier assessment is replaced.")
    recorded_by: ShortText
    recorded_at: dt.datetime
    review: ReviewIn | None = Field(default=None, description="For a draft: the reviewer's decision, if any.")

    @model_validator(mode="after")
    def _status_needs_evidence(self) -> AssessmentIn:
        problems = assessment_rules(
            status=self.status, visibility=self.visibility, evidence=self.evidence, supersedes=self.supersedes,
            supersede_reason=self.supersede_reason, ident=self.id,
        )  # fmt: skip
        if self.review is not None and self.visibility != Visibility.DRAFT:
            problems.append("review: only a draft is reviewed (visibility: draft)")
        if self.review is not None and self.review.decision == "returned" and not self.review.comment:
            problems.append("review: a returned draft needs the reviewer's comment")
        if problems:
            raise ValueError(problems[0])
        return self


def assessment_rules(
    *,
    status: str,
    visibility: str,
    evidence: list[str],
    supersedes: str | None,
    supersede_reason: str | None,
    ident: str | None = None,
) -> list[str]:
    """The rules on an assessment as a whole (what its fields say together), first problem first. The schema
    raises the first; a form, whose fields may also be wrong, shows them all with its other problems."""
    problems = []
    if visibility == Visibility.WITHDRAWN:
        if not supersedes:
            problems.append("a withdrawal needs 'supersedes': the id of the assessment it withdraws")
        if status != Status.NOT_ASSESSED or evidence:
            problems.append("a withdrawal carries no status of its own: status not_assessed, no evidence")
    elif status != Status.NOT_ASSESSED and not evidence:
        problems.append(f"status {status!r} needs evidence: cite at least one evidence item")
    if supersedes and not supersede_reason:
        problems.append("supersede_reason: say why the earlier assessment is corrected or withdrawn")
    if supersede_reason and not supersedes:
        problems.append("supersede_reason is only for an assessment that supersedes another")
    if ident is not None and supersedes == ident:
        problems.append("an assessment cannot supersede itself")
    return problems


class LinkIn(Record):
    source: Id = Field(description="The later recommendation.")
    target: Id = Field(description="The earlier recommendation it repeats, follows up or supersedes.")
    kind: LinkKind
    note: Text | None = None

    @model_validator(mode="after")
    def _not_self(self) -> LinkIn:
        if self.source == self.target:
            raise ValueError("a recommendation cannot link to itself")
        return self


class ExaminedIn(Record):
    """A pair of recommendations curators examined and did not link (links.yaml's ``examined_not_linked``): kept so
    that nobody examines it again without knowing why; the loader does not load it."""

    source: Id = Field(description="The later recommendation.")
    target: Id = Field(description="The earlier recommendation that was suggested.")
    note: Text | None = Field(default=None, description="Why they are not linked.")


class ContextFigureIn(Record):
    id: Id
    source: Id
    destination: ShortText
    category: ShortText
    total: int = Field(ge=0)
    women: int | None = Field(default=None, ge=0)
    men: int | None = Field(default=None, ge=0)
    as_of: PartialDate
    data_source: Text


class ResearchLogIn(Record):
    """One search for evidence on one recommendation: when, by whom, where, and what it found.

    "Looked and found nothing" is a result: it tells a reader that *not assessed* does not mean nobody looked.
    """

    recommendation: Id
    searched_on: PartialDate = Field(description="When the search was made (YYYY, YYYY-MM or YYYY-MM-DD).")
    by: ShortText = Field(description="Who searched (a person, a team or a role).")
    where: list[Text] = Field(min_length=1, description="Sources read and search terms used.")
    found: Text = Field(description="What was found, in our own words, or that nothing was.")
    evidence: list[Id] = Field(default_factory=list, description="Evidence items recorded from this search.")
    outcome: ResearchOutcome
    scope: ResearchScope = Field(
        description="How far the search looked: the public record, only the tracker's own source documents and "
        "leads, or a review of records already held. Only a public-record search makes a recommendation "
        "'researched'."
    )
    partly_read: bool = Field(default=False, description="True when a relevant source could only be read in part.")
    note: Text | None = None

    @model_validator(mode="after")
    def _outcome_fits(self) -> ResearchLogIn:
        if self.outcome == ResearchOutcome.NO_EVIDENCE and self.evidence:
            raise ValueError("outcome no_evidence lists no evidence: use partial or assessed")
        return self


# What each top-level file holds: file name -> (list key, item model); the names and keys are ``folder.LISTS``.
_MODELS: dict[str, type[Record]] = {
    "actors": ActorIn,
    "themes": ThemeIn,
    "glossary": GlossaryIn,
    "evidence": EvidenceIn,
    "assessments": AssessmentIn,
    "links": LinkIn,
    "context_figures": ContextFigureIn,
    "research_log": ResearchLogIn,
    "examined_not_linked": ExaminedIn,
}
LIST_FILES: dict[str, tuple[str, type[Record]]] = {name: (key, _MODELS[key]) for name, key in folder.LISTS.items()}
#: Lists a file may hold after its main one: file name -> {key: item model}.
OPTIONAL_LISTS: dict[str, dict[str, type[Record]]] = {
    name: {key: _MODELS[key] for key in keys} for name, keys in folder.OPTIONAL.items()
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas for editors: one per file kind."""
    schemas: dict[str, dict[str, Any]] = {"source.schema.json": SourceIn.model_json_schema()}
    for filename, (key, model) in LIST_FILES.items():
        optional = {
            k: {"type": "array", "items": m.model_json_schema()} for k, m in OPTIONAL_LISTS.get(filename, {}).items()
        }
        schemas[filename.replace(".yaml", ".schema.json")] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "additionalProperties": False,
            "properties": {key: {"type": "array", "items": model.model_json_schema()}, **optional},
            "required": [key],
        }
    return schemas


# The assessments sheet: the XLSX export writes it and an upload reads it back (one format, so an export
# edited in a spreadsheet can be uploaded). Uploads read the first group and ignore the second.
ASSESSMENT_SHEET_WRITABLE = [
    "recommendation_id", "addressee_id", "status", "as_of", "rationale", "evidence", "supersedes_id",
    "supersede_reason", "new_evidence_title", "new_evidence_date", "new_evidence_kind", "new_evidence_url",
    "new_evidence_citation", "new_evidence_summary",
]  # fmt: skip
ASSESSMENT_SHEET_READ_ONLY = [
    "id", "status_label", "addressee", "assessor", "state", "superseded_by", "recorded_by",
]  # fmt: skip
ASSESSMENT_SHEET_COLUMNS = ASSESSMENT_SHEET_WRITABLE + ASSESSMENT_SHEET_READ_ONLY
ASSESSMENT_SHEET = "assessments"
