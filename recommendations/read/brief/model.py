"""What a meeting brief holds: plain data, built by ``build`` and rendered by ``markdown``, ``word`` and ``rows``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from recommendations import dates
from recommendations.i18n import N_
from recommendations.read.selection import OVERLAP, describe_selection
from recommendations.vocabulary import STATUS_LABELS, Status

STATUS_NOTE = N_(
    "Statuses are desk-review assessments: each is a dated judgement by the named assessor, resting on cited "
    "evidence. “Not assessed” means no assessment is on record by the meeting date, not that nothing has "
    "happened. A status judged for one addressee is shown for that addressee only. Recommendation texts are "
    "quoted word for word from their sources; the short titles are summaries, not quotations."
)
QUESTIONS_NOTE = N_("Generated from the data by fixed rules (the rule is named after each question); check before use.")


@dataclass(frozen=True)
class Language:
    """A language a brief is written in, and the tags a Word file carries for it (``w:lang``)."""

    tag: str  # w:val, the language of Latin-script text: "en-GB" (in a Khmer brief: the English quotations)
    east_asia: str | None = None  # w:eastAsia, where a program files the script under East Asian text
    complex_script: str | None = None  # w:bidi, the language of complex-script text (Khmer: "km-KH")
    document: str | None = None  # the document's own language (its properties); None: ``tag``

    @property
    def of_document(self) -> str:
        return self.document or self.tag


#: THE place a brief's language is chosen: the ``--lang`` choices of the command line, in this order, and what a
#: Word file says of each. A language added here is offered everywhere a brief is made (its interface strings
#: come from its catalog, ``recommendations.i18n``). In a Khmer brief the Khmer is complex-script text (km-KH);
#: the Latin-script text is the recommendation texts quoted in English, ids and acronyms (en-GB).
LANGUAGES: dict[str, Language] = {
    "en": Language("en-GB"),
    "km": Language("en-GB", east_asia="km-KH", complex_script="km-KH", document="km-KH"),
}
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    as_of: str
    status: str
    assessor: str
    rationale: str
    addressee: str | None = None  # the addressee it was judged for; None for the whole ask

    @property
    def status_label(self) -> str:
        """In English; the brief's renderings say it in the brief's language (``lines.status_label``)."""
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class AddresseeStatus:
    """One addressee of an item and the item's status for it (the status rule, as of the meeting)."""

    id: str
    label: str  # "Ministry of Labour and Vocational Training (MoLVT)"
    inferred: bool  # the text names no addressee; the document's own is used
    status: str
    as_of: str | None = None
    assessor: str | None = None
    scoped: bool = False  # judged for this addressee, not for the whole ask

    @property
    def status_label(self) -> str:
        """In English; the brief's renderings say it in the brief's language (``lines.status_label``)."""
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class EvidenceEntry:
    id: str
    title: str
    date: str
    url: str | None = None
    citation: str | None = None
    source_title: str | None = None

    @property
    def reference(self) -> str:
        """Where to find it: the url, else the citation, else the source document (English words; the brief's
        renderings use ``lines.evidence_reference``)."""
        return self.url or self.citation or (f"Source document: {self.source_title}" if self.source_title else "")


@dataclass(frozen=True)
class LinkedEntry:
    id: str
    title: str
    source_title: str
    date: str
    relation: str | None = None  # for a direct link, e.g. "this follows it up"; None when linked through others

    @property
    def how(self) -> str:
        """In English; the brief's renderings use ``lines.linked_line``."""
        return self.relation or "linked only through other recommendations"


@dataclass(frozen=True)
class Question:
    rule: str  # a key of questions.QUESTION_RULES
    text: str


