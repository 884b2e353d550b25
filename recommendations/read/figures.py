"""Figures that say their base: the sentences beside the Overview's and Owners' numbers, and the Overview's answer
to "is it getting better?". Each count is given with what it is a count of, in the same whole percentages
(``recommendations.numbers``), so "35% moving" is never read as a success rate of the assessed.

Each sentence is said whole in the reader's language (``lang``, English by default) from the catalogs.
Plain Python over the recommendation table and the year-end statuses (``headlines.year_end_statuses``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from recommendations import i18n
from recommendations.numbers import of, percent
from recommendations.vocabulary import MOVING, MOVING_MEANS

#: How far back the trend sentence looks: a decade, or to the first recommendation if that is nearer.
TREND_YEARS = 10


def progress_base(total: int, assessed: int, moving: int, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """What "with progress" counts, with both bases: "53 of 84 recommendations have progress on record
    (implemented, partially implemented or in progress): 53 of the 56 assessed. 28 are not assessed: …"."""
    if not total:
        return ""
    tr = i18n.translator(lang)
    if not assessed:
        return tr.plural(
            "None of the {n} recommendation here is assessed yet, so none has progress on record.",
            "None of the {n} recommendations here is assessed yet, so none has progress on record.",
            total,
        )
    named = {"counted": of(moving, total, "recommendations", lang), "means": tr.t(MOVING_MEANS)}
    sentence = tr.plural(
        "{counted} has progress on record ({means}): {moving} of the {assessed} assessed.",
        "{counted} have progress on record ({means}): {moving} of the {assessed} assessed.",
        moving,
        moving=tr.number(moving),
        assessed=tr.number(assessed),
        **named,
    )
    unknown = total - assessed
    if unknown:
        sentence += " " + tr.plural(
            "{n} is not assessed, so whether it moved is not known.",
            "{n} are not assessed, so whether they moved is not known.",
            unknown,
        )
    return sentence


