"""Opt-out keywords, the guardian's fallback channel, and one-time link codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import AuditLog, ChannelIdentity, Guardian
from bot.db.session import transaction
from bot.outbound.optout import Keyword, classify, next_channel, set_opt_out
from bot.pipeline.identity import identity_for
from bot.pipeline.linking import issue_link_code, redeem_link_code

PHONE = "+447700900101"


@pytest.mark.parametrize(
    ("text", "channel", "keyword"),
    [
        ("STOP", "sms", Keyword.STOP),
        (" stop. ", "sms", Keyword.STOP),
        ("Cancel", "sms", Keyword.STOP),
        ("Cancel", "whatsapp", None),  # not a blocking word on WhatsApp: may answer a question
        ("unsubscribe", "whatsapp", Keyword.STOP),
        ("yes", "sms", Keyword.START),
        ("UNSTOP", "sms", Keyword.START),
        ("help", "sms", Keyword.HELP),
        ("stop sending me the menu", "sms", None),
    ],
)
def test_keywords_are_single_words(text: str, channel: str, keyword: Keyword | None) -> None:
    assert classify(text, channel) is keyword


def add_guardian(sessions: sessionmaker[Session], order: list[str]) -> int:
    with transaction(sessions) as session:
        guardian = Guardian(setting_id=1, name="Sarah T", phone=PHONE, channel_order=order)
        session.add(guardian)
        session.flush()
        return guardian.id


def test_fallback_follows_the_channel_order_forward(outbox_db: sessionmaker[Session]) -> None:
    guardian_id = add_guardian(outbox_db, ["telegram", "whatsapp", "sms"])
    with transaction(outbox_db) as session:
        assert next_channel(session, guardian_id, "telegram") == ("whatsapp", PHONE)
        assert next_channel(session, guardian_id, "whatsapp") == ("sms", PHONE)
        assert next_channel(session, guardian_id, "sms") is None  # never loops back
        identity = identity_for(session, 1, "sms", PHONE)
        identity.guardian_id = guardian_id
        assert set_opt_out(session, identity, True)
        assert not set_opt_out(session, identity, True)  # already recorded
        assert next_channel(session, guardian_id, "whatsapp") is None
    with outbox_db() as session:
        assert session.query(AuditLog).filter_by(action="channel_opt_out").count() == 1


def test_telegram_fallback_needs_a_linked_identity(outbox_db: sessionmaker[Session]) -> None:
    guardian_id = add_guardian(outbox_db, ["sms", "telegram"])
    with transaction(outbox_db) as session:
        assert next_channel(session, guardian_id, "sms") is None
        session.add(ChannelIdentity(channel="telegram", external_id="42", guardian_id=guardian_id))
        session.flush()
        assert next_channel(session, guardian_id, "sms") == ("telegram", "42")


def test_link_codes_are_single_use(outbox_db: sessionmaker[Session]) -> None:
    guardian_id = add_guardian(outbox_db, [])
    with transaction(outbox_db) as session:
        code = issue_link_code(session, 1, guardian_id=guardian_id)
    with transaction(outbox_db) as session:
        assert redeem_link_code(session, 1, "telegram", "42", code)
        assert not redeem_link_code(session, 1, "telegram", "43", code)
        assert not redeem_link_code(session, 1, "telegram", "43", "WRONG123")
    with outbox_db() as session:
        linked = session.query(ChannelIdentity).filter_by(external_id="42").one()
        assert linked.guardian_id == guardian_id
        assert session.query(ChannelIdentity).filter_by(external_id="43").count() == 0


def test_expired_link_codes_fail(outbox_db: sessionmaker[Session]) -> None:
    guardian_id = add_guardian(outbox_db, [])
    with transaction(outbox_db) as session:
        code = issue_link_code(session, 1, guardian_id=guardian_id, ttl=timedelta(seconds=-1))
        assert not redeem_link_code(session, 1, "telegram", "42", code)


def test_a_code_is_for_exactly_one_person(outbox_db: sessionmaker[Session]) -> None:
    with transaction(outbox_db) as session, pytest.raises(ValueError):
        issue_link_code(session, 1)
