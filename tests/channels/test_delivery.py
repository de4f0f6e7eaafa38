"""The outbox delivery worker: exactly-once claims, retries, unknown, dead letters, fallback."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ChannelIdentity, Guardian, Outbox, utcnow
from bot.db.session import transaction
from bot.outbound.channel import SendResult, SendStatus
from bot.outbound.delivery import DeliveryWorker, RateLimit, apply_status
from bot.types import ChannelCapabilities, OutboundMessage

CAPS = ChannelCapabilities(max_text_length=1000)


@dataclass
class ScriptedSender:
    """A channel sender answering from a script (then SENT), recording every call."""

    script: list[SendResult] = field(default_factory=list)
    rate_limit: RateLimit | None = None
    calls: list[OutboundMessage] = field(default_factory=list)
    capabilities: ChannelCapabilities = CAPS

    async def send(self, message: OutboundMessage) -> SendResult:
        self.calls.append(message)
        await asyncio.sleep(0.001)
        if self.script:
            return self.script.pop(0)
        return SendResult(SendStatus.SENT, provider_message_id=f"P{message.outbox_id}")


def add_rows(sessions: sessionmaker[Session], count: int = 1, **fields: object) -> list[int]:
    values = {"channel": "sms", "recipient_id": "+447700900101", "text": "Hello"} | fields
    with transaction(sessions) as session:
        rows = [Outbox(**values) for _ in range(count)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def row(sessions: sessionmaker[Session], outbox_id: int) -> Outbox:
    with sessions() as session:
        return session.get_one(Outbox, outbox_id)


async def test_sent_rows_record_the_provider_id(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db, choices=[{"id": "y", "label": "Yes"}])
    sender = ScriptedSender()
    assert await DeliveryWorker(outbox_db, {"sms": sender}).run_once() == 1
    sent = row(outbox_db, outbox_id)
    assert (sent.status, sent.provider_message_id, sent.attempts) == ("sent", f"P{outbox_id}", 1)
    assert sender.calls[0].reply.choices[0].label == "Yes"
    assert await DeliveryWorker(outbox_db, {"sms": sender}).run_once() == 0


async def test_retry_after_is_honoured(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db)
    sender = ScriptedSender([SendResult(SendStatus.RETRY, retry_after=30)])
    worker = DeliveryWorker(outbox_db, {"sms": sender})
    await worker.run_once()
    waiting = row(outbox_db, outbox_id)
    assert waiting.status == "pending"
    assert timedelta(seconds=28) < waiting.next_attempt_at - utcnow() <= timedelta(seconds=30)
    assert await worker.run_once() == 0  # not due yet


async def test_retries_back_off_then_dead_letter(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db)
    sender = ScriptedSender([SendResult(SendStatus.RETRY, error="refused")] * 9)
    worker = DeliveryWorker(outbox_db, {"sms": sender}, max_attempts=3, base_backoff=0.0)
    for _ in range(5):
        await worker.run_once()
    dead = row(outbox_db, outbox_id)
    assert (dead.status, dead.attempts, len(sender.calls)) == ("dead", 3, 3)


async def test_rate_limit_refusals_are_not_attempts_and_never_kill_a_row(
    outbox_db: sessionmaker[Session],
) -> None:
    [outbox_id] = add_rows(outbox_db)
    refusals = [SendResult(SendStatus.RETRY, error="429", retry_after=0.001)] * 7
    sender = ScriptedSender(refusals)
    worker = DeliveryWorker(outbox_db, {"sms": sender}, max_attempts=3, base_backoff=0.0)
    for _ in range(3):
        await worker.run_once()
    sent = row(outbox_db, outbox_id)
    assert (sent.status, sent.attempts, len(sender.calls)) == ("sent", 1, 8)


async def test_backoff_grows_exponentially(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db)
    sender = ScriptedSender([SendResult(SendStatus.RETRY)] * 2)
    worker = DeliveryWorker(outbox_db, {"sms": sender}, base_backoff=10)
    await worker.run_once()
    first = row(outbox_db, outbox_id).next_attempt_at - utcnow()
    with transaction(outbox_db) as session:
        session.get_one(Outbox, outbox_id).next_attempt_at = utcnow()
    await worker.run_once()
    second = row(outbox_db, outbox_id).next_attempt_at - utcnow()
    assert timedelta(seconds=9) < first <= timedelta(seconds=10)
    assert timedelta(seconds=19) < second <= timedelta(seconds=20)


async def test_ambiguous_outcome_is_never_resent(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db)
    sender = ScriptedSender([SendResult(SendStatus.UNKNOWN, error="read timeout")])
    worker = DeliveryWorker(outbox_db, {"sms": sender})
    await worker.run_once()
    await worker.run_once()
    assert row(outbox_db, outbox_id).status == "unknown"
    assert len(sender.calls) == 1


async def test_a_sender_that_raises_counts_as_unknown(outbox_db: sessionmaker[Session]) -> None:
    class Broken(ScriptedSender):
        async def send(self, message: OutboundMessage) -> SendResult:
            raise RuntimeError("bug")

    [outbox_id] = add_rows(outbox_db)
    await DeliveryWorker(outbox_db, {"sms": Broken()}).run_once()
    assert row(outbox_db, outbox_id).status == "unknown"


def add_guardian(sessions: sessionmaker[Session], order: list[str]) -> int:
    with transaction(sessions) as session:
        guardian = Guardian(setting_id=1, name="Sarah", phone="+447700900101", channel_order=order)
        session.add(guardian)
        session.flush()
        session.add(ChannelIdentity(channel="telegram", external_id="555", guardian_id=guardian.id))
        return guardian.id


async def test_opted_out_on_send_falls_back_to_the_next_channel(
    outbox_db: sessionmaker[Session],
) -> None:
    guardian_id = add_guardian(outbox_db, ["sms", "telegram"])
    [outbox_id] = add_rows(outbox_db, guardian_id=guardian_id)
    sms = ScriptedSender([SendResult(SendStatus.FAILED, error="opted_out")])
    telegram = ScriptedSender()
    worker = DeliveryWorker(outbox_db, {"sms": sms, "telegram": telegram})
    await worker.run_once()
    await worker.run_once()
    with outbox_db() as session:
        identity = session.scalars(select(ChannelIdentity).where(ChannelIdentity.channel == "sms"))
        assert identity.one().opted_out
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
    assert [(r.channel, r.status) for r in rows] == [("sms", "failed"), ("telegram", "sent")]
    assert rows[0].last_error == "opted_out" and rows[0].id == outbox_id
    assert telegram.calls[0].recipient_id == "555"


async def test_no_sms_reaches_an_opted_out_number(outbox_db: sessionmaker[Session]) -> None:
    guardian_id = add_guardian(outbox_db, ["sms"])
    with transaction(outbox_db) as session:
        session.add(ChannelIdentity(channel="sms", external_id="+447700900101", opted_out=True))
    [outbox_id] = add_rows(outbox_db, guardian_id=guardian_id)
    sms = ScriptedSender()
    await DeliveryWorker(outbox_db, {"sms": sms}).run_once()
    failed = row(outbox_db, outbox_id)
    assert (failed.status, sms.calls) == ("failed", [])
    assert failed.last_error == "opted_out; no other channel"


async def test_two_workers_send_each_row_once(outbox_db: sessionmaker[Session]) -> None:
    ids = add_rows(outbox_db, 60)
    sender = ScriptedSender()
    workers = [DeliveryWorker(outbox_db, {"sms": sender}, batch_size=7) for _ in range(3)]
    for _ in range(12):
        await asyncio.gather(*(worker.run_once() for worker in workers))
    counts = Counter(message.outbox_id for message in sender.calls)
    assert sorted(counts) == ids and set(counts.values()) == {1}


async def test_stale_claims_become_unknown_not_pending(outbox_db: sessionmaker[Session]) -> None:
    [stale, fresh] = add_rows(outbox_db, 2, status="sending")
    with transaction(outbox_db) as session:
        session.get_one(Outbox, stale).next_attempt_at = utcnow() - timedelta(hours=1)
    worker = DeliveryWorker(outbox_db, {"sms": ScriptedSender()})
    assert worker.requeue_stale(timedelta(minutes=10)) == 1
    assert (row(outbox_db, stale).status, row(outbox_db, fresh).status) == ("unknown", "sending")


async def test_rate_limits_pace_sends(outbox_db: sessionmaker[Session]) -> None:
    add_rows(outbox_db, 3, recipient_id="+447700900101")
    add_rows(outbox_db, 8, recipient_id="+447700900102", text="x")
    for index in range(8):
        add_rows(outbox_db, recipient_id=f"+4477009002{index:02d}")
    sender = ScriptedSender(rate_limit=RateLimit(per_second=40, per_recipient_per_second=5))
    started = time.monotonic()
    await DeliveryWorker(outbox_db, {"sms": sender}).run_once()
    elapsed = time.monotonic() - started
    assert len(sender.calls) == 19
    assert elapsed >= 7 / 5 - 0.05  # eight to one recipient at 5/s: 1.4 s at least
    times = [call.outbox_id for call in sender.calls]
    assert len(times) == len(set(times))


def test_status_callbacks_only_move_forward(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db, status="sent", provider_message_id="SM1")
    with transaction(outbox_db) as session:
        assert apply_status(session, "SM1", "delivered")
        assert not apply_status(session, "SM1", "queued")
        assert not apply_status(session, "SM1", "sent")
        assert apply_status(session, "SM1", "read")
        assert not apply_status(session, "SM-unknown", "delivered")
    assert row(outbox_db, outbox_id).status == "read"


def test_failure_callbacks_are_final(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db, status="sent", provider_message_id="SM2")
    with transaction(outbox_db) as session:
        assert apply_status(session, "SM2", "undelivered", "twilio:30003")
        assert not apply_status(session, "SM2", "delivered")
    failed = row(outbox_db, outbox_id)
    assert (failed.status, failed.last_error) == ("undelivered", "twilio:30003")


def test_a_window_failure_callback_falls_back(outbox_db: sessionmaker[Session]) -> None:
    guardian_id = add_guardian(outbox_db, ["whatsapp", "sms"])
    add_rows(
        outbox_db,
        channel="whatsapp",
        status="sent",
        provider_message_id="SM3",
        guardian_id=guardian_id,
    )
    with transaction(outbox_db) as session:
        apply_status(session, "SM3", "failed", "outside_window")
    with outbox_db() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
    assert [(r.channel, r.status, r.recipient_id) for r in rows] == [
        ("whatsapp", "failed", "+447700900101"),
        ("sms", "pending", "+447700900101"),
    ]


def test_a_slow_channel_claims_only_a_few_seconds_of_sending(
    outbox_db: sessionmaker[Session],
) -> None:
    add_rows(outbox_db, 30)
    add_rows(outbox_db, 3, channel="telegram", recipient_id="555")
    slow = ScriptedSender(rate_limit=RateLimit(per_second=1))
    worker = DeliveryWorker(outbox_db, {"sms": slow, "telegram": ScriptedSender()})
    claimed = worker._claim()
    assert Counter(message.channel for message in claimed) == {"sms": 5, "telegram": 3}


async def test_a_claim_that_lapsed_before_any_attempt_is_claimed_again(
    outbox_db: sessionmaker[Session],
) -> None:
    [outbox_id] = add_rows(outbox_db)
    crashed = DeliveryWorker(outbox_db, {"sms": ScriptedSender()}, lease=timedelta(0))
    assert len(crashed._claim()) == 1  # claimed, then the worker "dies" before sending
    sender = ScriptedSender()
    assert await DeliveryWorker(outbox_db, {"sms": sender}).run_once() == 1
    sent = row(outbox_db, outbox_id)
    assert (sent.status, sent.attempts, [m.outbox_id for m in sender.calls]) == (
        "sent",
        1,
        [outbox_id],
    )


async def test_a_worker_whose_lease_lapsed_leaves_the_row_to_the_worker_that_took_it(
    outbox_db: sessionmaker[Session],
) -> None:
    [outbox_id] = add_rows(outbox_db)
    slow_sender, quick_sender = ScriptedSender(), ScriptedSender()
    slow = DeliveryWorker(outbox_db, {"sms": slow_sender}, lease=timedelta(0))
    [message] = slow._claim()
    quick = DeliveryWorker(outbox_db, {"sms": quick_sender})
    [taken] = quick._claim()
    await asyncio.gather(slow._deliver(message), quick._deliver(taken))
    assert (len(slow_sender.calls), len(quick_sender.calls)) == (0, 1)
    assert row(outbox_db, outbox_id).status == "sent"


async def test_the_stale_sweep_requeues_unattempted_claims_and_marks_attempts_unknown(
    outbox_db: sessionmaker[Session],
) -> None:
    long_ago = utcnow() - timedelta(hours=1)
    [claimed, attempted] = add_rows(outbox_db, 2)
    with transaction(outbox_db) as session:
        session.get_one(Outbox, claimed).status = "claimed"
        session.get_one(Outbox, attempted).status = "sending"
        for outbox_id in (claimed, attempted):
            session.get_one(Outbox, outbox_id).next_attempt_at = long_ago
    assert DeliveryWorker(outbox_db, {}).requeue_stale(timedelta(minutes=10)) == 2
    assert (row(outbox_db, claimed).status, row(outbox_db, attempted).status) == (
        "pending",
        "unknown",
    )
