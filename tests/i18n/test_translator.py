"""Backend selection from the environment, deadlines, cool-down and error wrapping."""

from __future__ import annotations

import time
from typing import Any

import pytest
from deep_translator import DeeplTranslator, GoogleTranslator, LibreTranslator, MicrosoftTranslator
from deep_translator.exceptions import TooManyRequests
from fake_translator import FakeTranslator

from bot.i18n.translator import (
    DeepTranslatorBackend,
    NoTranslator,
    TimedTranslator,
    TranslationUnavailable,
    TranslatorConfig,
    config_from_env,
    make_client,
    translator_from_env,
)


def test_unset_means_no_translator() -> None:
    translator = translator_from_env({})
    assert isinstance(translator, NoTranslator)
    with pytest.raises(TranslationUnavailable):
        translator.translate("Hello", "en", "pl")


def test_google_is_built_with_the_default_timeout() -> None:
    translator = translator_from_env({"TRANSLATOR": "google"})
    assert isinstance(translator, TimedTranslator)
    assert translator.name == "google"
    assert translator.timeout_seconds == 5.0
    client = make_client(config_from_env({"TRANSLATOR": "Google"}), "en", "pa")
    assert isinstance(client, GoogleTranslator)
    assert (client.source, client.target) == ("en", "pa")


def test_deepl_uses_the_free_host_for_free_keys() -> None:
    config = config_from_env({"TRANSLATOR": "deepl", "TRANSLATOR_API_KEY": "abc:fx"})
    client = make_client(config, "en", "pl")
    assert isinstance(client, DeeplTranslator)
    assert "api-free.deepl.com" in client._base_url
    assert client.api_key == "abc:fx"
    assert (client.source, client.target) == ("en", "pl")
    paid = make_client(TranslatorConfig("deepl", api_key="abc"), "en", "pl")
    assert "api-free" not in paid._base_url


def test_libre_gets_a_trailing_slash_and_a_dummy_key() -> None:
    env = {"TRANSLATOR": "libre", "TRANSLATOR_URL": "http://translate.local:5000"}
    client = make_client(config_from_env(env), "en", "ur")  # ur is not in the library's list
    assert isinstance(client, LibreTranslator)
    assert client._base_url == "http://translate.local:5000/"
    assert client.api_key
    assert (client.source, client.target) == ("en", "ur")


def test_microsoft_passes_key_and_region(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its constructor fetches the language list: replace that request.
    monkeypatch.setattr(
        MicrosoftTranslator, "_get_supported_languages", lambda self: {"english": "en"}
    )
    env = {"TRANSLATOR": "microsoft", "TRANSLATOR_API_KEY": "k", "TRANSLATOR_REGION": "uksouth"}
    client = make_client(config_from_env(env), "en", "bn")
    assert client.headers["Ocp-Apim-Subscription-Region"] == "uksouth"
    assert client.headers["Ocp-Apim-Subscription-Key"] == "k"
    assert (client.source, client.target) == ("en", "bn")


@pytest.mark.parametrize(
    "env",
    [
        {"TRANSLATOR": "yandex"},
        {"TRANSLATOR": "deepl"},
        {"TRANSLATOR": "microsoft"},
        {"TRANSLATOR": "libre"},
        {"TRANSLATOR": "google", "TRANSLATOR_TIMEOUT_SECONDS": "0"},
    ],
)
def test_unusable_configuration_fails_loudly(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        config_from_env(env)


def test_timeout_is_read() -> None:
    assert config_from_env({"TRANSLATOR_TIMEOUT_SECONDS": "1.5"}).timeout_seconds == 1.5


def test_a_slow_translator_is_cut_off_at_the_deadline() -> None:
    slow = FakeTranslator(delay_seconds=2.0)
    timed = TimedTranslator(slow, timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(TranslationUnavailable, match=r"within 0\.2 s"):
        timed.translate("Hello", "en", "pl")
    assert time.monotonic() - started < 1.0


def test_after_a_failure_it_fails_fast_until_the_cooldown_ends() -> None:
    now = [100.0]
    fake = FakeTranslator(failing=True)
    timed = TimedTranslator(fake, timeout_seconds=1, cooldown_seconds=30, clock=lambda: now[0])
    with pytest.raises(TranslationUnavailable):
        timed.translate("Hello", "en", "pl")
    with pytest.raises(TranslationUnavailable, match="cooling down"):
        timed.translate("Hello", "en", "ur")
    assert len(fake.calls) == 1
    fake.failing, now[0] = False, 131.0
    assert timed.translate("Hello", "en", "pl") == "[pl] Hello"


class _Client:
    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome

    def translate(self, text: str) -> Any:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


@pytest.mark.parametrize("outcome", [TooManyRequests(), AttributeError("None"), None, "  "])
def test_library_errors_and_empty_answers_become_unavailable(outcome: Any) -> None:
    backend = DeepTranslatorBackend(TranslatorConfig("google"), lambda *_: _Client(outcome))
    with pytest.raises(TranslationUnavailable):
        backend.translate("Hello", "en", "pl")


def test_clients_are_built_once_per_language_pair() -> None:
    built: list[tuple[str, str]] = []

    def factory(config: TranslatorConfig, source: str, target: str) -> _Client:
        built.append((source, target))
        return _Client(f"<{target}>")

    backend = DeepTranslatorBackend(TranslatorConfig("google"), factory)
    assert backend.translate("Hi", "en", "pl") == "<pl>"
    backend.translate("Bye", "en", "pl")
    backend.translate("Hi", "en", "so")
    assert built == [("en", "pl"), ("en", "so")]
