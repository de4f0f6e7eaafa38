"""The message pipeline end to end: help, dedupe, handoffs, choices, outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import HandoffItem, InboundLog, Outbox
from bot.pipeline.engine import Engine
from bot.types import InboundMessage
from tests.core.helpers import reply_text, say

SARAH = "+447700900101"
FIONA = "+447700900121"  # Isla Campbell's mother, one child
PRIYA = "+447700900001"  # the manager


def test_hello_gets_a_help_reply_listing_what_the_bot_can_do(engine: Engine) -> None:
    result = say(engine, SARAH, "hello")
    assert result.intent == "help"
    text = reply_text(result)
    for capability in ("absence", "collecting", "late", "policies", "key person"):
        assert capability in text


def test_replayed_provider_message_is_handled_once(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    first = say(engine, SARAH, "Maya's off today, temperature", message_id="SM123")
    assert first.records
    again = engine.receive(
        InboundMessage(
            channel="sms",
            sender_id=SARAH,
            text="x",
            provider_message_id="SM123",
            received_at=datetime.now(UTC),
        )
    )
    assert again is None
    with sessions() as session:
        assert session.scalar(select(func.count(InboundLog.id))) == 1
        replies = session.scalar(select(func.count(Outbox.id)).where(Outbox.kind == "reply"))
        assert replies == 1


def test_concern_creates_handoff_and_names_who_will_reply(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, FIONA, "I'm worried about a bruise on Isla's arm after nursery")
    assert result.intent == "concern"
    assert result.handoff is True
    assert "Jess Hughes" in reply_text(result)
    assert [n["to"] for n in result.staff_notifications] == ["Jess Hughes"]
    with sessions() as session:
        item = session.scalar(select(HandoffItem))
        assert item is not None and item.kind == "concern"


def test_a_thank_you_is_answered_kindly_and_asks_no_one_to_act(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, FIONA, "Thank you! x")
    assert reply_text(result).startswith("Thanks, Fiona!")
    assert result.handoff is False and result.staff_notifications == []
    more = say(engine, FIONA, "thank you for looking after her so well today x")
    assert more.handoff is True  # a message with more in it still reaches a person
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(HandoffItem)) == 1


def test_numbered_sms_answer_picks_the_offered_choice(engine: Engine) -> None:
    asked = say(engine, SARAH, "not coming in tomorrow")
    assert [c.id for c in asked.replies[-1].choices][:2] == ["child:1", "child:2"]
    answered = say(engine, SARAH, "2")
    assert answered.intent == "absence"
    assert answered.records[0]["children"] == ["Leo Thompson"]


def test_every_reply_and_staff_alert_is_in_the_outbox(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Maya's off today, temperature")
    with sessions() as session:
        rows = list(session.scalars(select(Outbox).order_by(Outbox.id)))
    assert [row.kind for row in rows].count("reply") == len(result.replies)
    assert {row.recipient_id for row in rows if row.kind == "staff_notification"} == {
        "+447700900002",
        "+447700900001",
    }  # Jess Hughes (key person, Saplings) and Priya Shah
    assert all(row.status == "pending" for row in rows)


def test_staff_member_is_recognised_as_staff(engine: Engine) -> None:
    result = say(engine, PRIYA, "help")
    assert "register" in reply_text(result)


def test_policy_answer_quotes_the_policy_and_cites_its_source(engine: Engine) -> None:
    result = say(engine, FIONA, "can my neighbour pick her up?")
    assert result.intent == "policy_question" and result.handoff is False
    assert result.sources == [
        {"document": "Arrival and Collection Policy", "section": "Who can collect your child"}
    ]
    assert result.replies[0].text.endswith(
        "\n(Arrival and Collection Policy, Who can collect your child)"
    )
