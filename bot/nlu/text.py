"""Text normalisation and phrase matching shared by every part of the understanding step.

Matching runs on a *folded* copy of the message: NFC, lower case, Latin diacritics removed
("piątek" -> "piatek", "mâine" -> "maine"), Arabic-script letter variants unified, every decimal
digit made ASCII. Folding maps one character to one character, so match positions in the folded
copy are positions in the original too (used for capitalisation checks).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

# A "word character": \w plus the combining vowel signs of Indic scripts and Arabic harakat,
# which Python's \w does not include. Danda (U+0964/5) is punctuation, not a letter.
WORD = r"[\w\u0900-\u0963\u0966-\u0DFF\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]"
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


# Word boundaries that only apply where the phrase itself starts/ends with a word character,
# so "-" or "?" entries still match between digits or after a word.
_START = rf"(?:(?<!{WORD})|(?!{WORD}))"
_END = rf"(?:(?!{WORD})|(?<!{WORD}))"


def trie_regex(phrases: Iterable[str]) -> str:
    """One regex for many phrases, shaped as a trie (fast to compile and to run, longest first)."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: dict[str, Any]) -> str:
    branches = [
        (r"\s+" if ch == " " else re.escape(ch)) + _node_regex(child)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _wildcard_regex(entry: str) -> str:
    """A phrase with `*` at an end: any word characters may continue it on that side."""
    core = r"\s+".join(re.escape(part) for part in entry.strip("*").split())
    left = rf"{WORD}*" if entry.startswith("*") else _START
    right = rf"{WORD}*" if entry.endswith("*") else _END
    return left + core + right


class _Compiled:
    """The phrases of one text form (folded or exact), compiled."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.labels: dict[str, list[str]] = {}
        wild: list[tuple[str, str]] = []
        first_words: set[str] = set()
        for phrase, label in dict.fromkeys(entries):
            phrase = " ".join(phrase.split())
            if phrase.startswith("*") or phrase.endswith("*"):
                wild.append((_wildcard_regex(phrase), label))
                first_words.add(phrase.strip("*").split()[0])
            elif phrase:
                self.labels.setdefault(phrase, []).append(label)
                if "\u0620" <= phrase[0] <= "\u064a":  # Arabic: "و" (and) attaches to the next word
                    self.labels.setdefault("و" + phrase, []).append(label)
        body = trie_regex(self.labels)
        self.plain = re.compile(f"{_START}(?:{body}){_END}") if body else None
        self.wild_labels = tuple(label for _, label in wild)
        groups = "|".join(f"(?P<w{i}>{pattern})" for i, (pattern, _) in enumerate(wild))
        self.wild = re.compile(groups) if wild else None
        # Every wildcard match holds its phrase's first word: texts without any skip the scan,
        # which tries each alternative at every position and costs far more than this search.
        self.wild_hint = re.compile(trie_regex(first_words)) if wild else None

    def run(self, text: str) -> list[Hit]:
        hits = []
        if self.plain:
            for m in self.plain.finditer(text):
                key = " ".join(m.group().split())
                hits += [Hit(m.start(), m.end(), label) for label in self.labels.get(key, ())]
        if self.wild and self.wild_hint and self.wild_hint.search(text):
            hits += [
                Hit(m.start(), m.end(), self.wild_labels[int(m.lastgroup[1:])])
                for m in self.wild.finditer(text)
                if m.lastgroup
            ]
        return hits


class Matcher:
    """Finds labelled phrases (longest first, no overlaps) in a folded message.

    Entries starting with `=` are matched against the unfolded lower-case text, for the few
    words whose diacritics carry the meaning (Portuguese "avó" grandmother vs "avô" grandfather).
    A phrase listed under several labels yields one hit per label.
    """

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        pairs = [(entry, label) for label, entries in table.items() for entry in entries]
        self._exact = _Compiled((lower(e[1:]), label) for e, label in pairs if e.startswith("="))
        self._folded = _Compiled((fold(e), label) for e, label in pairs if not e.startswith("="))

    def find(self, text: Text) -> list[Hit]:
        """Every hit in the message, in text order; overlapping shorter hits are dropped."""
        candidates = self._exact.run(text.lower) + self._folded.run(text.folded)
        candidates.sort(key=lambda h: (h.start, h.start - h.end))
        kept: list[Hit] = []
        for hit in candidates:
            if not any(
                hit.start < k.end and (k.start, k.end) != (hit.start, hit.end) for k in kept
            ):
                kept.append(hit)  # a phrase under two labels ("d&v") keeps both
        return kept


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


class Words:
    """Word positions of one message, to tell how far apart two hits are."""

    def __init__(self, text: Text) -> None:
        self.starts = [start for start, _ in text.tokens()]

    def _index(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1

    def between(self, earlier: Hit, later: Hit) -> int:
        """Words strictly between the end of `earlier` and the start of `later`; -1 when they
        overlap or `later` comes first."""
        if later.start < earlier.end:
            return -1
        return self._index(later.start) - self._index(earlier.end - 1) - 1
