"""Staff see the parent's own words and a marked machine translation."""

from __future__ import annotations

from fake_translator import FakeTranslator

from bot.i18n.catalog import Catalog
from bot.i18n.staff_view import (
    NO_TRANSLATION_KEY,
    english_for_staff,
    format_parent_words,
)
from bot.i18n.translator import NoTranslator, Translator

WORDS = "Zofia jest chora, dzwoń 07700 900123"


def parent_words_for_staff(
    text: str, language: str, translator: Translator, names: list[str]
) -> str:
    """What a turn shows staff: the words, and the English when it could be made."""
    return format_parent_words(text, language, english_for_staff(text, language, translator, names))


def test_original_and_marked_translation(fake: FakeTranslator) -> None:
    text = parent_words_for_staff(WORDS, "pl", fake, ["Zofia"])
    assert text == (
        f'Their words (Polish): "{WORDS}"\nEnglish (machine translated): "[en] {WORDS}"'
    )
    assert "Zofia" not in fake.sent_text and "07700" not in fake.sent_text
    assert fake.calls[0][1:] == ("pl", "en")


def test_english_needs_no_translation(fake: FakeTranslator) -> None:
    assert parent_words_for_staff("Maya is off", "en", fake, []) == 'Their words: "Maya is off"'
    assert fake.calls == []


def test_translator_down_gives_the_original(fake: FakeTranslator) -> None:
    assert english_for_staff(WORDS, "pl", NoTranslator(), []) is None
    assert parent_words_for_staff(WORDS, "pl", NoTranslator(), []) == (
        f'Their words: "{WORDS}"\n(Polish: no machine translation was available; '
        "ask for an interpreter if needed.)"
    )


def test_note_when_the_staff_catalog_has_the_key() -> None:
    staff = Catalog(
        {
            "en": {
                "notify.their_words": 'Their words: "{text}"',
                NO_TRANSLATION_KEY: "({language}: no machine translation was available.)",
            }
        }
    )
    text = format_parent_words(WORDS, "pl", None, staff)
    assert text == f'Their words: "{WORDS}"\n(Polish: no machine translation was available.)'