@dataclass(slots=True)  # no attribute dict: a broad brief at 50,000 holds 46,482 of them (about 50 MB less)
class BriefItem:
    id: str
    title: str
    text: str
    source_id: str
    source_title: str
    source_date: str
    lead_in: str | None = None
    number: str | None = None
    section: str | None = None
    problems: Sequence[str] = ()
    themes: Sequence[str] = ()  # names
    theme_ids: Sequence[str] = ()
    addressees: Sequence[str] = ()  # labels, "(inferred)" where the text names none
    addressee_ids: Sequence[str] = ()
    statuses: Sequence[AddresseeStatus] = ()  # per addressee, in the source's order
    status: str = Status.NOT_ASSESSED.value  # overall, or for the brief's chosen addressees
    status_date: str | None = None
    status_assessor: str | None = None
    status_scope: str | None = None  # label of the addressee the status was judged for; None: the whole ask
    status_assessment_id: str | None = None
    status_entry: HistoryEntry | None = None  # the assessment the status comes from
    history: Sequence[HistoryEntry] = ()  # standing assessments, oldest first
    evidence: Sequence[EvidenceEntry] = ()  # newest first
    newest_evidence: dt.date | None = None  # first day of the newest evidence's date (every item, a preview's too)
    times_raised: int = 1  # recurrence.times_raised: the distinct documents (meetings) it was raised at
    first_raised: str = ""
    meetings: Sequence[str] = ()  # the date of each of those documents, in the order raised
    raised_ids: Sequence[str] = ()  # itself and its linked recommendations, in the order raised
    linked: Sequence[LinkedEntry] = ()  # the other recommendations of its chain, oldest first
    questions: Sequence[Question] = ()
    asked_as_a_whole: str = ""  # "asked of RGC as a whole": listed because a chosen addressee is part of RGC

    @property
    def status_label(self) -> str:
        """In English; the brief's renderings say it in the brief's language (``lines.status_label``)."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def quote(self) -> str:
        """The verbatim text, with the sentence it completes when there is one."""
        return f"{self.lead_in} … {self.text}" if self.lead_in else self.text

    @property
    def latest_evidence(self) -> EvidenceEntry | None:
        return self.evidence[0] if self.evidence else None


@dataclass
class BriefGroup:
    title: str
    items: list[BriefItem] = field(default_factory=list)


@dataclass(frozen=True)
class ChronicAsk:
    """An ask raised at two or more meetings, as one row of the brief's first page.

    ``item`` is the latest listed recommendation of the ask; ``also`` the earlier listed ones that it repeats or
    follows up (listed in the brief too, but the same ask)."""

    item: BriefItem
    also: list[str]
    years_open: int


@dataclass(frozen=True)
class Gap:
    title: str
    date: str
    expected: int | None
    recorded: int
    note: str | None = None

    @property
    def missing(self) -> int | None:
        return None if self.expected is None else self.expected - self.recorded


@dataclass
class Brief:
    meeting_date: dt.date
    generated_on: dt.date
    themes: list[tuple[str, str]]  # (id, name) as chosen
    addressees: list[tuple[str, str]]
    grouping: str
    groups: list[BriefGroup]
    closed: int = 0  # matching, made by the meeting date, but implemented / not applicable by then
    later: int = 0  # matching, but made after the meeting date
    commitments: int = 0  # matching and made by then, but the authors' own commitments: not asks (status.is_ask)
    gaps: list[Gap] = field(default_factory=list)  # only those bearing on the selection (build._gaps)
    organisation: str = ""  # who issues the brief (settings.organisation); "" names none
    lang: str = DEFAULT_LANGUAGE  # a key of LANGUAGES: every label, sentence and date of the brief is in it
    combine: str = OVERLAP  # themes and addressees: both ("overlap") or "either" (read.selection)
    wider: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of what chosen addressees are part of
    #: A preview (the page): only the first ``detailed`` items carry their text, history, evidence entries, links
    #: and questions (and, when no addressee is chosen, each addressee's status; unless grouped by theme, their
    #: themes); every item has its status, chain and newest evidence, so every count is the whole brief's.
    #: None: all of them (what every download and the command line write).
    detailed: int | None = None

    @property
    def items(self) -> list[BriefItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        return {s: counts[s] for s in STATUS_LABELS if s in counts}

    @property
    def selection(self) -> str:
        """The selection in words, saying how themes and addressees combine (``read.selection``), in the brief's
        language. Plain text."""
        return describe_selection(
            themes=[name for _, name in self.themes],
            addressees=[name for _, name in self.addressees],
            wider=[name for _, name in self.wider],
            combine=self.combine,
            lang=self.lang,
        )

    @functools.cached_property
    def chronic(self) -> list[ChronicAsk]:
        """The listed asks raised at two or more meetings, each ask once (under its latest listed recommendation),
        most raised and longest open first. Years open: from when it was first raised to the meeting date. Worked
        out once, on first asking (a built brief's groups do not change): the page's counts and its list both read
        it on every run of the page, 0.2-0.35 s each at 50,000."""
        listed = {item.id for item in self.items}
        rows = []
        for item in self.items:
            if item.times_raised < 2:
                continue
            here = item.raised_ids.index(item.id) if item.id in item.raised_ids else 0
            if any(other in listed for other in item.raised_ids[here + 1 :]):
                continue  # a later listed recommendation carries this ask
            also = [other for other in item.raised_ids[:here] if other in listed]
            opened = dates.years_between(dates.date_start(item.first_raised), self.meeting_date)
            rows.append(ChronicAsk(item, also, opened))
        return sorted(
            rows, key=lambda r: (-r.item.times_raised, -r.years_open, dates.date_start(r.item.first_raised), r.item.id)
        )
