"""Staff -> parents: one message to many guardians, each in their own language.

The text is machine translated once per language (names and numbers protected, see
bot.i18n.protect). When translation fails, the guardian still gets the English original, with a
short curated note in their language when the catalog has one, and the report counts them so
staff can follow up. Every outbox row is written in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Guardian
from bot.i18n.catalog import ENGLISH, Catalog
from bot.i18n.names import parent_catalog, setting_names, setting_terms
from bot.i18n.protect import translate_protected
from bot.i18n.translator import TranslationUnavailable, Translator
from bot.outbox import enqueue
from bot.types import Reply

UNTRANSLATED_NOTE_KEY = "broadcast.untranslated"

ChannelFor = Callable[[Guardian], tuple[str, str] | None]


@dataclass
class BroadcastReport:
    """What a broadcast did, for the staff member who sent it."""

    queued: int = 0
    by_language: Counter[str] = field(default_factory=Counter)  # guardians per language
    translated_languages: list[str] = field(default_factory=list)
    untranslated_languages: list[str] = field(default_factory=list)  # got English instead
    untranslated_guardian_ids: list[int] = field(default_factory=list)
    unreachable_guardian_ids: list[int] = field(default_factory=list)  # no channel: call them
    unknown_guardian_ids: list[int] = field(default_factory=list)  # not in this setting
    english_original: str = ""  # kept for parents who ask for it

    @property
    def untranslated(self) -> int:
        """How many guardians received English because no translation was available."""
        return len(self.untranslated_guardian_ids)


def broadcast(
    session: Session,
    setting_id: int,
    english_text: str,
    guardian_ids: Iterable[int] | None,
    translator: Translator,
    channel_for: ChannelFor,
    kind: str = "broadcast",
    catalog: Catalog | None = None,
) -> BroadcastReport:
    """Queue `english_text` for each guardian (all of the setting's when `guardian_ids` is None)
    in their preferred language, translating once per language."""
    catalog = catalog or parent_catalog()
    report = BroadcastReport(english_original=english_text)
    guardians = _guardians(session, setting_id, guardian_ids, report)
    languages = sorted({guardian.language or ENGLISH for guardian in guardians})
    names = setting_names(session, setting_id) if len(languages) > 1 else set()
    texts = {
        language: _text_for(english_text, language, translator, names, catalog, report)
        for language in languages
    }
    for guardian in guardians:
        language = guardian.language or ENGLISH
        report.by_language[language] += 1
        if language in report.untranslated_languages:
            report.untranslated_guardian_ids.append(guardian.id)
        address = channel_for(guardian)
        if address is None:
            report.unreachable_guardian_ids.append(guardian.id)
            continue
        channel, recipient = address
        enqueue(
            session, channel, recipient, Reply(texts[language]), kind=kind, guardian_id=guardian.id
        )
        report.queued += 1
    return report


def _guardians(
    session: Session, setting_id: int, ids: Iterable[int] | None, report: BroadcastReport
) -> list[Guardian]:
    query = select(Guardian).where(Guardian.setting_id == setting_id).order_by(Guardian.id)
    if ids is None:
        return list(session.scalars(query))
    wanted = list(dict.fromkeys(ids))
    found = list(session.scalars(query.where(Guardian.id.in_(wanted))))
    known = {guardian.id for guardian in found}
    report.unknown_guardian_ids.extend(gid for gid in wanted if gid not in known)
    return found


def _text_for(
    english_text: str,
    language: str,
    translator: Translator,
    names: set[str],
    catalog: Catalog,
    report: BroadcastReport,
) -> str:
    """The message in `language`: translated, or English with the curated note on failure."""
    if language == ENGLISH:
        return english_text
    terms = setting_terms(catalog, language)
    try:
        translated = translate_protected(translator, english_text, ENGLISH, language, names, terms)
    except TranslationUnavailable:
        report.untranslated_languages.append(language)
        return _with_note(english_text, language, catalog)
    report.translated_languages.append(language)
    return translated


def _with_note(english_text: str, language: str, catalog: Catalog) -> str:
    if not catalog.has(UNTRANSLATED_NOTE_KEY, ENGLISH):
        return english_text
    return f"{catalog.text(UNTRANSLATED_NOTE_KEY, language)}\n\n{english_text}"
