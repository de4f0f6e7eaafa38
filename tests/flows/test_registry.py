"""The flow registry: one table, checked when built; how a message finds its flow; what the
conversation keeps between messages; the timeout. No database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.flows import chased, language, notices
from bot.flows.effects import RecordAbsence
from bot.flows.flow import Flow, Step
from bot.flows.registry import FLOWS, OFFERED, Registry
from bot.flows.turn import END, StepResult
from bot.types import Intent, Reply
from tests.flows.builders import SETTING, STRANGER, Chat, choice_ids, make_turn, texts

TODAY = date(2026, 11, 23)


def test_every_intent_starts_exactly_one_flow() -> None:
    assert {intent for flow in FLOWS.flows for intent in flow.intents} == set(Intent)
    doubled = Flow(
        name="help_again", start=lambda turn: StepResult(()), intents=frozenset({Intent.HELP})
    )
    with pytest.raises(ValueError, match="help starts 2 flows"):
        FLOWS.including(doubled)


@pytest.mark.parametrize(
    ("flow", "problem"),
    [
        (Flow(name="notice"), "'notice' listed twice"),
        (Flow(name="quiz", steps={"quiz.ask": Step(lambda t, d: None)}), "is not quiz:<step>"),
        (Flow(name="quiz", steps={"poll:ask": Step(lambda t, d: None)}), "'poll:ask' in quiz"),
        (Flow(name="quiz", steps={"quiz:ask": Step(lambda t, d: None)}), "steps need data"),
        (Flow(name="quiz", choices=("quiz:",)), "choices on_choice"),
        (Flow(name="quiz", choices=("notice:",), on_choice=lambda t, d: None), "overlap"),
    ],
)
def test_a_table_the_registry_could_not_route_by_is_refused(flow: Flow[Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        FLOWS.including(flow)


def test_an_unknown_sender_gets_the_public_answer_whatever_they_tap() -> None:
    result = FLOWS.step(make_turn("Maya is off", sender=STRANGER), "notice:date", {})
    assert "0113 496 0123" in texts(result) and result.effects == () and result.state == END


def test_a_choice_a_flow_owns_reaches_it_whatever_is_pending() -> None:
    chat = Chat()
    chat.say("Maya off")
    shown = chat.say("", "original:7", original=lambda choice_id: "Nursery closes at 3pm.")
    assert "Nursery closes at 3pm." in texts(shown)
    assert chat.state == "notice:date" and "notice" in chat.context  # still waiting for the day


def test_an_expired_button_asks_the_pending_question_again() -> None:
    chat = Chat()
    chat.say("Maya off")
    result = chat.say("", "date:9999-12-31")
    assert texts(result).startswith("Sorry, that button has expired.")
    assert "Which day is this for?" in texts(result) and chat.state == "notice:date"


def test_a_step_that_returns_none_lets_the_intent_start_its_flow() -> None:
    chat = Chat()
    chat.state, chat.context = FLOWS.settle(
        {}, chased.check_sent(Reply("Is Maya coming in today?"), (1,), TODAY)
    )
    started = chat.say("Leo is off on Friday, dentist")  # another child: not an answer to the check
    assert [type(effect) for effect in started.effects] == [RecordAbsence]
    assert chat.state == "notice:done"
    assert "chase" not in chat.context


def test_the_languages_declined_outlive_every_other_flows_data() -> None:
    declined = language.LanguageData(("pl",))
    context = {"language": declined.to_json(), "notice": {"draft": {"kind": "absence"}}}
    state, kept = FLOWS.settle(context, StepResult((Reply("Which day?"),), state=END))
    assert state == END and kept == {"language": declined.to_json(), OFFERED: []}


def test_a_step_must_end_in_a_state_its_flow_has() -> None:
    with pytest.raises(ValueError, match="no flow has the state 'notice:lunch'"):
        FLOWS.settle({}, StepResult((), state="notice:lunch"))


def test_a_question_pending_longer_than_the_timeout_is_dropped_with_its_choices() -> None:
    chat = Chat()
    chat.say("Maya off")
    chat.now += timedelta(hours=25)
    result = chat.say("", "date:2026-11-24")
    assert "that button has expired" in texts(result) and chat.state == END
    assert result.effects == () and "notice" not in chat.context


def test_a_question_pending_within_the_timeout_is_still_answered() -> None:
    chat = Chat()
    chat.say("Maya off")
    chat.now += timedelta(hours=23)
    answered = chat.say("", "date:2026-11-24")
    assert [type(effect) for effect in answered.effects] == [RecordAbsence]


def test_the_timeout_is_a_setting_option() -> None:
    hourly = replace(SETTING, options={"conversation_timeout_hours": 1})
    chat = Chat()
    chat.say("Maya off", setting=hourly)
    chat.now += timedelta(hours=2)
    result = chat.say("Wednesday", setting=hourly)
    assert not any(isinstance(effect, RecordAbsence) for effect in result.effects)
    assert chat.state == END


def test_a_flow_can_be_added_to_the_table() -> None:
    quiz = Flow(name="quiz", choices=("quiz:",), on_choice=lambda turn, data: StepResult(()))
    registry = FLOWS.including(quiz)
    assert isinstance(registry, Registry) and registry.checks_choice("quiz:1") is False
    assert notices.FLOW in registry.flows and quiz in registry.flows
    assert choice_ids(FLOWS.step(make_turn("hello"), END, {})) == []
