"""The translator as one turn uses it: staff see parents' words in English, parents see answers in
their language. Every call protects names and numbers, and a failure never stops a message.
Parents' own words are never kept in the translation cache: they are messages, deleted with
the message log (bot.privacy); only the setting's texts (quotes, replies, broadcasts) are.

Everything here works inside the turn's own session (SQLite allows one writer at a time), except
the English of a parent's message, made before the turn (`Translation.english_ahead`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

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


@dataclass(frozen=True)
class Translation:
    """The configured translator and the name its cache entries are kept under."""

    translator: Translator
    backend: str | None = None  # None: not cached (tests, or no translator)

    @classmethod
    def from_env(cls) -> Translation:
        """TRANSLATOR and TRANSLATOR_* (see README); nothing leaves the machine when unset."""
        inner = translator_from_env()
        if isinstance(inner, NoTranslator):
            return cls(inner)
        return cls(inner, config_from_env().backend)

    @property
    def available(self) -> bool:
        return not isinstance(self.translator, NoTranslator)

    def for_turn(
        self, session: Session, setting_id: int, ahead: EnglishAhead | None = None
    ) -> TurnLanguages:
        """Translation bound to this turn's session: the cache shares its transaction.

        `ahead` holds English already made for this message before the turn began."""
        translator = self._cached(session)
        return TurnLanguages(
            translator, session, setting_id, self.available, dict(ahead or {}), self.translator
        )

    def english_ahead(self, text: str, language: str, names: frozenset[str]) -> EnglishAhead:
        """A parent's message in English, made before their turn takes the database.

        The provider may take seconds; made here, it holds up only this message, not every other
        turn waiting for the database (SQLite has one writer) or for this conversation. `names`
        are the setting's (`setting_names`), read by the caller before this call."""
        if language == ENGLISH or not self.available:
            return {}
        english = english_for_staff(text, language, self.translator, names)
        return {(text, language): english}

    def _cached(self, sessions: sessionmaker[Session] | Session) -> Translator:
        """The translator behind the translation cache (its own short transactions, or the
        caller's session), when entries are kept."""
        if self.backend is None:
            return self.translator
        return CachedTranslator(self.translator, sessions, self.backend)


EnglishAhead = dict[tuple[str, str], str | None]  # (text, language) -> English, None if none


@dataclass
class TurnLanguages:
    """Translation for one turn, with the setting's protected names loaded at most once."""

    translator: Translator
    session: Session
    setting_id: int
    available: bool
    ahead: EnglishAhead = field(default_factory=dict)
    uncached: Translator | None = None  # for parents' words (never cached); else `translator`
    _names: frozenset[str] | None = field(default=None, init=False)

    def names(self) -> frozenset[str]:
        """Names of children, people and rooms: never sent to a provider."""
        if self._names is None:
            self._names = frozenset(setting_names(self.session, self.setting_id))
        return self._names

    def english(self, text: str, language: str) -> str | None:
        """A parent's words in English (machine translated), or None if English or unavailable."""
        if not self.available:
            return None
        if (text, language) not in self.ahead:
            self.ahead[text, language] = english_for_staff(
                text, language, self.uncached or self.translator, self.names()
            )
        return self.ahead[text, language]

    def to_english(self, language: str) -> Callable[[str], str | None]:
        """A parent's question in English, for searching the policies (which are in English);
        None when they wrote in English or no translation can be made (the English made before
        the turn is used when there is one: no second request)."""
        return lambda text: self.english(text, language)

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
