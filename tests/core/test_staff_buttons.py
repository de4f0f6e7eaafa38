"""Buttons on staff alerts, through the engine: Acknowledge on a notice's alert, Reply on a
parent's message (the next chat message is the answer), numbers standing in for them on SMS; and
closing or passing on a handoff from the chat, with the same rules as the dashboard."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Absence, AuditLog, HandoffItem, Outbox, Staff
from bot.outbound.outbox import detached
from bot.outbound.render import render
from bot.pipeline.engine import Engine
from bot.types import Reply
from channels.telegram import CAPABILITIES as TELEGRAM
from channels.twilio_sms import CAPABILITIES as SMS
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import reply_text, say
from tests.i18n.fake_translator import FakeTranslator

PRIYA, JESS, TOM, SAM = "+447700900001", "+447700900002", "+447700900003", "+447700900005"
SARAH, MAGDA = "+447700900101", "+447700900111"
CONCERN = "I'm worried about Kuba, he cries every morning"
ANSWER = "Thank you Magda, we will talk at pick-up."


def _last_to(sessions: sessionmaker[Session], phone: str) -> Outbox:
    with sessions() as session:
        row = session.scalars(
            select(Outbox).where(Outbox.recipient_id == phone).order_by(Outbox.id.desc())
        ).first()
    assert row is not None
    return row


def _handoff(sessions: sessionmaker[Session], handoff_id: int) -> HandoffItem:
    with sessions() as session:
        return session.get_one(HandoffItem, handoff_id)


def _actions(sessions: sessionmaker[Session], action: str) -> list[AuditLog]:
    with sessions() as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _concern(engine: Engine) -> int:
    """Magda's concern about Kuba (Tom's key child); its handoff id."""
    result = say(engine, MAGDA, CONCERN)
    assert result.handoff
    [alert] = [n for n in result.staff_notifications if n["to"] == "Tom Okafor"]
    [choice_id] = alert["choice_ids"]
    assert alert["choices"] == ["Reply"] and choice_id.startswith("staff:reply:H")
    return int(choice_id.removeprefix("staff:reply:H"))


def test_an_absence_alert_offers_acknowledge_and_a_tap_acknowledges_it(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Maya is off today, she has a temperature")
    [alert] = [n for n in result.staff_notifications if n["to"] == "Jess Hughes"]
    ref = result.records[0]["refs"][0]
    assert alert["choices"] == ["Acknowledge"] and alert["choice_ids"] == [f"staff:ack:{ref}"]
    row = _last_to(sessions, JESS)
    assert render(row_reply(row), TELEGRAM).buttons[0].id == f"staff:ack:{ref}"
    tapped = say(engine, JESS, "Acknowledge", choice_id=f"staff:ack:{ref}")
    assert f"Acknowledged {ref}" in reply_text(tapped)
    with sessions() as session:
        absence = session.get_one(Absence, int(ref[1:]))
        jess = session.scalar(select(Staff.id).where(Staff.phone == JESS))
    assert absence.acknowledged_by_staff_id == jess


def row_reply(row: Outbox) -> Reply:
    """The reply an outbox row holds (what the delivery worker renders)."""
    return detached(row).reply


def test_on_sms_the_alert_numbers_its_button_and_1_acknowledges(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Maya is off today, she has a temperature")
    ref = result.records[0]["refs"][0]
    row = _last_to(sessions, JESS)
    assert row.channel == "sms"
    assert render(row_reply(row), SMS).body.endswith("\n1. Acknowledge")
    assert f"Acknowledged {ref}" in reply_text(say(engine, JESS, "1"))


def test_a_number_answers_only_the_last_message_staff_were_sent(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    result = say(engine, SARAH, "Maya is off today, she has a temperature")
    ref = result.records[0]["refs"][0]
    say(engine, JESS, "register")  # its reply has no buttons
    assert "Staff commands" in reply_text(say(engine, JESS, "1"))
    with sessions() as session:
        assert session.get_one(Absence, int(ref[1:])).acknowledged_by_staff_id is None


def test_reply_asks_for_the_answer_and_the_next_message_reaches_the_parent_in_polish(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = Engine(
        sessions, demo_setting, clock=lambda: MONDAY_MORNING, translator=FakeTranslator()
    )
    handoff_id = _concern(engine)
    asked = say(engine, TOM, "Reply", choice_id=f"staff:reply:H{handoff_id}")
    assert "Write your answer to Magda Kowalska" in reply_text(asked)
    assert "Polish" in reply_text(asked) and asked.replies[0].choices[0].label == "Cancel"
    sent = say(engine, TOM, ANSWER)
    assert "Sent to Magda Kowalska" in reply_text(sent)
    to_magda = _last_to(sessions, MAGDA)
    assert to_magda.kind == "staff_reply" and f"[pl] {ANSWER}" in to_magda.text
    assert _handoff(sessions, handoff_id).status == "closed"
    assert "Staff commands" in reply_text(say(engine, TOM, "thanks"))


def test_on_sms_reply_is_a_number_and_cancel_sends_nothing(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    handoff_id = _concern(engine)
    assert render(row_reply(_last_to(sessions, TOM)), SMS).body.endswith("\n1. Reply")
    assert "Write your answer" in reply_text(say(engine, TOM, "1"))
    before = _last_to(sessions, MAGDA).id
    cancelled = say(engine, TOM, "cancel")
    assert f"Nothing was sent. H{handoff_id} is still open." in reply_text(cancelled)
    assert _last_to(sessions, MAGDA).id == before
    assert _handoff(sessions, handoff_id).status == "open"
    assert "Staff commands" in reply_text(say(engine, TOM, "thanks")), "no longer waiting"


def test_an_answer_is_awaited_for_thirty_minutes_only(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    now = [MONDAY_MORNING]
    engine = Engine(sessions, demo_setting, clock=lambda: now[0])
    handoff_id = _concern(engine)
    say(engine, TOM, "Reply", choice_id=f"staff:reply:H{handoff_id}")
    now[0] = MONDAY_MORNING + timedelta(minutes=31)
    late = say(engine, TOM, ANSWER)
    assert "Staff commands" in reply_text(late)
    assert _handoff(sessions, handoff_id).status == "open"


def test_a_forged_reply_tap_on_a_safeguarding_item_is_refused_and_audited(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya has a bruise and said someone at home hurt her")
    with sessions() as session:
        item = session.scalars(select(HandoffItem).where(HandoffItem.kind == "safeguarding")).one()
    refused = say(engine, JESS, "Reply", choice_id=f"staff:reply:H{item.id}")
    assert "only the designated safeguarding lead" in reply_text(refused)
    assert "Staff commands" in reply_text(say(engine, JESS, "some answer")), "nothing awaited"
    assert [a.subject for a in _actions(sessions, "handoff_reply_refused")] == [
        f"handoff:{item.id}"
    ]


def test_close_from_the_chat_closes_the_handoff_and_is_audited(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    handoff_id = _concern(engine)
    done = say(engine, TOM, f"close H{handoff_id}")
    assert f"H{handoff_id} is closed." in reply_text(done)
    assert _handoff(sessions, handoff_id).status == "closed"
    [entry] = _actions(sessions, "handoff_closed")
    assert entry.subject == f"handoff:{handoff_id}" and entry.actor.startswith("staff:")
    again = say(engine, TOM, f"close H{handoff_id}")
    assert "is not open for you" in reply_text(again)


def test_someone_elses_handoff_cannot_be_closed_from_the_chat(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    handoff_id = _concern(engine)  # Tom's
    refused = say(engine, JESS, f"close H{handoff_id}")
    assert "is not open for you" in reply_text(refused)
    assert _handoff(sessions, handoff_id).status == "open"
    assert len(_actions(sessions, "handoff_close_refused")) == 1


def test_passing_a_handoff_on_tells_the_colleague_with_a_reply_button(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    handoff_id = _concern(engine)
    done = say(engine, TOM, f"pass H{handoff_id} to Sam")
    assert f"H{handoff_id} is now with Sam Patel" in reply_text(done)
    [told] = done.staff_notifications
    assert told["to"] == "Sam Patel" and told["choice_ids"] == [f"staff:reply:H{handoff_id}"]
    assert f"H{handoff_id} was passed to you by Tom Okafor" in told["text"]
    with sessions() as session:
        sam = session.scalar(select(Staff.id).where(Staff.phone == SAM))
    assert _handoff(sessions, handoff_id).assigned_staff_id == sam
    assert "Write your answer" in reply_text(say(engine, SAM, "1")), "Sam can answer it now"
    [entry] = _actions(sessions, "handoff_reassigned")
    assert entry.details["to"] == sam


def test_a_safeguarding_item_is_passed_only_to_someone_who_sees_safeguarding(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    say(engine, SARAH, "Maya has a bruise and said someone at home hurt her")
    with sessions() as session:
        item = session.scalars(select(HandoffItem).where(HandoffItem.kind == "safeguarding")).one()
    refused = say(engine, PRIYA, f"pass H{item.id} to Jess Hughes")
    assert "can't go to Jess Hughes" in reply_text(refused)
    assert "now with Tom Okafor" in reply_text(say(engine, PRIYA, f"pass H{item.id} to Tom"))
