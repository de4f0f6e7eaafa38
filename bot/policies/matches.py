"""What retrieval works with: indexed passages, candidate matches, and what a question found."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import PolicyDocument, PolicyPassage
from bot.policies.terms import Concept


@dataclass(frozen=True)
class IndexedPassage:
    """A passage as retrieval sees it: with its document title, heading path and an id."""

    document_title: str
    heading_path: tuple[str, ...]
    text: str
    passage_id: int


@dataclass(frozen=True)
class Match:
    """A retrieved passage: BM25 score, share of the question it covers, best sentence and rank."""

    passage: IndexedPassage
    score: float
    coverage: float
    rank_score: float
    unit: int = 0
    covered: int = 0  # content (not everyday) concepts the passage covers
    unit_scores: tuple[float, ...] = ()
    similarity: float | None = None  # best sentence's cosine similarity (None: no embeddings)
    position: int = 0  # the passage's place in the index


@dataclass(frozen=True)
class Found:
    """What retrieval found for a question: the question as read, its concepts, the candidate
    passages (best first) and the one that answers (None: abstain)."""

    question: str
    concepts: list[Concept]
    matches: list[Match]
    best: Match | None


@dataclass(frozen=True)
class Query:
    """A question's concepts, their weights and covering passages, and the top BM25 score."""

    concepts: list[Concept]
    weights: list[float]
    covering: list[set[int]]
    total: float
    best: float


def idf(document_frequency: int, total: int) -> float:
    """BM25's (Lucene) inverse document frequency."""
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))


def load_passages(session: Session, setting_id: int) -> list[IndexedPassage]:
    """Every imported passage of one setting, in document and reading order (a quick read:
    callers build the index outside their transaction)."""
    rows = session.execute(
        select(PolicyDocument.title, PolicyPassage)
        .join(PolicyPassage, PolicyPassage.document_id == PolicyDocument.id)
        .where(PolicyDocument.setting_id == setting_id)
        .order_by(PolicyDocument.filename, PolicyPassage.ordinal)
    ).all()
    return [
        IndexedPassage(title, tuple(passage.heading_path), passage.text, passage.id)
        for title, passage in rows
    ]
