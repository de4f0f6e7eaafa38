"""The one renderer (a reply as each channel can show it) and the one parser of numbered answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.outbound.render import Rendered, answer_number, choice_for, numbered, render
from bot.pipeline.engine import Engine
from bot.types import ChannelCapabilities, Choice, Reply
from channels import telegram, terminal, twilio_sms, webchat, whatsapp
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.core.test_staff_replies import ANSWER, JESS, MAGDA, _concern
from tests.i18n.fake_translator import FakeTranslator

YES_NO = Reply("Is Maya off today?", (Choice("yes", "Yes"), Choice("no", "No")))
BUTTONS = ChannelCapabilities(max_text_length=4096, max_buttons=3, max_button_label=10)
OFFERED = ["notice:change:A1", "notice:withdraw:A1", "keep"]


def test_choices_that_fit_are_buttons_and_the_text_stays_as_written() -> None:
    assert render(YES_NO, BUTTONS) == Rendered("Is Maya off today?", buttons=YES_NO.choices)


def test_a_channel_without_buttons_gets_a_numbered_list_after_the_text() -> None:
    shown = render(YES_NO, ChannelCapabilities(max_text_length=1600))
    assert shown.buttons == ()
    assert shown.body == "Is Maya off today?\n1. Yes\n2. No"


def test_more_choices_than_the_channel_shows_degrade_to_a_numbered_list() -> None:
    four = Reply("Which day?", tuple(Choice(f"d{n}", f"Day {n}") for n in range(1, 5)))
    shown = render(four, BUTTONS)
    assert (shown.buttons, shown.listed) == ((), numbered(four.choices))
    assert shown.listed.endswith("\n4. Day 4")


def test_one_label_too_long_for_a_button_makes_the_whole_list_numbered() -> None:
    long = Reply("Which?", (Choice("a", "Short"), Choice("b", "A label far too long")))
    assert render(long, BUTTONS).body == "Which?\n1. Short\n2. A label far too long"


def test_a_reply_without_choices_is_its_text() -> None:
    assert render(Reply("Thanks"), BUTTONS) == Rendered("Thanks")


def test_every_adapter_declares_what_it_shows() -> None:
    """Telegram and the web chat show buttons; SMS, WhatsApp and the terminal number choices."""
    buttons = [telegram.CAPABILITIES, webchat.CAPABILITIES]
    numbers = [twilio_sms.CAPABILITIES, whatsapp.CAPABILITIES, terminal.CAPABILITIES]
    assert all(render(YES_NO, caps).buttons == YES_NO.choices for caps in buttons)
    assert all(render(YES_NO, caps).listed == "\n1. Yes\n2. No" for caps in numbers)


@pytest.mark.parametrize(
    "text",
    [
        *("2", " 2 ", "2.", "(2)", "2)", "#2", "two", "Two", "TWO.", "dwa", "dos", "doi", "două"),
        *("laba", "dois", "دو", "اثنين", "ਦੋ", "দুই", "બે", "٢", "২", "੨"),
    ],
)
def test_a_numbered_answer_picks_that_choice_in_any_of_the_bots_languages(text: str) -> None:
    assert choice_for(text, OFFERED) == "notice:withdraw:A1"


@pytest.mark.parametrize(
    "text", ["", "0", "4", "-1", "2.5", "2 please", "twenty", "um", "001" + "0" * 10, "²", "tw o"]
)
def test_anything_else_is_no_numbered_answer(text: str) -> None:
    assert choice_for(text, OFFERED) is None


@given(st.text(max_size=40))
def test_the_parser_never_fails_and_only_picks_an_offered_choice(text: str) -> None:
    picked = choice_for(text, OFFERED)
    assert picked is None or picked in OFFERED
    number = answer_number(text)
    assert number is None or number >= 0


def test_a_number_word_answers_the_read_back_on_sms(engine: Engine) -> None:
    say(engine, "+447700900101", "Maya's off today, temperature")
    withdrawn = say(engine, "+447700900101", "two")  # "2. Withdraw" under the SMS read-back
    assert "withdrawn" in reply_text(withdrawn)


def test_a_polish_parent_answers_show_in_english_with_a_polish_number_word(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(
        sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=FakeTranslator()
    )
    say(engine, JESS, f"reply {_concern(engine)} {ANSWER}")
    shown = say(engine, MAGDA, "jeden")  # "1. Pokaż po angielsku" under the SMS
    assert ANSWER in reply_text(shown)
