"""How well a passage, and each of its sentences, covers a question's concepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.policies.answer import split_units
from bot.policies.terms import Concept, index_terms

# The sentence (or bullet) that best covers the question is quoted, counting a concept found in
# the passage's headings, a neighbouring sentence or elsewhere in the passage for a part.
IN_HEADING = 0.8
IN_NEIGHBOUR = 0.3
IN_PASSAGE = 0.2
IN_TITLE = 0.1  # only in the document title, which every passage of the document shares
AS_EXPANSION = 0.85  # a concept matched only through a synonym counts this much in ranking


@dataclass(frozen=True)
class Layout:
    """A passage's words: all of them, its headings', and each sentence or bullet's."""

    terms: frozenset[str]
    headings: frozenset[str]
    body: frozenset[str]  # headings and text, without the document title
    units: tuple[str, ...]
    unit_terms: tuple[frozenset[str], ...]


def layout_of(heading_path: tuple[str, ...], text: str, terms: list[str]) -> Layout:
    """A passage's words laid out by where they occur (terms: all of them, title included)."""
    units = tuple(split_units(text))
    return Layout(
        frozenset(terms),
        frozenset(index_terms(" ".join(heading_path))),
        frozenset(index_terms(" ".join((*heading_path, text)))),
        units,
        tuple(frozenset(index_terms(unit)) for unit in units),
    )


def _strength(concept: Concept, terms: frozenset[str]) -> float:
    """1 when the parent's own words occur, less when only a policy-word expansion does."""
    if all(t in terms for t in concept.own):
        return 1.0
    return AS_EXPANSION if concept.covered_by(terms) else 0.0


def unit_score(
    concepts: Sequence[Concept],
    weights: Sequence[float],
    present: Sequence[bool],
    layout: Layout,
    n: int,
) -> float:
    """How well one sentence (with its headings and neighbours as context) covers the question."""
    total = 0.0
    neighbours = [layout.unit_terms[i] for i in (n - 1, n + 1) if 0 <= i < len(layout.units)]
    for concept, weight, hit in zip(concepts, weights, present, strict=True):
        if not hit:
            continue
        total += weight * max(
            _strength(concept, layout.unit_terms[n]),
            IN_HEADING * _strength(concept, layout.headings),
            IN_NEIGHBOUR * max((_strength(concept, t) for t in neighbours), default=0.0),
            IN_PASSAGE * _strength(concept, layout.body),
            IN_TITLE * _strength(concept, layout.terms),
        )
    return total


def heading_score(concepts: Sequence[Concept], weights: Sequence[float], layout: Layout) -> float:
    """How much of the question the passage's headings name."""
    return sum(w * _strength(c, layout.headings) for c, w in zip(concepts, weights, strict=True))
