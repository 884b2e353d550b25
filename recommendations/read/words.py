"""Words of a recommendation as an index sees them: one rule for splitting, folding and stemming text.

- NFC, case folded; zero-width spaces (U+200B), word joiners and byte-order marks are word breaks (Khmer, Thai,
  Lao and Burmese write them between words), zero-width (non-)joiners inside a word are dropped;
- a word is a run of letters, digits and the combining marks of the scripts of the region (a Khmer vowel sign
  belongs to its word; the Khmer full stop and colon end it); hyphens and apostrophes split (``pre-departure``:
  ``departure``; ``pre`` is a stop word);
- English stop words, a few Khmer ones (``ការ``, ``និង``, ``នៃ``...) and one-letter words are left out (words
  that every recommendation shares weigh little in an index anyway);
- Latin words are reduced to a stem by a few suffix rules (``agencies`` and ``agency``, ``monitoring`` and
  ``monitor``, ``recruitment`` and ``recruit`` meet); other scripts are kept as written.

``words(text)`` gives (stem, form) pairs in order, so a reader can be shown a word as it was written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

#: Letters, digits, and combining marks of Latin, Thai, Lao, Burmese and Khmer (U+17D4-U+17D6, U+17D8-U+17DB:
#: Khmer punctuation and the riel sign, which end a word).
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0e00-\u0eff\u1000-\u109f\u1780-\u17d3\u17d7\u17dc\u17dd\u19e0-\u19ff])+")
_BREAKS = str.maketrans({"\u200b": " ", "\u2060": " ", "\ufeff": " ", "\u200c": None, "\u200d": None})

#: Common English words, and what every recommendation of this tracker says (they would match everything).
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each etc few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just let me more most must my myself no
    nor not now of off on once only or other ought our ours ourselves out over own same shall she should so some
    such than that the their theirs them themselves then there these they this those through to too under until
    up upon very via was we were what when where which while who whom why will with within without would you your
    yours yourself yourselves ie eg etc including include includes especially particular particularly well may
    might need needs needed ensure ensuring take taken taking make made making use used using way ways pre post
    sub non co re inter
    ការ និង នៃ ក្នុង ដែល ជា នូវ ឱ្យ អោយ ដើម្បី សម្រាប់ របស់ ពី លើ ទៅ មាន នេះ នោះ ក៏ ហើយ ដោយ តាម គឺ ទាំង
    """.split()
)

_VOWELS = frozenset("aeiouy")
#: Derivational suffixes, longest first; one is removed when at least three letters remain.
_SUFFIXES = (
    "ational", "ations", "ation", "ition", "ments", "ment", "ness", "ance", "ence", "able", "ible", "ive", "ion",
    "ity", "ism", "ist", "ise", "ize", "ful", "ate", "ant", "ent", "al", "er", "or",
)  # fmt: skip


def _has_vowel(stem: str) -> bool:
    return any(c in _VOWELS for c in stem)


def stem(word: str) -> str:
    """A Latin word's stem (``agencies`` -> ``agenc``, ``monitoring`` -> ``monit``); other words unchanged.

    Not an English grammar: a few suffix rules applied the same way to every text, so that the forms of one word
    meet. The stem is never shown; ``words`` keeps the form that was written.
    """
    if not word.isascii() or not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and _has_vowel(word[: -len(suffix)]):
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":  # planned -> plan
                word = word[:-1]
            break
    if word.endswith("y") and len(word) > 3:  # agency, agenci-es
        word = word[:-1] + "i"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and _has_vowel(word[: -len(suffix)]):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def words(text: str) -> Iterator[tuple[str, str]]:
    """(stem, form) for each word of ``text`` worth indexing, in order (``form``: folded, as written)."""
    folded = unicodedata.normalize("NFC", text).translate(_BREAKS).casefold()
    for match in _WORD.finditer(folded):
        form = match.group()
        if form in STOP_WORDS or (len(form) < 2 and form.isascii()):
            continue
        yield stem(form), form
