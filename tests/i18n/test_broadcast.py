"""Broadcasts: once per language, names kept from the provider, nothing dropped in an outage."""

from __future__ import annotations

import re

import pytest
from fake_translator import FakeTranslator
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ChannelIdentity, Guardian, Outbox
from bot.i18n.cache import CachedTranslator
from bot.i18n.catalog import Catalog
from bot.i18n.names import staff_catalog
from bot.i18n.translator import NoTranslator, TimedTranslator
from bot.outbound.broadcast import UNTRANSLATED_NOTE_KEY, BroadcastRefused, announce, broadcast
from bot.outbound.outbox import Reach
from bot.outbound.sms_text import segment_count, sms_parts
from bot.types import Reply
from channels.twilio_sms import render_sms

PART_MARK = re.compile(r"^\(\d+/\d+\) ")
TEXT = "Zofia's key person Sarah will be at the gate from 15:00. Questions: 01632 960000."


def _parts(session: Session, recipient: str) -> list[str]:
    query = select(Outbox.text).where(Outbox.recipient_id == recipient).order_by(Outbox.id)
    return list(session.scalars(query))


def _rows(session: Session) -> dict[str, str]:
    return {row.recipient_id: row.text for row in session.scalars(select(Outbox))}


def test_translates_once_per_language(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    report = broadcast(session, setting_id, TEXT, None, fake)
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
    broadcast(session, setting_id, TEXT, None, fake)
    for secret in ("Zofia", "Sarah", "15:00", "01632", "key person"):
        assert secret not in fake.sent_text


def test_repeating_a_message_makes_no_calls(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    cached = CachedTranslator(fake, session, "fake")
    broadcast(session, setting_id, TEXT, None, cached)
    broadcast(session, setting_id, TEXT, None, cached)
    assert len(fake.calls) == 2


def test_outage_sends_english_to_everyone_and_counts_them(
    session: Session, setting_id: int
) -> None:
    down = TimedTranslator(FakeTranslator(failing=True), timeout_seconds=1)
    report = broadcast(session, setting_id, TEXT, None, down)
    assert report.queued == 4
    assert report.untranslated == 3 and sorted(report.untranslated_languages) == ["pl", "ur"]
    rows = _rows(session)
    assert rows["+447700900004"] == TEXT  # English readers need no note
    for phone in ("+447700900001", "+447700900002", "+447700900003"):
        parts = _parts(session, phone)  # English, then the note (on SMS, in numbered parts)
        assert PART_MARK.sub("", parts[0]).startswith(TEXT) and len("".join(parts)) > len(TEXT)


def test_a_slow_provider_still_lets_everything_out(session: Session, setting_id: int) -> None:
    slow = TimedTranslator(FakeTranslator(delay_seconds=3), timeout_seconds=0.2)
    report = broadcast(session, setting_id, TEXT, None, slow)
    assert report.queued == 4 and report.untranslated == 3


def test_outage_adds_the_curated_note_after_the_message_when_the_catalog_has_it(
    session: Session, setting_id: int
) -> None:
    catalog = Catalog(
        {
            "en": {UNTRANSLATED_NOTE_KEY: "(In English: our translator is not working.)"},
            "pl": {UNTRANSLATED_NOTE_KEY: "(Po angielsku: tłumacz nie działa.)"},
        }
    )
    down = TimedTranslator(FakeTranslator(failing=True), timeout_seconds=1)
    broadcast(session, setting_id, TEXT, None, down, catalog=catalog)
    rows = _rows(session)
    assert rows["+447700900001"] == f"{TEXT}\n\n(Po angielsku: tłumacz nie działa.)"
    assert rows["+447700900003"] == f"{TEXT}\n\n(In English: our translator is not working.)"
    assert rows["+447700900004"] == TEXT


def test_chosen_guardians_unknown_ids_and_unreachable_are_reported(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    ids = list(session.scalars(select(Guardian.id).order_by(Guardian.id)))
    on_telegram = ids[3]
    session.add(ChannelIdentity(channel="telegram", external_id="555", guardian_id=on_telegram))
    telegram_only = Reach(frozenset({"telegram"}))
    report = broadcast(session, setting_id, TEXT, [ids[0], ids[3], 999], fake, telegram_only)
    assert report.queued == 1
    assert report.unreachable_guardian_ids == [ids[0]]
    assert report.unknown_guardian_ids == [999]
    assert report.english_original == TEXT
    rows = {row.guardian_id: row for row in session.scalars(select(Outbox))}
    assert (rows[on_telegram].channel, rows[on_telegram].status) == ("telegram", "pending")
    assert rows[ids[0]].status == "undeliverable"
    assert "no configured channel reaches Anna Nowak" in (rows[ids[0]].last_error or "")


LONG = (
    "Tomorrow the nursery opens at 9:30 because of the staff training morning. Breakfast club is "
    "cancelled, so please give your child breakfast at home. Collection times are unchanged, and "
    "the Christmas party is still on Friday at 14:00 in the big hall."
)


def test_on_sms_the_message_comes_first_and_is_never_cut_away(
    session: Session, setting_id: int
) -> None:
    broadcast(session, setting_id, LONG, None, NoTranslator())
    for phone in ("+447700900001", "+447700900003"):  # Polish and Urdu readers, no translator
        parts = [render_sms(Reply(text), 3) for text in _parts(session, phone)]
        assert len(parts) > 1 and parts[0].startswith("(1/")
        assert all(segment_count(part) <= 3 for part in parts)
        assert LONG in " ".join(PART_MARK.sub("", part) for part in parts)
        assert PART_MARK.sub("", parts[0]).startswith(LONG[:60])  # the message leads


def test_a_broadcast_too_long_for_sms_is_refused_before_anything_is_queued(
    session: Session, setting_id: int, fake: FakeTranslator
) -> None:
    with pytest.raises(BroadcastRefused) as refused:
        announce(session, setting_id, LONG * 6, fake, actor="test", say=staff_say)
    assert session.scalars(select(Outbox)).all() == []
    reason = str(refused.value)
    assert reason.startswith("Not sent to anyone: in English this needs 4 text messages")
    found = re.search(r"shorten it by about (\d+) characters", reason)
    assert found is not None
    shorter = (LONG * 6)[: len(LONG * 6) - int(found.group(1))]
    assert len(sms_parts(shorter, 3)) == 3  # cutting that much is enough


def staff_say(key: str, **values: object) -> str:
    return staff_catalog().text(key, "en", **values)
