"""Character-level clean-up of text extracted from policy documents."""

from __future__ import annotations

import re
import unicodedata

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\r": "",
        "\f": "\n",
        "\v": "\n",
    }
)

# "[bookmark: _heading=h.gjdgxs]", "[bookmark: _Toc123]", "{#_heading=h.3znysh7}" and similar.
_EDITOR_JUNK = re.compile(
    r"\[\s*bookmark\s*:[^\]]*\]|\{#_[^}]*\}|\[_?(?:Toc|heading)[^\]]*\]|<!--.*?-->",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \u3000]{2,}")
_DASHES_AS_WORDS = re.compile(r"(?<=\S) [\u2013\u2014] ")


def normalise_text(text: str) -> str:
    """Straighten quotes, flatten odd spaces, and strip editor junk; keeps line breaks and tabs."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    text = _EDITOR_JUNK.sub("", text)
    text = _DASHES_AS_WORDS.sub(" - ", text)
    return "\n".join(_clean_line(line) for line in text.split("\n"))


def _clean_line(line: str) -> str:
    """Collapse runs of spaces within each tab-separated cell and trim the line."""
    cells = [_SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    return "\t".join(cells) if any(cells) else ""


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "No.", "approx.", "incl.")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')]*\s+(?=[\"'(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, not breaking after common abbreviations."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if candidate.endswith(_ABBREVIATIONS):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
