"""Asking back: when the best passages are close but none is confident, the parent chooses.

Retrieval decides as before whether a passage answers. The relevance model (bot/policies/rerank.py)
then reads the best sentence of each of the few best sections. It asks back, offering those
sections' titles, when it prefers another section clearly over the one retrieval would quote
(the two signals disagree), or when retrieval abstains but a section is probably relevant after
all. Choosing a section answers with that section's quote for the same question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.policies.answer import PolicyAnswer, section_label
from bot.policies.matches import Found, Match
from bot.policies.rerank import Reranker

CHOICES = 3  # sections offered at most
POOL = 6  # retrieved passages looked through for distinct sections
# Calibrated on the development splits (tuned, heldout, blind, fresh, fresh2; see
# notes/issue19-figures.md). The relevance model's scores are logits.
DISAGREE = 1.5  # asks back when another section scores this much above the one to be quoted
ASK_BAR = 2.0  # an abstention asks back when a section scores at least this ...
ASK_SIMILARITY = 0.4  # ... and is read at all only when a sentence is this close in meaning


@dataclass(frozen=True)
class SectionChoice:
    """A section the parent may mean: its document, its heading and the passage to quote."""

    document: str
    section: str
    passage_id: int

    @property
    def label(self) -> str:
        """What the parent is shown: the section's heading, or the document's title."""
        return self.section or self.document


@dataclass(frozen=True)
class Consultation:
    """What the policies say to a question: an answer to quote, sections to choose between
    (asking back), or neither (not covered: hand the question to staff)."""

    answer: PolicyAnswer | None = None
    choices: tuple[SectionChoice, ...] = ()


def sections_to_offer(
    found: Found, reranker: Reranker, unit_text: Callable[[Match], str]
) -> tuple[SectionChoice, ...]:
    """The sections to ask back about, most relevant first; none when retrieval's decision
    stands (answer, or abstain). unit_text gives a match's best sentence."""
    if found.best is None and _closest(found.matches) < ASK_SIMILARITY:
        return ()
    pool = distinct_sections(found.matches[:POOL])
    scores = [float(s) for s in reranker.scores(found.question, [unit_text(m) for m in pool])]
    if not asks_back(0 if found.best is not None else None, scores):  # best is matches[0]
        return ()
    order = sorted(range(len(pool)), key=lambda n: -scores[n])
    return tuple(section_of(pool[n]) for n in order)


def section_of(match: Match) -> SectionChoice:
    """The section a match comes from."""
    passage = match.passage
    return SectionChoice(
        passage.document_title, section_label(passage.heading_path), passage.passage_id
    )


def distinct_sections(matches: Sequence[Match]) -> list[Match]:
    """The first match of each section label, in order, at most CHOICES of them."""
    seen: set[str] = set()
    chosen = []
    for match in matches:
        label = section_of(match).label
        if label not in seen:
            seen.add(label)
            chosen.append(match)
    return chosen[:CHOICES]


def asks_back(quoted: int | None, scores: Sequence[float]) -> bool:
    """Whether to ask back, given the relevance of each section and the one retrieval would
    quote (its place among them; None when retrieval abstains)."""
    if not scores:
        return False
    best = max(scores)
    if quoted is None:
        return best >= ASK_BAR
    return best - scores[quoted] >= DISAGREE


def _closest(matches: Sequence[Match]) -> float:
    """The best sentence similarity among the candidates (0 without the embedding model)."""
    return max((m.similarity or 0.0 for m in matches[:POOL]), default=0.0)
