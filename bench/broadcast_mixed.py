"""The mixed broadcast run of bench/broadcast.py: 5,000 families on Telegram, SMS and WhatsApp.

One real DeliveryWorker (with its pacing) delivers all three channels at once through the real
senders: PTB's Bot against the fake Bot API, and the twilio Client over a capped fake HTTP layer
for SMS and WhatsApp (one per channel, each with its own cap). Every fake answers 429 to 5% of
sends and times out on 1% of the accepted ones (the message went out; the answer came too late,
so the worker marks the row "unknown" and never resends it).

Caps: Telegram 30/s (its broadcast limit) and WhatsApp 10/s (Twilio's default) are the real ones.
SMS is scaled: Twilio allows about 1 segment/s per long code, which would make 1,000 SMS take 17
minutes; the fake's SMS cap is 10/s (as a pool of 10 numbers would give) and the sender paces at
9.8/s. The families are split in proportion to the caps (3,000 / 1,000 / 1,000), so each channel
sends for about 100 s. The rate of a channel is (accepted - 1) over its first-to-last accepted
send as its fake saw them, divided by the fake's cap. Lost: a family its fake never received;
doubled: a family its fake received more than once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.db.models import Base, ChannelIdentity, Outbox, utcnow
from bot.db.session import make_engine, make_session_factory, transaction
from bot.outbound.delivery import DeliveryWorker
from bot.service import Recipients
from channels.telegram import TelegramConfig, TelegramSender, make_bot
from channels.twilio_common import TwilioConfig, make_client
from channels.twilio_sms import SmsSender
from channels.whatsapp import WhatsAppSender
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.twilio_http import CappedTwilioHttpClient

FAMILIES = {"telegram": 3_000, "sms": 1_000, "whatsapp": 1_000}
CAPS = {"telegram": 30.0, "sms": 10.0, "whatsapp": 10.0}  # what each fake enforces, per second
PACE = {"sms": 9.8, "whatsapp": 9.8}  # the senders' own rate (Telegram's sender says 29.5)
FAIL_FRACTION = 0.05
TIMEOUT_FRACTION = 0.01
DEADLINE_SECONDS = 400


def recipients(channel: str) -> list[str]:
    """The recipient ids of one channel's families."""
    first = {"telegram": 10_000, "sms": 447_700_000_000, "whatsapp": 447_800_000_000}[channel]
    ids = [str(first + n) for n in range(FAMILIES[channel])]
    return ids if channel == "telegram" else ["+" + r for r in ids]


def channel_figures(
    expected: Iterable[str], received: Iterable[tuple[str, float]], cap: float
) -> dict[str, float]:
    """Rate of cap, lost and doubled, from what one fake received: (recipient, time) pairs."""
    expected = set(expected)
    received = sorted(received, key=lambda pair: pair[1])
    per_recipient = Counter(recipient for recipient, _ in received)
    span = received[-1][1] - received[0][1] if len(received) > 1 else float("inf")
    return {
        "received": len(received),
        "seconds": round(span, 2),
        "rate_per_s": round((len(received) - 1) / span, 2),
        "rate_of_cap": round((len(received) - 1) / span / cap, 3),
        "lost": sum(1 for recipient in expected if recipient not in per_recipient),
        "doubled": sum(count - 1 for count in per_recipient.values() if count > 1),
        "strangers": sum(1 for recipient in per_recipient if recipient not in expected),
    }


def _seed(sessions: Any) -> None:
    """One outbox row per family; WhatsApp families wrote an hour ago (inside the window)."""
    wrote = utcnow() - timedelta(hours=1)
    with transaction(sessions) as session:
        for channel in FAMILIES:
            for recipient in recipients(channel):
                session.add(Outbox(channel=channel, recipient_id=recipient, text="Trip tomorrow"))
        session.add_all(
            ChannelIdentity(channel="whatsapp", external_id=r, last_inbound_at=wrote)
            for r in recipients("whatsapp")
        )


async def run_mixed(folder: Path, settled: Any) -> dict[str, Any]:
    """The mixed run; `settled(sessions, stop, started, deadline)` is broadcast.py's stopper."""
    db = make_engine(f"sqlite:///{folder / 'broadcast-mixed.sqlite3'}")
    Base.metadata.create_all(db)
    sessions = make_session_factory(db)
    _seed(sessions)
    twilio = {
        channel: CappedTwilioHttpClient(
            CAPS[channel], fail_fraction=FAIL_FRACTION, timeout_fraction=TIMEOUT_FRACTION, seed=n
        )
        for n, channel in enumerate(("sms", "whatsapp"), 11)
    }
    with FakeBotApi(
        cap_per_second=int(CAPS["telegram"]),
        fail_fraction=FAIL_FRACTION,
        timeout_fraction=TIMEOUT_FRACTION,
    ) as api:
        config = TelegramConfig("1:BENCH", "secret", "https://x", api_base_url=api.base_url)
        async with make_bot(config) as bot:
            senders = {"telegram": TelegramSender(bot), **_twilio_senders(twilio, sessions)}
            worker = DeliveryWorker(sessions, senders, batch_size=100)
            started = time.monotonic()
            stop = asyncio.Event()
            watcher = asyncio.create_task(settled(sessions, stop, started, DEADLINE_SECONDS))
            await worker.run_forever(stop)
            await watcher
            elapsed = time.monotonic() - started
        telegram = [
            (str(c.params["chat_id"]), c.at)
            for c in api.calls
            if c.method == "sendMessage" and c.status == 200
        ]
        answered_429 = {"telegram": sum(1 for c in api.calls if c.status == 429)}
        timeouts = {"telegram": api.stalled}
    received = {"telegram": telegram}
    for channel, client in twilio.items():
        received[channel] = [(_number(c.data["To"]), c.at) for c in client.received]
        answered_429[channel] = sum(1 for c in client.calls if c.outcome == "429")
        timeouts[channel] = sum(1 for c in client.calls if c.outcome == "timeout")
    with sessions() as session:
        rows = session.execute(select(Outbox.channel, Outbox.status)).all()
    db.dispose()
    figures: dict[str, Any] = {"wall_seconds": round(elapsed, 2)}
    for channel in FAMILIES:
        figures[channel] = {
            "families": FAMILIES[channel],
            "cap_per_s": CAPS[channel],
            **channel_figures(recipients(channel), received[channel], CAPS[channel]),
            "answered_429": answered_429[channel],
            "timeouts": timeouts[channel],
            "rows": dict(Counter(status for ch, status in rows if ch == channel)),
        }
    return figures


def _twilio_senders(
    clients: Mapping[str, CappedTwilioHttpClient], sessions: Any
) -> dict[str, SmsSender | WhatsAppSender]:
    """The real SMS and WhatsApp senders, each on its own fake HTTP layer and pace."""

    def config(channel: str) -> TwilioConfig:
        return TwilioConfig(
            "AC" + "0" * 32,
            "token",
            sms_from="+447000000001",
            whatsapp_from="+447000000002",
            public_base_url="https://bench.example",
            messages_per_second=PACE[channel],
        )

    return {
        "sms": SmsSender(make_client(config("sms"), clients["sms"]), config("sms")),
        "whatsapp": WhatsAppSender(
            make_client(config("whatsapp"), clients["whatsapp"]),
            config("whatsapp"),
            Recipients(sessions),
        ),
    }


def _number(to: str) -> str:
    return to.removeprefix("whatsapp:")
