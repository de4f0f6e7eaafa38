"""Person names that are not the sender's children: other children, and collectors.

Only Latin-script capitalised words count as names (plus the word after "mark", as in "mark
oliver absent"); words any lexicon explains, the word after a title (staff: "Mrs Reid") and
places after a preposition ("to Portugal") are skipped. A name right after a relationship word
("Auntie Sarah", "ciocia Ania") or just before a collecting verb ("Sarah will pick up") is the
collector; any other is reported as unmatched, which drives the safeguarding reply.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from bot.nlu import lexicon
from bot.nlu.text import Hit, Text, fold

_JOIN = re.compile(r"^[\s,]*$")
_BEFORE_VERB = re.compile(r"^\s+(?:(?:will|is|can|could|'ll|to)\s+)?(?:\w+\s+)?$")
_MARK = re.compile(r"\bmark\s+(\w+)\s+(?:as\s+)?(?:absent|off)\b")


@dataclass(frozen=True, slots=True)
class PersonNames:
    """Collector's name (if any) and names of children who are not the sender's."""

    collector: str | None
    unmatched: tuple[str, ...]


def _latin_word(word: str) -> bool:
    return word.isalpha() and all(
        ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in word
    )


@cache
def _blockers(languages: tuple[str, ...]) -> frozenset[str]:
    """Words after which a capitalised word is not a child: titles and place prepositions."""
    words: set[str] = set()
    for code in languages:
        names = lexicon.table(code, "names")
        for label in ("title", "place_prep"):
            words.update(fold(w) for w in names.get(label, []))
    return frozenset(words)


def _candidates(
    text: Text, languages: tuple[str, ...], child_spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    vocab = lexicon.vocabulary(languages).find(text)
    tokens = text.tokens()
    marked = {m.start(1) for m in _MARK.finditer(text.folded)}
    found = []
    for pos, (start, end) in enumerate(tokens):
        word = re.split("['’]", text.raw[start:end])[0]
        following = text.raw[end : tokens[pos + 1][1]] if pos + 1 < len(tokens) else ""
        person_like = start in marked or _name_like(word, following)
        if not person_like or not _latin_word(word) or fold(word) in lexicon.common_words():
            continue
        if (start, end) in child_spans or any(h.start <= start < h.end for h in vocab):
            continue
        if pos and text.folded[slice(*tokens[pos - 1])] in _blockers(languages):
            continue
        found.append((start, start + len(word)))
    return _join_full_names(text, found)


def _name_like(word: str, following: str) -> bool:
    """A capitalised word of three letters or more, or a two-letter first name ("Jo", "Ed")
    right before a capitalised surname ("Jo Smith")."""
    if not word[:1].isupper():
        return False
    if len(word) >= 3:
        return True
    surname = following[1:]
    return (
        len(word) == 2
        and word[1].islower()
        and following[:1] == " "
        and surname[:1].isupper()
        and len(surname) >= 3
    )


def _join_full_names(text: Text, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent capitalised words are one person ("Linda Thompson"), not two."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and text.raw[joined[-1][1] : start] == " ":
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def find(
    text: Text,
    languages: tuple[str, ...],
    child_spans: list[tuple[int, int]],
    relationship_hits: list[Hit],
    collect_hits: list[Hit],
) -> PersonNames:
    """Split the message's person names into a collector and other people's children."""
    collector = None
    unmatched: list[str] = []
    for start, end in _candidates(text, languages, child_spans):
        name = text.raw[start:end]
        after_relation = any(
            _JOIN.match(text.raw[h.end : start]) for h in relationship_hits if h.end <= start
        )
        before_verb = any(
            _BEFORE_VERB.match(text.folded[end : h.start]) for h in collect_hits if h.start >= end
        )
        if collector is None and (after_relation or before_verb):
            collector = name
        elif name not in unmatched:
            unmatched.append(name)
    return PersonNames(collector, tuple(unmatched))


def answer_name(text: Text, unmatched: tuple[str, ...]) -> str | None:
    """A person named on their own, as an answer to "who will be collecting?": the one name in a
    short message ("Dave", "Linda Thompson, her nan"), or a short message of words no lexicon
    knows ("dave"); None for anything else ("sorry running late", "ok")."""
    words = [text.raw[start:end] for start, end in text.tokens()]
    if not 1 <= len(words) <= 4:
        return None
    if unmatched:
        return unmatched[0] if len(unmatched) == 1 else None
    if len(words) <= 3 and all(
        word.isalpha() and fold(word) not in lexicon.common_words() for word in words
    ):
        return " ".join(words)
    return None
