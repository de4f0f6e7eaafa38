"""BM25 retrieval over policy passages, with parent-vocabulary expansion and abstention."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import PolicyDocument, PolicyPassage
from bot.policies.answer import PolicyAnswer, make_quote, section_label
from bot.policies.parse import ParsedDocument
from bot.policies.terms import Concept, Lexicon, default_lexicon, index_terms

CANDIDATES = 8
# Calibrated on content/qa with a grid over both constants (bot/policies/evaluate.py).
# Answer only when the best passage covers this share of what the question asks about, each
# question word weighted by its IDF (words the policies never use weigh the most) ...
MIN_COVERAGE = 0.5
# ... and rank candidates by this mix of coverage and BM25 score relative to the best.
COVERAGE_WEIGHT = 0.7
GENERIC_WEIGHT = 0.5  # the most an everyday word can weigh in coverage


@dataclass(frozen=True)
class IndexedPassage:
    """A passage as retrieval sees it: with its document title, heading path and an id."""

    document_title: str
    heading_path: tuple[str, ...]
    text: str
    passage_id: int


@dataclass(frozen=True)
class Match:
    """A retrieved passage with its BM25 score and how much of the question it covers."""

    passage: IndexedPassage
    score: float
    coverage: float
    rank_score: float


class PolicyIndex:
    """Passages of one setting's policies, searchable with parents' own words."""

    def __init__(self, passages: Sequence[IndexedPassage], lexicon: Lexicon) -> None:
        self.passages = list(passages)
        self.lexicon = lexicon
        documents = [
            index_terms(" ".join((p.document_title, *p.heading_path, p.text))) for p in passages
        ]
        self._terms = [frozenset(terms) for terms in documents]
        frequency = Counter(term for terms in self._terms for term in terms)
        total = len(self.passages)
        self._idf = {t: _idf(df, total) for t, df in frequency.items()}
        self._unknown_idf = _idf(0, total)
        self._retriever = bm25s.BM25()
        if self.passages:
            self._retriever.index(documents, show_progress=False)

    @classmethod
    def build(
        cls, passages: Sequence[IndexedPassage], lexicon: Lexicon | None = None
    ) -> PolicyIndex:
        """Index the given passages (the shipped synonyms table unless another is given)."""
        return cls(passages, lexicon or default_lexicon())

    @classmethod
    def from_documents(
        cls, documents: Sequence[ParsedDocument], lexicon: Lexicon | None = None
    ) -> PolicyIndex:
        """Index parsed documents straight from files; passage ids count from 1."""
        passages = [
            IndexedPassage(document.title, passage.heading_path, passage.text, 0)
            for document in documents
            for passage in document.passages
        ]
        numbered = [
            IndexedPassage(p.document_title, p.heading_path, p.text, n)
            for n, p in enumerate(passages, start=1)
        ]
        return cls.build(numbered, lexicon)

    @classmethod
    def from_session(
        cls, session: Session, setting_id: int, lexicon: Lexicon | None = None
    ) -> PolicyIndex:
        """Index every imported passage of one setting."""
        rows = session.execute(
            select(PolicyDocument.title, PolicyPassage)
            .join(PolicyPassage, PolicyPassage.document_id == PolicyDocument.id)
            .where(PolicyDocument.setting_id == setting_id)
            .order_by(PolicyDocument.filename, PolicyPassage.ordinal)
        ).all()
        passages = [
            IndexedPassage(title, tuple(passage.heading_path), passage.text, passage.id)
            for title, passage in rows
        ]
        return cls.build(passages, lexicon)

    def _weight(self, concept: Concept) -> float:
        """How specific a concept is: the IDF of the parent's own word (unknown words: highest)."""
        weight = max(self._idf.get(term, self._unknown_idf) for term in concept.own)
        return min(weight, GENERIC_WEIGHT) if concept.generic else weight

    def search(self, question: str, k: int = CANDIDATES) -> list[Match]:
        """The best passages for a question, best first, re-ranked by coverage of the question."""
        if not self.passages:
            return []
        concepts = self.lexicon.concepts(question)
        query = sorted({t for c in concepts for t in c.stems if t in self._retriever.vocab_dict})
        if not query:
            return []
        scores = self._retriever.get_scores(query)
        top = np.argsort(-scores)[:k]
        best = float(scores[top[0]]) or 1.0
        weights = [self._weight(concept) for concept in concepts]
        matches = []
        for position in top:
            score = float(scores[position])
            if score <= 0:
                break
            terms = self._terms[position]
            covered = sum(w for c, w in zip(concepts, weights, strict=True) if c.covered_by(terms))
            coverage = covered / sum(weights)
            rank = (1 - COVERAGE_WEIGHT) * score / best + COVERAGE_WEIGHT * coverage
            matches.append(Match(self.passages[position], score, coverage, rank))
        return sorted(matches, key=lambda m: -m.rank_score)

    def answer(self, question: str, max_chars: int = 600) -> PolicyAnswer | None:
        """Quote the passage that answers the question, or None when no passage covers it."""
        matches = self.search(question)
        if not matches:
            return None
        best = matches[0]
        if best.coverage < MIN_COVERAGE:
            return None
        concepts = self.lexicon.concepts(question)
        weights = {t: self._weight(c) for c in concepts for t in c.stems}
        passage = best.passage
        return PolicyAnswer(
            quote=make_quote(passage.text, weights, max_chars),
            document=passage.document_title,
            section=section_label(passage.heading_path),
            score=round(best.score, 3),
            passage_id=passage.passage_id,
        )


def _idf(document_frequency: int, total: int) -> float:
    """BM25's (Lucene) inverse document frequency."""
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))
