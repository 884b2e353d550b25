"""The data files parsed in a second process, ahead of the checks.

Why: a read is two halves of about equal cost, turning libyaml's events into values (``yamlio``) and checking,
converting and staging each record (``validate``, ``loader``). On a machine with more than one core a worker process
parses the files, in the order the reader asks for them, while the reader checks what it has already sent: at 10,000
recommendations on two cores, validate 11.5 -> 8.5 s and a first load 17.3 -> 13.1 s (docs/performance.md).

The worker is this module run as our own child (``python -m``), over a pipe: its output is plain values in
``marshal``'s format (no code, no pickle), each record's line numbers beside it, packed, and unpacked only for a
record the checks refuse (its problems name lines). A thread of the reader's process takes the output in ahead of
the checks, up to ``drain.LEAD`` bytes, so the worker parses on while the reader is busy elsewhere and memory stays
bounded. A command starts the worker before it imports its checks (``parse_ahead``): at 1,000 recommendations the
worker is then half way through the files when the reader's first check runs. A file the worker cannot read is
reported as the reader would have reported it; if the worker cannot start or stops, the files are parsed in the
reader's process from where it stopped: a read says the same either way (tests/test_parsing.py).
"""

from __future__ import annotations

import atexit
import json
import marshal
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from recommendations.dataset import drain
from recommendations.dataset.folder import Plan
from recommendations.dataset.yamlio import Lines, YamlError, iter_plain, lined, read_plain, read_yaml

#: Bytes of YAML from which a read parses in a worker: below it, starting a process (0.1 s) costs what it saves.
PARALLEL_FROM = 4 * 1024 * 1024
_FRAME = 256  # records per frame: small enough for a smooth progress bar, large enough to cost nothing per record
_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds this package

#: A file to parse: its path, and the key of its list (None: the whole document, a source file) and optional lists.
Job = tuple[str, str | None, tuple[str, ...]]
#: One record of a list file: (list's key, line, offset in characters, value, its lines: ``located``).
Item = tuple[str, int, int, Any, bytes | Lines]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def wanted(size: int) -> bool:
    """Whether a read of ``size`` bytes of YAML is parsed in a worker: on several cores, and enough to parse."""
    return size >= PARALLEL_FROM and cores() > 1


_ahead: list[tuple[_Worker, tuple[Any, ...]]] = []  # the worker ``parse_ahead`` started, and its files' stamp


def parse_ahead(root: Path) -> None:
    """Start the worker on ``root``'s files now, for the read the command is about to make, if it would use one.

    Why: a command spends a third of a second and more importing its checks and readying the database before it
    reads (a first load at 1,000 recommendations: 0.8 s), while a worker started then parses. A read of the same
    files, unchanged since, takes this worker (``Files``); any other read stops it, as does the end of the process
    (``stop_ahead``).
    """
    stop_ahead()
    plan = Plan.of(root)
    if not wanted(plan.total):
        return
    jobs = plan.jobs(root)
    stamp = _stamp(jobs)  # before the worker opens a file
    if (worker := _Worker.start(jobs)) is not None:
        _ahead.append((worker, stamp))
        atexit.unregister(stop_ahead)  # once, however many commands a process runs
        atexit.register(stop_ahead)


def stop_ahead() -> None:
    """Stop the worker ``parse_ahead`` started, if no read took it (the command found nothing to read)."""
    while _ahead:
        _ahead.pop()[0].stop()


