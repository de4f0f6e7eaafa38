"""The translation cache: the same text goes to the provider once, per backend and language."""

from __future__ import annotations

import pytest
from fake_translator import FakeTranslator
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Base, TranslationCacheEntry
from bot.i18n.cache import CachedTranslator, text_hash
from bot.i18n.translator import TranslationUnavailable


def test_a_repeated_text_makes_no_call(session: Session, fake: FakeTranslator) -> None:
    cached = CachedTranslator(fake, session, "fake")
    assert cached.translate("Hello", "en", "pl") == "[pl] Hello"
    assert cached.translate("Hello", "en", "pl") == "[pl] Hello"
    assert len(fake.calls) == 1
    entry = session.scalars(select(TranslationCacheEntry)).one()
    assert (entry.backend, entry.source_lang, entry.target_lang) == ("fake", "en", "pl")
    assert entry.text_sha256 == text_hash("Hello")


def test_languages_and_backends_are_kept_apart(session: Session, fake: FakeTranslator) -> None:
    CachedTranslator(fake, session, "fake").translate("Hello", "en", "pl")
    CachedTranslator(fake, session, "fake").translate("Hello", "en", "ur")
    CachedTranslator(fake, session, "other").translate("Hello", "en", "pl")
    assert len(fake.calls) == 3


def test_failures_are_not_cached(session: Session) -> None:
    broken = FakeTranslator(failing=True)
    cached = CachedTranslator(broken, session, "fake")
    with pytest.raises(TranslationUnavailable):
        cached.translate("Hello", "en", "pl")
    assert session.scalar(select(func.count(TranslationCacheEntry.id))) == 0
    broken.failing = False
    assert cached.translate("Hello", "en", "pl") == "[pl] Hello"


def test_a_session_factory_persists_across_instances(tmp_path, fake: FakeTranslator) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    CachedTranslator(fake, sessions, "fake").translate("Hello", "en", "pl")
    assert CachedTranslator(fake, sessions, "fake").translate("Hello", "en", "pl") == "[pl] Hello"
    assert len(fake.calls) == 1
    engine.dispose()


def test_a_concurrent_duplicate_entry_is_ignored(session: Session) -> None:
    class RacingTranslator(FakeTranslator):
        """Another worker caches the same text while this call is with the provider."""

        def translate(self, text: str, source: str, target: str) -> str:
            session.add(_entry(text, "theirs"))
            session.flush()
            return super().translate(text, source, target)

    cached = CachedTranslator(RacingTranslator(), session, "fake")
    assert cached.translate("Hi", "en", "pl") == "[pl] Hi"
    assert session.scalars(select(TranslationCacheEntry.translated)).all() == ["theirs"]
    assert cached.translate("Hi", "en", "pl") == "theirs"


def _entry(text: str, translated: str) -> TranslationCacheEntry:
    return TranslationCacheEntry(
        backend="fake",
        source_lang="en",
        target_lang="pl",
        text_sha256=text_hash(text),
        translated=translated,
    )
