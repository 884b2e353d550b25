"""Progress of long work on the command line."""

from __future__ import annotations

import sys


class Progress:
    """Progress of long work on stderr: a bar with counts and an estimate in a terminal, plain lines otherwise.

    Quiet for work that ends within a few seconds, so small runs and logs stay clean.
    """

    QUIET_FOR = 3.0  # seconds before anything is shown
    LINE_EVERY = 10.0  # seconds between plain lines when stderr is not a terminal

    def __init__(self, what: str, unit: str = "") -> None:
        import time

        self.what, self.unit, self.clock = what, unit, time.monotonic
        self.started = self.shown = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.drawn = False

    def _amount(self, n: int) -> str:
        if self.unit == "bytes":
            return f"{n / 1e6:,.1f} MB"
        return f"{n:,}"

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        elapsed = now - self.started
        finished = done >= total
        if elapsed < self.QUIET_FOR and not (finished and self.drawn):
            return
        if not finished and now - self.shown < (0.2 if self.tty else self.LINE_EVERY):
            return
        self.shown = now
        left = elapsed / done * (total - done) if done else 0
        text = f"{self._amount(done)}/{self._amount(total)} {self.what}, about {left:.0f} s left"
        if self.tty:
            bar = "#" * int(30 * done / total if total else 30)
            print(f"\r[{bar:<30}] {text} ", end="\n" if finished else "", file=sys.stderr)
            self.drawn = not finished
        else:
            print(text if not finished else f"{self._amount(total)} {self.what} in {elapsed:.0f} s", file=sys.stderr)
