"""Words that belong to the people who built the data, not to its readers (issue 18)."""

import re

PROCESS_WORDS = re.compile(
    r"\b(curators?|search tool|corpus|transcribed?|transcribe|issue \d+|find_string|read_file|find_files|excerpts? read)\b",
    re.IGNORECASE,
)


def process_words_in(text: str) -> list[str]:
    """The process words found in a text, lower-cased, each once."""
    return sorted({m.group(0).lower() for m in PROCESS_WORDS.finditer(text)})
