"""Broadcasts: once per language, names kept from the provider, nothing dropped in an outage."""

from __future__ import annotations

from fake_translator import FakeTranslator
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.broadcast import UNTRANSLATED_NOTE_KEY, broadcast
from bot.db.models import Guardian, Outbox
from bot.i18n.cache import CachedTranslator
from bot.i18n.catalog import Catalog
from bot.i18n.translator import NoTranslator, TimedTranslator

TEXT = "Zofia's key person Sarah will be at the gate from 15:00. Questions: 01632 960000."


def sms(guardian: Guardian) -> tuple[str, str] | None:
    return "sms", guardian.phone


def _rows(session: Session) -> dict[str, str]:
    return {row.recipient_id: row.text for row in session.scalars(select(Outbox))}


def test_translates_once_per_language(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    report = broadcast(session, setting_id, TEXT, None, fake, sms)
    assert sorted(target for _, _, target in fake.calls) == ["pl", "ur"]
    assert report.queued == 4 and report.untranslated == 0
    assert report.by_language == {"pl": 2, "ur": 1, "en": 1}
    rows = _rows(session)
    assert rows["+447700900004"] == TEXT
    # "key person" is kept from the provider and comes back as the curated term
    polish = TEXT.replace("key person", "osoba kluczowa")
    assert rows["+447700900001"] == rows["+447700900002"] == f"[pl] {polish}"
    assert rows["+447700900003"] == f"[ur] {TEXT.replace('key person', 'مخصوص نگران')}"
    assert {row.kind for row in session.scalars(select(Outbox))} == {"broadcast"}


def test_names_and_numbers_never_reach_the_provider(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    broadcast(session, setting_id, TEXT, None, fake, sms)
    for secret in ("Zofia", "Sarah", "15:00", "01632", "key person"):
        assert secret not in fake.sent_text


def test_repeating_a_message_makes_no_calls(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    cached = CachedTranslator(fake, session, "fake")
    broadcast(session, setting_id, TEXT, None, cached, sms)
    broadcast(session, setting_id, TEXT, None, cached, sms)
    assert len(fake.calls) == 2


def test_outage_sends_english_to_everyone_and_counts_them(
    session: Session, setting_id: int
) -> None:
    down = TimedTranslator(FakeTranslator(failing=True), timeout_seconds=1)
    report = broadcast(session, setting_id, TEXT, None, down, sms)
    assert report.queued == 4
    assert report.untranslated == 3 and sorted(report.untranslated_languages) == ["pl", "ur"]
    rows = _rows(session)
    assert rows["+447700900004"] == TEXT  # English readers need no note
    for phone in ("+447700900001", "+447700900002", "+447700900003"):
        assert rows[phone].endswith(TEXT) and len(rows[phone]) > len(TEXT)  # note + English


def test_a_slow_provider_still_lets_everything_out(session: Session, setting_id: int) -> None:
    slow = TimedTranslator(FakeTranslator(delay_seconds=3), timeout_seconds=0.2)
    report = broadcast(session, setting_id, TEXT, None, slow, sms)
    assert report.queued == 4 and report.untranslated == 3


def test_outage_adds_the_curated_note_when_the_catalog_has_it(
    session: Session, setting_id: int
) -> None:
    catalog = Catalog(
        {
            "en": {UNTRANSLATED_NOTE_KEY: "(In English: our translator is not working.)"},
            "pl": {UNTRANSLATED_NOTE_KEY: "(Po angielsku: tłumacz nie działa.)"},
        }
    )
    broadcast(session, setting_id, TEXT, None, NoTranslator(), sms, catalog=catalog)
    rows = _rows(session)
    assert rows["+447700900001"] == f"(Po angielsku: tłumacz nie działa.)\n\n{TEXT}"
    assert rows["+447700900003"] == f"(In English: our translator is not working.)\n\n{TEXT}"
    assert rows["+447700900004"] == TEXT


def test_chosen_guardians_unknown_ids_and_unreachable_are_reported(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    ids = list(session.scalars(select(Guardian.id).order_by(Guardian.id)))
    no_phone = ids[0]
    report = broadcast(
        session,
        setting_id,
        TEXT,
        [ids[0], ids[3], 999],
        fake,
        lambda g: None if g.id == no_phone else sms(g),
    )
    assert report.queued == 1
    assert report.unreachable_guardian_ids == [no_phone]
    assert report.unknown_guardian_ids == [999]
    assert report.english_original == TEXT
