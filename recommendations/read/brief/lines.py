"""The brief's sentences, as plain text: shared by the Markdown, the Word file and the rows, so every count is
worded once (and checked once: tests/test_brief_layout.py)."""

from __future__ import annotations

import re

from recommendations import dates
from recommendations.read.brief.model import (
    AddresseeStatus,
    Brief,
    BriefItem,
    ChronicAsk,
    Gap,
    HistoryEntry,
    LinkedEntry,
)
from recommendations.vocabulary import STATUS_LABELS

SHORT_SENTENCE = 30  # words: a gap's note longer than this is replaced by its counts
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def counted(n: int, one: str, many: str | None = None) -> str:
    """ "1 recommendation", "3 recommendations": a count with its noun in the right number."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def title_line(brief: Brief) -> str:
    return f"Meeting brief: {dates.human(brief.meeting_date)}"


def page_header(brief: Brief) -> str:
    """The running header of every page: the meeting and, when set, who issues the brief."""
    issued = f" · Issued by {brief.organisation}" if brief.organisation else ""
    return f"Meeting brief for {dates.human(brief.meeting_date)}{issued}"


def intro_lines(brief: Brief) -> list[str]:
    """Who issues it, what it is about, and when: the first lines of the first page."""
    lines = [f"Issued by {brief.organisation}."] if brief.organisation else []
    lines += [
        brief.selection,
        f"Meeting date: {dates.human(brief.meeting_date)}. Prepared on {dates.human(brief.generated_on)}.",
    ]
    return lines


def count_lines(brief: Brief) -> list[str]:
    """The counts of the first page, each a whole sentence whose numbers add up as written."""
    items = brief.items
    if not items:
        lines = [empty_message(brief)]
    else:
        by_status = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in brief.status_counts.items())
        documents = counted(len({item.source_id for item in items}), "document")
        lines = [f"{counted(len(items), 'open recommendation')} on this selection, from {documents}: {by_status}."]
        repeated, asks = sum(1 for item in items if item.times_raised > 1), len(brief.chronic)
        if repeated:
            were = "was" if repeated == 1 else "were"
            lines.append(
                f"{repeated} of the {len(items)} {were} raised at two or more meetings"
                + (
                    " (see Chronic asks)."
                    if asks == repeated
                    else f"; some repeat one another, so Chronic asks lists them as {counted(asks, 'ask')}."
                )
            )
    if brief.closed or brief.later:
        lines.append(
            f"Not listed: {counted(brief.closed, 'recommendation')} on this selection implemented or not applicable "
            f"by the meeting date, and {counted(brief.later, 'recommendation')} made after it."
        )
    if brief.commitments:
        lines.append(
            f"Also not listed: {counted(brief.commitments, 'commitment')} the authors made themselves (not asks of "
            "anyone else; their status is on the recommendation pages)."
        )
    return lines


def empty_message(brief: Brief) -> str:
    return f"No open recommendations on this selection as of {dates.human(brief.meeting_date)}."


def raised_line(item: BriefItem) -> str:
    """ "at 4 meetings: 2011, 2015, 2016, 2022": as many years as meetings (recurrence.times_raised)."""
    return f"at {counted(item.times_raised, 'meeting')}: {', '.join(dates.year_of(d) for d in item.meetings)}"


CHRONIC_COLUMNS = ["ID", "Title", "First raised", "Times raised", "Status on the meeting date", "Years open"]
CHRONIC_INTRO = (
    "Open asks on this selection that were raised at two or more meetings, most raised first. Years open run "
    "from the first time an ask was raised to the meeting date."
)


def chronic_cells(row: ChronicAsk) -> list[str]:
    """One row of the chronic-asks table, as CHRONIC_COLUMNS."""
    item = row.item
    also = f" (also listed: {', '.join(row.also)})" if row.also else ""
    return [
        item.id + also,
        item.title,
        dates.human(item.first_raised),
        f"{item.times_raised} ({', '.join(dates.year_of(d) for d in item.meetings)})",
        item.status_label,
        str(row.years_open),
    ]


def chronic_facts(row: ChronicAsk) -> str:
    """One chronic ask in a sentence (the Markdown's list, which wraps on a phone where a table would not)."""
    item = row.item
    ids = f"{item.id}; also listed: {', '.join(row.also)}" if row.also else item.id
    return (
        f"({ids}): first raised {dates.human(item.first_raised)}; raised {raised_line(item)}; "
        f"{item.status_label.lower()} on the meeting date; open for {counted(row.years_open, 'year')}."
    )


def no_chronic(brief: Brief) -> str:
    return f"None of the {counted(len(brief.items), 'open recommendation')} was raised at more than one meeting."


def gaps_intro(brief: Brief) -> str:
    return (
        f"The tracker does not hold all the recommendations of these documents, dated on or before "
        f"{dates.human(brief.meeting_date)}. Their missing texts could include asks on this selection."
    )


def _first_sentence(note: str | None) -> str | None:
    if not note:
        return None
    first = _SENTENCE_END.split(" ".join(note.split()), maxsplit=1)[0]
    return first if len(first.split()) <= SHORT_SENTENCE else None


def gap_line(gap: Gap) -> str:
    """The document, its date, and one short sentence: the first of its public note, else its counts."""
    when = dates.human(gap.date)
    facts = [] if when in gap.title else [when]
    facts += [] if gap.expected is None else [f"{counted(gap.expected, 'recommendation')} known"]
    about = f" ({'; '.join(facts)})" if facts else ""
    return f"{gap.title}{about}: {gap_sentence(gap)}"


def gap_sentence(gap: Gap) -> str:
    """One short sentence on what is missing: the first of the document's public note, else its counts."""
    sentence = _first_sentence(gap.note)
    if sentence is not None:
        return sentence
    held = "None" if gap.recorded == 0 else str(gap.recorded)
    if gap.expected is None:
        return f"{held} of its recommendations held here; how many it made is not known."
    return f"{held} of its {counted(gap.expected, 'recommendation')} held here."


def status_value(item: BriefItem) -> str:
    value = item.status_label
    if item.status_date:
        value += f" (assessed as of {dates.human(item.status_date)} by {item.status_assessor}"
        value += f", as assessed for {item.status_scope})" if item.status_scope else ")"
    return value


def addressee_status_line(entry: AddresseeStatus) -> str:
    """ "Governments of countries of destination (inferred): not assessed" """
    who = entry.label + (" (inferred)" if entry.inferred else "")
    if entry.as_of is None:
        return f"{who}: {entry.status_label.lower()}"
    how = "judged for this addressee" if entry.scoped else "judged for the whole ask"
    return f"{who}: {entry.status_label.lower()} (as of {dates.human(entry.as_of)}, {how})"


def linked_line(link: LinkedEntry) -> str:
    return f"{dates.human(link.date)} · {link.title} ({link.id}) — {link.how}"


def history_line(entry: HistoryEntry) -> str:
    about = f" (for {entry.addressee})" if entry.addressee else " (the whole ask)"
    return f"{dates.human(entry.as_of)} — {entry.status_label}{about} — {entry.assessor}: {entry.rationale}"


def source_line(item: BriefItem) -> str:
    return f"{item.source_title} ({dates.human(item.source_date)})" + (f", {item.number}" if item.number else "")


def asked_of_line(item: BriefItem) -> str:
    """Who is asked, and why a ministry's brief lists it: "RGC (asked of RGC as a whole)"."""
    who = "; ".join(item.addressees) or "not recorded"
    return f"{who} ({item.asked_as_a_whole})" if item.asked_as_a_whole else who


def item_heading(item: BriefItem) -> str:
    """A recommendation's heading: its short title and its id (the id the chronic-asks table refers to)."""
    return f"{item.title} ({item.id})"
