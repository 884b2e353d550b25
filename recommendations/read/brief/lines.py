"""The brief's sentences, as plain text: shared by the Markdown and the Word renderings."""

from __future__ import annotations

from recommendations import dates
from recommendations.read.brief.model import AddresseeStatus, Brief, BriefItem, Gap, HistoryEntry, LinkedEntry
from recommendations.vocabulary import STATUS_LABELS


def header_lines(brief: Brief) -> list[str]:
    """Plain-text header facts."""
    counts = brief.status_counts
    by_status = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts.items())
    sources = len({item.source_id for item in brief.items})
    repeated = sum(1 for item in brief.items if item.times_raised > 1)
    lines = [
        brief.selection,
        f"Meeting date: {dates.human(brief.meeting_date)}. Generated: {dates.human(brief.generated_on)}.",
        f"Open recommendations: {len(brief.items)} from {sources} source(s)"
        + (f" ({by_status}); {repeated} raised more than once." if brief.items else "."),
    ]
    if brief.closed or brief.later:
        lines.append(
            f"Not listed: {brief.closed} matching recommendation(s) implemented or not applicable by the meeting "
            f"date; {brief.later} made after it."
        )
    if brief.commitments:
        lines.append(
            f"Also not listed: {brief.commitments} commitment(s) the authors made themselves (not asks of anyone "
            "else; their status is on the recommendation pages)."
        )
    lines.append(brief.grouping)
    return lines


def empty_message(brief: Brief) -> str:
    return f"No open recommendations on this selection as of {dates.human(brief.meeting_date)}."


def gap_line(gap: Gap) -> str:
    if gap.expected is None:
        held = f"number of recommendations not known, {gap.recorded} held."
    else:
        held = f"{gap.expected} recommendation(s) known, {gap.recorded} held, {gap.missing} missing."
    return f"{gap.title} ({dates.human(gap.date)}): {held}" + (f" {gap.note}" if gap.note else "")


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


def raised_line(item: BriefItem) -> str:
    if item.times_raised == 1:
        return "once (no linked recommendation on record)"
    direct = sum(1 for x in item.linked if x.relation)
    return (
        f"at {item.times_raised} meetings or documents since {dates.year_of(item.first_raised)} "
        f"(this one and {len(item.linked)} linked: {direct} directly, {len(item.linked) - direct} through others)"
    )


def linked_line(link: LinkedEntry) -> str:
    return f"{dates.human(link.date)} · {link.title} ({link.id}) — {link.how}"


def history_line(entry: HistoryEntry) -> str:
    about = f" (for {entry.addressee})" if entry.addressee else " (the whole ask)"
    return f"{dates.human(entry.as_of)} — {entry.status_label}{about} — {entry.assessor}: {entry.rationale}"


def source_line(item: BriefItem) -> str:
    return f"{item.source_title} ({dates.human(item.source_date)})" + (f", {item.number}" if item.number else "")
