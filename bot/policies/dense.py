"""Sentence embeddings of an index's passages: the meaning-based second signal beside BM25."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.policies.bert_graph import release_freed_memory
from bot.policies.embedding import Encoder, load_encoder

log = logging.getLogger(__name__)


def unit_text(heading_path: tuple[str, ...], title: str, unit: str) -> str:
    """What is embedded for one sentence or bullet: its nearest heading (or title), then itself."""
    context = heading_path[-1] if heading_path else title
    return f"{context}: {unit}"


@dataclass(frozen=True)
class DenseIndex:
    """One unit-length vector per sentence or bullet of every passage, in passage order."""

    encoder: Encoder
    vectors: np.ndarray  # (units, 384)
    starts: tuple[int, ...]  # first row of each passage; one more entry closes the last

    @classmethod
    def build(
        cls,
        encoder: Encoder,
        passages: Sequence[tuple[str, tuple[str, ...], Sequence[str]]],
    ) -> DenseIndex:
        """Embed every unit of (title, heading path, units) passages, in batches."""
        texts: list[str] = []
        starts = [0]
        for title, heading_path, units in passages:
            texts.extend(unit_text(heading_path, title, unit) for unit in units)
            starts.append(len(texts))
        log.info("embedding %d sentences of %d passages", len(texts), len(passages))
        started = time.perf_counter()
        vectors = encoder.encode(texts)
        release_freed_memory()  # the batches' activations
        log.info(
            "embedded %d sentences of %d passages in %.2f s",
            len(texts),
            len(passages),
            time.perf_counter() - started,
        )
        return cls(encoder, vectors, tuple(starts))

    def similarities(self, question: str) -> np.ndarray:
        """Cosine similarity of the question to every unit (one row per unit)."""
        similarities: np.ndarray = self.vectors @ self.encoder.encode([question])[0]
        return similarities

    def passage_best(self, similarities: np.ndarray) -> np.ndarray:
        """Each passage's best unit similarity (-1 for a passage without units)."""
        best = np.full(len(self.starts) - 1, -1.0, dtype=np.float32)
        starts = np.asarray(self.starts)
        filled = np.flatnonzero(starts[1:] > starts[:-1])
        if len(filled):
            best[filled] = np.maximum.reduceat(similarities, starts[filled])
        return best

    def units_of(self, similarities: np.ndarray, position: int) -> np.ndarray:
        """The similarities of one passage's units."""
        return similarities[self.starts[position] : self.starts[position + 1]]


def build_dense(
    passages: Sequence[tuple[str, tuple[str, ...], Sequence[str]]],
    model_dir: Path | None = None,
) -> DenseIndex | None:
    """The dense index, or None (logged) when the embedding model cannot be loaded."""
    encoder = load_encoder(model_dir)
    if encoder is None or not passages:
        return None
    return DenseIndex.build(encoder, passages)
