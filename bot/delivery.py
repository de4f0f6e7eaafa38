"""The outbox delivery worker: claim pending rows, send them through each channel, record outcomes.

Exactly-once rules: a row is claimed (pending -> sending) in its own transaction by a conditional
update, so two workers never send the same row; it is sent at most once per claim. Only RETRY
outcomes go back to pending. An ambiguous outcome (UNKNOWN) or a crash mid-send leaves the row for
staff ("unknown"), never resent blindly. While a row is "sending", `next_attempt_at` holds the
time it was claimed (or last attempted).

A RETRY with a short `retry_after` (a 429) keeps the claim: the same task waits exactly that long
and sends again, so a refused chat costs its own delay, not a claim cycle; other chats keep
flowing. Only a burst of refusals that makes up much of a channel's answers (a provider-wide
flood) pauses the whole channel. `run_forever` tops claims up while earlier rows are still going
out, so a channel's pace never stops between batches.

The worker knows no adapter: senders arrive as a mapping channel -> ChannelSender, and a sender
may declare `rate_limit: RateLimit` (absent means unpaced).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.channel import ChannelSender, SendResult, SendStatus
from bot.db.models import ChannelIdentity, Outbox, utcnow
from bot.identity import find_identity
from bot.optout import next_channel, set_opt_out
from bot.pacing import FloodGuard, Pacer, RateLimit
from bot.types import Choice, OutboundMessage, Reply

log = logging.getLogger(__name__)

OPTED_OUT = "opted_out"  # the recipient blocked this channel: record it, use another channel
OUTSIDE_WINDOW = "outside_window"  # WhatsApp: no open session and no template
FALLBACK_ERRORS = frozenset({OPTED_OUT, OUTSIDE_WINDOW})
# Forward-only status progress; provider statuses (Twilio callbacks) share the ladder.
PROGRESS = {
    "pending": 0,
    "sending": 1,
    "accepted": 2,
    "scheduled": 2,
    "queued": 2,
    "sent": 3,
    "delivered": 4,
    "read": 5,
}
TERMINAL = frozenset({"failed", "undelivered", "canceled", "unknown", "dead"})
CLAIM_HORIZON = 5.0  # seconds of sending a channel claims at once
REFILL_SECONDS = 0.2  # how often run_forever tops up claims while rows are in hand
INLINE_RETRY_SECONDS = 5.0  # a retry_after up to this is waited out in hand; longer -> pending


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
    ) -> None:
        self._session_factory = session_factory
        self._senders = dict(senders)
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
        """Rows left "sending" by a crashed worker become "unknown" (they may have gone out)."""
        cutoff = utcnow() - older_than
        with self._session_factory() as session, session.begin():
            result = session.execute(
                update(Outbox)
                .where(Outbox.status == "sending", Outbox.next_attempt_at < cutoff)
                .values(status="unknown", last_error="worker stopped mid-send")
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def _claim(self, limits: Mapping[str, int] | None = None) -> list[OutboundMessage]:
        """pending -> sending for one batch of due rows; opted-out recipients fail at once.

        `limits` caps the rows per channel (default: each channel's claim limit).
        """
        now = utcnow()
        if limits is None:
            limits = {channel: self._claim_limit(channel) for channel in self._senders}
        with self._session_factory() as session, session.begin():
            candidates = [
                outbox_id
                for channel, limit in limits.items()
                if limit > 0
                for outbox_id in session.scalars(
                    select(Outbox.id)
                    .where(
                        Outbox.status == "pending",
                        Outbox.next_attempt_at <= now,
                        Outbox.channel == channel,
                    )
                    .order_by(Outbox.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ]
            if not candidates:
                return []
            ids = session.scalars(
                update(Outbox)
                .where(Outbox.id.in_(candidates), Outbox.status == "pending")
                .values(status="sending", attempts=Outbox.attempts + 1, next_attempt_at=now)
                .returning(Outbox.id)
            ).all()
            rows = session.scalars(
                select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id)
            ).all()
            blocked = _opted_out(session, rows)
            for row in rows:
                if (row.channel, row.recipient_id) in blocked:
                    _fail(session, row, OPTED_OUT)
            return [_detach(row) for row in rows if (row.channel, row.recipient_id) not in blocked]

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
        while True:
            slot = await self._pace(message.channel, message.recipient_id, urgent=retrying)
            result = await self._send(message, slot)
            if await asyncio.to_thread(self._record, message.outbox_id, result):
                return
            await asyncio.sleep(result.retry_after or 0.0)  # exactly what the provider asked
            retrying = True  # due now: ahead of rows not yet tried, so retries never pile up last

    async def _send(self, message: OutboundMessage, slot: float | None) -> SendResult:
        """One send; its answer feeds the flood guard and the recipient's pause.

        A refused send delivered nothing, so its channel slot (released at `slot`) is given back.
        """
        async with self._in_flight:
            try:
                result = await self._senders[message.channel].send(message)
            except Exception as exc:  # a sender bug: it may have sent, so never resend
                log.exception("sender %s raised for outbox %s", message.channel, message.outbox_id)
                result = SendResult(SendStatus.UNKNOWN, error=f"sender raised: {exc!r}")
        refused = result.status is SendStatus.RETRY and bool(result.retry_after)
        self._note_answer(message.channel, message.recipient_id, refused, result.retry_after)
        if refused and slot is not None:
            self._channel_pacers[message.channel].refund(slot)
        return result

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

        A short retry_after keeps the claim ("sending", one more attempt counted now, so a crash
        while waiting leaves it for staff like any row in hand); anything else settles the row.
        """
        now = utcnow()
        with self._session_factory() as session, session.begin():
            row = session.get(Outbox, outbox_id)
            if row is None:
                return True
            retry = result.status is SendStatus.RETRY and row.attempts < self._max_attempts
            if retry and result.retry_after and result.retry_after <= INLINE_RETRY_SECONDS:
                row.attempts += 1
                row.last_error, row.next_attempt_at = result.error or "retry", now
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
                _fail(session, row, result.error or "failed")
            return True

    def _delay(self, attempts: int, result: SendResult) -> float:
        """Seconds before the next attempt: the provider's retry_after, else exponential backoff."""
        if result.retry_after:
            return result.retry_after
        return float(min(self._base_backoff * 2 ** (attempts - 1), self._max_backoff))


def apply_status(
    session: Session, provider_message_id: str, status: str, error: str | None = None
) -> bool:
    """Apply a provider's status callback forward-only; True if the row changed.

    Callbacks arrive out of order: a status only replaces a lower one, and terminal statuses
    (failed, undelivered, ...) are final. A failure whose `error` is a fallback reason sends the
    message on through the guardian's next channel.
    """
    row = session.scalar(
        select(Outbox).where(Outbox.provider_message_id == provider_message_id).with_for_update()
    )
    if row is None or row.status in TERMINAL:
        return False
    if status in TERMINAL:
        _fail(session, row, error or status, status=status)
        return True
    if PROGRESS.get(status, -1) <= PROGRESS.get(row.status, 0):
        return False
    row.status = status
    return True


def _fail(session: Session, row: Outbox, error: str, status: str = "failed") -> None:
    """Mark a row failed; an opted-out recipient is recorded; a fallback reason re-routes it."""
    row.status, row.last_error = status, error
    if error == OPTED_OUT:
        identity = find_identity(session, row.channel, row.recipient_id) or ChannelIdentity(
            channel=row.channel,
            external_id=row.recipient_id,
            guardian_id=row.guardian_id,
            staff_id=row.staff_id,
        )
        session.add(identity)
        set_opt_out(session, identity, True)
    if error not in FALLBACK_ERRORS or row.guardian_id is None:
        return
    target = next_channel(session, row.guardian_id, row.channel)
    if target is None:
        row.last_error = f"{error}; no other channel"
        return
    session.add(_copy_to(row, *target))


def _copy_to(row: Outbox, channel: str, recipient_id: str) -> Outbox:
    """The same message, addressed to another channel identity."""
    fields: dict[str, Any] = {
        name: getattr(row, name)
        for name in ("kind", "text", "choices", "guardian_id", "staff_id", "inbound_id")
    }
    return Outbox(channel=channel, recipient_id=recipient_id, status="pending", **fields)


def _opted_out(session: Session, rows: Any) -> set[tuple[str, str]]:
    """Which (channel, recipient) pairs among the rows are opted out."""
    recipients = {row.recipient_id for row in rows}
    if not recipients:
        return set()
    found = session.execute(
        select(ChannelIdentity.channel, ChannelIdentity.external_id).where(
            ChannelIdentity.opted_out.is_(True), ChannelIdentity.external_id.in_(recipients)
        )
    ).all()
    return {(channel, external_id) for channel, external_id in found}


def _detach(row: Outbox) -> OutboundMessage:
    """The message a sender needs, free of the session."""
    choices = tuple(Choice(id=str(c["id"]), label=str(c["label"])) for c in row.choices or [])
    return OutboundMessage(
        outbox_id=row.id,
        channel=row.channel,
        recipient_id=row.recipient_id,
        reply=Reply(text=row.text, choices=choices),
        kind=row.kind,
    )
