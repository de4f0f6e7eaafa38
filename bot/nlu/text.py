"""Text normalisation and phrase matching shared by every part of the understanding step.

Matching runs on a *folded* copy of the message: NFC, lower case, Latin diacritics removed
("piątek" -> "piatek", "mâine" -> "maine"), Arabic-script letter variants unified, every decimal
digit made ASCII. Folding maps one character to one character, so match positions in the folded
copy are positions in the original too (used for capitalisation checks).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

# A "word character": \w plus the combining vowel signs of Indic scripts and Arabic harakat,
# which Python's \w does not include. Danda (U+0964/5) is punctuation, not a letter.
WORD = r"[\w\u0900-\u0963\u0966-\u0DFF\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]"
_LEFT = rf"(?<!{WORD})"
_RIGHT = rf"(?!{WORD})"
TOKEN_RE = re.compile(rf"{WORD}+(?:['’]{WORD}+)*")

_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ۃ": "ة",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "s",
    }
)
_DROP = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel


@cache
def _fold_char(ch: str) -> str:
    """One character folded: Latin letters lose their diacritics, digits become ASCII."""
    if ch.isdigit():
        value = unicodedata.digit(ch, None)
        return str(value) if value is not None else ch
    if ch.isascii() or not ch.isalpha():
        return ch
    if "LATIN" in unicodedata.name(ch, ""):
        base = unicodedata.normalize("NFKD", ch)[0]
        return base if base.isascii() else ch
    return ch


def lower(text: str) -> str:
    """NFC, lower case, Arabic-script letter variants and quotes unified, harakat removed."""
    return _DROP.sub("", unicodedata.normalize("NFC", text).lower().translate(_ARABIC_FOLD))


def fold(text: str) -> str:
    """`lower` plus Latin diacritics removed and digits made ASCII (same length as `lower`)."""
    return "".join(_fold_char(ch) for ch in lower(text))


@dataclass(frozen=True, slots=True)
class Hit:
    """One phrase found in a message: where it is and which label it carries."""

    start: int
    end: int
    label: str


def _entry_pattern(entry: str) -> str:
    """Regex for one lexicon entry: `*` at either end allows a prefix/suffix on that side."""
    left = "" if entry.startswith("*") else _LEFT
    right = "" if entry.endswith("*") else _RIGHT
    words = [re.escape(part) for part in entry.strip("*").split()]
    return left + r"\s+".join(words) + (rf"{WORD}*" if not right else "") + right


class Matcher:
    """Finds labelled phrases (longest first, no overlaps) in a folded message.

    Entries starting with `=` are matched against the unfolded lower-case text, for the few
    words whose diacritics carry the meaning (Portuguese "avó" grandmother vs "avô" grandfather).
    """

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        folded: list[tuple[str, str]] = []
        exact: list[tuple[str, str]] = []
        for label, entries in table.items():
            for entry in entries:
                if entry.startswith("="):
                    exact.append((lower(entry[1:]), label))
                else:
                    folded.append((fold(entry), label))
        self._folded = _compile(folded)
        self._exact = _compile(exact)

    def find(self, text: Text) -> list[Hit]:
        """Every non-overlapping hit in the message, in text order."""
        hits = _run(self._exact, text.lower)
        taken = [(h.start, h.end) for h in hits]
        for hit in _run(self._folded, text.folded):
            if all(hit.end <= s or hit.start >= e for s, e in taken):
                hits.append(hit)
        return sorted(hits, key=lambda h: h.start)

    def labels(self, text: Text) -> list[str]:
        """The labels of every hit, in text order (repeats kept)."""
        return [hit.label for hit in self.find(text)]


_Compiled = tuple[re.Pattern[str], tuple[str, ...]] | None


def _compile(entries: list[tuple[str, str]]) -> _Compiled:
    """One alternation with a named group per entry, longest entry first."""
    unique = sorted(set(entries), key=lambda pair: (-len(pair[0].strip("*")), pair[0]))
    if not unique:
        return None
    parts = [f"(?P<g{i}>{_entry_pattern(entry)})" for i, (entry, _) in enumerate(unique)]
    return re.compile("|".join(parts)), tuple(label for _, label in unique)


def _run(compiled: _Compiled, text: str) -> list[Hit]:
    if compiled is None:
        return []
    pattern, labels = compiled
    return [
        Hit(m.start(), m.end(), labels[int(m.lastgroup[1:])])
        for m in pattern.finditer(text)
        if m.lastgroup
    ]


@dataclass(frozen=True, slots=True)
class Text:
    """A message prepared once for matching: original, lower-cased and folded forms."""

    raw: str
    lower: str
    folded: str

    @classmethod
    def of(cls, raw: str) -> Text:
        """Prepare a message (NFC; lower and folded copies of equal length)."""
        nfc = unicodedata.normalize("NFC", raw)
        low = lower(nfc)
        if len(low) != len(nfc):  # harakat dropped: keep positions aligned to `low`
            nfc = low
        return cls(raw=nfc, lower=low, folded=fold(nfc))

    def tokens(self) -> list[tuple[int, int]]:
        """(start, end) of each word in the message."""
        return [m.span() for m in TOKEN_RE.finditer(self.folded)]
