"""A persistent translation cache in the translation_cache table.

Keyed by backend, source, target and the SHA-256 of the text, so the same text is sent to the
provider once. Put it inside `translate_protected`: the cached text is then the masked text,
with no names or numbers in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import TranslationCacheEntry
from bot.db.session import insert_unless_present, transaction
from bot.i18n.translator import Translator


def text_hash(text: str) -> str:
    """The cache key's text part: hex SHA-256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedTranslator:
    """Answers from the cache when it can; asks `inner` and remembers the answer otherwise.

    Given a session, it works inside the caller's transaction (a savepoint per new entry);
    given a session factory, it uses its own short transactions.
    """

    def __init__(
        self,
        inner: Translator,
        sessions_or_session: sessionmaker[Session] | Session,
        backend_name: str,
    ) -> None:
        self.inner = inner
        self.name = backend_name
        self._sessions = sessions_or_session

    def translate(self, text: str, source: str, target: str) -> str:
        """The cached translation, else the inner one (failures are not cached)."""
        if not text.strip():
            return text
        key = (self.name, source, target, text_hash(text))
        with self._session() as session:
            cached: str | None = session.scalar(_lookup(*key))
        if cached is not None:
            return cached
        translated = self.inner.translate(text, source, target)
        with self._session() as session:
            _store(session, key, translated)
        return translated

    @contextmanager
    def _session(self) -> Iterator[Session]:
        if isinstance(self._sessions, Session):
            yield self._sessions
        else:
            with transaction(self._sessions) as session:
                yield session


def _lookup(backend: str, source: str, target: str, digest: str) -> Select[Any]:
    return select(TranslationCacheEntry.translated).where(
        TranslationCacheEntry.backend == backend,
        TranslationCacheEntry.source_lang == source,
        TranslationCacheEntry.target_lang == target,
        TranslationCacheEntry.text_sha256 == digest,
    )


def _store(session: Session, key: tuple[str, str, str, str], translated: str) -> None:
    backend, source, target, digest = key
    insert_unless_present(  # another worker may have cached the same text first: as good
        session,
        TranslationCacheEntry,
        backend=backend,
        source_lang=source,
        target_lang=target,
        text_sha256=digest,
        translated=translated,
    )
