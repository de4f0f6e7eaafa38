"""Messages the bot starts go only to channels that can carry them; what none can carry is a
delivery problem at once, never a row pending forever."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ChannelIdentity, Outbox, Staff, utcnow
from bot.db.session import transaction
from bot.outbound.delivery import DeliveryWorker
from bot.outbound.outbox import Reach
from bot.pipeline.engine import Engine
from bot.staff.views import delivery_problems
from tests.channels.test_delivery import ScriptedSender, add_rows
from tests.conftest import MONDAY_MORNING
from tests.core.helpers import say
from tests.notices.support import outbox

SARAH = "+447700900101"
JESS = "+447700900002"  # Maya's key person
ABSENCE = "Maya's off today, temperature"


def engine_with(sessions: sessionmaker[Session], setting_id: int, *channels: str) -> Engine:
    reach = Reach(frozenset(channels))
    return Engine(sessions, setting_id, clock=lambda: MONDAY_MORNING, reach=reach)


def test_a_notice_no_configured_channel_can_carry_is_a_delivery_problem_at_once(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = engine_with(sessions, demo_setting, "telegram")  # SMS is not configured
    result = say(engine, SARAH, ABSENCE, channel="whatsapp")  # staff have no Telegram
    alerts = outbox(sessions, Outbox.kind == "staff_notification")
    assert alerts and {row.status for row in alerts} == {"undeliverable"}
    assert all("no configured channel reaches" in (row.last_error or "") for row in alerts)
    told = {entry["to"]: entry for entry in result.staff_notifications}
    assert "configured: telegram" in told["Jess Hughes"]["undeliverable"]
    problems = "\n".join(delivery_problems(sessions))
    assert "undeliverable" in problems and "Jess Hughes (staff_notification)" in problems


def test_staff_are_told_on_the_best_configured_channel(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    with transaction(sessions) as session:
        jess = session.scalar(select(Staff).where(Staff.phone == JESS))
        assert jess is not None
        session.add(  # she last wrote from the web chat, which this deployment does not serve
            ChannelIdentity(
                channel="webchat", external_id=JESS, staff_id=jess.id, last_inbound_at=utcnow()
            )
        )
    engine = engine_with(sessions, demo_setting, "whatsapp", "telegram")
    say(engine, SARAH, ABSENCE, channel="whatsapp")
    [alert] = outbox(sessions, Outbox.kind == "staff_notification", Outbox.recipient_id == JESS)
    assert (alert.channel, alert.status) == ("whatsapp", "pending")


def test_in_the_demo_the_web_chat_carries_notices_to_staff(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    engine = engine_with(sessions, demo_setting, "webchat")  # `make run`: no credentials
    say(engine, SARAH, ABSENCE, channel="webchat")
    alerts = outbox(sessions, Outbox.kind == "staff_notification")
    assert alerts and {(row.channel, row.status) for row in alerts} == {("webchat", "pending")}
    assert JESS in {row.recipient_id for row in alerts}


async def test_a_row_for_a_channel_nothing_delivers_becomes_a_problem_not_pending_forever(
    sessions: sessionmaker[Session], demo_setting: int
) -> None:
    [stuck] = add_rows(sessions, channel="sms", created_at=utcnow() - timedelta(minutes=5))
    [shown_soon] = add_rows(sessions, channel="terminal")  # a synchronous reply, just written
    [inbox] = add_rows(sessions, channel="webchat", created_at=utcnow() - timedelta(minutes=5))
    worker = DeliveryWorker(sessions, {"telegram": ScriptedSender()}, pulled=frozenset({"webchat"}))
    await worker.run_once()
    with sessions() as session:
        statuses = {row.id: row for row in session.scalars(select(Outbox))}
    assert statuses[stuck].status == "undeliverable"
    assert "no sender for this channel" in (statuses[stuck].last_error or "")
    assert statuses[shown_soon].status == statuses[inbox].status == "pending"
