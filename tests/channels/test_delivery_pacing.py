"""Delivery pacing: 429s delay only their chat, floods pause the channel, no bursts after stalls."""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left

from sqlalchemy.orm import Session, sessionmaker

from bot.outbound.channel import SendResult, SendStatus
from bot.outbound.delivery import DeliveryWorker, RateLimit
from bot.outbound.pacing import FloodGuard, Pacer
from bot.types import OutboundMessage
from tests.channels.test_delivery import ScriptedSender, add_rows, row


class TimedSender(ScriptedSender):
    """Records when each send started; answers 429 (retry_after) to the chats in `refuse` once."""

    def __init__(self, refuse: dict[str, float], rate_limit: RateLimit) -> None:
        super().__init__(rate_limit=rate_limit)
        self.refuse = dict(refuse)
        self.times: list[tuple[float, str, bool]] = []

    async def send(self, message: OutboundMessage) -> SendResult:
        retry_after = self.refuse.pop(message.recipient_id, None)
        self.times.append((time.monotonic(), message.recipient_id, retry_after is not None))
        if retry_after is not None:
            return SendResult(SendStatus.RETRY, retry_after=retry_after, error="429")
        return await super().send(message)


async def test_a_429_delays_only_its_chat_and_is_retried_in_hand(
    outbox_db: sessionmaker[Session],
) -> None:
    [refused] = add_rows(outbox_db, recipient_id="A")
    others = [add_rows(outbox_db, recipient_id=f"B{n}")[0] for n in range(5)]
    sender = TimedSender({"A": 0.4}, RateLimit(per_second=50, per_recipient_per_second=1))
    assert await DeliveryWorker(outbox_db, {"sms": sender}).run_once() == 6
    first, retry = [at for at, chat, _ in sender.times if chat == "A"]
    others_done = max(at for at, chat, _ in sender.times if chat != "A")
    assert retry - first >= 0.4  # retry_after honoured for that chat
    assert others_done < first + 0.4  # the others did not wait for it
    sent = row(outbox_db, refused)
    assert (sent.status, sent.attempts) == ("sent", 1)  # the 429 delivered nothing: no attempt
    assert all(row(outbox_db, outbox_id).status == "sent" for outbox_id in others)


async def test_a_long_retry_after_goes_back_to_pending(outbox_db: sessionmaker[Session]) -> None:
    [outbox_id] = add_rows(outbox_db, recipient_id="A")
    sender = TimedSender({"A": 60}, RateLimit(per_second=50, per_recipient_per_second=1))
    await DeliveryWorker(outbox_db, {"sms": sender}).run_once()
    assert (row(outbox_db, outbox_id).status, len(sender.times)) == ("pending", 1)


def test_scattered_429s_are_no_flood_but_a_run_of_them_is() -> None:
    guard = FloodGuard()
    answers = ([False] * 9 + [True]) * 6  # 10% refused, well inside one second
    assert not any(guard.flooded(refused) for refused in answers)
    assert [guard.flooded(True) for _ in range(3)] == [False, False, False]
    flood = FloodGuard()
    assert [flood.flooded(True) for _ in range(3)] == [False, False, True]


async def test_a_flood_pauses_the_whole_channel(outbox_db: sessionmaker[Session]) -> None:
    refuse = {f"C{n}": 0.5 for n in range(4)}
    for chat in [*refuse, "D0", "D1"]:
        add_rows(outbox_db, recipient_id=chat)
    sender = TimedSender(refuse, RateLimit(per_second=40, per_recipient_per_second=1))
    await DeliveryWorker(outbox_db, {"sms": sender}).run_once()
    third_refusal = sorted(at for at, _, refused in sender.times if refused)[2]
    later = [at for at, chat, refused in sender.times if chat.startswith("D")]
    assert min(later) >= third_refusal + 0.45  # everyone waited out the flood


async def test_the_pacer_never_bunches_releases_after_a_stall() -> None:
    pacer = Pacer(20)
    released: list[float] = []

    async def one() -> None:
        await pacer.wait()
        released.append(time.monotonic())

    tasks = [asyncio.create_task(one()) for _ in range(50)]
    await asyncio.sleep(0.3)
    time.sleep(0.4)  # a blocked event loop: eight slots go by unserved
    await asyncio.gather(*tasks)
    busiest = max(bisect_left(released, at + 1.0) - n for n, at in enumerate(released))
    assert busiest <= 20
    assert released[-1] - released[0] < 49 / 20 + 0.45  # caught up on most of the stall


async def test_retries_go_ahead_of_rows_not_yet_tried() -> None:
    pacer = Pacer(50)
    order: list[str] = []

    async def one(name: str, urgent: bool = False) -> None:
        await pacer.wait(urgent)
        order.append(name)

    tasks = [asyncio.create_task(one(f"n{n}")) for n in range(5)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(one("retry", urgent=True)))
    await asyncio.gather(*tasks)
    assert order.index("retry") <= 1


async def test_run_forever_delivers_everything_then_stops(
    outbox_db: sessionmaker[Session],
) -> None:
    ids = add_rows(outbox_db, 12)
    sender = ScriptedSender(rate_limit=RateLimit(per_second=100))
    worker = DeliveryWorker(outbox_db, {"sms": sender}, batch_size=4)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run_forever(stop, idle_seconds=0.05))
    while len(sender.calls) < 12:
        await asyncio.sleep(0.02)
    stop.set()
    await running
    assert sorted(message.outbox_id for message in sender.calls) == ids
    assert {row(outbox_db, outbox_id).status for outbox_id in ids} == {"sent"}


async def test_a_refused_send_gives_its_slot_back() -> None:
    pacer = Pacer(5)
    started = time.monotonic()
    for _ in range(10):  # twice the rate, all refused: no message went, so nobody waits
        pacer.refund(await pacer.wait())
    assert time.monotonic() - started < 1.0  # unrefunded, the ten would take 1.8 s
    kept = [await pacer.wait() for _ in range(6)]  # the sixth kept one waits for the window
    assert kept[-1] - kept[0] >= 1.0 - 0.01
