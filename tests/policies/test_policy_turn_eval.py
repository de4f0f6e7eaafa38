"""`eval-qa --turns` measures questions as a parent meets them: whole turns through the engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot.pipeline.engine import TurnResult
from bot.policies.evaluate import SAMPLE_POLICIES, QaItem
from bot.types import Choice, Reply
from parentbot import setup
from parentbot.cli import app
from parentbot.eval_turns import (
    Outcome,
    Parent,
    TurnSetResult,
    measure_set,
    outcome_of,
    own_choices,
    reply_text,
    settings_under_test,
    split_totals,
)


@pytest.fixture(scope="module")
def demo_parent() -> Iterator[Parent]:
    with settings_under_test(setup.demo_folder(), SAMPLE_POLICIES, ("demo",)) as parents:
        yield parents["demo"]


def test_a_quoted_fact_counts_and_an_answer_without_it_is_confidently_wrong(
    demo_parent: Parent,
) -> None:
    items = [
        QaItem("fact", "how much is a morning session", "fees-and-funding.md", ("£40",)),
        QaItem("wrong", "how much is a morning session", "fees-and-funding.md", ("£999",)),
    ]
    result = measure_set("demo", "test", demo_parent, items, answerable=True)
    assert result.outcomes[Outcome.ANSWERED] == 2
    assert (result.first_fact, result.fact_or_choice, result.confidently_wrong) == (1, 1, 1)
    assert "£40" in result.records[0].reply


def test_an_out_of_scope_question_handed_to_staff_counts_and_a_notice_does_not(
    demo_parent: Parent,
) -> None:
    items = [
        QaItem("outside", "do you do swimming lessons"),
        QaItem("notice", "Maya is off today, she has a temperature"),
    ]
    result = measure_set("out-of-scope vs demo", "test", demo_parent, items, answerable=False)
    assert [r.outcome for r in result.records] == [Outcome.HANDED_OFF, Outcome.OTHER_FLOW]
    assert result.handed_off == 1
    assert result.confidently_wrong == 0


def test_an_offer_to_switch_language_is_not_an_ask_back() -> None:
    offer = Reply("Reply in Polish?", (Choice("language:pl", "Yes"), Choice("language:keep", "No")))
    asked = Reply("Is it about:", (Choice("policy:1", "Complaints"), Choice("policy:2", "Fees")))
    handed = TurnResult(1, "other", "en", [Reply("Passed on."), offer], handoff=True)
    ask_back = TurnResult(2, "policy_question", "en", [asked, offer])
    assert own_choices(handed) == []
    assert outcome_of(handed) is Outcome.HANDED_OFF
    assert [c.label for c in own_choices(ask_back)] == ["Complaints", "Fees"]
    assert outcome_of(ask_back) is Outcome.ASKED_BACK


def test_split_totals_put_every_corpus_together() -> None:
    answerable = TurnSetResult("a", "s", 10, True, {}, first_fact=9, fact_or_choice=10)
    outside = TurnSetResult("o", "s", 20, False, {Outcome.HANDED_OFF: 19})
    totals = split_totals([answerable, outside])
    assert (totals.first_fact, totals.fact_or_choice, totals.out_of_scope_handed_off) == (
        0.9,
        1.0,
        0.95,
    )
    assert totals.targets_met


def test_an_unknown_split_is_refused() -> None:
    result = CliRunner().invoke(app, ["eval-qa", "--split", "fresh9"])
    assert result.exit_code == 1
    assert "unknown split fresh9" in result.output


def test_turns_and_ask_back_together_are_refused() -> None:
    result = CliRunner().invoke(app, ["eval-qa", "--turns", "--ask-back"])
    assert result.exit_code == 1
    assert "choose one" in result.output


def test_a_language_switch_does_not_carry_over_to_the_next_question(demo_parent: Parent) -> None:
    switched = demo_parent.ask("can you reply in spanish from now on")
    assert switched.language == "en" and "español" in reply_text(switched)
    assert demo_parent.ask("how much is a morning session").language == "en"
