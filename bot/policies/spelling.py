"""Spelling: a word the policies and the synonyms table do not know, one typing slip away from a
word they do know ("medecine" -> "medicine", "recieve" -> "receive"), is read as that word.

Single slips (a letter missed, doubled, swapped with the next or mistyped) are the large majority
of typing errors. Short words are left alone (too many words lie one slip from them), as are words
the embedding model's tokenizer knows whole (real words, not slips).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable, Iterable

from bot.policies.terms import stem

MIN_LETTERS = 5
_WORD = re.compile(r"[a-z]+")


def _slips(word: str) -> set[str]:
    """Every string one slip away from the word (deletion, transposition, substitution,
    insertion), keeping its first letter: a slip on the first letter is rare."""
    found: set[str] = set()
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            found.add(head + tail[1:])
            if len(tail) > 1:
                found.add(head + tail[1] + tail[0] + tail[2:])
            found.update(head + c + tail[1:] for c in string.ascii_lowercase)
        found.update(head + c + tail for c in string.ascii_lowercase)
    found.discard(word)
    return found


class Speller:
    """Reads a slip as the known word it most likely is: the most frequent one a slip away."""

    def __init__(self, texts: Iterable[str], is_word: Callable[[str], bool]) -> None:
        """texts: the policies (their words and how often each occurs); is_word: whether a word
        is a real word, never to be corrected."""
        self._counts = Counter(w for text in texts for w in _WORD.findall(text.lower()))
        self._is_word = is_word

    def correct(self, word: str, known: Callable[[str], bool]) -> str:
        """The known word a slip away from an unknown one (known: the policies' words and the
        synonyms table's, by stem), the policies' most frequent first; or the word itself."""
        if len(word) < MIN_LETTERS or not word.isalpha() or not word.islower():
            return word
        if known(word) or self._is_word(word):
            return word
        candidates = sorted(((self._counts[c], c) for c in _slips(word) if known(c)), reverse=True)
        if not candidates:
            return word
        (count, best), rivals = candidates[0], candidates[1:]
        # Another word as frequent is a tie, unless it is only another form of the same word.
        if any(n == count and stem(c) != stem(best) for n, c in rivals):
            return word
        return best
