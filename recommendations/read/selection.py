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

from babel.lists import format_list

from recommendations import i18n
from recommendations.i18n import N_
from recommendations.markdown import escape

OVERLAP = "overlap"
EITHER = "either"
COMBINE_MODES = (OVERLAP, EITHER)
#: The choice as offered on the pages.
COMBINE_LABELS = {
    OVERLAP: N_("Both: on these themes and asked of these addressees"),
    EITHER: N_("Either: on these themes, or asked of these addressees"),
}


def other_mode(combine: str) -> str:
    """The combination not chosen (what the pages offer instead)."""
    return EITHER if combine == OVERLAP else OVERLAP


def _any_of(labels: Sequence[str], lang: str) -> str:
    """ "A or B" in ``lang`` (English as it always read: "A or B or C"; other languages by their own pattern)."""
    if lang == i18n.SOURCE_LANGUAGE:
        return " or ".join(labels)
    return format_list(list(labels), style="or", locale=lang) if labels else ""


def describe_selection(
    *,
    themes: Sequence[str],
    addressees: Sequence[str],
    wider: Sequence[str] = (),
    combine: str = OVERLAP,
    markdown: bool = False,
    lang: str = i18n.SOURCE_LANGUAGE,
) -> str:
    """The selection as one sentence: "On Recruitment and fees **and** asked of MoLVT or of RGC as a whole."

    ``themes`` and ``addressees`` are the labels of what was chosen, ``wider`` the labels of what the chosen
    addressees are part of (``hierarchy.Reach.wider``), ``combine`` ``"overlap"`` or ``"either"`` (anything
    else reads as overlap, the default). Plain text unless ``markdown``: then every label is escaped and the
    word that joins themes and addressees is bold. In ``lang`` (the labels given are already in it).
    """
    tr = i18n.translator(lang)
    show = escape if markdown else str
    on = _any_of([show(t) for t in themes], tr.lang)
    asked = _any_of([show(a) for a in addressees], tr.lang)
    if asked and wider:
        asked = tr.t(
            "{addressees} or of {wider} as a whole", addressees=asked, wider=_any_of([show(w) for w in wider], tr.lang)
        )
    if on and asked:
        if combine == EITHER:
            if markdown:
                return tr.t("On {themes}, **or** asked of {addressees}.", themes=on, addressees=asked)
            return tr.t("On {themes}, or asked of {addressees}.", themes=on, addressees=asked)
        if markdown:
            return tr.t("On {themes} **and** asked of {addressees}.", themes=on, addressees=asked)
        return tr.t("On {themes} and asked of {addressees}.", themes=on, addressees=asked)
    if on:
        return tr.t("On {themes}, asked of anyone.", themes=on)
    if asked:
        return tr.t("On any theme, asked of {addressees}.", addressees=asked)
    return tr.t("On any theme, asked of anyone.")
