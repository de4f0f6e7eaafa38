"""Whose contact details a message asks for: someone else's are a question to refuse, never an
update of the sender's own; the setting's are a question to answer."""

from __future__ import annotations

import pytest

from bot.types import ChildRef, Intent
from tests.nlu.helpers import KOWALSKI, PATEL, read


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("what's Leo Thompson's mum's phone number?", PATEL),
        ("could I have the number for Isla's mum?", PATEL),
        ("what's his dad's mobile", PATEL),
        ("where does Fiona Campbell live?", PATEL),
        ("Jaki jest numer telefonu mamy Isli?", KOWALSKI),
    ],
)
def test_asking_for_someone_elses_details_is_a_question_not_an_update(
    text: str, family: tuple[ChildRef, ...]
) -> None:
    got = read(text, family)
    assert (got.intent, got.others_details, got.new_phone) == (Intent.POLICY_QUESTION, True, None)


@pytest.mark.parametrize(
    "text",
    ["my new number is 07700 900456", "my husband's new number is 07700 900999, please update it"],
)
def test_giving_new_details_is_still_an_update(text: str) -> None:
    got = read(text, PATEL)
    assert (got.intent, got.others_details) == (Intent.UPDATE_DETAILS, False)


@pytest.mark.parametrize(
    "text",
    [
        "what's your phone number?",
        "what is your email address",
        "is there a parents whatsapp group",
    ],
)
def test_asking_for_the_settings_details_or_a_group_is_not_refused(text: str) -> None:
    got = read(text, PATEL)
    assert got.others_details is False and got.intent is not Intent.UPDATE_DETAILS


def test_a_notice_that_also_asks_for_a_number_stays_a_notice() -> None:
    got = read("Maya's off today, temperature. What's Jess's number?", PATEL)
    assert (got.intent, got.others_details) == (Intent.ABSENCE, False)