def asks_base(open_asks: int, asks: int, recommendations: int, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """What Owners' "asks" count, tied to the count of recommendations: an ask is one recommendation made to one
    actor, so the shares of asks are not shares of recommendations."""
    if not asks:
        return ""
    tr = i18n.translator(lang)
    still_open = tr.t(
        "{counted} ({percent}) are still open.",
        counted=of(open_asks, asks, "asks", lang),
        percent=percent(open_asks / asks, lang),
    )
    what = tr.plural(
        "An ask is one recommendation made to one actor: the {n} recommendation here makes {asks}, one for each "
        "actor it names, so a recommendation made to three actors counts three times and a share of asks is not "
        "a share of recommendations.",
        "An ask is one recommendation made to one actor: the {n} recommendations here make {asks}, one for each "
        "actor each of them names, so a recommendation made to three actors counts three times and a share of asks "
        "is not a share of recommendations.",
        recommendations,
        asks=tr.plural("{n} ask", "{n} asks", asks),
    )
    return f"{still_open} {what}"


@dataclass(frozen=True)
class Trend:
    """The share with progress at the end of two years, and where the recommendations that gained it come from."""

    start: int
    end: int
    start_with: int  # recommendations with progress at the end of ``start``
    start_made: int  # recommendations made by then
    end_with: int
    end_made: int
    gained: int  # recommendations with progress at the end of ``end`` and not at the end of ``start``
    by_source: list[tuple[str, int]]  # the gained, per source (label, count), most first
    searched_years: tuple[int, int] | None  # the years the gained ones were last searched for evidence

    @property
    def start_share(self) -> float:
        return self.start_with / self.start_made if self.start_made else 0.0

    @property
    def end_share(self) -> float:
        return self.end_with / self.end_made if self.end_made else 0.0


def trend(per_year: pd.DataFrame, table: pd.DataFrame, span: int = TREND_YEARS) -> Trend | None:
    """The trend over the last ``span`` years of ``per_year`` (year, recommendation_id, status: the statuses on
    31 December of each year). None when there is a single year, so nothing to compare."""
    if per_year.empty:
        return None
    end = int(per_year["year"].max())
    start = max(int(per_year["year"].min()), end - span)
    if start == end:
        return None
    moving = per_year["status"].isin(sorted(MOVING))
    before = per_year[per_year["year"] == start]
    after = per_year[per_year["year"] == end]
    had = set(before.loc[moving.loc[before.index], "recommendation_id"])
    has = set(after.loc[moving.loc[after.index], "recommendation_id"])
    gained = has - had
    rows = table[table["id"].isin(gained)]
    named = rows.assign(source=[f"“{t}” ({y})" for t, y in zip(rows["source_title"], rows["year"], strict=True)])
    by_source = named.groupby("source", sort=False).size().sort_values(ascending=False, kind="stable")
    searched = sorted(int(d[:4]) for d in rows.get("last_searched_on", pd.Series(dtype=object)) if isinstance(d, str))
    return Trend(
        start=start, end=end, start_with=len(had), start_made=len(before), end_with=len(has), end_made=len(after),
        gained=len(gained), by_source=[(str(k), int(v)) for k, v in by_source.items()],
        searched_years=(searched[0], searched[-1]) if searched else None,
    )  # fmt: skip


def trend_sentence(t: Trend | None, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """ "Since 2016 the share with progress rose from 21% … to 63% …; most of the rise comes from evidence
    recorded for …", and what the rise also reflects. Says so plainly when there is no rise."""
    if t is None:
        return ""
    tr = i18n.translator(lang)
    named = {
        "start": t.start, "end": t.end, "start_share": percent(t.start_share, lang),
        "end_share": percent(t.end_share, lang), "then": of(t.start_with, t.start_made, lang=lang),
        "now": of(t.end_with, t.end_made, lang=lang),
    }  # fmt: skip
    if percent(t.end_share) == percent(t.start_share):
        return tr.t(
            "Since {start} the share of recommendations with progress has not risen: it was {start_share} ({then} "
            "made by the end of {start}) and is {end_share} ({now} by the end of {end}).",
            **named,
        )
    if t.end_share < t.start_share:
        return tr.t(
            "Since {start} the share of recommendations with progress has not risen: it fell from {start_share} "
            "({then} made by the end of {start}) to {end_share} ({now} by the end of {end}).",
            **named,
        )
    sentences = [
        tr.t(
            "Since {start} the share of recommendations with progress rose from {start_share} ({then} made by the "
            "end of {start}) to {end_share} ({now} by the end of {end}).",
            **named,
        )
    ]
    if t.by_source:
        label, n = t.by_source[0]
        where = {"source": label, "count": tr.number(n)}
        if 2 * n > t.gained:
            sentences.append(
                tr.plural(
                    "Most of the rise comes from evidence recorded for the recommendations of {source} ({count} of "
                    "the {n} recommendation that gained progress).",
                    "Most of the rise comes from evidence recorded for the recommendations of {source} ({count} of "
                    "the {n} recommendations that gained progress).",
                    t.gained,
                    **where,
                )
            )
        else:
            sentences.append(
                tr.plural(
                    "The largest part of the rise comes from evidence recorded for the recommendations of {source} "
                    "({count} of the {n} recommendation that gained progress).",
                    "The largest part of the rise comes from evidence recorded for the recommendations of {source} "
                    "({count} of the {n} recommendations that gained progress).",
                    t.gained,
                    **where,
                )
            )
    if t.searched_years:
        lo, hi = t.searched_years
        sentences.append(
            tr.t(
                "Each year's status rests on the dated evidence found for it, so the rise also reflects when "
                "evidence was found and looked for, not only what was done: the recommendations that gained were "
                "last searched for evidence in {years}.",
                years=str(lo) if lo == hi else f"{lo}–{hi}",
            )
        )
    else:
        sentences.append(
            tr.t(
                "Each year's status rests on the dated evidence found for it, so the rise also reflects when "
                "evidence was found and looked for, not only what was done."
            )
        )
    return " ".join(sentences)
