"""The page's preview of a brief (``build_brief(detailed=N)``): the same counts, chronic asks and first N
recommendations as the whole brief, without the history, evidence and questions of the rest; never written as a
file.

The whole brief is the reference: test_brief.py checks it against the YAML.
"""

from __future__ import annotations

import datetime as dt

import pytest

from recommendations.dataset.brief_file import FORMATS, brief_file
from recommendations.read.brief import brief_markdown, build_brief, count_lines, stale_count
from tests.helpers import synthetic_engine

PREVIEW = 30
SELECTIONS = [  # (themes, addressees, meeting date): a theme, an addressee, everything, a date before most
    (["recruitment"], [], dt.date(2026, 11, 22)),
    ([], ["molvt"], dt.date(2026, 11, 22)),
    ([], [], dt.date(2026, 11, 22)),
    ([], [], dt.date(2016, 6, 30)),
    ([], [], dt.date.today()),  # the page's default: the preview's two longest reads stored (``read.stored``)
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """More open recommendations than the preview shows, with chains and evidence of every age."""
    engine = synthetic_engine(tmp_path_factory.mktemp("synth"), 150, seed=11)
    yield engine
    engine.dispose()


def _same_as_whole(engine, themes, addressees, meeting, lang="en"):
    kwargs = {"themes": themes, "addressees": addressees, "meeting_date": meeting, "today": meeting, "lang": lang}
    whole = build_brief(engine, **kwargs)
    preview = build_brief(engine, **kwargs, detailed=PREVIEW)
    assert preview.detailed == PREVIEW and whole.detailed is None
    assert [i.id for i in preview.items] == [i.id for i in whole.items]
    assert [g.title for g in preview.groups] == [g.title for g in whole.groups]
    assert preview.status_counts == whole.status_counts
    assert count_lines(preview) == count_lines(whole)  # every count of the first page, the chronic asks' too
    assert [(r.item.id, r.also, r.years_open) for r in preview.chronic] == [
        (r.item.id, r.also, r.years_open) for r in whole.chronic
    ]
    assert preview.chronic is preview.chronic  # worked out once, however often the page asks
    stale = sum(1 for item in whole.items if any(q.rule == "stale_evidence" for q in item.questions))
    assert stale_count(preview) == stale_count(whole) == stale  # the count is the questions' own rule
    assert brief_markdown(preview, title=False, limit=PREVIEW) == brief_markdown(whole, title=False, limit=PREVIEW)
    shown, rest = preview.items[:PREVIEW], preview.items[PREVIEW:]
    assert [i.questions for i in shown] == [i.questions for i in whole.items[:PREVIEW]]
    assert not any(i.history or i.evidence or i.questions or i.linked for i in rest)  # not read
    return whole


@pytest.mark.parametrize(("themes", "addressees", "meeting"), SELECTIONS)
def test_the_preview_of_the_real_data_counts_what_the_whole_brief_counts(loaded_engine, themes, addressees, meeting):
    _same_as_whole(loaded_engine, themes, addressees, meeting)


@pytest.mark.slow  # a dataset generated and loaded: left out of make test-fast
@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_preview_of_a_larger_dataset_counts_what_the_whole_brief_counts(synthetic, lang):
    whole = _same_as_whole(synthetic, [], [], dt.date(2026, 11, 22), lang)
    # not vacuous: the preview leaves some out, and some of those are chronic asks or have stale evidence
    left_out = {item.id for item in whole.items[PREVIEW:]}
    assert left_out
    assert any(row.item.id in left_out for row in whole.chronic)
    assert any(q.rule == "stale_evidence" for item in whole.items[PREVIEW:] for q in item.questions)


def test_a_preview_is_never_a_file_nor_shows_more_than_it_details(loaded_engine):
    preview = build_brief(loaded_engine, themes=[], addressees=[], meeting_date=dt.date(2026, 11, 22), detailed=5)
    for fmt in FORMATS:
        with pytest.raises(ValueError, match="preview brief"):
            brief_file(preview, fmt)
    for limit in (None, 6):
        with pytest.raises(ValueError, match="details its first 5"):
            brief_markdown(preview, limit=limit)
    assert brief_markdown(preview, limit=5)


def _chronic_section(markdown: str) -> list[str]:
    section = markdown.split("## Chronic asks", 1)[1].split("## Recommendations", 1)[0]
    return [line for line in section.splitlines() if line.strip()]


def test_the_preview_lists_the_most_raised_chronic_asks_and_says_how_many_the_downloads_hold(loaded_engine):
    """A broad brief at scale has thousands of chronic asks: the page lists as many as it details, the most raised
    first (the brief's own order), and says how many the downloads hold."""
    kwargs = {"themes": [], "addressees": [], "meeting_date": dt.date(2026, 11, 22)}
    whole = build_brief(loaded_engine, **kwargs)
    rows = whole.chronic
    assert len(rows) > 3  # not vacuous
    listed = _chronic_section(brief_markdown(whole))
    assert len([line for line in listed if line.startswith("- **")]) == len(rows)
    assert not any("most raised are shown" in line for line in listed)
    shown = _chronic_section(brief_markdown(build_brief(loaded_engine, **kwargs, detailed=3), limit=3))
    bullets = [line for line in shown if line.startswith("- **")]
    assert bullets == [line for line in listed if line.startswith("- **")][:3]
    assert shown[-1] == f"*The 3 most raised are shown here; the downloads list all {len(rows)} chronic asks.*"


def test_building_a_brief_leaves_the_cycle_collector_as_it_found_it(loaded_engine):
    """The build pauses Python's cycle collector (``build._collector_paused``); it must come back on, after a
    failure too, and must not be turned on by a build when something else had turned it off."""
    import gc

    from recommendations.read.brief import build

    kwargs = {"themes": [], "addressees": [], "meeting_date": dt.date(2026, 11, 22), "detailed": 3}
    seen = []
    with build._collector_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    with pytest.raises(RuntimeError), build._collector_paused():
        raise RuntimeError
    assert gc.isenabled()
    assert build_brief(loaded_engine, **kwargs).items and gc.isenabled()
    gc.disable()
    try:
        build_brief(loaded_engine, **kwargs)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("meeting", [dt.date(2026, 11, 22), dt.date(2000, 1, 1)])  # asks listed; none made yet
def test_a_failure_of_the_read_beside_is_the_briefs(loaded_engine, monkeypatch, meeting):
    """A preview on everything reads the newest evidence on a thread of its own (``sql.beside``): its failure
    fails the brief, never a brief without its stale count."""
    from recommendations.read.brief import build

    def unreadable(*args, **kwargs):
        raise RuntimeError("the newest evidence could not be read")

    monkeypatch.setattr(build.evidence, "newest", unreadable)
    with pytest.raises(RuntimeError, match="could not be read"):
        build_brief(loaded_engine, themes=[], addressees=[], meeting_date=meeting, detailed=PREVIEW)
