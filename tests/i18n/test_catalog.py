"""Every curated language has every English key, with the same placeholders, and no others."""

from __future__ import annotations

import string

import pytest

from bot.i18n.catalog import ENGLISH, Catalog

LANGUAGES = ("en", "pl", "ur", "pa", "bn", "so", "ar", "gu", "pt", "ro", "es")
OTHERS = LANGUAGES[1:]
CATALOG = Catalog.load()
ENGLISH_KEYS = set(CATALOG.messages[ENGLISH])


def test_all_eleven_languages_are_present() -> None:
    assert set(LANGUAGES) <= set(CATALOG.languages)


@pytest.mark.parametrize("language", OTHERS)
def test_every_english_key_is_translated(language: str) -> None:
    missing = ENGLISH_KEYS - set(CATALOG.messages[language])
    assert not missing, f"{language}.toml lacks {sorted(missing)}"


@pytest.mark.parametrize("language", OTHERS)
def test_no_extra_keys(language: str) -> None:
    extra = set(CATALOG.messages[language]) - ENGLISH_KEYS
    assert not extra, f"{language}.toml has keys en.toml lacks: {sorted(extra)}"


@pytest.mark.parametrize("language", OTHERS)
def test_placeholders_match_english(language: str) -> None:
    wrong = {
        key: sorted(CATALOG.placeholders(key, language))
        for key in ENGLISH_KEYS & set(CATALOG.messages[language])
        if CATALOG.placeholders(key, language) != CATALOG.placeholders(key, ENGLISH)
    }
    assert not wrong, f"{language}.toml placeholders differ from English: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_format_with_dummy_values(language: str) -> None:
    for key, template in CATALOG.messages[language].items():
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        text = template.format(**{name: f"<{name}>" for name in names})
        assert text.strip(), f"{language}:{key} is empty"


@pytest.mark.parametrize("language", OTHERS)
def test_not_left_in_english(language: str) -> None:
    """Sentences are really translated (names of languages and COVID-19 may match English)."""
    same = [
        key
        for key, text in CATALOG.messages[language].items()
        if text == CATALOG.messages[ENGLISH][key] and len(text.split()) > 2
    ]
    assert not same, f"{language}.toml still has English text for {same}"


@pytest.mark.parametrize("language", OTHERS)
def test_language_names_in_own_language(language: str) -> None:
    own = CATALOG.text(f"language.name.{language}", language)
    assert own != CATALOG.text(f"language.name.{language}", ENGLISH)
