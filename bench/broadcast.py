"""Broadcast figures: 1,000 Telegram sends through the DeliveryWorker to the fake Bot API, and
a mixed run of 5,000 families on Telegram, SMS and WhatsApp (bench/broadcast_mixed.py).

The fake enforces Telegram's 30 messages/s cap (429 + retry_after beyond it). Run twice: once
clean, once with 5% of answers being 429. Prints the rate achieved as a share of the cap, and
how many messages were lost or duplicated; the final line is JSON, also written to
bench/results/broadcast.json. Loopback only; each run takes about 35 s.

The rate is the broadcast's own: accepted sends, as the fake saw them, from the first to the
last, (n - 1) intervals over that span (so it excludes database setup and the final check that
nothing is left, and includes every retry's wait). `wall_rate_of_cap` is the rate from starting
the worker until every row was settled. Safety, as the fake saw it: `max_accepted_in_1s` counts
accepted sends (the messages Telegram's cap is about) in the busiest one-second window
(server-side timestamps, so they carry the fake's own thread jitter); `max_requests_in_1s` counts
every request, 429s too; `max_sends_in_1s_by_worker` counts the accepted sends by the times the
worker started them; `early_retries` counts retries that reached a chat sooner than its 429's
retry_after.

With 5% 429s: the worker paces *messages* at 29.5/s. A refused request delivered nothing, so
its slot is given back (Telegram's limit is about 30 messages a second; were refused requests
to count too, the answer would be more 429s, which the worker waits out, and a flood of them
pauses the channel). The refused chat waits its retry_after (1 s) before its retry; when one
of the last requests is refused, that wait ends the run: about 999 / (999/29.5 + 1) / 30 = 0.955.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from bisect import bisect_left
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from telegram import Bot  # noqa: E402

from bench.broadcast_mixed import FAIL_FRACTION, FAMILIES, TIMEOUT_FRACTION, run_mixed  # noqa: E402
from bot.db.models import Base, Outbox  # noqa: E402
from bot.db.session import make_engine, make_session_factory, transaction  # noqa: E402
from bot.outbound.channel import SendResult, SendStatus  # noqa: E402
from bot.outbound.delivery import DeliveryWorker  # noqa: E402
from bot.types import OutboundMessage  # noqa: E402
from channels.telegram import TelegramConfig, TelegramSender, make_bot  # noqa: E402
from tests.fakes.telegram_api import Call, FakeBotApi  # noqa: E402

MESSAGES = 1_000
CAP = 30
DEADLINE_SECONDS = 180


async def run(fail_fraction: float, folder: Path) -> dict[str, float]:
    """One broadcast of MESSAGES rows; its rate, losses and duplicates."""
    db = make_engine(f"sqlite:///{folder / f'broadcast-{fail_fraction}.sqlite3'}")
    Base.metadata.create_all(db)
    sessions = make_session_factory(db)
    with transaction(sessions) as session:
        session.add_all(
            Outbox(channel="telegram", recipient_id=str(10_000 + n), text=f"broadcast #{n}")
            for n in range(MESSAGES)
        )
    with FakeBotApi(cap_per_second=CAP, fail_fraction=fail_fraction) as api:
        config = TelegramConfig("1:BENCH", "secret", "https://x", api_base_url=api.base_url)
        async with make_bot(config) as bot:
            sender = TimedSender(bot)
            worker = DeliveryWorker(sessions, {"telegram": sender}, batch_size=100)
            started = time.monotonic()
            stop = asyncio.Event()
            watcher = asyncio.create_task(_stop_when_settled(sessions, stop, started))
            await worker.run_forever(stop)
            await watcher
            elapsed = time.monotonic() - started
        calls = [call for call in api.calls if call.method == "sendMessage"]
        retry_after = float(api.retry_after)
    with sessions() as session:
        statuses = Counter(session.scalars(select(Outbox.status)).all())
    db.dispose()
    figures = _figures(calls, statuses, elapsed, retry_after)
    figures["max_sends_in_1s_by_worker"] = _busiest(sorted(sender.started))
    return figures


class TimedSender(TelegramSender):
    """The real sender, noting when the worker starts each send (its own pacing, no jitter)."""

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.started: list[float] = []  # accepted sends only

    async def send(self, message: OutboundMessage) -> SendResult:
        started = time.monotonic()
        result = await super().send(message)
        if result.status is SendStatus.SENT:
            self.started.append(started)
        return result


def _figures(
    calls: list[Call], statuses: Counter[str], elapsed: float, retry_after: float
) -> dict[str, float]:
    """Rate, losses, duplicates and the safety checks, from the fake's record of requests."""
    sent = [call for call in calls if call.status == 200]
    accepted = Counter(call.params["text"] for call in sent)
    span = sent[-1].at - sent[0].at if len(sent) > 1 else float("inf")
    expected = {f"broadcast #{n}" for n in range(MESSAGES)}
    return {
        "seconds": round(span, 2),
        "rate_per_s": round((len(sent) - 1) / span, 2),
        "rate_of_cap": round((len(sent) - 1) / span / CAP, 3),
        "wall_seconds": round(elapsed, 2),
        "wall_rate_of_cap": round(MESSAGES / elapsed / CAP, 3),
        "lost": len(expected - set(accepted)) + sum(n for s, n in statuses.items() if s != "sent"),
        "duplicated": sum(count - 1 for count in accepted.values()),
        "answered_429": sum(1 for call in calls if call.status == 429),
        "max_accepted_in_1s": _busiest(sorted(call.at for call in sent)),
        "max_requests_in_1s": _busiest(sorted(call.at for call in calls)),
        "early_retries": _early_retries(calls, retry_after),
    }


