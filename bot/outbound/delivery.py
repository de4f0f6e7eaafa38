"""The outbox delivery worker: claim pending rows, send them through each channel, record outcomes.

Exactly-once rules: a row is claimed (pending -> claimed) in its own transaction by a conditional
update, with a lease: while "claimed", `next_attempt_at` holds when the lease lapses, and that
value is the claim's token. Just before the provider call the attempt is marked in its own
transaction (claimed -> sending, only while the token is still the worker's own), so:
- a worker that dies before marking leaves a claim that lapses; the row is claimed again (by any
  worker, or put back to pending by the scheduler's sweep): it was never sent;
- a worker whose lease lapsed and was taken over cannot mark, so it never sends that row;
- a row "sending" may have reached the provider: after a crash it is left for staff ("unknown",
  by the sweep), never resent blindly. While "sending", `next_attempt_at` holds when the
  attempt began.
Only RETRY outcomes go back to pending; an ambiguous outcome (UNKNOWN) is left for staff. The mark
costs one small UPDATE (one short write transaction) per provider call.

A RETRY with a short `retry_after` (a 429) keeps the row in hand (claimed again, a fresh lease):
the same task waits exactly that long and sends again, so a refused chat costs its own delay, not
a claim cycle; other chats keep flowing. Only a burst of refusals that makes up much of a
channel's answers (a provider-wide flood) pauses the whole channel. `run_forever` tops claims up
while earlier rows are still going out, so a channel's pace never stops between batches.

Outcomes that settle a row (provider status callbacks, failures with a fallback) are in
bot.outbound.delivery_status. The worker knows no adapter: senders arrive as a mapping channel ->
ChannelSender, and a sender may declare `rate_limit: RateLimit` (absent means unpaced). Rows
pending for a channel that has no sender here and that no other process delivers (`pulled`, e.g.
the demo web chat's inbox) become "undeliverable" after NO_SENDER_GRACE, never pending forever.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Outbox, utcnow
from bot.metrics import DELIVERIES
from bot.outbound.channel import (
    OPTED_OUT,
    OUTSIDE_WINDOW,
    ChannelSender,
    RateLimit,
    SendResult,
    SendStatus,
)
from bot.outbound.claims import count, in_recipient_order, opted_out
from bot.outbound.delivery_status import apply_status, fail_row
from bot.outbound.outbox import UNDELIVERABLE, detached
from bot.outbound.pacing import FloodGuard, Pacer
from bot.types import OutboundMessage

log = logging.getLogger(__name__)
__all__ = ["OPTED_OUT", "OUTSIDE_WINDOW", "DeliveryWorker", "RateLimit", "apply_status"]

CLAIMABLE = ("pending", "claimed")  # due pending rows, and claims whose lease lapsed
CLAIM_HORIZON = 5.0  # seconds of sending a channel claims at once
CLAIM_LEASE = timedelta(seconds=60)  # a claim not attempted by then may be taken by any worker
REFILL_SECONDS = 0.2  # how often run_forever tops up claims while rows are in hand
INLINE_RETRY_SECONDS = 5.0  # a retry_after up to this is waited out in hand; longer -> pending
NO_SENDER_GRACE = timedelta(minutes=1)  # pending this long with no sender anywhere: a problem
NO_SENDER_CHECK_SECONDS = 30.0  # how often the worker looks for such rows


class DeliveryWorker:
    """Delivers outbox rows through channel senders with rate limits, retries and dead-letters."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        senders: Mapping[str, ChannelSender],
        *,
        max_attempts: int = 5,
        batch_size: int = 100,
        base_backoff: float = 2.0,
        max_backoff: float = 600.0,
        max_in_flight: int = 32,
        lease: timedelta = CLAIM_LEASE,
        pulled: frozenset[str] = frozenset(),
    ) -> None:
        """`pulled`: channels another process delivers (a pull channel's inbox), left alone."""
        self._session_factory = session_factory
        self._senders = dict(senders)
        self._lease = lease
        self._leases: dict[int, datetime] = {}  # outbox id -> this worker's claim token
        self._served = frozenset(self._senders) | pulled
        self._next_no_sender_check = 0.0
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._base_backoff = base_backoff
        self._max_backoff = max_backoff
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._channel_pacers: dict[str, Pacer] = {}
        self._floods = {channel: FloodGuard() for channel in self._senders}
        self._held = dict.fromkeys(self._senders, 0)  # rows claimed and not yet settled
        self._recipient_pacers: dict[tuple[str, str], Pacer] = {}
        for channel, sender in self._senders.items():
            limit: RateLimit | None = getattr(sender, "rate_limit", None)
            if limit is not None:
                self._channel_pacers[channel] = Pacer(limit.per_second)

    async def run_once(self) -> int:
        """Claim one batch of due rows and deliver it; returns how many rows were handled."""
        claimed = await asyncio.to_thread(self._claim)
        await asyncio.gather(*(self._deliver(message) for message in claimed))
        return len(claimed)

    async def run_forever(self, stop_event: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until `stop_event` is set, sleeping `idle_seconds` when nothing is due.

        Claims are topped up while earlier rows are still being paced out; on stop, rows in
        hand are finished (never abandoned "sending").
        """
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not stop_event.is_set():
                limits = self._room()
                claimed = await asyncio.to_thread(self._claim, limits) if limits else []
                for message in claimed:
                    self._start(tasks, message)
                with suppress(TimeoutError):
                    pause = REFILL_SECONDS if tasks else idle_seconds
                    await asyncio.wait_for(stop_event.wait(), pause)
        finally:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _room(self) -> dict[str, int]:
        """Rows each channel may claim now: only channels down to half their claim limit."""
        limits = {channel: self._claim_limit(channel) for channel in self._senders}
        if all(self._held[channel] * 2 > limit for channel, limit in limits.items()):
            return {}
        return {channel: limit - self._held[channel] for channel, limit in limits.items()}

    def _start(self, tasks: set[asyncio.Task[None]], message: OutboundMessage) -> None:
        """Deliver one claimed row in its own task, counted as held until it settles."""
        self._held[message.channel] += 1
        task = asyncio.create_task(self._deliver(message))
        tasks.add(task)

        def settled(done: asyncio.Task[None]) -> None:
            tasks.discard(done)
            self._held[message.channel] -= 1

        task.add_done_callback(settled)

    def requeue_stale(self, older_than: timedelta) -> int:
        """Claims whose lease lapsed go back to pending (never attempted: nothing went out); rows
        "sending" for longer than `older_than` become "unknown" (they may have gone out). How
        many rows changed."""
        now = utcnow()
        with self._session_factory() as session, session.begin():
            requeued = session.execute(
                update(Outbox)
                .where(Outbox.status == "claimed", Outbox.next_attempt_at <= now)
                .values(status="pending", next_attempt_at=now)
            )
            unknown = session.execute(
                update(Outbox)
                .where(Outbox.status == "sending", Outbox.next_attempt_at < now - older_than)
                .values(status="unknown", last_error="worker stopped mid-send")
            )
            return count(requeued) + count(unknown)

    def _claim(self, limits: Mapping[str, int] | None = None) -> list[OutboundMessage]:
        """pending (or a lapsed claim) -> claimed, with a lease, for one batch of due rows;
        opted-out recipients fail at once.

        `limits` caps the rows per channel (default: each channel's claim limit).
        """
        now = utcnow()
        if limits is None:
            limits = {channel: self._claim_limit(channel) for channel in self._senders}
        with self._session_factory() as session, session.begin():
            self._mark_unserved(session, now)
            candidates = [
                (outbox_id, channel, recipient)
                for channel, limit in limits.items()
                if limit > 0
                for outbox_id, recipient in session.execute(
                    select(Outbox.id, Outbox.recipient_id)
                    .where(
                        Outbox.status.in_(CLAIMABLE),
                        Outbox.next_attempt_at <= now,
                        Outbox.channel == channel,
                    )
                    .order_by(Outbox.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ]
            ordered = in_recipient_order(session, candidates, self._leases, now, self._lease)
            if not ordered:
                return []
            lease = now + self._lease
            ids = session.scalars(
                update(Outbox)
                .where(
                    Outbox.id.in_(ordered),
                    Outbox.status.in_(CLAIMABLE),
                    Outbox.next_attempt_at <= now,
                )
                .values(status="claimed", next_attempt_at=lease)
                .returning(Outbox.id)
            ).all()
            rows = session.scalars(
                select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id)
            ).all()
            blocked = opted_out(session, rows)
            claimed = []
            for row in rows:
                if (row.channel, row.recipient_id) in blocked:
                    fail_row(session, row, OPTED_OUT)
                else:
                    self._leases[row.id] = lease
                    claimed.append(detached(row))
            return claimed

    def _mark_unserved(self, session: Session, now: datetime) -> None:
        """Rows pending for a channel no process delivers become "undeliverable" (now and then:
        a grace first, so a synchronous channel's replies are shown before they count)."""
        if time.monotonic() < self._next_no_sender_check:
            return
        self._next_no_sender_check = time.monotonic() + NO_SENDER_CHECK_SECONDS
        served = ", ".join(sorted(self._served)) or "none"
        session.execute(
            update(Outbox)
            .where(
                Outbox.status == "pending",
                Outbox.channel.not_in(self._served),
                Outbox.created_at < now - NO_SENDER_GRACE,
            )
            .values(
                status=UNDELIVERABLE,
                last_error=f"no sender for this channel is configured (delivering: {served})",
            )
        )

    def _claim_limit(self, channel: str) -> int:
        """Rows of one channel per claim: what its pace sends within CLAIM_HORIZON seconds.

        So a slow channel never holds many rows "sending", and no channel starves another.
        """
        pacer = self._channel_pacers.get(channel)
        if pacer is None:
            return self._batch_size
        return max(1, min(self._batch_size, math.ceil(pacer.rate * CLAIM_HORIZON)))

    async def _deliver(self, message: OutboundMessage) -> None:
        """Pace, send, record; a short retry_after is waited out here and the row sent again."""
        retrying = False
        try:
            while True:
                slot = await self._pace(message.channel, message.recipient_id, urgent=retrying)
                result = await self._send(message, slot)
                if result is None:  # the claim lapsed and another worker took the row
                    return
                if await asyncio.to_thread(self._record, message.outbox_id, result):
                    return
                await asyncio.sleep(result.retry_after or 0.0)  # exactly what the provider asked
                retrying = True  # due now: ahead of rows not yet tried, so retries never pile up
        finally:
            self._leases.pop(message.outbox_id, None)

    async def _send(self, message: OutboundMessage, slot: float | None) -> SendResult | None:
        """Mark the attempt, then send once; None when the claim is no longer this worker's.
        The answer feeds the flood guard and the recipient's pause.

        A refused send delivered nothing, so its channel slot (released at `slot`) is given back.
        """
        async with self._in_flight:
            if not await asyncio.to_thread(self._mark_attempt, message.outbox_id):
                if slot is not None:
                    self._channel_pacers[message.channel].refund(slot)
                return None
            try:
                result = await self._senders[message.channel].send(message)
            except Exception as exc:  # a sender bug: it may have sent, so never resend
                log.exception("sender %s raised for outbox %s", message.channel, message.outbox_id)
                result = SendResult(SendStatus.UNKNOWN, error=f"sender raised: {exc!r}")
        DELIVERIES.labels(message.channel, result.status.value).inc()
        refused = result.status is SendStatus.RETRY and bool(result.retry_after)
        self._note_answer(message.channel, message.recipient_id, refused, result.retry_after)
        if refused and slot is not None:
            self._channel_pacers[message.channel].refund(slot)
        return result

    def _mark_attempt(self, outbox_id: int) -> bool:
        """claimed -> sending, committed before the provider call, while the claim is still
        this worker's (its lease token unchanged); False when another worker took it."""
        with self._session_factory() as session, session.begin():
            marked = session.execute(
                update(Outbox)
                .where(
                    Outbox.id == outbox_id,
                    Outbox.status == "claimed",
                    Outbox.next_attempt_at == self._leases[outbox_id],
                )
                .values(status="sending", attempts=Outbox.attempts + 1, next_attempt_at=utcnow())
            )
            return count(marked) == 1

    async def _pace(self, channel: str, recipient_id: str, urgent: bool = False) -> float | None:
        """Wait for the recipient's slot first, then the channel's, so no channel slot is wasted.

        The channel slot's release time, or None for an unpaced channel."""
        limit: RateLimit | None = getattr(self._senders[channel], "rate_limit", None)
        if limit is None:
            return None
        if limit.per_recipient_per_second:
            key = (channel, recipient_id)
            pacer = self._recipient_pacers.get(key)
            if pacer is None:
                self._forget_idle_recipients()
                pacer = self._recipient_pacers[key] = Pacer(limit.per_recipient_per_second)
            await pacer.wait()
        return await self._channel_pacers[channel].wait(urgent)

    def _note_answer(
        self, channel: str, recipient_id: str, refused: bool, retry_after: float | None
    ) -> None:
        """A 429 pauses its recipient for retry_after; a flood of them pauses the channel."""
        flooded = self._floods[channel].flooded(refused)
        if not refused or not retry_after:
            return
        recipient = self._recipient_pacers.get((channel, recipient_id))
        if recipient is not None:
            recipient.pause(retry_after)
        pacer = self._channel_pacers.get(channel)
        if flooded and pacer is not None:
            log.warning("%s: a flood of 429s; pausing the channel %.1f s", channel, retry_after)
            pacer.pause(retry_after)

    def _forget_idle_recipients(self, keep: int = 10_000) -> None:
        """Bound the per-recipient pacer table."""
        if len(self._recipient_pacers) >= keep:
            for key in [key for key, pacer in self._recipient_pacers.items() if pacer.idle]:
                del self._recipient_pacers[key]

    def _record(self, outbox_id: int, result: SendResult) -> bool:
        """Write one send outcome to its row; False when the row stays in hand for a retry.

        A short retry_after keeps the row in hand: claimed again with a fresh lease (a crash
        while waiting lets it lapse, and the row is sent later); anything else settles the row.
        """
        now = utcnow()
        with self._session_factory() as session, session.begin():
            row = session.get(Outbox, outbox_id)
            if row is None:
                return True
            if result.status is SendStatus.RETRY and result.retry_after:
                row.attempts -= 1  # a rate-limit refusal delivered nothing: it is no attempt
            retry = result.status is SendStatus.RETRY and row.attempts < self._max_attempts
            if retry and result.retry_after and result.retry_after <= INLINE_RETRY_SECONDS:
                lease = now + self._lease
                row.status, row.last_error = "claimed", result.error or "retry"
                row.next_attempt_at = lease
                self._leases[outbox_id] = lease
                return False
            if result.status is SendStatus.SENT:
                row.status, row.sent_at, row.last_error = "sent", now, None
                row.provider_message_id = result.provider_message_id
            elif retry:
                row.status, row.last_error = "pending", result.error or "retry"
                row.next_attempt_at = now + timedelta(seconds=self._delay(row.attempts, result))
            elif result.status is SendStatus.RETRY:
                row.status, row.last_error = "dead", f"gave up after {row.attempts}: {result.error}"
            elif result.status is SendStatus.UNKNOWN:
                row.status, row.last_error = "unknown", result.error or "ambiguous outcome"
            else:
                fail_row(session, row, result.error or "failed")
            return True

    def _delay(self, attempts: int, result: SendResult) -> float:
        """Seconds before the next attempt: the provider's retry_after, else exponential backoff."""
        if result.retry_after:
            return result.retry_after
        return float(min(self._base_backoff * 2 ** (attempts - 1), self._max_backoff))