def _stamp(jobs: list[Job]) -> tuple[Any, ...]:
    """What each file of ``jobs`` is now: its size, times and inode (None: gone)."""
    out: list[tuple[int, ...] | None] = []
    for path, _, _ in jobs:
        try:
            info = os.stat(path)
        except OSError:
            out.append(None)
            continue
        out.append((info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    return tuple(out)


def _taken(jobs: list[Job], frame: int) -> _Worker | None:
    """The worker started ahead on exactly ``jobs``, none of them changed since, taken; any other is stopped.

    A file saved after the worker read it but before a load took its fingerprint would otherwise be loaded as it
    was, under the fingerprint of what it became, and a reload would then find nothing to do.
    """
    worker, stamp = _ahead.pop() if _ahead else (None, None)
    if worker is not None and ((worker.jobs, worker.frame) != (jobs, frame) or stamp != _stamp(jobs)):
        worker.stop()
        return None
    return worker


def located(value: Any, lines: bytes | Lines) -> Any:
    """``value`` with the lines it came from (``LineDict``/``LineList``), for ``yamlio.line_of``; ``lines`` as
    ``yamlio`` reads them, or packed by the worker."""
    # marshal builds values and never runs code; the bytes come from our own worker (below)
    return lined(value, marshal.loads(lines) if isinstance(lines, bytes) else lines)  # noqa: S302


class Files:
    """The files of one read, parsed in a worker when ``parallel`` (else here), handed out in the order of ``jobs``.

    Ask for the files in that order (``keyed``, ``document``); a file not in ``jobs``, or asked for after a later
    one, is parsed here. Close it (a context manager) to stop the worker.
    """

    def __init__(self, jobs: list[Job], parallel: bool, frame: int = _FRAME) -> None:
        self._order = {path: index for index, (path, _, _) in enumerate(jobs)}
        self._worker: _Worker | None = None
        if parallel and jobs:
            self._worker = _taken(jobs, frame) or _Worker.start(jobs, frame)
        else:
            stop_ahead()

    @property
    def parallel(self) -> bool:
        return self._worker is not None

    def __enter__(self) -> Files:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def keyed(self, path: Path, key: str, optional: tuple[str, ...]) -> Iterator[Item]:
        """``yamlio.iter_keyed``'s records of ``path``, each as an ``Item``."""
        sent = 0
        try:
            for message in self._from_worker(path):
                if message[0] == "item":
                    sent += 1
                    yield message[1:]
                else:
                    raise _error(message)
            return
        except _Lost:  # parse the rest here, from the record the worker stopped at
            self._lost(path)
        for index, (found, line, offset, record, lines) in enumerate(iter_plain(path, key, optional)):
            if index >= sent:
                yield found, line, offset, record, lines

    def document(self, path: Path) -> Any:
        """``yamlio.read_yaml`` of ``path``."""
        try:
            for message in self._from_worker(path):
                if message[0] == "document":
                    return located(message[1], message[2])
                raise _error(message)
        except _Lost:
            self._lost(path)
        return read_yaml(path)

    def _lost(self, path: Path) -> None:
        """The worker stopped while on ``path``: stop waiting for it (not for a file it was never asked to parse)."""
        if str(path) in self._order:
            self.close()

    def _from_worker(self, path: Path) -> Iterator[tuple[Any, ...]]:
        """The worker's messages on ``path``; _Lost when it has none (none running, or ``path`` is not a job)."""
        index = self._order.get(str(path))
        if self._worker is None or index is None:
            raise _Lost
        yield from self._worker.file(index)


class _Lost(Exception):
    """The worker is not there (never started, stopped, or past the file): the reader parses the file itself."""


def _error(message: tuple[Any, ...]) -> Exception:
    """The worker's report of a file it could not read, as the exception reading it here would have raised."""
    kind, *args = message
    if kind == "yaml-error":
        return YamlError(*args)
    if kind == "os-error":
        return OSError(*args)
    if kind == "unicode-error":
        return UnicodeDecodeError(args[0], b"", args[1], args[2], args[3])
    return YamlError(0, f"unexpected message from the parser: {kind!r}")


class _Worker:
    def __init__(self, process: subprocess.Popen[bytes], output: IO[bytes], jobs: list[Job], frame: int) -> None:
        self.process, self.jobs, self.frame = process, jobs, frame
        self.output = drain.Drain(output)
        self._stream = self._read()
        self._at = -1  # the file whose messages come next

    @classmethod
    def start(cls, jobs: list[Job], frame: int = _FRAME) -> _Worker | None:
        """The worker, parsing ``jobs`` and sending ``frame`` records at a time; None if it cannot be started."""
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=_ROOT,  # where ``-m`` finds this package (the first entry of the child's path)
            )
        except OSError:
            return None
        assert process.stdin is not None and process.stdout is not None  # both asked for
        drain.widen(process.stdout)
        try:
            process.stdin.write(json.dumps({"jobs": jobs, "frame": frame}).encode())
            process.stdin.close()
        except OSError:
            process.kill()
            process.wait()
            return None
        return cls(process, process.stdout, jobs, frame)

    def _read(self) -> Iterator[tuple[Any, ...]]:
        read = self.output.read
        while len(head := read(4)) == 4:
            size = int.from_bytes(head, "little")
            body = read(size)
            if len(body) < size:
                return
            # marshal builds values and never runs code; the pipe is this process's and its own child's alone
            yield from marshal.loads(body)  # noqa: S302

    def file(self, index: int) -> Iterator[tuple[Any, ...]]:
        """The messages of file ``index``: its records, then ("end",), or one error. _Lost if the worker stops."""
        if index < self._at:
            raise _Lost
        for message in self._stream:
            if message[0] == "file":
                self._at = message[1]
                if self._at > index:
                    raise _Lost
                continue
            if self._at != index:
                continue  # the rest of a file the reader stopped reading
            if message[0] == "end":
                self._at += 1
                return
            yield message
            if message[0] != "item":
                self._at += 1
                return
        raise _Lost

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.output.close()


# --- the worker's side ------------------------------------------------------------------------------------------------


def _messages(jobs: list[Job]) -> Iterator[tuple[Any, ...]]:
    for index, (path, key, optional) in enumerate(jobs):
        yield ("file", index)
        try:
            if key is None:
                value, lines = read_plain(Path(path))
                yield ("document", value, _packed(lines))
            else:
                for found, line, offset, record, lines in iter_plain(Path(path), key, tuple(optional)):
                    yield ("item", found, line, offset, record, _packed(lines))
        except YamlError as exc:
            yield ("yaml-error", exc.line, exc.message)
            continue
        except UnicodeDecodeError as exc:
            yield ("unicode-error", exc.encoding, exc.start, exc.end, exc.reason)
            continue
        except OSError as exc:
            yield ("os-error", exc.errno, exc.strerror)
            continue
        yield ("end",)


def _packed(lines: Lines) -> bytes | None:
    """A value's lines as the worker sends them: unpacked only for a record the checks refuse (``located``)."""
    return None if lines is None else marshal.dumps(lines)


def _work(jobs: list[Job], size: int, out: IO[bytes]) -> None:
    frame: list[tuple[Any, ...]] = []
    for message in _messages(jobs):
        frame.append(message)
        if len(frame) >= size:
            _send(out, frame)
            frame = []
    _send(out, frame)
    out.flush()


def _send(out: IO[bytes], frame: list[tuple[Any, ...]]) -> None:
    body = marshal.dumps(frame)
    out.write(len(body).to_bytes(4, "little"))
    out.write(body)


if __name__ == "__main__":
    try:
        plan = json.loads(sys.stdin.buffer.read())
        _work(plan["jobs"], plan["frame"], sys.stdout.buffer)
    except BrokenPipeError:  # the reader stopped reading (a refusal it could not go on from, or it was stopped)
        pass
