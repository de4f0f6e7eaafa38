"""`parentbot eval-qa --turns`: policy questions measured as a parent meets them.

Each question is one whole turn through a real Engine (the understanding step's routing, the
setting's facts, the policy flow), sent by a known guardian of a setting on a temporary SQLite
database: the demo nursery for demo questions, and a copy of its roster with one sample policy
for the sample policies' questions. A turn ends in one of these outcomes:

- answered: a quote or another reply that tells the parent something (a setting fact, small talk);
- asked back: choices only, for the parent to pick from (nothing answered, nobody asked yet);
- handed off: the question passed to staff by the policy flow or as a concern or other message;
- another flow: the message started a different flow (a meeting request, a read-back, a language
  change...), which for a question is an action the parent did not ask for.

For answerable questions: the first answer holds the fact (its text holds every expected string),
the fact is in the answer or behind one of the offered choices (each choice is picked in turn, on a
fresh copy of the conversation), and confidently wrong (answered or another flow, without the
fact). For out-of-scope questions: handed off.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import content_dir
from bot.db.models import Guardian
from bot.db.session import transaction
from bot.flows.language import OFFER_PREFIX
from bot.i18n.translator import NoTranslator
from bot.pipeline.engine import Engine
from bot.pipeline.outcome import TurnResult
from bot.policies.embedding import load_encoder
from bot.policies.evaluate import (
    CORPORA,
    SAMPLE_POLICIES,
    QaItem,
    holds_fact,
    question_sets,
    rate,
)
from bot.types import Choice, InboundMessage, Intent
from parentbot import setup

GUARDIAN = "+447700900101"  # Sarah Thompson, Maya's and Leo's mother in the demo roster
CHANNEL = "sms"
CLOCK = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday morning with the nursery open
SAMPLE_FILES = {
    "berkhamstead": "berkhamstead-partnership-policy.txt",
    "little-doves": "little-doves-partnership-procedures.txt",
}
# A question handed to staff by the policy flow, or taken as a concern or other message.
HANDOFF_INTENTS = frozenset({Intent.POLICY_QUESTION, Intent.CONCERN, Intent.OTHER})
TARGET_FIRST_FACT = 0.85
TARGET_FACT_OR_CHOICE = 0.95
TARGET_CONFIDENTLY_WRONG = 0.03
TARGET_OUT_OF_SCOPE_HANDED_OFF = 0.95


class Outcome(StrEnum):
    """What a turn did with a question."""

    ANSWERED = "answered"
    ASKED_BACK = "asked back"
    HANDED_OFF = "handed off"
    OTHER_FLOW = "another flow"


@dataclass(frozen=True)
class TurnRecord:
    """One question's turn: its outcome, whether it holds the fact, and what the parent read."""

    id: str
    question: str
    outcome: Outcome
    intent: str
    first_fact: bool = False
    fact_in_choices: bool = False
    reply: str = ""


@dataclass
class TurnSetResult:
    """Figures for one question set against one setting."""

    name: str
    split: str
    questions: int
    answerable: bool
    outcomes: dict[str, int]
    first_fact: int = 0
    fact_or_choice: int = 0
    confidently_wrong: int = 0
    records: list[TurnRecord] = field(default_factory=list)

    @property
    def handed_off(self) -> int:
        return self.outcomes.get(Outcome.HANDED_OFF, 0)


class Parent:
    """A known guardian asking one setting's engine, each question in a fresh conversation and
    in the guardian's own language (a question that switched it does not switch the next)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ids = itertools.count(1)
        with transaction(engine.sessions) as session:
            self.language = self._guardian(session).language

    def _guardian(self, session: Session) -> Guardian:
        return session.scalars(
            select(Guardian).where(
                Guardian.setting_id == self.engine.setting_id, Guardian.phone == GUARDIAN
            )
        ).one()

    def ask(self, text: str, choice: Choice | None = None) -> TurnResult:
        """The question's turn; with a choice, the question again and then that choice picked."""
        self.engine.forget_pending(CHANNEL, GUARDIAN)
        with transaction(self.engine.sessions) as session:
            self._guardian(session).language = self.language
        result = self._say(text)
        return result if choice is None else self._say(choice.label, choice.id)

    def _say(self, text: str, choice_id: str | None = None) -> TurnResult:
        inbound = InboundMessage(
            channel=CHANNEL,
            sender_id=GUARDIAN,
            text=text,
            provider_message_id=f"eval-qa-{next(self._ids)}",
            received_at=CLOCK,
            choice_id=choice_id,
        )
        result = self.engine.receive(inbound)
        assert result is not None, "a fresh message id was taken for a duplicate"
        return result


