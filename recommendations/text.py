"""Text people type: one rule for every free-text field, and for the names that identify people and organisations.

Every free-text field (a rationale, a title, a summary, a comment, a name) passes through ``clean`` whether it
comes from a form, an upload or a YAML file, so that what one path accepts the others accept too, and what the
database holds survives ``export --format yaml`` -> ``validate`` -> ``load`` unchanged:

- normalised to NFC (a Khmer or accented letter typed two ways is stored one way);
- line breaks as ``\\n`` (``\\r\\n``, ``\\r``, NEL, U+2028 and U+2029 become ``\\n``: YAML would change them);
- control characters refused (NUL, escape, backspace, bidirectional overrides...), except tab and, in fields
  that may hold several lines, the line break;
- a length limit per field, so a million-character rationale is refused at the form, not at the next backup.

Zero-width spaces and joiners stay: Khmer, Thai, Lao and Burmese use them between words and inside letters.

Identities (emails, organisation names) are stricter: two accounts or organisations must never look the same,
so invisible characters and letters from another script that look like Latin ones are refused.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest value of each kind of field, in characters.
LIMITS = {
    "short": 300,  # titles, names, labels
    "text": 5_000,  # summaries, notes, comments, citations
    "long": 50_000,  # rationales and verbatim texts
}
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
#: The ASCII characters ``clean`` refuses (control characters but the tab; and, on a single line, the line break).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_CONTROL_OR_BREAK = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: Format characters a script needs (zero-width space, non-joiner, joiner, word joiner, soft hyphen) stay.
_KEPT_FORMAT = {"\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"}


class TextProblem(ValueError):
    """A value that cannot be stored as typed; the message says why, in words."""


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def clean(value: str, *, limit: int = LIMITS["text"], multiline: bool = True) -> str:
    """``value`` as it is stored: NFC, ``\\n`` line breaks, no control characters; TextProblem otherwise.

    Leading and trailing whitespace is not this function's business (the schema strips it).
    """
    if value.isascii():  # most data: NFC already, and its one line break to translate is \r (the fast path)
        text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
        if not (_ASCII_CONTROL if multiline else _ASCII_CONTROL_OR_BREAK).search(text):  # nothing the loop refuses
            if len(text) > limit:
                raise TextProblem(f"is {len(text):,} characters long; at most {limit:,} are kept here")
            return text
    else:
        text = _LINE_BREAKS.sub("\n", value)
    text = unicodedata.normalize("NFC", text)
    for char in text:
        if char == "\t" or (char == "\n" and multiline):
            continue
        if char == "\n":
            raise TextProblem("must be a single line")
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in _KEPT_FORMAT):
            raise TextProblem(f"holds a control or invisible character {_describe(char)}: type it again without it")
    text = text.replace("\ufeff", "")  # a byte-order mark pasted into the middle of a text carries nothing
    if len(text) > limit:
        raise TextProblem(f"is {len(text):,} characters long; at most {limit:,} are kept here")
    return text


# --- identities -------------------------------------------------------------------------------------------

#: Letters of other scripts that look like Latin ones (the common confusables of Cyrillic and Greek).
_LOOK_ALIKE = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕԁɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧονρτυχ",
    "ABEKMHOPCTXaeopcyxijsdgABEZHIKMNOPTYXovptux",
)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def scripts(text: str) -> set[str]:
    """The scripts of the letters in ``text`` (LATIN, CYRILLIC, KHMER...), from their Unicode names."""
    out = set()
    for char in text:
        if char.isalpha():
            out.add(unicodedata.name(char, "UNKNOWN").split(" ")[0])
    return out


def email(value: str) -> str:
    """An email address as an account key: trimmed, lower-case, plain ASCII (an international domain in its
    xn-- form); TextProblem for anything else, so no two accounts can look alike."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    invisible = [c for c in text if unicodedata.category(c) in ("Cf", "Cc", "Zs") or c.isspace()]
    if invisible:
        raise TextProblem(f"holds an invisible character {_describe(invisible[0])}")
    if not text.isascii():
        odd = next(c for c in text if not c.isascii())
        raise TextProblem(f"holds the non-ASCII character {_describe(odd)}: write the address in plain letters")
    if len(text) > 254 or not _EMAIL.match(text):
        raise TextProblem(f"{text!r} is not an email address")
    return text


def name(value: str, *, limit: int = LIMITS["short"]) -> str:
    """A name that identifies an organisation or a person: NFKC, one line, no invisible characters, and no word
    mixing Latin letters with look-alikes from another script (a Cyrillic "С" in "CWCC")."""
    text = " ".join(clean(unicodedata.normalize("NFKC", value), limit=limit, multiline=False).split())
    invisible = [c for c in text if unicodedata.category(c) == "Cf"]
    if invisible:
        raise TextProblem(f"holds an invisible character {_describe(invisible[0])}")
    for word in text.split():
        found = scripts(word)
        if "LATIN" in found and found & {"CYRILLIC", "GREEK"}:
            raise TextProblem(f"mixes Latin letters with look-alike letters of another script in {word!r}")
    return text


def skeleton(value: str) -> str:
    """What a name looks like: case, spacing, accents and look-alike letters folded. Two names with one skeleton
    would be taken for one another, so a second is refused."""
    text = unicodedata.normalize("NFKD", value).translate(_LOOK_ALIKE)
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    return re.sub(r"[\W_]+", "", text.casefold())
