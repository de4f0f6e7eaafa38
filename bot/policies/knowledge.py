"""What the bot knows about the setting: its policy passages (indexed once) and its public facts."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import PolicyDocument, PolicySynonym, Setting
from bot.flows.turn import PolicyConsult, PolicyHit, PolicySection
from bot.policies.answer import PolicyAnswer
from bot.policies.facts import SettingFacts, answer_setting_fact
from bot.policies.index import PolicyIndex
from bot.policies.matches import IndexedPassage, load_passages
from bot.policies.terms import lexicon_with

QUOTE_CHARS = 600


class Knowledge:
    """One policy index per setting, rebuilt only when the setting's documents change. Builds
    take seconds (sentence embeddings), so they happen at start-up (`warm`) or in the
    background, never while a turn holds the database: only a setting's very first build, if
    a question beats the warm-up, is waited for.

    The build threads are not daemons: a process told to stop mid-build (SIGTERM) finishes the
    build before it exits, because the model runtime's native thread pool aborts the whole
    process ("terminate called without an active exception") if the interpreter tears down
    under it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the cache
        self._build_lock = threading.Lock()  # one build at a time
        self._indexes: dict[int, tuple[Fingerprint, PolicyIndex]] = {}

    def index(self, session: Session, setting_id: int) -> PolicyIndex:
        """The setting's index. After a re-import the old one keeps answering while the new one
        builds in the background; only the very first build is waited for."""
        fingerprint = _fingerprint(session, setting_id)
        with self._lock:
            cached = self._indexes.get(setting_id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        passages = load_passages(session, setting_id), setting_synonyms(session, setting_id)
        if cached is None:
            return self._build(setting_id, fingerprint, passages)
        threading.Thread(
            target=self._build,
            args=(setting_id, fingerprint, passages),
            name="policy-index-rebuild",
            daemon=False,  # see the class docstring
        ).start()
        return cached[1]

    def ready(self, setting_id: int) -> bool:
        """Whether the setting's index is built (questions answer without waiting for a build)."""
        with self._lock:
            return setting_id in self._indexes

    def warm(self, sessions: sessionmaker[Session], setting_id: int) -> threading.Thread:
        """Build the setting's index in the background, so the first question does not wait."""

        def build() -> None:
            with sessions() as session:  # a short read; the build runs after it closes
                fingerprint = _fingerprint(session, setting_id)
                passages = load_passages(session, setting_id), setting_synonyms(session, setting_id)
            self._build(setting_id, fingerprint, passages)

        thread = threading.Thread(target=build, name="policy-index-warm-up", daemon=False)
        thread.start()
        return thread

    def _build(self, setting_id: int, fingerprint: Fingerprint, read: Read) -> PolicyIndex:
        """Index the passages with the setting's own synonyms (`read`, both read beforehand)."""
        with self._build_lock:
            with self._lock:
                cached = self._indexes.get(setting_id)
            if cached is not None and cached[0] == fingerprint:
                return cached[1]
            passages, synonyms = read
            index = PolicyIndex.build(passages, lexicon_with(synonyms))
            with self._lock:
                self._indexes[setting_id] = (fingerprint, index)
            return index

    def policy_consultant(
        self,
        session: Session,
        setting: Setting,
        to_english: Callable[[str], str | None] | None = None,
    ) -> Callable[[str], PolicyConsult]:
        """A function consulting the setting's policies about a question: a passage to quote,
        sections to ask back about, or neither (bot/policies/askback.py). With `to_english`
        (bot/i18n/services.py), a question in another language is searched in its English
        translation when one can be made, else as written."""

        def consult(question: str) -> PolicyConsult:
            searched = (to_english(question) if to_english else None) or question
            found = self.index(session, setting.id).consult(searched, max_chars=QUOTE_CHARS)
            sections = tuple(PolicySection(c.label, c.passage_id) for c in found.choices)
            return PolicyConsult(_hit(found.answer), sections, searched)

        return consult

    def policy_quoter(
        self, session: Session, setting: Setting
    ) -> Callable[[str, int], PolicyHit | None]:
        """A function quoting one passage for a question as it was searched (a section chosen
        when asked back, or the English of a translated answer); None when it is no longer one
        of the question's candidates (the policies were re-imported)."""
        return lambda searched, passage_id: _hit(
            self.index(session, setting.id).answer_from(searched, passage_id, QUOTE_CHARS)
        )

    @staticmethod
    def fact_answerer(setting: Setting) -> Callable[[str], str | None]:
        """A function answering opening hours, phone, address, email and manager questions."""
        facts = SettingFacts(
            name=setting.name,
            address=setting.address,
            phone=setting.phone,
            email=setting.email,
            manager=setting.manager_name,
            opening_hours=dict(setting.opening_hours),
            closed_dates=tuple(sorted(setting.closed_days)),
        )
        return lambda question: answer_setting_fact(question, facts)


Fingerprint = tuple[object, ...]


Read = tuple[list[IndexedPassage], tuple[tuple[str, tuple[str, ...]], ...]]


def _hit(found: PolicyAnswer | None) -> PolicyHit | None:
    """A quote as the policy flow sees it."""
    if found is None:
        return None
    return PolicyHit(found.quote, found.document, found.section, found.source, found.passage_id)


def _fingerprint(session: Session, setting_id: int) -> Fingerprint:
    """Changes whenever a document of the setting is added, replaced or removed, or a synonym
    of its own is added or changed."""
    documents = session.execute(
        select(
            func.count(PolicyDocument.id),
            func.max(PolicyDocument.imported_at),
            func.max(PolicyDocument.id),
        ).where(PolicyDocument.setting_id == setting_id)
    ).one()
    synonyms = session.execute(
        select(func.count(PolicySynonym.id), func.max(PolicySynonym.added_at)).where(
            PolicySynonym.setting_id == setting_id
        )
    ).one()
    return (*documents, *synonyms)


def setting_synonyms(session: Session, setting_id: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The setting's own synonyms, as Lexicon entries (parent words, policy phrases)."""
    rows = session.scalars(
        select(PolicySynonym)
        .where(PolicySynonym.setting_id == setting_id)
        .order_by(PolicySynonym.id)
    )
    return tuple((row.parent_words, tuple(str(p) for p in row.policy_words)) for row in rows)
