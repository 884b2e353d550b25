"""How a brief's recommendations are grouped under headings: by chosen theme, else by chosen addressee, else by
source."""

from __future__ import annotations

from collections.abc import Sequence

from recommendations import i18n
from recommendations.read.brief.model import DEFAULT_LANGUAGE, BriefGroup, BriefItem


def group(
    items: list[BriefItem],
    themes: list[tuple[str, str]],
    actors: list[tuple[str, str]],
    wider: Sequence[tuple[str, str]] = (),
    lang: str = DEFAULT_LANGUAGE,
) -> tuple[str, list[BriefGroup]]:
    """By chosen theme, else by chosen addressee (then what they are part of, as a whole), else by source; each
    recommendation once, oldest first. The note that says how, and the headings, in ``lang``."""
    tr = i18n.translator(lang)
    if themes or actors:
        chosen, attr = (themes, "theme_ids") if themes else (actors, "addressee_ids")
        groups = {key: BriefGroup(name) for key, name in chosen}
        if not themes:  # asks of the Government as a whole under their own heading, when there are any
            chosen = chosen + [(key, tr.t("{name}, asked as a whole", name=name)) for key, name in wider]
            groups.update({key: BriefGroup(name) for key, name in chosen[len(actors) :]})
        for item in items:
            key = next((k for k, _ in chosen if k in getattr(item, attr)), chosen[0][0])
            groups[key].items.append(item)
        if themes:
            note = tr.t(
                "Grouped by theme; a recommendation on several of the chosen themes is listed once, under the first."
            )
        else:
            note = tr.t(
                "Grouped by addressee; a recommendation on several of the chosen addressees is listed once, under "
                "the first."
            )
        kept = [g for key, g in groups.items() if g.items or key not in dict(wider)]
        return note, kept
    by_source: dict[str, BriefGroup] = {}
    for item in items:
        by_source.setdefault(
            item.source_id, BriefGroup(f"{tr.date(item.source_date)} · {item.source_title}")
        ).items.append(item)
    return tr.t("Grouped by source, oldest first."), list(by_source.values())
