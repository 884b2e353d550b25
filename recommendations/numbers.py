"""One way to write a share, for every page, chart, table and sentence: whole percentages ("42%", never
"42.11%"), and a count with its base ("29 of 84"), so no figure is read without what it is a share of.

In the reader's language (``lang``, English by default): "29 ក្នុងចំណោម 84", digits 0-9 as everywhere
(``recommendations.i18n``). A count with its noun is a whole phrase of the catalog ("{part} of {whole}
recommendations"), never a noun glued to a number, so each language puts the words where it wants them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from recommendations import i18n

#: The plotly format of a share on an axis or in a hover label: the same whole percentages as ``percent``.
PLOTLY_PERCENT = ".0%"
#: The Streamlit column format of a whole percentage held as a number from 0 to 100 (``whole_percent``).
COLUMN_PERCENT = "%d%%"
#: What a count with its base may count (each a phrase of its own in the catalogs).
Counted = Literal["", "recommendations", "asks"]


def whole_percent(share: float) -> int:
    """A share (0 to 1) as a whole percentage, halves rounded up (``round`` would make 0.5% into 0%). Worked out on
    the share's decimal form: 345/600 is 0.575 exactly, but as a binary float times 100 it is 57.4999…, which read
    57%."""
    return int((Decimal(repr(float(share))) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(share: float, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """A share as readers see it everywhere: "42%". A share that is not nothing never reads "0%", and one that is
    not everything never reads "100%"."""
    tr = i18n.translator(lang)
    shown = whole_percent(share)
    if shown == 0 and share > 0:
        return tr.t("under {percent}", percent=tr.percent(0.01))
    if shown == 100 and share < 1:
        return tr.t("over {percent}", percent=tr.percent(0.99))
    return tr.percent(shown / 100)


def of(part: int, whole: int, noun: Counted = "", lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """A count with its base: "29 of 84", "29 of 84 recommendations", "1 of 1 recommendation", "143 of 152 asks"."""
    tr = i18n.translator(lang)
    named = {"n": tr.number(part), "total": tr.number(whole)}  # the plural follows the total ("of 1 recommendation")
    if noun == "recommendations":
        return tr.plural("{n} of {total} recommendation", "{n} of {total} recommendations", whole, **named)
    if noun == "asks":
        return tr.plural("{n} of {total} ask", "{n} of {total} asks", whole, **named)
    return tr.t("{n} of {total}", **named)


def share_of(part: int, whole: int, lang: str = i18n.SOURCE_LANGUAGE) -> str:
    """A count with its base and the share it makes: "29 of 84 (35%)"; no share of nothing."""
    return of(part, whole, lang=lang) + (f" ({percent(part / whole, lang)})" if whole else "")
