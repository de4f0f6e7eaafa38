"""Several delivery workers on one database: every row sent once, each recipient's in order."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Outbox, utcnow
from bot.db.session import transaction
from bot.outbound.delivery import DeliveryWorker
from bot.types import OutboundMessage
from tests.channels.test_delivery import ScriptedSender, add_rows

RECIPIENTS = [f"+4477009002{n:02d}" for n in range(12)]


async def test_two_workers_send_every_row_once_and_each_recipients_in_order(
    outbox_db: sessionmaker[Session],
) -> None:
    queued = [
        outbox_id
        for round_number in range(5)
        for recipient in RECIPIENTS
        for outbox_id in add_rows(outbox_db, recipient_id=recipient, text=f"{round_number}")
    ]
    sent: list[OutboundMessage] = []
    senders = [ScriptedSender(calls=sent), ScriptedSender(calls=sent)]
    workers = [DeliveryWorker(outbox_db, {"sms": sender}, batch_size=7) for sender in senders]
    stop = asyncio.Event()
    running = [asyncio.create_task(w.run_forever(stop, idle_seconds=0.01)) for w in workers]
    for _ in range(1000):
        await asyncio.sleep(0.02)
        with outbox_db() as session:
            if set(session.scalars(select(Outbox.status))) == {"sent"}:
                break
    stop.set()
    await asyncio.gather(*running)

    assert sorted(message.outbox_id for message in sent) == queued  # once each
    per_recipient: dict[str, list[int]] = defaultdict(list)
    for message in sent:
        per_recipient[message.recipient_id].append(message.outbox_id)
    assert all(ids == sorted(ids) for ids in per_recipient.values())


async def test_a_recipients_row_waits_while_an_older_one_is_in_another_workers_hands(
    outbox_db: sessionmaker[Session],
) -> None:
    [older, newer] = add_rows(outbox_db, 2, recipient_id=RECIPIENTS[0])
    [other] = add_rows(outbox_db, recipient_id=RECIPIENTS[1])
    with transaction(outbox_db) as session:  # another worker claimed the older row
        session.execute(
            update(Outbox)
            .where(Outbox.id == older)
            .values(status="claimed", next_attempt_at=utcnow() + timedelta(seconds=60))
        )
    sender = ScriptedSender()
    assert await DeliveryWorker(outbox_db, {"sms": sender}).run_once() == 1
    assert [message.outbox_id for message in sender.calls] == [other]
    with transaction(outbox_db) as session:  # ... and sent it
        session.execute(update(Outbox).where(Outbox.id == older).values(status="sent"))
    assert await DeliveryWorker(outbox_db, {"sms": sender}).run_once() == 1
    assert [message.outbox_id for message in sender.calls] == [other, newer]
