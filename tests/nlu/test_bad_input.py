"""Bad input never crashes the understanding step, never yields children or dates, never hangs."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import SUPPORTED_LANGUAGES, detect_language, warm_up
from bot.types import Intent
from tests.nlu.helpers import PATEL, read

# A hang guard against catastrophic regex backtracking, not a speed figure (bench/nlu.py
# measures speed: about 1 ms a message); loose enough for a loaded two-core machine.
HANG_GUARD_S = 5.0
_EMOJI = st.sampled_from("😂👍🤢💩❤️🙏😊🎉👶🏽🤒")
_CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
_MIXED = st.sampled_from(
    ["Maya", "jutro", "کل", "ਅੱਜ", "আজ", "غدا", "берри", "明天", "🙂", "<b>", "&amp;"]
)


def _assert_nothing_recorded(text: str) -> None:
    started = time.perf_counter()
    got = read(text, PATEL)
    assert time.perf_counter() - started < HANG_GUARD_S
    assert got.language in SUPPORTED_LANGUAGES
    assert 0.0 <= got.confidence <= 1.0


def test_empty_text_is_other_with_low_confidence() -> None:
    for text in ("", "   ", "\n\t"):
        got = read(text, PATEL)
        assert (got.intent, got.children, got.dates) == (Intent.OTHER, (), None)
        assert got.confidence <= 0.2


@given(st.lists(_EMOJI, min_size=1, max_size=30).map("".join))
def test_emoji_only_is_other_with_nothing_recorded(text: str) -> None:
    got = read(text, PATEL)
    assert (got.intent, got.children, got.dates) == (Intent.OTHER, (), None)
    assert got.confidence <= 0.2


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    warm_up()  # timing assertions are about messages, not the one-off start-up


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=20, max_size=200).map(lambda chunk: (chunk * 500)[:10_000]))
def test_ten_thousand_characters_return_quickly(text: str) -> None:
    _assert_nothing_recorded(text)


def test_ten_thousand_letters_of_noise_record_nothing() -> None:
    got = read("asdf qwer zxcv " * 700, PATEL)
    assert got.children == () and got.dates is None and got.confidence < 0.5


@given(st.lists(_MIXED, min_size=1, max_size=40).map(" ".join))
def test_mixed_scripts_never_raise(text: str) -> None:
    _assert_nothing_recorded(text)


@given(st.lists(_CONTROL, min_size=1, max_size=200).map("".join))
def test_control_characters_are_other(text: str) -> None:
    got = read(text, PATEL)
    assert (got.intent, got.children, got.dates) == (Intent.OTHER, (), None)


@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    _assert_nothing_recorded(text)
    assert detect_language(text) in SUPPORTED_LANGUAGES


def test_html_markup_is_ignored() -> None:
    got = read("<script>alert('x')</script><div><br/></div>", PATEL)
    assert got.children == () and got.dates is None
    assert got.intent in (Intent.OTHER, Intent.HELP) and got.confidence < 0.6
    tagged = read("<p>Maya won't be in <b>today</b></p>", PATEL)
    assert tagged.intent is Intent.ABSENCE and tagged.children == (5,)
