"""THE verbatim rule: when is a recommendation's text a quotation of its source document, and where does it stand.

One home for the rule the validator (``dataset.crosscheck``), the Sources page (``read.source_text``) and the
curation of documents in the app (``write.curation``) apply. What does not count when comparing:

- markdown emphasis and escapes left by converting a PDF or a web page (``**bold**``, ``*italic*``, ``\\-``);
- whitespace: runs of spaces, tabs and line wraps are one space;
- Unicode normalisation (NFC): the same Khmer or accented letters typed as different code-point sequences;
- zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF), which Khmer texts carry as word breaks.

Everything else counts: letters, case, punctuation, numbers.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["ZERO_WIDTH", "closest", "normalise", "occurrences"]

#: Invisible characters that a Khmer text carries between words (and a BOM), dropped before comparing.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_MARKUP = re.compile(r"\*\*|(?<![\w*])\*(?=\w)|(?<=\w)\*(?![\w*])|\\(?=[^\w\s])")


@functools.lru_cache(maxsize=8)
def _mapped(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``text`` compared as the rule compares it, and for each of its characters the span it came from."""
    dropped = bytearray(len(text))
    for found in _MARKUP.finditer(text):
        dropped[found.start() : found.end()] = b"\x01" * (found.end() - found.start())
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if dropped[index] or char in ZERO_WIDTH:
            index += 1
            continue
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                where.append((index, index + 1))
            index += 1
            continue
        end = index + 1  # a letter and the marks that follow it are normalised together (they may compose)
        while end < size and not dropped[end] and text[end] not in ZERO_WIDTH and not text[end].isspace():
            following = text[end]
            if following < "\u0300":  # nothing below the combining marks composes with what precedes it
                break
            if unicodedata.combining(following) or len(unicodedata.normalize("NFC", text[end - 1] + following)) < 2:
                end += 1
            else:
                break
        cluster = unicodedata.normalize("NFC", text[index:end]) if end - index > 1 or ord(char) > 0x7F else char
        chars.extend(cluster)
        where.extend([(index, end)] * len(cluster))
        index = end
    return "".join(chars), tuple(where)


def normalise(text: str) -> str:
    """``text`` as the verbatim rule compares it: no emphasis or escapes, single spaces, NFC, no zero-width
    characters, no space at either end."""
    return _mapped(text)[0].strip() if len(text) > _SHORT else _normalised_short(text)


#: A recommendation's text is short; a document's is long. Each has a cache of its own, so that checking a
#: document's recommendations does not push the document out of ``_mapped`` (every validation of data/ did,
#: and compared the whole of every document again: a third of its time). The short ones keep only the text
#: compared, not the map back to the original (a tuple per character: 45 MB more at 10,000 recommendations).
_SHORT = 4_000


@functools.lru_cache(maxsize=1_024)
def _normalised_short(text: str) -> str:
    if text.isascii():  # no zero-width characters, and every character is its own NFC cluster: the same result
        return " ".join(_MARKUP.sub("", text).split())  # without the walk: 0.12 s for 10,000 texts, not 0.68 s
    return _mapped.__wrapped__(text)[0].strip()


def occurrences(full_text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` stands in ``full_text`` by the rule, as (start, end) offsets in the ORIGINAL text
    (``full_text[start:end]`` is the passage as the document has it, emphasis and line wraps included)."""
    needle = normalise(quote)
    if not needle or not full_text:
        return []
    norm, where = _mapped(full_text)
    out = []
    position = norm.find(needle)
    while position >= 0:
        out.append((where[position][0], where[position + len(needle) - 1][1]))
        position = norm.find(needle, position + 1)
    return out


@functools.lru_cache(maxsize=64)  # the page checks its document again on every rerun: one search per text and row
def closest(full_text: str, quote: str) -> str:
    """The passage of ``full_text`` most like ``quote`` (as long as it, widened to whole words), for a refusal:
    "not found in the document; the closest passage is …". Empty when the text is empty.

    The passage shares the most three-character sequences with the quote; counted with running sums over the
    text, so a long document costs one pass, not a comparison of every window.
    """
    norm = _mapped(full_text)[0] if full_text else ""
    needle = normalise(quote)
    if not norm.strip():
        return ""
    width = max(1, min(len(needle), len(norm)))
    grams = {needle[i : i + 3] for i in range(max(0, len(needle) - 2))}
    hits = [0]
    for i in range(len(norm)):
        hits.append(hits[-1] + (norm[i : i + 3] in grams))
    best, best_score, ties = 0, -1, 0  # the middle of the first run of best windows: the passage centred
    for start in range(0, max(1, len(norm) - width + 1)):
        score = hits[min(len(norm), start + width - 2)] - hits[start] if width > 2 else 0
        if score > best_score:
            best, best_score, ties = start, score, 1
        elif score == best_score and start == best + ties:
            ties += 1
    start = best + (ties - 1) // 2
    end = min(len(norm), start + width)
    while start > 0 and norm[start - 1] != " ":
        start -= 1
    while end < len(norm) and norm[end] != " ":
        end += 1
    words = norm[start:end].split(" ")

    def alike(word: str) -> bool:  # a word at either end that shares nothing with the quote is left out
        return len(word) < 3 or any(word[i : i + 3] in grams for i in range(len(word) - 2))

    while len(words) > 1 and not alike(words[0]):
        words.pop(0)
    while len(words) > 1 and not alike(words[-1]):
        words.pop()
    return " ".join(words).strip()
