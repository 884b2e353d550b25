"""The brief as Markdown (the page shows it; the Markdown download is the same text)."""

from __future__ import annotations

import datetime as dt

from recommendations import dates, markdown
from recommendations.read.brief import lines
from recommendations.read.brief.model import QUESTIONS_NOTE, STATUS_NOTE, Brief, BriefItem, EvidenceEntry
from recommendations.read.brief.questions import QUESTION_RULES

md_escape = markdown.escape
md_link = markdown.link


def _evidence_md(entry: EvidenceEntry) -> str:
    when = md_escape(dates.human(entry.date))
    if markdown.safe_url(entry.url):
        return f"{md_link(entry.title, entry.url)} ({when})"
    ref = entry.reference
    return f"{md_escape(entry.title)} ({when})" + (f" — {md_escape(ref)}" if ref else "")


def _chronic_markdown(brief: Brief) -> list[str]:
    """The chronic asks as a list: the same facts as the Word file's table, readable on a phone."""
    rows = brief.chronic
    if not rows:
        return [md_escape(lines.no_chronic(brief)), ""]
    items = [f"- **{md_escape(row.item.title)}** {md_escape(lines.chronic_facts(row))}" for row in rows]
    return [md_escape(lines.CHRONIC_INTRO), "", *items, ""]


def brief_markdown(brief: Brief, *, title: bool = True, limit: int | None = None) -> str:
    """The brief as Markdown, in the Word file's order; every piece of data is escaped, links only for http(s)
    addresses. Headings: # title (when ``title``), ## sections, ### groups, #### recommendations.

    ``limit`` keeps the first recommendations only (the page's preview; the downloads hold all of them).
    """
    out: list[str] = []
    left = len(brief.items) if limit is None else limit
    if title:
        out += [f"# {md_escape(lines.title_line(brief))}", ""]
    out += [md_escape(line) + "  " for line in lines.intro_lines(brief) + lines.count_lines(brief)]
    out.append("")
    if brief.items:
        out += ["## Chronic asks", "", *_chronic_markdown(brief)]
        out += ["## Recommendations", "", f"*{md_escape(STATUS_NOTE)}*", "", md_escape(brief.grouping), ""]
    for group in brief.groups if brief.items else []:
        if left <= 0:
            break
        out += [f"### {md_escape(group.title)} ({len(group.items)})", ""]
        if not group.items:
            out += [md_escape(f"No open recommendations on {group.title} as of {dates.human(brief.meeting_date)}."), ""]
        for item in group.items[:left]:
            out += _item_markdown(item, brief.meeting_date)
        left -= len(group.items)
    if left < 0:
        out += [f"*{md_escape(f'The first {limit} are shown here; the downloads hold all {len(brief.items)}.')}*", ""]
    if brief.gaps:
        out += ["## Appendix: known gaps", "", md_escape(lines.gaps_intro(brief)), ""]
        out += [f"- {md_escape(lines.gap_line(gap))}" for gap in brief.gaps]
    return "\n".join(out).rstrip() + "\n"


def _item_markdown(item: BriefItem, meeting: dt.date) -> list[str]:
    out = [f"#### {md_escape(lines.item_heading(item))}", "", f"> {md_escape(item.quote)}"]
    out += [">", *(f"> - {md_escape(p)}" for p in item.problems)] if item.problems else []
    out += [
        "",
        f"- **Source:** {md_escape(lines.source_line(item))}",
        f"- **Asked of:** {md_escape(lines.asked_of_line(item))}",
        f"- **Themes:** {md_escape('; '.join(item.themes))}",
        f"- **Status on {md_escape(dates.human(meeting))}:** {md_escape(lines.status_value(item))}",
    ]
    if len(item.statuses) > 1:
        out.append("- **Status for each addressee:**")
        out += [f"  - {md_escape(lines.addressee_status_line(s))}" for s in item.statuses]
    out.append(f"- **Raised:** {md_escape(lines.raised_line(item))}")
    for link in item.linked:
        out.append(f"  - {md_escape(lines.linked_line(link))}")
    newest = item.latest_evidence
    out.append(
        f"- **Latest evidence:** {_evidence_md(newest)}; {lines.counted(len(item.evidence), 'item')} on record"
        if newest
        else "- **Latest evidence:** none on record by the meeting date"
    )
    out += ["", "**Assessment history**", ""]
    out += [f"- {md_escape(lines.history_line(h))}" for h in item.history] or [
        "- No published assessment by the meeting date."
    ]
    if item.questions:
        out += ["", f"**Suggested questions** — *{md_escape(QUESTIONS_NOTE)}*", ""]
        out += [f"- {md_escape(q.text)} *\\(rule: {md_escape(QUESTION_RULES[q.rule])}\\)*" for q in item.questions]
    return [*out, ""]
