"""Names, numbers, emails and addresses never reach the provider, and come back intact."""

from __future__ import annotations

import pytest
from fake_translator import FakeTranslator

from bot.i18n.protect import name_variants, protect, translate_protected
from bot.i18n.translator import TranslationUnavailable

NAMES = name_variants(["Maya Khan", "Sarah Jones", None, ""]) | {"Caterpillars", "Little Acorns"}
TEXT = (
    "Hi, this is Little Acorns. Maya khan's key person Sarah Jones (Caterpillars room) asks you "
    "to call 07700 900123 or +44 (0)1632 960000 before 3pm on 23/11/2026, or email "
    "office@acorns.example, or see https://acorns.example/news. Sarah says 47 children came."
)
SECRETS = [
    "Maya",
    "khan",
    "Sarah",
    "Jones",
    "Caterpillars",
    "Acorns",
    "07700",
    "960000",
    "3pm",
    "23/11/2026",
    "office@",
    "https://",
    "47",
]


def test_round_trip_through_the_fake_restores_everything(fake: FakeTranslator) -> None:
    result = translate_protected(fake, TEXT, "en", "pl", NAMES)
    assert result == "[pl] " + TEXT
    for secret in SECRETS:
        assert secret not in fake.sent_text, secret


def test_terms_are_restored_as_the_curated_translation(fake: FakeTranslator) -> None:
    result = translate_protected(
        fake, "Your Key Person will call.", "en", "pl", [], {"key person": "osoba kluczowa"}
    )
    assert result == "[pl] Your osoba kluczowa will call."
    assert "Key" not in fake.sent_text


def test_the_same_name_gets_the_same_token() -> None:
    masked, _ = protect("Maya and Maya's sister", ["Maya"])
    assert masked == "⟦1⟧ and ⟦1⟧'s sister"


def test_longer_names_win_and_words_inside_other_words_are_left() -> None:
    masked, _ = protect("Mayan art with Maya Khan", ["Maya", "Maya Khan"])
    assert masked == "Mayan art with ⟦1⟧"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s.replace("⟦1⟧", "⟦ 1 ⟧"),  # spaces added inside
        lambda s: s.replace("⟦1⟧", "⟦١⟧"),  # Arabic-Indic digit
        lambda s: s.replace("⟦1⟧", "⟦১⟧"),  # Bengali digit
        lambda s: s.replace("⟦1⟧", "[[1]]"),  # brackets normalised
        lambda s: s.replace("⟦1⟧", "⟧1⟦"),  # mirrored in right-to-left text
        lambda s: "X " + s.replace("⟦2⟧", " ⟦2⟧ "),  # spacing around
    ],
)
def test_restore_tolerates_what_engines_do_to_tokens(mangle) -> None:  # type: ignore[no-untyped-def]
    masked, restore = protect("Maya calls 07700 900123", ["Maya"])
    assert masked == "⟦1⟧ calls ⟦2⟧"
    restored = restore(mangle(masked))
    assert "Maya" in restored and "07700 900123" in restored


def test_a_lost_or_invented_token_is_a_failed_translation() -> None:
    masked, restore = protect("Maya calls 07700 900123", ["Maya"])
    with pytest.raises(TranslationUnavailable):
        restore(masked.replace("⟦2⟧", ""))
    with pytest.raises(TranslationUnavailable):
        restore(masked + " ⟦7⟧")


def test_square_brackets_in_the_message_survive(fake: FakeTranslator) -> None:
    assert (
        translate_protected(fake, "See note [1] below", "en", "pl", []) == "[pl] See note [1] below"
    )


def test_text_without_anything_to_protect_is_unchanged() -> None:
    masked, restore = protect("The nursery is closed on Friday.", [])
    assert masked == "The nursery is closed on Friday."
    assert restore("Żłobek jest zamknięty w piątek.") == "Żłobek jest zamknięty w piątek."
