"""Machine translation behind the project's own interface, over deep-translator backends.

deep-translator is unmaintained and its HTTP calls have no timeout, so every call runs in a
daemon thread with a deadline, and any failure becomes `TranslationUnavailable`. Nothing is sent
anywhere unless TRANSLATOR names a provider: the default is "none".
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Protocol

from deep_translator import DeeplTranslator, GoogleTranslator, LibreTranslator, MicrosoftTranslator

BACKENDS = ("google", "deepl", "microsoft", "libre", "none")
DEFAULT_TIMEOUT_SECONDS = 5.0
LIBRE_DUMMY_KEY = "parentbot"  # deep-translator refuses LibreTranslate without some api_key


class TranslationUnavailable(Exception):
    """No translation could be made: not configured, provider down, too slow, or bad output."""


class TranslatorNotConfigured(TranslationUnavailable):
    """No translator is configured at all (TRANSLATOR unset or none): not a passing outage."""


class Translator(Protocol):
    """Translates plain text between ISO 639-1 language codes."""

    def translate(self, text: str, source: str, target: str) -> str:
        """The translation, or raise `TranslationUnavailable`."""
        ...


@dataclass(frozen=True)
class TranslatorConfig:
    """Which provider to use and how to reach it (read from the environment)."""

    backend: str = "none"
    api_key: str = ""
    url: str = ""
    region: str = ""
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


def make_client(config: TranslatorConfig, source: str, target: str) -> Any:
    """A deep-translator object for one language pair. Makes no request, except Microsoft's."""
    if config.backend == "google":
        client: Any = GoogleTranslator()
    elif config.backend == "deepl":
        # DeepL's free-plan keys end in ":fx" and use a different host.
        free = config.api_key.endswith(":fx")
        client = DeeplTranslator(
            source="en", target="de", api_key=config.api_key, use_free_api=free
        )
    elif config.backend == "microsoft":
        # Microsoft's constructor fetches its language list over the network.
        client = MicrosoftTranslator(api_key=config.api_key, region=config.region or None)
    elif config.backend == "libre":
        url = config.url if config.url.endswith("/") else config.url + "/"
        client = LibreTranslator(api_key=config.api_key or LIBRE_DUMMY_KEY, custom_url=url)
    else:
        raise TranslationUnavailable(f"no translation backend {config.backend!r}")
    # Set the codes directly: the library's built-in language lists are out of date, so the
    # provider decides what it supports (an unsupported pair fails as TranslationUnavailable).
    client.source, client.target = source, target
    return client


class DeepTranslatorBackend:
    """One deep-translator provider; clients are built once per language pair."""

    def __init__(self, config: TranslatorConfig, factory: Callable[..., Any] = make_client) -> None:
        self.config = config
        self.name = config.backend
        self._factory = factory
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def translate(self, text: str, source: str, target: str) -> str:
        """Call the provider; every library error becomes `TranslationUnavailable`."""
        if not text.strip():
            return text
        try:
            result = self._client(source, target).translate(text)
        except TranslationUnavailable:
            raise
        except Exception as error:  # the library raises many unrelated types, and bare bugs
            raise TranslationUnavailable(f"{self.name}: {type(error).__name__}: {error}") from error
        if not isinstance(result, str) or not result.strip():
            raise TranslationUnavailable(f"{self.name}: empty translation")
        return result

    def _client(self, source: str, target: str) -> Any:
        with self._lock:
            client = self._clients.get((source, target))
        if client is None:
            client = self._factory(self.config, source, target)
            with self._lock:
                self._clients[(source, target)] = client
        return client


class TimedTranslator:
    """Runs each call with a deadline; after a failure, fails fast for `cooldown_seconds`.

    The cool-down keeps a broadcast in many languages from waiting one timeout per language
    while the provider is down.
    """

    def __init__(
        self,
        inner: Translator,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.name = str(getattr(inner, "name", type(inner).__name__))
        self.timeout_seconds = timeout_seconds
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._down_until = 0.0

    def translate(self, text: str, source: str, target: str) -> str:
        """The inner translation, or `TranslationUnavailable` by the deadline."""
        if self._clock() < self._down_until:
            raise TranslationUnavailable(f"{self.name}: cooling down after a failure")
        future: Future[str] = Future()
        # A daemon thread, not a pool: a request that never returns must not block shutdown.
        worker = threading.Thread(
            target=_run_into, args=(future, self.inner, text, source, target), daemon=True
        )
        worker.start()
        try:
            return future.result(timeout=self.timeout_seconds)
        except FutureTimeout as error:
            self._down_until = self._clock() + self.cooldown_seconds
            raise TranslationUnavailable(
                f"{self.name}: no answer within {self.timeout_seconds:g} s"
            ) from error
        except TranslationUnavailable:
            self._down_until = self._clock() + self.cooldown_seconds
            raise


def _run_into(future: Future[str], inner: Translator, text: str, source: str, target: str) -> None:
    try:
        future.set_result(inner.translate(text, source, target))
    except TranslationUnavailable as error:
        future.set_exception(error)
    except Exception as error:  # a bug in a backend must still end as "unavailable"
        future.set_exception(TranslationUnavailable(f"{type(error).__name__}: {error}"))


class NoTranslator:
    """The translator when none is configured: every call is unavailable, nothing leaves."""

    name = "none"

    def translate(self, text: str, source: str, target: str) -> str:
        """Always raises `TranslationUnavailable`."""
        raise TranslatorNotConfigured("no translator configured (TRANSLATOR is unset or none)")


def config_from_env(env: Mapping[str, str] | None = None) -> TranslatorConfig:
    """Read TRANSLATOR and TRANSLATOR_* settings; raise ValueError when they are unusable."""
    env = os.environ if env is None else env
    backend = env.get("TRANSLATOR", "").strip().lower() or "none"
    if backend not in BACKENDS:
        raise ValueError(f"TRANSLATOR must be one of {', '.join(BACKENDS)}, not {backend!r}")
    config = TranslatorConfig(
        backend=backend,
        api_key=env.get("TRANSLATOR_API_KEY", "").strip(),
        url=env.get("TRANSLATOR_URL", "").strip(),
        region=env.get("TRANSLATOR_REGION", "").strip(),
        timeout_seconds=_timeout(env.get("TRANSLATOR_TIMEOUT_SECONDS", "")),
    )
    if backend in ("deepl", "microsoft") and not config.api_key:
        raise ValueError(f"TRANSLATOR={backend} needs TRANSLATOR_API_KEY")
    if backend == "libre" and not config.url:
        raise ValueError("TRANSLATOR=libre needs TRANSLATOR_URL (your LibreTranslate server)")
    return config


def _timeout(raw: str) -> float:
    if not raw.strip():
        return DEFAULT_TIMEOUT_SECONDS
    value = float(raw)
    if value <= 0:
        raise ValueError("TRANSLATOR_TIMEOUT_SECONDS must be positive")
    return value


def translator_from_env(env: Mapping[str, str] | None = None) -> TimedTranslator | NoTranslator:
    """The configured translator with its deadline, or `NoTranslator` when TRANSLATOR is unset."""
    config = config_from_env(env)
    if config.backend == "none":
        return NoTranslator()
    return TimedTranslator(DeepTranslatorBackend(config), config.timeout_seconds)
