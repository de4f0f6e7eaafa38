"""The answer to a policy question: a faithful quote, trimmed to fit, and where it comes from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.policies.normalise import split_sentences
from bot.policies.parse import BULLET_MARK
from bot.policies.terms import index_terms

ELLIPSIS = "…"


@dataclass(frozen=True)
class PolicyAnswer:
    """A quote from one passage, its document title and section, and the retrieval score."""

    quote: str
    document: str
    section: str
    score: float
    passage_id: int

    @property
    def source(self) -> str:
        """Where the quote comes from: "Document title, section" (or just the title)."""
        return f"{self.document}, {self.section}" if self.section else self.document


def section_label(heading_path: tuple[str, ...]) -> str:
    """The most specific heading, with its parent when it is a bare word such as "Procedures"."""
    if not heading_path:
        return ""
    if len(heading_path) > 1 and len(heading_path[-1].split()) <= 2:
        return f"{heading_path[-2]} - {heading_path[-1]}"
    return heading_path[-1]


def split_units(text: str) -> list[str]:
    """Whole bullet points, and sentences of paragraphs, in order."""
    units: list[str] = []
    for line in text.split("\n"):
        if line.startswith(BULLET_MARK) or line.endswith(":"):
            units.append(line)
        else:
            units.extend(split_sentences(line))
    return units


def score_unit(unit: str, weights: Mapping[str, float]) -> float:
    return sum(weights.get(term, 0.0) for term in set(index_terms(unit)))


def _cut(text: str, max_chars: int) -> str:
    """Shorten at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= max_chars:
        return text
    head = text[: max_chars - len(ELLIPSIS) + 1]
    head = head[: head.rfind(" ")] if " " in head else head[: max_chars - len(ELLIPSIS)]
    return head.rstrip(" ,;:-") + ELLIPSIS


def _pick(units: list[str], scores: Sequence[float], max_chars: int) -> list[str]:
    """The best-matching unit, with one neighbour when it fits: a matching one, else the next."""
    best = max(range(len(units)), key=lambda i: (scores[i], -i))
    chosen = [best]
    neighbours = [i for i in (best + 1, best - 1) if 0 <= i < len(units)]
    matching = sorted((i for i in neighbours if scores[i] > 0), key=lambda i: -scores[i])
    follows = best + 1 < len(units) and (
        units[best].endswith(":") or not units[best + 1].startswith(BULLET_MARK)
    )
    fallback = [best + 1] if follows and len(units[best]) < 200 else []
    for extra in (matching or fallback)[:1]:
        if len(units[best]) + len(units[extra]) + 1 <= max_chars:
            chosen.append(extra)
    return [units[i] for i in sorted(chosen)]


def quote_units(
    units: list[str],
    scores: Sequence[float],
    weights: Mapping[str, float],
    max_chars: int,
) -> str:
    """One or two units around the best-scoring one, trimmed to fit."""
    picked = _pick(units, scores, max_chars)
    if len(picked) == 1 and len(picked[0]) > max_chars:
        sentences = split_sentences(picked[0].removeprefix(BULLET_MARK))
        if len(sentences) > 1:
            picked = _pick(sentences, [score_unit(s, weights) for s in sentences], max_chars)
    bullets = [unit for unit in picked if unit.startswith(BULLET_MARK)]
    if len(picked) == 1 or not bullets:
        quote = " ".join(unit.removeprefix(BULLET_MARK) for unit in picked)
    else:
        quote = "\n".join(picked)
    return _cut(quote, max_chars)
