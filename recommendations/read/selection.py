"""How a selection of themes and addressees reads in words, and how the two combine.

Themes and addressees combine one of two ways (``Filters.combine``, kept in the address bar as ``combine``):
*overlap*, the recommendations on a chosen theme **and** asked of a chosen addressee, or *either*, those on a
chosen theme **or** asked of a chosen addressee. An addressee also takes in what it is part of
(``recommendations.hierarchy``), which the words say: "asked of MoLVT or of RGC as a whole".

``describe_selection`` is the one place these words are built: the pages, the filters in words and the brief
document all call it.
"""

from __future__ import annotations

from collections.abc import Sequence

from recommendations.markdown import escape

OVERLAP = "overlap"
EITHER = "either"
COMBINE_MODES = (OVERLAP, EITHER)
#: The choice as offered on the pages.
COMBINE_LABELS = {
    OVERLAP: "Both: on these themes and asked of these addressees",
    EITHER: "Either: on these themes, or asked of these addressees",
}


def other_mode(combine: str) -> str:
    """The combination not chosen (what the pages offer instead)."""
    return EITHER if combine == OVERLAP else OVERLAP


def describe_selection(
    *,
    themes: Sequence[str],
    addressees: Sequence[str],
    wider: Sequence[str] = (),
    combine: str = OVERLAP,
    markdown: bool = False,
) -> str:
    """The selection as one sentence: "On Recruitment and fees **and** asked of MoLVT or of RGC as a whole."

    ``themes`` and ``addressees`` are the labels of what was chosen, ``wider`` the labels of what the chosen
    addressees are part of (``hierarchy.Reach.wider``), ``combine`` ``"overlap"`` or ``"either"`` (anything
    else reads as overlap, the default). Plain text unless ``markdown``: then every label is escaped and the
    word that joins themes and addressees is bold.
    """
    show = escape if markdown else str
    on = " or ".join(show(t) for t in themes)
    asked = " or ".join(show(a) for a in addressees)
    if asked and wider:
        asked += " or of " + " or ".join(show(w) for w in wider) + " as a whole"
    if on and asked:
        joiner = "or" if combine == EITHER else "and"
        joiner = f"**{joiner}**" if markdown else joiner
        return f"On {on}{',' if combine == EITHER else ''} {joiner} asked of {asked}."
    if on:
        return f"On {on}, asked of anyone."
    if asked:
        return f"On any theme, asked of {asked}."
    return "On any theme, asked of anyone."
