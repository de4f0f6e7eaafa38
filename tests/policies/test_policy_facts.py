"""Questions about the setting itself are answered from its own details."""

from __future__ import annotations

from datetime import date

import pytest

from bot.policies.facts import SettingFacts, answer_setting_fact

FACTS = SettingFacts(
    name="Bramble Lane Nursery",
    address="14 Bramble Lane, Leeds LS6 2AB",
    phone="0113 496 0123",
    email="hello@bramblelane.example",
    manager="Priya Shah",
    opening_hours={d: "07:30-18:00" for d in ("mon", "tue", "wed", "thu")} | {"fri": "07:30-17:30"},
    closed_dates=(date(2026, 12, 24), date(2026, 12, 25)),
)
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what time do you close on friday", "On Fridays we close at 5:30pm (open from 7:30am)."),
        (
            "are you open on christmas eve?",
            "Bramble Lane Nursery is closed on Thursday 24 December 2026.",
        ),
        (
            "are you open on the 23rd of December",
            "open on Wednesday 23 December 2026, 7:30am to 6pm",
        ),
        ("are you open on saturdays", "Bramble Lane Nursery is closed on Saturdays."),
        (
            "what are your opening hours?",
            "Monday to Thursday 7:30am to 6pm; Friday 7:30am to 5:30pm",
        ),
        ("what's your phone number", "0113 496 0123"),
        ("what's the address", "14 Bramble Lane, Leeds LS6 2AB"),
        ("what is the nursery email address", "hello@bramblelane.example"),
        ("who is the manager?", "Priya Shah"),
    ],
)
def test_setting_facts_are_answered_directly(question: str, expected: str) -> None:
    answer = answer_setting_fact(question, FACTS, today=TODAY)
    assert answer is not None and expected in answer


@pytest.mark.parametrize(
    "question",
    [
        "can I use my phone when I drop off",
        "how do I get my 30 free hours",
        "what's ofsted's email",
        "how much is late collection after closing",
        "can my neighbour pick him up",
    ],
)
def test_policy_questions_are_left_to_the_policies(question: str) -> None:
    assert answer_setting_fact(question, FACTS, today=TODAY) is None


@pytest.mark.parametrize(
    "question",
    [
        "What should I do if my phone number changes?",
        "whats the phone number for the doctors surgery",
        "is the post office open today",
        "what time does the park close",
        "what time does tesco shut tonight",
        "is the swimming pool open on sundays",
        "what are the library's opening hours",
        "whens the next open day",
        "whos in charge of data protection",
        "do i get charged for bank hols when ur shut",
        "what happens if it snows, do u close",
        "any recommendations for a childminder for the days ur not open",
        "can the nursery owner come to the complaint meeting",
    ],
)
def test_the_senders_own_number_other_places_and_fees_are_no_setting_facts(
    question: str,
) -> None:
    assert answer_setting_fact(question, FACTS, today=TODAY) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("is the nursery open on boxing day", "closed on Saturday 26 December 2026"),
        ("what time does bramble lane close on fridays", "close at 5:30pm"),
        ("what's the phone number for the nursery", "0113 496 0123"),
        ("who is in charge of the nursery", "Priya Shah"),
        ("what's the manager called", "Priya Shah"),
        ("whos the boss", "Priya Shah"),
    ],
)
def test_the_setting_named_as_the_subject_is_still_answered(question: str, expected: str) -> None:
    answer = answer_setting_fact(question, FACTS, today=TODAY)
    assert answer is not None and expected in answer
