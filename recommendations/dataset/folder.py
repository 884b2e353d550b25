"""A data folder as read: its validated records (``Dataset``), each problem found in it (``Problem``, with file and
line), and the one rule for a path that would lead outside the folder."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the records' types only: a reload that reads no file need not build the schema's validators
    from recommendations.dataset.schema import (
        ActorIn,
        AssessmentIn,
        ContextFigureIn,
        EvidenceIn,
        ExaminedIn,
        GlossaryIn,
        LinkIn,
        RecommendationIn,
        ResearchLogIn,
        SourceIn,
        ThemeIn,
    )


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Dataset:
    """Validated records of one data/ folder, in file order (none when read with ``keep=False``: counts only)."""

    root: Path
    sources: list[SourceIn] = field(default_factory=list)
    actors: list[ActorIn] = field(default_factory=list)
    themes: list[ThemeIn] = field(default_factory=list)
    glossary: list[GlossaryIn] = field(default_factory=list)
    evidence: list[EvidenceIn] = field(default_factory=list)
    assessments: list[AssessmentIn] = field(default_factory=list)
    links: list[LinkIn] = field(default_factory=list)
    examined_not_linked: list[ExaminedIn] = field(default_factory=list)  # checked, never loaded
    context_figures: list[ContextFigureIn] = field(default_factory=list)
    research_log: list[ResearchLogIn] = field(default_factory=list)
    research_keys: list[str] = field(default_factory=list)  # where-keys of research_log, in the same order
    # records read, by kind (also when the records themselves were not kept)
    counts: Counter[str] = field(default_factory=Counter)
    # kinds whose file could not be read: references to them are not checked (no cascade of errors)
    unreadable: set[str] = field(default_factory=set)

    @property
    def recommendations(self) -> list[RecommendationIn]:
        return [rec for source in self.sources for rec in source.recommendations]


def outside(path: Path, root: Path) -> bool:
    """Whether ``path`` (a file, a symlink or a ``..`` path) ends up outside the data folder.

    A data folder is what an editor reviews; a file reached through a link or ``..`` is not in it, and a link to
    ``/dev/zero`` or a huge file elsewhere would make validation unbounded.
    """
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False
