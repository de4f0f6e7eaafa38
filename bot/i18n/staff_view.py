"""What staff see of a parent's message: their own words, and a marked machine translation."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n.catalog import ENGLISH, Catalog
from bot.i18n.names import parent_catalog, staff_catalog
from bot.i18n.protect import translate_protected
from bot.i18n.translator import TranslationUnavailable, Translator

NO_TRANSLATION_KEY = "notify.translation_unavailable"


def english_for_staff(
    text: str, language: str, translator: Translator, names: Iterable[str]
) -> str | None:
    """The English machine translation of a parent's words (names and numbers protected),
    or None when they wrote in English or no translation could be made."""
    if language == ENGLISH or not text.strip():
        return None
    try:
        return translate_protected(translator, text, language, ENGLISH, names)
    except TranslationUnavailable:
        return None


def format_parent_words(
    text: str,
    language: str,
    english: str | None,
    staff: Catalog | None = None,
    messages: Catalog | None = None,
) -> str:
    """The staff-facing block: original and marked translation, or the original alone with a
    note when a translation was wanted but none was available."""
    staff = staff or staff_catalog()
    if english is not None:
        name = language_name(language, messages or parent_catalog())
        key = "notify.their_words_translated"
        return staff.text(key, ENGLISH, language=name, text=text, english=english)
    words = staff.text("notify.their_words", ENGLISH, text=text)
    if language == ENGLISH or not staff.has(NO_TRANSLATION_KEY, ENGLISH):
        return words
    name = language_name(language, messages or parent_catalog())
    return f"{words}\n{staff.text(NO_TRANSLATION_KEY, ENGLISH, language=name)}"


def language_name(code: str, messages: Catalog) -> str:
    """The English name of a language ("Polish"), or its code when the catalog has none."""
    key = f"language.name.{code}"
    return messages.text(key, ENGLISH) if messages.has(key, ENGLISH) else code
