"""BM25 retrieval over policy passages, with parent-vocabulary expansion and abstention."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np
from sqlalchemy.orm import Session

from bot.policies.answer import PolicyAnswer, quote_units, section_label, split_units
from bot.policies.askback import Consultation, sections_to_offer
from bot.policies.bridge import WordBridge
from bot.policies.dense import DenseIndex, build_dense
from bot.policies.matches import (
    Found,
    IndexedPassage,
    Match,
    Query,
    idf,
    load_passages,
)
from bot.policies.parse import ParsedDocument
from bot.policies.rerank import Reranker, load_reranker
from bot.policies.scoring import heading_score, layout_of, unit_score
from bot.policies.spelling import Speller
from bot.policies.terms import (
    STOPWORDS,
    Concept,
    Lexicon,
    default_lexicon,
    index_terms,
    stem,
)

_WORD_RE = re.compile(r"[A-Za-z]+")
CANDIDATES = 20  # passages BM25 hands on to be scored sentence by sentence
# Calibrated on the tuned question sets only (content/qa/*.jsonl without the heldout- prefix).
# A concept weighs the IDF of the passages that cover it (parent words the policies never use weigh
# the most). Answer only when the chosen passage covers MIN_COVERAGE of the question's weight, and
# either two content concepts or one carrying MIN_SINGLE_SHARE of it. A passage ranks by its best
# sentence's coverage (bot/policies/scoring.py), its BM25 score and its headings.
MIN_COVERAGE = 0.4
MIN_SINGLE_SHARE = 0.65
GENERIC_WEIGHT = 0.5  # the most an everyday word can weigh
CONTENT_WEIGHT = 0.6  # concepts weighing less ("child", everyday words) do not count as content
BM25_WEIGHT = 0.2
HEADING_BONUS = 0.1  # a passage whose headings name the question's concepts ranks higher
# Sentence embeddings (bot/policies/dense.py), when the model is installed: a passage whose sentence
# means what the question asks ranks higher, its best sentence is quoted, and a question whose words
# the policies do not use is still answered when a sentence is close enough in meaning and the
# passage covers some of the question's words; a lexical match with no closeness at all abstains.
DENSE_CANDIDATES = 5  # passages the embeddings add to BM25's candidates
DENSE_RANK = 0.1  # weight of the passage's best sentence similarity in ranking
DENSE_UNIT = 0.4  # weight of a sentence's similarity when picking the sentence to quote
DENSE_ANSWER = 0.4  # best-sentence similarity that answers without full lexical coverage ...
DENSE_MIN_COVERAGE = 0.3  # ... when the passage covers at least this much of the question
DENSE_VETO = 0.2  # a lexical match whose best sentence is less similar than this abstains
# The best of many sentences is closer to any question by chance than the best of a few, so both
# similarity bars rise with the log of the number of sentences indexed beyond SIZE_REFERENCE
# (calibrated on the tuned, held-out and blind sets of a 30-, a 40- and a 218-sentence index).
SIZE_REFERENCE = 30
SIZE_SLOPE = 0.04
# With embeddings, a question is also read the way a person would: a typing slip in a word the
# policies or the synonyms table know is corrected (bot/policies/spelling.py), and, when its own
# words find no answer, a word neither knows is bridged to the policy words nearest in meaning
# (bot/policies/bridge.py).


class PolicyIndex:
    """Passages of one setting's policies, searchable with parents' own words."""

    def __init__(
        self,
        passages: Sequence[IndexedPassage],
        lexicon: Lexicon,
        model_dir: Path | None = None,
        rerank: bool = True,
    ) -> None:
        """Index passages; model_dir overrides where the embedding model is (default: package);
        the relevance model (when installed, unless rerank is False) lets `consult` ask back."""
        self.passages = list(passages)
        self._rerank = rerank
        self.lexicon = lexicon
        texts = [(p.document_title, *p.heading_path, p.text) for p in passages]
        documents = [index_terms(" ".join(text)) for text in texts]
        self._layouts = [
            layout_of(p.heading_path, p.text, terms)
            for p, terms in zip(passages, documents, strict=True)
        ]
        self._terms = [layout.terms for layout in self._layouts]
        self._postings: dict[str, set[int]] = {}
        for n, terms in enumerate(self._terms):
            for term in terms:
                self._postings.setdefault(term, set()).add(n)
        self._idf = {t: idf(len(ns), len(self.passages)) for t, ns in self._postings.items()}
        self._unknown_idf = idf(0, len(self.passages))
        self._retriever = bm25s.BM25()
        if self.passages:
            self._retriever.index(documents, show_progress=False)
        dense = build_dense(
            [
                (p.document_title, p.heading_path, lay.units)
                for p, lay in zip(passages, self._layouts, strict=True)
            ],
            model_dir,
        )
        self._dense: DenseIndex | None = dense
        self._bridge = (
            WordBridge.build(dense.encoder, (" ".join(d) for d in texts))
            if dense is not None
            else None
        )
        self._speller = (
            Speller(
                (" ".join(t) for t in texts),
                lambda w: dense.encoder.tokenizer.token_to_id(w) is not None,
            )
            if dense is not None
            else None
        )
        sentences = len(dense.vectors) if dense is not None else 0
        self._similarity_shift = SIZE_SLOPE * math.log(
            max(sentences, SIZE_REFERENCE) / SIZE_REFERENCE
        )

    @cached_property
    def reranker(self) -> Reranker | None:
        """The relevance model, loaded when first asked for (not while the index is built, which
        usually happens in a background thread at start-up), or None when left out or missing."""
        return load_reranker() if self._rerank else None

    @property
    def uses_embeddings(self) -> bool:
        """Whether sentence embeddings take part (the model package is installed and loads)."""
        return self._dense is not None

    @classmethod
    def build(
        cls,
        passages: Sequence[IndexedPassage],
        lexicon: Lexicon | None = None,
        model_dir: Path | None = None,
        rerank: bool = True,
    ) -> PolicyIndex:
        """Index the given passages (the shipped synonyms table unless another is given), with
        the relevance model when it is installed, unless rerank is False."""
        return cls(passages, lexicon or default_lexicon(), model_dir, rerank)

    @classmethod
    def from_documents(
        cls,
        documents: Sequence[ParsedDocument],
        lexicon: Lexicon | None = None,
        model_dir: Path | None = None,
        rerank: bool = True,
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
        return cls.build(numbered, lexicon, model_dir, rerank)

    @classmethod
    def from_session(
        cls,
        session: Session,
        setting_id: int,
        lexicon: Lexicon | None = None,
        model_dir: Path | None = None,
    ) -> PolicyIndex:
        """Index every imported passage of one setting."""
        return cls.build(load_passages(session, setting_id), lexicon, model_dir)

    def _concepts(self, question: str, bridge: bool = True) -> list[Concept]:
        """The question's concepts, with run-together words split and names left out (and words
        nobody listed bridged to the policies' words, unless bridge is False)."""
        question = _WORD_RE.sub(lambda m: self._split_compound(m.group()), question)
        concepts = [c for c in self.lexicon.concepts(question) if not self._is_name(c)]
        if not bridge or self._bridge is None:
            return concepts
        return self._bridge.expand(question, concepts, lambda term: term in self._postings)

    def _known(self, word: str) -> bool:
        term = stem(word.lower())
        return term in self._postings or (term,) in self.lexicon.expansions

    def _split_compound(self, word: str) -> str:
        """ "lunchtime" -> "lunch time" when only the two halves are known words."""
        if len(word) < 7 or not word.isalpha() or self._known(word):
            return word
        for cut in range(3, len(word) - 2):
            head, tail = word[:cut], word[cut:]
            if (
                head.lower() not in STOPWORDS
                and tail.lower() not in STOPWORDS
                and self._known(head)
                and self._known(tail)
            ):
                return f"{head} {tail}"
        return word

    def _is_name(self, concept: Concept) -> bool:
        """A capitalised word that neither the policies nor the synonyms table know: a name."""
        return (
            concept.capitalised
            and len(concept.alternatives) == 1
            and not any(term in self._postings for term in concept.own)
        )

    def _covering(self, concept: Concept) -> set[int]:
        """Passages that cover a concept (every word of one of its alternatives)."""
        found: set[int] = set()
        for alternative in concept.alternatives:
            postings = [self._postings.get(term, set()) for term in alternative]
            if postings:
                found |= set.intersection(*postings)
        return found

    def _weight(self, concept: Concept, covering: set[int]) -> float:
        """How specific a concept is: the IDF of the passages covering it (none: highest)."""
        weight = idf(len(covering), len(self.passages)) if covering else self._unknown_idf
        # An everyday word weighs at most GENERIC_WEIGHT; a topic word at least that much, even
        # when nearly every passage mentions it ("child" in a nursery's policies). A number the
        # policies never use ("a 3 month old", "in 2 weeks") says as little as an everyday word.
        generic = concept.generic or (not covering and all(t.isdigit() for t in concept.own))
        return min(weight, GENERIC_WEIGHT) if generic else max(weight, GENERIC_WEIGHT)

    def search(
        self, question: str, k: int = CANDIDATES, concepts: list[Concept] | None = None
    ) -> list[Match]:
        """The best passages for a question, best first, each with its best sentence."""
        if not self.passages:
            return []
        question = self._read(question)
        concepts = self._concepts(question) if concepts is None else concepts
        query = sorted({t for c in concepts for t in c.stems if t in self._retriever.vocab_dict})
        if not query:
            return []
        covering = [self._covering(concept) for concept in concepts]
        weights = [self._weight(c, ns) for c, ns in zip(concepts, covering, strict=True)]
        total = sum(weights)
        scores = self._retriever.get_scores(query)
        top = [int(n) for n in np.argsort(-scores)[:k] if scores[n] > 0]
        if not top or not total:
            return []
        similarities = self._dense.similarities(question) if self._dense else None
        if self._dense is not None and similarities is not None:
            best_units = self._dense.passage_best(similarities)
            extra = [int(n) for n in np.argsort(-best_units)[:DENSE_CANDIDATES]]
            top += [n for n in extra if n not in top]
        query_terms = Query(concepts, weights, covering, total, float(scores[top[0]]))
        matches = [
            self._match(position, query_terms, float(scores[position]), similarities)
            for position in top
        ]
        return sorted(matches, key=lambda m: -m.rank_score)

    def _match(
        self, position: int, query: Query, score: float, similarities: np.ndarray | None
    ) -> Match:
        """Score one candidate passage and pick its best sentence."""
        layout = self._layouts[position]
        present = [position in ns for ns in query.covering]
        hits = [(w, hit) for w, hit in zip(query.weights, present, strict=True)]
        coverage = sum(w for w, hit in hits if hit) / query.total
        content = sum(1 for w, hit in hits if hit and w >= CONTENT_WEIGHT)
        unit_scores = [
            unit_score(query.concepts, query.weights, present, layout, n) / query.total
            for n in range(len(layout.units))
        ]
        similarity = None
        if self._dense is not None and similarities is not None:
            unit_similarities = self._dense.units_of(similarities, position)
            similarity = float(unit_similarities.max()) if len(unit_similarities) else 0.0
            unit_scores = [
                s + DENSE_UNIT * float(u)
                for s, u in zip(unit_scores, unit_similarities, strict=True)
            ]
        unit = max(range(len(unit_scores)), key=lambda n: (unit_scores[n], -n))
        heading = heading_score(query.concepts, query.weights, layout) / query.total
        rank = unit_scores[unit] + HEADING_BONUS * heading + BM25_WEIGHT * score / query.best
        rank += DENSE_RANK * (similarity or 0.0)
        return Match(
            self.passages[position],
            score,
            coverage,
            rank,
            unit,
            content,
            tuple(unit_scores),
            similarity,
            position,
        )

    def answer(self, question: str, max_chars: int = 600) -> PolicyAnswer | None:
        """Quote the passage that answers the question, or None when no passage covers it."""
        return self._answer(self._find(question), max_chars)

    def consult(self, question: str, max_chars: int = 600) -> Consultation:
        """An answer, sections to ask back about (bot/policies/askback.py), or neither. Without
        the relevance model this is `answer` alone."""
        found = self._find(question)
        if self.reranker is not None:
            choices = sections_to_offer(found, self.reranker, self._unit_text)
            if choices:
                return Consultation(choices=choices)
        return Consultation(self._answer(found, max_chars))

    def answer_from(
        self, question: str, passage_id: int, max_chars: int = 600
    ) -> PolicyAnswer | None:
        """The quote a chosen section gives for the question (None when it is no longer one of
        the question's candidates, e.g. after a re-import)."""
        found = self._find(question)
        chosen = next((m for m in found.matches if m.passage.passage_id == passage_id), None)
        return self._quote(chosen, found.concepts, max_chars) if chosen else None

    def _find(self, question: str) -> Found:
        """The question read, its concepts, the candidate passages and the one that answers.
        Words nobody listed are bridged to the policies' words only when the question's own words
        do not find an answer: encoding them costs a model pass."""
        question = self._read(question)
        concepts = self._concepts(question, bridge=False)
        matches = self.search(question, concepts=concepts)
        if matches and self._covers(matches[0], question):
            return Found(question, concepts, matches, matches[0])
        bridged = self._concepts(question)
        if bridged != concepts:
            bridged_matches = self.search(question, concepts=bridged)
            if bridged_matches and self._covers(bridged_matches[0], question):
                return Found(question, bridged, bridged_matches, bridged_matches[0])
            matches = bridged_matches or matches
        return Found(question, bridged, matches, None)

    def _answer(self, found: Found, max_chars: int) -> PolicyAnswer | None:
        return self._quote(found.best, found.concepts, max_chars) if found.best else None

    def _quote(self, match: Match, concepts: list[Concept], max_chars: int) -> PolicyAnswer:
        """One or two sentences of the matched passage, with where they come from."""
        weights = {t: 1.0 for c in concepts for t in c.stems}
        passage = match.passage
        return PolicyAnswer(
            quote=quote_units(
                list(split_units(passage.text)), match.unit_scores, weights, max_chars
            ),
            document=passage.document_title,
            section=section_label(passage.heading_path),
            score=round(match.score, 3),
            passage_id=passage.passage_id,
        )

    def _unit_text(self, match: Match) -> str:
        """The sentence or bullet a match would quote first."""
        return self._layouts[match.position].units[match.unit]

    def _read(self, question: str) -> str:
        """The question with text-speak written out and slips of the keyboard corrected."""
        question = self.lexicon.plain(question)
        if self._speller is None:
            return question
        speller = self._speller
        return _WORD_RE.sub(lambda m: speller.correct(m.group(), self._known), question)

    def _covers(self, match: Match, question: str) -> bool:
        """Whether the passage covers enough of the question to answer it: never when the parent
        asks for a recommendation, shopping or tips that the passage does not itself speak of."""
        if not self.lexicon.asks_outside(question) <= self._terms[match.position]:
            return False
        lexical = match.coverage >= MIN_COVERAGE and (
            match.covered >= 2 or match.coverage >= MIN_SINGLE_SHARE
        )
        if match.similarity is None:
            return lexical
        similarity = match.similarity - self._similarity_shift
        if lexical:
            return similarity >= DENSE_VETO
        return similarity >= DENSE_ANSWER and match.coverage >= DENSE_MIN_COVERAGE
