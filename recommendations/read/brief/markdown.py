"""The brief as Markdown (the page shows it; the Markdown download is the same text), in the brief's language."""

from __future__ import annotations

from recommendations import i18n, markdown
from recommendations.read.brief import lines
from recommendations.read.brief.model import QUESTIONS_NOTE, STATUS_NOTE, Brief, BriefItem, EvidenceEntry
from recommendations.read.brief.questions import rule_text

md_escape = markdown.escape
md_link = markdown.link
_SLOT = "\ue000"  # a private-use character: where a piece of Markdown goes into an escaped sentence


def _evidence_md(entry: EvidenceEntry, lang: str) -> str:
    when = md_escape(i18n.translator(lang).date(entry.date))
    if markdown.safe_url(entry.url):
        return f"{md_link(entry.title, entry.url)} ({when})"
    ref = lines.evidence_reference(entry, lang)
    return f"{md_escape(entry.title)} ({when})" + (f" — {md_escape(ref)}" if ref else "")


def _chronic_markdown(brief: Brief, limit: int | None = None) -> list[str]:
    """The chronic asks as a list: the same facts as the Word file's table, readable on a phone. ``limit``: the
    first (most raised) only, as the page's preview shows them (a broad brief at scale has thousands)."""
    rows = brief.chronic
    if not rows:
        return [md_escape(lines.no_chronic(brief)), ""]
    shown = rows if limit is None else rows[:limit]
    items = [f"- **{md_escape(row.item.title)}** {md_escape(lines.chronic_facts(row, brief.lang))}" for row in shown]
    out = [md_escape(lines.chronic_intro(brief.lang)), "", *items, ""]
    if len(shown) < len(rows):
        tr = i18n.translator(brief.lang)
        note = tr.t(
            "The {limit} most raised are shown here; the downloads list all {total} chronic asks.",
            limit=tr.number(len(shown)),
            total=tr.number(len(rows)),
        )
        out += [f"*{md_escape(note)}*", ""]
    return out


def brief_markdown(brief: Brief, *, title: bool = True, limit: int | None = None) -> str:
    """The brief as Markdown, in the Word file's order; every piece of data is escaped, links only for http(s)
    addresses. Headings: # title (when ``title``), ## sections, ### groups, #### recommendations.

    ``limit`` keeps the first recommendations only (the page's preview; the downloads hold all of them).
    """
    if brief.detailed is not None and (limit is None or limit > brief.detailed):
        raise ValueError(f"this preview brief details its first {brief.detailed} recommendations, not {limit}")
    tr = i18n.translator(brief.lang)
    out: list[str] = []
    left = len(brief.items) if limit is None else limit
    if title:
        out += [f"# {md_escape(lines.title_line(brief))}", ""]
    out += [md_escape(line) + "  " for line in lines.intro_lines(brief) + lines.count_lines(brief)]
    out.append("")
    if brief.items:
        out += [f"## {md_escape(tr.t('Chronic asks'))}", "", *_chronic_markdown(brief, limit)]
        out += [f"## {md_escape(tr.t('Recommendations'))}", "", f"*{md_escape(tr.t(STATUS_NOTE))}*", ""]
        out += [md_escape(brief.grouping), ""]
    for group in brief.groups if brief.items else []:
        if left <= 0:
            break
        out += [f"### {md_escape(group.title)} ({tr.number(len(group.items))})", ""]
        if not group.items:
            out += [md_escape(lines.empty_group(brief, group.title)), ""]
        for item in group.items[:left]:
            out += _item_markdown(item, brief)
        left -= len(group.items)
    if left < 0:
        shown = tr.t(
            "The first {limit} are shown here; the downloads hold all {total}.",
            limit=tr.number(limit or 0),
            total=tr.number(len(brief.items)),
        )
        out += [f"*{md_escape(shown)}*", ""]
    if brief.gaps:
        out += [f"## {md_escape(tr.t('Appendix: known gaps'))}", "", md_escape(lines.gaps_intro(brief)), ""]
        out += [f"- {md_escape(lines.gap_line(gap, brief.lang))}" for gap in brief.gaps]
    return "\n".join(out).rstrip() + "\n"


def _fact(label: str, value: str) -> str:
    """One fact of a recommendation: "- **Source:** value" (the value already escaped)."""
    return f"- **{md_escape(label)}:** {value}"


def _item_markdown(item: BriefItem, brief: Brief) -> list[str]:
    lang = brief.lang
    tr = i18n.translator(lang)
    out = [f"#### {md_escape(lines.item_heading(item))}", "", f"> {md_escape(item.quote)}"]
    out += [">", *(f"> - {md_escape(p)}" for p in item.problems)] if item.problems else []
    out += [
        "",
        _fact(tr.t("Source"), md_escape(lines.source_line(item, lang))),
        _fact(tr.t("Asked of"), md_escape(lines.asked_of_line(item, lang))),
        _fact(tr.t("Themes"), md_escape("; ".join(item.themes))),
        _fact(tr.t("Status on {date}", date=tr.date(brief.meeting_date)), md_escape(lines.status_value(item, lang))),
    ]
    if len(item.statuses) > 1:
        out.append(f"- **{md_escape(tr.t('Status for each addressee'))}:**")
        out += [f"  - {md_escape(lines.addressee_status_line(s, lang))}" for s in item.statuses]
    out.append(_fact(tr.t("Raised"), md_escape(lines.raised_line(item, lang))))
    for link in item.linked:
        out.append(f"  - {md_escape(lines.linked_line(link, lang))}")
    newest = item.latest_evidence
    if newest:  # the sentence escaped, then the evidence (already Markdown, perhaps a link) put in its place
        sentence = md_escape(lines.latest_evidence(newest, len(item.evidence), lang, shown=_SLOT))
        out.append(_fact(tr.t("Latest evidence"), sentence.replace(_SLOT, _evidence_md(newest, lang), 1)))
    else:
        out.append(_fact(tr.t("Latest evidence"), md_escape(tr.t("none on record by the meeting date"))))
    out += ["", f"**{md_escape(tr.t('Assessment history'))}**", ""]
    out += [f"- {md_escape(lines.history_line(h, lang))}" for h in item.history] or [
        f"- {md_escape(tr.t('No published assessment by the meeting date.'))}"
    ]
    if item.questions:
        note = md_escape(tr.t(QUESTIONS_NOTE))
        out += ["", f"**{md_escape(tr.t('Suggested questions'))}** — *{note}*", ""]
        out += [
            f"- {md_escape(q.text)} *\\({md_escape(tr.t('rule: {rule}', rule=rule_text(q.rule, lang)))}\\)*"
            for q in item.questions
        ]
    return [*out, ""]
