"""A data folder as read: its layout and the order of reading (``Plan``), its validated records (``Dataset``), each
problem found in it (``Problem``, with file and line), and the one rule for a file a read refuses.

Free of the schema (pydantic) and the database: a command plans its read, and starts a worker parsing the files
(``parsing.parse_ahead``), before it imports either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the records' types only: a reload that reads no file need not build the schema's validators
    from recommendations.dataset.parsing import Job
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


def refusal(path: Path, root: Path) -> str | None:
    """Why a read does not open ``path``, if it does not: it lies outside the folder, or is not a regular file."""
    if outside(path, root):
        return "the file lies outside the data folder (through a symbolic link or '..'); refused"
    if not path.is_file():
        return "not a regular file; refused"
    return None


#: What each top-level file holds: file name -> its list's key (``schema.LIST_FILES`` adds each item's model).
LISTS: dict[str, str] = {
    "actors.yaml": "actors",
    "themes.yaml": "themes",
    "glossary.yaml": "glossary",
    "evidence.yaml": "evidence",
    "assessments.yaml": "assessments",
    "links.yaml": "links",
    "context_figures.yaml": "context_figures",
    "research_log.yaml": "research_log",
}
#: Lists a file may hold after its main one: file name -> their keys (``schema.OPTIONAL_LISTS`` adds the models).
OPTIONAL: dict[str, tuple[str, ...]] = {"links.yaml": ("examined_not_linked",)}
SOURCES_DIR = "sources"
# The order of reading: every reference points at a kind read before it (see crosscheck).
BEFORE_SOURCES = ("actors.yaml", "themes.yaml", "glossary.yaml")


@dataclass
class Plan:
    """The files of a read in the order of reading: list files before the sources, the sources, the other lists."""

    first: list[tuple[Path, str]]  # (file, its list's key)
    sources: list[Path]
    rest: list[tuple[Path, str]]
    sizes: dict[Path, int]

    @classmethod
    def of(cls, root: Path) -> Plan:
        sources_dir = root / SOURCES_DIR
        sources = sorted(sources_dir.glob("*.yaml")) if sources_dir.is_dir() else []
        lists = [(root / name, key) for name, key in LISTS.items() if (root / name).exists()]
        sizes = {path: _size(path, root) for path in [p for p, _ in lists] + sources}
        first = [f for f in lists if f[0].name in BEFORE_SOURCES]
        return cls(first, sources, [f for f in lists if f not in first], sizes)

    @property
    def total(self) -> int:
        """Bytes of YAML to read."""
        return sum(self.sizes.values())

    def jobs(self, root: Path) -> list[Job]:
        """What a worker parses: every file the reader may open (a refused one is the reader's to report)."""
        jobs: list[Job] = [(str(p), key, OPTIONAL.get(p.name, ())) for p, key in self.first]
        jobs += [(str(p), None, ()) for p in self.sources]
        jobs += [(str(p), key, OPTIONAL.get(p.name, ())) for p, key in self.rest]
        return [job for job in jobs if refusal(Path(job[0]), root) is None]


def _size(path: Path, root: Path) -> int:
    try:
        return path.stat().st_size if not outside(path, root) else 0
    except OSError:
        return 0