def reply_text(result: TurnResult) -> str:
    """What the parent reads in the turn's replies (choice labels aside)."""
    return "\n".join(reply.text for reply in result.replies)


def own_choices(result: TurnResult) -> list[Choice]:
    """The choices the turn offers about the question (an offer to switch language aside)."""
    return [
        choice
        for reply in result.replies
        for choice in reply.choices
        if not choice.id.startswith(OFFER_PREFIX)
    ]


def outcome_of(result: TurnResult) -> Outcome:
    """Answered, asked back, handed off, or another flow taken."""
    intent = Intent(result.intent)
    if intent not in HANDOFF_INTENTS:
        return Outcome.OTHER_FLOW
    if result.sources:
        return Outcome.ANSWERED
    if result.handoff:
        return Outcome.HANDED_OFF
    return Outcome.ASKED_BACK if own_choices(result) else Outcome.ANSWERED


def measure_question(parent: Parent, item: QaItem) -> TurnRecord:
    """One question's turn; for an answerable one without the fact, each choice it offers."""
    result = parent.ask(item.question)
    text = reply_text(result)
    outcome = outcome_of(result)
    first_fact = bool(item.expect) and holds_fact(text, item)
    in_choices = (
        bool(item.expect)
        and not first_fact
        and Intent(result.intent) is Intent.POLICY_QUESTION
        and any(
            holds_fact(reply_text(parent.ask(item.question, choice)), item)
            for choice in own_choices(result)
        )
    )
    return TurnRecord(item.id, item.question, outcome, result.intent, first_fact, in_choices, text)


def measure_set(
    name: str, split: str, parent: Parent, items: Sequence[QaItem], answerable: bool
) -> TurnSetResult:
    """Every question of one set, asked of one setting."""
    records = [measure_question(parent, item) for item in items]
    outcomes = {str(o): sum(r.outcome is o for r in records) for o in Outcome}
    wrong = sum(
        not r.first_fact and r.outcome in (Outcome.ANSWERED, Outcome.OTHER_FLOW) for r in records
    )
    return TurnSetResult(
        name,
        split,
        len(records),
        answerable,
        outcomes,
        first_fact=sum(r.first_fact for r in records),
        fact_or_choice=sum(r.first_fact or r.fact_in_choices for r in records),
        confidently_wrong=wrong if answerable else 0,
        records=records,
    )


@contextmanager
def settings_under_test(
    setting_folder: Path, samples_dir: Path, corpora: Sequence[str] = CORPORA
) -> Iterator[dict[str, Parent]]:
    """A guardian of each corpus's setting, each on its own temporary SQLite database: the
    setting folder as it is for "demo", and with one sample policy as its policies otherwise."""
    with tempfile.TemporaryDirectory(prefix="parentbot-eval-qa-") as scratch:
        parents = {}
        for corpus in corpora:
            folder = Path(scratch) / corpus
            shutil.copytree(setting_folder, folder)
            if corpus in SAMPLE_FILES:
                shutil.rmtree(folder / "policies")
                (folder / "policies").mkdir()
                shutil.copy(samples_dir / SAMPLE_FILES[corpus], folder / "policies")
            sessions = setup.open_database(f"sqlite:///{Path(scratch) / corpus}.sqlite3")
            setting_id = setup.import_setting_folder(sessions, folder).setting_id
            engine = Engine(sessions, setting_id, clock=lambda: CLOCK, translator=NoTranslator())
            parents[corpus] = Parent(engine)
        yield parents


def run_turn_evaluation(
    qa_dir: Path, setting_folder: Path, samples_dir: Path, splits: Sequence[str]
) -> list[TurnSetResult]:
    """Each split's answerable sets against their setting, and its out-of-scope set against all."""
    with settings_under_test(setting_folder, samples_dir) as parents:
        return [
            measure_set(qa.name, qa.split, parents[qa.corpus], qa.items, qa.answerable)
            for qa in question_sets(qa_dir, splits)
        ]


