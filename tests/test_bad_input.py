"""A catalogue of hostile or broken data folders: each is refused with path:line, quickly, in bounded memory,
and the database is left as it was.

The bounds are checked in a child process with a hard memory limit (RLIMIT_AS) and a timeout (tests/bounded.py), so
a reader that expanded an alias bomb or slurped a device would fail the test instead of slowing it down.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest

from recommendations.dataset.loader import DataInvalid, load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.dataset.yamlio import MAX_DEPTH, MAX_SCALAR
from tests import bounded
from tests.helpers import snapshot

MEMORY_LIMIT = 1_430_000_000  # bytes of address space the reading may add (the real data needs about a fifth)
TIME_LIMIT = 60  # seconds; each case takes well under one


def _laughs() -> str:
    """Nine levels of ten aliases: 10^9 strings if expanded."""
    lines = ["themes:", "  - id: lol0", '    name: &l0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"  - id: lol{level}\n    name: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _deep() -> str:
    return "themes:\n  - id: deep\n    name: " + "[" * (MAX_DEPTH + 20) + "x" + "]" * (MAX_DEPTH + 20) + "\n"


# (name, file to write under data/, its content, expected path, expected line, words in the message)
CASES = [
    ("alias bomb", "themes.yaml", _laughs(), "data/themes.yaml", 3, "anchors (&name) are not allowed"),
    ("an alias as a value", "themes.yaml", "themes:\n  - id: a\n    name: *x\n", "data/themes.yaml", 3, "aliases"),
    ("an anchored key", "themes.yaml", "themes:\n  - id: a\n    &k name: A\n", "data/themes.yaml", 3, "anchors"),
    ("an anchored item", "themes.yaml", "themes:\n  - &t {id: a, name: A}\n", "data/themes.yaml", 2, "anchors"),
    (
        "merge key",
        "themes.yaml",
        "themes:\n  - id: a\n    name: A\n  - <<: {id: b, name: B}\n",
        "data/themes.yaml",
        4,
        "merge keys (<<) are not allowed",
    ),
    (
        "huge value",
        "themes.yaml",
        "themes:\n  - id: big\n    name: " + "x" * (50 * 1024 * 1024) + "\n",
        "data/themes.yaml",
        3,
        f"at most {MAX_SCALAR:,}",
    ),
    ("empty list file", "themes.yaml", "", "data/themes.yaml", 1, "the file is empty"),
    ("comments only", "evidence.yaml", "# nothing yet\n", "data/evidence.yaml", 1, "the file is empty"),
    ("empty source file", "sources/2030-empty.yaml", "", "data/sources/2030-empty.yaml", 1, "the file is empty"),
    ("deep nesting", "themes.yaml", _deep(), "data/themes.yaml", 3, f"more than {MAX_DEPTH} levels"),
    (
        "second document",
        "themes.yaml",
        "themes:\n  - id: a\n    name: A\n---\nthemes: []\n",
        "data/themes.yaml",
        4,
        "one YAML document",
    ),
    (
        "unsupported tag",
        "themes.yaml",
        "themes:\n  - id: a\n    name: !!python/object:os.system ls\n",
        "data/themes.yaml",
        3,
        "unsupported tag",
    ),
    ("binary tag", "themes.yaml", "themes:\n  - id: a\n    name: !!binary aGk=\n", "data/themes.yaml", 3, "tag"),
    ("not a list", "themes.yaml", "themes: {id: a}\n", "data/themes.yaml", 1, "'themes' must be a list"),
    ("wrong key", "themes.yaml", "topics: []\n", "data/themes.yaml", 1, "exactly one key, 'themes'"),
    ("not UTF-8", "themes.yaml", b"themes:\n  - id: a\n    name: caf\xe9\n", "data/themes.yaml", 0, "UTF-8"),
]


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _bounded_problems(folder: Path) -> list[str]:
    """Validate ``folder`` in a child process under a memory limit and a timeout; its problems as text."""
    return bounded.run(bounded.problems, str(folder), budget=MEMORY_LIMIT, seconds=TIME_LIMIT)


def test_the_child_is_held_to_its_memory_and_its_time():
    """The bounds the cases below rely on: more than the budget fails, and so does more than the time."""
    assert bounded.run(bounded.allocate, 50_000_000, budget=MEMORY_LIMIT, seconds=TIME_LIMIT) == 50_000_000
    with pytest.raises(AssertionError, match="MemoryError"):
        bounded.run(bounded.allocate, MEMORY_LIMIT + 10_000_000, budget=MEMORY_LIMIT, seconds=TIME_LIMIT)
    with pytest.raises(AssertionError, match=r"took more than 0\.5 s"):
        bounded.run(bounded.wait, 30, budget=MEMORY_LIMIT, seconds=0.5)


def test_the_child_does_not_run_the_last_page_script_again(tmp_path, monkeypatch):
    """An AppTest leaves its page script as ``__main__``; a child must not run it again (nor fail if it is gone)."""
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the page script ran again')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert bounded.run(bounded.allocate, 1_000, budget=MEMORY_LIMIT, seconds=TIME_LIMIT) == 1_000
    script.unlink()
    assert bounded.run(bounded.allocate, 2_000, budget=MEMORY_LIMIT, seconds=TIME_LIMIT) == 2_000


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
@pytest.mark.parametrize(("name", "filename", "content", "path", "line", "words"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_with_its_line_in_bounded_time_and_memory(
    data_copy, name, filename, content, path, line, words
):
    _write(data_copy, filename, content)
    found = _bounded_problems(data_copy)
    mine = [p for p in found if p.startswith(f"{path}:")]
    assert mine, found
    assert any(p.startswith(f"{path}:{line}:") and words in p for p in mine), mine


def test_a_refused_file_stops_no_other_check_and_loads_nothing(engine, data_copy):
    load_folder(data_copy, engine)
    before = snapshot(engine)
    _write(data_copy, "themes.yaml", _laughs())
    evidence = data_copy / "evidence.yaml"
    evidence.write_text(evidence.read_text().replace("kind: ", "kind: nonsense-", 1))
    with pytest.raises(DataInvalid) as info:
        load_folder(data_copy, engine)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("data/themes.yaml:3:") for m in messages)
    assert any(m.startswith("data/evidence.yaml:") and "kind" in m for m in messages), messages
    assert snapshot(engine) == before


@pytest.mark.slow  # a subprocess, or a minute of work: left out of make test-fast
@pytest.mark.parametrize("target", ["/dev/zero", "outside.yaml"])
def test_a_file_reached_through_a_link_outside_the_folder_is_refused(data_copy, target):
    if target == "outside.yaml":
        outside = data_copy.parent / "outside.yaml"
        outside.write_text("themes:\n  - id: elsewhere\n    name: Not part of the data\n")
        target = str(outside)
    (data_copy / "themes.yaml").unlink()
    (data_copy / "themes.yaml").symlink_to(target)
    found = _bounded_problems(data_copy)
    assert any(p.startswith("data/themes.yaml:0:") and "outside the data folder" in p for p in found), found


def test_a_source_linked_from_outside_is_refused(data_copy):
    outside = data_copy.parent / "elsewhere.yaml"
    source = next((data_copy / "sources").glob("2016-*.yaml"))
    outside.write_text(source.read_text())
    source.unlink()
    source.symlink_to(outside)
    found = [str(p) for p in read_dataset(data_copy)[1]]
    assert any(p.startswith(f"data/sources/{source.name}:0:") and "outside the data folder" in p for p in found)


@pytest.mark.parametrize("text_path", ["../../etc/passwd", "/etc/passwd"])
def test_a_text_path_outside_the_folder_is_refused(data_copy, text_path):
    source = data_copy / "sources" / "2016-mmn-cwcc-consultation.yaml"
    text = source.read_text()
    old = "text_path: texts/2016-mmn-cwcc-consultation.txt"
    assert old in text
    source.write_text(text.replace(old, f"text_path: {text_path}"))
    found = [str(p) for p in read_dataset(data_copy)[1]]
    assert any(
        p.startswith("data/sources/2016-mmn-cwcc-consultation.yaml:") and "lies outside data/" in p for p in found
    ), found


def test_a_fifo_in_the_folder_is_not_read(data_copy):
    (data_copy / "evidence.yaml").unlink()
    os.mkfifo(data_copy / "evidence.yaml")
    found = _bounded_problems(data_copy)
    assert any(p.startswith("data/evidence.yaml:0:") and "not a regular file" in p for p in found), found


def test_load_refuses_a_link_outside_the_folder_and_loads_nothing(engine, data_copy):
    load_folder(data_copy, engine)
    before = snapshot(engine)
    outside = data_copy.parent / "themes-elsewhere.yaml"
    outside.write_text((data_copy / "themes.yaml").read_text())
    (data_copy / "themes.yaml").unlink()
    (data_copy / "themes.yaml").symlink_to(outside)
    with pytest.raises(DataInvalid) as info:
        load_folder(data_copy, engine)
    assert any("data/themes.yaml:0:" in str(p) and "outside the data folder" in str(p) for p in info.value.problems)
    assert snapshot(engine) == before
