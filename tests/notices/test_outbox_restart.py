"""Nothing is lost across a restart of the web process between a notice and notifying staff."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Outbox
from bot.db.session import make_engine, make_session_factory
from bot.outbound.channel import SendResult, SendStatus
from bot.outbound.delivery import DeliveryWorker
from bot.pipeline.engine import Engine
from bot.types import ChannelCapabilities, OutboundMessage
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import say
from tests.notices.support import JESS, PRIYA, SARAH


class RecordingSms:
    """A fake SMS sender that records what it was asked to send."""

    capabilities = ChannelCapabilities(max_text_length=1600)

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        return SendResult(SendStatus.SENT, provider_message_id=f"SM{message.outbox_id}")


def _web_process_handles_a_notice(db_url: str, setting_id: int) -> None:
    """A web process receives the notice, commits, and dies before anything is delivered."""
    database = make_engine(db_url)
    engine = Engine(make_session_factory(database), setting_id, clock=lambda: MONDAY_MORNING)
    result = say(engine, SARAH, "Maya is off today, she has a temperature")
    assert result.staff_notifications
    database.dispose()


async def test_staff_notifications_survive_a_web_restart_and_are_delivered_exactly_once(
    db_url: str, demo_setting: int
) -> None:
    _web_process_handles_a_notice(db_url, demo_setting)
    database = make_engine(db_url)  # a fresh process: new engine, new session factory
    sessions = make_session_factory(database)
    with sessions() as session:
        pending = session.scalars(
            select(Outbox).where(Outbox.kind == "staff_notification", Outbox.status == "pending")
        ).all()
        assert {row.recipient_id for row in pending} == {JESS, PRIYA}
    sms = RecordingSms()
    worker = DeliveryWorker(sessions, {"sms": sms})
    assert await worker.run_once() >= 2
    assert await worker.run_once() == 0  # a second pass sends nothing again
    staff = [m for m in sms.sent if m.kind == "staff_notification"]
    assert sorted(m.recipient_id for m in staff) == sorted([JESS, PRIYA])
    assert all("Maya Thompson" in m.reply.text for m in staff)
    with sessions() as session:
        statuses = session.scalars(
            select(Outbox.status).where(Outbox.kind == "staff_notification")
        ).all()
        assert set(statuses) == {"sent"}
    database.dispose()


def test_the_notice_reply_is_in_the_outbox_before_any_delivery(
    db_url: str, demo_setting: int
) -> None:
    _web_process_handles_a_notice(db_url, demo_setting)
    database = make_engine(db_url)
    with make_session_factory(database)() as session:
        reply = session.scalars(select(Outbox).where(Outbox.recipient_id == SARAH)).one()
        assert reply.status == "pending" and "marked absent" in reply.text
    database.dispose()