@dataclass(frozen=True)
class SplitTotals:
    """The issue's four figures over a whole split (all corpora together)."""

    answerable: int
    out_of_scope: int
    first_fact: float
    fact_or_choice: float
    confidently_wrong: float
    out_of_scope_handed_off: float

    @property
    def targets_met(self) -> bool:
        return (
            self.first_fact >= TARGET_FIRST_FACT
            and self.fact_or_choice >= TARGET_FACT_OR_CHOICE
            and self.confidently_wrong <= TARGET_CONFIDENTLY_WRONG
            and self.out_of_scope_handed_off >= TARGET_OUT_OF_SCOPE_HANDED_OFF
        )


def split_totals(results: Sequence[TurnSetResult]) -> SplitTotals:
    """The four figures over every set of one split."""
    answerable = [r for r in results if r.answerable]
    outside = [r for r in results if not r.answerable]
    asked = sum(r.questions for r in answerable)
    out = sum(r.questions for r in outside)
    return SplitTotals(
        asked,
        out,
        rate(sum(r.first_fact for r in answerable), asked),
        rate(sum(r.fact_or_choice for r in answerable), asked),
        rate(sum(r.confidently_wrong for r in answerable), asked),
        rate(sum(r.handed_off for r in outside), out),
    )


def _line(result: TurnSetResult) -> str:
    n = result.questions
    counts = "  ".join(f"{name} {rate(count, n):.1%}" for name, count in result.outcomes.items())
    if not result.answerable:
        return f"{result.name:<36} n={n:<3} {counts}"
    return (
        f"{result.name:<36} n={n:<3} first answer holds the fact {rate(result.first_fact, n):.1%}"
        f"  fact in answer or choices {rate(result.fact_or_choice, n):.1%}"
        f"  confidently wrong {rate(result.confidently_wrong, n):.1%}  ({counts})"
    )


def _totals_line(split: str, totals: SplitTotals) -> str:
    return (
        f"{split} total: first answer holds the fact {totals.first_fact:.1%} "
        f"(target {TARGET_FIRST_FACT:.0%}), fact in answer or choices {totals.fact_or_choice:.1%} "
        f"({TARGET_FACT_OR_CHOICE:.0%}), confidently wrong {totals.confidently_wrong:.1%} "
        f"(<= {TARGET_CONFIDENTLY_WRONG:.0%}), out-of-scope handed off "
        f"{totals.out_of_scope_handed_off:.1%} ({TARGET_OUT_OF_SCOPE_HANDED_OFF:.0%}); "
        f"{totals.answerable} answerable, {totals.out_of_scope} out of scope"
    )


def cli_main(json_out: Path | None, splits: Sequence[str]) -> int:
    """Print each set's and each split's figures, write them as JSON; 0 when targets are met."""
    results = run_turn_evaluation(
        content_dir() / "qa", setup.demo_folder(), SAMPLE_POLICIES, splits
    )
    embeddings = load_encoder() is not None
    print(
        "whole turns through the engine; retrieval: "
        + ("words + sentence embeddings" if embeddings else "words only")
    )
    totals = {}
    for split in splits:
        split_results = [r for r in results if r.split == split]
        print(f"[{split}]")
        for result in split_results:
            print(_line(result))
        totals[split] = split_totals(split_results)
        print(_totals_line(split, totals[split]))
    ok = all(t.targets_met for t in totals.values())
    print("targets met" if ok else "targets NOT met")
    path = json_out or Path("eval-qa-turns.json")
    payload = {
        "targets_met": ok,
        "sentence_embeddings": embeddings,
        "targets": {
            "first_fact": TARGET_FIRST_FACT,
            "fact_or_choice": TARGET_FACT_OR_CHOICE,
            "confidently_wrong": TARGET_CONFIDENTLY_WRONG,
            "out_of_scope_handed_off": TARGET_OUT_OF_SCOPE_HANDED_OFF,
        },
        "totals": {split: asdict(t) for split, t in totals.items()},
        "sets": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0 if ok else 1
