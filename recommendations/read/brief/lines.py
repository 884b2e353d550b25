"""The brief's sentences, as plain text: shared by the Markdown, the Word file and the rows, so every count is
worded once (and checked once: tests/test_brief_layout.py).

Every sentence is said in a language (``lang``, a key of ``model.LANGUAGES``; the brief's own is ``brief.lang``):
whole sentences with named placeholders through ``i18n`` (``t``, ``plural``), dates in the language's one style.
The data in them (short titles, theme and actor names) comes translated from ``build``; the quoted texts,
rationales, source titles and ids are as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from recommendations import dates, i18n
from recommendations.i18n import N_
from recommendations.read.brief.model import (
    DEFAULT_LANGUAGE,
    AddresseeStatus,
    Brief,
    BriefItem,
    ChronicAsk,
    EvidenceEntry,
    Gap,
    HistoryEntry,
    LinkedEntry,
)
from recommendations.vocabulary import STATUS_LABELS

SHORT_SENTENCE = 30  # words: a gap's note longer than this is replaced by its counts
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
LINKED_THROUGH_OTHERS = N_("linked only through other recommendations")


def _tr(lang: str) -> i18n.Translator:
    return i18n.translator(lang)


def counted(n: int, one: str, many: str | None = None) -> str:
    """ "1 recommendation", "3 recommendations": a count with its English noun (the command line's report)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def status_label(status: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A status's label in ``lang`` ("Not assessed", "មិនទាន់វាយតម្លៃ")."""
    return _tr(lang).t(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def title_line(brief: Brief) -> str:
    tr = _tr(brief.lang)
    return tr.t("Meeting brief: {date}", date=tr.date(brief.meeting_date))


def page_header(brief: Brief) -> str:
    """The running header of every page: the meeting and, when set, who issues the brief."""
    tr = _tr(brief.lang)
    when = tr.date(brief.meeting_date)
    if brief.organisation:
        return tr.t("Meeting brief for {date} · Issued by {organisation}", date=when, organisation=brief.organisation)
    return tr.t("Meeting brief for {date}", date=when)


def page_footer(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The running footer, "Page X of Y", as text pieces and the fields between them: ["Page ", "PAGE", " of ",
    "NUMPAGES", ""] (odd places are Word fields; the language decides their order and the words around them)."""
    marks = {"page": "\x00PAGE\x00", "pages": "\x00NUMPAGES\x00"}
    return _tr(lang).t("Page {page} of {pages}", **marks).split("\x00")


def intro_lines(brief: Brief) -> list[str]:
    """Who issues it, what it is about, and when: the first lines of the first page."""
    tr = _tr(brief.lang)
    lines = [tr.t("Issued by {organisation}.", organisation=brief.organisation)] if brief.organisation else []
    meeting, prepared = tr.date(brief.meeting_date), tr.date(brief.generated_on)
    lines += [
        brief.selection,
        tr.t("Meeting date: {meeting}. Prepared on {prepared}.", meeting=meeting, prepared=prepared),
    ]
    return lines


def count_lines(brief: Brief) -> list[str]:
    """The counts of the first page, each a whole sentence whose numbers add up as written."""
    tr = _tr(brief.lang)
    items = brief.items
    if not items:
        lines = [empty_message(brief)]
    else:
        by_status = ", ".join(
            tr.t("{n} {status}", n=tr.number(n), status=status_label(s, brief.lang).lower())
            for s, n in brief.status_counts.items()
        )
        documents = tr.plural("{n} document", "{n} documents", len({item.source_id for item in items}))
        lines = [
            tr.plural(
                "{n} open recommendation on this selection, from {documents}: {by_status}.",
                "{n} open recommendations on this selection, from {documents}: {by_status}.",
                len(items),
                documents=documents,
                by_status=by_status,
            )
        ]
        repeated, asks = sum(1 for item in items if item.times_raised > 1), len(brief.chronic)
        if repeated and asks == repeated:
            lines.append(
                tr.plural(
                    "{n} of the {total} was raised at two or more meetings (see Chronic asks).",
                    "{n} of the {total} were raised at two or more meetings (see Chronic asks).",
                    repeated,
                    total=tr.number(len(items)),
                )
            )
        elif repeated:
            lines.append(
                tr.plural(
                    "{n} of the {total} was raised at two or more meetings; some repeat one another, so Chronic "
                    "asks lists them as {asks}.",
                    "{n} of the {total} were raised at two or more meetings; some repeat one another, so Chronic "
                    "asks lists them as {asks}.",
                    repeated,
                    total=tr.number(len(items)),
                    asks=tr.plural("{n} ask", "{n} asks", asks),
                )
            )
    if brief.closed or brief.later:
        lines.append(
            tr.t(
                "Not listed: {closed} on this selection implemented or not applicable by the meeting date, and "
                "{later} made after it.",
                closed=tr.plural("{n} recommendation", "{n} recommendations", brief.closed),
                later=tr.plural("{n} recommendation", "{n} recommendations", brief.later),
            )
        )
    if brief.commitments:
        lines.append(
            tr.plural(
                "Also not listed: {n} commitment the authors made themselves (not asks of anyone else; their status "
                "is on the recommendation pages).",
                "Also not listed: {n} commitments the authors made themselves (not asks of anyone else; their "
                "status is on the recommendation pages).",
                brief.commitments,
            )
        )
    return lines


def empty_message(brief: Brief) -> str:
    tr = _tr(brief.lang)
    return tr.t("No open recommendations on this selection as of {date}.", date=tr.date(brief.meeting_date))


def empty_group(brief: Brief, group: str) -> str:
    """A heading with nothing under it: a chosen addressee with no open ask."""
    tr = _tr(brief.lang)
    return tr.t("No open recommendations on {group} as of {date}.", group=group, date=tr.date(brief.meeting_date))


def raised_line(item: BriefItem, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "at 4 meetings: 2011, 2015, 2016, 2022": as many years as meetings (recurrence.times_raised)."""
    years = _years(item.meetings)
    return _tr(lang).plural("at {n} meeting: {years}", "at {n} meetings: {years}", item.times_raised, years=years)


def _years(meetings: Sequence[str]) -> str:
    return ", ".join(dates.year_of(d) for d in meetings)


#: The chronic-asks table's columns (English; ``chronic_columns`` says them in a language).
CHRONIC_COLUMNS = [
    N_("ID"),
    N_("Title"),
    N_("First raised"),
    N_("Times raised"),
    N_("Status on the meeting date"),
    N_("Years open"),
]
CHRONIC_INTRO = N_(
    "Open asks on this selection that were raised at two or more meetings, most raised first. Years open run "
    "from the first time an ask was raised to the meeting date."
)


def chronic_columns(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    return [_tr(lang).t(name) for name in CHRONIC_COLUMNS]


def chronic_intro(lang: str = DEFAULT_LANGUAGE) -> str:
    return _tr(lang).t(CHRONIC_INTRO)


def chronic_cells(row: ChronicAsk, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """One row of the chronic-asks table, as CHRONIC_COLUMNS."""
    tr = _tr(lang)
    item = row.item
    ids = tr.t("{id} (also listed: {ids})", id=item.id, ids=", ".join(row.also)) if row.also else item.id
    return [
        ids,
        item.title,
        tr.date(item.first_raised),
        f"{tr.number(item.times_raised)} ({_years(item.meetings)})",
        status_label(item.status, lang),
        tr.number(row.years_open),
    ]


def chronic_facts(row: ChronicAsk, lang: str = DEFAULT_LANGUAGE) -> str:
    """One chronic ask in a sentence (the Markdown's list, which wraps on a phone where a table would not)."""
    tr = _tr(lang)
    item = row.item
    ids = tr.t("{id}; also listed: {ids}", id=item.id, ids=", ".join(row.also)) if row.also else item.id
    return tr.plural(
        "({ids}): first raised {first}; raised {raised}; {status} on the meeting date; open for {n} year.",
        "({ids}): first raised {first}; raised {raised}; {status} on the meeting date; open for {n} years.",
        row.years_open,
        ids=ids,
        first=tr.date(item.first_raised),
        raised=raised_line(item, lang),
        status=status_label(item.status, lang).lower(),
    )


def no_chronic(brief: Brief) -> str:
    return _tr(brief.lang).plural(
        "None of the {n} open recommendation was raised at more than one meeting.",
        "None of the {n} open recommendations was raised at more than one meeting.",
        len(brief.items),
    )


def gaps_intro(brief: Brief) -> str:
    tr = _tr(brief.lang)
    return tr.t(
        "The tracker does not hold all the recommendations of these documents, dated on or before {date}. Their "
        "missing texts could include asks on this selection.",
        date=tr.date(brief.meeting_date),
    )


def _first_sentence(note: str | None) -> str | None:
    if not note:
        return None
    first = _SENTENCE_END.split(" ".join(note.split()), maxsplit=1)[0]
    return first if len(first.split()) <= SHORT_SENTENCE else None


def gap_line(gap: Gap, lang: str = DEFAULT_LANGUAGE) -> str:
    """The document, its date, and one short sentence: the first of its public note, else its counts."""
    tr = _tr(lang)
    when = tr.date(gap.date)
    facts = [] if when in gap.title else [when]
    if gap.expected is not None:
        facts.append(tr.plural("{n} recommendation known", "{n} recommendations known", gap.expected))
    sentence = gap_sentence(gap, lang)
    about = f" ({'; '.join(facts)})" if facts else ""
    return f"{gap.title}{about}: {sentence}"


def gap_sentence(gap: Gap, lang: str = DEFAULT_LANGUAGE) -> str:
    """One short sentence on what is missing: the first of the document's public note (written in English, so
    in English only), else its counts."""
    sentence = _first_sentence(gap.note) if lang == i18n.SOURCE_LANGUAGE else None
    if sentence is not None:
        return sentence
    tr = _tr(lang)
    if gap.expected is None:
        if gap.recorded == 0:
            return tr.t("None of its recommendations held here; how many it made is not known.")
        return tr.t(
            "{held} of its recommendations held here; how many it made is not known.", held=tr.number(gap.recorded)
        )
    if gap.recorded == 0:
        return tr.plural(
            "None of its {n} recommendation held here.", "None of its {n} recommendations held here.", gap.expected
        )
    return tr.plural(
        "{held} of its {n} recommendation held here.",
        "{held} of its {n} recommendations held here.",
        gap.expected,
        held=tr.number(gap.recorded),
    )


def status_value(item: BriefItem, lang: str = DEFAULT_LANGUAGE) -> str:
    tr = _tr(lang)
    label = status_label(item.status, lang)
    if not item.status_date:
        return label
    when, who = tr.date(item.status_date), item.status_assessor
    if item.status_scope:
        return tr.t(
            "{status} (assessed as of {date} by {assessor}, as assessed for {scope})",
            status=label,
            date=when,
            assessor=who,
            scope=item.status_scope,
        )
    return tr.t("{status} (assessed as of {date} by {assessor})", status=label, date=when, assessor=who)


def inferred(label: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An addressee the text does not name, the document's own used instead: "Governments ... (inferred)"."""
    return _tr(lang).t("{name} (inferred)", name=label)


def addressee_status_line(entry: AddresseeStatus, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "Governments of countries of destination (inferred): not assessed" """
    tr = _tr(lang)
    who = inferred(entry.label, lang) if entry.inferred else entry.label
    status = status_label(entry.status, lang).lower()
    if entry.as_of is None:
        return f"{who}: {status}"
    when = tr.date(entry.as_of)
    if entry.scoped:
        return tr.t(
            "{addressee}: {status} (as of {date}, judged for this addressee)", addressee=who, status=status, date=when
        )
    return tr.t(
        "{addressee}: {status} (as of {date}, judged for the whole ask)", addressee=who, status=status, date=when
    )


def linked_line(link: LinkedEntry, lang: str = DEFAULT_LANGUAGE) -> str:
    tr = _tr(lang)
    how = tr.t(link.relation) if link.relation else tr.t(LINKED_THROUGH_OTHERS)
    return f"{tr.date(link.date)} · {link.title} ({link.id}) — {how}"


def history_line(entry: HistoryEntry, lang: str = DEFAULT_LANGUAGE) -> str:
    tr = _tr(lang)
    named = {
        "date": tr.date(entry.as_of),
        "status": status_label(entry.status, lang),
        "assessor": entry.assessor,
        "rationale": entry.rationale,
    }
    if entry.addressee:
        return tr.t("{date} — {status} (for {addressee}) — {assessor}: {rationale}", addressee=entry.addressee, **named)
    return tr.t("{date} — {status} (the whole ask) — {assessor}: {rationale}", **named)


def source_line(item: BriefItem, lang: str = DEFAULT_LANGUAGE) -> str:
    when = _tr(lang).date(item.source_date)
    return f"{item.source_title} ({when})" + (f", {item.number}" if item.number else "")


def asked_of_line(item: BriefItem, lang: str = DEFAULT_LANGUAGE) -> str:
    """Who is asked, and why a ministry's brief lists it: "RGC (asked of RGC as a whole)"."""
    who = "; ".join(item.addressees) or _tr(lang).t("not recorded")
    return f"{who} ({item.asked_as_a_whole})" if item.asked_as_a_whole else who


def item_heading(item: BriefItem) -> str:
    """A recommendation's heading: its short title and its id (the id the chronic-asks table refers to)."""
    return f"{item.title} ({item.id})"


def evidence_reference(entry: EvidenceEntry, lang: str = DEFAULT_LANGUAGE) -> str:
    """Where to find an evidence item: the url, else the citation, else the source document."""
    if entry.url or entry.citation:
        return entry.url or entry.citation or ""
    return _tr(lang).t("Source document: {title}", title=entry.source_title) if entry.source_title else ""


def latest_evidence(
    entry: EvidenceEntry, count: int, lang: str = DEFAULT_LANGUAGE, *, shown: str = "", sentence: bool = False
) -> str:
    """ "<title> (<date>); 3 items on record": the newest evidence and how many are on record (a whole sentence,
    with its full stop, when ``sentence``). ``shown`` is how the evidence is written (the Markdown's link),
    default its title and date."""
    tr = _tr(lang)
    shown = shown or f"{entry.title} ({tr.date(entry.date)})"
    if sentence:
        return tr.plural("{evidence}; {n} item on record.", "{evidence}; {n} items on record.", count, evidence=shown)
    return tr.plural("{evidence}; {n} item on record", "{evidence}; {n} items on record", count, evidence=shown)
