"""The issue's routing questions, asked by a known parent of the demo nursery and of the sample
policies' settings: each goes to the policies, never to the flow its words name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.policies.evaluate import SAMPLE_POLICIES
from parentbot import setup
from parentbot.eval_turns import Parent, own_choices, reply_text, settings_under_test


@pytest.fixture(scope="module")
def parents() -> Iterator[dict[str, Parent]]:
    with settings_under_test(setup.demo_folder(), SAMPLE_POLICIES) as by_corpus:
        yield by_corpus


@pytest.mark.parametrize(
    ("corpus", "question", "document", "quoted"),
    [
        (
            "demo",
            "What should I do if my phone number changes?",
            "Attendance and Absence Policy",
            "keep your phone numbers and emergency contacts up to date",
        ),
        ("demo", "Can I come in and help out?", "Outings Policy", "Parents are welcome to help"),
        ("demo", "Can I come in and visit?", "Key Person Policy", "settling-in visits"),
        (
            "little-doves",
            "My English isn't very good, can you get me an interpreter?",
            "Working in partnership with parents/carers and other agencies procedures",
            "provide an interpreter",
        ),
        (
            "little-doves",
            "Can I come in and help out?",
            "Working in partnership with parents/carers and other agencies procedures",
            "helping out",
        ),
        (
            "berkhamstead",
            "when is the next parents evening?",
            "Partnership Policy",
            "Parents' Evenings",
        ),
    ],
)
def test_a_routing_question_gets_the_policys_answer(
    parents: dict[str, Parent], corpus: str, question: str, document: str, quoted: str
) -> None:
    """First, or behind a section offered when the policy flow asks back."""
    parent = parents[corpus]
    result = parent.ask(question)
    assert result.intent == "policy_question"
    answers = [result, *(parent.ask(question, choice) for choice in own_choices(result))]
    assert any(
        [source["document"] for source in answer.sources] == [document]
        and quoted in reply_text(answer)
        for answer in answers
    )


@pytest.mark.parametrize(
    "question",
    [
        "how do I complain?",
        "Who should I talk to first if I'm worried?",
        "when is the next parents evening?",
        "where do I park?",
        "My English isn't very good, can you get me an interpreter?",
        "who is Leo's key person?",
    ],
)
def test_a_routing_question_goes_to_the_policies_not_to_another_flow(
    parents: dict[str, Parent], question: str
) -> None:
    result = parents["demo"].ask(question)
    assert result.intent == "policy_question"
    assert "I'll write to you in English" not in reply_text(result)


@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        ("when is the next parents evening?", "Stage 3"),
        ("where do I park?", "Woodhouse Moor park"),
    ],
)
def test_what_the_demo_policies_do_not_cover_is_passed_on_not_answered_by_a_shared_word(
    parents: dict[str, Parent], question: str, wrong: str
) -> None:
    result = parents["demo"].ask(question)
    assert result.handoff and not result.sources
    assert wrong not in reply_text(result)
