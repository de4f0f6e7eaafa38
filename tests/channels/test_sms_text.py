"""GSM-7 / UCS-2 segment counting, GSM-safe text and fitting a segment budget."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.outbound.sms_text import (
    encoded_length,
    fit_segments,
    gsm_safe,
    is_gsm,
    segment_count,
    sms_parts,
)
from bot.types import Choice, Reply
from channels.twilio_sms import render_sms


def test_gsm_segments_are_160_then_153() -> None:
    assert segment_count("a" * 160) == 1
    assert segment_count("a" * 161) == 2
    assert segment_count("a" * 306) == 2
    assert segment_count("a" * 307) == 3


def test_extension_characters_count_twice() -> None:
    assert is_gsm("€[]{}")
    assert encoded_length("€") == 2
    assert segment_count("€" * 80) == 1
    assert segment_count("€" * 81) == 2


def test_one_curly_quote_or_emoji_makes_the_message_ucs2() -> None:
    assert segment_count("a" * 100) == 1
    assert segment_count("a" * 99 + "\u2019") == 2  # 100 UCS-2 units > 70
    assert segment_count("a" * 69 + "😀") == 2  # the emoji is two UTF-16 units
    assert segment_count("ا" * 70) == 1
    assert segment_count("ا" * 71) == 2


def test_gsm_safe_swaps_typography_and_drops_emoji() -> None:
    text = gsm_safe("It\u2019s \u201cfine\u201d \u2014 see you at 3\u2026 👍🏽")
    assert text == 'It\'s "fine" - see you at 3... '
    assert is_gsm(text)


def test_gsm_safe_keeps_other_scripts() -> None:
    urdu = "مایا آج بیمار ہے"
    assert gsm_safe(urdu) == urdu


def test_fit_segments_cuts_the_text_and_keeps_the_choices() -> None:
    text = "Thank you for letting us know. " * 30
    fitted = fit_segments(text, 2, "\n1. Yes\n2. No")
    assert segment_count(fitted) <= 2
    assert fitted.endswith("\n1. Yes\n2. No")
    assert fitted.startswith("Thank you for letting us know.")


def test_render_sms_numbers_choices_within_budget() -> None:
    reply = Reply("Is Maya off today\u2019s session?", (Choice("y", "Yes"), Choice("n", "No")))
    assert render_sms(reply, 3) == "Is Maya off today's session?\n1. Yes\n2. No"


@given(st.text(max_size=2000), st.integers(min_value=1, max_value=5))
def test_fit_segments_never_exceeds_the_budget(text: str, budget: int) -> None:
    suffix = "\n1. Yes\n2. No"
    assert segment_count(fit_segments(text, budget, suffix)) <= budget


NOTE_UR = "ہماری ترجمے کی سروس اس وقت کام نہیں کر رہی، اس لیے یہ پیغام انگریزی میں ہے۔"
MESSAGE = (
    "Tomorrow the nursery opens at 9:30 because of the staff training morning. Breakfast club is "
    "cancelled, so please give your child breakfast at home. Collection times are unchanged."
)


def test_a_message_with_a_long_note_goes_in_numbered_parts_with_nothing_cut_away() -> None:
    parts = sms_parts(f"{MESSAGE}\n\n{NOTE_UR}", 3)
    assert [part[:6] for part in parts] == ["(1/2) ", "(2/2) "]
    assert parts[0] == f"(1/2) {MESSAGE}"  # the message whole, first, in cheap GSM-7
    assert parts[1] == f"(2/2) {NOTE_UR}"
    assert all(segment_count(render_sms(Reply(part), 3)) <= 3 for part in parts)


def test_a_text_that_fits_is_one_unnumbered_message() -> None:
    assert sms_parts("See you at 9:30.", 3) == ["See you at 9:30."]


@given(st.text(alphabet="abc .\n€ż", min_size=1, max_size=2000), st.integers(1, 4))
def test_sms_parts_each_fit_and_keep_every_word(text: str, budget: int) -> None:
    parts = sms_parts(text, budget, suffix="\n1. Show in English")
    assert all(segment_count(part) <= budget for part in parts)
    assert segment_count(parts[-1] + "\n1. Show in English") <= budget
    body = "".join(re.sub(r"^\(\d+/\d+\) ", "", part) for part in parts)
    assert "".join(body.split()) == "".join(text.split())  # every character kept, in order
