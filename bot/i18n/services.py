"""The translator as one turn uses it: staff see parents' words in English, parents see answers in
their language. Every call protects names and numbers, and a failure never stops a message."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import transaction
from bot.i18n.cache import CachedTranslator
from bot.i18n.catalog import ENGLISH
from bot.i18n.names import setting_names
from bot.i18n.protect import translate_protected
from bot.i18n.staff_view import english_for_staff, format_parent_words
from bot.i18n.translator import (
    NoTranslator,
    TranslationUnavailable,
    Translator,
    config_from_env,
    translator_from_env,
)


def configured_translator(sessions: sessionmaker[Session]) -> Translator:
    """The translator TRANSLATOR names, behind the persistent cache; NoTranslator when unset."""
    inner = translator_from_env()
    if isinstance(inner, NoTranslator):
        return inner
    return CachedTranslator(inner, sessions, config_from_env().backend)


class LanguageServices:
    """Translation for one setting, with its protected names loaded once per roster import."""

    def __init__(
        self, translator: Translator, sessions: sessionmaker[Session], setting_id: int
    ) -> None:
        self.translator = translator
        self.sessions = sessions
        self.setting_id = setting_id
        self._names: frozenset[str] | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """Whether a translator is configured at all."""
        return not isinstance(self.translator, NoTranslator)

    def names(self) -> frozenset[str]:
        """Names of children, people and rooms, never sent to a provider."""
        with self._lock:
            if self._names is None:
                with transaction(self.sessions) as session:
                    self._names = frozenset(setting_names(session, self.setting_id))
            return self._names

    def forget_names(self) -> None:
        """Reload names after a roster import."""
        with self._lock:
            self._names = None

    def english(self, text: str, language: str) -> str | None:
        """A parent's words in English (machine translated), or None if English or unavailable."""
        if not self.available:
            return None
        return english_for_staff(text, language, self.translator, self.names())

    def staff_quote(self, language: str) -> Callable[[str], str]:
        """How staff see a parent's words from this turn: original plus marked English."""
        return lambda text: format_parent_words(text, language, self.english(text, language))

    def to_parent(self, target: str) -> Callable[[str], str | None]:
        """English text (a policy quote) in the parent's language, or None when unavailable."""

        def translate(text: str) -> str | None:
            if target == ENGLISH or not self.available:
                return None
            try:
                return translate_protected(self.translator, text, ENGLISH, target, self.names())
            except TranslationUnavailable:
                return None

        return translate
