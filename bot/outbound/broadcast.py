"""Staff -> parents: one message to many guardians, each in their own language.

The text is machine translated once per language (names and numbers protected, see
bot.i18n.protect). When translation fails, the guardian still gets the English original, followed
by a short curated note in their language when the catalog has one (one for "no translator is
configured", one for "translation is unavailable right now"), and the report counts them so
staff can follow up. A translated message keeps its English original and offers it (see
bot.outbound.originals). Every outbox row is written in the caller's transaction.
`in_language` is the one-recipient form, used for staff replies too.

Each guardian is reached on the best channel that can carry it now (bot.outbound.outbox); those no
channel reaches get an "undeliverable" row and are named in the report. On SMS a message over the
segment budget goes as numbered parts; one that would need more than MAX_SMS_PARTS messages in
any language is refused before anything is queued (`TooLongForSms`, with what to cut).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import audit
from bot.db.models import Guardian
from bot.i18n.catalog import ENGLISH, Catalog
from bot.i18n.names import parent_catalog, setting_names, setting_terms
from bot.i18n.protect import translate_protected
from bot.i18n.staff_view import language_name
from bot.i18n.translator import TranslationUnavailable, Translator, TranslatorNotConfigured
from bot.outbound.audience import rooms_guardian_ids
from bot.outbound.originals import SHOW_KEY, keep_original
from bot.outbound.outbox import (
    EVERY_CHANNEL,
    Address,
    Reach,
    enqueue_to,
    guardian_addresses,
    told,
)
from bot.outbound.render import numbered
from bot.outbound.sms_text import sms_overflow, sms_parts
from bot.types import Choice, Reply

UNTRANSLATED_NOTE_KEY = "broadcast.untranslated"  # a translator is configured but failed
NO_TRANSLATOR_NOTE_KEY = "broadcast.no_translator"  # none is configured
MAX_SMS_PARTS = 3  # a broadcast needing more SMS messages than this (each within budget) is refused

Say = Callable[..., str]  # staff text by key (English), e.g. the staff catalog's
Made = Mapping[str, tuple[str, bool]]  # language: (text, machine translated), a preview's
Offer = Callable[[Guardian, str], tuple[Choice, ...]]  # a family's choices, in their language


class BroadcastRefused(ValueError):
    """A broadcast not sent to anyone; the message says what the member of staff can change."""


class TooLongForSms(ValueError):
    """A broadcast that would take too many SMS messages in one language; nothing was queued."""

    def __init__(self, language: str, parts: int, over: int) -> None:
        self.language, self.parts, self.over = language, parts, over
        super().__init__(
            f"too long for SMS in {language}: {parts} messages, at most {MAX_SMS_PARTS}"
        )


@dataclass
class BroadcastReport:
    """What a broadcast did, for the staff member who sent it."""

    queued: int = 0
    by_language: Counter[str] = field(default_factory=Counter)  # guardians per language
    translated_languages: list[str] = field(default_factory=list)
    untranslated_languages: list[str] = field(default_factory=list)  # got English instead
    untranslated_guardian_ids: list[int] = field(default_factory=list)
    unreachable_guardian_ids: list[int] = field(default_factory=list)  # undeliverable: call them
    unknown_guardian_ids: list[int] = field(default_factory=list)  # not in this setting
    english_original: str = ""  # kept for parents who ask for it
    told: list[dict[str, Any]] = field(default_factory=list)  # who was sent what (simulate)
    sent: dict[int, tuple[int, str]] = field(default_factory=dict)  # guardian: (outbox id, channel)

    @property
    def untranslated(self) -> int:
        """How many guardians received English because no translation was available."""
        return len(self.untranslated_guardian_ids)


@dataclass
class Prepared:
    """A broadcast ready to queue: whom, in which words, where; nothing queued yet (a preview
    shows it, sending queues it)."""

    guardians: list[Guardian]
    texts: dict[str, str]  # by language
    addresses: dict[int, Address]  # by guardian id
    report: BroadcastReport

    @property
    def made(self) -> dict[str, tuple[str, bool]]:
        """The text by language and whether it is a machine translation, to send as shown."""
        translated = self.report.translated_languages
        return {language: (text, language in translated) for language, text in self.texts.items()}


def prepare(
    session: Session,
    setting_id: int,
    english_text: str,
    guardian_ids: Iterable[int] | None,
    translator: Translator,
    reach: Reach = EVERY_CHANNEL,
    catalog: Catalog | None = None,
    made: Made | None = None,
) -> Prepared:
    """The guardians (all of the setting's when `guardian_ids` is None), the text in each of
    their languages (translated once per language, or as `made` before: a preview's) and the
    channel reaching each. Raises TooLongForSms when SMS cannot carry it."""
    catalog = catalog or parent_catalog()
    report = BroadcastReport(english_original=english_text)
    guardians = _guardians(session, setting_id, guardian_ids, report)
    languages = sorted({guardian.language or ENGLISH for guardian in guardians})
    names = setting_names(session, setting_id) if len(languages) > 1 and not made else set()
    texts = {
        language: _text_for(english_text, language, translator, names, catalog, report, made)
        for language in languages
    }
    addresses = guardian_addresses(session, guardians, reach)
    _check_sms_length(guardians, addresses, texts, reach, catalog, report)
    return Prepared(guardians, texts, addresses, report)


def broadcast(
    session: Session,
    setting_id: int,
    english_text: str,
    guardian_ids: Iterable[int] | None,
    translator: Translator,
    reach: Reach = EVERY_CHANNEL,
    kind: str = "broadcast",
    catalog: Catalog | None = None,
    choices: Offer = lambda _guardian, _language: (),
    made: Made | None = None,
) -> BroadcastReport:
    """Queue `english_text` for each guardian (all of the setting's when `guardian_ids` is None)
    in their preferred language, translating once per language, each on the best channel `reach`
    offers them, with `choices(guardian, language)` ("Got it") when given. Raises
    TooLongForSms, having queued nothing, when SMS cannot carry it."""
    catalog = catalog or parent_catalog()
    ready = prepare(
        session, setting_id, english_text, guardian_ids, translator, reach, catalog, made
    )
    report = ready.report
    translated: list[tuple[int, str]] = []  # (outbox id, language)
    for guardian in ready.guardians:
        language = guardian.language or ENGLISH
        report.by_language[language] += 1
        if language in report.untranslated_languages:
            report.untranslated_guardian_ids.append(guardian.id)
        address = ready.addresses[guardian.id]
        offer = _offer(language, report, catalog)
        reply = Reply(ready.texts[language], choices(guardian, language))
        ids = enqueue_to(
            session, reach, address, reply, later_choices=offer, kind=kind, guardian_id=guardian.id
        )
        report.told.append(told(guardian.name, reply.text, address, reply.choices))
        report.sent[guardian.id] = (ids[-1], address.channel)
        if address.problem:
            report.unreachable_guardian_ids.append(guardian.id)
            continue
        if offer:
            translated.append((ids[-1], language))
        report.queued += 1
    keep_original(session, translated, english_text, catalog)
    return report


def _offer(language: str, report: BroadcastReport, catalog: Catalog) -> tuple[str, ...]:
    """The "Show in English" label a translated message will carry (none otherwise)."""
    return (catalog.text(SHOW_KEY, language),) if language in report.translated_languages else ()


def _check_sms_length(
    guardians: list[Guardian],
    addresses: dict[int, Address],
    texts: dict[str, str],
    reach: Reach,
    catalog: Catalog,
    report: BroadcastReport,
) -> None:
    """Refuse, before anything is queued, a text that SMS would need too many messages for."""
    on_sms = {
        guardian.language or ENGLISH
        for guardian in guardians
        if addresses[guardian.id].channel == "sms" and not addresses[guardian.id].problem
    }
    for language in sorted(on_sms):
        suffix = numbered(tuple(Choice("", label) for label in _offer(language, report, catalog)))
        budget = reach.sms_segment_budget
        parts = len(sms_parts(texts[language], budget, suffix))
        if parts > MAX_SMS_PARTS:
            over = sms_overflow(texts[language], budget, MAX_SMS_PARTS, suffix)
            raise TooLongForSms(language, parts, over)


def announce(
    session: Session,
    setting_id: int,
    text: str,
    translator: Translator,
    *,
    actor: str,
    say: Say,
    room: str | None = None,
    catalog: Catalog | None = None,
    reach: Reach = EVERY_CHANNEL,
) -> str:
    """Broadcast to every family (or the families of one room), audit it, and return the report
    for the member of staff. Raises LookupError when the setting has no such room, and
    BroadcastRefused (what to change) when it is too long for SMS: nothing is queued then."""
    rooms = (room,) if room else ()
    report = announce_to(
        session,
        setting_id,
        text,
        translator,
        actor=actor,
        say=say,
        rooms=rooms,
        catalog=catalog,
        reach=reach,
    )
    return describe(session, report, say)


def announce_to(
    session: Session,
    setting_id: int,
    text: str,
    translator: Translator,
    *,
    actor: str,
    say: Say,
    rooms: Sequence[str] = (),
    catalog: Catalog | None = None,
    reach: Reach = EVERY_CHANNEL,
    choices: Offer = lambda _guardian, _language: (),
    made: Made | None = None,
) -> BroadcastReport:
    """`announce` to the families of these rooms (every family when none), with `choices`; the
    report. Raises LookupError (no such room) or BroadcastRefused (too long for SMS)."""
    guardian_ids = rooms_guardian_ids(session, setting_id, rooms)
    catalog = catalog or parent_catalog()
    try:
        report = broadcast(
            session,
            setting_id,
            text,
            guardian_ids,
            translator,
            reach,
            catalog=catalog,
            choices=choices,
            made=made,
        )
    except TooLongForSms as too_long:
        raise refusal(too_long, say, catalog, reach) from None
    room = ", ".join(rooms) or None
    details = {"queued": report.queued, "room": room, "languages": dict(report.by_language)}
    audit(session, actor, "broadcast_sent", f"setting:{setting_id}", details)
    return report


def refusal(too_long: TooLongForSms, say: Say, catalog: Catalog, reach: Reach) -> BroadcastRefused:
    """What to cut, for the member of staff, when SMS cannot carry a broadcast."""
    return BroadcastRefused(
        say(
            "broadcast.too_long",
            language=language_name(too_long.language, catalog),
            parts=too_long.parts,
            most=MAX_SMS_PARTS,
            segments=reach.sms_segment_budget,
            over=too_long.over,
        )
    )


def describe(session: Session, report: BroadcastReport, say: Say) -> str:
    """The report for the member of staff who sent the broadcast (chat or command line)."""
    by_language = ", ".join(f"{code} {count}" for code, count in sorted(report.by_language.items()))
    lines = [say("broadcast.queued", queued=report.queued, languages=by_language or "-")]
    if report.untranslated:
        languages = ", ".join(report.untranslated_languages)
        lines.append(say("broadcast.untranslated", count=report.untranslated, languages=languages))
    if report.unreachable_guardian_ids:
        names = session.scalars(
            select(Guardian.name)
            .where(Guardian.id.in_(report.unreachable_guardian_ids))
            .order_by(Guardian.name)
        )
        lines.append(
            say(
                "broadcast.unreachable",
                count=len(report.unreachable_guardian_ids),
                names=", ".join(names),
            )
        )
    return "\n".join(lines)


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
    made: Made | None = None,
) -> str:
    """The message in `language` (as `made` before, when it has it), noting in the report
    whether it was translated."""
    if made and language in made:
        text, translated = made[language]
    else:
        text, translated = in_language(english_text, language, translator, names, catalog)
    if language != ENGLISH:
        (report.translated_languages if translated else report.untranslated_languages).append(
            language
        )
    return text


def in_language(
    english_text: str,
    language: str,
    translator: Translator,
    names: Iterable[str],
    catalog: Catalog,
) -> tuple[str, bool]:
    """The message for a reader of `language` and whether it is a machine translation: English
    as it is, translated with names, terms and numbers protected, or, when translation fails,
    English after the curated note."""
    if language == ENGLISH:
        return english_text, False
    terms = setting_terms(catalog, language)
    try:
        return translate_protected(translator, english_text, ENGLISH, language, names, terms), True
    except TranslatorNotConfigured:
        return _with_note(english_text, language, catalog, NO_TRANSLATOR_NOTE_KEY), False
    except TranslationUnavailable:
        return _with_note(english_text, language, catalog, UNTRANSLATED_NOTE_KEY), False


def _with_note(english_text: str, language: str, catalog: Catalog, key: str) -> str:
    """The message first, then the note: whatever a narrow channel does, the message leads."""
    if not catalog.has(key, ENGLISH):
        return english_text
    return f"{english_text}\n\n{catalog.text(key, language)}"
