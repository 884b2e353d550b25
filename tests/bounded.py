"""Work done in a child process under a memory and a time limit, as a hostile file is read on a server.

Each child is forked from a fork server that imported the code under test once, instead of a new interpreter per
case (about 0.7 s of imports each). The limit is on what the work adds: the child's address space when it starts,
plus ``budget`` bytes (RLIMIT_AS; going over raises MemoryError, which fails the test).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import sys
import types
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

#: What every child starts with, imported once by the fork server.
PRELOAD = ["tests.bounded", "recommendations.dataset.validate", "recommendations.write.uploads"]

_context: Any = None


def _address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("/proc/self/status has no VmSize")


def _child(conn: Connection, budget: int, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    limit = _address_space() + budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", work(*args)))
    except BaseException as exc:  # MemoryError above all: reported to the test, not lost with the child
        conn.send(("error", f"{type(exc).__name__}: {exc}"))


@contextlib.contextmanager
def _no_main_to_run() -> Iterator[None]:
    """A child is told to run the parent's ``__main__`` again, from its file, before its work; an AppTest leaves the
    last page script it ran there (Streamlit runs each script as ``__main__``). That cost every child about 0.8 s of
    Streamlit imports, and failed when the script was a test's copy already deleted. The work needs no ``__main__``."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def run(work: Callable[..., Any], *args: Any, budget: int, seconds: float) -> Any:
    """``work(*args)`` in a child allowed ``budget`` more bytes of address space and ``seconds`` of time."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    receive, send = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, args=(send, budget, work, args))
    with _no_main_to_run():
        child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise AssertionError(f"{work.__name__} took more than {seconds} s")
        kind, value = receive.recv()
    finally:
        child.kill()
        child.join()
    if kind == "error":
        raise AssertionError(value)
    return value


# --- the work (here, so that a child needs no test module) ----------------------------------------------


def problems(folder: str) -> list[str]:
    """Every problem ``validate`` finds in ``folder``, as text."""
    from recommendations.dataset.validate import read_dataset

    return [str(problem) for problem in read_dataset(folder)[1]]


def upload_answer(path: str) -> str:
    """What the upload form makes of the file: "read N" rows, or "refused: why"."""
    from recommendations.write import uploads

    with open(path, "rb") as file:
        data = file.read()
    try:
        return f"read {len(uploads.read_rows(data))}"
    except uploads.UploadRefused as exc:
        return f"refused: {exc}"


def allocate(size: int) -> int:
    """``size`` bytes held at once (for the test that the limit holds)."""
    return len(bytearray(size))


def wait(seconds: float) -> float:
    """Nothing, for ``seconds`` (for the test that the time limit holds)."""
    import time

    time.sleep(seconds)
    return seconds
