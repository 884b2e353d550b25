"""Data placed in Markdown: shown exactly as written, links only to http(s) addresses.

Recommendation texts, rationales and titles are data. Rendered as Markdown they could otherwise carry
links, images, HTML, headings or formatting; every place that puts data into Markdown (pages, the brief)
goes through these functions. Only what Markdown (and Streamlit's extensions: colours, emoji, icons,
maths) would act on is escaped, so a downloaded brief stays readable as plain text.
"""

from __future__ import annotations

import re

# Anywhere in a line: emphasis, code, links and images (their brackets), HTML, tables, strike-through, maths.
_INLINE = re.compile(r"([\\`*_\[\]<>|~$&])")
# Streamlit directives and emoji: ":red[x]", ":material/home:", ":smile:" (a colon before a letter).
_DIRECTIVE = re.compile(r":(?=[A-Za-z/])")
# At the start of a line: headings, quotes, list items, setext underlines; and "1." of a numbered item.
_LINE_START = re.compile(r"^(\s*)([#>+\-=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")
# Markdown renderers turn bare addresses into links even when escaped; a word joiner (invisible) inside
# "://", after "www" and before "@" (e-mail addresses) stops that, so only evidence and source URLs ever
# become links.
_BARE_LINK = re.compile(r"(?i)(://|\bwww(?=\.)|\w@)")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"\\]+$", re.IGNORECASE)


def _unlink(text: str) -> str:
    return _BARE_LINK.sub(lambda m: m.group(0)[:1] + "\u2060" + m.group(0)[1:], text)


def _line(text: str) -> str:
    text = _DIRECTIVE.sub(r"\\:", _INLINE.sub(r"\\\1", text))
    if _NUMBERED.match(text):
        return _NUMBERED.sub(r"\1\\\2", text)
    return _LINE_START.sub(r"\1\\\2", text)


def escape(value: object, *, keep_lines: bool = False) -> str:
    """Escape what Markdown would act on; collapse whitespace unless ``keep_lines``."""
    text = _unlink(str(value))
    if keep_lines:
        return "\n".join(_line(line) for line in text.split("\n"))
    return _line(" ".join(text.split()))


def safe_url(url: str | None) -> str | None:
    """The url when it is a plain http(s) address, else None."""
    return url.strip() if url and _SAFE_URL.match(url.strip()) else None


def link(label: str, url: str | None) -> str:
    """A Markdown link only for http(s) addresses; anything else is escaped text."""
    good = safe_url(url)
    if not good:
        return escape(label)
    return f"[{escape(label)}]({good.replace('(', '%28').replace(')', '%29')})"


_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})(?=\s)")


def nested(text: str, under: int) -> str:
    """Our own Markdown (documentation, not data) shown below a heading of level ``under``: its headings moved
    down so that its "#" comes one level below, keeping the page's outline in order (no second h1, no jump).
    Lines in fenced code (YAML comments start with "#") stay as they are."""
    out, in_code = [], False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + under), line)
        out.append(line)
    return "\n".join(out)
