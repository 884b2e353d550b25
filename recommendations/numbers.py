"""One way to write a share, for every page, chart, table and sentence: whole percentages ("42%", never
"42.11%"), and a count with its base ("29 of 84"), so no figure is read without what it is a share of."""

from __future__ import annotations

#: The plotly format of a share on an axis or in a hover label: the same whole percentages as ``percent``.
PLOTLY_PERCENT = ".0%"
#: The Streamlit column format of a whole percentage held as a number from 0 to 100 (``whole_percent``).
COLUMN_PERCENT = "%d%%"


def whole_percent(share: float) -> int:
    """A share (0 to 1) as a whole percentage, halves rounded up (``round`` would make 0.5% into 0%)."""
    return int(share * 100 + 0.5)


def percent(share: float) -> str:
    """A share as readers see it everywhere: "42%". A share that is not nothing never reads "0%", and one that is
    not everything never reads "100%"."""
    shown = whole_percent(share)
    if shown == 0 and share > 0:
        return "under 1%"
    if shown == 100 and share < 1:
        return "over 99%"
    return f"{shown}%"


def of(part: int, whole: int, noun: str = "") -> str:
    """A count with its base: "29 of 84 recommendations" (the noun as given: the caller knows its plural)."""
    return f"{part:,} of {whole:,}" + (f" {noun}" if noun else "")


def share_of(part: int, whole: int) -> str:
    """A count with its base and the share it makes: "29 of 84 (35%)"; no share of nothing."""
    return of(part, whole) + (f" ({percent(part / whole)})" if whole else "")
