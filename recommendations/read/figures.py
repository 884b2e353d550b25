"""Figures that say their base: the sentences beside the Overview's and Owners' numbers, and the Overview's answer
to "is it getting better?". Each count is given with what it is a count of, in the same whole percentages
(``recommendations.numbers``), so "35% moving" is never read as a success rate of the assessed.

Plain Python over the recommendation table and the year-end statuses (``headlines.year_end_statuses``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from recommendations.numbers import of, percent
from recommendations.vocabulary import MOVING, MOVING_MEANS

#: How far back the trend sentence looks: a decade, or to the first recommendation if that is nearer.
TREND_YEARS = 10


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def progress_base(total: int, assessed: int, moving: int) -> str:
    """What "with progress" counts, with both bases: "53 of 84 recommendations have progress on record
    (implemented, partially implemented or in progress): 53 of the 56 assessed. 28 are not assessed: …"."""
    if not total:
        return ""
    recs = "recommendation" if total == 1 else "recommendations"
    if not assessed:
        return f"None of the {total:,} {recs} here is assessed yet, so none has progress on record."
    has = "has" if moving == 1 else "have"
    sentence = (
        f"{of(moving, total, recs)} {has} progress on record ({MOVING_MEANS}): {moving:,} of the {assessed:,} assessed."
    )
    unknown = total - assessed
    if unknown:
        are = "is" if unknown == 1 else "are"
        sentence += (
            f" {unknown:,} {are} not assessed, so whether {'it' if unknown == 1 else 'they'} moved is not known."
        )
    return sentence


def asks_base(open_asks: int, asks: int, recommendations: int) -> str:
    """What Owners' "asks" count, tied to the count of recommendations: an ask is one recommendation made to one
    actor, so the shares of asks are not shares of recommendations."""
    if not asks:
        return ""
    recs = plural(recommendations, "recommendation", "recommendations")
    return (
        f"{of(open_asks, asks, 'asks')} ({percent(open_asks / asks)}) are still open. An ask is one recommendation "
        f"made to one actor: the {recs} here make {plural(asks, 'ask', 'asks')}, one for each actor each of them "
        "names, so a recommendation made to three actors counts three times and a share of asks is not a share "
        "of recommendations."
    )


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


def trend_sentence(t: Trend | None) -> str:
    """ "Since 2016 the share with progress rose from 21% … to 63% …; most of the rise comes from evidence
    recorded for …", and what the rise also reflects. Says so plainly when there is no rise."""
    if t is None:
        return ""
    then = f"{percent(t.start_share)} ({of(t.start_with, t.start_made)} made by the end of {t.start})"
    now = f"{percent(t.end_share)} ({of(t.end_with, t.end_made)} by the end of {t.end})"
    head = f"Since {t.start} the share of recommendations with progress"
    if percent(t.end_share) == percent(t.start_share):
        return f"{head} has not risen: it was {then} and is {now}."
    if t.end_share < t.start_share:
        return f"{head} has not risen: it fell from {then} to {now}."
    sentence = f"{head} rose from {then} to {now}."
    if t.by_source:
        label, n = t.by_source[0]
        most = "Most of the rise comes" if 2 * n > t.gained else "The largest part of the rise comes"
        sentence += (
            f" {most} from evidence recorded for the recommendations of {label} "
            f"({n:,} of the {plural(t.gained, 'recommendation', 'recommendations')} that gained progress)."
        )
    sentence += (
        " Each year's status rests on the dated evidence found for it, so the rise also reflects when evidence "
        "was found and looked for, not only what was done"
    )
    if t.searched_years:
        lo, hi = t.searched_years
        sentence += (
            f": the recommendations that gained were last searched for evidence in {lo if lo == hi else f'{lo}–{hi}'}"
        )
    return sentence + "."