def _busiest(times: list[float]) -> int:
    """The most of these (sorted) times within one second: requests or sends, any answer."""
    return max((bisect_left(times, t + 1.0) - n for n, t in enumerate(times)), default=0)


def _early_retries(calls: list[Call], retry_after: float) -> int:
    """Requests to a chat sooner after its 429 than the retry_after it was given."""
    early, refused_at = 0, {}
    for call in sorted(calls, key=lambda c: c.at):
        chat = call.params["chat_id"]
        if chat in refused_at and call.at < refused_at[chat]:
            early += 1
        if call.status == 429:
            refused_at[chat] = call.at + retry_after
    return early


async def _stop_when_settled(
    sessions: object, stop: asyncio.Event, started: float, deadline: float = DEADLINE_SECONDS
) -> None:
    """Stop the worker once no row is pending or sending (or at the deadline)."""
    while time.monotonic() - started < deadline:
        if not await asyncio.to_thread(_pending, sessions):
            break
        await asyncio.sleep(0.05)
    stop.set()


def _pending(sessions: object) -> bool:
    with sessions() as session:  # type: ignore[operator]
        busy = select(func.count()).where(Outbox.status.in_(("pending", "claimed", "sending")))
        return bool(session.scalar(busy))


async def main() -> dict[str, object]:
    load_before = [round(n, 2) for n in os.getloadavg()]
    print("load average (1, 5, 15 min):", load_before, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        clean = await run(0.0, Path(folder))
        print("clean:", json.dumps(clean), flush=True)
        flaky = await run(0.05, Path(folder))
        print("5% 429:", json.dumps(flaky), flush=True)
        mixed = await run_mixed(Path(folder), _stop_when_settled)
        print("mixed:", json.dumps(mixed), flush=True)
    load_after = [round(n, 2) for n in os.getloadavg()]
    print("load average after:", load_after, flush=True)
    return {
        "rate_of_cap": clean["rate_of_cap"],
        "lost": clean["lost"] + flaky["lost"],
        "duplicated": clean["duplicated"] + flaky["duplicated"],
        "rate_of_cap_with_429": flaky["rate_of_cap"],
        "answered_429": flaky["answered_429"],
        "max_accepted_in_1s": max(clean["max_accepted_in_1s"], flaky["max_accepted_in_1s"]),
        "max_requests_in_1s": max(clean["max_requests_in_1s"], flaky["max_requests_in_1s"]),
        "max_sends_in_1s_by_worker": max(
            clean["max_sends_in_1s_by_worker"], flaky["max_sends_in_1s_by_worker"]
        ),
        "early_retries": clean["early_retries"] + flaky["early_retries"],
        "rate_definition": "(accepted - 1) / first-to-last accepted send, as the fake saw them",
        "cap_per_s": CAP,
        "messages": MESSAGES,
        "mixed": {
            "families": sum(FAMILIES.values()),
            "fail_fraction_429": FAIL_FRACTION,
            "timeout_fraction": TIMEOUT_FRACTION,
            "scaled": "SMS cap 10/s (real: about 1/s per long code); Telegram, WhatsApp real",
            **mixed,
        },
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


if __name__ == "__main__":
    figures = asyncio.run(main())
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "broadcast.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
