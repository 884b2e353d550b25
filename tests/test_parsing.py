"""The data files parsed in a worker process (``dataset.parsing``): the same records, lines and problems as parsed
in the reader's process, whether the worker runs to the end, stops half way, or never starts."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from recommendations.dataset import drain, parsing
from recommendations.dataset.folder import Plan
from recommendations.dataset.loader import load_folder
from recommendations.dataset.validate import read_dataset
from recommendations.dataset.yamlio import LineDict, iter_keyed, line_of, read_yaml
from tests.conftest import DATA
from tests.helpers import snapshot

EVIDENCE = ("evidence.yaml", "evidence", ())


def _jobs(root: Path) -> list[parsing.Job]:
    return Plan.of(root).jobs(root)


def _here(path: Path) -> list[tuple[object, ...]]:
    return [(found, line, offset, record) for found, line, offset, record in iter_keyed(path, "evidence")]


def _by_worker(files: parsing.Files, path: Path) -> list[tuple[object, ...]]:
    return [(f, line, offset, parsing.located(value, lines)) for f, line, offset, value, lines in files.keyed(
        path, "evidence", ()
    )]  # fmt: skip


def _lines(record: LineDict) -> list[int]:
    """Every line ``line_of`` finds in ``record``: what a problem in it would name."""
    out = [record.line]
    for key, value in record.items():
        out.append(line_of(record, (key,)))
        if isinstance(value, list):
            out += [line_of(record, (key, index)) for index in range(len(value))]
    return out


def test_a_worker_parses_every_file_as_the_reader_would():
    jobs = _jobs(DATA)
    with parsing.Files(jobs, parallel=True) as files:
        assert files.parallel
        for path, key, optional in jobs:
            if key is None:
                assert files.document(Path(path)) == read_yaml(Path(path))
                continue
            here = list(iter_keyed(Path(path), key, optional))
            there = [
                (f, line, o, parsing.located(v, ls)) for f, line, o, v, ls in files.keyed(Path(path), key, optional)
            ]
            assert there == here
            assert [_lines(r) for *_, r in there] == [_lines(r) for *_, r in here]  # each line a problem would name
            assert all(type(r) is LineDict for *_, r in there)


def test_a_read_with_a_worker_says_what_a_read_here_says(data_copy):
    """The same counts and the same problems, with their path:line, on data with problems in a list file (its
    records' lines), in a source file and in a file that is not YAML."""
    ev = data_copy / "evidence.yaml"
    ev.write_text(ev.read_text().replace("kind: news", "kind: rumour", 2))
    source = next((data_copy / "sources").glob("*.yaml"))
    source.write_text(source.read_text().replace("date:", "date: [unclosed", 1))
    (data_copy / "glossary.yaml").write_bytes(b"glossary:\n  - term: \xff\xfe\n")
    here = read_dataset(data_copy, keep=False, parallel=False)
    there = read_dataset(data_copy, keep=False, parallel=True)
    assert there[1] == here[1]
    assert there[0].counts == here[0].counts and there[0].unreadable == here[0].unreadable
    said = "\n".join(str(p) for p in here[1])
    assert "evidence.yaml:305: kind:" in said and "invalid YAML" in said and "glossary.yaml:0: not UTF-8" in said


def test_a_worker_that_stops_half_way_leaves_the_rest_to_the_reader(monkeypatch):
    """One record a frame, and a lead of one page, so only part of the file was sent when the worker is stopped
    (the worker waits while the pipe and the lead are full): the reader takes what was sent, then parses the rest
    itself, from the record after the last one sent."""
    monkeypatch.setattr(drain, "LEAD", 4096)
    monkeypatch.setattr(drain, "_CHUNK", 4096)
    path = DATA / "evidence.yaml"
    here = _here(path)
    with parsing.Files([(str(path), "evidence", ())], parallel=True, frame=1) as files:
        records = files.keyed(path, "evidence", ())
        first = [next(records) for _ in range(3)]
        assert files.parallel
        files._worker.process.kill()  # type: ignore[union-attr]
        rest = list(records)
        assert not files.parallel  # it noticed, and stopped waiting
    got = [(f, line, o, parsing.located(v, ls)) for f, line, o, v, ls in first + rest]
    assert got == here
    assert len(here) > 3


def test_a_worker_that_cannot_start_or_dies_at_once_changes_nothing(monkeypatch):
    path = DATA / "evidence.yaml"
    for executable in ("/nonexistent/python", "/bin/false"):
        monkeypatch.setattr(parsing.sys, "executable", executable)
        with parsing.Files([(str(path), "evidence", ())], parallel=True) as files:
            assert _by_worker(files, path) == _here(path)
            assert not files.parallel
    monkeypatch.setattr(parsing.sys, "executable", sys.executable)
    assert read_dataset(DATA, keep=False, parallel=True)[1] == []


def test_a_file_the_reader_asks_for_out_of_order_is_parsed_where_asked():
    jobs = _jobs(DATA)
    evidence = DATA / "evidence.yaml"
    themes = DATA / "themes.yaml"
    with parsing.Files(jobs, parallel=True) as files:
        assert _by_worker(files, evidence) == _here(evidence)
        # themes.yaml came before evidence.yaml: the worker is past it, the reader reads it itself
        assert [r for *_, r, _ in files.keyed(themes, "themes", ())] == [r for *_, r in iter_keyed(themes, "themes")]
        # a file that was never a job is parsed here and leaves the worker running
    with parsing.Files(jobs[:1], parallel=True) as files:
        assert [r for *_, r, _ in files.keyed(themes, "themes", ())] == [r for *_, r in iter_keyed(themes, "themes")]
        assert files.parallel


def test_only_a_large_read_on_several_cores_starts_a_worker(monkeypatch, data_copy):
    started: list[int] = []
    real = parsing._Worker.start

    def start(jobs: list[parsing.Job], frame: int = parsing._FRAME) -> parsing._Worker | None:
        started.append(len(jobs))
        return real(jobs, frame)

    monkeypatch.setattr(parsing._Worker, "start", staticmethod(start))
    read_dataset(data_copy, keep=False)  # 800 KB of YAML
    assert started == []
    monkeypatch.setattr(parsing, "PARALLEL_FROM", 1000)
    monkeypatch.setattr(parsing, "cores", lambda: 1)
    read_dataset(data_copy, keep=False)
    assert started == []
    monkeypatch.setattr(parsing, "cores", lambda: 2)
    read_dataset(data_copy, keep=False)
    assert started == [len(_jobs(data_copy))]


@pytest.mark.parametrize("refused", ["outside", "directory"])
def test_a_file_the_reader_refuses_is_not_given_to_the_worker(data_copy, tmp_path, refused):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("id: secret\n")
    target = data_copy / "sources" / "zz-refused.yaml"
    if refused == "outside":
        target.symlink_to(outside)
    else:
        target.mkdir()
    assert str(target) not in [path for path, _, _ in _jobs(data_copy)]
    here, there = read_dataset(data_copy, keep=False, parallel=False), read_dataset(data_copy, parallel=True)
    assert there[1] == here[1] and any("zz-refused.yaml" in str(p) and "refused" in str(p) for p in there[1])


def test_a_load_with_a_worker_writes_what_a_load_here_writes(tmp_path, monkeypatch, configure):
    configure(load_cache=None)  # each load reads the files (no rows kept from the other)
    here = create_engine(f"sqlite:///{tmp_path / 'here.db'}")
    load_folder(DATA, here)
    monkeypatch.setattr(parsing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parsing, "cores", lambda: 2)
    there = create_engine(f"sqlite:///{tmp_path / 'there.db'}")
    load_folder(DATA, there)
    written, expected = snapshot(there), snapshot(here)
    # the audit rows differ only in their time
    assert [row[2:] for row in written.pop("audit_log")] == [row[2:] for row in expected.pop("audit_log")]
    assert written == expected and len(written["recommendation"]) > 80


def _held(files: parsing.Files) -> int:
    """Bytes of the worker's output the reader's process holds and has not yet read."""
    taken = files._worker.output  # type: ignore[union-attr]
    return sum(len(chunk) for chunk in list(taken._chunks.queue)) + len(taken._buffer) - taken._at


def test_the_reader_takes_the_workers_output_ahead_but_no_more_than_the_lead(monkeypatch):
    """The worker parses on while the reader does something else, up to ``drain.LEAD`` bytes ahead; then it waits, so
    memory stays bounded whatever the data's size; what was held is read as if it had just come."""
    monkeypatch.setattr(drain, "LEAD", 64 * 1024)
    monkeypatch.setattr(drain, "_CHUNK", 16 * 1024)
    jobs = _jobs(DATA)
    with parsing.Files(jobs, parallel=True, frame=8) as files:
        taken = files._worker.output  # type: ignore[union-attr]
        for _ in range(500):  # the thread fills the lead while this one reads nothing
            if taken._chunks.full():
                break
            time.sleep(0.01)
        assert taken._chunks.full()
        time.sleep(0.2)
        assert 0 < _held(files) <= 64 * 1024
        assert files._worker.process.poll() is None  # type: ignore[union-attr]  # waiting, not done: 800 KB to go
        for path, key, optional in jobs:
            if key is None:
                assert files.document(Path(path)) == read_yaml(Path(path))
            else:
                got = [
                    (f, line, o, parsing.located(v, ls)) for f, line, o, v, ls in files.keyed(Path(path), key, optional)
                ]
                assert got == list(iter_keyed(Path(path), key, optional))
        assert files.parallel  # all of it from the worker


@pytest.fixture
def counted_starts(monkeypatch) -> list[int]:
    """Reads of any size parse in a worker; each worker started is counted (its number of files)."""
    monkeypatch.setattr(parsing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parsing, "cores", lambda: 2)
    started: list[int] = []
    real = parsing._Worker.start
    real_ahead = parsing.parse_ahead

    def ahead(root: Path) -> None:
        started.append(-1)  # parse_ahead asked
        real_ahead(root)

    monkeypatch.setattr(parsing, "parse_ahead", ahead)

    def start(jobs: list[parsing.Job], frame: int = parsing._FRAME) -> parsing._Worker | None:
        started.append(len(jobs))
        return real(jobs, frame)

    monkeypatch.setattr(parsing._Worker, "start", staticmethod(start))
    yield started
    parsing.stop_ahead()


def test_a_worker_started_ahead_is_the_one_the_read_of_those_files_uses(counted_starts, data_copy):
    here = read_dataset(data_copy, keep=False, parallel=False)
    parsing.parse_ahead(data_copy)
    worker = parsing._ahead[0][0]
    there = read_dataset(data_copy, keep=False)
    assert counted_starts == [-1, len(_jobs(data_copy))]  # one worker: started ahead, taken by the read
    assert parsing._ahead == [] and worker.process.poll() is not None  # and stopped at the read's end
    assert there[1] == here[1] and there[0].counts == here[0].counts


def test_a_worker_started_ahead_on_other_files_or_for_no_read_is_stopped(counted_starts, data_copy):
    parsing.parse_ahead(DATA)
    stale = parsing._ahead[0][0]
    (data_copy / "glossary.yaml").unlink()  # other files: other jobs
    problems = read_dataset(data_copy, keep=False)[1]
    assert stale.process.poll() is not None and len(counted_starts) == 3  # stopped; the read started its own
    assert problems == read_dataset(data_copy, keep=False, parallel=False)[1]
    parsing.parse_ahead(DATA)
    unused = parsing._ahead[0][0]
    read_dataset(DATA, keep=False, parallel=False)  # a read that parses here
    assert unused.process.poll() is not None and parsing._ahead == []
    parsing.parse_ahead(DATA)
    last = parsing._ahead[0][0]
    parsing.stop_ahead()  # what a load that reads nothing does, and the end of the process
    assert parsing._ahead == [] and last.process.poll() is not None
    everything, copy = len(_jobs(DATA)), len(_jobs(data_copy))
    assert counted_starts == [-1, everything, copy, -1, everything, -1, everything]


def test_a_load_that_reads_nothing_stops_the_worker_started_ahead(counted_starts, tmp_path, configure):
    configure(load_cache=None)
    engine = create_engine(f"sqlite:///{tmp_path / 'ahead.db'}")
    load_folder(DATA, engine)
    parsing.parse_ahead(DATA)
    worker = parsing._ahead[0][0]
    assert load_folder(DATA, engine).unchanged_files
    assert parsing._ahead == [] and worker.process.poll() is not None


def test_validate_and_a_load_start_their_worker_first_and_a_reload_of_kept_rows_none(
    counted_starts, data_copy, tmp_path, configure, capsys
):
    """A command asks for the worker before it imports its checks (the read takes that one, starting none of its
    own); a load whose rows are kept from a read of the same files asks for none (it will not read)."""
    from recommendations.cli import main

    configure(load_cache=tmp_path / "cache", database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    files = len(_jobs(data_copy))
    assert main(["validate", str(data_copy)]) == 0
    assert counted_starts == [-1, files]
    assert main(["load", str(data_copy)]) == 0
    assert counted_starts == [-1, files] * 2
    assert main(["load", str(data_copy)]) == 0 and "nothing was read" in capsys.readouterr().out
    assert counted_starts == [-1, files] * 2 and parsing._ahead == []
    (data_copy / "themes.yaml").write_text((data_copy / "themes.yaml").read_text() + "\n")
    assert main(["load", str(data_copy)]) == 0  # a file changed since: read, with a worker started first
    assert counted_starts == [-1, files] * 3


def test_a_file_saved_after_the_worker_started_ahead_is_read_as_it_is_now(counted_starts, data_copy):
    """A load takes the files' fingerprint after the worker started: a file saved in between must not be loaded as
    it was, under the fingerprint of what it became. The worker started ahead is dropped, and the read sees the
    file as saved."""
    parsing.parse_ahead(data_copy)
    stale = parsing._ahead[0][0]
    stale.process.wait(timeout=60)  # it has parsed every file as it was
    evidence = data_copy / "evidence.yaml"
    evidence.write_text(evidence.read_text().replace("kind: news", "kind: rumour", 1))
    problems = read_dataset(data_copy, keep=False)[1]
    assert len(counted_starts) == 3  # asked ahead, started, then a worker of the read's own
    assert any("evidence.yaml" in str(p) and "kind" in str(p) for p in problems)
    assert problems == read_dataset(data_copy, keep=False, parallel=False)[1]


def test_a_record_is_read_as_plain_values_with_its_lines_apart(tmp_path):
    from recommendations.dataset.yamlio import iter_plain, lined

    path = tmp_path / "evidence.yaml"
    path.write_text(
        "evidence:\n  - id: a\n    themes:\n      - x\n      - y\n    nested:\n      k: v\n  - id: b\n",
        encoding="utf-8",
    )
    (_, line, _, value, lines), second = list(iter_plain(path, "evidence"))
    assert type(value) is dict and type(value["themes"]) is list and type(value["nested"]) is dict  # as marshal has
    assert line == 2
    assert lines == (2, {"id": 2, "themes": 3, "nested": 6}, {"themes": (4, [4, 5], {}), "nested": (7, {"k": 7}, {})})
    joined = lined(value, lines)
    assert isinstance(joined, LineDict) and joined == value
    assert (line_of(joined, ("themes", 1)), line_of(joined, ("nested", "k")), line_of(joined, ("id",))) == (5, 7, 2)
    assert second[3:] == ({"id": "b"}, (8, {"id": 8}, {}))
    assert [record for *_, record in iter_keyed(path, "evidence")] == [value, {"id": "b"}]
