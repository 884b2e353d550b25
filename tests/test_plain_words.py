"""Public pages speak to their readers: no issue numbers, research-tool names, curator instructions or process
wording anywhere a reader looks, except in the one section for curators on the Sources page (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google.protobuf.text_format import MessageToString
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Dataframe, Expander, Node

from recommendations.ui.nav import PAGES
from tests.conftest import open_page
from tests.helpers import data_dataset
from tests.plain_words import process_words_in

DATASET, _ = data_dataset()
PUBLIC = [page.path for page in PAGES if page.action is None]
CURATORS = "For curators: how this gap was researched"  # the label of the Sources page's section for curators
#: Detail pages: the first recommendation of each source (so every document and its research is met once), one
#: with an addressee the tracker inferred, and one whose research log holds searches of every kind.
LOGGED = {entry.recommendation for entry in DATASET.research_log}
DETAILS = sorted(
    {s.recommendations[0].id for s in DATASET.sources if s.recommendations}
    | {next(r.id for r in DATASET.recommendations if any(a.inferred for a in r.addressees))}
    | {max(LOGGED, key=lambda i: len({e.scope for e in DATASET.research_log if e.recommendation == i}))}
)


def public_text(node: Node, *, keep_curators: bool = False) -> Iterator[str]:
    """Every string a reader is shown under ``node``: labels, text, help, table cells and chart data; the Sources
    page's section for curators is left out unless asked for."""
    if isinstance(node, Expander) and node.label == CURATORS and not keep_curators:
        return
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield MessageToString(proto, as_utf8=True)
    if isinstance(node, Dataframe):
        yield node.value.to_string()
    if isinstance(node, Block):
        for child in node.children.values():
            yield from public_text(child, keep_curators=keep_curators)


def found_in(at: AppTest, *, keep_curators: bool = False) -> list[str]:
    text = "\n".join(public_text(at.main, keep_curators=keep_curators))
    text += "\n".join(public_text(at.sidebar, keep_curators=keep_curators))
    return process_words_in(text)


def test_the_pattern_finds_what_it_is_for():
    assert process_words_in("As the Curators noted in issue 12, the search tool's excerpts read …") == [
        "curators", "excerpts read", "issue 12", "search tool",
    ]  # fmt: skip
    assert process_words_in("An issue of trust; a curation guide; a scissue 3.") == []


@pytest.mark.usefixtures("app_db")
def test_no_public_page_speaks_of_how_the_data_was_built():
    assert "pages/sources.py" in PUBLIC and len(DETAILS) >= 5
    assert set(DETAILS) & LOGGED
    found = {}
    for path in PUBLIC:
        at = open_page(path)
        assert not at.exception, path
        found[path] = found_in(at)
    for rec in DETAILS:
        at = open_page("pages/recommendation.py", id=rec)
        assert not at.exception, rec
        assert any(e.label for e in at.expander), rec  # its research log is shown
        found[rec] = found_in(at)
    assert {where: words for where, words in found.items() if words} == {}


@pytest.mark.usefixtures("app_db")
def test_the_curators_notes_are_on_the_sources_page_closed_and_nowhere_else():
    noted = [s for s in DATASET.sources if s.curator_note]
    assert len(noted) >= 15
    at = open_page("pages/sources.py")
    sections = [e for e in at.expander if e.label == CURATORS]
    assert len(sections) == len(noted)
    assert not any(e.proto.expanded for e in sections)  # closed until a curator opens one
    shown = "\n".join(c.value for e in sections for c in e.caption)
    assert all(s.curator_note in shown.replace("\\", "") for s in noted)
    # The pattern would find the curators' own words if they were shown elsewhere: the exclusion is what passes.
    assert found_in(at, keep_curators=True) and not found_in(at)
    overview = open_page()
    text = "\n".join(public_text(overview.main))
    assert not any(s.curator_note[:60] in text for s in noted)
