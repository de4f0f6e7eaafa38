"""Vocabulary bridging: a parent's word the policies never use finds the policy words closest to
it in meaning, as the hand-written synonyms table does for the words somebody listed.

Every word of an index's passages is embedded once, alone, when the index is built; at question
time only the question's unknown words are (one small batch, cached by the encoder).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.policies.embedding import Encoder
from bot.policies.terms import STOPWORDS, Concept, stem, words

# Calibrated on the tuned, held-out and blind sets (notes/issue4-figures.md): a corpus word at
# least this close to the parent's word stands in for it, at most NEIGHBOURS of them.
BRIDGE_SIMILARITY = 0.6
NEIGHBOURS = 3
MIN_LETTERS = 3


def spelled_stems(texts: Iterable[str]) -> dict[str, str]:
    """Each content stem of the texts with its most frequent spelling ("nappi" -> "nappies")."""
    counts = Counter(
        (stem(word), word)
        for text in texts
        for word in words(text)
        if word not in STOPWORDS and word.isalpha() and len(word) >= MIN_LETTERS
    )
    spelling: dict[str, str] = {}
    for (term, word), _ in counts.most_common():
        spelling.setdefault(term, word)
    return spelling


@dataclass(frozen=True)
class WordBridge:
    """The corpus's words, one unit-length vector each, searchable by meaning."""

    encoder: Encoder
    stems: tuple[str, ...]
    vectors: np.ndarray  # (words, 384)

    @classmethod
    def build(cls, encoder: Encoder, texts: Iterable[str]) -> WordBridge:
        """Embed every content word of the texts (its most frequent spelling, alone)."""
        spelling = spelled_stems(texts)
        stems = tuple(spelling)
        return cls(encoder, stems, encoder.encode([spelling[t] for t in stems]))

    def neighbours(self, unknown: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """For each given word, the stems of the corpus words closest to it in meaning (those at
        least BRIDGE_SIMILARITY close, best first); words with none are left out."""
        if not unknown or not self.stems:
            return {}
        similarities = self.encoder.encode(list(unknown)) @ self.vectors.T
        found: dict[str, tuple[str, ...]] = {}
        for word, row in zip(unknown, similarities, strict=True):
            best = np.argsort(-row)[:NEIGHBOURS]
            close = tuple(self.stems[n] for n in best if row[n] >= BRIDGE_SIMILARITY)
            if close:
                found[word] = close
        return found

    def expand(
        self, question: str, concepts: list[Concept], indexed: Callable[[str], bool]
    ) -> list[Concept]:
        """The question's concepts, those in words neither the policies (indexed: whether a stem
        is) nor the synonyms table know expanded to the policy words nearest in meaning
        ("newborn" -> "infant")."""
        spelling = {stem(w): w for w in words(question) if w.isalpha() and len(w) >= MIN_LETTERS}
        unknown = {
            c.own[0]: spelling[c.own[0]]
            for c in concepts
            if len(c.alternatives) == 1
            and not c.generic
            and c.own[0] in spelling
            and not indexed(c.own[0])
        }
        near = self.neighbours(list(unknown.values())) if unknown else {}
        return [
            replace(c, alternatives=(c.own, *((n,) for n in near[unknown[c.own[0]]])))
            if c.own[0] in unknown and unknown[c.own[0]] in near
            else c
            for c in concepts
        ]
