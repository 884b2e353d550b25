"""Data placed in Markdown: shown exactly as written, links only to http(s) addresses.

Recommendation texts, rationales and titles are data. Rendered as Markdown they
could otherwise carry links, images, HTML or formatting; every place that puts
data into Markdown (pages, the brief) goes through these functions.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^@])")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"\\]+$", re.IGNORECASE)


# Markdown renderers turn bare addresses into links even when escaped; a word joiner (invisible) inside
# "://" and after "www" stops that, so only evidence and source URLs ever become links.
_BARE_LINK = re.compile(r"(?i)(://|\bwww(?=\.))")


def _unlink(text: str) -> str:
    return _BARE_LINK.sub(lambda m: m.group(0)[:1] + "\u2060" + m.group(0)[1:], text)


def escape(value: object, *, keep_lines: bool = False) -> str:
    """Escape every Markdown-active character; collapse whitespace unless ``keep_lines``."""
    text = _unlink(str(value))
    if keep_lines:
        return "\n".join(_SPECIAL.sub(r"\\\1", line) for line in text.split("\n"))
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def safe_url(url: str | None) -> str | None:
    """The url when it is a plain http(s) address, else None."""
    return url.strip() if url and _SAFE_URL.match(url.strip()) else None


def link(label: str, url: str | None) -> str:
    """A Markdown link only for http(s) addresses; anything else is escaped text."""
    good = safe_url(url)
    if not good:
        return escape(label)
    return f"[{escape(label)}]({good.replace('(', '%28').replace(')', '%29')})"
