"""`parentbot eval-qa --ask-back`: the policies' answers with asking back (PolicyIndex.consult).

Per set: the first answer holds the fact; the fact is in the answer or in the quote of one of the
sections offered (each choice answered with `answer_from`); confidently wrong (an answer without
the fact); asks back; abstains (hands the question to staff). The index alone, without the
understanding step: `eval-qa --turns` measures whole turns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.content import content_dir
from bot.policies.evaluate import (
    DEFAULT_SPLITS,
    SAMPLE_POLICIES,
    Corpus,
    QaItem,
    holds_fact,
    index_corpora,
    question_sets,
    rate,
)
from bot.policies.rerank import load_reranker


@dataclass
class ConsultResult:
    """Counts for one question set against one index."""

    name: str
    split: str
    questions: int
    answerable: bool
    first_fact: int = 0
    fact_or_choice: int = 0
    wrong: int = 0
    asked: int = 0
    abstained: int = 0
    misses: list[dict[str, str]] = field(default_factory=list)


def evaluate_consultations(
    name: str, split: str, corpus: Corpus, items: Sequence[QaItem], answerable: bool
) -> ConsultResult:
    """Consult the index on every question of a set."""
    result = ConsultResult(name, split, len(items), answerable)
    for item in items:
        found = corpus.index.consult(item.question)
        holds = False
        if found.answer is not None:
            holds = answerable and holds_fact(found.answer.quote, item)
            result.first_fact += holds
            result.fact_or_choice += holds
            result.wrong += not holds
            got = found.answer.quote
        elif found.choices:
            result.asked += 1
            quotes = [corpus.index.answer_from(item.question, c.passage_id) for c in found.choices]
            result.fact_or_choice += answerable and any(
                quote is not None and holds_fact(quote.quote, item) for quote in quotes
            )
            got = "(asks back: " + " / ".join(c.label for c in found.choices) + ")"
        else:
            result.abstained += 1
            got = "(abstained)"
        if not holds:
            result.misses.append({"id": item.id, "question": item.question, "got": got})
    return result


def run_consultations(
    qa_dir: Path, demo_dir: Path, samples_dir: Path, splits: Sequence[str]
) -> list[ConsultResult]:
    """Each split's answerable sets against their policies, and its out-of-scope set against all."""
    corpora = index_corpora(demo_dir, samples_dir)
    return [
        evaluate_consultations(qa.name, qa.split, corpora[qa.corpus], qa.items, qa.answerable)
        for qa in question_sets(qa_dir, splits)
    ]


def _line(result: ConsultResult) -> str:
    n = result.questions
    tail = f"asks back {rate(result.asked, n):.1%}  abstains {rate(result.abstained, n):.1%}"
    if not result.answerable:
        return f"{result.name:<36} n={n:<3} answers {rate(result.wrong, n):.1%}  {tail}"
    return (
        f"{result.name:<36} n={n:<3} first answer holds the fact {rate(result.first_fact, n):.1%}"
        f"  fact in answer or choices {rate(result.fact_or_choice, n):.1%}"
        f"  confidently wrong {rate(result.wrong, n):.1%}  {tail}"
    )


def cli_main(json_out: Path | None, splits: Sequence[str] = DEFAULT_SPLITS) -> int:
    """Print each set's figures and each split's totals, write them as JSON."""
    results = run_consultations(
        content_dir() / "qa", content_dir() / "demo" / "policies", SAMPLE_POLICIES, splits
    )
    relevance = load_reranker() is not None
    print("asking back: " + ("with the relevance model" if relevance else "off (no model)"))
    for split in splits:
        print(f"[{split}]")
        answerable = [r for r in results if r.split == split and r.answerable]
        outside = [r for r in results if r.split == split and not r.answerable]
        for result in (r for r in results if r.split == split):
            print(_line(result))
        asked = sum(r.questions for r in answerable)
        out = sum(r.questions for r in outside)
        print(
            f"{split} total: first answer holds the fact "
            f"{sum(r.first_fact for r in answerable)}/{asked}, in answer or choices "
            f"{sum(r.fact_or_choice for r in answerable)}, confidently wrong "
            f"{sum(r.wrong for r in answerable)}; out of scope: answered "
            f"{sum(r.wrong for r in outside)}/{out}, asked back {sum(r.asked for r in outside)}"
        )
    path = json_out or Path("eval-qa-ask-back.json")
    payload = {"relevance_model": relevance, "sets": [asdict(result) for result in results]}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0
